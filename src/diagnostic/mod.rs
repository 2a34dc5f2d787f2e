//! Diagnostics: every finding of every stage, as one renderer-agnostic value with a
//! stable code. The French wording lives in `french.rs`; `report/` draws them.

mod billing;
mod codes;
mod french;
mod grids;
mod ranking;

pub use codes::Code;
pub(crate) use french::{from_check, from_syntax};

use serde::Serialize;

use crate::span::Span;

/// Whether a finding forbids evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    #[serde(rename = "erreur")]
    Error,
    #[serde(rename = "avertissement")]
    Warning,
}

/// A place in the file and what to say there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The main place of the diagnostic.
    pub primary: bool,
}

/// One finding, ready to be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// What to write instead of a span of the file to fix it (the whole statement an
    /// E001 proposes), for editors' quick fixes and `tarif check --format json`.
    pub replacement: Option<(Span, String)>,
}

impl Diagnostic {
    pub(crate) fn new(code: Code, message: String, span: Span, label: String) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message,
            labels: vec![Label {
                span,
                message: label,
                primary: true,
            }],
            notes: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    pub(crate) fn with_label(mut self, span: Span, message: String) -> Self {
        self.labels.push(Label {
            span,
            message,
            primary: false,
        });
        self
    }

    pub(crate) fn with_help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }

    pub(crate) fn with_replacement(mut self, span: Span, text: String) -> Self {
        self.replacement = Some((span, text));
        self
    }

    pub(crate) fn with_note(mut self, note: String) -> Self {
        self.notes.push(note);
        self
    }

    /// The main place of the diagnostic.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.span).unwrap_or_default()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
