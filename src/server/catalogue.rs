//! The deliberations `tarif serve` serves, read from a folder: each file directly under
//! it is one deliberation (`{id}` = its name without extension); each sub-folder is one
//! service whose files are its successive versions (`{id}` = the folder's path), the
//! version in force at the family's date pricing it. A file with errors is not served:
//! the version read before it stays, and the list shows its diagnostics.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

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
    /// When the text was first read as it is now.
    pub since: Instant,
    /// Why the text as it is now is not the version served (see `publish.rs`).
    pub waiting: Option<super::publish::Waiting>,
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
    /// `apparence.txt`: the commune's name, logo and colour on the family pages.
    pub theme: super::theme::Theme,
    /// What `apparence.txt` holds that was set aside (logged when it changes).
    pub theme_problems: Vec<String>,
    /// Read from the folder (not the empty catalogue before the first read): a file
    /// that changes after that waits to be stable before it is served.
    pub loaded: bool,
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
        let now = Instant::now();
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
                entries.push(read_entry(&path, shown, before, (now, previous.loaded)));
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
        let (theme, theme_problems) = super::theme::load(root);
        if theme_problems != previous.theme_problems {
            for problem in &theme_problems {
                tracing::warn!("{problem}");
            }
        }
        Catalogue {
            services,
            theme,
            theme_problems,
            loaded: true,
        }
    }
}

/// Reads one file; a file that has errors now keeps the document read before, and so
/// does a text that is not yet stable, whose examples fail, or that lacks what the
/// version served has (`publish.rs`). `running`: the time of this read, and whether
/// the folder was read before (at the start, every file is served as it is).
fn read_entry(
    path: &Path,
    shown: String,
    before: Option<&Entry>,
    (now, running): (Instant, bool),
) -> Entry {
    use super::publish::{SETTLE, Waiting};
    let kept = before.and_then(|b| b.document.clone());
    let failed = |source: String, reason: String| Entry {
        path: shown.clone(),
        source,
        document: kept.clone(),
        diagnostics: Vec::new(),
        unreadable: Some(reason),
        since: now,
        waiting: None,
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return failed(String::new(), format!("lecture impossible ({e})")),
    };
    let Ok(source) = String::from_utf8(bytes) else {
        return failed(String::new(), "ce fichier n'est pas en UTF-8".to_string());
    };
    match before {
        // Read as before: nothing to compile again, unless it was settling and has
        // now read the same for long enough.
        Some(b) if b.source == source => {
            if b.waiting == Some(Waiting::Settling) && now.duration_since(b.since) >= SETTLE {
                return publish(b.path.clone(), source, kept, b.since);
            }
            b.clone()
        }
        // A new text while the service runs, of a file served before or not: it may be
        // half-written; read again before it is served.
        Some(b) if running => Entry {
            path: shown,
            source,
            document: kept,
            diagnostics: b.diagnostics.clone(),
            unreadable: None,
            since: now,
            waiting: Some(Waiting::Settling),
        },
        None if running => Entry {
            path: shown,
            source,
            document: None,
            diagnostics: Vec::new(),
            unreadable: None,
            since: now,
            waiting: Some(Waiting::Settling),
        },
        _ => publish(shown, source, kept, now),
    }
}

/// A stable text compiled and, when it is valid, served unless its examples fail or it
/// lacks what `kept` (the version served) has.
fn publish(shown: String, source: String, kept: Option<Arc<Compiled>>, since: Instant) -> Entry {
    use super::publish::{Waiting, failing_examples, losses};
    let entry = |document, diagnostics, unreadable, waiting| Entry {
        path: shown.clone(),
        source: source.clone(),
        document,
        diagnostics,
        unreadable,
        since,
        waiting,
    };
    match Document::load(&source) {
        Ok(document) => {
            let diagnostics = if source.trim_start().starts_with('{') {
                Vec::new()
            } else {
                crate::compile(&source).diagnostics
            };
            let failing = failing_examples(&document);
            if !failing.is_empty() {
                return entry(
                    kept,
                    diagnostics,
                    None,
                    Some(Waiting::FailingExamples(failing)),
                );
            }
            let lost = kept
                .as_ref()
                .map(|k| losses(k, &document))
                .unwrap_or_default();
            if !lost.is_empty() {
                return entry(kept, diagnostics, None, Some(Waiting::Losing(lost)));
            }
            let compiled = Arc::new(Compiled::from_document(document));
            entry(Some(compiled), diagnostics, None, None)
        }
        Err(LoadError::Invalid(diagnostics)) => entry(kept, diagnostics, None, None),
        Err(LoadError::BadDocument { line, column }) => entry(
            kept,
            Vec::new(),
            Some(format!(
                "document compilé illisible (ligne {line}, colonne {column})"
            )),
            None,
        ),
        Err(LoadError::WrongVersion { format, version }) => entry(
            kept,
            Vec::new(),
            Some(format!(
                "document « {format} » de version {version} : recompilez-le avec tarif compile"
            )),
            None,
        ),
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
