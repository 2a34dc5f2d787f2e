//! The deadlines of a règlement: when a reservation or a cancellation is in time, from
//! the day of the service (`48 h avant`, `la veille à 10 h`, `le jeudi à midi de la
//! semaine précédente`, `à minuit` the end of the day named).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar;
use crate::rules::ArticleId;

/// When a deadline falls, from the day of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moment {
    /// `48 h avant`: that many hours before the day begins.
    HoursBefore(u32),
    /// `2 jours avant (à 12 h)`: that many days before, at that hour or at 0 h
    /// (`à minuit`: at the end of that day).
    DaysBefore {
        days: u32,
        at: Option<NaiveTime>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        midnight: bool,
    },
    /// `2 jours ouvrés avant (à 12 h)`: that many working days before (Monday to
    /// Friday, or to Saturday for `ouvrables`, public holidays out), at that hour or
    /// at 0 h (`à minuit`: at the end of that day).
    WorkingDaysBefore {
        days: u32,
        at: Option<NaiveTime>,
        saturdays: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        midnight: bool,
    },
    /// `la veille (à 10 h)`: the day before, at that hour or at its end (midnight).
    Eve { at: Option<NaiveTime> },
    /// `le jour même à 9 h`.
    SameDay { at: NaiveTime },
    /// `le jeudi à 12 h de la semaine précédente`: that day of the week in `week`, at
    /// that hour or at its end.
    WeekdayBefore {
        weekday: Weekday,
        at: Option<NaiveTime>,
        week: Week,
    },
    /// `le 20 du mois précédent`: that day of the month before the service's, at that
    /// hour or at its end.
    MonthDayBefore { day: u32, at: Option<NaiveTime> },
}

