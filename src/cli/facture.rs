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
    let family = match super::eval::read_family(&args.famille) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    let days = match read_days(&args.presences) {
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
