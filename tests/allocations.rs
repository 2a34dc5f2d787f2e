//! Pricing a family, without justification, allocates nothing on the heap: the session
//! keeps its memory from one family to the next. Nor does a justification written over
//! the previous one (`Session::justify_into`), once it has room for its steps.

use tarif::document::Document;
use tarif::eval::{Session, trace::Provenance};
use tarif::rules::Value;

fn document(name: &str) -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deliberations")
        .join(name);
    let source = std::fs::read_to_string(path).expect("deliberation");
    Document::from_source(&source).expect("valid deliberation")
}

#[test]
fn the_counter_sees_allocations() {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(8));
    });
    assert!(info.count_total > 0);
}

#[test]
fn pricing_and_justifying_again_do_not_allocate() {
    for (file, inputs) in [
        (
            "exempleville-cantine.delib",
            vec![(0, "612"), (3, "hors_commune"), (4, "3")],
        ),
        (
            "cnaf-psu-creche.delib",
            vec![(0, "100000"), (1, "2"), (2, "1")],
        ),
        // A formula priced on scaled integers.
        ("fay-aux-loges-cantine.delib", vec![(0, "853")]),
    ] {
        let document = document(file);
        let d = &document.deliberation;
        let mut family = tarif::eval::Family::new(d);
        for (index, text) in inputs {
            let input = &d.inputs[index];
            let value = match &input.ty {
                tarif::rules::ValueType::Choice(ids) => {
                    let id = ids
                        .iter()
                        .find(|id| d.choices[id.0 as usize] == text)
                        .copied();
                    id.map(Value::Choice)
                }
                _ => text.parse().ok().map(Value::Number),
            };
            family.set(
                tarif::rules::InputId(index as u32),
                value,
                Provenance::Declared,
            );
        }
        let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
        let mut session = Session::new(d);
        let first = session.price(&family, date, 0).expect("priced");
        let info = allocation_counter::measure(|| {
            for _ in 0..100 {
                let price = session.price(&family, date, 0);
                assert_eq!(price.as_ref().ok(), Some(&first));
            }
        });
        assert_eq!(info.count_total, 0, "{file}: {info:?}");

        let mut justification = tarif::eval::trace::Justification::default();
        // The second justification of a cell records its steps (see eval/replay.rs).
        let first = session.justify_into(&family, date, 0, &mut justification);
        let second = session.justify_into(&family, date, 0, &mut justification);
        assert_eq!(second, first);
        let info = allocation_counter::measure(|| {
            for _ in 0..100 {
                let price = session.justify_into(&family, date, 0, &mut justification);
                assert_eq!(price, first);
            }
        });
        assert_eq!(info.count_total, 0, "{file}, justifié : {info:?}");
        assert!(!justification.steps.is_empty());
    }
}

/// Justifying family after family of a grid priced in advance (each cell's steps
/// recorded once, then replayed) allocates nothing once every cell was seen.
#[test]
fn justifying_many_families_again_does_not_allocate() {
    let document = document("exempleville-cantine.delib");
    let d = &document.deliberation;
    let choice = |name: &str| {
        let id = d.choices.iter().position(|c| c == name).expect("choix");
        Some(Value::Choice(tarif::rules::ChoiceId(id as u32)))
    };
    let families: Vec<tarif::eval::Family> = (0..96u32)
        .map(|k| {
            let mut family = tarif::eval::Family::new(d);
            let set = |family: &mut tarif::eval::Family, index: u32, value| {
                family.set(tarif::rules::InputId(index), value, Provenance::Declared)
            };
            let qf = rust_decimal::Decimal::from(k * 29 % 2_600);
            set(&mut family, 0, Some(Value::Number(qf)));
            let residence = if k % 5 == 0 {
                "hors_commune"
            } else {
                "commune"
            };
            set(&mut family, 3, choice(residence));
            let rank = rust_decimal::Decimal::from(1 + k % 4);
            set(&mut family, 4, Some(Value::Number(rank)));
            set(&mut family, 5, Some(Value::Bool(k % 7 == 0)));
            family
        })
        .collect();
    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let mut session = Session::new(d);
    let mut justification = tarif::eval::trace::Justification::default();
    // Twice: the second justification of a cell records its steps.
    let first: Vec<_> = families
        .iter()
        .map(|f| session.justify_into(f, date, 0, &mut justification))
        .collect();
    for (family, first) in families.iter().zip(&first) {
        let second = session.justify_into(family, date, 0, &mut justification);
        assert_eq!(&second, first);
    }
    let info = allocation_counter::measure(|| {
        for (family, first) in families.iter().zip(&first) {
            let price = session.justify_into(family, date, 0, &mut justification);
            assert_eq!(&price, first);
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
    // A compact trace (the cell) allocates nothing, from the first family on.
    let mut trace = tarif::eval::Trace::default();
    let info = allocation_counter::measure(|| {
        for (family, first) in families.iter().zip(&first) {
            let price = session.trace_into(family, date, 0, &mut trace);
            assert_eq!(&price, first);
            assert!(trace.cell().is_some());
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}
