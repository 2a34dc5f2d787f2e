//! `tarif test`: every `exemple` of every file, expected and obtained side by side when
//! they differ, and the table rows and modifiers no example reaches.

use std::fmt::Write as _;

use tarif::eval::examples::Expected;

use super::files;
use super::{FAILURE, SUCCESS};

pub fn run(args: &super::TestArgs) -> u8 {
    let paths = match files::deliberations(&args.files) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("erreur : {error}");
            return super::USAGE;
        }
    };
    let mut status = SUCCESS;
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    let mut out = String::new();
    for path in &paths {
        let document = match files::document(path) {
            Ok(document) => document,
            // Its diagnostics are printed: it is not tested.
            Err(_) => {
                status = FAILURE;
                broken += 1;
                continue;
            }
        };
        let d = &document.deliberation;
        let _ = writeln!(out, "{}", path.display());
        let (outcomes, coverage) = tarif::eval::examples::run(d);
        if outcomes.is_empty() {
            let _ = writeln!(out, "  aucun exemple");
        }
        for outcome in &outcomes {
            let Some(example) = d.examples.get(outcome.example) else {
                continue;
            };
            for check in &outcome.checks {
                let tariff = d.tariffs.get(check.tariff).map_or("", |t| t.name.as_str());
                let child = check
                    .child
                    .and_then(|c| example.children.get(c))
                    .map_or(String::new(), |c| format!(" de « {} »", c.name));
                let name = format!("{tariff}{child}");
                let expected = match &check.expected {
                    Expected::Amount(amount) => {
                        format!("= {}", tarif::report::justification::amount(*amount))
                    }
                    Expected::Error(None) => ": erreur".to_string(),
                    Expected::Error(Some(code)) => format!(": erreur {code}"),
                };
                if check.passed() {
                    passed += 1;
                    let _ = match &check.obtained {
                        Err(error) => {
                            let m = tarif::report::messages::eval_error(error);
                            writeln!(
                                out,
                                "  ✓ « {} » : {name} {expected} ({})",
                                example.name, m.text
                            )
                        }
                        Ok(_) => writeln!(out, "  ✓ « {} » : {name} {expected}", example.name),
                    };
                    continue;
                }
                failed += 1;
                status = FAILURE;
                let obtained = match &check.obtained {
                    Ok(amount) => {
                        format!("{name} = {}", tarif::report::justification::amount(*amount))
                    }
                    Err(error) => {
                        let m = tarif::report::messages::eval_error(error);
                        format!("erreur [{}] : {}", m.code, m.text)
                    }
                };
                let _ = writeln!(out, "  ✗ « {} » (ligne {})", example.name, check.line);
                let _ = writeln!(out, "      attendu : {name} {expected}");
                let _ = writeln!(out, "      obtenu  : {obtained}");
                for line in tarif::report::justification::lines(d, &check.justification.steps) {
                    let _ = writeln!(out, "        {line}");
                }
            }
            for check in &outcome.invoices {
                let mut what = match check.day {
                    None => "facture".to_string(),
                    Some(day) => format!("facture du {}", day.format("%d/%m/%Y")),
                };
                if let Some(child) = &check.child {
                    what.push_str(&format!(" de « {child} »"));
                }
                let expected = tarif::report::justification::amount(check.expected);
                if check.passed() {
                    passed += 1;
                    let _ = writeln!(out, "  ✓ « {} » : {what} = {expected}", example.name);
                    continue;
                }
                failed += 1;
                status = FAILURE;
                let obtained = match check.obtained {
                    Some(amount) => {
                        format!("{what} = {}", tarif::report::justification::amount(amount))
                    }
                    None => "pas de facture".to_string(),
                };
                let _ = writeln!(out, "  ✗ « {} » (ligne {})", example.name, check.line);
                let _ = writeln!(out, "      attendu : {what} = {expected}");
                let _ = writeln!(out, "      obtenu  : {obtained}");
                for line in check.problems.iter().chain(&check.lines) {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
        let rows: usize = d.tables.iter().map(|t| t.rows.len()).sum();
        let modifiers = tarif::eval::examples::modifier_lines(d).len();
        let _ = writeln!(
            out,
            "  couverture : {} tranche(s) sur {rows}, {} modificateur(s) sur {modifiers}",
            rows - coverage.rows.len(),
            modifiers - coverage.modifiers.len()
        );
        for (line, row) in &coverage.rows {
            let _ = writeln!(out, "    tranche non couverte, ligne {line} : « {row} »");
        }
        for line in &coverage.modifiers {
            let _ = writeln!(out, "    modificateur jamais appliqué, ligne {line}");
        }
        if !d.billing.is_empty() {
            let rules = tarif::eval::examples::billing_lines(d).len();
            let _ = writeln!(
                out,
                "  couverture de la facturation : {} règle(s) sur {rules}",
                rules - coverage.billing.len()
            );
            for line in &coverage.billing {
                let _ = writeln!(
                    out,
                    "    règle de facturation jamais utilisée, ligne {line}"
                );
            }
        }
    }
    match broken {
        0 => {
            let _ = writeln!(out, "{passed} exemple(s) réussi(s), {failed} échoué(s)");
        }
        _ if broken == paths.len() => {}
        _ => {
            let _ = writeln!(
                out,
                "{passed} exemple(s) réussi(s), {failed} échoué(s) ; {broken} délibération(s) \
                 non testée(s) car elles ont des erreurs"
            );
        }
    }
    if let Err(status) = super::print_out(&out) {
        return status;
    }
    status
}
