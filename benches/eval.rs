//! Pricing one family: the compiled rules with and without justification, and, as the
//! reference limit, hand-written Rust functions computing the same price.
//!
//! Targets (issue « Performance ») : in the loop over a million families already in
//! memory, `Session::price` no slower than the hand-written `Decimal` function, and
//! `Session::justify_into` within 2× of the hand-written function that records its
//! steps; the PSU formula within 3× of the same formula written by hand; reading a
//! family measured beside its price. No allocation per family (tests/allocations.rs).
//! `justify` (a justification allocated at each call) is measured beside
//! `justify_into` (the justification's memory reused, as a batch does). The peers'
//! workload (families read from JSON): `Session::price` no slower than the
//! hand-written function on a packed struct, `Session::trace_into` (the cell kept,
//! the steps written on demand) within 2× of the minimal hand-written trace.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use rust_decimal::{Decimal, RoundingStrategy};
use tarif::document::Document;
use tarif::eval::{
    Family, Session,
    trace::{Justification, Provenance},
};
use tarif::rules::{InputId, Value, ValueType};

/// The families priced in turn: a power of two, so that the next one is found with a
/// mask (a division would weigh a dozen nanoseconds on every side of the comparison).
const FAMILIES: usize = 1_024;

fn document(name: &str) -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deliberations")
        .join(name);
    let source = std::fs::read_to_string(path).expect("deliberation");
    Document::from_source(&source).expect("valid deliberation")
}

/// A family of the cantine: QF (or none), hors commune, rang, PAI.
#[derive(Clone, Copy)]
struct Cantine {
    qf: Option<u32>,
    hors_commune: bool,
    rang: u32,
    pai: bool,
}

/// A reproducible spread of families (a linear congruential generator, seed 42).
fn cantine_families(n: usize) -> Vec<Cantine> {
    let mut state: u64 = 42;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    (0..n)
        .map(|_| Cantine {
            qf: if next(100) < 5 {
                None
            } else {
                Some(next(2_501) as u32)
            },
            hors_commune: next(100) < 20,
            rang: 1 + next(4) as u32,
            pai: next(100) < 10,
        })
        .collect()
}

/// The same price as `deliberations/exempleville-cantine.delib`, written by hand.
fn hand_written(f: &Cantine) -> Decimal {
    let base = match f.qf {
        None => Decimal::new(540, 2),
        Some(q) if q <= 400 => Decimal::new(80, 2),
        Some(q) if q <= 600 => Decimal::new(150, 2),
        Some(q) if q <= 800 => Decimal::new(220, 2),
        Some(q) if q <= 1_000 => Decimal::new(290, 2),
        Some(q) if q <= 1_300 => Decimal::new(360, 2),
        Some(q) if q <= 1_600 => Decimal::new(420, 2),
        Some(q) if q <= 2_000 => Decimal::new(480, 2),
        Some(_) => Decimal::new(540, 2),
    };
    let mut price = base;
    if f.hors_commune {
        price *= Decimal::new(130, 2);
    }
    if f.rang >= 3 {
        price *= Decimal::new(80, 2);
    }
    if f.pai {
        price *= Decimal::new(50, 2);
    }
    price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn to_family(document: &Document, f: &Cantine) -> Family {
    let d = &document.deliberation;
    let mut family = Family::new(d);
    let input = |name: &str| {
        d.inputs
            .iter()
            .position(|i| i.name == name)
            .map(|i| InputId(i as u32))
    };
    let choice = |name: &str| {
        d.choices
            .iter()
            .position(|c| c == name)
            .map(|c| Value::Choice(tarif::rules::ChoiceId(c as u32)))
    };
    let quotient = input("quotient_caf").or_else(|| input("qf"));
    if let (Some(id), Some(q)) = (quotient, f.qf) {
        family.set(
            id,
            Some(Value::Number(Decimal::from(q))),
            Provenance::Declared,
        );
    }
    if let Some(id) = input("résidence") {
        family.set(
            id,
            choice(if f.hors_commune {
                "hors_commune"
            } else {
                "commune"
            }),
            Provenance::Declared,
        );
    }
    if let Some(id) = input("rang") {
        family.set(
            id,
            Some(Value::Number(Decimal::from(f.rang))),
            Provenance::Declared,
        );
    }
    if let Some(id) = input("pai") {
        family.set(id, Some(Value::Bool(f.pai)), Provenance::Declared);
    }
    family
}

fn cantine(c: &mut Criterion) {
    let document = document("exempleville-cantine.delib");
    let d = &document.deliberation;
    let plain = cantine_families(FAMILIES);
    let families: Vec<Family> = plain.iter().map(|f| to_family(&document, f)).collect();
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    for (f, family) in plain.iter().zip(&families) {
        assert_eq!(session.price(family, date, 0).ok(), Some(hand_written(f)));
    }
    let mut group = c.benchmark_group("cantine, une famille");
    let mut i = 0;
    group.bench_function("fonction écrite à la main", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            hand_written(black_box(&plain[i]))
        })
    });
    tarif_benches(&mut group, &mut session, &families, date);
    group.finish();
}

