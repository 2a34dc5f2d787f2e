//! Reading a deliberation: statements, the pest grammar, and the syntax tree.

pub mod ast;
pub mod error;
pub mod lines;
mod lower;

pub use error::SyntaxError;
pub use lines::choice_key;
pub(crate) use lower::is_section_head;

/// What reading a file gives: the tree of what could be read, the names whose
/// definitions could not be read, and every syntax error.
#[derive(Debug)]
pub struct Parsed {
    pub file: ast::File,
    pub broken_names: Vec<String>,
    pub errors: Vec<SyntaxError>,
}

/// Reads `source`, reporting every syntax error rather than stopping at the first.
pub fn parse(source: &str) -> Parsed {
    let (file, broken_names, errors) = lower::lower(source);
    Parsed {
        file,
        broken_names,
        errors,
    }
}
