//! The days a règlement counts as working days: `jours ouvrés` (Monday to Friday) and
//! `jours ouvrables` (Monday to Saturday), the public holidays of France (Code du
//! travail, art. L3133-1) taken out. The two extra days of Alsace-Moselle (Good Friday,
//! 26 December) are not: a règlement of those départements says so in its own words.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday of `year` (the Gregorian computus of Meeus, Jones and Butcher).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Whether `day` is a public holiday in France: 1 January, Easter Monday, 1 and 8 May,
/// Ascension, Whit Monday, 14 July, 15 August, 1 and 11 November, 25 December.
fn public_holiday(day: NaiveDate) -> bool {
    let fixed = matches!(
        (day.month(), day.day()),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    fixed
        || easter(day.year()).is_some_and(|sunday| {
            [1, 39, 50]
                .iter()
                .any(|after| sunday + Duration::days(*after) == day)
        })
}

/// Whether `day` is a working day: not a Sunday, nor a Saturday for `jours ouvrés`,
/// nor a public holiday.
fn working(day: NaiveDate, saturdays: bool) -> bool {
    match day.weekday() {
        Weekday::Sun => false,
        Weekday::Sat if !saturdays => false,
        _ => !public_holiday(day),
    }
}

/// The working day `n` working days before `day`.
pub(super) fn working_days_before(day: NaiveDate, n: u32, saturdays: bool) -> NaiveDate {
    let mut d = day;
    let mut counted = 0;
    // A year holds far more working days than any délai; the bound keeps a wrong one
    // from looping.
    while counted < n && day - d < Duration::days(3660) {
        d -= Duration::days(1);
        if working(d, saturdays) {
            counted += 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_and_the_holidays_it_moves() {
        assert_eq!(easter(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter(2024), Some(date(2024, 3, 31)));
        assert!(public_holiday(date(2025, 4, 21))); // lundi de Pâques
        assert!(public_holiday(date(2025, 5, 29))); // Ascension
        assert!(public_holiday(date(2025, 6, 9))); // lundi de Pentecôte
        assert!(public_holiday(date(2025, 11, 11)));
        assert!(!public_holiday(date(2025, 4, 20)));
        assert!(!public_holiday(date(2025, 12, 26)));
    }

    #[test]
    fn working_days_are_counted_back_past_weekends_and_holidays() {
        // Monday 03/11/2025: two working days before are Thursday 30/10 (Saturday 1
        // November is a holiday, Friday 31/10 one working day).
        assert_eq!(
            working_days_before(date(2025, 11, 3), 2, false),
            date(2025, 10, 30)
        );
        // Jours ouvrables: Saturday counts, unless it is a holiday (1 November).
        assert_eq!(
            working_days_before(date(2025, 11, 3), 1, true),
            date(2025, 10, 31)
        );
        assert_eq!(
            working_days_before(date(2025, 10, 13), 1, true),
            date(2025, 10, 11)
        );
        // Friday 15/05/2026, the day after Ascension: the Wednesday before.
        assert_eq!(
            working_days_before(date(2026, 5, 15), 1, false),
            date(2026, 5, 13)
        );
    }
}
