//! A deliberation ready to price families: compiled from its source, or loaded from the
//! JSON document `tarif compile` writes. Both carry the empreinte (SHA-256) of the
//! source file, so that results are the same whichever was used.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::Deliberation;
use crate::{Diagnostic, compile};

/// The name of the format of compiled documents.
pub const FORMAT: &str = "tarif-deliberation";
/// The version of that format that this `tarif` writes. Any field a new version adds
/// raises it, so that an older `tarif` refuses a document it would misread (it would
/// drop the field without a word). Version 3: the règlement de facturation's
/// deadlines `à minuit`, per-day charges, counts in the week, several tariffs under
/// one head. Version 4: weekly forfaits. Version 5: late fees `à partir de` an hour
/// (a departure at that hour is late), the territory without its keyword.
pub const VERSION: u32 = 5;
/// The oldest version still read: what it lacks, a newer one only adds (every field
/// added since has a default that means « absent »).
pub const OLDEST: u32 = 2;

/// A checked deliberation and the empreinte of its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub format: String,
    pub version: u32,
    /// `sha256:` and the hexadecimal digest of the source file's bytes.
    pub empreinte: String,
    pub deliberation: Deliberation,
}

/// Why a file cannot be used to price families.
#[derive(Debug)]
pub enum LoadError {
    /// The source has errors: the diagnostics say which.
    Invalid(Vec<Diagnostic>),
    /// A compiled document that cannot be read.
    BadDocument { line: usize, column: usize },
    /// A compiled document of another format or version.
    WrongVersion { format: String, version: u32 },
}

/// `sha256:…` of `bytes`.
pub fn empreinte(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in digest.iter() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

impl Document {
    /// Compiles a source text.
    pub fn from_source(source: &str) -> Result<Document, LoadError> {
        let compiled = compile(source);
        match compiled.deliberation {
            Some(deliberation) if !compiled.has_errors() => Ok(Document {
                format: FORMAT.to_string(),
                version: VERSION,
                empreinte: empreinte(source.as_bytes()),
                deliberation,
            }),
            _ => Err(LoadError::Invalid(compiled.diagnostics)),
        }
    }

    /// Reads a source text, or a compiled document (a JSON object).
    pub fn load(text: &str) -> Result<Document, LoadError> {
        if !text.trim_start().starts_with('{') {
            return Document::from_source(text);
        }
        let document: Document =
            serde_json::from_str(text).map_err(|e| LoadError::BadDocument {
                line: e.line(),
                column: e.column(),
            })?;
        if document.format != FORMAT || !(OLDEST..=VERSION).contains(&document.version) {
            return Err(LoadError::WrongVersion {
                format: document.format,
                version: document.version,
            });
        }
        let mut document = document;
        crate::billing::per_step(&mut document.deliberation);
        Ok(document)
    }

    /// The compiled document as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
