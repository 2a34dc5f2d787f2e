//! `tarif facture`: a family's invoice for a month, from its days of reservation and
//! attendance, each line justified by the articles of the règlement de facturation.

use super::files;
use super::{FAILURE, FactureArgs, FactureFormat, SUCCESS, USAGE};
use tarif::billing::invoice::Month;

pub fn run(args: &FactureArgs) -> u8 {
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let d = &document.deliberation;
    if d.billing.is_empty() {
        eprintln!(
            "erreur : {} n'a pas de règlement de facturation (une ligne « facturation des repas » dans un article)",
            args.file.display()
        );
        return USAGE;
    }
    let Some(month) = Month::parse(&args.mois) else {
        eprintln!(
            "erreur : mois « {} » illisible : écrivez 2025-10 ou 10/2025",
            args.mois
        );
        return USAGE;
    };
    let days = match read_days(&args.presences) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    if let Some(families) = &args.familles {
        return batch(&document, families, &days, month, args);
    }
    let family = match super::eval::read_family(args.famille.as_deref().unwrap_or("-")) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    let read = tarif::inputs::read_family(d, &family);
    let days = tarif::billing::days::read(&days);
    let mut invoice = tarif::billing::invoice::invoice(d, &read, &days.days, month);
    // The rows that could not be read are the invoice's problems, first.
    let mut problems: Vec<_> = days
        .errors
        .into_iter()
        .map(tarif::billing::invoice::Problem::Day)
        .collect();
    problems.append(&mut invoice.problems);
    invoice.problems = problems;
    if !invoice.problems.is_empty() {
        invoice.total = None;
    }
    let output = match args.format {
        FactureFormat::Texte => tarif::billing::render::to_text(&document, &invoice),
        FactureFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&tarif::billing::render::to_json(&document, &invoice))
                .unwrap_or_default()
        ),
        FactureFormat::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            let _ = writer.write_record(tarif::billing::render::CSV_HEADER);
            for row in tarif::billing::render::csv_rows(&document, &invoice, b';') {
                let _ = writer.write_record(&row);
            }
            String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
        }
    };
    if let Err(status) = super::print_out(&output) {
        return status;
    }
    if invoice.total.is_some() {
        SUCCESS
    } else {
        FAILURE
    }
}

/// The invoices of every family of a file: JSON Lines (one invoice or one error per
/// line), CSV (the lines of each invoice, then its total or its error) or text.
fn batch(
    document: &tarif::document::Document,
    families: &str,
    days: &str,
    month: Month,
    args: &FactureArgs,
) -> u8 {
    use tarif::billing::batch::Outcome;
    use tarif::billing::render;
    let d = &document.deliberation;
    let families = match read_days(families) {
        Ok(text) => tarif::billing::batch::read_families(d, &text),
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    let days = tarif::billing::days::read(days);
    let outcomes =
        tarif::billing::batch::invoices(d, families, &days, month, !args.sans_justification);
    let format = match args
        .sortie
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
    {
        Some("csv") => FactureFormat::Csv,
        Some("jsonl" | "json") => FactureFormat::Json,
        _ => args.format,
    };
    let mut all_right = true;
    let mut out = String::new();
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    if format == FactureFormat::Csv {
        let _ = csv.write_record(render::CSV_HEADER);
    }
    for outcome in &outcomes {
        let (json, rows, text) = match outcome {
            Outcome::Invoice { line, invoice } => {
                all_right &= invoice.total.is_some();
                match format {
                    FactureFormat::Json => {
                        render::write_json(&mut out, document, invoice, Some(*line));
                        out.push('\n');
                    }
                    FactureFormat::Csv => {
                        for row in render::csv_rows(document, invoice, b';') {
                            let _ = csv.write_record(&row);
                        }
                    }
                    FactureFormat::Texte => {
                        out.push_str(&render::to_text(document, invoice));
                        out.push_str("\n────────\n\n");
                    }
                }
                continue;
            }
            Outcome::Refused {
                line,
                family,
                code,
                message,
            } => {
                all_right = false;
                let json = serde_json::json!({
                    "ligne": line, "famille": family, "mois": month.iso(),
                    "erreurs": [{ "code": code, "message": message }],
                });
                let row = error_row(
                    family.as_deref(),
                    month,
                    &format!("{code} ligne {line} : {message}"),
                );
                (
                    json,
                    row,
                    format!("Famille de la ligne {line} : [{code}] {message}\n"),
                )
            }
            Outcome::Orphans { family, lines } => {
                all_right = false;
                let message = match family {
                    Some(f) => format!(
                        "aucune famille « {f} » dans le fichier des familles : ses jours ne sont pas facturés"
                    ),
                    None => {
                        "ces jours ne disent pas leur famille (colonne « famille »)".to_string()
                    }
                };
                let json = serde_json::json!({
                    "famille": family, "mois": month.iso(),
                    "erreurs": [{ "code": "E158", "message": message, "lignes": lines }],
                });
                let listed: Vec<String> = lines.iter().map(ToString::to_string).collect();
                let text = format!("[E158] {message} (jours des lignes {})", listed.join(", "));
                (
                    json,
                    error_row(family.as_deref(), month, &text),
                    format!("{text}\n"),
                )
            }
            Outcome::Day(error) => {
                all_right = false;
                let m = render::day_error(error);
                let json = serde_json::json!({
                    "mois": month.iso(),
                    "erreurs": [{ "code": m.code, "message": m.text, "ligne_jours": error.line, "champ": error.field }],
                });
                let text = format!(
                    "[{}] jours, ligne {}, « {} » : {}",
                    m.code, error.line, error.field, m.text
                );
                (json, error_row(None, month, &text), format!("{text}\n"))
            }
        };
        match format {
            FactureFormat::Json => {
                out.push_str(&serde_json::to_string(&json).unwrap_or_default());
                out.push('\n');
            }
            FactureFormat::Csv => {
                let _ = csv.write_record(&rows);
            }
            FactureFormat::Texte => out.push_str(&text),
        }
    }
    if format == FactureFormat::Csv {
        out = String::from_utf8(csv.into_inner().unwrap_or_default()).unwrap_or_default();
    }
    if let Err(status) = super::write_out(args.sortie.as_deref(), out.as_bytes()) {
        return status;
    }
    if all_right { SUCCESS } else { FAILURE }
}

/// A CSV row that carries an error instead of an invoice's lines.
fn error_row(family: Option<&str>, month: Month, text: &str) -> Vec<String> {
    let mut row = vec![family.unwrap_or("").to_string(), month.iso()];
    row.extend(std::iter::repeat_n(String::new(), 4));
    row.push("Erreur".to_string());
    row.extend(std::iter::repeat_n(String::new(), 5));
    row.push(text.to_string());
    row
}

/// The text of the days: a file (UTF-8, or Windows-1252 as Excel writes), or standard
/// input for `-`.
fn read_days(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(|e| {
            format!(
                "lecture de l'entrée standard impossible ({})",
                super::io_french(&e)
            )
        })?;
        bytes
    } else {
        std::fs::read(path)
            .map_err(|e| format!("{path} : lecture impossible ({})", super::io_french(&e)))?
    };
    let encoding = tarif::inputs::records::detect_encoding(&bytes, false);
    Ok(encoding.decode(&bytes).0.into_owned())
}
