//! `POST …/lots`: JSON Lines in, one JSON line out per line in, in order, streamed as
//! they are priced; each line by the version in force at its date.
//!
//! Memory stays bounded whatever the body: the body is written to an unnamed temporary
//! file as it arrives (a task of its own), and the pricing thread reads it back line
//! by line. The body is read to its end even when the client reads no answer before
//! it has sent everything (most HTTP clients of PHP, Python and Java do so): pricing
//! waits for the client, never the other way round. What one batch may hold is bounded
//! by time: [`Limits::lots_timeout`] for the whole batch, [`Limits::write_timeout`]
//! for a client that stops reading its answer. Batches at once are bounded by
//! [`Limits::lots_at_once`], so a few clients cannot take every thread.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, mpsc, watch};

use super::catalogue::{Compiled, Service};
use super::{Limits, State};

/// How a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Complete,
    TooLarge,
    Unreadable,
    TimedOut,
    /// The temporary file could not be written (disk full).
    Spool,
}

/// What the receiving task has written to the temporary file.
#[derive(Debug, Clone, Copy)]
struct Progress {
    bytes: u64,
    end: Option<End>,
}

/// Starts pricing a batch; the answer streams its lines. `permit` is the batch's
/// place among those priced at once, held until its last line.
pub fn start(
    state: &Arc<State>,
    service: Service,
    body: Body,
    justify: bool,
    permit: OwnedSemaphorePermit,
) -> Response {
    let spool = match tempfile::tempfile().and_then(|f| Ok((f.try_clone()?, f))) {
        Ok(files) => files,
        Err(e) => {
            tracing::error!("lot refusé : fichier temporaire impossible ({e})");
            return super::routes::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_sature",
                "le lot ne peut pas être reçu maintenant (espace temporaire) : réessayez"
                    .to_string(),
                None,
            );
        }
    };
    let (writer, reader) = spool;
    let limits = state.limits.clone();
    let deadline = tokio::time::Instant::now() + limits.lots_timeout;
    let (progress, watched) = watch::channel(Progress {
        bytes: 0,
        end: None,
    });
    tokio::spawn(receive(body, writer, progress, limits.lots_body, deadline));
    let (tx, rx) = mpsc::channel::<Result<String, std::io::Error>>(64);
    let handle = tokio::runtime::Handle::current();
    let state = state.clone();
    state.metrics.lots.inc();
    tokio::task::spawn_blocking(move || {
        let mut lines = Lines {
            file: reader,
            position: 0,
            buffer: Vec::new(),
            progress: watched,
            handle: handle.clone(),
            deadline,
            longest: limits.lots_line,
        };
        let sink = Sink {
            tx,
            handle,
            limits: &limits,
        };
        price(&state, &service, &mut lines, &sink, justify);
        state.metrics.lots.dec();
        drop(permit);
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8")],
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx)),
    )
        .into_response()
}

/// Writes the body to the temporary file as it arrives, until its end, its limit, its
/// deadline, or until the pricing stopped (the client is gone).
async fn receive(
    body: Body,
    mut file: std::fs::File,
    progress: watch::Sender<Progress>,
    limit: u64,
    deadline: tokio::time::Instant,
) {
    use tokio_stream::StreamExt;
    let mut stream = body.into_data_stream();
    let end = loop {
        let next = tokio::select! {
            next = tokio::time::timeout_at(deadline, stream.next()) => next,
            // Nobody reads the file any more.
            () = progress.closed() => return,
        };
        let chunk = match next {
            Err(_) => break End::TimedOut,
            Ok(None) => break End::Complete,
            Ok(Some(Err(_))) => break End::Unreadable,
            Ok(Some(Ok(chunk))) => chunk,
        };
        let written = progress.borrow().bytes;
        if written.saturating_add(chunk.len() as u64) > limit {
            break End::TooLarge;
        }
        // A write to a temporary file lands in the page cache: short enough for a
        // runtime thread.
        if file.write_all(&chunk).is_err() {
            break End::Spool;
        }
        progress.send_modify(|p| p.bytes += chunk.len() as u64);
    };
    progress.send_modify(|p| p.end = Some(end));
    // A batch cut for its size: the rest of the body is read and dropped (up to the
    // deadline, and as much again as the limit), so that a client still sending it
    // reads the answer instead of a connection reset.
    if matches!(end, End::TooLarge) {
        let mut drained = 0u64;
        while drained < limit {
            match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(Some(Ok(chunk))) => drained = drained.saturating_add(chunk.len() as u64),
                _ => break,
            }
        }
    }
}

