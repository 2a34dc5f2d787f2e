//! The state of each day: read against the deadlines of reservation and of
//! cancellation, the document's delay, and the absence it belongs to.

use chrono::{Duration, NaiveDate, NaiveTime};

use super::days::{Observed, Stamp};
use super::invoice::{Found, LineProblem, Placed};
use super::{Billing, DayState};
use crate::report::justification::place;
use crate::rules::Deliberation;

/// The state of a day, how it was found; `None` for a day that bills nothing (not
/// reserved and absent).
pub(super) fn state(
    d: &Deliberation,
    billing: &Billing,
    p: &Placed<'_>,
    absence_start: Option<NaiveDate>,
    justify: bool,
) -> Result<Option<Found>, (&'static str, LineProblem)> {
    // The reason of the state, written only when the invoice is justified.
    let say = |words: &dyn Fn() -> String| if justify { vec![words()] } else { Vec::new() };
    let day = p.day;
    let date = p.date;
    if let Some(Observed::State(state)) = day.observed {
        return Ok(Some(Found {
            state,
            why: say(&|| {
                format!(
                    "{} : « {} », état donné par le portail",
                    crate::french::date(date),
                    state.words()
                )
            }),
        }));
    }
    let cancelled = day.cancelled_at.is_some() || day.observed == Some(Observed::Cancelled);
    let present = day.present.or(match day.observed {
        Some(Observed::Present) => Some(true),
        Some(Observed::Absent) | Some(Observed::Cancelled) => Some(false),
        _ if cancelled => Some(false),
        _ => None,
    });
    let booked = day.booked.unwrap_or(true);
    // The words of the day, written only for a justification.
    let on = if justify {
        crate::french::date(date)
    } else {
        String::new()
    };
    if cancelled && present == Some(true) {
        return Ok(Some(Found {
            state: DayState::Unbooked,
            why: say(&|| format!("{on} : réservation annulée, enfant présent")),
        }));
    }
    if cancelled {
        let Some(deadline) = Billing::deadline(&billing.cancel, date) else {
            let when = day
                .cancelled_at
                .map(|s| format!(" le {}", s.words()))
                .unwrap_or_default();
            return Ok(Some(Found {
                state: DayState::CancelledInTime,
                why: say(&|| {
                    format!(
                        "{on} : annulé{when} ; la facturation ne fixe pas de délai d'annulation ce jour-là"
                    )
                }),
            }));
        };
        let Some(at) = day.cancelled_at else {
            return Err(("annule_le", LineProblem::NoCancellationDate));
        };
        let instant = deadline.moment.instant(date);
        let limit = || deadline_words(d, deadline, instant);
        return match at.before(instant, deadline.inclusive) {
            Some(true) => Ok(Some(Found {
                state: DayState::CancelledInTime,
                why: say(&|| {
                    format!(
                        "{on} : annulé le {}, dans le délai ({})",
                        at.words(),
                        limit()
                    )
                }),
            })),
            Some(false) => Ok(Some(Found {
                state: DayState::CancelledLate,
                why: say(&|| {
                    format!(
                        "{on} : annulé le {}, après le délai ({})",
                        at.words(),
                        limit()
                    )
                }),
            })),
            None => Err((
                "annule_le",
                LineProblem::HourNeeded {
                    what: "l'annulation",
                    deadline: limit(),
                },
            )),
        };
    }
    let Some(present) = present else {
        return Err(("present", LineProblem::NoPresence));
    };
    if !booked {
        return Ok(present.then(|| Found {
            state: DayState::Unbooked,
            why: say(&|| format!("{on} : présent, sans réservation")),
        }));
    }
    if present {
        let late = match (Billing::deadline(&billing.booking, date), day.booked_at) {
            (Some(deadline), Some(at)) => {
                let instant = deadline.moment.instant(date);
                let limit = || deadline_words(d, deadline, instant);
                match at.before(instant, deadline.inclusive) {
                    Some(true) => Some((
                        false,
                        say(&|| {
                            format!(
                                "{on} : présent, réservé le {}, dans le délai ({})",
                                at.words(),
                                limit()
                            )
                        }),
                    )),
                    Some(false) => Some((
                        true,
                        say(&|| {
                            format!(
                                "{on} : présent, réservé le {}, après le délai ({})",
                                at.words(),
                                limit()
                            )
                        }),
                    )),
                    None => {
                        return Err((
                            "reserve_le",
                            LineProblem::HourNeeded {
                                what: "la réservation",
                                deadline: limit(),
                            },
                        ));
                    }
                }
            }
            _ => None,
        };
        return Ok(Some(match late {
            Some((true, why)) => Found {
                state: DayState::LateBooking,
                why,
            },
            Some((false, why)) => Found {
                state: DayState::Present,
                why,
            },
            None => Found {
                state: DayState::Present,
                why: say(&|| format!("{on} : réservé, présent")),
            },
        }));
    }
    // Reserved, absent, not cancelled.
    let start = absence_start.unwrap_or(date);
    // What the day's absence says beyond the day: when it began, its motive.
    let mut absence = if start == date || !justify {
        String::new()
    } else {
        format!(" (absence commencée le {})", crate::french::date(start))
    };
    // The motive the portal gave: it chose the rule (`pour éviction …`).
    if justify && let Some(motive) = &day.motive {
        absence.push_str(&format!(", motif « {motive} »"));
    }
    let Some(proof) = day.proof_at else {
        return Ok(Some(Found {
            state: DayState::AbsentUnjustified,
            why: say(&|| format!("{on} : réservé, absent{absence}, sans justificatif")),
        }));
    };
    let Some(delay) = billing.proof else {
        return Ok(Some(Found {
            state: DayState::AbsentJustified,
            why: say(&|| {
                format!(
                    "{on} : réservé, absent{absence}, justificatif reçu le {}",
                    proof.words()
                )
            }),
        }));
    };
    let from = start.and_time(NaiveTime::MIN);
    let within = from + Duration::hours(i64::from(delay.hours));
    let cite = place(d, delay.article, delay.line);
    let words = |limit: chrono::NaiveDateTime| Stamp::At(limit).words();
    match proof.before(within, true) {
        Some(true) => Ok(Some(Found {
            state: DayState::AbsentJustified,
            why: say(&|| {
                format!(
                    "{on} : réservé, absent{absence}, justificatif reçu le {}, dans le délai (au plus tard le {}, {cite})",
                    proof.words(),
                    words(within)
                )
            }),
        })),
        None => Err((
            "justificatif_le",
            LineProblem::HourNeeded {
                what: "le justificatif",
                deadline: format!("le {}, {cite}", words(within)),
            },
        )),
        Some(false) => {
            let late = delay.limit.map(|l| from + Duration::hours(i64::from(l)));
            match late.map(|limit| (limit, proof.before(limit, true))) {
                Some((limit, Some(true))) => Ok(Some(Found {
                    state: DayState::AbsentJustifiedLate,
                    why: say(&|| {
                        format!(
                            "{on} : réservé, absent{absence}, justificatif reçu le {}, après le délai (le {}) mais avant sa limite (le {}, {cite})",
                            proof.words(),
                            words(within),
                            words(limit)
                        )
                    }),
                })),
                Some((limit, None)) => Err((
                    "justificatif_le",
                    LineProblem::HourNeeded {
                        what: "le justificatif",
                        deadline: format!("le {}, {cite}", words(limit)),
                    },
                )),
                _ => Ok(Some(Found {
                    state: DayState::AbsentUnjustified,
                    why: say(&|| {
                        format!(
                            "{on} : réservé, absent{absence}, justificatif reçu le {}, trop tard (au plus tard le {}, {cite})",
                            proof.words(),
                            words(late.unwrap_or(within))
                        )
                    }),
                })),
            }
        }
    }
}

