//! The findings of the checker: errors that forbid evaluation, warnings that do not.

use rust_decimal::Decimal;

use super::facts::{Grain, Ty};
use crate::rules::{ArithOp, Interval};
use crate::span::Span;

/// Why a ranking key cannot rank children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankProblem {
    /// An input of the family: the same for every child.
    FamilyInput,
    /// A value that is not a child's input nor a tariff.
    NotChildValue,
    /// A date or a number ranked by price words, or a price by age words.
    Direction { date: bool },
    /// A value that is neither a number nor a date.
    Type,
}

/// What is wrong with a règlement de facturation.
#[derive(Debug, Clone, PartialEq)]
pub enum BillingProblem {
    /// `facturation des repsa`, `tarif garderi`: not a tariff of the deliberation.
    NotATariff {
        name: String,
        suggestion: Option<String>,
    },
    /// A state a day can reach without a price (for its days `days`, in `period`).
    NoPrice {
        state: crate::billing::DayState,
        days: Option<(u32, Option<u32>)>,
        period: Option<crate::billing::CountPeriod>,
    },
    /// Two prices for the same days of a state.
    TwoPrices {
        state: crate::billing::DayState,
        first: Span,
        days: Option<(u32, Option<u32>)>,
    },
    /// Counts of a state in the month and in the absence at once.
    MixedPeriods { state: crate::billing::DayState },
    /// `à partir du 7e` without `dans le mois` or `de l'absence`.
    CountWithoutPeriod,
    /// A deadline, a delay, a limit or a rounding given twice.
    GivenTwice { what: &'static str, first: Span },
    /// An amount written in percent (`pénalité de 10 %`).
    AmountInPercent,
    /// `majoré de 1 €`: a change of the unit price is a percentage.
    ChangeNotPercent,
    /// `lissage … en 10 mensualités` without `de septembre à juin`.
    SmoothingWithoutMonths { parts: u32 },
    /// `en 10 mensualités de septembre à mai`: 9 months named.
    SmoothingMonths { parts: u32, months: u32 },
    /// A deadline of more than a year (`400 jours avant`), or a step of no minute
    /// (`par tranche de 0 minute`).
    BeyondReason { what: &'static str },
    /// `tarif horaire × heures` where `heures` is no number the family gives.
    FactorNotInput {
        name: String,
        suggestion: Option<String>,
    },
    /// `toute demi-heure engagée est due` alone in a facturation that also bills `what`
    /// (a late departure, overtime) by steps, at `line`: whose time is it?
    StepOfWhat { what: &'static str, line: usize },
    /// `une présence inférieure à 1 heure est facturée 1 heure` in a facturation that
    /// bills no time of presence (no `durée` line).
    MinimumWithoutStep,
    /// A price for a state no day reaches: a late cancellation without a
    /// cancellation deadline (a warning).
    Unreachable {
        state: crate::billing::DayState,
        deadline: &'static str,
    },
}

/// What is wrong with the days of an example.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleDayProblem {
    Words(crate::billing::days::WordsProblem),
    /// Days in a deliberation without a règlement de facturation.
    NoBilling,
    /// `attendu facture` without a day.
    NoDays,
}

/// A finding of the checker, at its main place.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckError {
    pub kind: CheckErrorKind,
    pub span: Span,
}

/// What the checker found, with everything the message needs.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckErrorKind {
    /// A rule of a règlement de facturation.
    Billing(BillingProblem),
    /// A name that is neither an input nor a definition.
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    /// `0,30 €/heure`: the unit of a price written after the amount, read as a division
    /// by an unknown name.
    PricePerUnit { unit: String },
    /// `rfr / 12 / parts` where `parts` may be 0: found at check time from the range
    /// of the divisor (a warning).
    DivisorMayBeZero { divisor: Option<String> },
    /// A chain of calculations too deep to evaluate safely (`d1 = d0 + 1`, `d2 = d1 + 1`,
    /// … thousands of times): `depth` levels of expressions.
    ChainTooDeep { name: String, depth: usize },
    /// A grid's column defines `name`, which no rule, grid nor tariff uses (a warning).
    UnusedColumn { name: String },
    /// `rang` declared as an input (or a second `rang des enfants`) where a ranking
    /// rule gives it.
    RankDeclared { ranking: Span },
    /// The ranking key reads the rank: `reader` is the value that reads it.
    RankCycle {
        key: String,
        reader: String,
        at: Span,
    },
    /// The ranking key cannot rank children.
    RankKey { key: String, problem: RankProblem },
    /// A source of the family's on an input of each child (`child`), or a child's date
    /// of birth on an input of the family.
    SourceScope { source: String, child: bool },
    /// `attendu repas de « Léa »` where the example has no child « Léa ».
    ExampleUnknownChild { name: String, known: Vec<String> },
    /// `jour 02/10/2025 : parti` : a day of an example that cannot be read.
    ExampleDay { problem: ExampleDayProblem },
    /// `de 150 à 0` on an input: the greatest value is below the least.
    BoundsReversed,
    /// A name defined twice.
    DuplicateName { name: String, first: Span },
    /// A word of the language used as a name.
    ReservedName { name: String },
    /// `tarif repas (par repas)` with no value anywhere.
    TariffWithoutValue { name: String },
    /// `code : choix parmi A, B, C` in an article, and nothing defines `code`.
    TypeWithoutValue { name: String },
    /// `x : majoration …` where `x` is not a tariff.
    ModifierOnNonTariff { name: String },
    /// A value that is not one of the `choix`.
    UnknownChoice {
        value: String,
        allowed: Vec<String>,
        suggestion: Option<String>,
    },
    /// `montant + nombre`: `bare` is the number written without `€`, if it is one.
    UnitMismatch {
        op: ArithOp,
        left: Ty,
        right: Ty,
        bare: Option<Decimal>,
    },
    /// A comparison of two values of different kinds.
    IncomparableTypes {
        left: Ty,
        right: Ty,
        bare: Option<Decimal>,
    },
    /// A value of the wrong type where a type is required.
    TypeMismatch { expected: TyExpected, found: Ty },
    /// `montant entier = rfr / 12`: the value may not be whole.
    NotWhole { name: String, grain: Grain },
    /// `certifié CAF.quotient`: not in the catalogue.
    UnknownSource {
        source: String,
        suggestion: Option<String>,
    },
    /// `certifié CAF.résidence` without a `territoire` line in the header.
    ResidenceWithoutTerritory,
    /// The type of an input does not hold the values of its source.
    SourceTypeMismatch { source: String, expected: Ty },
    /// Values of the key that no row takes.
    TableGap {
        key: String,
        gap: Gap,
        kind: KeyKind,
        fix: GapFix,
        previous: Option<Span>,
    },
    /// A bound of a grid that its key, whose values are multiples of `step`, never
    /// reaches (« 4 573,48 € » against a key in whole euros): families whose exact value
    /// lies between the two multiples around it are classed by the key's rounding, not
    /// by the published bound.
    BoundFinerThanKey {
        key: String,
        bound: Decimal,
        step: Decimal,
        kind: KeyKind,
        /// How many other bounds of the grid are finer than the step too.
        others: usize,
        /// The key is an input (declared whole), not a value the file computes.
        input: bool,
        /// The finest step of the grid's bounds.
        bounds_step: Option<Decimal>,
    },
    /// A tariff charged per family whose price reads an input of the child (or its
    /// rank): it would have a price per child.
    FamilyTariffReadsChild { tariff: String, input: String },
    /// The condition of a count of children reads a count, or the rank.
    CountReadsCount { name: String },
    /// Values that two rows take.
    TableOverlap {
        key: String,
        gap: Gap,
        kind: KeyKind,
        other: Span,
    },
    /// Values of a `choix` key that no row takes.
    MissingChoices { key: String, values: Vec<String> },
    /// A value of a `choix` in two rows.
    RepeatedChoice { value: String, other: Span },
    /// The header row names a key other than the one after `selon`.
    WrongTableKey { expected: String, found: String },
    /// A row with more or fewer cells than the header.
    CellCount { expected: usize, found: usize },
    /// A row condition that does not fit the key (`du 01/09/2025` on a QF).
    ConditionKind { key: String, key_ty: Ty },
    /// A cycle between definitions: each name and where it is defined.
    Cycle {
        names: Vec<(String, Span)>,
        /// A tariff of the cycle, whose name stands for its final price.
        tariff: Option<String>,
    },
    /// A name given a value in an example that is not an input.
    ExampleNotInput { name: String },
    /// `attendu x` where `x` is not a tariff.
    ExpectedNotTariff { name: String },
    /// A price amount in an example, given with the wrong unit.
    ExampleValue { name: String, expected: Ty },
    /// `applicable du 01/09/2025 au 31/08/2025`
    PeriodReversed,
    // Warnings
    /// A row whose values come before those of the previous row.
    RowOutOfOrder { previous: Span },
    /// A price that goes down as the key goes up.
    DecreasingPrice {
        column: String,
        before: Decimal,
        after: Decimal,
        previous: Span,
    },
    /// A row no value of the key reaches.
    UnreachableRow { key: String, reason: Unreachable },
    /// A `—` cell some families reach.
    NotApplicableCell { column: String },
    /// A tariff that ends unknown when these inputs are missing.
    MayBeUnknown { tariff: String, inputs: Vec<String> },
    /// A tariff that may carry more than two decimals and is never rounded.
    MissingRounding { tariff: String },
    /// A modifier after which the price may go below 0 €.
    MayGoNegative { tariff: String },
}

