//! Property tests of evaluation: no family JSON makes it panic; every price is at least
//! 0 € and to the cent; the steps of a justification recompute the price.

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};
use tarif::document::Document;
use tarif::eval::{self, trace::Step};
use tarif::inputs::read_family_json;

fn documents() -> &'static [Document] {
    static DOCUMENTS: std::sync::OnceLock<Vec<Document>> = std::sync::OnceLock::new();
    DOCUMENTS.get_or_init(load_documents)
}

fn load_documents() -> Vec<Document> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("deliberations");
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "delib"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|s| Document::from_source(&s).ok())
        .collect()
}

/// Any JSON value a careless or hostile portal could send.
fn value() -> impl Strategy<Value = Json> {
    prop_oneof![
        (0u64..3_000).prop_map(|n| json!(n)),
        (0u64..200_000).prop_map(|n| json!(format!("{},{}", n / 100, n % 100))),
        (-5i64..5).prop_map(|n| json!(n)),
        any::<bool>().prop_map(|b| json!(b)),
        Just(Json::Null),
        "[a-zé_ ]{0,12}".prop_map(|s| json!(s)),
        prop::sample::select(vec![
            "commune",
            "hors_commune",
            "CNAF",
            "MSA",
            "oui",
            "non",
            "familial",
            "collectif",
            "roncquois",
            "extérieur",
            "2025-10-15",
            "31/02/2025",
            "1e400",
            "-0",
            "0,001",
        ])
        .prop_map(|s| json!(s)),
        Just(json!([1, 2])),
        Just(json!({"a": 1})),
        (0u64..u64::MAX).prop_map(|n| json!(n)),
    ]
}

/// A deliberation of `deliberations/`, a family for it, and maybe a date.
fn case() -> impl Strategy<Value = (usize, Json, Option<(i32, u32, u32)>)> {
    (0..documents().len()).prop_flat_map(|doc| {
        let d = &documents()[doc].deliberation;
        let mut names: Vec<String> = d.inputs.iter().map(|i| i.name.clone()).collect();
        names.extend(["date", "id", "inconnue", "justificatifs"].map(String::from));
        let date = prop::option::of((2022i32..2027, 1u32..13, 1u32..29));
        (Just(doc), family(names), date)
    })
}

fn family(names: Vec<String>) -> impl Strategy<Value = Json> {
    let key = prop::sample::select(names);
    prop::collection::vec((key, value()), 0..8).prop_map(|pairs| {
        let mut object = serde_json::Map::new();
        for (k, v) in pairs {
            object.insert(k, v);
        }
        Json::Object(object)
    })
}

/// A JSON value as a host language gives it: texts, whole numbers, booleans and nulls
/// as such, the rest as JSON.
fn field(value: &Json) -> tarif::inputs::Field<'_> {
    use tarif::inputs::Field;
    match value {
        Json::Null => Field::Null,
        Json::Bool(b) => Field::Bool(*b),
        Json::String(s) => Field::Text(s),
        Json::Number(n) => n.as_i64().map_or(Field::Json(value), Field::Int),
        other => Field::Json(other),
    }
}

