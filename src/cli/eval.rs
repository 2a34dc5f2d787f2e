//! `tarif eval`: the prices of one family, with their justification.

use std::io::Read;

use super::files;
use super::{EvalArgs, FAILURE, Format, SUCCESS, USAGE};

pub fn run(args: &EvalArgs) -> u8 {
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let d = &document.deliberation;
    let text = match read_family(&args.famille) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("erreur : {message}");
            return USAGE;
        }
    };
    let given_date = match parse_given_date(args.date.as_deref()) {
        Ok(date) => date,
        Err(status) => return status,
    };
    let tariffs = match tariff_indices(d, &args.tarifs) {
        Ok(tariffs) => tariffs,
        Err(status) => return status,
    };
    let mut read = tarif::inputs::read_family(d, &text);
    let today = chrono::Local::now().date_naive();
    let date = tarif::eval::service_date(&read.family, given_date, today);
    read.at_date(d, date);
    let with_children = !read.family.children().is_empty();
    let plan = tarif::eval::Plan::new(d);
    let (priced, children) =
        read.prices_in(&mut tarif::eval::Session::on(&plan), date, &tariffs, true);
    let output = match args.format {
        Format::Json if with_children => {
            let json = tarif::report::result::children_to_json(&document, &read, date, &children);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        Format::Texte if with_children => {
            tarif::report::result::children_to_text(&document, &read, date, &children)
        }
        Format::Json => {
            let json = tarif::report::result::to_json(&document, &read, date, &priced);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        Format::Texte => tarif::report::result::to_text(&document, &read, date, &priced),
    };
    if let Err(status) = super::print_out(&output) {
        return status;
    }
    if read.all_priced(&priced, &children) {
        SUCCESS
    } else {
        FAILURE
    }
}

/// The text of the family: a file, or standard input for `-`.
pub(super) fn read_family(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            format!(
                "lecture de l'entrée standard impossible ({})",
                super::io_french(&e)
            )
        })?;
        return Ok(text);
    }
    files::read(std::path::Path::new(path)).map_err(|e| e.to_string())
}

/// The date given by `--date`, if any; an unreadable date is a usage error.
pub(super) fn parse_given_date(text: Option<&str>) -> Result<Option<chrono::NaiveDate>, u8> {
    match text {
        None => Ok(None),
        Some(text) => match tarif::inputs::parse_date(text) {
            Some(date) => Ok(Some(date)),
            None => {
                eprintln!("erreur : {}", tarif::report::messages::date_problem(text));
                Err(USAGE)
            }
        },
    }
}

/// The indices of the tariffs named by `--tarif`; an unknown name is a usage error.
pub(super) fn tariff_indices(d: &tarif::Deliberation, names: &[String]) -> Result<Vec<usize>, u8> {
    let mut tariffs = Vec::new();
    for name in names {
        match d.tariffs.iter().position(|t| t.name == *name) {
            Some(t) => tariffs.push(t),
            None => {
                let known: Vec<&str> = d.tariffs.iter().map(|t| t.name.as_str()).collect();
                eprintln!(
                    "erreur : la délibération n'a pas de tarif « {name} » (tarifs : {})",
                    known.join(", ")
                );
                return Err(USAGE);
            }
        }
    }
    Ok(tariffs)
}