impl Moment {
    /// The instant of the deadline for a service on `day`.
    pub fn instant(self, day: NaiveDate) -> NaiveDateTime {
        let start = |d: NaiveDate| d.and_time(NaiveTime::MIN);
        // An hour not written is the end of the day named: midnight after it.
        let at = |d: NaiveDate, time: Option<NaiveTime>| match time {
            Some(t) => d.and_time(t),
            None => start(d) + Duration::days(1),
        };
        // A deadline beyond the calendar (E078 refuses those over a year) is the
        // earliest day, never a panic.
        let back = |d: NaiveDate, days: u32| {
            d.checked_sub_signed(Duration::days(i64::from(days)))
                .unwrap_or(NaiveDate::MIN + Duration::days(1))
        };
        match self {
            Moment::HoursBefore(hours) => start(day)
                .checked_sub_signed(Duration::hours(i64::from(hours)))
                .unwrap_or(NaiveDateTime::MIN),
            Moment::DaysBefore {
                days,
                at: time,
                midnight,
            } => {
                let d = back(day, days);
                match time {
                    Some(t) => d.and_time(t),
                    None if midnight => at(d, None),
                    None => start(d),
                }
            }
            Moment::WorkingDaysBefore {
                days,
                at: time,
                saturdays,
                midnight,
            } => {
                let d = calendar::working_days_before(day, days, saturdays);
                match time {
                    Some(t) => d.and_time(t),
                    None if midnight => at(d, None),
                    None => start(d),
                }
            }
            Moment::Eve { at: time } => at(day - Duration::days(1), time),
            Moment::SameDay { at: time } => day.and_time(time),
            Moment::WeekdayBefore {
                weekday,
                at: time,
                week,
            } => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                let offset = i64::from(weekday.num_days_from_monday());
                let d = match week {
                    Week::Previous => monday - Duration::days(7 - offset),
                    Week::Same => monday + Duration::days(offset),
                    Week::LastBefore => {
                        let back =
                            (7 + i64::from(day.weekday().num_days_from_monday()) - offset - 1) % 7
                                + 1;
                        day - Duration::days(back)
                    }
                };
                at(d, time)
            }
            Moment::MonthDayBefore { day: n, at: time } => {
                let first = day.with_day(1).unwrap_or(day);
                let previous = first - Duration::days(1);
                let d = previous
                    .with_day(n.min(days_in_month(previous)))
                    .unwrap_or(previous);
                at(d, time)
            }
        }
    }

    /// Whether the deadline is beyond a year before the day (or names no day of a
    /// month): refused (E078).
    pub fn beyond_reason(self) -> bool {
        match self {
            Moment::HoursBefore(hours) => hours > 366 * 24,
            Moment::DaysBefore { days, .. } | Moment::WorkingDaysBefore { days, .. } => days > 366,
            Moment::MonthDayBefore { day, .. } => day == 0 || day > 31,
            Moment::Eve { .. } | Moment::SameDay { .. } | Moment::WeekdayBefore { .. } => false,
        }
    }

    /// The deadline in words, for justifications: « 48 h avant », « le jeudi à 12 h de
    /// la semaine précédente ».
    pub fn words(self) -> String {
        let clock = |t: NaiveTime| {
            use chrono::Timelike;
            match (t.hour(), t.minute()) {
                (12, 0) => "midi".to_string(),
                (h, 0) => format!("{h} h"),
                (h, m) => format!("{h} h {m:02}"),
            }
        };
        let at = |t: Option<NaiveTime>| t.map(|t| format!(" à {}", clock(t))).unwrap_or_default();
        let midnight = |m: bool| if m { " à minuit" } else { "" };
        match self {
            Moment::HoursBefore(h) => format!("{h} h avant le jour du service"),
            Moment::DaysBefore {
                days: 0,
                at: t,
                midnight: m,
            } => format!("le jour même{}{}", at(t), midnight(m)),
            Moment::DaysBefore {
                days,
                at: t,
                midnight: m,
            } => {
                format!(
                    "{days} jour{} avant{}{}",
                    if days > 1 { "s" } else { "" },
                    at(t),
                    midnight(m)
                )
            }
            Moment::WorkingDaysBefore {
                days,
                at: t,
                saturdays,
                midnight: m,
            } => {
                let plural = if days > 1 { "s" } else { "" };
                let kind = if saturdays { "ouvrable" } else { "ouvré" };
                format!(
                    "{days} jour{plural} {kind}{plural} avant{}{}",
                    at(t),
                    midnight(m)
                )
            }
            Moment::Eve { at: t } => format!("la veille{}", at(t)),
            Moment::SameDay { at: t } => format!("le jour même à {}", clock(t)),
            Moment::WeekdayBefore {
                weekday,
                at: t,
                week,
            } => {
                let day = weekday_name(weekday);
                match week {
                    Week::Previous => format!("le {day}{} de la semaine précédente", at(t)),
                    Week::Same => format!("le {day}{} de la même semaine", at(t)),
                    Week::LastBefore => format!("le {day} précédent{}", at(t)),
                }
            }
            Moment::MonthDayBefore { day, at: t } => {
                format!("le {day} du mois précédent{}", at(t))
            }
        }
    }
}

/// The week of a day of the week named in a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Week {
    /// `de la semaine précédente`, `pour la semaine suivante`.
    Previous,
    /// `de la même semaine`.
    Same,
    /// `le mardi précédent`: the last such day before the day of the service.
    LastBefore,
}

/// `lundi` … `dimanche`.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "lundi",
        Weekday::Tue => "mardi",
        Weekday::Wed => "mercredi",
        Weekday::Thu => "jeudi",
        Weekday::Fri => "vendredi",
        Weekday::Sat => "samedi",
        Weekday::Sun => "dimanche",
    }
}

/// The number of days of the month of `day`.
pub fn days_in_month(day: NaiveDate) -> u32 {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    u32::try_from((next - first).num_days()).unwrap_or(31)
}

/// A deadline of reservation or of cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub moment: Moment,
    /// `au plus tard` (the instant itself is in time), or `avant` (it is late).
    pub inclusive: bool,
    /// `pour le lundi et le mardi`: the days of the week it is for (every day when
    /// empty).
    #[serde(default)]
    pub days: Vec<Weekday>,
    pub article: ArticleId,
    pub line: usize,
}

impl Deadline {
    /// Whether `at` is in time for a service on `day`.
    pub fn in_time(&self, at: NaiveDateTime, day: NaiveDate) -> bool {
        let deadline = self.moment.instant(day);
        if self.inclusive {
            at <= deadline
        } else {
            at < deadline
        }
    }
}
