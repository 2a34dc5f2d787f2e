//! Families with children: the rank of each child comes from the deliberation
//! (`rang des enfants …`), checked against hand-written prices, from the library and
//! from the command line.

mod common;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value as Json, json};
use tarif::document::Document;
use tarif::eval::trace::Step;
use tarif::inputs::read_family_json;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn document(path: &str) -> Document {
    let source = std::fs::read_to_string(root().join(path)).expect("deliberation");
    Document::from_source(&source).expect("valid deliberation")
}

fn codes(source: &str) -> Vec<String> {
    tarif::compile(source)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect()
}

/// Each child's rank and price of `tariff`, in the family's order.
fn priced(document: &Document, family: &Json, tariff: &str) -> Vec<(Option<u32>, Option<Decimal>)> {
    let d = &document.deliberation;
    let t = d
        .tariffs
        .iter()
        .position(|x| x.name == tariff)
        .expect("tariff");
    let read = read_family_json(d, family);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let date = d.meta.applicable_from;
    read.price_children(d, date, &[t], true)
        .into_iter()
        .map(|c| {
            let p = &c.priced[0];
            // Every justification starts with the rank and the rule that gave it.
            let steps = &p.justification.as_ref().expect("justified").steps;
            if let Some(rank) = c.rank {
                assert!(
                    matches!(steps.first(), Some(Step::Rank { rank: r, .. }) if *r == rank),
                    "{steps:?}"
                );
            }
            (c.rank, p.result.as_ref().ok().copied())
        })
        .collect()
}

fn cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The ranks of values sorted by `before` (stable: equal values keep their order).
fn oracle_ranks<T: Ord + Copy>(keys: &[T], descending: bool) -> Vec<u32> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| {
        let o = keys[a].cmp(&keys[b]);
        if descending { o.reverse() } else { o }
    });
    let mut ranks = vec![0; keys.len()];
    for (position, &child) in order.iter().enumerate() {
        ranks[child] = position as u32 + 1;
    }
    ranks
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `exempleville-fratries`: the oldest is first (twins in the family's order); from
    /// the 3rd child, half price outside the first tranche; +20 % outside the commune;
    /// a PAI pays 0,64 €; the garderie by rank.
    #[test]
    fn ranked_by_age_priced_to_the_cent(
        qf in prop::option::of(0u32..2_500),
        outside in any::<bool>(),
        children in prop::collection::vec((0usize..4, any::<bool>()), 1..=5),
    ) {
        let document = document("deliberations/exempleville-fratries.delib");
        let births = ["2013-05-04", "2015-09-30", "2016-01-01", "2019-12-31"];
        let list: Vec<Json> = children
            .iter()
            .enumerate()
            .map(|(i, (b, pai))| json!({ "id": format!("E{i}"), "naissance": births[*b], "pai": pai }))
            .collect();
        let mut family = json!({
            "résidence": if outside { "hors_commune" } else { "commune" },
            "enfants": list,
        });
        if let Some(qf) = qf {
            family["quotient_caf"] = json!(qf);
        }
        let keys: Vec<usize> = children.iter().map(|(b, _)| *b).collect();
        let ranks = oracle_ranks(&keys, false);
        let meals = priced(&document, &family, "repas");
        let evenings = priced(&document, &family, "garderie");
        for (i, (_, pai)) in children.iter().enumerate() {
            let rank = ranks[i];
            let base = match qf {
                Some(q) if q < 600 => Decimal::new(100, 2),
                Some(q) if q < 1000 => Decimal::new(305, 2),
                Some(q) if q < 1500 => Decimal::new(310, 2),
                _ => Decimal::new(315, 2),
            };
            let mut price = base;
            if rank >= 3 && qf.is_none_or(|q| q >= 600) {
                price *= Decimal::new(5, 1);
            }
            if outside {
                price *= Decimal::new(12, 1);
            }
            if *pai {
                price = Decimal::new(64, 2);
            }
            prop_assert_eq!(meals[i], (Some(rank), Some(cents(price))));
            let evening = match rank { 1 => Decimal::new(200, 2), 2 => Decimal::new(150, 2), _ => Decimal::ONE };
            prop_assert_eq!(evenings[i], (Some(rank), Some(evening)));
        }
    }

    /// `exempleville-conservatoire`: ranked by the price before the rank's reductions
    /// (highest first, ties in the family's order); 2nd −10 %, 3rd and more −20 %.
    #[test]
    fn ranked_by_price_priced_to_the_cent(
        outside in any::<bool>(),
        courses in prop::collection::vec(0usize..4, 1..=5),
    ) {
        let document = document("deliberations/exempleville-conservatoire.delib");
        let names = ["éveil", "cycle_1", "cycle_2", "orchestre"];
        let prices = [120, 285, 345, 90];
        let list: Vec<Json> = courses.iter().map(|c| json!({ "cursus": names[*c] })).collect();
        let family = json!({ "résidence": if outside { "hors_commune" } else { "commune" }, "enfants": list });
        let full: Vec<Decimal> = courses
            .iter()
            .map(|c| {
                let p = Decimal::from(prices[*c]);
                if outside { p * Decimal::new(15, 1) } else { p }
            })
            .collect();
        let ranks = oracle_ranks(&full, true);
        let got = priced(&document, &family, "droits");
        for (i, value) in full.iter().enumerate() {
            let factor = match ranks[i] { 1 => Decimal::ONE, 2 => Decimal::new(9, 1), _ => Decimal::new(8, 1) };
            prop_assert_eq!(got[i], (Some(ranks[i]), Some(cents(*value * factor))));
        }
    }
}

