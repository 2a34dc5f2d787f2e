//! The figures of `tarif simuler` (a [`Simulation`]) as JSON, CSV rows and a French
//! report.

use rust_decimal::Decimal;
use serde_json::{Map, Value as Json, json};

use crate::rules::Deliberation;
use crate::simulate::{FailedLine, Failure, Simulation, Tally, tranche_label, tranche_line};

fn amount(value: Decimal) -> Json {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    Json::String(value.to_string())
}

fn optional(value: Option<Decimal>) -> Json {
    value.map_or(Json::Null, amount)
}

fn tally_json(tally: &Tally, compare: bool) -> Map<String, Json> {
    let mut object = Map::new();
    object.insert("familles".into(), json!(tally.families));
    object.insert("recette".into(), amount(tally.revenue));
    object.insert("moyenne".into(), optional(tally.mean()));
    object.insert("mediane".into(), optional(tally.median()));
    if compare {
        object.insert("comparees".into(), json!(tally.compared));
        object.insert("recette_avant".into(), amount(tally.revenue_before));
        object.insert("hausses".into(), json!(tally.more));
        object.insert("baisses".into(), json!(tally.less));
        object.insert("inchanges".into(), json!(tally.same));
        object.insert("variation_moyenne".into(), optional(tally.mean_change()));
        object.insert("variation_mediane".into(), optional(tally.median_change()));
        object.insert("hausse_max".into(), optional(tally.largest_increase()));
    }
    object
}

/// The simulation as JSON: `tarifs.NOM` with `familles`, `erreurs`, `recette`,
/// `moyenne`, `mediane`, `tranches`, and with `--avant` the comparison.
pub fn to_json(d: &Deliberation, tariffs: &[usize], simulation: &Simulation) -> Json {
    let mut out = Map::new();
    for &index in tariffs {
        let (Some(tariff), Some(t)) = (d.tariffs.get(index), simulation.tariffs.get(index)) else {
            continue;
        };
        let mut object = tally_json(&t.all, simulation.compare);
        object.insert("erreurs".into(), json!(t.errors));
        object.insert("unite".into(), json!(tariff.unit));
        let tranches: Vec<Json> = t
            .tranches
            .iter()
            .map(|(tranche, tally)| {
                let mut o = Map::new();
                o.insert("tranche".into(), json!(tranche_label(d, *tranche)));
                if let Some(line) = tranche_line(d, *tranche) {
                    o.insert("ligne".into(), json!(line));
                }
                o.extend(tally_json(tally, simulation.compare));
                Json::Object(o)
            })
            .collect();
        object.insert("tranches".into(), Json::Array(tranches));
        if simulation.compare {
            object.insert("erreurs_avant".into(), json!(t.errors_before));
            let largest: Vec<Json> = t
                .largest
                .iter()
                .map(|i| {
                    json!({ "ligne": i.line, "id": i.id, "avant": amount(i.before),
                            "apres": amount(i.after), "hausse": amount(i.change) })
                })
                .collect();
            object.insert("plus_fortes_hausses".into(), Json::Array(largest));
        }
        out.insert(tariff.name.clone(), Json::Object(object));
    }
    let failures: Vec<Json> = simulation
        .failures
        .iter()
        .map(|f| {
            let (code, message, tariff) = failure_text(d, f);
            let mut o = Map::new();
            o.insert("ligne".into(), json!(f.line));
            o.insert("id".into(), json!(f.id));
            if let Some(tariff) = tariff {
                o.insert("tarif".into(), json!(tariff));
            }
            o.insert("code".into(), json!(code));
            o.insert("message".into(), json!(message));
            Json::Object(o)
        })
        .collect();
    json!({ "tarifs": out, "lignes_illisibles": simulation.unreadable,
            "lignes_en_erreur": simulation.failed_lines, "erreurs": failures })
}

/// The code, the French message and the tariff's name of a line in error.
fn failure_text(d: &Deliberation, f: &FailedLine) -> (&'static str, String, Option<String>) {
    match &f.failure {
        Failure::Line(error) => {
            let (code, text) = crate::batch::line_error_text(*error);
            (code, text, None)
        }
        Failure::Family(error) => {
            let m = crate::report::messages::family_error(error);
            (m.code, m.text, None)
        }
        Failure::Quantity(written) => (
            "E111",
            format!("la quantité « {written} » n'est pas un nombre positif ou nul"),
            None,
        ),
        Failure::Tariff { tariff, error } => {
            let m = crate::report::messages::eval_error(error);
            (
                m.code,
                m.text,
                d.tariffs.get(*tariff).map(|t| t.name.clone()),
            )
        }
    }
}

/// The lines in error, the first ones with their reasons, and where the others are.
fn failures_text(d: &Deliberation, simulation: &Simulation) -> String {
    if simulation.failed_lines == 0 {
        return String::new();
    }
    let mut out = format!(
        "Lignes en erreur : {}
",
        count(simulation.failed_lines)
    );
    let mut lines = Vec::new();
    for f in &simulation.failures {
        let (code, message, tariff) = failure_text(d, f);
        let id =
            f.id.as_ref()
                .map_or(String::new(), |id| format!(" « {id} »"));
        let tariff = tariff.map_or(String::new(), |t| format!(" (tarif « {t} »)"));
        out.push_str(&format!(
            "  ligne {}{id}{tariff} : {code} {message}
",
            f.line
        ));
        if !lines.contains(&f.line) {
            lines.push(f.line);
        }
    }
    let rest = simulation.failed_lines.saturating_sub(lines.len() as u64);
    if rest > 0 {
        out.push_str(&format!(
            "  … et {} autre(s) ligne(s) en erreur : « tarif batch » sur le même fichier donne chaque ligne avec son erreur\n",
            count(rest)
        ));
    }
    out.push('\n');
    out
}

