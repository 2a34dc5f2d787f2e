//! `tarif`: the compiler of the tariff deliberations of French communes.
//!
//! Compile a deliberation, read a family, get its price and the justification:
//!
//! ```
//! use tarif::document::Document;
//! use tarif::eval::Session;
//!
//! let source = "délibération « Cantine »\n  applicable du 01/09/2025\n\
//!               entrées\n  qf : montant entier\n\
//!               article 1 « Prix »\n  tarif repas (par repas)\n\
//!               repas = si qf ≤ 600 € alors 1,50 € sinon 3,10 €\n";
//! let document = Document::from_source(source).expect("sans erreur");
//! let d = &document.deliberation;
//! let family = tarif::inputs::read_family(d, r#"{ "qf": "450" }"#).family;
//! let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
//! let mut session = Session::new(d);
//! let (price, justification) = session.justify(&family, date, 0);
//! assert_eq!(price.expect("tarifé").to_string(), "1.50");
//! let text = tarif::report::justification::lines(d, &justification.steps).join("\n");
//! assert!(text.contains("qf = 450 €"));
//!
//! // Family after family, the same justification is written over (no allocation).
//! let mut again = tarif::eval::trace::Justification::default();
//! let price = session.justify_into(&family, date, 0, &mut again);
//! assert_eq!(again, justification);
//! assert_eq!(price.expect("tarifé").to_string(), "1.50");
//!
//! // Many families on several threads: the plan is compiled once and shared.
//! let plan = tarif::eval::Plan::new(d);
//! let price = std::thread::scope(|s| {
//!     let worker = s.spawn(|| Session::on(&plan).price(&family, date, 0));
//!     worker.join().expect("thread")
//! });
//! assert_eq!(price.expect("tarifé").to_string(), "1.50");
//! ```
#![forbid(unsafe_code)]

pub mod annexe;
pub mod batch;
pub mod billing;
mod check;
pub mod curve;
pub mod datapass;
mod diagnostic;
pub mod document;
pub mod eval;
pub mod format;
mod french;
pub mod import;
pub mod inputs;
pub mod report;
pub mod rules;
#[cfg(feature = "serveur")]
pub mod server;
pub mod simulate;
mod span;
mod syntax;

pub use check::source_name;
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
    // A byte-order mark (Windows editors) read as three spaces: every offset stays.
    let unmarked;
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => source,
    };
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