const BY_ORDER: &str = "délibération « Centre de loisirs »\n  applicable du 01/09/2025\n\
entrées de chaque enfant\n  jours : entier, par défaut 1\n\
article 1 « Fratries »\n  rang des enfants dans l'ordre donné par la famille\n\
article 2 « Prix »\n  tarif journee (par jour)\n  grille selon rang\n\
    | rang | journee |\n    | 1er | 10 € |\n    | 2e | 8 € |\n    | à partir du 3e enfant | 6 € |\n";

#[test]
fn ranked_in_the_family_order() {
    let document = Document::from_source(BY_ORDER).expect("valid");
    let family = json!({ "enfants": [ {}, {}, {}, {} ] });
    let got = priced(&document, &family, "journee");
    let expected: Vec<(Option<u32>, Option<Decimal>)> = [(1, 10), (2, 8), (3, 6), (4, 6)]
        .into_iter()
        .map(|(r, p)| (Some(r), Some(Decimal::from(p))))
        .collect();
    assert_eq!(got, expected);
}

/// A family without `enfants` is one child, of rank 1, as before.
#[test]
fn a_family_without_children_is_one_child_of_rank_one() {
    let document = Document::from_source(BY_ORDER).expect("valid");
    let d = &document.deliberation;
    let read = read_family_json(d, &json!({}));
    let priced = read.price(d, d.meta.applicable_from, &[], false);
    assert_eq!(priced[0].result, Ok(Decimal::from(10)));
}

/// A grid by rank that forgets « et suivants » leaves the 4th child without a price.
#[test]
fn a_rank_without_a_price_is_a_gap() {
    let source = BY_ORDER.replace("à partir du 3e enfant", "3e enfant");
    assert_eq!(codes(&source), ["E030"]);
}

/// The base price of the ranking tariff reads the rank, through a definition.
#[test]
fn a_ranking_by_a_price_that_reads_the_rank_is_a_cycle() {
    let source = "délibération « Conservatoire »\n  applicable du 01/09/2025\n\
entrées de chaque enfant\n  heures : entier, par défaut 1\n\
article 1 « Fratries »\n  rang des enfants selon le tarif cours, du plus élevé au plus bas\n\
article 2 « Prix »\n  tarif cours (par an)\n  coefficient = si rang ≥ 2 alors 0,9 sinon 1\n\
  cours = 100 € × heures × coefficient\n";
    let compiled = tarif::compile(source);
    let cycle = compiled
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E042")
        .expect("E042");
    let lines: Vec<usize> = cycle
        .labels
        .iter()
        .map(|l| tarif::LineIndex::new(source).line(l.span.start))
        .collect();
    assert_eq!(
        lines,
        [6, 9],
        "the ranking rule and the value that reads the rank"
    );
    // Written as a modifier of the tariff, the same rule is set aside to rank: no cycle.
    let fixed = source
        .replace("  coefficient = si rang ≥ 2 alors 0,9 sinon 1\n", "")
        .replace("× coefficient", "")
        + "  cours : réduction de 10 % si rang ≥ 2\n";
    assert!(codes(&fixed).is_empty(), "{:?}", codes(&fixed));
}