/// The lines of the temporary file, read as the receiving task writes them.
struct Lines {
    file: std::fs::File,
    /// The offset of the next read.
    position: u64,
    /// Bytes read and not yet given as a line.
    buffer: Vec<u8>,
    progress: watch::Receiver<Progress>,
    handle: tokio::runtime::Handle,
    deadline: tokio::time::Instant,
    longest: usize,
}

/// One item of a batch.
enum Item {
    Line(Vec<u8>),
    /// A line longer than [`Limits::lots_line`], skipped.
    TooLong,
    End(End),
}

impl Lines {
    fn next(&mut self) -> Item {
        let mut skipping = false;
        loop {
            if let Some(at) = self.buffer.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=at).collect();
                if skipping || line.len() > self.longest + 1 {
                    return Item::TooLong;
                }
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Item::Line(line);
            }
            if self.buffer.len() > self.longest {
                skipping = true;
                self.buffer.clear();
            }
            let progress = *self.progress.borrow();
            if self.position < progress.bytes {
                let want = (progress.bytes - self.position).min(64 * 1024) as usize;
                let start = self.buffer.len();
                self.buffer.resize(start + want, 0);
                match read_at(&self.file, &mut self.buffer[start..], self.position) {
                    Ok(n) if n > 0 => {
                        self.buffer.truncate(start + n);
                        self.position += n as u64;
                        continue;
                    }
                    _ => {
                        self.buffer.truncate(start);
                        return Item::End(End::Spool);
                    }
                }
            }
            if let Some(end) = progress.end {
                if skipping {
                    return Item::TooLong;
                }
                if self.buffer.is_empty() {
                    return Item::End(end);
                }
                // The last line, without its newline.
                let mut line = std::mem::take(&mut self.buffer);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Item::Line(line);
            }
            let changed = self.handle.block_on(tokio::time::timeout_at(
                self.deadline,
                self.progress.changed(),
            ));
            match changed {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Item::End(End::Unreadable),
                Err(_) => return Item::End(End::TimedOut),
            }
        }
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

/// Where the priced lines go: the answer's stream.
struct Sink<'a> {
    tx: mpsc::Sender<Result<String, std::io::Error>>,
    handle: tokio::runtime::Handle,
    limits: &'a Limits,
}

impl Sink<'_> {
    /// Sends one line; `false` when the client is gone or has read nothing for
    /// [`Limits::write_timeout`].
    fn send(&self, line: String) -> bool {
        let sent = self.handle.block_on(tokio::time::timeout(
            self.limits.write_timeout,
            self.tx.send(Ok(line)),
        ));
        matches!(sent, Ok(Ok(())))
    }
}

