//! The règlement de facturation (LANGUAGE: `facturation des repas`): how the days of a
//! month — reserved, attended, cancelled, justified — become the lines of a family's
//! invoice. This module holds the checked rules ([`Billing`]); `invoice` reads the days
//! and writes the invoice.

pub mod batch;
mod calendar;
pub mod days;
mod deadline;
mod instant;
pub mod invoice;
mod json;
mod month;
mod place;
mod prices;
pub mod render;
pub mod rows;
mod state;
mod time;
mod words;

use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::rules::{ArticleId, Rounding};

pub use deadline::{Deadline, Moment, Week, days_in_month, weekday_name};

/// The state of one day of one child for one service, once its reservation, its
/// cancellation, the attendance and the documents are read against the deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DayState {
    /// Reserved in time and present.
    Present,
    /// Present, reserved after the booking deadline.
    LateBooking,
    /// Present without a reservation.
    Unbooked,
    /// Reserved, absent, with a document received in time.
    AbsentJustified,
    /// Reserved, absent, with a document received after the delay but before its
    /// limit (`justificatif sous 72 h, au plus tard 10 jours après`).
    AbsentJustifiedLate,
    /// Reserved, absent, without a document received in time.
    AbsentUnjustified,
    /// Reservation cancelled before the cancellation deadline.
    CancelledInTime,
    /// Reservation cancelled after the cancellation deadline.
    CancelledLate,
}

impl DayState {
    pub const ALL: [DayState; 8] = [
        DayState::Present,
        DayState::LateBooking,
        DayState::Unbooked,
        DayState::AbsentJustified,
        DayState::AbsentJustifiedLate,
        DayState::AbsentUnjustified,
        DayState::CancelledInTime,
        DayState::CancelledLate,
    ];

    /// Its place in [`DayState::ALL`].
    pub(crate) fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The words of the language (and of the invoice) for this state.
    pub fn words(self) -> &'static str {
        match self {
            DayState::Present => "présent",
            DayState::LateBooking => "réservé hors délai",
            DayState::Unbooked => "présent sans réservation",
            DayState::AbsentJustified => "absent justifié",
            DayState::AbsentJustifiedLate => "absent justifié hors délai",
            DayState::AbsentUnjustified => "absent non justifié",
            DayState::CancelledInTime => "annulé dans le délai",
            DayState::CancelledLate => "annulé hors délai",
        }
    }

    /// Reads a state as a portal or a règlement writes it (the words of every state are
    /// checked against `KEYS` by a unit test) (`absent justifié`,
    /// `annule_hors_delai`, `Présent sans réservation`).
    pub fn read(text: &str) -> Option<DayState> {
        let key = crate::syntax::choice_key(text);
        // The words of each state, without case nor accents (`choice_key` of `words`).
        const KEYS: [(&str, DayState); 8] = [
            ("present", DayState::Present),
            ("reserve hors delai", DayState::LateBooking),
            ("present sans reservation", DayState::Unbooked),
            ("absent justifie", DayState::AbsentJustified),
            ("absent justifie hors delai", DayState::AbsentJustifiedLate),
            ("absent non justifie", DayState::AbsentUnjustified),
            ("annule dans le delai", DayState::CancelledInTime),
            ("annule hors delai", DayState::CancelledLate),
        ];
        KEYS.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| *s)
            .or(match key.as_str() {
                "inscrit hors delai" | "present reserve hors delai" => Some(DayState::LateBooking),
                "present sans inscription" | "non reserve" | "present non reserve" => {
                    Some(DayState::Unbooked)
                }
                "absence justifiee" => Some(DayState::AbsentJustified),
                "absence justifiee hors delai" => Some(DayState::AbsentJustifiedLate),
                "absence non justifiee" | "absent injustifie" => Some(DayState::AbsentUnjustified),
                "annule dans les delais" => Some(DayState::CancelledInTime),
                "annule hors delais" | "annule apres le delai" => Some(DayState::CancelledLate),
                _ => None,
            })
    }

    /// Whether the child was absent that day (for the counts « de l'absence »).
    pub fn absent(self) -> bool {
        matches!(
            self,
            DayState::AbsentJustified | DayState::AbsentJustifiedLate | DayState::AbsentUnjustified
        )
    }
}

