//! An invoice for people (French text), for portals (JSON) and for spreadsheets (CSV).

use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::days::{DayError, DayErrorKind};
use super::invoice::{Invoice, Line, LineProblem, Problem};
use crate::document::Document;
use crate::report::messages::Message;
use crate::rules::Deliberation;

/// An amount for portals: `2.90`, `-5.20`, at least two decimals (more only when the
/// facturation rounds on the total and a line has them).
pub fn amount_text(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    value.to_string()
}

/// W140: « 3 jour(s) d'un autre mois, non facturés ; ceux d'avant le mois ne servent
/// qu'à compter une absence commencée avant lui ».
fn other_months_words(n: usize) -> String {
    format!(
        "{n} jour(s) d'un autre mois, non facturés ; ceux d'avant le mois ne servent qu'à compter une absence commencée avant lui"
    )
}

/// W141: « colonnes ignorées : « nom », « classe » (aucun champ d'un jour : date,
/// enfant, …) ».
fn ignored_words(columns: &[String]) -> String {
    let names: Vec<String> = columns.iter().map(|c| format!("« {c} »")).collect();
    format!(
        "{} : {} (aucun champ d'un jour : date, enfant, service, état, réservé_le, annulé_le, justificatif_le…)",
        if columns.len() > 1 {
            "colonnes ignorées"
        } else {
            "colonne ignorée"
        },
        names.join(", ")
    )
}

/// What was set aside without changing the invoice (W140, W141), for portals.
fn warnings(invoice: &Invoice) -> Vec<Json> {
    let mut warnings = Vec::new();
    if !invoice.other_months.is_empty() {
        warnings.push(json!({
            "code": "W140",
            "message": other_months_words(invoice.other_months.len()),
            "lignes": invoice.other_months,
        }));
    }
    if !invoice.ignored_columns.is_empty() {
        warnings.push(json!({
            "code": "W141",
            "message": ignored_words(&invoice.ignored_columns),
            "colonnes": invoice.ignored_columns,
        }));
    }
    warnings
}

/// The code and French message of a problem, its line of the days and its field.
pub fn problem_message(problem: &Problem) -> (Message, Option<usize>, String) {
    match problem {
        Problem::Family(e) => (
            crate::report::messages::family_error(e),
            None,
            e.field.clone(),
        ),
        Problem::Day(e) => (day_error(e), Some(e.line), e.field.clone()),
        Problem::Line { line, field, kind } => (line_problem(kind), Some(*line), field.clone()),
    }
}

fn message(code: &'static str, text: String) -> Message {
    Message { code, text }
}

/// The French message of a row that cannot be read.
pub fn day_error(e: &DayError) -> Message {
    match &e.kind {
        DayErrorKind::Unreadable { detail } => message("E140", format!("ligne illisible : {detail}")),
        DayErrorKind::NoDate => message("E141", "la date du jour manque (colonne « date »)".to_string()),
        DayErrorKind::BadDate { text } => message(
            "E141",
            format!("« {text} » n'est pas une date lisible : écrivez 2025-10-02, 02/10/2025 ou 02/10/2025 11:30"),
        ),
        DayErrorKind::NotABoolean { text } => message("E142", format!("« {text} » : oui ou non attendu")),
        DayErrorKind::BadHour { text } => message(
            "E141",
            format!("« {text} » n'est pas une heure lisible : écrivez 07:45 ou 7 h 45"),
        ),
        DayErrorKind::UnknownState { text } => message(
            "E143",
            format!(
                "état « {text} » inconnu : présent, absent, annulé, ou un état de la facturation ({})",
                super::DayState::ALL.map(|s| s.words()).join(", ")
            ),
        ),
        DayErrorKind::UnknownField { suggestion } => message(
            "E144",
            match suggestion {
                Some(s) => format!("champ inconnu : vouliez-vous dire « {s} » ?"),
                None => "champ inconnu : date, enfant, service, état, réservé, réservé_le, annulé_le, présent, justificatif_le".to_string(),
            },
        ),
        DayErrorKind::UnknownColumn { suggestion } => message(
            "E144",
            format!(
                "colonne inconnue : vouliez-vous dire « {suggestion} » ? Renommez-la : lue telle quelle, ses valeurs seraient perdues et la facture fausse"
            ),
        ),
        DayErrorKind::Contradiction { observed, present } => message(
            "E148",
            format!(
                "« état » dit {} et « présent » dit {} : les deux se contredisent, donnez l'un ou l'autre",
                observed.words(),
                if *present { "oui" } else { "non" }
            ),
        ),
        DayErrorKind::DepartureFirst { arrival, departure } => message(
            "E141",
            format!(
                "départ à {} avant l'arrivée à {} : vérifiez les heures (la durée serait négative)",
                super::time::clock_words(*departure),
                super::time::clock_words(*arrival)
            ),
        ),
        DayErrorKind::NoHeader => message(
            "E154",
            "la première ligne doit nommer les colonnes, dont « date » (date;enfant;service;état…)".to_string(),
        ),
    }
}