/// Prices every line of the batch, in order, and ends with an error line when the body
/// did not end well.
fn price(state: &State, service: &Service, lines: &mut Lines, sink: &Sink<'_>, justify: bool) {
    let today = chrono::Local::now().date_naive();
    // A session of each version (compiled when its file was read) for the batch.
    let versions = service.versions();
    let mut sessions: Vec<crate::eval::Session<'_>> = versions
        .iter()
        .map(|v| crate::eval::Session::on(v.plan()))
        .collect();
    let mut number = 0;
    let started = Instant::now();
    let end = loop {
        let item = lines.next();
        let out = match item {
            Item::End(end) => break end,
            Item::Line(bytes) => {
                number += 1;
                let text = String::from_utf8_lossy(&bytes);
                let mut lot = Lot {
                    service,
                    versions: &versions,
                    sessions: &mut sessions,
                };
                let (out, priced) = lot.line(&text, number, today, justify);
                state.metrics.family(priced);
                out
            }
            Item::TooLong => {
                number += 1;
                state.metrics.family(false);
                line_error(
                    number,
                    None,
                    "E121",
                    format!(
                        "la ligne dépasse {} Kio : elle n'est pas lue",
                        lines.longest / 1024
                    ),
                )
            }
        };
        if !sink.send(format!("{out}\n")) {
            tracing::warn!(
                lignes = number,
                "lot interrompu : le client ne lit plus la réponse"
            );
            return;
        }
    };
    let limits = sink.limits;
    let (code, message) = match end {
        End::Complete => return,
        End::TooLarge => (
            "trop_grand",
            format!(
                "le lot dépasse {} Mio : les lignes après la ligne {number} ne sont pas tarifées",
                limits.lots_body / (1024 * 1024)
            ),
        ),
        End::TimedOut => (
            "delai_depasse",
            format!(
                "le lot a dépassé {} s ({} s écoulées) : les lignes après la ligne {number} ne sont pas tarifées",
                limits.lots_timeout.as_secs(),
                started.elapsed().as_secs()
            ),
        ),
        End::Unreadable => (
            "corps_illisible",
            format!("le corps du lot n'a pas pu être lu après la ligne {number}"),
        ),
        End::Spool => (
            "service_sature",
            format!("le lot n'a pas pu être conservé après la ligne {number} (espace temporaire)"),
        ),
    };
    let last = json!({ "erreur": { "code": code, "message": message } });
    sink.send(format!("{last}\n"));
}

/// The line of a batch that could not be priced.
fn line_error(number: usize, id: Option<serde_json::Value>, code: &str, message: String) -> String {
    json!({ "ligne": number, "id": id, "erreurs": [ { "code": code, "message": message } ] })
        .to_string()
}

/// A batch being priced: the versions of its service and a session of each.
struct Lot<'a, 'p> {
    service: &'a Service,
    versions: &'a [&'a Arc<Compiled>],
    sessions: &'a mut [crate::eval::Session<'p>],
}

impl Lot<'_, '_> {
    /// One line of a batch, priced by the version in force at its date, and whether
    /// it was priced.
    fn line(
        &mut self,
        line: &str,
        number: usize,
        today: NaiveDate,
        justify: bool,
    ) -> (String, bool) {
        let service = self.service;
        let parsed = crate::inputs::parse_family(line)
            .ok()
            .filter(|(j, _)| j.is_object());
        let date = parsed
            .as_ref()
            .and_then(|(json, _)| super::routes::family_date(json).ok())
            .unwrap_or(today);
        let failed = |code: &str, message: String| {
            let id = parsed.as_ref().and_then(|(j, _)| j.get("id").cloned());
            (line_error(number, id, code, message), false)
        };
        // A line that is no family is reported by the batch's own rules (E120, E121).
        let unreadable = parsed.is_none();
        let version = match unreadable {
            true => self.versions.first().copied(),
            false => service.version_on(date),
        };
        let Some(document) = version else {
            if unreadable {
                return failed(
                    "E121",
                    "la ligne n'est pas un objet JSON lisible".to_string(),
                );
            }
            return failed(
                "aucune_version",
                format!(
                    "aucune version de « {} » n'est en vigueur le {}",
                    service.id,
                    crate::french::date(date)
                ),
            );
        };
        let index = self.versions.iter().position(|v| Arc::ptr_eq(v, document));
        let Some(session) = index.and_then(|i| self.sessions.get_mut(i)) else {
            return failed("E121", "la ligne n'a pas pu être tarifée".to_string());
        };
        let tariffs: Vec<usize> = (0..document.deliberation.tariffs.len()).collect();
        let row = crate::batch::row(
            document,
            session,
            &crate::batch::Input::JsonLines,
            crate::batch::Output::JsonLines {
                justification: justify,
            },
            &tariffs,
            date,
            number,
            line,
        );
        let priced = row.priced;
        match row.content {
            crate::batch::Content::Json(text) => (text, priced),
            _ => failed("E121", "la ligne n'a pas pu être tarifée".to_string()),
        }
    }
}