/// The types a place requires, for `TypeMismatch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TyExpected {
    Bool,
    Numeric,
    Amount,
    Rate,
    Number,
    Date,
    Choice,
    AmountOrRate,
    Declared,
}

/// How to read the values of a key, to write them in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Amount,
    Rate,
    Number,
    Date,
}

/// A set of values of a key, for gaps and overlaps.
#[derive(Debug, Clone, PartialEq)]
pub enum Gap {
    /// The multiples of the key's step from `first` to `last` (`None`: no end).
    Steps {
        first: Decimal,
        last: Option<Decimal>,
        step: Decimal,
    },
    /// Every decimal of the interval.
    Dense(Interval),
}

/// The fix a gap message proposes.
#[derive(Debug, Clone, PartialEq)]
pub enum GapFix {
    /// `plus de 1 900` should read `à partir de 1 900`.
    IncludeLow { value: Decimal },
    /// `à moins de 800` should read `jusqu'à …`, or the next row start lower.
    IncludeHigh { value: Decimal },
    /// Between `jusqu'à 400` and `de 401` on a decimal key: round the key or write
    /// `à moins de 401`.
    /// `rounding`: the rounding down to the bounds' step that closes the gap, if the
    /// language has one (`au centime inférieur` for bounds at the cent).
    RoundOrOpen {
        low: Decimal,
        high: Decimal,
        rounding: Option<crate::rules::Rounding>,
    },
    /// Add a row (or an `autre` row).
    AddRow,
}

/// Why a row is never used.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreachable {
    /// The key never takes these values.
    OutOfRange,
    /// Other rows take every value: `autre` never applies.
    NothingLeft,
    /// The key is never unknown: `inconnu` never applies.
    NeverUnknown,
}

impl CheckErrorKind {
    /// Whether this finding still lets the deliberation be evaluated.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            CheckErrorKind::RowOutOfOrder { .. }
                | CheckErrorKind::DecreasingPrice { .. }
                | CheckErrorKind::UnreachableRow { .. }
                | CheckErrorKind::NotApplicableCell { .. }
                | CheckErrorKind::MayBeUnknown { .. }
                | CheckErrorKind::MissingRounding { .. }
                | CheckErrorKind::MayGoNegative { .. }
                | CheckErrorKind::DivisorMayBeZero { .. }
                | CheckErrorKind::BoundFinerThanKey { .. }
                | CheckErrorKind::UnusedColumn { .. }
                | CheckErrorKind::Billing(BillingProblem::Unreachable { .. })
        )
    }
}
