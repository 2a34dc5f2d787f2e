//! `tarif lsp` driven over its standard input and output as an editor drives it:
//! initialize, didOpen, publishDiagnostics (the same as `tarif check --format json`),
//! didChange, hover, definition, formatting, completion, a quick fix, shutdown.
#![cfg(feature = "langage")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value as Json, json};

use common::GAPPED;

const URI: &str = "file:///tmp/cantine.delib";

/// An editor's side of the protocol.
struct Editor {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next: i64,
    /// Notifications received while waiting for a response.
    pending: Vec<Json>,
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tarif"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tarif lsp starts");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        Editor {
            child,
            input,
            output,
            next: 1,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, message: Json) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.input.flush().expect("flush");
    }

    fn receive(&mut self) -> Json {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.output.read_line(&mut line).expect("header");
            assert!(!line.is_empty(), "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn request(&mut self, method: &str, params: Json) -> Json {
        let id = self.next;
        self.next += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == id {
                assert!(message["error"].is_null(), "{message}");
                return message["result"].clone();
            }
            self.pending.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Json) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next notification `method`.
    fn notification(&mut self, method: &str) -> Json {
        if let Some(at) = self.pending.iter().position(|m| m["method"] == method) {
            return self.pending.remove(at)["params"].clone();
        }
        loop {
            let message = self.receive();
            if message["method"] == method {
                return message["params"].clone();
            }
            self.pending.push(message);
        }
    }

    fn change(&mut self, version: i64, text: &str) -> Json {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [ { "text": text } ] }),
        );
        self.notification("textDocument/publishDiagnostics")
    }

    fn at(&mut self, method: &str, line: usize, character: usize) -> Json {
        self.request(
            method,
            json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } }),
        )
    }
}

/// `tarif check --format json` of `text`: (code, line from 0, column from 0, message).
fn checked(text: &str) -> Vec<(String, u64, u64, String)> {
    let path = std::env::temp_dir().join(format!("tarif-lsp-{}.delib", std::process::id()));
    std::fs::write(&path, text).expect("write");
    let (out, _, _) = common::tarif(
        &["check", "--format", "json", &path.to_string_lossy()],
        None,
    );
    let _ = std::fs::remove_file(&path);
    let items: Vec<Json> = serde_json::from_str(&out).expect("JSON");
    items
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["ligne"].as_u64().unwrap_or(0) - 1,
                d["colonne"].as_u64().unwrap_or(0) - 1,
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The published diagnostics, as [`checked`] gives them.
fn published(params: &Json) -> Vec<(String, u64, u64, String)> {
    params["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap_or("");
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or(0),
                d["range"]["start"]["character"].as_u64().unwrap_or(0),
                message.lines().next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn an_editor_session() {
    let mut editor = Editor::start();
    let capabilities = editor.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    let capabilities = &capabilities["capabilities"];
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "documentFormattingProvider",
        "completionProvider",
        "codeActionProvider",
    ] {
        assert!(!capabilities[capability].is_null(), "{capability}");
    }
    editor.notify("initialized", json!({}));

    // Opened with a gap: E030 at line 12 (11 from 0), as `tarif check` says it.
    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "tarif", "version": 1, "text": GAPPED } }),
    );
    let diagnostics = editor.notification("textDocument/publishDiagnostics");
    assert_eq!(diagnostics["uri"], URI);
    let found = published(&diagnostics);
    assert_eq!(found, checked(GAPPED));
    assert!(
        found.iter().any(|d| d.0 == "E030" && d.1 == 11),
        "{found:?}"
    );
    let first = &diagnostics["diagnostics"][0];
    assert_eq!(first["severity"], 1);
    assert!(
        first["message"]
            .as_str()
            .unwrap_or("")
            .contains("\nAide : "),
        "{first}"
    );

    // Fixed: nothing to say.
    let fixed = GAPPED.replace("de 600 à 900", "de 501 à 900");
    let diagnostics = editor.change(2, &fixed);
    assert_eq!(published(&diagnostics), checked(&fixed));
    assert!(published(&diagnostics).is_empty());

    // Hover: an input (line 8 `  grille selon qf`), a tariff, a grid row.
    let hover = editor.at("textDocument/hover", 8, 16);
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("**qf** : entrée, montant entier"), "{text}");
    let hover = editor.at("textDocument/hover", 7, 9);
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("**repas** : tarif, par repas"), "{text}");
    assert!(text.contains("QF 700 : 2,00 €"), "{text}");
    let hover = editor.at("textDocument/hover", 11, 8);
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("Ligne de grille selon **qf**"), "{text}");
    assert!(
        text.contains("de 501,00 €") || text.contains("de 501 €"),
        "{text}"
    );

    // Definition: `qf` of the example to its declaration; `repas` to its grid.
    let place = editor.at("textDocument/definition", 15, 3);
    assert_eq!(place["uri"], URI);
    assert_eq!(place["range"]["start"]["line"], 4);
    let place = editor.at("textDocument/definition", 16, 12);
    assert_eq!(place["range"]["start"]["line"], 8);

    // Formatting: the edit of `tarif fmt`.
    let edits = editor.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let laid_out = tarif::format::format(&fixed).expect("laid out");
    assert_eq!(edits[0]["newText"], laid_out.as_str());

    // Completion: names, choice values, keywords.
    let completion = editor.at("textDocument/completion", 16, 2);
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    for expected in ["qf", "repas", "majoration de", "grille selon"] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }

    // A slip with the line to write: its quick fix writes it.
    let slipped = fixed.replace("tarif repas (par repas)", "tarif repas par repas");
    let diagnostics = editor.change(3, &slipped);
    let slip = diagnostics["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "E001")
        .cloned()
        .expect("E001");
    let actions = editor.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": slip["range"], "context": { "diagnostics": [slip] } }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][URI][0];
    assert!(
        edit["newText"]
            .as_str()
            .unwrap_or("")
            .contains("tarif repas (par repas)"),
        "{action}"
    );

    let shutdown = editor.request("shutdown", Json::Null);
    assert!(shutdown.is_null());
    editor.notify("exit", Json::Null);
    let status = editor.child.wait().expect("exit");
    assert!(status.success(), "{status}");
}
