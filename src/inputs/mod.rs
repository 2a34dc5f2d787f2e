//! What families give: a JSON object keyed by input names (LANGUAGE.md §12).

mod children;
mod csv;
mod family;
mod json;
mod pricing;
mod proofs;
pub mod records;
mod values;

pub(crate) use csv::read_fields_into;
pub use csv::{Columns, HeaderProblem, columns, read_family_fields};
pub use family::{
    ChildrenProblem, FamilyError, FamilyErrorKind, FamilyRead, FamilyWarning, FamilyWarningKind,
    Field, dated_warnings, parse_family, read_family, read_family_into, read_family_json,
    read_family_parsed,
};
pub use proofs::Expected as ProofExpected;
pub(crate) use values::trimmed;
pub use values::{date_error, parse_date, parse_decimal};