/// The French message of a day whose line cannot be made.
pub fn line_problem(kind: &LineProblem) -> Message {
    match kind {
        LineProblem::UnknownService { service, known } => message(
            "E145",
            match service {
                Some(s) => format!("aucune facturation pour le service « {s} » : {}", list(known)),
                None => format!("le service n'est pas dit : {}", list(known)),
            },
        ),
        LineProblem::UnknownChild { child, known } => message(
            "E146",
            match child {
                Some(c) => format!("aucun enfant « {c} » dans la famille : {}", list(known)),
                None => format!("l'enfant n'est pas dit : {}", list(known)),
            },
        ),
        LineProblem::Duplicate { first } => message(
            "E147",
            format!("ce jour est déjà donné pour cet enfant et ce service (ligne {first})"),
        ),
        LineProblem::NoPresence => message(
            "E148",
            "ni présent ni absent : donnez « état » (présent, absent, annulé) ou « présent » (oui, non)".to_string(),
        ),
        LineProblem::NoCancellationDate => message(
            "E149",
            "annulé sans sa date : le délai d'annulation décide, donnez « annulé_le » (date et heure)".to_string(),
        ),
        LineProblem::HourNeeded { what, deadline } => message(
            "E150",
            format!("{what} est datée du jour de la limite sans son heure ({deadline}) : donnez l'heure"),
        ),
        LineProblem::StateWithoutPrice { state } => message(
            "E151",
            format!("l'état « {} » n'a pas de prix dans cette facturation", state.words()),
        ),
        LineProblem::Price { message: m } => message("E152", format!("prix unitaire impossible : {m}")),
        LineProblem::NoTimes => message(
            "E155",
            "ce service se facture à la durée : donnez l'heure d'arrivée et l'heure de départ (« arrivée », « départ »)".to_string(),
        ),
        LineProblem::NoPlannedTimes => message(
            "E159",
            "ce jour est compté en heures prévues : donnez les heures du contrat (« arrivée_prévue », « départ_prévu »)".to_string(),
        ),
        LineProblem::OutsidePeriod => message(
            "E153",
            "ce jour est hors de la période d'application de la délibération".to_string(),
        ),
    }
}

fn list(known: &[String]) -> String {
    if known.is_empty() {
        return "aucun n'est connu".to_string();
    }
    format!("attendu {}", crate::french::list_or(known))
}

/// What a family reads for a facturation: its label, else its tariff's, else the title
/// of its article when the article bills nothing else, else the tariff's name.
fn billing_title(d: &Deliberation, b: &super::Billing) -> String {
    let tariff = d.tariffs.get(b.tariff);
    // One head of its article (`facturation de la journee et de la demi_journee` is one).
    let alone = d
        .billing
        .iter()
        .all(|o| o.article != b.article || o.line == b.line);
    // Several tariffs of one head: its label, and which tariff.
    let shared = d
        .billing
        .iter()
        .any(|o| o.article == b.article && o.line == b.line && o.tariff != b.tariff);
    if shared && let (Some(label), Some(t)) = (&b.label, tariff) {
        return format!("{label} ({})", t.label.as_deref().unwrap_or(&t.name));
    }
    b.label
        .clone()
        .or_else(|| tariff.and_then(|t| t.label.clone()))
        .or_else(|| {
            d.articles
                .get(b.article.0 as usize)
                .filter(|_| alone)
                .and_then(|a| a.title.clone())
        })
        .or_else(|| tariff.map(|t| t.name.clone()))
        .unwrap_or_default()
}

fn service_name(d: &Deliberation, line: &Line) -> String {
    d.billing
        .get(line.billing)
        .and_then(|b| d.tariffs.get(b.tariff))
        .map_or(String::new(), |t| t.name.clone())
}

