//! `tarif courbe`: a tariff's price drawn against one input, as SVG or as the CSV of the
//! points where the price changes.

use rust_decimal::Decimal;
use tarif::curve::{self, Labels, Request};
use tarif::rules::{InputId, Scope, ValueType};

use super::files;
use super::{SUCCESS, USAGE};

/// The input named `name`, a family's; the error names the inputs there are.
fn input(d: &tarif::Deliberation, name: &str, option: &str) -> Result<InputId, u8> {
    match d
        .inputs
        .iter()
        .position(|i| i.name == name && i.scope == Scope::Family)
    {
        Some(i) => Ok(InputId(i as u32)),
        None => {
            let names: Vec<&str> = d.inputs.iter().map(|i| i.name.as_str()).collect();
            eprintln!(
                "erreur : {option} {name} : aucune entrée « {name} » (entrées : {})",
                names.join(", ")
            );
            Err(USAGE)
        }
    }
}

fn number(text: &str, option: &str) -> Result<Decimal, u8> {
    tarif::inputs::parse_decimal(text).ok_or_else(|| {
        eprintln!("erreur : {option} {text} : un nombre, par exemple 1500 ou 1 500,50");
        USAGE
    })
}

pub fn run(args: &super::CourbeArgs) -> u8 {
    match draw(args) {
        Ok(()) => SUCCESS,
        Err(status) => status,
    }
}

fn draw(args: &super::CourbeArgs) -> Result<(), u8> {
    let document = files::document(&args.file)?;
    let d = &document.deliberation;
    let tariff = match &args.tarif {
        Some(name) => super::eval::tariff_indices(d, std::slice::from_ref(name))?
            .first()
            .copied()
            .ok_or(USAGE)?,
        None => 0,
    };
    let Some(t) = d.tariffs.get(tariff) else {
        eprintln!("erreur : cette délibération n'a aucun tarif");
        return Err(USAGE);
    };
    let key = match &args.selon {
        Some(name) => input(d, name, "--selon")?,
        None => curve::default_key(d).ok_or_else(|| {
            eprintln!("erreur : aucune entrée numérique à mettre en abscisse : donnez --selon");
            USAGE
        })?,
    };
    let by = args
        .par
        .as_deref()
        .map(|name| input(d, name, "--par"))
        .transpose()?;
    if let Some(by) = by
        && curve::by_values(d, by).is_empty()
    {
        eprintln!("erreur : --par : une entrée de type choix ou booléen");
        return Err(USAGE);
    }
    let mut read = match &args.famille {
        Some(path) => {
            let text = super::eval::read_family(path).map_err(|m| {
                eprintln!("erreur : {m}");
                USAGE
            })?;
            tarif::inputs::read_family(d, &text)
        }
        None => tarif::inputs::read_family(d, "{}"),
    };
    // The axis of the curve is the input being varied: that the base family does not
    // give it (`obligatoire`) is not an error.
    if let Some(axis) = d.inputs.get(key.0 as usize) {
        read.errors.retain(|e| {
            !(matches!(e.kind, tarif::inputs::FamilyErrorKind::Required) && e.field == axis.name)
        });
    }
    if !read.errors.is_empty() {
        for e in &read.errors {
            let m = tarif::report::messages::family_error(e);
            eprintln!("erreur [{}] : {}", m.code, m.text);
        }
        return Err(USAGE);
    }
    let given = super::eval::parse_given_date(args.date.as_deref())?;
    let date = given.or(read.family.date).unwrap_or(d.meta.applicable_from);
    read.at_date(d, date);
    let request = Request {
        tariff,
        key,
        from: number(&args.de, "--de")?,
        to: number(&args.a, "--a")?,
        by,
        base: &read.family,
        date,
    };
    if let Err(problem) = curve::check(d, &request) {
        eprintln!(
            "erreur : {}",
            tarif::report::messages::curve_problem(&problem)
        );
        return Err(USAGE);
    }
    let plan = tarif::eval::Plan::new(d);
    let mut session = tarif::eval::Session::on(&plan);
    let curves = curve::curves(d, &mut session, &request);
    if curves
        .iter()
        .all(|c| c.points.iter().all(|p| p.price.is_none()))
    {
        // Why: the base family's price, with its justification's error.
        let mut family = read.family.clone();
        family.set(
            key,
            Some(tarif::rules::Value::Number(request.from)),
            tarif::eval::trace::Provenance::Declared,
        );
        if let Err(e) = session.price(&family, date, tariff) {
            let m = tarif::report::messages::eval_error(&e);
            // A `choix` without default: one curve per value is likely what is wanted.
            let choices: Vec<String> = d
                .inputs
                .iter()
                .enumerate()
                .filter(|(n, i)| {
                    i.scope == Scope::Family
                        && matches!(i.ty, ValueType::Choice(_))
                        && i.default.is_none()
                        && by != Some(InputId(*n as u32))
                })
                .map(|(_, i)| format!("--par {}", i.name))
                .collect();
            let hint = match choices.is_empty() {
                true => String::new(),
                false => format!(", ou une courbe par valeur ({})", choices.join(", ")),
            };
            eprintln!(
                "erreur : « {} » ne se calcule pour aucune valeur : {} ; complétez la famille de base (--famille base.json){hint}",
                t.name, m.text
            );
        }
        return Err(USAGE);
    }
    let key_input = &d.inputs[key.0 as usize];
    let format = match (&args.format, &args.sortie) {
        (Some(f), _) => f.trim().to_lowercase(),
        (None, Some(path)) => path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("svg")
            .to_lowercase(),
        (None, None) => "svg".to_string(),
    };
    let by_name = by.map(|b| d.inputs[b.0 as usize].name.as_str());
    let text = match format.as_str() {
        "csv" => curve::to_csv(&curves, &key_input.name, &t.name, by_name, args.effort),
        "svg" | "png" => {
            let amount = matches!(key_input.ty, ValueType::Amount);
            let key_words = tarif::report::family::input_label(key_input);
            let key_label = match amount {
                true => format!("{key_words} (€)"),
                false => key_words.clone(),
            };
            let title = format!(
                "{} : {} selon {}",
                d.meta.title,
                tarif::report::family::tariff_label(t),
                tarif::report::wording::named(&key_words)
            );
            let labels = Labels {
                title: &title,
                key: &key_label,
                key_is_amount: amount,
                unit: &t.unit,
                effort: args.effort,
            };
            let failed = |problem: curve::CurveProblem| {
                eprintln!(
                    "erreur : {}",
                    tarif::report::messages::curve_problem(&problem)
                );
                USAGE
            };
            if format == "png" {
                let bytes = curve::to_png(&curves, &labels).map_err(failed)?;
                return super::write_out(args.sortie.as_deref(), &bytes);
            }
            curve::to_svg(&curves, &labels).map_err(failed)?
        }
        other => {
            eprintln!("erreur : format « {other} » : svg, png ou csv");
            return Err(USAGE);
        }
    };
    super::write_out(args.sortie.as_deref(), text.as_bytes())
}