/// The simulation as a French report.
pub fn to_text(d: &Deliberation, tariffs: &[usize], simulation: &Simulation) -> String {
    use crate::french::price;
    let mut out = String::new();
    let shown = |v: Option<Decimal>| v.map_or("—".to_string(), price);
    let signed = |v: Option<Decimal>| v.map_or("—".to_string(), crate::french::signed_price);
    for &index in tariffs {
        let (Some(tariff), Some(t)) = (d.tariffs.get(index), simulation.tariffs.get(index)) else {
            continue;
        };
        let all = &t.all;
        out.push_str(&format!(
            "Tarif « {} » (par {})\n  familles tarifées : {}, en erreur : {}\n  recette : {}\n  prix moyen : {}, prix médian : {}\n",
            tariff.name,
            tariff.unit,
            count(all.families),
            count(t.errors),
            price(all.revenue),
            shown(all.mean()),
            shown(all.median()),
        ));
        if simulation.compare {
            let change = all.revenue - all.revenue_before;
            out.push_str(&format!(
                "  recette avant : {} ({})\n  comparées : {} — paient plus : {}, moins : {}, autant : {} ; non tarifées par l'ancienne grille : {}\n  variation moyenne : {}, médiane : {}, plus forte hausse : {}\n",
                price(all.revenue_before),
                signed(Some(change)),
                count(all.compared),
                count(all.more),
                count(all.less),
                count(all.same),
                count(t.errors_before),
                signed(all.mean_change()),
                signed(all.median_change()),
                signed(all.largest_increase()),
            ));
        }
        out.push_str("  par tranche :\n");
        for (tranche, tally) in &t.tranches {
            let at = tranche_line(d, *tranche).map_or(String::new(), |l| format!(" (ligne {l})"));
            out.push_str(&format!(
                "    {}{at} : {} familles, recette {}, moyen {}, médian {}",
                tranche_label(d, *tranche),
                count(tally.families),
                price(tally.revenue),
                shown(tally.mean()),
                shown(tally.median()),
            ));
            if simulation.compare {
                out.push_str(&format!(
                    " ; plus {}, moins {}, autant {}, variation moyenne {}, plus forte hausse {}",
                    count(tally.more),
                    count(tally.less),
                    count(tally.same),
                    signed(tally.mean_change()),
                    signed(tally.largest_increase()),
                ));
            }
            out.push('\n');
        }
        if simulation.compare && !t.largest.is_empty() {
            out.push_str(&format!(
                "  les {} plus fortes hausses :\n",
                t.largest.len()
            ));
            for i in &t.largest {
                let id =
                    i.id.as_ref()
                        .map_or(String::new(), |id| format!(" « {id} »"));
                out.push_str(&format!(
                    "    ligne {}{id} : {} → {} ({})\n",
                    i.line,
                    price(i.before),
                    price(i.after),
                    signed(Some(i.change))
                ));
            }
        }
        out.push('\n');
    }
    out.push_str(&failures_text(d, simulation));
    if simulation.unreadable > 0 {
        out.push_str(&format!(
            "{} ligne(s) illisible(s), comptée(s) en erreur pour chaque tarif\n",
            count(simulation.unreadable)
        ));
    }
    out
}

/// The simulation as CSV rows: one per tariff (tranche `total`) and per tranche.
pub fn to_csv_rows(
    d: &Deliberation,
    tariffs: &[usize],
    simulation: &Simulation,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = [
        "tarif", "tranche", "ligne", "familles", "erreurs", "recette", "moyenne", "mediane",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if simulation.compare {
        header.extend(
            [
                "recette_avant",
                "hausses",
                "baisses",
                "inchanges",
                "variation_moyenne",
                "hausse_max",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
    }
    // Decimal commas: the file is read by French spreadsheets (separator `;`).
    let text = |v: Option<Decimal>| {
        v.map_or(String::new(), |v| {
            v.normalize().to_string().replace('.', ",")
        })
    };
    let mut rows = Vec::new();
    for &index in tariffs {
        let (Some(tariff), Some(t)) = (d.tariffs.get(index), simulation.tariffs.get(index)) else {
            continue;
        };
        let parts = std::iter::once((None, &t.all, Some(t.errors))).chain(
            t.tranches
                .iter()
                .map(|(tranche, tally)| (Some(*tranche), tally, None)),
        );
        for (tranche, tally, errors) in parts {
            let mut row = vec![
                tariff.name.clone(),
                tranche.map_or("total".to_string(), |tr| tranche_label(d, tr)),
                tranche
                    .and_then(|tr| tranche_line(d, tr))
                    .map_or(String::new(), |l| l.to_string()),
                tally.families.to_string(),
                errors.map_or(String::new(), |e| e.to_string()),
                text(Some(tally.revenue)),
                text(tally.mean()),
                text(tally.median()),
            ];
            if simulation.compare {
                row.extend([
                    text(Some(tally.revenue_before)),
                    tally.more.to_string(),
                    tally.less.to_string(),
                    tally.same.to_string(),
                    text(tally.mean_change()),
                    text(tally.largest_increase()),
                ]);
            }
            rows.push(row);
        }
    }
    (header, rows)
}

/// `12345` → `12 345`.
fn count(n: u64) -> String {
    crate::french::number(Decimal::from(n))
}