fn rule_json(d: &Deliberation, line: &Line) -> Json {
    let article = d.articles.get(line.rule.article.0 as usize);
    json!({
        "article": article.map(|a| a.number.clone()),
        "titre": article.and_then(|a| a.title.clone()),
        "ligne": line.rule.line,
    })
}

/// The invoice as JSON, for portals.
pub fn to_json(document: &Document, invoice: &Invoice) -> Json {
    let d = &document.deliberation;
    let lines: Vec<Json> = invoice
        .lines
        .iter()
        .map(|l| {
            json!({
                "date": l.date.map(|d| d.format("%Y-%m-%d").to_string()),
                "enfant": l.child,
                "service": service_name(d, l),
                "etat": l.state.map(|s| s.words()),
                "libelle": l.label,
                "quantite": l.quantity.normalize().to_string(),
                "unite": l.unit,
                "prix_unitaire": amount_text(l.unit_price),
                "montant": amount_text(l.amount),
                "regle": rule_json(d, l),
                "justification": l.justification,
            })
        })
        .collect();
    let errors: Vec<Json> = invoice
        .problems
        .iter()
        .map(|p| {
            let (m, line, field) = problem_message(p);
            json!({ "code": m.code, "message": m.text, "ligne": line, "champ": field })
        })
        .collect();
    let mut value = json!({
        "famille": invoice.family,
        "mois": invoice.month.iso(),
        "deliberation": {
            "numero": d.meta.number,
            "titre": d.meta.title,
            "empreinte": document.empreinte,
        },
        "lignes": lines,
        "total": invoice.total.map(amount_text),
        "arrondi": invoice.rounding,
    });
    let warnings = warnings(invoice);
    if !warnings.is_empty() {
        value["avertissements"] = Json::Array(warnings);
    }
    if !errors.is_empty() {
        value["erreurs"] = Json::Array(errors);
    }
    value
}

/// The JSON of [`to_json`] (with the family's `ligne` in a batch) written straight to
/// `out`, without building it as a value first: a batch of many invoices.
pub fn write_json(out: &mut String, document: &Document, invoice: &Invoice, line: Option<usize>) {
    use super::json::{date, decimal, money, string, string_or_null, whole};
    let d = &document.deliberation;
    out.push('{');
    out.push_str("\"famille\":");
    string_or_null(out, invoice.family.as_deref());
    out.push(',');
    out.push_str("\"mois\":");
    string(out, &invoice.month.iso());
    out.push(',');
    out.push_str("\"deliberation\":");
    out.push('{');
    out.push_str("\"numero\":");
    string_or_null(out, d.meta.number.as_deref());
    out.push(',');
    out.push_str("\"titre\":");
    string(out, &d.meta.title);
    out.push(',');
    out.push_str("\"empreinte\":");
    string(out, &document.empreinte);
    out.push_str("},");
    out.push_str("\"lignes\":");
    out.push('[');
    for (i, l) in invoice.lines.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let article = d.articles.get(l.rule.article.0 as usize);
        out.push('{');
        out.push_str("\"date\":");
        match l.date {
            Some(day) => date(out, day),
            None => out.push_str("null"),
        }
        out.push(',');
        out.push_str("\"enfant\":");
        string_or_null(out, l.child.as_deref());
        out.push(',');
        out.push_str("\"service\":");
        string(
            out,
            d.billing
                .get(l.billing)
                .and_then(|b| d.tariffs.get(b.tariff))
                .map_or("", |t| t.name.as_str()),
        );
        out.push(',');
        out.push_str("\"etat\":");
        string_or_null(out, l.state.map(|s| s.words()));
        out.push(',');
        out.push_str("\"libelle\":");
        string(out, &l.label);
        out.push(',');
        out.push_str("\"quantite\":");
        decimal(out, l.quantity.normalize());
        out.push(',');
        out.push_str("\"unite\":");
        string(out, &l.unit);
        out.push(',');
        out.push_str("\"prix_unitaire\":");
        money(out, l.unit_price);
        out.push(',');
        out.push_str("\"montant\":");
        money(out, l.amount);
        out.push(',');
        out.push_str("\"regle\":");
        out.push('{');
        out.push_str("\"article\":");
        string_or_null(out, article.map(|a| a.number.as_str()));
        out.push(',');
        out.push_str("\"titre\":");
        string_or_null(out, article.and_then(|a| a.title.as_deref()));
        out.push(',');
        out.push_str("\"ligne\":");
        whole(out, l.rule.line);
        out.push_str("},");
        out.push_str("\"justification\":");
        out.push('[');
        for (k, step) in l.justification.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            string(out, step);
        }
        out.push_str("]}");
    }
    out.push_str("],");
    out.push_str("\"total\":");
    match invoice.total {
        Some(total) => money(out, total),
        None => out.push_str("null"),
    }
    out.push(',');
    out.push_str("\"arrondi\":");
    out.push('[');
    for (k, words) in invoice.rounding.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        string(out, words);
    }
    out.push(']');
    // Rare: written as a value.
    let warnings = warnings(invoice);
    if !warnings.is_empty() {
        out.push_str(",\"avertissements\":");
        out.push_str(&Json::Array(warnings).to_string());
    }
    if !invoice.problems.is_empty() {
        out.push(',');
        out.push_str("\"erreurs\":");
        out.push('[');
        for (k, problem) in invoice.problems.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let (m, ligne, champ) = problem_message(problem);
            out.push('{');
            out.push_str("\"code\":");
            string(out, m.code);
            out.push(',');
            out.push_str("\"message\":");
            string(out, &m.text);
            out.push(',');
            out.push_str("\"ligne\":");
            match ligne {
                Some(row) => whole(out, row),
                None => out.push_str("null"),
            }
            out.push(',');
            out.push_str("\"champ\":");
            string(out, &champ);
            out.push('}');
        }
        out.push(']');
    }
    if let Some(row) = line {
        out.push(',');
        out.push_str("\"ligne\":");
        whole(out, row);
    }
    out.push('}');
}

