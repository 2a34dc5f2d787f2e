//! `tarif serve` started for real on 127.0.0.1 (a free port), and requests to it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value as Json;

/// The server, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub folder: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Quiet: the server may have stopped already (the test of SIGTERM).
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Starts the server; its access log is kept (read it after stopping, for a few
/// requests: a full pipe would block the server).
pub fn start(folder: PathBuf) -> Server {
    start_with(folder, Stdio::piped())
}

/// Starts the server, its access log (standard error) sent to `log`: `Stdio::null()`
/// for many requests.
pub fn start_with(folder: PathBuf, log: Stdio) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarif"))
        .args([
            "serve",
            &folder.to_string_lossy(),
            "--adresse",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("tarif serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let address = line
        .split("http://")
        .nth(1)
        .map(|a| a.trim().to_string())
        .expect("the address is announced");
    Server {
        child,
        base: format!("http://{address}"),
        folder,
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn post(server: &Server, path: &str, body: &str) -> (u16, String) {
    let mut response = agent()
        .post(&format!("{}{path}", server.base))
        .send(body)
        .expect("request");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("body");
    (status, text)
}

pub fn get(server: &Server, path: &str) -> (u16, String) {
    let mut response = agent()
        .get(&format!("{}{path}", server.base))
        .call()
        .expect("request");
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .expect("body");
    (status, text)
}

pub fn parse(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
}
