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
    /// The date of the service is outside the deliberation's applicable period.
    OutsidePeriod {
        date: NaiveDate,
        from: NaiveDate,
        to: Option<NaiveDate>,
    },
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