/// The invoice in French, for a family or an office: the lines, the total, then the
/// justification of each line.
pub fn to_text(document: &Document, invoice: &Invoice) -> String {
    let d = &document.deliberation;
    let mut out = String::new();
    let who = invoice
        .family
        .as_ref()
        .map(|f| format!(" — famille {f}"))
        .unwrap_or_default();
    let month = invoice.month.words();
    let of = if month.starts_with(['a', 'o']) {
        "d'"
    } else {
        "de "
    };
    out.push_str(&format!("Facture {of}{month}{who}\n"));
    out.push_str(&format!("Délibération « {} »", d.meta.title));
    if let Some(n) = &d.meta.number {
        out.push_str(&format!(" (n° {n})"));
    }
    out.push('\n');
    if !invoice.problems.is_empty() {
        out.push_str("\nLa facture ne peut pas être établie :\n");
        for p in &invoice.problems {
            let (m, line, field) = problem_message(p);
            let at = match (line, field.is_empty()) {
                (Some(l), false) => format!("ligne {l}, « {field} » : "),
                (Some(l), true) => format!("ligne {l} : "),
                (None, false) => format!("« {field} » : "),
                (None, true) => String::new(),
            };
            out.push_str(&format!("  [{}] {at}{}\n", m.code, m.text));
        }
    }
    let mut current: Option<(Option<String>, usize, bool)> = None;
    for line in &invoice.lines {
        // A line of the month of a facturation of several tariffs (its cap, a charge)
        // is of all of them: under the facturation's own name.
        let whole = line.date.is_none()
            && d.billing.get(line.billing).is_some_and(|b| {
                d.billing
                    .iter()
                    .any(|o| o.article == b.article && o.line == b.line && o.tariff != b.tariff)
            });
        let group = (line.child.clone(), line.billing, whole);
        if current.as_ref() != Some(&group) {
            let who = line.child.clone().unwrap_or_else(|| "Famille".to_string());
            let service = d
                .billing
                .get(line.billing)
                .map(|b| {
                    let article = d.articles.get(b.article.0 as usize);
                    match (whole, &b.label, article.and_then(|a| a.title.as_ref())) {
                        (true, Some(label), _) | (true, None, Some(label)) => label.clone(),
                        _ => billing_title(d, b),
                    }
                })
                .unwrap_or_default();
            out.push_str(&format!("\n{who} — {service}\n"));
            current = Some(group);
        }
        let date = match (line.date, line.unit.as_str()) {
            (Some(date), _) => crate::french::date(date),
            (None, "semaine") => "la semaine ".to_string(),
            (None, _) => "le mois    ".to_string(),
        };
        let quantity = format!("{} {}", crate::french::number(line.quantity), line.unit);
        out.push_str(&format!(
            "  {date}  {:<44} {:>15} {:>10}\n",
            line.label,
            quantity,
            money(line.amount)
        ));
    }
    match invoice.total {
        Some(total) => out.push_str(&format!("\nTotal : {}\n", crate::french::price(total))),
        None => out.push_str("\nTotal : non établi (voir les erreurs)\n"),
    }
    // Each rounding once: facturations that round alike say it in one line.
    for (i, rounding) in invoice.rounding.iter().enumerate() {
        if !invoice.rounding[..i].contains(rounding) {
            out.push_str(&format!("Arrondi : {rounding}\n"));
        }
    }
    if !invoice.other_months.is_empty() {
        out.push_str(&format!(
            "{} (lignes {})\n",
            crate::french::capitalised(&other_months_words(invoice.other_months.len())),
            invoice
                .other_months
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !invoice.ignored_columns.is_empty() {
        out.push_str(&format!(
            "{}\n",
            crate::french::capitalised(&ignored_words(&invoice.ignored_columns))
        ));
    }
    if !invoice.lines.is_empty() {
        out.push_str("\nJustification\n");
        for line in &invoice.lines {
            let date = line
                .date
                .map_or_else(|| "Le mois".to_string(), crate::french::date);
            let who = line
                .child
                .as_ref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {date}{who} — {} : {}\n",
                line.label,
                money(line.amount)
            ));
            for step in &line.justification {
                out.push_str(&format!("    {step}\n"));
            }
        }
    }
    out
}

/// `2,90 €`, and `−5,20 €` for an amount taken off.
fn money(value: Decimal) -> String {
    if value.is_sign_negative() && !value.is_zero() {
        crate::french::signed_price(value)
    } else {
        crate::french::price(value)
    }
}

/// The header of the CSV of invoices.
pub const CSV_HEADER: [&str; 13] = [
    "famille",
    "mois",
    "date",
    "enfant",
    "service",
    "etat",
    "libelle",
    "quantite",
    "unite",
    "prix_unitaire",
    "montant",
    "regle",
    "justification",
];

/// The rows of an invoice in CSV (a decimal comma with `;`): one per line, then the
/// total (or the errors).
pub fn csv_rows(document: &Document, invoice: &Invoice, separator: u8) -> Vec<Vec<String>> {
    let d = &document.deliberation;
    let comma = separator == b';';
    let money = |v: Decimal| {
        let text = amount_text(v);
        if comma { text.replace('.', ",") } else { text }
    };
    let family = invoice.family.clone().unwrap_or_default();
    let month = invoice.month.iso();
    let mut rows = Vec::new();
    for l in &invoice.lines {
        let rule = d
            .articles
            .get(l.rule.article.0 as usize)
            .map_or(format!("ligne {}", l.rule.line), |a| {
                format!("art. {}, ligne {}", a.number, l.rule.line)
            });
        rows.push(vec![
            family.clone(),
            month.clone(),
            l.date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            l.child.clone().unwrap_or_default(),
            service_name(d, l),
            l.state.map(|s| s.words().to_string()).unwrap_or_default(),
            l.label.clone(),
            crate::french::number(l.quantity),
            l.unit.clone(),
            money(l.unit_price),
            money(l.amount),
            rule,
            l.justification.join(" | "),
        ]);
    }
    let mut last = vec![
        family,
        month,
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    match invoice.total {
        Some(total) => {
            last.extend([
                "Total".to_string(),
                String::new(),
                String::new(),
                String::new(),
                money(total),
            ]);
            // The rounding, then what was set aside (W140, W141).
            let mut notes = invoice.rounding.clone();
            if !invoice.other_months.is_empty() {
                notes.push(format!(
                    "W140 {}",
                    other_months_words(invoice.other_months.len())
                ));
            }
            if !invoice.ignored_columns.is_empty() {
                notes.push(format!("W141 {}", ignored_words(&invoice.ignored_columns)));
            }
            last.extend([String::new(), notes.join(" ; ")]);
        }
        None => {
            let errors: Vec<String> = invoice
                .problems
                .iter()
                .map(|p| {
                    let (m, line, _) = problem_message(p);
                    match line {
                        Some(l) => format!("{} ligne {l} : {}", m.code, m.text),
                        None => format!("{} {}", m.code, m.text),
                    }
                })
                .collect();
            last.extend([
                "Erreur".to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            last.extend([String::new(), errors.join(" ; ")]);
        }
    }
    rows.push(last);
    rows
}
