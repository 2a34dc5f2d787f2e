//! The French diagnostics of the règlements de facturation (kept apart from
//! `french.rs`).

use super::{Code, Diagnostic};
use crate::billing::{CountPeriod, DayState};
use crate::check::error::{BillingProblem as B, CheckError, CheckErrorKind as C};

/// `1er`, `7e`.
fn th(n: u32) -> String {
    if n == 1 {
        "1er".to_string()
    } else {
        format!("{n}e")
    }
}

/// « du 1er au 6e », « à partir du 7e », « le 3e », as a count is written.
fn days(range: (u32, Option<u32>)) -> String {
    match range {
        (from, None) => format!("à partir du {}", th(from)),
        (from, Some(to)) if from == to => format!("le {}", th(from)),
        (from, Some(to)) => format!("du {} au {}", th(from), th(to)),
    }
}

/// The days of a count as the règlement writes them: « à partir du 7e dans le mois »,
/// « pour une absence de 1 à 7 jours ».
fn counted(range: (u32, Option<u32>), p: Option<CountPeriod>) -> String {
    match p {
        Some(CountPeriod::AbsenceLength) => crate::billing::Count {
            from: range.0,
            to: range.1,
            period: CountPeriod::AbsenceLength,
        }
        .words(),
        _ => format!("{}{}", days(range), period(p)),
    }
}

/// What a count counts in, after its days.
fn period(period: Option<CountPeriod>) -> &'static str {
    match period {
        Some(CountPeriod::Absence) => " jour de l'absence",
        Some(CountPeriod::AbsenceCalendar) => " jour calendaire de l'absence",
        Some(CountPeriod::AbsenceLength) => " jour d'absence (longueur de l'absence)",
        Some(CountPeriod::Week) => " dans la semaine",
        Some(CountPeriod::Month) | None => " dans le mois",
    }
}

/// What a state usually costs, to propose a line.
fn proposal(state: DayState) -> &'static str {
    match state {
        DayState::AbsentJustified | DayState::CancelledInTime => "gratuit",
        _ => "tarif",
    }
}