/// `justificatif fourni sous 72 h, au plus tard 10 jours après`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofDelay {
    pub hours: u32,
    /// After the delay and up to this, the absence is « justifiée hors délai ».
    #[serde(default)]
    pub limit: Option<u32>,
    pub article: ArticleId,
    pub line: usize,
}

/// Which days of a state a rule prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The first day counted (from 1).
    pub from: u32,
    /// The last, if any.
    pub to: Option<u32>,
    pub period: CountPeriod,
}

impl Count {
    pub fn contains(&self, n: u32) -> bool {
        n >= self.from && self.to.is_none_or(|to| n <= to)
    }

    /// « à partir du 7e dans le mois », « du 1er au 2e jour de l'absence ».
    pub fn words(&self) -> String {
        let th = |n: u32| {
            if n == 1 {
                "1er".to_string()
            } else {
                format!("{n}e")
            }
        };
        let range = match self.to {
            None => format!("à partir du {}", th(self.from)),
            Some(to) => format!("du {} au {}", th(self.from), th(to)),
        };
        match self.period {
            CountPeriod::Month => format!("{range} dans le mois"),
            CountPeriod::Week => format!("{range} dans la semaine"),
            CountPeriod::Absence => format!("{range} jour de l'absence"),
            CountPeriod::AbsenceCalendar => format!("{range} jour calendaire de l'absence"),
            CountPeriod::AbsenceLength => match (self.from, self.to) {
                (from, None) => format!("pour une absence d'au moins {from} jours"),
                (1, Some(to)) => format!(
                    "pour une absence de moins de {} jours",
                    to.saturating_add(1)
                ),
                (from, Some(to)) => format!("pour une absence de {from} à {to} jours"),
            },
        }
    }
}

/// What a count counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CountPeriod {
    /// The days of the month in that state, for the child.
    Month,
    /// The days of the week (Monday to Sunday) in that state, for the child; the days
    /// of the month before in the same week count.
    Week,
    /// The days of the child's absence, consecutive days of service.
    Absence,
    /// The days of the calendar from the first day of the child's absence
    /// (`4e jour calendaire`: the weekend counts).
    AbsenceCalendar,
    /// The length of the child's absence, in days of service: every day of it is
    /// counted as that length (`pour une absence de plus de 7 jours`).
    AbsenceLength,
}

/// What a day costs: the sum of its terms (none: free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Cost {
    pub terms: Vec<CostTerm>,
}

impl Cost {
    /// The cost with every term's sign turned: what a `déduction de …` takes off.
    pub fn negated(&self) -> Cost {
        let mut cost = self.clone();
        for term in &mut cost.terms {
            match term {
                CostTerm::Amount { negative, .. } | CostTerm::Unit { negative, .. } => {
                    *negative = !*negative;
                }
            }
        }
        cost
    }
}

/// One term of a cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CostTerm {
    /// `2 × tarif repas majoré de 50 %`: the unit price of `tariff` times `factor`
    /// (and the value of each input of `inputs`) times `1 + change`; `negative` when
    /// subtracted.
    Unit {
        tariff: usize,
        factor: Decimal,
        #[serde(default)]
        inputs: Vec<crate::rules::InputId>,
        change: Decimal,
        negative: bool,
    },
    /// `1,00 €`
    Amount { value: Decimal, negative: bool },
}

