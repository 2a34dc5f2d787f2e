//! Renderers: diagnostics for people (ariadne) and for programs (JSON).

mod diagnostics;

pub use diagnostics::{to_json, to_text};
