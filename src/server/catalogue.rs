//! The deliberations `tarif serve` serves, read from a folder: each file directly under
//! it is one deliberation (`{id}` = its name without extension); each sub-folder is one
//! service whose files are its successive versions (`{id}` = the folder's path), the
//! version in force at the family's date pricing it. A file with errors is not served:
//! the version read before it stays, and the list shows its diagnostics.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::Diagnostic;
use crate::document::{Document, LoadError};
use crate::eval::Plan;

self_cell::self_cell!(
    /// A deliberation served and its plan, compiled once when the file is read rather
    /// than for every request.
    pub struct Compiled {
        owner: Document,
        #[covariant]
        dependent: Plan,
    }

    impl {Debug}
);

impl Compiled {
    pub fn from_document(document: Document) -> Compiled {
        Compiled::new(document, |document| Plan::new(&document.deliberation))
    }

    /// The plan of the deliberation, shared by the requests (each with its session).
    pub fn plan(&self) -> &Plan<'_> {
        self.borrow_dependent()
    }
}

impl std::ops::Deref for Compiled {
    type Target = Document;
    fn deref(&self) -> &Document {
        self.borrow_owner()
    }
}

/// A file of the folder, as last read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its path under the folder, `/`-separated.
    pub path: String,
    /// Its text (for `GET /v1/deliberations/{id}` and the diagnostics).
    pub source: String,
    /// The version served: the last one read without error.
    pub document: Option<Arc<Compiled>>,
    /// The diagnostics of the file as it is now (errors keep it from being served).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be read at all, in French.
    pub unreadable: Option<String>,
}

/// One `{id}`: one file, or the versions of a service.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub files: Vec<Entry>,
    /// Two versions whose periods overlap: the service is not served (a load error).
    pub overlap: Option<(String, String)>,
}

impl Service {
    /// The version in force on `date`, if any.
    pub fn version_on(&self, date: NaiveDate) -> Option<&Arc<Compiled>> {
        if self.overlap.is_some() {
            return None;
        }
        self.files
            .iter()
            .filter_map(|f| f.document.as_ref())
            .find(|d| {
                let meta = &d.deliberation.meta;
                date >= meta.applicable_from && meta.applicable_to.is_none_or(|to| date <= to)
            })
    }

    /// The versions served, most recent period first.
    pub fn versions(&self) -> Vec<&Arc<Compiled>> {
        let mut versions: Vec<&Arc<Compiled>> = self
            .files
            .iter()
            .filter_map(|f| f.document.as_ref())
            .collect();
        versions.sort_by_key(|d| std::cmp::Reverse(d.deliberation.meta.applicable_from));
        versions
    }
}

/// Every service of the folder.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub services: BTreeMap<String, Service>,
}

/// Whether a file is a deliberation: `.delib`, or a compiled `.json`.
fn is_deliberation(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("delib") | Some("json")
    )
}

/// The `/`-separated path of `path` under `root`, without extension.
fn id_of(root: &Path, path: &Path) -> String {
    folder_id(root, &path.with_extension(""))
}

/// The `/`-separated path of a sub-folder (or a file) under `root`.
fn folder_id(root: &Path, folder: &Path) -> String {
    let relative = folder.strip_prefix(root).unwrap_or(folder);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The deliberation files under `root`: those directly in it, each its own service,
/// and those of each sub-folder (at any depth), grouped by folder.
fn files(root: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut services: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if is_deliberation(&path) {
                let id = if folder == root {
                    id_of(root, &path)
                } else {
                    folder_id(root, &folder)
                };
                services.entry(id).or_default().push(path);
            }
        }
    }
    services
        .into_iter()
        .map(|(id, mut paths)| {
            paths.sort();
            (id, paths)
        })
        .collect()
}

impl Catalogue {
    /// Reads the folder, keeping from `previous` the last good version of each file
    /// that now has errors.
    pub fn load(root: &Path, previous: &Catalogue) -> Catalogue {
        let kept: BTreeMap<&str, &Entry> = previous
            .services
            .values()
            .flat_map(|s| s.files.iter())
            .map(|f| (f.path.as_str(), f))
            .collect();
        let mut services = BTreeMap::new();
        for (id, paths) in files(root) {
            let mut entries = Vec::new();
            for path in paths {
                let shown = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let before = kept.get(shown.as_str()).copied();
                entries.push(read_entry(&path, shown, before));
            }
            let overlap = overlap(&entries);
            services.insert(
                id.clone(),
                Service {
                    id,
                    files: entries,
                    overlap,
                },
            );
        }
        Catalogue { services }
    }
}

/// Reads one file; a file that has errors now keeps the document read before.
fn read_entry(path: &Path, shown: String, before: Option<&Entry>) -> Entry {
    let kept = before.and_then(|b| b.document.clone());
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Entry {
                path: shown,
                source: String::new(),
                document: kept,
                diagnostics: Vec::new(),
                unreadable: Some(format!("lecture impossible ({e})")),
            };
        }
    };
    let Ok(source) = String::from_utf8(bytes) else {
        return Entry {
            path: shown,
            source: String::new(),
            document: kept,
            diagnostics: Vec::new(),
            unreadable: Some("ce fichier n'est pas en UTF-8".to_string()),
        };
    };
    // Unchanged since it was read: nothing to compile again.
    if let Some(b) = before
        && b.source == source
    {
        return b.clone();
    }
    match Document::load(&source) {
        Ok(document) => {
            let diagnostics = if source.trim_start().starts_with('{') {
                Vec::new()
            } else {
                crate::compile(&source).diagnostics
            };
            Entry {
                path: shown,
                source,
                document: Some(Arc::new(Compiled::from_document(document))),
                diagnostics,
                unreadable: None,
            }
        }
        Err(LoadError::Invalid(diagnostics)) => Entry {
            path: shown,
            source,
            document: kept,
            diagnostics,
            unreadable: None,
        },
        Err(LoadError::BadDocument { line, column }) => Entry {
            path: shown,
            source,
            document: kept,
            diagnostics: Vec::new(),
            unreadable: Some(format!(
                "document compilé illisible (ligne {line}, colonne {column})"
            )),
        },
        Err(LoadError::WrongVersion { format, version }) => Entry {
            path: shown,
            source,
            document: kept,
            diagnostics: Vec::new(),
            unreadable: Some(format!(
                "document « {format} » de version {version} : recompilez-le avec tarif compile"
            )),
        },
    }
}

/// Two versions of one service whose periods overlap, by path.
fn overlap(entries: &[Entry]) -> Option<(String, String)> {
    let periods: Vec<(&str, NaiveDate, NaiveDate)> = entries
        .iter()
        .filter_map(|e| {
            let meta = &e.document.as_ref()?.deliberation.meta;
            let to = meta.applicable_to.unwrap_or(NaiveDate::MAX);
            Some((e.path.as_str(), meta.applicable_from, to))
        })
        .collect();
    for (i, a) in periods.iter().enumerate() {
        for b in periods.iter().skip(i + 1) {
            if a.1 <= b.2 && b.1 <= a.2 {
                return Some((a.0.to_string(), b.0.to_string()));
            }
        }
    }
    None
}