/// How a day is priced when it is in `state` (and its number in `count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateRule {
    pub state: DayState,
    /// `pour hospitalisation`: only for days of that motive (its words as written).
    #[serde(default)]
    pub motive: Option<String>,
    pub count: Option<Count>,
    /// Its terms already signed: a `déduction` takes the cost off.
    pub cost: Cost,
    #[serde(default)]
    pub deduction: bool,
    /// `par heure prévue`: the quantity is the hours planned that day.
    #[serde(default)]
    pub planned_hours: bool,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// `plafond de 60 € par mois et par enfant`, `minimum de 5 € …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// A cap (else a minimum).
    pub cap: bool,
    pub amount: Decimal,
    pub per_family: bool,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// `pénalité de 25 € par famille et par mois si réservé hors délai`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub amount: Decimal,
    pub per_family: bool,
    /// `pénalité de 3 € par repas si présent sans réservation`: the amount for each
    /// day in `when`, per child.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_day: bool,
    /// The states of which one day makes it due; every month invoiced when empty.
    pub when: Vec<DayState>,
    /// The words of the règlement (`pénalité pour inscription hors délai`).
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// `durée par demi-heure engagée, au moins 4 heures`: a day present is billed for its
/// time in steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// The step, in minutes (30 for `demi-heure`).
    pub step: u32,
    /// A step begun is due (else only whole steps).
    pub begun: bool,
    /// The least time billed, in minutes.
    pub minimum: Option<u32>,
    pub article: ArticleId,
    pub line: usize,
}

impl Timing {
    /// The steps billed for `minutes` of presence (the minimum applied first).
    pub fn steps(self, minutes: i64) -> i64 {
        let minutes = minutes.max(i64::from(self.minimum.unwrap_or(0))).max(0);
        let step = i64::from(self.step.max(1));
        if self.begun {
            (minutes + step - 1) / step
        } else {
            minutes / step
        }
    }
}

/// The words of a step of time: `demi-heure`, `heure`, `quart d'heure`, `minute`.
pub fn step_words(minutes: u32) -> String {
    match minutes {
        0 => "retard".to_string(),
        30 => "demi-heure".to_string(),
        60 => "heure".to_string(),
        15 => "quart d'heure".to_string(),
        1 => "minute".to_string(),
        n if n % 60 == 0 => format!("{} heures", n / 60),
        n => format!("{n} minutes"),
    }
}

/// The words of `n` steps of time: `demi-heure`, `4 demi-heures` (without the number).
pub fn steps_words(minutes: u32, n: i64) -> String {
    let one = step_words(minutes);
    if n <= 1 {
        return one;
    }
    match minutes {
        15 => "quarts d'heure".to_string(),
        0 | 30 | 60 | 1 => format!("{one}s"),
        _ => one,
    }
}

/// `forfait mensuel : tarif forfait dès le 2e jour de présence dans le mois`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forfait {
    pub cost: Cost,
    /// The days present from which the month is the forfait's (1: any).
    pub from: u32,
    /// `au prorata`: the part of the month from the first day present.
    pub prorata: bool,
    /// `forfait hebdomadaire`: each week (Monday to Sunday) of the month, its days in
    /// the month, is the forfait's from `from` days present in it.
    #[serde(default)]
    pub week: bool,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// `lissage : tarif … en 10 mensualités de septembre à juin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smoothing {
    /// The amount of the year.
    pub cost: Cost,
    pub parts: u32,
    /// The first and last months (1 to 12), the last possibly before the first (from
    /// September to June).
    pub months: (u32, u32),
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

impl Smoothing {
    /// The number of a month among the months of the smoothing (from 1), if it is one.
    pub fn part(&self, month: u32) -> Option<u32> {
        let (first, last) = self.months;
        let n = (month + 12 - first) % 12 + 1;
        let count = (last + 12 - first) % 12 + 1;
        (n <= count).then_some(n)
    }

    /// The number of months from the first to the last.
    pub fn month_count(months: (u32, u32)) -> u32 {
        (months.1 + 12 - months.0) % 12 + 1
    }
}

