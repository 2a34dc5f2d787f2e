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
    // `les annulations …`, `toute annulation …`, `tout mois …`, `en cas de retard …`:
    // the article, `tout`, and a few lead words are not what the line is about.
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
                    | "tout"
                    | "toute"
                    | "toutes"
                    | "pour"
            )
        })
        .unwrap_or(words.len());
    kind_of(&words[start..])
}

/// The kind of a line from its first words (lead words skipped).
fn kind_of(words: &[&str]) -> BillingLine {
    let first = words.first().copied().unwrap_or("");
    let second = words.get(1).copied().unwrap_or("");
    let stem = |prefixes: &[&str]| prefixes.iter().any(|p| first.starts_with(p));
    match first {
        // `absence justifiée : …` is a state; `absence signalée avant 9 h`, a deadline.
        "absence" | "absences"
            if second.starts_with("justifi")
                || second.starts_with("injustifi")
                || second == "non" =>
        {
            BillingLine::State
        }
        // `heures complémentaires`, `heures au-delà du contrat` (`heure`: a duration).
        "heures" => BillingLine::Overtime,
        // `tout mois commencé est dû`
        "mois" => BillingLine::MonthDue,
        // `au plus …`, `dans la limite de …`
        "au" | "dans" => BillingLine::Limit,
        "non" => BillingLine::State,
        _ if stem(&[
            "present", "absent", "annule", "reserve", "inscrit", "repas", "jour", "enfant",
        ]) =>
        {
            BillingLine::State
        }
        _ if stem(&[
            "annulation",
            "reservation",
            "inscription",
            "modification",
            "desinscription",
            "absence",
            "delai",
            "prevenir",
        ]) =>
        {
            BillingLine::Deadline
        }
        _ if stem(&["justificatif", "certificat", "attestation"]) => BillingLine::Proof,
        _ if stem(&["penalite", "frais", "amende", "majoration"]) => BillingLine::Charge,
        _ if stem(&[
            "plafond",
            "limite",
            "minimum",
            "montant",
            "maximum",
            "facturation",
        ]) =>
        {
            BillingLine::Limit
        }
        _ if stem(&["retard", "depart", "surfacturation", "sortie"]) => BillingLine::Late,
        _ if stem(&["duree", "temps", "heure", "demi-heure", "quart"]) => BillingLine::Duration,
        _ if stem(&["depassement", "supplement"]) => BillingLine::Overtime,
        _ if stem(&["forfait"]) => BillingLine::Forfait,
        _ if stem(&["lissage", "mensualisation", "mensualite", "acompte"]) => {
            BillingLine::Smoothing
        }
        _ if stem(&["arrondi"]) => BillingLine::Rounding,
        _ => BillingLine::Other,
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
            (
                "heures supplémentaires : tarif par heure",
                BillingLine::Overtime,
            ),
            (
                "absence justifiée : gratuit sauf maladie",
                BillingLine::State,
            ),
            ("au plus 60 € par mois", BillingLine::Limit),
            ("aucun repas n'est remboursé", BillingLine::Other),
            ("arrondi au centime, sur le total", BillingLine::Rounding),
            ("le goûter est offert", BillingLine::Other),
        ] {
            assert_eq!(kind(line), expected, "{line}");
        }
    }
}
