//! The French diagnostics of `rang des enfants …` (kept apart from `french.rs`).

use super::{Code, Diagnostic};
use crate::check::error::{CheckError, CheckErrorKind as C, RankProblem};

/// The diagnostic of a finding about the ranking of the children.
pub(crate) fn from_check(error: &CheckError) -> Diagnostic {
    let span = error.span;
    match &error.kind {
        C::RankDeclared { ranking } => Diagnostic::new(
            Code::E027,
            "le rang des enfants est déjà donné par la règle « rang des enfants »".to_string(),
            span,
            "rang donné une seconde fois".to_string(),
        )
        .with_label(*ranking, "règle de rang des enfants".to_string())
        .with_help(
            "retirez cette ligne : le rang se calcule pour chaque enfant de la famille, le portail ne le donne plus"
                .to_string(),
        ),
        C::RankCycle { key, reader, at } => Diagnostic::new(
            Code::E042,
            format!("le rang des enfants dépend de « {key} », qui dépend lui-même du rang"),
            span,
            "rang calculé d'après le prix".to_string(),
        )
        .with_label(*at, format!("« {reader} » lit le rang"))
        .with_help(format!(
            "pour classer, « {key} » est pris avant les modificateurs qui lisent le rang ; son prix de base ne peut pas en dépendre : donnez-lui le prix du premier enfant et écrivez la dégressivité comme modificateurs (« {key} : réduction de 10 % si rang = 2 », ou « {key} : remplacé par prix_2e si rang = 2 » avec une colonne prix_2e), ou classez selon une autre valeur (la date de naissance)"
        )),
        C::RankKey { key, problem } => {
            let (message, help) = match problem {
                RankProblem::FamilyInput => (
                    format!("« {key} » est une entrée de la famille : elle est la même pour chaque enfant et ne les classe pas"),
                    format!("déclarez « {key} » sous « entrées de chaque enfant », ou classez selon une entrée de l'enfant ou un tarif"),
                ),
                RankProblem::NotChildValue => (
                    format!("« {key} » n'est ni une entrée de l'enfant ni un tarif"),
                    "classez selon une entrée déclarée sous « entrées de chaque enfant » (naissance : date), selon un tarif, ou dans l'ordre donné par la famille".to_string(),
                ),
                RankProblem::Direction { date: true } => (
                    format!("« {key} » est une date : les enfants se classent du plus âgé au plus jeune, ou du plus jeune au plus âgé"),
                    format!("écrivez : rang des enfants selon {key}, du plus âgé au plus jeune"),
                ),
                RankProblem::Direction { date: false } => (
                    format!("« {key} » est un prix : les enfants se classent du plus élevé au plus bas, ou du plus bas au plus élevé"),
                    format!("écrivez : rang des enfants selon le tarif {key}, du plus élevé au plus bas"),
                ),
                RankProblem::Type => (
                    format!("« {key} » n'est ni un nombre ni une date : il ne classe pas les enfants"),
                    "classez selon une date de naissance, un âge, un tarif, ou dans l'ordre donné par la famille".to_string(),
                ),
            };
            Diagnostic::new(Code::E043, message, span, "classement impossible".to_string())
                .with_help(help)
        }
        C::ExampleUnknownChild { name, known } => Diagnostic::new(
            Code::E053,
            format!("l'exemple n'a pas d'enfant « {name} »"),
            span,
            "enfant inconnu".to_string(),
        )
        .with_help(if known.is_empty() {
            format!("décrivez l'enfant dans l'exemple : enfant « {name} » : naissance = 12/03/2016")
        } else {
            let known: Vec<String> = known.iter().map(|k| format!("« {k} »")).collect();
            format!("les enfants de l'exemple sont {}", known.join(", "))
        }),
        C::SourceScope { source, child: true } => Diagnostic::new(
            Code::E025,
            format!("la source « {source} » donne une valeur de la famille, pas de chaque enfant"),
            span,
            "source de la famille".to_string(),
        )
        .with_help("déclarez cette entrée sous « entrées » (celles de la famille)".to_string()),
        C::SourceScope { source, child: false } => Diagnostic::new(
            Code::E025,
            format!("la source « {source} » donne la date de naissance de chaque enfant"),
            span,
            "source d'un enfant".to_string(),
        )
        .with_help("déclarez cette entrée sous « entrées de chaque enfant » : naissance : date, certifié CAF.date_naissance".to_string()),
        _ => Diagnostic::new(Code::E043, String::new(), span, String::new()),
    }
}

/// On a grid by rank that stops at the last rank written, the help of the gap: the last
/// row reads « et suivants ».
pub(crate) fn gap_help(key: &str, gap: &crate::check::error::Gap) -> Option<String> {
    match gap {
        crate::check::error::Gap::Steps {
            first, last: None, ..
        } if key == "rang" && *first > rust_decimal::Decimal::ONE => Some(format!(
            "le rang d'un enfant n'a pas de limite : écrivez la dernière ligne « {}e enfant et suivants »",
            first - rust_decimal::Decimal::ONE
        )),
        _ => None,
    }
}
