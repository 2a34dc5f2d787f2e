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
pub mod document;
pub mod eval;
mod french;
pub mod inputs;
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

/// The stack of the thread that compiles: reading and checking recurse on the tree of
/// each expression, whose depth is bounded (see `syntax/lower`), but deep enough that
/// the small stack of a test or worker thread would not do. Only touched pages cost.
const COMPILER_STACK: usize = 64 * 1024 * 1024;

/// Reads and checks the text of a deliberation. Never panics; a file with errors gives
/// no rule tree and every error at once.
pub fn compile(source: &str) -> Compiled {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tarif-compile".to_string())
            .stack_size(COMPILER_STACK)
            .spawn_scoped(scope, || compile_here(source))
            .ok()
            .and_then(|thread| thread.join().ok())
    })
    .unwrap_or_else(|| compile_here(source))
}

fn compile_here(source: &str) -> Compiled {
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
