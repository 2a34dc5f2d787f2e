//! What families give: a JSON object keyed by input names (LANGUAGE.md §12).

mod family;
mod proofs;
pub mod records;

pub use family::{
    Columns, FamilyError, FamilyErrorKind, FamilyRead, FamilyWarning, FamilyWarningKind,
    HeaderProblem, columns, dated_warnings, parse_date, parse_family, read_family,
    read_family_fields, read_family_json,
};
pub use proofs::Expected as ProofExpected;
