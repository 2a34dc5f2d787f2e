//! Instants and hours as portals write them (`02/10/2025 à 11 h 30`,
//! `2025-10-09T10:30:00Z`), read at the commune's time: Europe/Paris, or the zone of
//! the outre-mer its `territoire` says.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

/// An instant given by a portal: with its hour, or a day alone (whose hour is not
/// known: it is compared with a deadline only when the day decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stamp {
    At(NaiveDateTime),
    Day(NaiveDate),
}

impl Stamp {
    /// `02/10/2025 à 11 h 30`, `02/10/2025`.
    pub fn words(self) -> String {
        use chrono::Timelike;
        match self {
            Stamp::At(t) if t.minute() == 0 => format!("{} à {} h", t.format("%d/%m/%Y"), t.hour()),
            Stamp::At(t) => format!(
                "{} à {} h {:02}",
                t.format("%d/%m/%Y"),
                t.hour(),
                t.minute()
            ),
            Stamp::Day(d) => d.format("%d/%m/%Y").to_string(),
        }
    }

    /// Whether this instant is before `deadline` (`inclusive`: or at it); `None` when
    /// a day without its hour falls on the deadline's day.
    pub fn before(self, deadline: NaiveDateTime, inclusive: bool) -> Option<bool> {
        match self {
            Stamp::At(t) => Some(if inclusive {
                t <= deadline
            } else {
                t < deadline
            }),
            Stamp::Day(d) => {
                let end_of_day = d.and_time(NaiveTime::MIN) + chrono::Duration::days(1);
                if end_of_day <= deadline {
                    Some(true)
                } else if d.and_time(NaiveTime::MIN) > deadline
                    || (!inclusive && d.and_time(NaiveTime::MIN) == deadline)
                {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }
}

/// An hour of the day: `07:45`, `7h45`, `7 h 45`, `18:30:00`, or the hour of an
/// instant (`2025-10-02T18:40`).
pub fn hour(text: &str) -> Option<NaiveTime> {
    hour_in(text, chrono_tz::Europe::Paris)
}

/// [`hour`], the hour of an instant with its offset read at the time of `zone`.
pub(super) fn hour_in(text: &str, zone: Tz) -> Option<NaiveTime> {
    if let Some(Stamp::At(at)) = stamp_in(text, zone) {
        return Some(at.time());
    }
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let shaped = text
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | 'h' | 'H' | ' '));
    if !shaped {
        return None;
    }
    match numbers.as_slice() {
        [h] => NaiveTime::from_hms_opt(*h, 0, 0),
        [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
        [h, m, s] => NaiveTime::from_hms_opt(*h, *m, *s),
        _ => None,
    }
}

/// An instant: `2025-10-02T11:30`, `2025-10-02 11:30:00`, `02/10/2025 11:30`,
/// `02/10/2025 à 11 h 30`, or a day alone.
pub fn stamp(text: &str) -> Option<Stamp> {
    stamp_in(text, chrono_tz::Europe::Paris)
}

/// [`stamp`], an instant given with its offset (`2025-10-02T07:30:00Z`,
/// `2025-10-02T09:30+02:00`, `…-04:00`) read at the time of `zone`: a portal that
/// writes its instants in UTC gives 07:30Z for a cancellation made at 9 h 30 in Paris,
/// which is after a deadline of 9 h. Without an offset, the time is the commune's.
pub fn stamp_in(text: &str, zone: Tz) -> Option<Stamp> {
    let text = text.trim();
    if let Some(day) = crate::inputs::parse_date(text) {
        return Some(Stamp::Day(day));
    }
    let cut = text.find(['T', ' '])?;
    let (day, rest) = text.split_at(cut);
    let day = crate::inputs::parse_date(day)?;
    let rest = rest.trim_start_matches(['T', ' ']).trim();
    let rest = rest.strip_prefix("à").map_or(rest, str::trim);
    let (rest, offset) = offset(rest)?;
    let numbers: Vec<u32> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let time = match numbers.as_slice() {
        [h] => NaiveTime::from_hms_opt(*h, 0, 0),
        [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
        [h, m, s] | [h, m, s, _] => NaiveTime::from_hms_opt(*h, *m, *s),
        _ => None,
    }?;
    let written = day.and_time(time);
    Some(Stamp::At(match offset {
        None => written,
        Some(seconds) => {
            use chrono::TimeZone;
            let utc = written - chrono::Duration::seconds(i64::from(seconds));
            zone.from_utc_datetime(&utc).naive_local()
        }
    }))
}

/// The time of an instant and its offset from UTC in seconds, when it gives one: `Z`,
/// `+02:00`, `+0200`, `-04`. `None` when what follows the sign is no offset.
fn offset(rest: &str) -> Option<(&str, Option<i32>)> {
    if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        return Some((time.trim_end(), Some(0)));
    }
    let Some(at) = rest.rfind(['+', '-']) else {
        return Some((rest, None));
    };
    let digits: String = rest[at + 1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    let sign = if rest[at..].starts_with('-') { -1 } else { 1 };
    Some((
        rest[..at].trim_end(),
        Some(sign * (hours * 3600 + minutes * 60)),
    ))
}

/// The time of the commune a deliberation is for: Europe/Paris, or the zone of the
/// outre-mer its `territoire`'s postal code says (971 Guadeloupe, 972 Martinique, 973
/// Guyane, 974 La Réunion, 975 Saint-Pierre-et-Miquelon, 976 Mayotte, 977
/// Saint-Barthélemy, 978 Saint-Martin, 986 Wallis-et-Futuna, 987 Polynésie française,
/// 988 Nouvelle-Calédonie).
pub fn zone(d: &crate::rules::Deliberation) -> Tz {
    use chrono_tz::{America, Indian, Pacific};
    // A document compiled before 2026-12-06 lists the keyword `territoire` first.
    let code = d
        .meta
        .territory
        .iter()
        .map(|(code, _)| code.trim())
        .find(|code| code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()));
    match code.and_then(|c| c.get(..3)) {
        Some("971") => America::Guadeloupe,
        Some("972") => America::Martinique,
        Some("973") => America::Cayenne,
        Some("974") => Indian::Reunion,
        Some("975") => America::Miquelon,
        Some("976") => Indian::Mayotte,
        Some("977") => America::St_Barthelemy,
        Some("978") => America::Marigot,
        Some("986") => Pacific::Wallis,
        Some("987") => Pacific::Tahiti,
        Some("988") => Pacific::Noumea,
        _ => chrono_tz::Europe::Paris,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An instant as read at the time of `zone`, written `2025-10-02 11:30` (a day
    /// alone `2025-10-02`, none `?`).
    fn read_at(text: &str, zone: Tz) -> String {
        match stamp_in(text, zone) {
            Some(Stamp::At(t)) => t.format("%Y-%m-%d %H:%M").to_string(),
            Some(Stamp::Day(d)) => d.to_string(),
            None => "?".to_string(),
        }
    }

    #[test]
    fn instants_as_portals_write_them() {
        for (text, read) in [
            ("2025-10-02T11:30", "2025-10-02 11:30"),
            ("2025-10-02 11:30:00", "2025-10-02 11:30"),
            ("02/10/2025 à 11 h 30", "2025-10-02 11:30"),
            ("02/10/2025 9h", "2025-10-02 09:00"),
            ("2025-10-02T11:30:00+02:00", "2025-10-02 11:30"),
            ("02/10/2025", "2025-10-02"),
            ("02/10/2025 25:00", "?"),
        ] {
            assert_eq!(read_at(text, chrono_tz::Europe::Paris), read, "{text}");
        }
    }

    #[test]
    fn an_instant_with_its_offset_is_read_at_the_communes_time() {
        use chrono_tz::{America, Europe, Indian};
        for (text, zone, read) in [
            // UTC (a portal in Java writes its instants so): summer time in October,
            // winter time from the last Sunday.
            ("2025-10-02T07:30:00Z", Europe::Paris, "2025-10-02 09:30"),
            (
                "2025-10-02T07:30:00.250Z",
                Europe::Paris,
                "2025-10-02 09:30",
            ),
            ("2025-11-03T07:30Z", Europe::Paris, "2025-11-03 08:30"),
            ("2025-10-01T22:30:00Z", Europe::Paris, "2025-10-02 00:30"),
            // The commune's own offset: as written.
            (
                "2025-10-02T09:30:00+02:00",
                Europe::Paris,
                "2025-10-02 09:30",
            ),
            (
                "2025-10-02T09:30:00+0200",
                Europe::Paris,
                "2025-10-02 09:30",
            ),
            ("2025-10-02 09:30 +02", Europe::Paris, "2025-10-02 09:30"),
            // Another offset, another commune.
            (
                "2025-10-02T05:30:00-04:00",
                Europe::Paris,
                "2025-10-02 11:30",
            ),
            (
                "2025-10-02T05:30:00-04:00",
                America::Guadeloupe,
                "2025-10-02 05:30",
            ),
            ("2025-10-02T07:30:00Z", Indian::Reunion, "2025-10-02 11:30"),
            // Without an offset, the commune's time whatever the zone.
            ("2025-10-02T09:30", Indian::Reunion, "2025-10-02 09:30"),
            // What is no offset is no instant.
            ("2025-10-02T09:30+2:0", Europe::Paris, "?"),
            ("2025-10-02T09:30-x", Europe::Paris, "?"),
        ] {
            assert_eq!(read_at(text, zone), read, "{text} in {zone}");
        }
        // An hour of arrival given as an instant.
        assert_eq!(
            hour_in("2025-10-02T16:40:00Z", Europe::Paris),
            NaiveTime::from_hms_opt(18, 40, 0)
        );
    }

    #[test]
    fn a_communes_time_is_said_by_its_territory() {
        let zone_of = |territory: &str| {
            let text = format!(
                "délibération « Fuseau »\n  applicable du 01/09/2025\n{territory}\narticle 1 « Prix »\n  tarif repas (par repas) = 3 €\n"
            );
            let document = crate::document::Document::from_source(&text).expect("valid");
            let d = &document.deliberation;
            (zone(d), d.meta.territory.clone())
        };
        let (paris, territory) = zone_of("  territoire 59223 Roncq");
        assert_eq!(paris, chrono_tz::Europe::Paris);
        // The entries only, never the keyword.
        assert_eq!(
            territory,
            [("59223".to_string(), Some("Roncq".to_string()))]
        );
        assert_eq!(zone_of("").0, chrono_tz::Europe::Paris);
        assert_eq!(
            zone_of("  territoire 97490 Sainte-Clotilde, 97400 Saint-Denis").0,
            chrono_tz::Indian::Reunion
        );
        assert_eq!(
            zone_of("  territoire 97300 Cayenne").0,
            chrono_tz::America::Cayenne
        );
        assert_eq!(
            zone_of("  territoire 98800 Nouméa").0,
            chrono_tz::Pacific::Noumea
        );
    }

    #[test]
    fn a_day_without_its_hour_is_compared_only_when_its_day_decides() {
        let deadline = NaiveDate::from_ymd_opt(2025, 10, 2)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("date");
        let day = |d| Stamp::Day(NaiveDate::from_ymd_opt(2025, 10, d).expect("date"));
        assert_eq!(day(1).before(deadline, true), Some(true));
        assert_eq!(day(2).before(deadline, true), None);
        assert_eq!(day(3).before(deadline, true), Some(false));
    }
}
