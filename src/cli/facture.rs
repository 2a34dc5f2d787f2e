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
    let days = tarif::billing::days::read_in(&days, tarif::billing::days::zone(d));
    let mut invoice = tarif::billing::invoice::invoice(d, &read, &days.days, month);
    invoice.read_with(&days);
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
    use tarif::billing::render;
    let d = &document.deliberation;
    let families = match read_days(families) {
        Ok(text) => tarif::billing::batch::read_families(d, &text),
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    let days = tarif::billing::rows::MonthDays::of(days, tarif::billing::days::zone(d));
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
    // Each outcome is rendered on the core that invoiced it, and its invoice dropped;
    // the pieces are written in order, one chunk while the next is invoiced.
    let mut writer = match super::Output::create(args.sortie.as_deref()) {
        Ok(writer) => writer,
        Err(status) => return status,
    };
    if format == FactureFormat::Csv {
        let mut csv = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        let _ = csv.write_record(render::CSV_HEADER);
        writer.write(&csv.into_inner().unwrap_or_default());
    }
    let mut all_right = true;
    tarif::billing::batch::invoices_streamed(
        d,
        families,
        &days,
        month,
        !args.sans_justification,
        |outcome| render_outcome(document, &outcome, format, month),
        |(right, piece)| {
            all_right &= right;
            writer.write(&piece);
        },
    );
    if let Err(status) = writer.finish() {
        return status;
    }
    if all_right { SUCCESS } else { FAILURE }
}

/// One outcome of a batch in the format asked: whether it is an invoice with its total,
/// and its bytes.
fn render_outcome(
    document: &tarif::document::Document,
    outcome: &tarif::billing::batch::Outcome,
    format: FactureFormat,
    month: Month,
) -> (bool, Vec<u8>) {
    use tarif::billing::batch::Outcome;
    use tarif::billing::render;
    let (json, rows, text) = match outcome {
        Outcome::Invoice { line, invoice } => {
            let right = invoice.total.is_some();
            let bytes = match format {
                FactureFormat::Json => {
                    // About 300 bytes a line: written without growing.
                    let mut out = String::with_capacity(1024 + 400 * invoice.lines.len());
                    render::write_json(&mut out, document, invoice, Some(*line));
                    out.push('\n');
                    out.into_bytes()
                }
                FactureFormat::Csv => {
                    let mut csv = csv::WriterBuilder::new()
                        .delimiter(b';')
                        .from_writer(Vec::with_capacity(2048));
                    for row in render::csv_rows(document, invoice, b';') {
                        let _ = csv.write_record(&row);
                    }
                    csv.into_inner().unwrap_or_default()
                }
                FactureFormat::Texte => {
                    format!("{}\n────────\n\n", render::to_text(document, invoice)).into_bytes()
                }
            };
            return (right, bytes);
        }
        Outcome::Refused {
            line,
            family,
            code,
            message,
        } => {
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
            let message = match family {
                Some(f) => format!(
                    "aucune famille « {f} » dans le fichier des familles : ses jours ne sont pas facturés"
                ),
                None => "ces jours ne disent pas leur famille (colonne « famille »)".to_string(),
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
    let bytes = match format {
        FactureFormat::Json => {
            let mut out = serde_json::to_string(&json).unwrap_or_default();
            out.push('\n');
            out.into_bytes()
        }
        FactureFormat::Csv => {
            let mut csv = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            let _ = csv.write_record(&rows);
            csv.into_inner().unwrap_or_default()
        }
        FactureFormat::Texte => text.into_bytes(),
    };
    (false, bytes)
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
    // UTF-8 (the usual case) is kept as read, without a copy.
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e.into_bytes(),
    };
    let encoding = tarif::inputs::records::detect_encoding(&bytes, false);
    Ok(encoding.decode(&bytes).0.into_owned())
}
