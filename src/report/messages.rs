//! The French wording and stable codes of evaluation errors and of what is wrong with a
//! family (the diagnostics of files are in `diagnostic/french.rs`).

use crate::eval::{EvalError, EvalErrorKind};
use crate::french;
use crate::inputs::{
    FamilyError, FamilyErrorKind, FamilyWarning, FamilyWarningKind, ProofExpected,
};
use crate::rules::ValueType;

/// A code and a French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub code: &'static str,
    pub text: String,
}

/// An evaluation error in French.
pub fn eval_error(error: &EvalError) -> Message {
    let text = match &error.kind {
        EvalErrorKind::Unknown { tariff, missing } if missing.is_empty() => {
            format!("le tarif « {tariff} » ne peut pas être calculé : une valeur manque")
        }
        EvalErrorKind::Unknown { tariff, missing } => format!(
            "le tarif « {tariff} » ne peut pas être calculé : {} manque",
            french::list_or(missing)
        ),
        EvalErrorKind::Undecidable { missing } => format!(
            "une condition ne peut pas être décidée : {} manque",
            if missing.is_empty() {
                "une valeur".to_string()
            } else {
                french::list_or(missing)
            }
        ),
        EvalErrorKind::NotApplicable { row } => {
            format!("la tranche « {row} » est sans objet (—) pour ce tarif")
        }
        EvalErrorKind::NoRow { key } => {
            format!("aucune ligne de la grille ne prend cette valeur de « {key} »")
        }
        EvalErrorKind::DivisionByZero => "division par zéro".to_string(),
        EvalErrorKind::RankUnknown { child, id, key } => {
            let id = id
                .as_ref()
                .map_or(String::new(), |id| format!(" (« {id} »)"));
            format!(
                "le rang des enfants ne peut pas être calculé : « {key} » manque pour le {} enfant{id}",
                french::ordinal(*child)
            )
        }
        EvalErrorKind::CountMismatch {
            name,
            given,
            counted,
        } => format!(
            "la famille donne « {name} » = {}, mais sa liste « enfants » en compte {} : corrigez l'un ou l'autre (ou ne donnez pas « {name} », qui se compte)",
            french::number(*given),
            french::number(*counted)
        ),
        EvalErrorKind::MissingRequired { input } => format!(
            "« {input} » est obligatoire : la famille ne peut pas être tarifée sans cette valeur"
        ),
        EvalErrorKind::OutOfBounds { input, low, high } => {
            format!("« {input} » doit être {}", bounds_text(*low, *high))
        }
        EvalErrorKind::NoTariff { index } => {
            format!("la délibération n'a pas de tarif n° {}", index + 1)
        }
        EvalErrorKind::Overflow => "nombre trop grand pour être calculé exactement".to_string(),
        EvalErrorKind::Negative { amount } => format!(
            "le prix devient négatif ({}) : un prix ne descend pas sous 0 €",
            french::amount(*amount)
        ),
        EvalErrorKind::OutsidePeriod { date, from, to } => match to {
            Some(to) => format!(
                "le {} est hors de la période d'application de la délibération (du {} au {})",
                french::date(*date),
                french::date(*from),
                french::date(*to)
            ),
            None => format!(
                "le {} est avant le début d'application de la délibération ({})",
                french::date(*date),
                french::date(*from)
            ),
        },
    };
    Message {
        code: error.kind.code(),
        text,
    }
}

