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
    let server = launch(folder, &[], &[], log);
    wait_ready(&server);
    server
}

/// Starts the server under `prefix` (`prlimit --as=…`, which runs it in its own
/// process) with `options` (limits), and does not wait for it to be ready.
pub fn launch(folder: PathBuf, prefix: &[&str], options: &[&str], log: Stdio) -> Server {
    let program = env!("CARGO_BIN_EXE_tarif");
    let folder_text = folder.to_string_lossy().to_string();
    let mut words: Vec<&str> = prefix.to_vec();
    words.extend([program, "serve", &folder_text, "--adresse", "127.0.0.1:0"]);
    words.extend(options);
    let mut child = Command::new(words[0])
        .args(&words[1..])
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

/// Waits until `GET /pret` answers 200: the folder is read after the server listens.
pub fn wait_ready(server: &Server) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        let answer = agent().get(&format!("{}/pret", server.base)).call();
        if answer.is_ok_and(|r| r.status() == 200) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the server is not ready after 60 s");
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

/// The query of the simulator page for an example without children, as a family types
/// it; `None` for an example the form cannot say (a box left unknown, nothing expected).
pub fn example_query(d: &tarif::Deliberation, example: &tarif::rules::Example) -> Option<String> {
    use tarif::rules::Value;
    // A box is ticked or not: an example leaving a boolean unknown (and without
    // default) is not what the form can say.
    let unknown_boolean = example.inputs.iter().any(|(i, v)| {
        v.is_none() && matches!(d.inputs[i.0 as usize].ty, tarif::rules::ValueType::Boolean)
    });
    if unknown_boolean || example.expected.is_empty() || !example.children.is_empty() {
        return None;
    }
    let date = example.date.unwrap_or(d.meta.applicable_from);
    let mut query = vec![format!("date={}", date.format("%d%%2F%m%%2F%Y"))];
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    for (input, value) in &example.inputs {
        let name = &d.inputs[input.0 as usize].name;
        let text = match value {
            Some(Value::Number(n)) => n.normalize().to_string().replace('.', ","),
            Some(Value::Bool(true)) => "oui".to_string(),
            Some(Value::Bool(false)) => "non".to_string(),
            Some(Value::Choice(c)) => d.choices[c.0 as usize].clone(),
            Some(Value::Date(day)) => day.format("%d/%m/%Y").to_string(),
            None => continue,
        };
        query.push(format!("{}={}", encode(name), encode(&text)));
    }
    Some(query.join("&"))
}

/// A fresh folder of the temporary directory, for one test's files.
pub fn fresh_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("tarif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    folder
}

/// A fresh folder holding every deliberation of `deliberations/`, and each one read:
/// its id (the file's stem) and its document.
pub fn every_deliberation(name: &str) -> (PathBuf, Vec<(String, tarif::document::Document)>) {
    let folder = fresh_folder(name);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deliberations");
    let mut documents = Vec::new();
    for entry in std::fs::read_dir(root).expect("deliberations").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "delib") {
            std::fs::copy(&path, folder.join(entry.file_name())).expect("copy");
            let source = std::fs::read_to_string(&path).expect("source");
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let document = tarif::document::Document::from_source(&source).expect("valid");
            documents.push((id, document));
        }
    }
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    (folder, documents)
}

/// A fresh folder with the cantine of Exempleville as `cantine.delib`.
pub fn cantine_folder(name: &str) -> PathBuf {
    let folder = fresh_folder(name);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("deliberations/exempleville-cantine.delib"),
        folder.join("cantine.delib"),
    )
    .expect("copy");
    folder
}
