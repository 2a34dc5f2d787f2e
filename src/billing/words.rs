//! A day of an example written in words (`jour 02/10/2025 de « Léa » : présent,
//! réservé le 30/09/2025 à 18 h`), read into the day a portal's file would give.

use chrono::{NaiveDate, NaiveTime};

use super::days::{Day, Observed, Stamp, hour, observed, stamp};

/// Why the words of an example's day cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordsProblem {
    /// A part that says nothing known (`parti tôt`).
    NotUnderstood { part: String },
    /// `annulé le …`, `réservé le …`, `justificatif le …` without an instant.
    Instant { text: String },
    /// `présent de … à …`, `prévu de … à …` without two hours.
    Hours { part: String },
    /// Neither present, absent nor cancelled.
    NoPresence,
}

/// An instant of an example's day.
fn instant(text: &str) -> Result<Stamp, WordsProblem> {
    stamp(text).ok_or_else(|| WordsProblem::Instant {
        text: text.to_string(),
    })
}

/// A day of an `exemple`, from its words: `présent, réservé le 30/09/2025 à 18 h`,
/// `annulé le 25/09/2025 à 11 h`, `absent, justificatif le 08/10/2025 à 9 h`,
/// `présent de 16 h 30 à 18 h 10, prévu de 8 h 30 à 17 h 30`, `non réservé, présent`,
/// `service garderie` (when the deliberation bills several), or a state
/// (`absent justifié`). The error names the words not understood.
pub fn from_words(
    date: NaiveDate,
    child: Option<String>,
    words: &str,
) -> Result<Day, WordsProblem> {
    let mut day = Day {
        date: Some(date),
        child,
        ..Day::default()
    };
    for part in words.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let folded = crate::syntax::lines::fold(part);
        // Dates and hours are ASCII: read from the folded words (`à` is `a` there).
        let after = |prefix: &str| folded.strip_prefix(prefix).map(str::trim);
        let span_of = |rest: &str| -> Option<(NaiveTime, NaiveTime)> {
            let rest = crate::syntax::lines::fold(rest);
            let rest = rest.trim().strip_prefix("de ")?;
            let (from, to) = rest.split_once(" a ")?;
            Some((hour(from.trim())?, hour(to.trim())?))
        };
        if let Some(rest) = after("annule le ").or_else(|| after("annulee le ")) {
            day.cancelled_at = Some(instant(rest)?);
        } else if let Some(rest) = after("reserve le ").or_else(|| after("inscrit le ")) {
            day.booked_at = Some(instant(rest)?);
        } else if let Some(rest) = after("justificatif le ").or_else(|| after("certificat le ")) {
            day.proof_at = Some(instant(rest)?);
        } else if let Some(rest) = after("prevu ") {
            let (a, b) = span_of(rest).ok_or_else(|| WordsProblem::Hours {
                part: part.to_string(),
            })?;
            day.planned_arrival = Some(a);
            day.planned_departure = Some(b);
        } else if let Some(rest) = after("present ") {
            let (a, b) = span_of(rest).ok_or_else(|| WordsProblem::Hours {
                part: part.to_string(),
            })?;
            day.observed = Some(Observed::Present);
            day.arrival = Some(a);
            day.departure = Some(b);
        } else if folded.starts_with("service ") {
            // The service as the days files name it (`service garderie`, or its label).
            day.service = part
                .split_once(' ')
                .map(|(_, rest)| rest.trim().trim_matches(['«', '»', '"']).trim().to_string());
        } else if folded.starts_with("motif ") || folded.starts_with("pour ") {
            // The motive as written (`motif hospitalisation`, `pour fermeture`).
            day.motive = part
                .split_once(' ')
                .map(|(_, rest)| rest.trim().to_string());
        } else if matches!(folded.as_str(), "non reserve" | "sans reservation") {
            day.booked = Some(false);
        } else if let Some(observed) = observed(part) {
            match observed {
                Observed::Cancelled if day.cancelled_at.is_some() => {}
                other => day.observed = Some(other),
            }
        } else {
            return Err(WordsProblem::NotUnderstood {
                part: part.to_string(),
            });
        }
    }
    if day.observed.is_none() && day.cancelled_at.is_some() {
        day.observed = Some(Observed::Cancelled);
    }
    if day.observed.is_none() && day.present.is_none() {
        return Err(WordsProblem::NoPresence);
    }
    Ok(day)
}