fn creche(c: &mut Criterion) {
    let document = document("cnaf-psu-creche.delib");
    let d = &document.deliberation;
    let families: Vec<Family> = (0..FAMILIES as u32)
        .map(|k| {
            let mut family = Family::new(d);
            for (i, input) in d.inputs.iter().enumerate() {
                let value = match (input.name.as_str(), &input.ty) {
                    ("ressources_annuelles", _) => {
                        Some(Value::Number(Decimal::from(k * 97 % 120_000)))
                    }
                    ("enfants_a_charge", _) => Some(Value::Number(Decimal::from(1 + k % 9))),
                    ("enfants_aeeh", _) => Some(Value::Number(Decimal::from(k % 2))),
                    (_, ValueType::Choice(ids)) => {
                        ids.get((k % 2) as usize).map(|id| Value::Choice(*id))
                    }
                    _ => None,
                };
                family.set(InputId(i as u32), value, Provenance::Declared);
            }
            family
        })
        .collect();
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    let plain: Vec<(u32, u32, u32, bool)> = (0..FAMILIES as u32)
        .map(|k| (k * 97 % 120_000, 1 + k % 9, k % 2, k % 2 == 1))
        .collect();
    for (f, family) in plain.iter().zip(&families) {
        let hand = psu_hand_written(f.0, f.1, f.2, f.3);
        assert_eq!(session.price(family, date, 0).ok(), Some(hand), "{:?}", f);
    }
    let mut group = c.benchmark_group("crèche PSU, une famille");
    let mut i = 0;
    group.bench_function("fonction écrite à la main", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            let f = black_box(&plain[i]);
            psu_hand_written(f.0, f.1, f.2, f.3)
        })
    });
    tarif_benches(&mut group, &mut session, &families, date);
    group.finish();
}

/// The compiled rules on `families` in turn: the price, the price with its
/// justification written over the previous one, and with a justification allocated.
fn tarif_benches(
    group: &mut BenchmarkGroup<'_, WallTime>,
    session: &mut Session<'_>,
    families: &[Family],
    date: NaiveDate,
) {
    let mut i = 0;
    group.bench_function("tarif, sans justification", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            session.price(black_box(&families[i]), date, 0)
        })
    });
    group.bench_function("tarif, avec justification", |b| {
        let mut justification = Justification::default();
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            session.justify_into(black_box(&families[i]), date, 0, &mut justification)
        })
    });
    group.bench_function("tarif, avec justification allouée", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            session.justify(black_box(&families[i]), date, 0)
        })
    });
}

/// The same price in exact whole cents (`i64`), no Decimal: the physical limit. The
/// factors are whole percentages, so the price is `base × Π factors / 100^k`, rounded
/// half away from zero to the cent.
fn hand_written_cents(f: &Cantine) -> i64 {
    let base: i64 = match f.qf {
        None => 540,
        Some(q) if q <= 400 => 80,
        Some(q) if q <= 600 => 150,
        Some(q) if q <= 800 => 220,
        Some(q) if q <= 1_000 => 290,
        Some(q) if q <= 1_300 => 360,
        Some(q) if q <= 1_600 => 420,
        Some(q) if q <= 2_000 => 480,
        Some(_) => 540,
    };
    let (mut numerator, mut denominator) = (base, 1i64);
    for (applies, percent) in [(f.hors_commune, 130), (f.rang >= 3, 80), (f.pai, 50)] {
        if applies {
            numerator *= percent;
            denominator *= 100;
        }
    }
    (2 * numerator + denominator) / (2 * denominator)
}