/// What is wrong with a field of a family, in French.
pub fn family_error(error: &FamilyError) -> Message {
    let field = &error.field;
    let (code, text) = match &error.kind {
        FamilyErrorKind::NotJson { line, column } => (
            "E110",
            format!("la famille n'est pas du JSON lisible (ligne {line}, colonne {column})"),
        ),
        FamilyErrorKind::NotAnObject => (
            "E110",
            "la famille doit être un objet JSON : { \"nom\": valeur, … }".to_string(),
        ),
        FamilyErrorKind::WrongType { expected, choices } => (
            "E111",
            format!("« {field} » doit être {}", expected_text(expected, choices)),
        ),
        FamilyErrorKind::NotAChoice { value, allowed } => (
            "E112",
            format!(
                "« {field} » vaut « {value} », qui n'est pas une valeur possible : {}",
                french::list_or(allowed)
            ),
        ),
        FamilyErrorKind::Children { problem } => ("E128", children_text(field, problem)),
        FamilyErrorKind::Negative => ("E113", format!("« {field} » ne peut pas être négatif")),
        FamilyErrorKind::NotWhole => ("E114", format!("« {field} » doit être un nombre entier")),
        FamilyErrorKind::TooPrecise => (
            "E115",
            format!("« {field} » est un montant : au plus deux décimales"),
        ),
        FamilyErrorKind::OutOfBounds { low, high } => (
            "E118",
            format!("« {field} » doit être {}", bounds_text(*low, *high)),
        ),
        FamilyErrorKind::Required => (
            "E119",
            format!(
                "« {field} » est obligatoire : la famille ne peut pas être tarifée sans cette valeur"
            ),
        ),
        FamilyErrorKind::MalformedProof { expected } => (
            "E117",
            format!(
                "justificatif illisible : « {field} » devrait être {}",
                match expected {
                    ProofExpected::KnownShape =>
                        "une réponse connue d'API Particulier ou de la DGFIP (data…, quotientFamilial, rfr, revenuFiscalReference…)",
                    ProofExpected::Object => "un objet JSON",
                    ProofExpected::WholeNumber => "un nombre entier positif",
                    ProofExpected::Number => "un nombre positif",
                    ProofExpected::Text => "un texte",
                }
            ),
        ),
        FamilyErrorKind::ApiFailed { error, failure } => {
            use crate::eval::trace::ApiFailure;
            let what = match failure {
                ApiFailure::Retry => "l'appel a échoué pour un temps : réessayez plus tard",
                ApiFailure::Configuration => {
                    "la configuration du portail est en cause (jeton, droits ou paramètres de l'appel) : réessayer ne suffira pas"
                }
                ApiFailure::Unknown | ApiFailure::NotFound => {
                    "code d'erreur inconnu de tarif : l'appel est compté comme échoué"
                }
            };
            let provider = error
                .provider
                .as_ref()
                .map_or(String::new(), |p| format!(", fournisseur {p}"));
            let title = if error.title.is_empty() {
                String::new()
            } else {
                format!(" « {} »", error.title)
            };
            (
                "E127",
                format!(
                    "« {field} » : l'API a répondu une erreur (code {}{title}{provider}) ; la famille n'est pas tarifée, elle paierait sinon le tarif sans justificatif ; {what}",
                    error.code
                ),
            )
        }
        FamilyErrorKind::DuplicateKey { first } if first == field => (
            "E126",
            format!("« {field} » est donné deux fois : gardez une seule valeur"),
        ),
        FamilyErrorKind::DuplicateKey { first } => (
            "E126",
            format!("« {first} » et « {field} » donnent la même entrée : gardez-en une seule"),
        ),
        FamilyErrorKind::ShortYear { text, written } => (
            "E116",
            format!(
                "« {field} » : l'année de « {text} » n'a que deux chiffres : écrivez-la en entier (« {written} »)"
            ),
        ),
        FamilyErrorKind::ImpossibleDate { text } => (
            "E116",
            format!("« {field} » : la date « {text} » n'existe pas dans le calendrier"),
        ),
        FamilyErrorKind::NumberOutOfRange { text } => (
            "E125",
            format!(
                "« {field} » : le nombre « {text} » est trop grand ou a trop de décimales pour être calculé exactement (au plus 28 chiffres)"
            ),
        ),
        FamilyErrorKind::BadDate { text } => (
            "E116",
            format!("« {field} » : la date « {text} » ne se lit pas (AAAA-MM-JJ ou JJ/MM/AAAA)"),
        ),
    };
    Message { code, text }
}

/// Why a date of the service (`date`, `--date`, `?date=`) does not read, in French:
/// `la date « le 15 » ne se lit pas (AAAA-MM-JJ ou JJ/MM/AAAA)`, or for a year of
/// two digits `l'année de « 15/10/25 » n'a que deux chiffres : écrivez-la en entier
/// (« 15/10/2025 »)`.
pub fn date_problem(text: &str) -> String {
    match crate::inputs::date_error(text) {
        FamilyErrorKind::ShortYear { text, written } => format!(
            "l'année de « {text} » n'a que deux chiffres : écrivez-la en entier (« {written} »)"
        ),
        _ => format!("la date « {text} » ne se lit pas (AAAA-MM-JJ ou JJ/MM/AAAA)"),
    }
}

