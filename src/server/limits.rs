//! What one client may hold of the service: body sizes, time limits, requests at once,
//! connections. Each is an option of `tarif serve`; docs/exploitation.md gives the
//! defaults and why.

use std::time::Duration;

/// The limits of a running service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest family, or deliberation text (`/tarifs`, `/v1/verifier`), in bytes.
    pub body: usize,
    /// The largest batch of `POST …/lots`, in bytes (written to a temporary file as it
    /// arrives, never held in memory).
    pub lots_body: u64,
    /// The longest line of a batch (one family), in bytes.
    pub lots_line: usize,
    /// The time a request may take, `/lots` aside.
    pub timeout: Duration,
    /// The time a batch may take, from its first byte to its last line.
    pub lots_timeout: Duration,
    /// Batches priced at once; one more waits [`QUEUE`], then gets 503.
    pub lots_at_once: usize,
    /// `POST /v1/verifier` at once (each holds a thread while it compiles).
    pub verify_at_once: usize,
    /// Bytes of request bodies held in memory at once, all requests together.
    pub bodies_memory: usize,
    /// The time a client has to send a request's headers; also how long an idle
    /// keep-alive connection is kept.
    pub headers_timeout: Duration,
    /// The time a client may leave an answer unread (a batch's lines) before it is cut.
    pub write_timeout: Duration,
    /// After SIGTERM, the time requests in flight have to finish.
    pub drain: Duration,
    /// Connections open at once; `None`: below the open-file limit (see [`connections`]).
    pub connections: Option<usize>,
}

/// How long a request waits for its turn (a batch, a verification, body memory)
/// before it is answered 503.
pub const QUEUE: Duration = Duration::from_secs(2);

const MIB: usize = 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body: MIB,
            lots_body: 256 * MIB as u64,
            lots_line: MIB,
            timeout: Duration::from_secs(60),
            lots_timeout: Duration::from_secs(600),
            lots_at_once: 8,
            verify_at_once: 8,
            bodies_memory: 64 * MIB,
            headers_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            drain: Duration::from_secs(10),
            connections: None,
        }
    }
}

/// Descriptors kept for what is not a connection: the deliberation files read at a
/// reload, the temporary files of batches, the logs.
const RESERVED_FILES: u64 = 64;

impl Limits {
    /// The connections served at once: the option, or the open-file limit less what
    /// files need (at least 16), at most 10 000.
    pub fn connections(&self) -> usize {
        if let Some(n) = self.connections {
            return n.max(1);
        }
        let files = open_file_limit().unwrap_or(1024);
        let reserved = RESERVED_FILES + self.lots_at_once as u64;
        files.saturating_sub(reserved).clamp(16, 10_000) as usize
    }
}

/// The soft limit of open files of this process.
fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rustix::process::getrlimit(rustix::process::Resource::Nofile).current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A size given as `10Mio`, `512Kio`, `1Gio` or a number of bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let (number, unit) = match lower.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => lower.split_at(at),
        None => (lower.as_str(), ""),
    };
    let factor: u64 = match unit.trim() {
        "" | "o" => 1,
        "k" | "kio" | "ko" | "kib" | "kb" => 1024,
        "m" | "mio" | "mo" | "mib" | "mb" => 1024 * 1024,
        "g" | "gio" | "go" | "gib" | "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(factor)
}

/// A duration given as `30s`, `500ms`, `2min` or a number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let lower = text.trim().to_lowercase();
    let (number, unit) = match lower.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => lower.split_at(at),
        None => (lower.as_str(), ""),
    };
    let n = number.parse::<u64>().ok()?;
    match unit.trim() {
        "" | "s" => Some(Duration::from_secs(n)),
        "ms" => Some(Duration::from_millis(n)),
        "min" | "mn" => n.checked_mul(60).map(Duration::from_secs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_written() {
        assert_eq!(parse_size("10Mio"), Some(10 * 1024 * 1024));
        assert_eq!(parse_size("512 Kio"), Some(512 * 1024));
        assert_eq!(parse_size("2000"), Some(2000));
        assert_eq!(parse_size("1,5Mio"), None);
        assert_eq!(parse_size("10 lapins"), None);
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("2min"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_duration("bientôt"), None);
    }

    #[test]
    fn connections_stay_below_the_open_file_limit() {
        let limits = Limits::default();
        let n = limits.connections() as u64;
        assert!((16..=10_000).contains(&n));
        if let Some(files) = open_file_limit().filter(|f| *f > 200) {
            assert!(n < files, "{n} connections for {files} files");
        }
        let fixed = Limits {
            connections: Some(3),
            ..Limits::default()
        };
        assert_eq!(fixed.connections(), 3);
    }
}