/// What a hand-written justification records: the bracket, the base, each modifier's
/// result, the rounding (written as a justification is, not read back here).
#[derive(Clone, Copy)]
#[allow(dead_code)]
enum HandStep {
    Bracket(u8),
    Base(Decimal),
    Modifier(u8, Decimal),
    Rounded(Decimal),
}

/// The base prices of the cantine's tranches, in order, and of `inconnu`.
const BASES: [Decimal; 9] = [
    Decimal::from_parts(80, 0, 0, false, 2),
    Decimal::from_parts(150, 0, 0, false, 2),
    Decimal::from_parts(220, 0, 0, false, 2),
    Decimal::from_parts(290, 0, 0, false, 2),
    Decimal::from_parts(360, 0, 0, false, 2),
    Decimal::from_parts(420, 0, 0, false, 2),
    Decimal::from_parts(480, 0, 0, false, 2),
    Decimal::from_parts(540, 0, 0, false, 2),
    Decimal::from_parts(540, 0, 0, false, 2),
];

/// The tranche of a family's quotient (8: unknown).
fn bracket(f: &Cantine) -> usize {
    match f.qf {
        None => 8,
        Some(q) if q <= 400 => 0,
        Some(q) if q <= 600 => 1,
        Some(q) if q <= 800 => 2,
        Some(q) if q <= 1_000 => 3,
        Some(q) if q <= 1_300 => 4,
        Some(q) if q <= 1_600 => 5,
        Some(q) if q <= 2_000 => 6,
        Some(_) => 7,
    }
}

/// [`hand_written`], recording its steps into `steps` (cleared, its memory reused).
fn hand_written_recording(f: &Cantine, steps: &mut Vec<HandStep>) -> Decimal {
    steps.clear();
    let bracket = bracket(f);
    steps.push(HandStep::Bracket(bracket as u8));
    let mut price = BASES[bracket];
    steps.push(HandStep::Base(price));
    let factors = [
        (f.hors_commune, Decimal::new(130, 2)),
        (f.rang >= 3, Decimal::new(80, 2)),
        (f.pai, Decimal::new(50, 2)),
    ];
    for (n, (applies, factor)) in factors.into_iter().enumerate() {
        if applies {
            price *= factor;
        }
        steps.push(HandStep::Modifier(n as u8, price));
    }
    let rounded = price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    steps.push(HandStep::Rounded(rounded));
    rounded
}

/// How many families the throughput benches price per iteration, as a batch or a
/// portal does: a loop over families already in memory.
const MILLION: usize = 1_000_000;

/// A group of loops over a million families: ten samples, families per second.
fn million_group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(MILLION as u64));
    group
}

/// A million families priced in one loop: the hand-written functions (exact cents,
/// Decimal, Decimal recording its steps) and the compiled rules (price, price with
/// its justification), after checking that all give the same prices.
fn cantine_million(c: &mut Criterion) {
    let document = document("exempleville-cantine.delib");
    let d = &document.deliberation;
    let plain = cantine_families(MILLION);
    let families: Vec<Family> = plain.iter().map(|f| to_family(&document, f)).collect();
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    let mut steps = Vec::with_capacity(8);
    for (f, family) in plain.iter().zip(&families) {
        let expected = hand_written(f);
        assert_eq!(session.price(family, date, 0).ok(), Some(expected));
        assert_eq!(Decimal::new(hand_written_cents(f), 2), expected);
        assert_eq!(hand_written_recording(f, &mut steps), expected);
    }
    let mut group = million_group(c, "cantine, un million de familles");
    group.bench_function("à la main, centimes i64", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|f| hand_written_cents(black_box(f)))
                .sum::<i64>()
        })
    });
    group.bench_function("à la main, Decimal", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|f| hand_written(black_box(f)))
                .sum::<Decimal>()
        })
    });
    group.bench_function("à la main, Decimal, étapes notées", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|f| hand_written_recording(black_box(f), &mut steps))
                .sum::<Decimal>()
        })
    });
    // The floor of the `Family` layout: the values a price reads, read and summed.
    group.bench_function("tarif, familles lues sans prix", |b| {
        b.iter(|| {
            families
                .iter()
                .map(|f| {
                    black_box(f)
                        .given
                        .iter()
                        .map(|v| match v {
                            Some((tarif::rules::Value::Number(n), _)) => n.mantissa() as i64,
                            Some(_) => 1,
                            None => 0,
                        })
                        .sum::<i64>()
                })
                .sum::<i64>()
        })
    });
    price_and_justify(&mut group, &mut session, &families, date);
    group.finish();
}