/// A doubt about a field of a family, in French.
pub fn family_warning(warning: &FamilyWarning) -> Message {
    let field = &warning.field;
    let (code, text) = match &warning.kind {
        FamilyWarningKind::UnknownKey {
            suggestion: Some(s),
        } => (
            "W101",
            format!(
                "« {field} » n'est pas une entrée de la délibération, ignoré (vouliez-vous dire « {s} » ?)"
            ),
        ),
        FamilyWarningKind::UnknownKey { suggestion: None } => (
            "W101",
            format!("« {field} » n'est pas une entrée de la délibération, ignoré"),
        ),
        FamilyWarningKind::NotCertified => (
            "W102",
            format!(
                "« {field} » devrait être certifié : la valeur donnée est utilisée, marquée « déclarée, non certifiée »"
            ),
        ),
        FamilyWarningKind::UnknownProof => (
            "W103",
            format!(
                "« {field} » n'est pas un justificatif connu, ignoré (justificatifs : api_particulier_qf, api_particulier_eaje, impot_particulier, avis_imposition)"
            ),
        ),
        FamilyWarningKind::CertifiedWins {
            declared,
            certified,
        } => (
            "W104",
            format!(
                "« {field} » : la valeur déclarée {declared} diffère de la valeur certifiée {certified}, qui est retenue"
            ),
        ),
        FamilyWarningKind::StaleQuotient { year, month } => (
            "W105",
            format!(
                "« {field} » : le quotient familial date de {month:02}/{year}, plus de 12 mois avant la date du service"
            ),
        ),
        FamilyWarningKind::ProviderUnknown => (
            "W107",
            format!(
                "« {field} » : la réponse de l'API n'a pas de « regime » (ancienne API, ou jeton limité au QF CAF) : on ne sait pas si la CAF ou la MSA a calculé le quotient, « {field} » est inconnu ; demandez une réponse qui donne le régime (API v3)"
            ),
        ),
        FamilyWarningKind::IncompleteBirthDates { unsure } => (
            "W109",
            format!(
                "« {field} » : {unsure} enfant(s) dont la date de naissance certifiée est incomplète (« 00 ») ne peuvent pas être dits mineurs à la date du service : comptés majeurs"
            ),
        ),
        FamilyWarningKind::ChildNotCertified { incomplete: true } => (
            "W110",
            format!(
                "« {field} » : la date de naissance que donne la CAF pour cet enfant est incomplète (« 00 ») : la date déclarée est utilisée, marquée « déclarée, non certifiée »"
            ),
        ),
        FamilyWarningKind::ChildNotCertified { incomplete: false } => (
            "W110",
            format!(
                "« {field} » : aucun enfant de la réponse de la CAF ne porte ces prénoms (donnez « prenoms » tels que la CAF les écrit) : la date déclarée est utilisée, marquée « déclarée, non certifiée »"
            ),
        ),
        FamilyWarningKind::TaxYearUnknown => (
            "W108",
            format!(
                "« {field} » ne dit pas l'année des revenus (ni annRevenu, ni anneeRevenus) : vérifiez que ce sont bien les revenus N-1 ou N-2"
            ),
        ),
        FamilyWarningKind::TaxYear { year, service_year } => (
            "W106",
            format!(
                "« {field} » : revenus {year}, alors qu'un service de {service_year} attend les revenus {} ou {}",
                service_year - 1,
                service_year - 2
            ),
        ),
    };
    Message { code, text }
}

fn expected_text(ty: &ValueType, choices: &[String]) -> String {
    match ty {
        ValueType::Amount => "un montant en euros (nombre ou texte « 612,50 »)".to_string(),
        ValueType::Rate => "un taux (nombre comme 0,3 ou texte « 30 % »)".to_string(),
        ValueType::Number => "un nombre".to_string(),
        ValueType::Boolean => "oui ou non (true ou false)".to_string(),
        ValueType::Date => "une date (AAAA-MM-JJ ou JJ/MM/AAAA)".to_string(),
        ValueType::Choice(_) => format!("une de ces valeurs : {}", french::list_or(choices)),
    }
}

/// `entre 0 et 150`, `au moins 1`, `au plus 150`.
fn bounds_text(low: Option<rust_decimal::Decimal>, high: Option<rust_decimal::Decimal>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("entre {} et {}", french::number(l), french::number(h)),
        (Some(l), None) => format!("au moins {}", french::number(l)),
        (None, Some(h)) => format!("au plus {}", french::number(h)),
        (None, None) => "une valeur permise".to_string(),
    }
}

/// The message of a misplaced `enfants` or child's input.
fn children_text(field: &str, problem: &crate::inputs::ChildrenProblem) -> String {
    use crate::inputs::ChildrenProblem as P;
    match problem {
        P::NotAList => {
            format!("« {field} » doit être une liste d'enfants : [{{ \"id\": \"E1\", … }}, …]")
        }
        P::NotAnObject => format!("« {field} » doit être un objet : {{ \"id\": \"E1\", … }}"),
        P::Empty => format!("« {field} » ne contient aucun enfant"),
        P::FamilyInput => format!(
            "« {field} » est une entrée de la famille : donnez-la une fois, hors de « enfants »"
        ),
        P::ChildInput => format!(
            "« {field} » est une entrée de chaque enfant : donnez-la dans chaque objet de « enfants »"
        ),
        P::Rank => format!(
            "« {field} » : le rang se calcule d'après la règle « rang des enfants » de la délibération, ne le donnez pas"
        ),
    }
}

/// Why a curve cannot be drawn, in French.
pub fn curve_problem(problem: &crate::curve::CurveProblem) -> String {
    use crate::curve::CurveProblem as P;
    match problem {
        P::UnknownInput => "entrée inconnue".to_string(),
        P::NotNumeric { input } => format!(
            "« {input} » n'est pas un nombre ni un montant : choisissez une autre entrée avec --selon"
        ),
        P::EmptyRange => "--a doit être plus grand que --de".to_string(),
        P::TooWide { from, to, most } => format!(
            "de {} à {} : au plus {} valeurs ; réduisez l'intervalle",
            french::number(*from),
            french::number(*to),
            french::number(rust_decimal::Decimal::from(*most))
        ),
        P::NothingPriced => "aucun prix ne se calcule sur cet intervalle".to_string(),
        P::Font => "police de caractères illisible".to_string(),
        P::Drawing(reason) => format!("dessin impossible ({reason})"),
    }
}