/// `dépassement : 0,5 × tarif horaire par demi-heure engagée`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overtime {
    pub cost: Cost,
    pub step: u32,
    pub begun: bool,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// `retard après 19 h : 11,00 € par demi-heure engagée`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Late {
    pub after: NaiveTime,
    /// `à partir de 18 h 45`: a departure at that hour is late too (a fee once for each
    /// late departure; by steps, the time past the hour is nothing yet).
    #[serde(default)]
    pub inclusive: bool,
    /// The price of one step.
    pub cost: Cost,
    /// Minutes of a step; 0 for once for each late departure (`retard après 18 h 30 :
    /// 10,00 €`).
    pub step: u32,
    pub begun: bool,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// Where the amounts of an invoice are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRounding {
    /// Each line (else the total only).
    pub each_line: bool,
    pub mode: Rounding,
    /// Where the facturation says it; `None`: the default, each line to the nearest
    /// cent.
    pub line: Option<usize>,
}

impl Default for LineRounding {
    fn default() -> Self {
        LineRounding {
            each_line: true,
            mode: Rounding::Nearest(Decimal::new(1, 2)),
            line: None,
        }
    }
}

/// `facturation des repas`: the règlement that bills the days of one tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// The tariff whose days are billed (its name is the `service` of a day).
    pub tariff: usize,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
    /// The deadlines of reservation, each for its days of the week.
    pub booking: Vec<Deadline>,
    pub cancel: Vec<Deadline>,
    pub proof: Option<ProofDelay>,
    pub states: Vec<StateRule>,
    pub limits: Vec<Limit>,
    pub charges: Vec<Charge>,
    pub rounding: LineRounding,
    /// A day present billed for its time.
    #[serde(default)]
    pub timing: Option<Timing>,
    /// Departures after an hour, billed apart.
    #[serde(default)]
    pub late: Vec<Late>,
    /// Time beyond the hours planned, billed apart.
    #[serde(default)]
    pub overtime: Vec<Overtime>,
    #[serde(default)]
    pub forfait: Option<Forfait>,
    #[serde(default)]
    pub smoothing: Option<Smoothing>,
}

impl Billing {
    /// The states a day can reach under these deadlines: a cancellation is late only
    /// against a deadline, and so is a reservation.
    pub fn reachable(&self) -> Vec<DayState> {
        DayState::ALL
            .into_iter()
            .filter(|s| match s {
                DayState::LateBooking => !self.booking.is_empty(),
                DayState::CancelledLate => !self.cancel.is_empty(),
                DayState::AbsentJustifiedLate => self.proof.is_some_and(|p| p.limit.is_some()),
                _ => true,
            })
            .collect()
    }

    /// The deadline of `deadlines` for a service on `day`, if any.
    pub fn deadline(deadlines: &[Deadline], day: NaiveDate) -> Option<&Deadline> {
        deadlines
            .iter()
            .find(|d| d.days.is_empty() || d.days.contains(&day.weekday()))
    }

    /// The rule that prices a day of `state`: the rules of its motive first (`pour
    /// hospitalisation`), then the others; of those, the one whose count holds the
    /// day's number, else the one without count.
    pub fn rule(
        &self,
        state: DayState,
        at: DayNumbers,
        motive: Option<&str>,
    ) -> Option<&StateRule> {
        if let Some(motive) = motive.and_then(|m| self.designated_motive(m)) {
            let rules = self.states.iter().filter(|r| {
                r.state == state && r.motive.as_deref().is_some_and(|m| same_motive(m, motive))
            });
            if let Some(rule) = Self::counted(rules, at) {
                return Some(rule);
            }
        }
        let rules = self
            .states
            .iter()
            .filter(|r| r.state == state && r.motive.is_none());
        Self::counted(rules, at)
    }

