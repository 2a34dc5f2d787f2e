//! The French diagnostics of the règlements de facturation (kept apart from
//! `french.rs`).

use super::{Code, Diagnostic};
use crate::billing::{CountPeriod, DayState};
use crate::check::error::{BillingProblem as B, CheckError, CheckErrorKind as C};
use crate::syntax::error::BillingLine;

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
            format!(
                "{what} est {} deux fois dans cette facturation",
                if what.starts_with("la ") { "donnée" } else { "donné" }
            ),
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
        B::StepOfWhat { what, line } => Diagnostic::new(
            Code::E079,
            format!(
                "de quel temps ce pas est-il dû : du temps de présence, ou du temps que {what} facture (ligne {line}) ?"
            ),
            span,
            "pas de temps sans son objet".to_string(),
        )
        .with_help(format!(
            "pour {what}, mettez ces mots au bout de sa ligne (« retard après 19 h : 11 € par demi-heure, toute demi-heure engagée est due ») ; pour le temps de présence, écrivez « durée : » devant eux"
        )),
        B::MinimumWithoutStep => Diagnostic::new(
            Code::E080,
            "une présence minimale, mais la facturation ne compte pas le temps de présence".to_string(),
            span,
            "présence minimale sans durée".to_string(),
        )
        .with_help(
            "dites comment le temps se compte, sur une ligne « durée » (« durée par demi-heure engagée ») : la présence minimale s'y ajoute".to_string(),
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

/// The forms of a kind of line of a règlement de facturation, for the help of a line the
/// grammar refuses (each form is read by the grammar: see the test below).
pub(super) fn line_forms(kind: BillingLine) -> &'static str {
    match kind {
        BillingLine::State => {
            "une règle de facturation s'écrit « état : prix » : « absent justifié : gratuit », « annulé hors délai : tarif », « présent sans réservation : tarif + 1 € », « absent non justifié : tarif majoré de 50 % », « présent sans réservation : tarif exterieur » (un autre tarif de la délibération) ; un compte se place entre l'état et « : » (« absent justifié, le premier jour de l'absence : tarif », puis « absent justifié, à partir du 2e jour de l'absence : gratuit ») ; une exception (« sauf … ») s'écrit comme une règle de plus, sur sa propre ligne"
        }
        BillingLine::Deadline => {
            "un délai s'écrit « annulation au plus tard … » ou « réservation au plus tard … » : « annulation au plus tard la veille à 10 h », « annulation au plus tard 48 h avant », « annulation au plus tard le jeudi à midi de la semaine précédente », « réservation au plus tard le 20 du mois précédent », « annulation avant 9 h le jour même » ; ce que coûte un jour hors délai s'écrit sur une ligne de son état : « réservé hors délai : tarif + 1 € », « annulé hors délai : tarif »"
        }
        BillingLine::Proof => {
            "le délai d'un justificatif s'écrit « justificatif fourni sous 72 h » (ou « certificat médical dans un délai de 8 jours »), compté depuis le premier jour de l'absence ; « , au plus tard 10 jours après le premier jour d'absence » ajoute une limite après laquelle il n'est plus reçu"
        }
        BillingLine::Charge => {
            "une pénalité s'écrit « pénalité de 25 € par famille et par mois si réservé hors délai » (une fois par mois), ou « pénalité de 2 € par repas si présent sans réservation » (pour chaque jour de cet état)"
        }
        BillingLine::Limit => {
            "une limite du mois s'écrit « plafond de 60 € par mois et par enfant » (ou « dans la limite de 60 € par mois et par enfant »), « minimum de 5 € par mois et par enfant », aussi « par famille »"
        }
        BillingLine::Late => {
            "un retard s'écrit « retard après 19 h : 11 € par demi-heure engagée » (chaque demi-heure commencée), ou « retard après 18 h 30 : 10 € » (une fois par départ après 18 h 30)"
        }
        BillingLine::Duration => {
            "le temps d'un jour présent s'écrit « durée par demi-heure engagée, au moins 1 heure » (ou « durée au quart d'heure », « durée : toute demi-heure commencée est due ») ; le prix de l'état est celui d'un pas"
        }
        BillingLine::Overtime => {
            "le temps au-delà du contrat s'écrit « dépassement : 0,5 × tarif horaire par demi-heure engagée »"
        }
        BillingLine::Forfait => {
            "un forfait du mois s'écrit « forfait mensuel : tarif forfait_mercredis dès le 2e mercredi du mois », ou « forfait mensuel de 30 € dès le 2e jour du mois » ; « , tout mois commencé est dû » ou « , au prorata » à la fin de la ligne ; celui de la semaine, « forfait hebdomadaire de 40 € dès le 4e jour de présence dans la semaine »"
        }
        BillingLine::MonthDue => {
            "« tout mois commencé est dû » se dit d'un forfait, à la fin de sa ligne : « forfait mensuel : tarif forfait_mercredis dès le 1er mercredi du mois, tout mois commencé est dû »"
        }
        BillingLine::Smoothing => {
            "un lissage s'écrit « lissage : tarif annuel en 10 mensualités de septembre à juin » (les mois nommés, autant que de mensualités)"
        }
        BillingLine::Rounding => {
            "l'arrondi d'une facture s'écrit « arrondi du total au centime » (les lignes gardent leurs décimales) ou « arrondi de chaque ligne au centime inférieur » ; sans ligne, chaque ligne est arrondie au centime le plus proche"
        }
        BillingLine::Other => {
            "sous « facturation des … », chaque ligne est un délai (« annulation au plus tard la veille à 10 h »), un justificatif (« justificatif fourni sous 72 h »), le prix d'un état (« absent justifié : gratuit »), un temps (« durée par demi-heure engagée »), un retard, un forfait, un lissage, une limite du mois (« plafond de 60 € par mois et par enfant »), une pénalité ou l'arrondi ; un commentaire commence par « # »"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [BillingLine; 13] = [
        BillingLine::State,
        BillingLine::Deadline,
        BillingLine::Proof,
        BillingLine::Charge,
        BillingLine::Limit,
        BillingLine::Late,
        BillingLine::Duration,
        BillingLine::Overtime,
        BillingLine::Forfait,
        BillingLine::MonthDue,
        BillingLine::Smoothing,
        BillingLine::Rounding,
        BillingLine::Other,
    ];

    /// Every whole line a help shows (a quoted form with its first word, not a piece
    /// of one) is a line the grammar reads under a facturation.
    #[test]
    fn the_forms_a_help_shows_are_read() {
        let base = "délibération « Formes »\n  applicable du 01/09/2025 au 31/08/2026\n\narticle 1 « Prix »\n  tarif repas (par repas) = 4 €\n  tarif exterieur (par repas) = 6 €\n  tarif horaire (par heure) = 2 €\n  tarif forfait_mercredis (par mois) = 30 €\n  tarif annuel (par an) = 300 €\n\narticle 2 « Facturation »\n  facturation des repas\n";
        let mut seen = 0;
        for kind in KINDS {
            let help = line_forms(kind);
            for form in help.split('«').skip(1).filter_map(|s| s.split('»').next()) {
                let form = form.trim();
                let piece = form.starts_with([',', ':', '#'])
                    || form.contains('…')
                    || !form.contains(' ')
                    || ["tarif ", "par ", "tout mois", "sauf", "l'unité", "état :"]
                        .iter()
                        .any(|p| form.starts_with(p));
                if piece {
                    continue;
                }
                let source = format!("{base}  {form}\n");
                let compiled = crate::compile(&source);
                let refused: Vec<_> = compiled
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == Code::E001)
                    .collect();
                assert!(refused.is_empty(), "« {form} » is refused: {refused:?}");
                seen += 1;
            }
        }
        assert!(seen >= 30, "only {seen} forms checked");
    }
}