/// A family whose numbers sit at the bounds of the deliberation's grids (±1, ±0,01,
/// +0,005, more decimals), its choices and booleans picked, some inputs not given; a
/// QF certified by the CAF is given by its API answer when its pick says so.
fn at_the_bounds(
    d: &tarif::rules::Deliberation,
    picks: &[(prop::sample::Index, usize, bool)],
) -> serde_json::Map<String, Json> {
    let mut bounds: Vec<Decimal> = d
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| match &r.matches {
            tarif::rules::RowMatch::Interval(i) => Some([i.low, i.high]),
            _ => None,
        })
        .flatten()
        .flatten()
        .map(|b| b.value)
        .collect();
    bounds.push(Decimal::ZERO);
    let mut object = serde_json::Map::new();
    for (input, (pick, shift, flag)) in d.inputs.iter().zip(picks.iter()) {
        // Some inputs not given at all (no quotient, no tax data…).
        if *shift == 6 && *flag {
            continue;
        }
        let bound = bounds[pick.index(bounds.len())];
        let value = match &input.ty {
            tarif::rules::ValueType::Amount
            | tarif::rules::ValueType::Number
            | tarif::rules::ValueType::Rate => {
                let shifted = match shift {
                    0 => bound,
                    1 => bound + Decimal::ONE,
                    2 => bound - Decimal::ONE,
                    3 => bound + Decimal::new(1, 2),
                    4 => bound - Decimal::new(1, 2),
                    5 => bound + Decimal::new(5, 3),
                    _ => {
                        let mut more = bound;
                        more.rescale(bound.scale() + 2);
                        more
                    }
                };
                json!(shifted.to_string().replace('.', ","))
            }
            tarif::rules::ValueType::Boolean => json!(flag),
            tarif::rules::ValueType::Choice(ids) => {
                json!(d.choices[ids[pick.index(ids.len())].0 as usize])
            }
            _ => continue,
        };
        if *flag
            && input.certified == Some(tarif::rules::CertifiedSource::CafQuotient)
            && let Some(qf) = value
                .as_str()
                .and_then(|v| v.replace(',', ".").parse::<Decimal>().ok())
            && qf >= Decimal::ZERO
        {
            object.insert(
                "justificatifs".to_string(),
                json!({ "api_particulier_qf": { "data": { "quotient_familial": {
                    "fournisseur": "CNAF", "valeur": qf.trunc().to_string().parse::<u64>().unwrap_or(0),
                    "annee": 2025, "mois": 6, "annee_calcul": 2025, "mois_calcul": 6 },
                    "allocataires": [], "enfants": [], "adresse": null }, "links": {}, "meta": {} } }),
            );
            continue;
        }
        object.insert(input.name.clone(), value);
    }
    object
}

/// A price as it is written, decimals and all.
fn text(price: &Result<Decimal, eval::EvalError>) -> Option<String> {
    price.as_ref().ok().map(Decimal::to_string)
}