/// The minimal hand-written trace of a cantine price: the bracket and each
/// intermediate amount (base, after each modifier, rounded), in a struct of its own.
#[derive(Clone, Copy, Default)]
struct MinimalTrace {
    bracket: u8,
    amounts: [Decimal; 5],
}

/// [`hand_written`] writing the minimal trace.
fn hand_written_minimal(f: &Cantine, trace: &mut MinimalTrace) -> Decimal {
    let bracket = bracket(f);
    trace.bracket = bracket as u8;
    let mut price = BASES[bracket];
    trace.amounts[0] = price;
    if f.hors_commune {
        price *= Decimal::new(130, 2);
    }
    trace.amounts[1] = price;
    if f.rang >= 3 {
        price *= Decimal::new(80, 2);
    }
    trace.amounts[2] = price;
    if f.pai {
        price *= Decimal::new(50, 2);
    }
    trace.amounts[3] = price;
    let rounded = price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    trace.amounts[4] = rounded;
    rounded
}

/// The peers' workload (issue « Fiabilité, troisième passe », §5): a million cantine
/// families read from JSON through `read_family`, then priced and justified in a loop,
/// against the hand-written function on a packed struct and the minimal hand-written
/// trace, in the same run.
fn peers_workload(c: &mut Criterion) {
    let document = document("exempleville-cantine.delib");
    let d = &document.deliberation;
    let plain = cantine_families(MILLION);
    let families: Vec<Family> = plain
        .iter()
        .map(|f| {
            let qf =
                f.qf.map_or(String::new(), |q| format!("\"quotient_caf\":{q},"));
            let residence = if f.hors_commune {
                "hors_commune"
            } else {
                "commune"
            };
            let json = format!(
                "{{{qf}\"résidence\":\"{residence}\",\"rang\":{},\"pai\":{}}}",
                f.rang, f.pai
            );
            tarif::inputs::read_family(d, &json).family
        })
        .collect();
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    let mut minimal = MinimalTrace::default();
    for (f, family) in plain.iter().zip(&families) {
        let expected = hand_written(f);
        assert_eq!(session.price(family, date, 0).ok(), Some(expected));
        assert_eq!(hand_written_minimal(f, &mut minimal), expected);
    }
    let mut group = million_group(c, "charge des pairs, un million de familles lues en JSON");
    group.bench_function("à la main, Decimal, struct compacte", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|f| hand_written(black_box(f)))
                .sum::<Decimal>()
        })
    });
    group.bench_function("à la main, trace minimale", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|f| {
                    let price = hand_written_minimal(black_box(f), &mut minimal);
                    black_box(&minimal);
                    price
                })
                .sum::<Decimal>()
        })
    });
    price_and_justify(&mut group, &mut session, &families, date);
    // What decides each price kept (the cell: the tranche and the modifiers that
    // apply), the steps written only for the family that asks (`render_into`).
    group.bench_function("tarif, Session::trace_into", |b| {
        let mut trace = tarif::eval::Trace::default();
        b.iter(|| {
            families
                .iter()
                .map(|f| {
                    let price = session
                        .trace_into(black_box(f), date, 0, &mut trace)
                        .unwrap_or_default();
                    black_box(&trace);
                    price
                })
                .sum::<Decimal>()
        })
    });
    group.finish();
}

/// `Session::price` and `Session::justify_into` in a loop over `families` (the
/// justification kept alive, as a batch writing it would).
fn price_and_justify(
    group: &mut BenchmarkGroup<'_, WallTime>,
    session: &mut Session<'_>,
    families: &[Family],
    date: NaiveDate,
) {
    group.bench_function("tarif, Session::price", |b| {
        b.iter(|| {
            families
                .iter()
                .map(|f| session.price(black_box(f), date, 0).unwrap_or_default())
                .sum::<Decimal>()
        })
    });
    group.bench_function("tarif, Session::justify_into", |b| {
        let mut justification = Justification::default();
        b.iter(|| {
            families
                .iter()
                .map(|f| {
                    let price = session
                        .justify_into(black_box(f), date, 0, &mut justification)
                        .unwrap_or_default();
                    black_box(&justification);
                    price
                })
                .sum::<Decimal>()
        })
    });
}

