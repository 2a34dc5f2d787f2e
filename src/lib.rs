//! `tarif`: the compiler of the tariff deliberations of French communes.
//!
//! ```
//! let source = "délibération « Cantine »\n  applicable du 01/09/2025\n\
//!               article 1 « Prix »\n  tarif repas (par repas) = 3,10 €\n";
//! let compiled = tarif::compile(source);
//! assert!(!compiled.has_errors());
//! let deliberation = compiled.deliberation.expect("sans erreur");
//! assert_eq!(deliberation.tariffs[0].name, "repas");
//! ```
#![forbid(unsafe_code)]

mod check;
mod diagnostic;
mod french;
pub mod report;
pub mod rules;
mod span;
mod syntax;

pub use diagnostic::{Code, Diagnostic, Label, Severity};
pub use rules::Deliberation;
pub use span::{LineIndex, Position, Span};

/// What compiling a deliberation gives: the validated rule tree when the file has no
/// error, and every diagnostic (errors and warnings), in file order.
#[derive(Debug)]
pub struct Compiled {
    pub deliberation: Option<Deliberation>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads and checks the text of a deliberation. Never panics; a file with errors gives
/// no rule tree and every error at once.
pub fn compile(source: &str) -> Compiled {
    let parsed = syntax::parse(source);
    let checked = check::check(source, &parsed);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors
        .iter()
        .map(diagnostic::from_syntax)
        .chain(
            checked
                .findings
                .iter()
                .map(|f| diagnostic::from_check(f, &checked.choices)),
        )
        .collect();
    diagnostics.sort_by_key(|d| (d.span().start, d.code));
    let deliberation = checked.deliberation.filter(|_| parsed.errors.is_empty());
    Compiled {
        deliberation,
        diagnostics,
    }
}
