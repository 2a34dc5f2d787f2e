//! Finding and reading deliberation files.

use std::path::{Path, PathBuf};

/// A file that could not be used, and why.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub reason: Reason,
}

/// Why a file could not be used.
#[derive(Debug)]
pub enum Reason {
    NotFound,
    Denied,
    NotUtf8,
    NoDeliberation,
    IsDirectory,
    Io(std::io::Error),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match &self.reason {
            Reason::NotFound => write!(f, "{path} : fichier introuvable"),
            Reason::Denied => write!(f, "{path} : lecture refusée"),
            Reason::NotUtf8 => write!(
                f,
                "{path} : ce fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8"
            ),
            Reason::NoDeliberation => {
                write!(f, "{path} : ce dossier ne contient aucun fichier .delib")
            }
            Reason::IsDirectory => write!(f, "{path} est un dossier : donnez un fichier"),
            Reason::Io(e) => write!(f, "{path} : lecture impossible ({})", super::io_french(e)),
        }
    }
}

/// Reads a deliberation (source or compiled document) to price families; the error is
/// printed, and the exit status returned.
pub fn document(path: &Path) -> Result<tarif::document::Document, u8> {
    let text = read(path).map_err(|e| {
        eprintln!("erreur : {e}");
        super::USAGE
    })?;
    tarif::document::Document::load(&text).map_err(|e| {
        let shown = path.display().to_string();
        match e {
            tarif::document::LoadError::Invalid(diagnostics) => {
                let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
                eprint!("{}", tarif::report::to_text(&shown, &text, &errors, false));
                eprintln!("erreur : {shown} contient des erreurs ; corrigez-les (tarif check {shown})");
            }
            tarif::document::LoadError::BadDocument { line, column } => {
                eprintln!("erreur : {shown} n'est pas un document compilé lisible (ligne {line}, colonne {column})");
            }
            tarif::document::LoadError::WrongVersion { format, version } => eprintln!(
                "erreur : {shown} est un document « {format} » version {version}, que cette version de tarif ne lit pas ; recompilez la délibération"
            ),
        }
        super::USAGE
    })
}

/// The `.delib` files named on the command line; a folder stands for the `.delib`
/// files it holds (not its subfolders), in name order.
pub fn deliberations(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FileError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| error(path, e))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "delib") && p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(FileError {
                    path: path.clone(),
                    reason: Reason::NoDeliberation,
                });
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// The text of a file.
pub fn read(path: &Path) -> Result<String, FileError> {
    let bytes = std::fs::read(path).map_err(|e| error(path, e))?;
    let mut text = String::from_utf8(bytes).map_err(|_| FileError {
        path: path.to_path_buf(),
        reason: Reason::NotUtf8,
    })?;
    // A byte-order mark (written by Windows editors) is not part of the text.
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

fn error(path: &Path, e: std::io::Error) -> FileError {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => Reason::NotFound,
        std::io::ErrorKind::PermissionDenied => Reason::Denied,
        std::io::ErrorKind::IsADirectory => Reason::IsDirectory,
        _ => Reason::Io(e),
    };
    FileError {
        path: path.to_path_buf(),
        reason,
    }
}