    /// The motive of the rules a day's motive names: the same words; else the one
    /// motive whose words begin with the day's, or begin the day's (a portal's
    /// `éviction` names `pour éviction par le médecin de la crèche`, its `fermeture de
    /// la crèche` names `pour fermeture`). Two such motives, and none is the same: none
    /// (the day takes the rules without motive, as a motive no rule names).
    pub(crate) fn designated_motive<'a>(&'a self, day: &str) -> Option<&'a str> {
        let motives = || self.states.iter().filter_map(|r| r.motive.as_deref());
        if let Some(same) = motives().find(|m| same_motive(m, day)) {
            return Some(same);
        }
        let day_words = motive_words(day);
        let mut found: Option<&str> = None;
        for motive in motives() {
            let words = motive_words(motive);
            let (short, long) = if words.len() <= day_words.len() {
                (&words, &day_words)
            } else {
                (&day_words, &words)
            };
            if short.is_empty() || long[..short.len()] != short[..] {
                continue;
            }
            match found {
                Some(other) if !same_motive(other, motive) => return None,
                _ => found = Some(motive),
            }
        }
        found
    }

    fn counted<'a>(
        rules: impl Iterator<Item = &'a StateRule>,
        at: DayNumbers,
    ) -> Option<&'a StateRule> {
        let mut fallback = None;
        for rule in rules {
            match rule.count {
                None => fallback = fallback.or(Some(rule)),
                Some(count) => {
                    let n = match count.period {
                        CountPeriod::Month => at.month,
                        CountPeriod::Week => at.week,
                        CountPeriod::Absence => at.absence,
                        CountPeriod::AbsenceCalendar => at.calendar,
                        CountPeriod::AbsenceLength => at.length,
                    };
                    if count.contains(n) {
                        return Some(rule);
                    }
                }
            }
        }
        fallback
    }
}

/// The number of a day among the days of its state in the month, of its absence, and
/// of the calendar days since its absence began (0 when it is no absence).
#[derive(Debug, Clone, Copy, Default)]
pub struct DayNumbers {
    pub month: u32,
    /// Its number among the days of its state in its week (Monday to Sunday).
    pub week: u32,
    pub absence: u32,
    pub calendar: u32,
    /// The days of service of the whole absence.
    pub length: u32,
}

/// Whether a rule's motive (`hospitalisation`) is a day's (`Hospitalisation`): the same
/// words, accents and case aside (`hospitalisation de l'enfant` is not the same; see
/// [`Billing::designated_motive`] for a day's motive that begins a rule's).
pub(crate) fn same_motive(rule: &str, day: &str) -> bool {
    motive_words(rule) == motive_words(day)
}

