//! The errors of pricing a family, each with the article and line where it happened.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::rules::ArticleId;

/// An evaluation error and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: EvalErrorKind,
    pub article: Option<ArticleId>,
    pub line: usize,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// The tariff ends unknown: these inputs are missing.
    Unknown {
        tariff: String,
        missing: Vec<String>,
    },
    /// A condition cannot be decided: these inputs are missing.
    Undecidable {
        missing: Vec<String>,
    },
    /// The row reached has `—` (sans objet) in this column.
    NotApplicable {
        row: String,
    },
    /// No row of a table takes the key (a crossed column, or a value out of range).
    NoRow {
        key: String,
    },
    DivisionByZero,
    Overflow,
    /// A tariff number the deliberation does not have (a caller's mistake).
    NoTariff {
        index: usize,
    },
    /// The price ends below 0 € (the line is the modifier that took it there).
    Negative {
        amount: Decimal,
    },
    /// An input declared `obligatoire` has no value.
    MissingRequired {
        input: String,
    },
    /// A number outside the bounds its input declares (`de 0 à 150`).
    OutOfBounds {
        input: String,
        low: Option<Decimal>,
        high: Option<Decimal>,
    },
    /// A child's rank cannot be computed: its value of the ranking key is unknown
    /// (`child` counts from 1; `id` is the child's, if given).
    RankUnknown {
        child: usize,
        id: Option<String>,
        key: String,
    },
    /// The family gives a count of its children (`inscrits`) that the list `enfants`
    /// contradicts.
    CountMismatch {
        name: String,
        given: Decimal,
        counted: Decimal,
    },
    /// The date of the service is outside the deliberation's applicable period.
    OutsidePeriod {
        date: NaiveDate,
        from: NaiveDate,
        to: Option<NaiveDate>,
    },
}

impl EvalErrorKind {
    /// The stable code of the error (LANGUAGE.md §12, docs/reference.md).
    pub fn code(&self) -> &'static str {
        match self {
            EvalErrorKind::Unknown { .. } => "E101",
            EvalErrorKind::Undecidable { .. } => "E102",
            EvalErrorKind::NotApplicable { .. } => "E103",
            EvalErrorKind::NoRow { .. } => "E104",
            EvalErrorKind::DivisionByZero => "E105",
            EvalErrorKind::Overflow => "E106",
            EvalErrorKind::Negative { .. } => "E107",
            EvalErrorKind::OutsidePeriod { .. } => "E108",
            EvalErrorKind::NoTariff { .. } => "E109",
            EvalErrorKind::OutOfBounds { .. } => "E118",
            EvalErrorKind::MissingRequired { .. } => "E119",
            EvalErrorKind::RankUnknown { .. } => "E129",
            EvalErrorKind::CountMismatch { .. } => "E130",
        }
    }
}

impl EvalError {
    pub(crate) fn at(kind: EvalErrorKind, article: Option<ArticleId>, line: usize) -> Self {
        EvalError {
            kind,
            article,
            line,
        }
    }
}