/// Follows the steps from the base amount and gives the amount they arrive at.
fn recompute(steps: &[Step]) -> Option<Decimal> {
    let mut running: Option<Decimal> = None;
    for step in steps {
        match step {
            Step::Base { amount, .. } => running = *amount,
            // An unknown base replaced (`remplacé par`): the chain starts there.
            Step::Modifier(m) if running.is_none() && m.applied => running = Some(m.after),
            Step::Modifier(m) => {
                assert_eq!(
                    Some(m.before),
                    running,
                    "step starts from the running amount"
                );
                if m.applied {
                    running = Some(m.after);
                } else {
                    assert_eq!(m.before, m.after);
                }
            }
            Step::MostFavourable { before, after, .. } => {
                assert_eq!(Some(*before), running);
                running = Some(*after);
            }
            Step::ImplicitRounding { before, after } => {
                assert_eq!(Some(*before), running);
                running = Some(*after);
            }
            _ => {}
        }
    }
    running
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_family_is_priced_or_refused_without_panic((doc, json, date) in case()) {
        let document = &documents()[doc];
        let d = &document.deliberation;
        let read = read_family_json(d, &json);
        let given = date.and_then(|(y, m, day)| chrono::NaiveDate::from_ymd_opt(y, m, day));
        let day = eval::service_date(&read.family, given, d.meta.applicable_from);
        let priced = eval::price_all(d, &read.family, day, &[], true);
        for p in &priced {
            if let Ok(amount) = p.result {
                prop_assert!(amount >= Decimal::ZERO);
                prop_assert_eq!(amount.round_dp(2), amount);
                let steps = p.justification.as_ref().map(|j| j.steps.clone()).unwrap_or_default();
                prop_assert_eq!(recompute(&steps), Some(amount));
            }
        }
        let _ = tarif::report::result::to_json(document, &read, day, &priced);
        let _ = tarif::report::result::to_text(document, &read, day, &priced);
    }

    /// A family's JSON text is read in place (keys borrowed, the object never built)
    /// as its parsed object is: duplicates, escaped keys, spellings, texts that are no
    /// object.
    #[test]
    fn a_text_is_read_as_its_parsed_object(
        doc in 0..documents().len(),
        pairs in prop::collection::vec(
            (any::<prop::sample::Index>(), value(), 0u8..4, prop::option::of(any::<prop::sample::Index>())),
            0..10,
        ),
        shape in 0u8..12,
    ) {
        let d = &documents()[doc].deliberation;
        let mut names: Vec<String> = d.inputs.iter().map(|i| i.name.clone()).collect();
        names.extend(["date", "id", "ID", "inconnue", "justificatifs", "Résidence"].map(String::from));
        let fields: Vec<String> = pairs
            .iter()
            .map(|(name, value, spelling, raw)| {
                let name = name.get(&names);
                // Numbers as a portal may write them, exponents included.
                const RAW: [&str; 8] = ["1e30", "1E5", "2.5e-3", "-0", "612.50", "1.5E+2", "0.0", "-12.0e0"];
                let value = raw.map_or_else(|| value.to_string(), |r| r.get(&RAW).to_string());
                let key = match spelling {
                    // Escaped: `r\u00e9sidence`, `\"`, as a portal may write them.
                    0 => format!("\"{}\"", name.replace('é', "\\u00e9").replace('_', "\\u005f")),
                    1 => serde_json::to_string(&name.to_uppercase()).unwrap_or_default(),
                    _ => serde_json::to_string(name).unwrap_or_default(),
                };
                format!("{key}:{value}")
            })
            .collect();
        let text = match shape {
            0 => format!("[{}]", fields.join(",")),
            1 => "12".to_string(),
            2 => format!("{{{}", fields.join(",")),
            3 => format!("\u{feff}{{{}}}", fields.join(",")),
            _ => format!("{{ {} }}", fields.join(", ")),
        };
        let in_place = tarif::inputs::read_family(d, &text);
        let parsed = match tarif::inputs::parse_family(&text) {
            Ok((json, duplicates)) => tarif::inputs::read_family_parsed(d, &json, duplicates),
            Err(_) => match serde_json::from_str::<Json>(text.trim_start_matches('\u{feff}')) {
                Ok(json) => read_family_json(d, &json),
                Err(_) => {
                    let not_json = matches!(
                        in_place.errors.as_slice(),
                        [tarif::inputs::FamilyError { kind: tarif::inputs::FamilyErrorKind::NotJson { .. }, .. }]
                    );
                    prop_assert!(not_json);
                    return Ok(());
                }
            },
        };
        prop_assert_eq!(&in_place.family, &parsed.family, "{}", text);
        prop_assert_eq!(&in_place.errors, &parsed.errors, "{}", text);
        prop_assert_eq!(&in_place.warnings, &parsed.warnings, "{}", text);
    }

    /// A family given field by field (as Python's dicts are read: texts, whole numbers,
    /// booleans, nulls as such; the rest as JSON), into a family read before, is read
    /// as its JSON object is.
    #[test]
    fn fields_are_read_as_their_json((doc, json, _date) in case()) {
        let document = &documents()[doc];
        let d = &document.deliberation;
        let whole = read_family_json(d, &json);
        let object = json.as_object().cloned().unwrap_or_default();
        // Into the memory of a family that gave every input, to be forgotten.
        let every = d.inputs.iter().map(|i| (i.name.clone(), json!("1"))).collect();
        let mut read = read_family_json(d, &Json::Object(every));
        tarif::inputs::read_family_into(d, object.iter().map(|(k, v)| (k.as_str(), field(v))), &mut read);
        prop_assert_eq!(&read.family, &whole.family);
        prop_assert_eq!(&read.errors, &whole.errors);
        prop_assert_eq!(&read.warnings, &whole.warnings);
    }

    /// The price without justification (read from the prices computed in advance when
    /// the tariff allows it) is the price of the full evaluation, error for error.
    #[test]
    fn pricing_and_justifying_agree((doc, json, date) in case()) {
        let document = &documents()[doc];
        let d = &document.deliberation;
        let read = read_family_json(d, &json);
        let given = date.and_then(|(y, m, day)| chrono::NaiveDate::from_ymd_opt(y, m, day));
        let day = eval::service_date(&read.family, given, d.meta.applicable_from);
        let mut session = eval::Session::new(d);
        let mut reused = eval::trace::Justification::default();
        for tariff in 0..d.tariffs.len() {
            let priced = session.price(&read.family, day, tariff);
            let (justified, justification) = session.justify(&read.family, day, tariff);
            prop_assert_eq!(&priced, &justified);
            // The same text too (`Decimal`'s equality ignores trailing zeros).
            prop_assert_eq!(text(&priced), text(&justified));
            // Written over the steps of the previous tariff, the same justification.
            let again = session.justify_into(&read.family, day, tariff, &mut reused);
            prop_assert_eq!(&again, &justified);
            prop_assert_eq!(&reused, &justification);
        }
    }

    /// At the bounds of every grid (each bound, a unit and a cent on either side, with
    /// more decimals than the bound has), the price read from the prices computed in
    /// advance is the price of the full evaluation: the grid's integer search and the
    /// direct reading of the family agree with `Decimal`.
    #[test]
    fn prices_at_the_bounds_agree_with_the_full_evaluation(
        doc in any::<prop::sample::Index>(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 0usize..7, any::<bool>()), 8),
        date in prop::option::of((2022i32..2027, 1u32..13, 1u32..29)),
    ) {
        let documents = documents();
        let document = &documents[doc.index(documents.len())];
        let d = &document.deliberation;
        let object = at_the_bounds(d, &picks);
        let read = read_family_json(d, &Json::Object(object));
        let given = date.and_then(|(y, m, day)| chrono::NaiveDate::from_ymd_opt(y, m, day));
        let day = eval::service_date(&read.family, given, d.meta.applicable_from);
        let mut session = eval::Session::new(d);
        for tariff in 0..d.tariffs.len() {
            let priced = session.price(&read.family, day, tariff);
            let (justified, justification) = session.justify(&read.family, day, tariff);
            prop_assert_eq!(text(&priced), text(&justified));
            prop_assert_eq!(priced, justified);
            // Each row shown takes the key, compared as `Decimal` on the rule tree.
            for step in &justification.steps {
                let Step::Row { table, row, key_value, .. } = step else { continue };
                let key = match key_value {
                    tarif::eval::trace::Shown::Amount(n)
                    | tarif::eval::trace::Shown::Number(n)
                    | tarif::eval::trace::Shown::Rate(n) => *n,
                    _ => continue,
                };
                let rows = &d.tables[table.0 as usize].rows;
                if let tarif::rules::RowMatch::Interval(interval) = &rows[*row].matches {
                    prop_assert!(interval.contains(key), "{} in {}", key, rows[*row].written);
                }
            }
        }
    }

    /// A justification replayed from the steps of its cell (a tariff priced in
    /// advance, where a family was justified before) is the full evaluation's: the
    /// same steps, each input's value, provenance and document, the key of the row, the
    /// definitions computed from them. A compact trace (`trace_into`) renders the same
    /// steps.
    #[test]
    fn replayed_justifications_are_those_of_the_full_evaluation(
        doc in any::<prop::sample::Index>(),
        families in prop::collection::vec(
            prop::collection::vec((any::<prop::sample::Index>(), 0usize..7, any::<bool>()), 8),
            32,
        ),
    ) {
        let documents = documents();
        let document = &documents[doc.index(documents.len())];
        let d = &document.deliberation;
        let plan = eval::Plan::new(d);
        let mut shared = eval::Session::on(&plan);
        let mut into = eval::trace::Justification::default();
        let mut trace = eval::Trace::default();
        let mut rendered = eval::trace::Justification::default();
        let day = d.meta.applicable_from;
        for picks in &families {
            let read = read_family_json(d, &Json::Object(at_the_bounds(d, picks)));
            for tariff in 0..d.tariffs.len() {
                // A new session: the first justification of each cell is the full
                // evaluation's.
                let full = eval::Session::on(&plan).justify(&read.family, day, tariff);
                prop_assert_eq!(&shared.justify(&read.family, day, tariff), &full);
                let price = shared.justify_into(&read.family, day, tariff, &mut into);
                prop_assert_eq!(&price, &full.0);
                prop_assert_eq!(&into, &full.1);
                // Recorded compactly (the cell), written later: the same steps.
                let price = shared.trace_into(&read.family, day, tariff, &mut trace);
                prop_assert_eq!(&price, &full.0);
                prop_assert!(shared.render_into(&trace, &read.family, &mut rendered));
                prop_assert_eq!(&rendered, &full.1);
            }
        }
    }

    /// One session prices family after family, on dates that repeat and change (it
    /// keeps the definitions that depend on the date only): each price is the one a
    /// new session gives.
    #[test]
    fn a_session_prices_as_a_new_one_whatever_came_before(
        doc in any::<prop::sample::Index>(),
        families in prop::collection::vec(
            (
                prop::collection::vec((any::<prop::sample::Index>(), 0usize..7, any::<bool>()), 8),
                0usize..4,
            ),
            24,
        ),
    ) {
        let documents = documents();
        let document = &documents[doc.index(documents.len())];
        let d = &document.deliberation;
        let plan = eval::Plan::new(d);
        let mut shared = eval::Session::on(&plan);
        let from = d.meta.applicable_from;
        // The first day, the next ones, and a day long after (outside most grids).
        let dates = [from, from + chrono::Days::new(200), from + chrono::Days::new(400), from + chrono::Days::new(3_000)];
        for (picks, day) in &families {
            let read = read_family_json(d, &Json::Object(at_the_bounds(d, picks)));
            for tariff in 0..d.tariffs.len() {
                let alone = eval::Session::on(&plan).price(&read.family, dates[*day], tariff);
                prop_assert_eq!(shared.price(&read.family, dates[*day], tariff), alone);
            }
        }
    }

    /// Tables proved to have no gap give a price for every value of their key.
    #[test]
    fn a_checked_grid_prices_every_quotient(qf in 0u64..10_000, rank in 1u64..6, doc in any::<prop::sample::Index>()) {
        let documents = documents();
        let document = &documents[doc.index(documents.len())];
        let d = &document.deliberation;
        let mut object = serde_json::Map::new();
        for input in &d.inputs {
            if input.scope == tarif::rules::Scope::Rank {
                continue;
            }
            let value = match &input.ty {
                tarif::rules::ValueType::Amount | tarif::rules::ValueType::Number => json!(if input.name.contains("parts") { 1 } else if input.name.contains("enfants") || input.name == "rang" { rank } else { qf }),
                tarif::rules::ValueType::Boolean => json!(false),
                tarif::rules::ValueType::Date => json!("2016-01-01"),
                tarif::rules::ValueType::Choice(ids) => json!(d.choices[ids[0].0 as usize]),
                _ => continue,
            };
            object.insert(input.name.clone(), value);
        }
        let read = read_family_json(d, &Json::Object(object));
        prop_assert!(read.errors.is_empty(), "{:?}", read.errors);
        for priced in eval::price_all(d, &read.family, d.meta.applicable_from, &[], false) {
            prop_assert!(priced.result.is_ok(), "{}: {:?}", d.meta.title, priced.result);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any line of a batch gives exactly one row, with as many fields as the header.
    #[test]
    fn any_batch_line_gives_one_row(
        line in "[0-9a-zé_;,\" .\\-]{0,60}",
        json_line in "[{}\\[\\]:,\"a-z0-9 ]{0,40}",
    ) {
        let document = documents().iter().find(|d| d.deliberation.meta.number.as_deref() == Some("2025-042")).expect("cantine");
        let d = &document.deliberation;
        let input = tarif::batch::csv_input(d, "id;quotient_caf;résidence;rang;pai").expect("header");
        let tariffs: Vec<usize> = (0..d.tariffs.len()).collect();
        let header = tarif::batch::csv_header(document, &tariffs);
        let mut session = eval::Session::new(d);
        let date = d.meta.applicable_from;
        let row = tarif::batch::row(document, &mut session, &input, tarif::batch::Output::Csv { separator: b';' }, &tariffs, date, 7, &line);
        match row.content {
            tarif::batch::Content::Csv(fields) => prop_assert_eq!(fields.len(), header.len()),
            tarif::batch::Content::CsvRows(rows) => {
                for fields in rows {
                    prop_assert_eq!(fields.len(), header.len());
                }
            }
            tarif::batch::Content::Json(_) => prop_assert!(false, "CSV output expected"),
        }
        let row = tarif::batch::row(document, &mut session, &tarif::batch::Input::JsonLines, tarif::batch::Output::JsonLines { justification: true }, &tariffs, date, 8, &json_line);
        match row.content {
            tarif::batch::Content::Json(text) => {
                let value: Json = serde_json::from_str(&text).expect("one JSON object");
                prop_assert_eq!(value["ligne"].as_u64(), Some(8));
            }
            tarif::batch::Content::Csv(_) | tarif::batch::Content::CsvRows(_) => {
                prop_assert!(false, "JSON output expected")
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The usual row of a batch, given field by field (`batch::csv_row`), is the row
    /// `batch::row` builds, on every deliberation, with either output separator.
    #[test]
    fn a_usual_csv_row_is_the_row_built_whole(
        doc in any::<prop::sample::Index>(),
        rows in prop::collection::vec(
            (prop::collection::vec((0usize..12, any::<prop::sample::Index>()), 12), any::<bool>()),
            1..5,
        ),
        comma in any::<bool>(),
    ) {
        let documents = documents();
        let document = &documents[doc.index(documents.len())];
        let d = &document.deliberation;
        let names: Vec<&str> = d.inputs.iter().map(|i| i.name.as_str()).collect();
        let header = format!("id;{}", names.join(";"));
        let Some(input) = tarif::batch::csv_input(d, &header) else { return Ok(()) };
        let numbers = ["0", "1", "2", "3", "400", "401", "612", "1000", "1 300", "2,5", "36000", ""];
        let tariffs: Vec<usize> = (0..d.tariffs.len()).collect();
        let separator = if comma { b',' } else { b';' };
        let mut session = eval::Session::new(d);
        let date = d.meta.applicable_from;
        // One scratch for every row, as a batch's worker: nothing of a row is left
        // for the next.
        let mut scratch = tarif::batch::CsvScratch::default();
        for (n, (picks, with_id)) in rows.iter().enumerate() {
            let values: Vec<String> = d
                .inputs
                .iter()
                .zip(picks)
                .map(|(i, (n, pick))| match &i.ty {
                    tarif::rules::ValueType::Boolean => ["oui", "non", ""][pick.index(3)].to_string(),
                    tarif::rules::ValueType::Choice(ids) => {
                        d.choices[ids[pick.index(ids.len())].0 as usize].clone()
                    }
                    tarif::rules::ValueType::Date => "2016-01-01".to_string(),
                    _ => numbers[*n].to_string(),
                })
                .collect();
            let id = if *with_id { format!("F{n}") } else { String::new() };
            let line = format!("{id};{}", values.join(";"));
            let mut given: Vec<String> = Vec::new();
            let usual = tarif::batch::csv_row(
                document, &mut session, &input, separator, &tariffs, date, 7, &line, &mut scratch,
                &mut |field| given.push(field.to_string()),
            );
            let row = tarif::batch::row(
                document, &mut session, &input, tarif::batch::Output::Csv { separator }, &tariffs,
                date, 7, &line,
            );
            match (usual, row.content) {
                (Some(()), tarif::batch::Content::Csv(fields)) => {
                    prop_assert!(row.priced);
                    prop_assert_eq!(given, fields);
                }
                (Some(()), other) => prop_assert!(false, "{:?}", other),
                (None, _) => prop_assert!(given.is_empty()),
            }
        }
    }
}

/// On a dense sweep of well-formed families (every tranche bound of the real grids, each
/// choice, each boolean, inputs left out), the price without justification is the
/// price of the full evaluation, a justification written over the previous one is the
/// same as a new one, and most families are priced.
#[test]
fn pricing_and_justifying_agree_on_well_formed_families() {
    let numbers = [
        "0", "1", "2", "3", "4", "5", "250", "399", "400", "401", "499", "500", "599", "600",
        "601", "612", "639", "640", "700", "701", "800", "801", "853", "859", "860", "1000",
        "1001", "1100", "1149", "1150", "1250", "1251", "1300", "1301", "1450", "1500", "1501",
        "1600", "1601", "1700", "1800", "1900", "2000", "2001", "2500", "6000", "36000", "2,5",
        "120000",
    ];
    let mut state: u64 = 7;
    let mut next = move |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    for document in documents() {
        let d = &document.deliberation;
        let mut session = eval::Session::new(d);
        let mut reused = eval::trace::Justification::default();
        let mut priced = 0;
        for _ in 0..3_000 {
            let mut object = serde_json::Map::new();
            for input in &d.inputs {
                if next(5) == 0 {
                    continue;
                }
                let value = match &input.ty {
                    tarif::rules::ValueType::Boolean => json!(next(2) == 0),
                    tarif::rules::ValueType::Choice(ids) => {
                        json!(d.choices[ids[next(ids.len())].0 as usize])
                    }
                    tarif::rules::ValueType::Date => json!("2025-10-15"),
                    _ => json!(numbers[next(numbers.len())]),
                };
                object.insert(input.name.clone(), value);
            }
            let read = read_family_json(d, &Json::Object(object));
            let day = d.meta.applicable_from;
            for tariff in 0..d.tariffs.len() {
                let price = session.price(&read.family, day, tariff);
                let (justified, justification) = session.justify(&read.family, day, tariff);
                assert_eq!(price, justified, "{}: {:?}", d.meta.title, read.family);
                // Over the steps of the previous family: the same justification.
                let again = session.justify_into(&read.family, day, tariff, &mut reused);
                assert_eq!(again, justified);
                assert_eq!(reused, justification);
                priced += usize::from(price.is_ok());
            }
        }
        assert!(priced > 1_000, "{}: {priced} prices", d.meta.title);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// A division then a multiplication by the same number gives back the amount,
    /// to the last digit, before the rounding (the formula is one fraction).
    #[test]
    fn dividing_then_multiplying_loses_nothing(millis in 0u32..100_000, divisor in 1u32..1_000) {
        let amount = rust_decimal::Decimal::new(i64::from(millis), 3);
        let written = amount.to_string().replace('.', ",");
        let source = format!(
            "délibération « Division »\n  applicable du 01/09/2025\nentrées\n  n : nombre, au moins 1, par défaut {divisor}\n\
             article 1 « Prix »\n  tarif prix (par repas)\n  prix = {written} € / n × n\n  prix : arrondi au centime\n"
        );
        let document = Document::from_source(&source).expect("valid");
        let d = &document.deliberation;
        let family = tarif::eval::Family::new(d);
        let price = tarif::eval::Session::new(d).price(&family, d.meta.applicable_from, 0);
        let expected = amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(price.ok(), Some(expected));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// CSV records written by a spreadsheet (fields quoted when they hold a separator,
    /// a quote or a line break; LF or CRLF) are read back one by one: as many records
    /// as rows, each with its fields, and the number of its first line.
    #[test]
    fn csv_records_are_read_back(
        rows in prop::collection::vec(prop::collection::vec("[a-zé0-9;,\" \n]{0,8}", 3), 1..8),
        crlf in any::<bool>(),
    ) {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        for row in &rows {
            writer.write_record(row).expect("written");
        }
        let bytes = writer.into_inner().expect("flushed");
        let mut records = tarif::inputs::records::Records::new(&bytes[..], true);
        let mut line = 1;
        for row in &rows {
            let mut text = String::new();
            let next = records.next_into(&mut text);
            prop_assert_eq!(next, tarif::inputs::records::Next::Record { line });
            let fields = tarif::batch::fields(&text, b';').expect("readable");
            let expected: Vec<String> = row.iter().map(|f| f.trim().to_string()).collect();
            let found: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            prop_assert_eq!(found, expected);
            line += 1 + row.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        }
        let mut rest = String::new();
        prop_assert_eq!(records.next_into(&mut rest), tarif::inputs::records::Next::End);
    }

    /// A header that names an input twice (exactly, or in two spellings) is refused,
    /// and so is one whose unknown column looks like an input.
    #[test]
    fn doubtful_headers_are_refused(which in 0usize..3) {
        let document = documents().iter().find(|d| d.deliberation.meta.number.as_deref() == Some("2025-042")).expect("cantine");
        let d = &document.deliberation;
        let header = ["id;quotient_caf;quotient_caf", "id;résidence;Residence", "id;quotient_cf;rang"][which];
        let input = tarif::batch::csv_input(d, header).expect("header");
        match input {
            tarif::batch::Input::Csv { columns, .. } => prop_assert!(!columns.problems.is_empty()),
            tarif::batch::Input::JsonLines => prop_assert!(false),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A file saved by Excel in Windows-1252 is told from UTF-8 as soon as it holds an
    /// accented letter, and decodes back to the same text; UTF-8 stays UTF-8.
    #[test]
    fn excel_files_are_told_from_utf8(text in "[a-z;0-9 ]{0,20}[éèàçêô][a-zéèàçêô;0-9 \n]{0,40}") {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        let found = tarif::inputs::records::detect_encoding(&bytes, false);
        prop_assert_eq!(found, encoding_rs::WINDOWS_1252);
        let (decoded, _, _) = found.decode(&bytes);
        prop_assert_eq!(decoded.as_ref(), text.as_str());
        prop_assert_eq!(tarif::inputs::records::detect_encoding(text.as_bytes(), false), encoding_rs::UTF_8);
    }
}
