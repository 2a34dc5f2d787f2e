//! Renderers: diagnostics for people (ariadne) and for programs (JSON); justifications
//! and results of evaluation as French text and as JSON.

pub mod datapass;
mod diagnostics;
pub mod family;
pub mod justification;
pub mod messages;
pub mod result;
pub mod simulation;
pub mod wording;

pub use diagnostics::{to_json, to_text};