/// The words of a motive, accents and case aside (`l'enfant`: `l`, `enfant`).
fn motive_words(motive: &str) -> Vec<String> {
    crate::syntax::lines::fold(motive.trim())
        .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The billings of each facturation, in order: `facturation de la journee et de la
/// demi_journee` bills two tariffs by the same rules, and its month is one (a cap of
/// 150 € a month is of both tariffs' days together, a charge once, the total rounded
/// once).
pub(crate) fn facturations(d: &crate::rules::Deliberation) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (b, billing) in d.billing.iter().enumerate() {
        let same = |other: &usize| {
            d.billing
                .get(*other)
                .is_some_and(|o| o.article == billing.article && o.line == billing.line)
        };
        match groups.last_mut() {
            Some(group) if group.first().is_some_and(same) => group.push(b),
            _ => groups.push(vec![b]),
        }
    }
    groups
}

/// A tariff priced per unit of time (`par heure`) billed in other steps (`durée par
/// demi-heure`, `dépassement … par quart d'heure`, `par heure prévue`) is billed for
/// the step: `tarif garderie` of 2,40 € an hour is 1,20 € a half-hour, written
/// `0,5 × tarif garderie`. Billed whole, each half-hour cost the hour. A price written
/// with another factor is the price of a step, as written (`0,5 × tarif horaire par
/// demi-heure` already is). Done when a deliberation is checked, and again when a
/// compiled document is read (one written before did not): a price it has made is
/// left as it is.
pub(crate) fn per_step(d: &mut crate::rules::Deliberation) {
    let units: Vec<Option<u32>> = d
        .tariffs
        .iter()
        .map(|t| time_unit_minutes(&t.unit))
        .collect();
    let prorate = |cost: &mut Cost, step: u32| {
        for term in &mut cost.terms {
            if let CostTerm::Unit { tariff, factor, .. } = term
                && *factor == Decimal::ONE
                && let Some(Some(unit)) = units.get(*tariff)
                && *unit != step
                && step > 0
            {
                *factor = (Decimal::from(step) / Decimal::from(*unit)).normalize();
            }
        }
    };
    for billing in &mut d.billing {
        let timing = billing.timing.map(|t| t.step);
        for rule in &mut billing.states {
            let present = matches!(
                rule.state,
                DayState::Present | DayState::LateBooking | DayState::Unbooked
            );
            match (rule.planned_hours, timing) {
                (true, _) => prorate(&mut rule.cost, 60),
                (false, Some(step)) if present => prorate(&mut rule.cost, step),
                _ => {}
            }
        }
        for overtime in &mut billing.overtime {
            prorate(&mut overtime.cost, overtime.step);
        }
        for late in &mut billing.late {
            prorate(&mut late.cost, late.step);
        }
    }
}

/// The minutes of a tariff's unit when it is a time: `heure`, `heure d'accueil` (60),
/// `demi-heure` (30), `quart d'heure` (15), `minute`, `10 minutes`; else `None`.
pub(crate) fn time_unit_minutes(unit: &str) -> Option<u32> {
    let folded = crate::syntax::lines::fold(unit.trim());
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == '-' || c == '\'')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        ["heure" | "heures", ..] => Some(60),
        ["demi", "heure" | "heures", ..] => Some(30),
        ["quart", "d", "heure", ..] => Some(15),
        ["minute" | "minutes", ..] => Some(1),
        [n, "minute" | "minutes" | "min", ..] => n.parse().ok().filter(|n| *n > 0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::DayState;

    #[test]
    fn a_days_motive_names_the_rule_whose_words_it_begins_or_that_begin_it() {
        let source = "délibération « Motifs »\n  applicable du 01/01/2025 au 31/12/2025\n\narticle 1 « Prix »\n  tarif horaire (par heure) = 2 €\n\narticle 2 « Contrat »\n  facturation de l'horaire\n  présent, présent sans réservation : tarif\n  absent : gratuit\n  annulé : gratuit\n  absent pour éviction par le médecin de la crèche : déduction de tarif horaire par heure prévue\n  absent pour fermeture : déduction de tarif horaire par heure prévue\n  absent pour maladie contagieuse : déduction de tarif horaire par heure prévue\n  absent pour maladie grave : déduction de tarif horaire par heure prévue\n";
        let d = crate::compile(source).deliberation.expect("valid");
        let billing = &d.billing[0];
        for (day, rule) in [
            ("Éviction", Some("éviction par le médecin de la crèche")),
            (
                "éviction par le médecin de la crèche",
                Some("éviction par le médecin de la crèche"),
            ),
            ("fermeture de la crèche", Some("fermeture")),
            ("FERMETURE", Some("fermeture")),
            ("maladie contagieuse", Some("maladie contagieuse")),
            // Two rules begin with « maladie »: neither is chosen.
            ("maladie", None),
            ("convenance personnelle", None),
            ("fermé", None),
        ] {
            assert_eq!(billing.designated_motive(day), rule, "{day}");
        }
    }

    #[test]
    fn every_state_is_read_from_its_words_and_as_portals_write_them() {
        for state in DayState::ALL {
            assert_eq!(DayState::read(state.words()), Some(state));
            assert_eq!(DayState::read(&state.words().to_uppercase()), Some(state));
        }
        assert_eq!(
            DayState::read("absent_non_justifie"),
            Some(DayState::AbsentUnjustified)
        );
        assert_eq!(
            DayState::read("Annulé hors délais"),
            Some(DayState::CancelledLate)
        );
        assert_eq!(DayState::read("parti"), None);
    }
}