/// « le jeudi à midi de la semaine précédente, soit le 25/09/2025 à 12 h, art. 2,
/// ligne 27 ».
pub(super) fn deadline_words(
    d: &Deliberation,
    deadline: &super::Deadline,
    instant: chrono::NaiveDateTime,
) -> String {
    let how = if deadline.inclusive {
        "au plus tard"
    } else {
        "avant"
    };
    format!(
        "{how} {}, soit le {}, {}",
        deadline.moment.words(),
        Stamp::At(instant).words(),
        place(d, deadline.article, deadline.line)
    )
}

/// For each day where the child was expected and absent: the first day of its
/// absence and its number in it. An absence is a run of such days, one row of the
/// child after the other (the days without a row are no days of service for it),
/// covered by the same document (or by none) and of the same motive: a new
/// certificate, or another motive, is a new absence.
pub(super) fn absences(list: &[&Placed<'_>]) -> Vec<Option<(NaiveDate, u32, u32)>> {
    let mut out = Vec::with_capacity(list.len());
    let mut run: Option<(NaiveDate, u32, Option<Stamp>, Option<&str>)> = None;
    for p in list {
        let day = p.day;
        let absent = match day.observed {
            Some(Observed::State(s)) => s.absent(),
            Some(Observed::Absent) => day.cancelled_at.is_none() && day.present != Some(true),
            Some(Observed::Present) | Some(Observed::Cancelled) => false,
            None => {
                day.present == Some(false)
                    && day.cancelled_at.is_none()
                    && day.booked != Some(false)
            }
        };
        run = match (absent, run) {
            (true, Some((start, n, proof, motive)))
                if proof == day.proof_at
                    && match (motive, day.motive.as_deref()) {
                        (Some(a), Some(b)) => super::same_motive(a, b),
                        (a, b) => a == b,
                    } =>
            {
                Some((start, n + 1, proof, motive))
            }
            (true, _) => Some((p.date, 1, day.proof_at, day.motive.as_deref())),
            (false, _) => None,
        };
        out.push(run.filter(|_| absent).map(|(start, n, _, _)| (start, n, n)));
    }
    // The length of each absence, given to each of its days: its last number, carried
    // back from its last day.
    let mut length = 0;
    for day in out.iter_mut().rev() {
        match day {
            Some((_, n, whole)) => {
                if length == 0 {
                    length = *n;
                }
                *whole = length;
                // Its first day: the absence before it is another.
                if *n == 1 {
                    length = 0;
                }
            }
            None => length = 0,
        }
    }
    out
}