/// The diagnostic of a finding about a règlement de facturation.
pub(crate) fn from_check(error: &CheckError) -> Diagnostic {
    let span = error.span;
    let C::Billing(problem) = &error.kind else {
        return Diagnostic::new(Code::E070, String::new(), span, String::new());
    };
    match problem {
        B::NotATariff { name, suggestion } => {
            let d = Diagnostic::new(
                Code::E070,
                format!("« {name} » n'est pas un tarif de la délibération"),
                span,
                "tarif inconnu".to_string(),
            );
            match suggestion {
                Some(s) => d.with_help(format!("vouliez-vous dire « {s} » ?")),
                None => d.with_help(
                    "une facturation porte sur un tarif déclaré par « tarif repas (par repas) » : écrivez son nom".to_string(),
                ),
            }
        }
        B::NoPrice {
            state,
            days: range,
            period: p,
        } => {
            let words = state.words();
            match range {
                None => Diagnostic::new(
                    Code::E071,
                    format!("un jour « {words} » n'a pas de prix"),
                    span,
                    format!("« {words} » manque dans cette facturation"),
                )
                .with_help(match state {
                    DayState::Unbooked => "un enfant peut venir sans réservation : dites ce que coûte ce jour, « présent sans réservation : 10,00 € », ou, si la réservation ne change rien, « présent, présent sans réservation : tarif »".to_string(),
                    _ => format!(
                        "un jour peut être « {words} » : dites ce qu'il coûte, par exemple « {words} : {} » (comme une grille, chaque cas a son prix)",
                        proposal(*state)
                    ),
                }),
                Some(range) => Diagnostic::new(
                    Code::E071,
                    format!(
                        "les jours « {words} » {} n'ont pas de prix",
                        counted(*range, *p)
                    ),
                    span,
                    "les jours comptés ne commencent pas tous ici".to_string(),
                )
                .with_help(format!(
                    "ajoutez leur prix : « {words}, {} : tarif », ou une ligne « {words} : tarif » pour les jours qu'aucun compte ne prend",
                    counted(*range, *p)
                )),
            }
        }
        B::TwoPrices {
            state,
            first,
            days: range,
        } => {
            let which = match range {
                None => String::new(),
                Some(range) => format!(" ({})", days(*range)),
            };
            Diagnostic::new(
                Code::E072,
                format!("deux prix pour les jours « {} »{which}", state.words()),
                span,
                "second prix".to_string(),
            )
            .with_label(*first, "premier prix".to_string())
            .with_help(
                "gardez une seule ligne pour ces jours, ou comptez-les sans chevauchement (« les 6 premiers dans le mois », « à partir du 7e dans le mois »)".to_string(),
            )
        }
        B::MixedPeriods { state } => Diagnostic::new(
            Code::E072,
            format!(
                "les jours « {} » sont comptés à la fois dans le mois et dans l'absence",
                state.words()
            ),
            span,
            "autre façon de compter".to_string(),
        )
        .with_help(
            "comptez les jours d'un même état d'une seule façon : « dans le mois » ou « de l'absence »".to_string(),
        ),
        B::CountWithoutPeriod => Diagnostic::new(
            Code::E073,
            "ce compte ne dit pas dans quelle période il compte".to_string(),
            span,
            "compté dans quoi ?".to_string(),
        )
        .with_help(
            "ajoutez la période : « à partir du 7e dans le mois », ou « les 2 premiers jours de l'absence »".to_string(),
        ),
        B::GivenTwice { what, first } => Diagnostic::new(
            Code::E074,
            format!("{what} est donné deux fois dans cette facturation"),
            span,
            "seconde règle".to_string(),
        )
        .with_label(*first, "première règle".to_string())
        .with_help(
            "gardez une seule des deux lignes ; deux délais pour des jours différents se distinguent ainsi : « annulation avant le jeudi à 10 h de la semaine précédente pour le lundi et le mardi »".to_string(),
        ),
        B::AmountInPercent => Diagnostic::new(
            Code::E075,
            "ce montant est un pourcentage : il faut un montant en euros".to_string(),
            span,
            "pourcentage".to_string(),
        )
        .with_help(
            "écrivez un montant (« 25 € ») ; pour un pourcentage du prix, écrivez « tarif majoré de 50 % »".to_string(),
        ),
        B::ChangeNotPercent => Diagnostic::new(
            Code::E075,
            "une majoration du prix unitaire s'écrit en pourcentage ou en euros".to_string(),
            span,
            "sans unité".to_string(),
        )
        .with_help(
            "écrivez « tarif majoré de 50 % » ou « tarif majoré de 1,00 € »".to_string(),
        ),
        B::SmoothingWithoutMonths { parts } => Diagnostic::new(
            Code::E076,
            "ce lissage ne dit pas sur quels mois il se paie".to_string(),
            span,
            "mois manquants".to_string(),
        )
        .with_help(format!(
            "nommez le premier et le dernier mois : « en {parts} mensualités de septembre à juin »"
        )),
        B::SmoothingMonths { parts, months } => Diagnostic::new(
            Code::E076,
            format!("{parts} mensualités, mais {months} mois de l'un à l'autre"),
            span,
            "mensualités et mois ne concordent pas".to_string(),
        )
        .with_help(format!(
            "écrivez autant de mensualités que de mois : « en {months} mensualités », ou corrigez le premier ou le dernier mois"
        )),
        B::BeyondReason { what } => Diagnostic::new(
            Code::E078,
            format!("{what} impossible"),
            span,
            "hors de mesure".to_string(),
        )
        .with_help(
            "un délai se compte en heures ou en jours d'au plus un an (« 48 h avant », « 8 jours avant »), un pas de temps en minutes (« par tranche de 15 minutes »)".to_string(),
        ),
        B::FactorNotInput { name, suggestion } => {
            let d = Diagnostic::new(
                Code::E077,
                format!("« {name} » n'est pas un nombre que la famille donne"),
                span,
                "facteur inconnu".to_string(),
            );
            match suggestion {
                Some(s) => d.with_help(format!("vouliez-vous dire « {s} » ?")),
                None => d.with_help(format!(
                    "un prix se multiplie par un nombre (« 2 × tarif ») ou par une entrée de la famille : déclarez « {name} : nombre » sous « entrées »"
                )),
            }
        }
        B::Unreachable { state, deadline } => Diagnostic::new(
            Code::W011,
            format!(
                "aucun jour ne peut être « {} » : la facturation ne donne pas {deadline}",
                state.words()
            ),
            span,
            "jamais utilisé".to_string(),
        )
        .with_help(match state {
            DayState::AbsentJustifiedLate => "ajoutez la limite du justificatif (« justificatif fourni sous 72 h, au plus tard 10 jours après ») ou retirez cette ligne".to_string(),
            DayState::LateBooking => "ajoutez le délai (« réservation au plus tard 48 h avant ») ou retirez cette ligne".to_string(),
            _ => "ajoutez le délai (« annulation au plus tard le jeudi à midi de la semaine précédente ») ou retirez cette ligne".to_string(),
        }),
    }
}
