//! `tarif simuler`: a grid priced over a population of families, read as `tarif batch`
//! reads them (CSV or JSON Lines, by chunks, on every core), summed up per tariff and
//! per tranche; with `--avant`, compared family by family with the grid in force.

use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;
use tarif::batch::Input;
use tarif::simulate::{Before, Simulation, Simulator, Worker};

use super::families::{self as reading, Families, Pending};
use super::files;
use super::{SUCCESS, USAGE};

pub fn run(args: &super::SimulerArgs) -> u8 {
    let xlsx_out = args
        .sortie
        .as_ref()
        .is_some_and(|p| p.to_string_lossy().to_lowercase().ends_with(".xlsx"));
    let format = match xlsx_out {
        true => "xlsx".to_string(),
        false => args.format.trim().to_lowercase(),
    };
    if !["texte", "json", "csv", "xlsx"].contains(&format.as_str()) {
        eprintln!(
            "erreur : --format {} : texte, json, csv ou xlsx",
            args.format
        );
        return USAGE;
    }
    if format == "xlsx" && args.sortie.is_none() {
        eprintln!(
            "erreur : --format xlsx écrit un classeur : donnez-lui un fichier, --sortie simulation.xlsx"
        );
        return USAGE;
    }
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let before_document = match &args.avant {
        Some(path) => match files::document(path) {
            Ok(document) => Some(document),
            Err(status) => return status,
        },
        None => None,
    };
    let d = &document.deliberation;
    let tariffs = match super::eval::tariff_indices(d, &args.tarifs) {
        Ok(t) if t.is_empty() => (0..d.tariffs.len()).collect::<Vec<_>>(),
        Ok(t) => t,
        Err(status) => return status,
    };
    let default_date = match super::eval::parse_given_date(args.date.as_deref()) {
        Ok(date) => date.unwrap_or(d.meta.applicable_from),
        Err(status) => return status,
    };
    let quiet: Vec<&str> = args.quantite.as_deref().into_iter().collect();
    let Families {
        mut records,
        input,
        size,
        header,
        excel,
        ..
    } = match reading::open_families(
        d,
        &args.familles,
        (
            args.tableur.encodage.as_deref(),
            args.tableur.feuille.as_deref(),
        ),
        &quiet,
    ) {
        Ok(families) => families,
        Err(status) => return status,
    };
    if let (
        Some(name),
        Some(header),
        Input::Csv {
            header: columns, ..
        },
    ) = (&args.quantite, &header, &input)
        && !columns.iter().any(|c| c.trim() == name)
    {
        eprintln!(
            "erreur : --quantite {name} : aucune colonne « {name} » dans l'en-tête ({})",
            header.trim()
        );
        return USAGE;
    }
    // The lines read for the old grid: its own columns (a CSV header names both grids'
    // inputs; the columns of the other one are ignored).
    let before_input = match (&before_document, &input, &header) {
        (Some(old), Input::Csv { .. }, Some(header)) => {
            match tarif::batch::csv_input(&old.deliberation, header) {
                Some(input) => Some(input),
                None => {
                    eprintln!("erreur : l'en-tête des familles ne se lit pas pour --avant");
                    return USAGE;
                }
            }
        }
        (Some(_), Input::JsonLines, _) => Some(Input::JsonLines),
        _ => None,
    };
    let before = match (&before_document, &before_input) {
        (Some(old), Some(old_input)) => {
            let names: Vec<Option<usize>> = tariffs
                .iter()
                .map(|&t| {
                    let name = d.tariffs.get(t).map(|t| t.name.as_str())?;
                    old.deliberation.tariffs.iter().position(|o| o.name == name)
                })
                .collect();
            for (&t, found) in tariffs.iter().zip(&names) {
                if found.is_none()
                    && let Some(tariff) = d.tariffs.get(t)
                {
                    eprintln!(
                        "avertissement : le tarif « {} » n'existe pas dans {} : il n'est pas comparé",
                        tariff.name,
                        args.avant
                            .as_ref()
                            .map_or(String::new(), |p| p.display().to_string())
                    );
                }
            }
            let mut by_tariff = vec![None; d.tariffs.len()];
            for (&t, found) in tariffs.iter().zip(names) {
                if let Some(slot) = by_tariff.get_mut(t) {
                    *slot = found;
                }
            }
            Some(Before {
                document: old,
                input: old_input,
                tariffs: by_tariff,
            })
        }
        _ => None,
    };
    let simulator = Simulator {
        document: &document,
        input: &input,
        before,
        tariffs: &tariffs,
        quantity: args.quantite.as_deref(),
        default_date,
    };
    let plan = tarif::eval::Plan::new(d);
    let old_plan = before_document
        .as_ref()
        .map(|old| tarif::eval::Plan::new(&old.deliberation));
    let compare = simulator.before.is_some();
    let mut total = Simulation::new(d.tariffs.len(), compare);
    let progress = reading::progress_bar(size);
    let started = Instant::now();
    let mut buffer = String::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(16_384);
    let mut lines = 0usize;
    loop {
        let stop = reading::fill_chunk(&mut records, &mut buffer, &mut pending);
        if pending.is_empty() && stop.is_none() {
            break;
        }
        let text = buffer.as_str();
        let part = pending
            .par_iter()
            .fold(
                || {
                    (
                        Worker::new(&plan, old_plan.as_ref()),
                        Simulation::new(d.tariffs.len(), compare),
                    )
                },
                |(mut worker, mut simulation), (next, range)| {
                    let (line, error) = reading::line_of(next);
                    let line_text = match error {
                        Some(error) => Err(error),
                        None => Ok(text.get(range.clone()).unwrap_or("")),
                    };
                    simulator.line(&mut worker, &mut simulation, line, line_text);
                    (worker, simulation)
                },
            )
            .map(|(_, simulation)| simulation)
            .reduce(
                || Simulation::new(d.tariffs.len(), compare),
                |mut a, b| {
                    a.merge(b);
                    a
                },
            );
        total.merge(part);
        lines += pending.len();
        pending.clear();
        buffer.clear();
        if let Some(bar) = &progress {
            bar.set_position(records.consumed);
        }
        if let Some(line) = stop {
            return reading::too_long(&args.familles, line);
        }
    }
    if let Some(e) = records.failed.take() {
        eprintln!(
            "erreur : {} : lecture interrompue ({})",
            reading::shown(&args.familles),
            super::io_french(&e)
        );
        return USAGE;
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let out = match format.as_str() {
        "json" => {
            let mut json = tarif::report::simulation::to_json(d, &tariffs, &total);
            json["deliberation"] = serde_json::json!({
                "numero": d.meta.number, "titre": d.meta.title, "empreinte": document.empreinte,
            });
            if let Some(old) = &before_document {
                json["avant"] = serde_json::json!({
                    "numero": old.deliberation.meta.number, "titre": old.deliberation.meta.title,
                    "empreinte": old.empreinte,
                });
            }
            json["lignes"] = serde_json::json!(lines);
            format!("{json:#}\n")
        }
        "xlsx" => {
            let (header, rows) = tarif::report::simulation::to_csv_rows(d, &tariffs, &total);
            let json = tarif::report::simulation::to_json(d, &tariffs, &total);
            let target = args.sortie.clone().unwrap_or_default();
            if let Err(e) = super::tableur::simulation_workbook(&header, &rows, &json, &target) {
                eprintln!("erreur : {} : écriture impossible ({e})", target.display());
                return USAGE;
            }
            String::new()
        }
        "csv" => {
            let (header, rows) = tarif::report::simulation::to_csv_rows(d, &tariffs, &total);
            // As Excel opens it (CRLF, a byte-order mark) when the families came from
            // Excel or with --excel; `;` and decimal commas always.
            let excel = excel || args.tableur.excel;
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(match excel {
                    true => csv::Terminator::CRLF,
                    false => csv::Terminator::Any(b'\n'),
                })
                .from_writer(Vec::new());
            let _ = writer.write_record(&header);
            for row in rows {
                let _ = writer.write_record(&row);
            }
            let text =
                String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default();
            match excel {
                true => format!("\u{feff}{text}"),
                false => text,
            }
        }
        _ => {
            let mut text = format!(
                "Simulation de « {} »{} sur {} ligne(s) de {}\n\n",
                d.meta.title,
                before_document.as_ref().map_or(String::new(), |o| format!(
                    ", comparée à « {} »",
                    o.deliberation.meta.title
                )),
                lines,
                reading::shown(&args.familles)
            );
            text.push_str(&tarif::report::simulation::to_text(d, &tariffs, &total));
            text
        }
    };
    match (&args.sortie, format.as_str()) {
        (_, "xlsx") => {}
        (Some(path), _) => {
            if let Err(status) = super::write_out(Some(path), out.as_bytes()) {
                return status;
            }
        }
        (None, _) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return USAGE;
            }
        }
    }
    eprintln!(
        "{lines} ligne(s) simulée(s) en {} s",
        format!("{:.2}", started.elapsed().as_secs_f64()).replace('.', ",")
    );
    SUCCESS
}