#[test]
fn the_rank_is_not_given_by_the_family() {
    let document = document("deliberations/exempleville-fratries.delib");
    let d = &document.deliberation;
    let read = read_family_json(d, &json!({ "rang": 3, "naissance": "2016-01-01" }));
    assert_eq!(read.errors[0].field, "rang");
    let read = read_family_json(
        d,
        &json!({ "quotient_caf": 600, "enfants": [ { "naissance": "2016-01-01", "quotient_caf": 3 } ] }),
    );
    assert_eq!(read.errors[0].field, "enfants[0].quotient_caf");
    let read = read_family_json(
        d,
        &json!({ "pai": true, "enfants": [ { "naissance": "2016-01-01" } ] }),
    );
    assert_eq!(read.errors[0].field, "pai");
}

fn tarif(args: &[&str], stdin: &str) -> (String, i32) {
    let (out, _, status) = common::tarif(args, Some(stdin));
    (out, status)
}

const FAMILY: &str = r#"{"id":"F1","date":"2025-10-15","quotient_caf":612,"résidence":"commune","enfants":[{"id":"Tom","naissance":"2018-02-01"},{"id":"Léa","naissance":"2014-03-12"},{"id":"Zoé","naissance":"2016-06-05"}]}"#;

#[test]
fn eval_gives_each_child_and_the_total() {
    let (out, status) = tarif(
        &[
            "eval",
            "deliberations/exempleville-fratries.delib",
            "--famille",
            "-",
            "--format",
            "json",
        ],
        FAMILY,
    );
    assert_eq!(status, 0, "{out}");
    let json: Json = serde_json::from_str(&out).expect("JSON");
    let ranks: Vec<i64> = json["enfants"]
        .as_array()
        .expect("enfants")
        .iter()
        .map(|c| c["rang"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(ranks, [3, 1, 2]);
    assert_eq!(json["enfants"][0]["tarifs"]["repas"]["montant"], "1.53");
    assert_eq!(json["total"]["repas"]["montant"], "7.63");
    assert_eq!(json["total"]["garderie"]["montant"], "4.50");
}

#[test]
fn batch_writes_one_csv_row_per_child_and_one_json_line_per_family() {
    let lines = format!(
        "{FAMILY}\n{{\"id\":\"F2\",\"date\":\"2025-10-15\",\"quotient_caf\":300,\"résidence\":\"commune\",\"naissance\":\"2017-01-01\"}}\n"
    );
    let out = std::env::temp_dir().join(format!("tarif-fratries-{}.csv", std::process::id()));
    let path = out.to_string_lossy().into_owned();
    let (log, status) = tarif(
        &[
            "batch",
            "deliberations/exempleville-fratries.delib",
            "--entree",
            "-",
            "--sortie",
            &path,
        ],
        &lines,
    );
    let csv = std::fs::read_to_string(&out).expect("CSV written");
    let _ = std::fs::remove_file(&out);
    assert_eq!(status, 0, "{log}{csv}");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "ligne,id,enfant,rang,repas,garderie,erreur");
    assert_eq!(rows[1], "1,F1,Tom,3,1.53,1.00,");
    assert_eq!(rows[2], "1,F1,Léa,1,3.05,2.00,");
    assert_eq!(rows[4], "2,F2,,1,1.00,2.00,");
    assert_eq!(rows.len(), 5);
}

/// A child's date of birth is certified by the CAF's list of children, and only there.
#[test]
fn a_childs_birth_date_is_a_childs_source() {
    let head = "délibération « Cantine »\n  applicable du 01/09/2025\n";
    let tail = "article 1 « Prix »\n  tarif repas (par repas) = 2 €\n";
    let on_family =
        format!("{head}entrées\n  naissance : date, certifié CAF.date_naissance\n{tail}");
    assert_eq!(codes(&on_family), ["E025"]);
    let on_child = format!(
        "{head}entrées de chaque enfant\n  qf : montant entier, certifié CAF.quotient_familial\n{tail}"
    );
    assert_eq!(codes(&on_child), ["E025"]);
    let right = format!(
        "{head}entrées de chaque enfant\n  naissance : date, certifié CAF.date_naissance\n{tail}"
    );
    assert!(codes(&right).is_empty());
}
