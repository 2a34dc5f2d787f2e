//! What families give: a JSON object keyed by input names (LANGUAGE.md §12).

mod family;

pub use family::{
    FamilyError, FamilyErrorKind, FamilyRead, FamilyWarning, FamilyWarningKind, parse_date,
    read_family, read_family_json,
};