/// The meal of `deliberations/fay-aux-loges-cantine.delib` written by hand:
/// `qf × 0,36 %`, at least 2,60 €, at most 4,50 €, 1,75 € with a PAI, to the cent;
/// no quotient, no price, unless the PAI replaces it.
fn fay_hand_written(f: &Cantine) -> Option<Decimal> {
    if f.pai {
        return Some(Decimal::new(175, 2));
    }
    let price = (Decimal::from(f.qf?) * Decimal::new(36, 4))
        .max(Decimal::new(260, 2))
        .min(Decimal::new(450, 2));
    let price = if f.pai { Decimal::new(175, 2) } else { price };
    Some(price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The same in whole ten-thousandths of a euro (`i64`), then cents: the limit.
fn fay_hand_written_cents(f: &Cantine) -> Option<i64> {
    if f.pai {
        return Some(175);
    }
    let price = (i64::from(f.qf?) * 36).clamp(26_000, 45_000);
    let price = if f.pai { 17_500 } else { price };
    Some((price + 50) / 100)
}

/// A formula of the quotient, a million families in one loop: the hand-written
/// functions, and `Session::price`, which computes it on scaled integers.
fn fay_million(c: &mut Criterion) {
    let document = document("fay-aux-loges-cantine.delib");
    let d = &document.deliberation;
    let plain = cantine_families(MILLION);
    let families: Vec<Family> = plain.iter().map(|f| to_family(&document, f)).collect();
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    for (f, family) in plain.iter().zip(&families) {
        let expected = fay_hand_written(f);
        let priced = session.price(family, date, 0).ok();
        assert_eq!(
            priced.map(|p| p.to_string()),
            expected.map(|p| p.to_string())
        );
        assert_eq!(
            fay_hand_written_cents(f).map(|c| Decimal::new(c, 2)),
            expected
        );
    }
    let mut group = million_group(c, "fay-aux-loges, un million de familles");
    group.bench_function("à la main, i64", |b| {
        b.iter(|| {
            plain
                .iter()
                .filter_map(|f| fay_hand_written_cents(black_box(f)))
                .sum::<i64>()
        })
    });
    group.bench_function("à la main, Decimal", |b| {
        b.iter(|| {
            plain
                .iter()
                .filter_map(|f| fay_hand_written(black_box(f)))
                .sum::<Decimal>()
        })
    });
    group.bench_function("tarif, Session::price", |b| {
        b.iter(|| {
            families
                .iter()
                .map(|f| session.price(black_box(f), date, 0).unwrap_or_default())
                .sum::<Decimal>()
        })
    });
    group.finish();
}

/// The PSU formula written by hand for the bench's date (15/10/2025: plancher 801 €,
/// plafond 8 500 €): `borné(ressources / 12 ; plancher, plafond) × taux`, to the cent.
fn psu_hand_written(annual: u32, children: u32, aeeh: u32, familial: bool) -> Decimal {
    const COLLECTIF: [Decimal; 6] = [
        Decimal::from_parts(619, 0, 0, false, 6),
        Decimal::from_parts(516, 0, 0, false, 6),
        Decimal::from_parts(413, 0, 0, false, 6),
        Decimal::from_parts(310, 0, 0, false, 6),
        Decimal::from_parts(310, 0, 0, false, 6),
        Decimal::from_parts(206, 0, 0, false, 6),
    ];
    const FAMILIAL: [Decimal; 6] = [
        Decimal::from_parts(516, 0, 0, false, 6),
        Decimal::from_parts(413, 0, 0, false, 6),
        Decimal::from_parts(310, 0, 0, false, 6),
        Decimal::from_parts(310, 0, 0, false, 6),
        Decimal::from_parts(206, 0, 0, false, 6),
        Decimal::from_parts(206, 0, 0, false, 6),
    ];
    let rank = children.max(1) + aeeh;
    let row = match rank {
        1 => 0,
        2 => 1,
        3 => 2,
        4 | 5 => 3,
        6 | 7 => 4,
        _ => 5,
    };
    let rate = if familial {
        FAMILIAL[row]
    } else {
        COLLECTIF[row]
    };
    let monthly = (Decimal::from(annual) / Decimal::from(12))
        .max(Decimal::new(801, 0))
        .min(Decimal::new(8_500, 0));
    (monthly * rate).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A cantine family as a portal's own code would read its JSON: a typed struct.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read, as a portal would, not used further
struct CantineJson {
    quotient_caf: Option<u32>,
    #[serde(rename = "résidence")]
    residence: String,
    rang: u32,
    pai: bool,
}

/// Reading a family, part of a portal's cost: from its JSON text (`tarif eval`, the
/// service) and from a CSV record (`tarif batch`), beside the price of the same family.
fn reading(c: &mut Criterion) {
    let document = document("exempleville-cantine.delib");
    let d = &document.deliberation;
    let plain = cantine_families(FAMILIES);
    let residence = |f: &Cantine| {
        if f.hors_commune {
            "hors_commune"
        } else {
            "commune"
        }
    };
    let json: Vec<String> = plain
        .iter()
        .map(|f| {
            let qf =
                f.qf.map_or(String::new(), |q| format!("\"quotient_caf\":{q},"));
            format!(
                "{{{qf}\"résidence\":\"{}\",\"rang\":{},\"pai\":{}}}",
                residence(f),
                f.rang,
                f.pai
            )
        })
        .collect();
    let header = "id;quotient_caf;résidence;rang;pai";
    let csv: Vec<String> = plain
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let qf = f.qf.map_or(String::new(), |q| q.to_string());
            let pai = if f.pai { "oui" } else { "non" };
            format!("F{n};{qf};{};{};{pai}", residence(f), f.rang)
        })
        .collect();
    let Some(tarif::batch::Input::Csv {
        separator,
        header: names,
        columns,
    }) = tarif::batch::csv_input(d, header)
    else {
        panic!("the header is read");
    };
    let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    for ((f, json), csv) in plain.iter().zip(&json).zip(&csv) {
        let read = tarif::inputs::read_family(d, json);
        assert!(read.errors.is_empty());
        let typed = serde_json::from_str::<CantineJson>(json).expect("typed");
        assert_eq!((typed.quotient_caf, typed.rang), (f.qf, f.rang));
        assert_eq!(
            session.price(&read.family, date, 0).ok(),
            Some(hand_written(f))
        );
        let fields = tarif::batch::fields(csv, separator).expect("fields");
        let read = tarif::inputs::read_family_fields(d, &columns, &names, &fields);
        assert_eq!(
            session.price(&read.family, date, 0).ok(),
            Some(hand_written(f))
        );
    }
    let mut group = c.benchmark_group("lire une famille");
    let mut i = 0;
    group.bench_function("JSON (tarif eval, service)", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            tarif::inputs::read_family(d, black_box(&json[i]))
        })
    });
    group.bench_function("ligne CSV (tarif batch)", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            let fields = tarif::batch::fields(black_box(&csv[i]), separator);
            fields.map(|fields| tarif::inputs::read_family_fields(d, &columns, &names, &fields))
        })
    });
    // The floors: the JSON text parsed and dropped (serde_json, no value kept); parsed
    // into a struct of its fields, as a portal's own code would; the CSV line cut
    // into fields and its numbers parsed.
    group.bench_function("plancher JSON : texte parcouru", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            serde_json::from_str::<serde::de::IgnoredAny>(black_box(&json[i])).is_ok()
        })
    });
    group.bench_function("plancher JSON : struct typée (serde derive)", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            serde_json::from_str::<CantineJson>(black_box(&json[i])).ok()
        })
    });
    group.bench_function("plancher CSV : champs coupés, nombres lus", |b| {
        b.iter(|| {
            i = (i + 1) & (FAMILIES - 1);
            let fields = tarif::batch::fields(black_box(&csv[i]), separator)?;
            let qf = fields.get(1)?.parse::<u32>().ok();
            let rang = fields.get(3)?.parse::<u32>().ok()?;
            Some((
                qf,
                rang,
                fields.get(2)? == "hors_commune",
                fields.get(4)? == "oui",
            ))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting would share this crate's plotters, whose text
    // needs the font `tarif` registers itself.
    config = Criterion::default().without_plots();
    targets = cantine, creche, cantine_million, fay_million, reading, peers_workload
}
criterion_main!(benches);
