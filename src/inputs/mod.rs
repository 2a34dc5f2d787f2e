//! What families give: a JSON object keyed by input names (LANGUAGE.md §12).

mod family;
mod proofs;

pub use family::{
    FamilyError, FamilyErrorKind, FamilyRead, FamilyWarning, FamilyWarningKind, dated_warnings,
    parse_date, read_family, read_family_json,
};
pub use proofs::Expected as ProofExpected;
