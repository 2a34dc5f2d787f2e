//! What a line of a règlement de facturation that the grammar refuses means to say,
//! told by its first words: its E001 then shows the forms of that kind of line, not a
//! help about tariffs (« l'unité d'un tarif s'écrit entre parenthèses »).

use crate::syntax::error::BillingLine;
use crate::syntax::lines::fold;

/// The kind of `text`, a line under `facturation des …`.
pub(super) fn kind(text: &str) -> BillingLine {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '(' | '\'' | '’'))
        .filter(|w| !w.is_empty())
        .collect();
    // `les annulations …`, `toute annulation …`, `en cas de retard …`: the article,
    // `tout`, and a few lead words are not what the line is about.
    let start = words
        .iter()
        .position(|w| {
            !matches!(
                *w,
                "les"
                    | "le"
                    | "la"
                    | "l"
                    | "un"
                    | "une"
                    | "en"
                    | "cas"
                    | "de"
                    | "d"
                    | "du"
                    | "des"
                    | "toute"
                    | "toutes"
                    | "pour"
            )
        })
        .unwrap_or(0);
    let first = words.get(start).copied().unwrap_or("");
    // `tout mois commencé est dû`, `toute demi-heure commencée est due`.
    if matches!(words.first().copied(), Some("tout" | "toute")) {
        return match words.get(1).copied() {
            Some("mois") => BillingLine::MonthDue,
            Some("demi-heure" | "heure" | "quart" | "tranche") => BillingLine::Duration,
            _ => kind_of(first),
        };
    }
    kind_of(first)
}

fn kind_of(first: &str) -> BillingLine {
    let stem = |prefixes: &[&str]| prefixes.iter().any(|p| first.starts_with(p));
    if stem(&[
        "present", "absent", "annule", "reserve", "inscrit", "non", "repas", "jour", "journee",
        "enfant",
    ]) {
        BillingLine::State
    } else if stem(&[
        "annulation",
        "reservation",
        "inscription",
        "modification",
        "desinscription",
        "absence",
        "delai",
        "prevenir",
    ]) {
        BillingLine::Deadline
    } else if stem(&["justificatif", "certificat", "attestation"]) {
        BillingLine::Proof
    } else if stem(&["penalite", "frais", "amende", "majoration"]) {
        BillingLine::Charge
    } else if stem(&[
        "plafond",
        "plafonne",
        "limite",
        "dans",
        "minimum",
        "montant",
        "maximum",
        "facturation",
        "au",
    ]) {
        BillingLine::Limit
    } else if stem(&["retard", "depart", "surfacturation", "sortie"]) {
        BillingLine::Late
    } else if stem(&["duree", "temps", "heure", "demi-heure", "quart"]) {
        BillingLine::Duration
    } else if stem(&["depassement", "heures", "supplement"]) {
        BillingLine::Overtime
    } else if stem(&["forfait"]) {
        BillingLine::Forfait
    } else if stem(&["lissage", "mensualisation", "mensualite", "acompte"]) {
        BillingLine::Smoothing
    } else if stem(&["arrondi"]) {
        BillingLine::Rounding
    } else {
        BillingLine::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_told_by_their_first_words() {
        for (line, expected) in [
            (
                "absent justifié : gratuit sauf le premier jour",
                BillingLine::State,
            ),
            (
                "présent sans réservation : tarif majoré",
                BillingLine::State,
            ),
            ("les annulations se font la veille", BillingLine::Deadline),
            (
                "toute annulation doit être faite 48 h avant",
                BillingLine::Deadline,
            ),
            (
                "absence signalée avant 9 h le jour même",
                BillingLine::Deadline,
            ),
            (
                "inscription au-delà de 48 h avant : majoration de 1 €",
                BillingLine::Deadline,
            ),
            (
                "certificat médical à remettre au retour",
                BillingLine::Proof,
            ),
            (
                "pénalité pour inscription hors délai (par famille) : 25 €",
                BillingLine::Charge,
            ),
            ("dans la limite de 60 € par mois", BillingLine::Limit),
            (
                "en cas de retard après 19 h, 11 € par demi-heure",
                BillingLine::Late,
            ),
            (
                "toute demi-heure entamée sera facturée",
                BillingLine::Duration,
            ),
            ("tout mois commencé est dû", BillingLine::MonthDue),
            ("forfait de 30 € par mois", BillingLine::Forfait),
            ("mensualisation sur 11 mois", BillingLine::Smoothing),
            ("arrondi au centime, sur le total", BillingLine::Rounding),
            ("le goûter est offert", BillingLine::Other),
        ] {
            assert_eq!(kind(line), expected, "{line}");
        }
    }
}
