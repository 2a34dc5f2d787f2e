//! `tarif lsp`: a language server over the standard input and output, for VS Code and
//! every editor that speaks the Language Server Protocol. Diagnostics as one types
//! (those of `tarif check`, in French), hover (an input's label, type and certified
//! source; a tariff's unit and the prices its examples expect; a grid row's interval),
//! go to definition (a name to where it is declared, a tariff to its grid), formatting
//! (`tarif fmt`), completion of names, keywords and choice values, and quick fixes
//! where a diagnostic carries the text to write.

mod knowledge;

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::{
    CodeActionKind, CodeActionProviderCapability, CompletionOptions, HoverProviderCapability,
    OneOf, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
};
use serde_json::{Value as Json, json};

use super::{FAILURE, SUCCESS};

/// Runs the server until the editor says `exit`.
pub fn run() -> u8 {
    let (connection, threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["=".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    };
    let Ok(capabilities) = serde_json::to_value(capabilities) else {
        return FAILURE;
    };
    let initialized = connection.initialize_start().and_then(|(id, _)| {
        connection.initialize_finish(
            id,
            json!({
                "capabilities": capabilities,
                "serverInfo": { "name": "tarif", "version": env!("CARGO_PKG_VERSION") },
            }),
        )
    });
    if initialized.is_err() {
        eprintln!("erreur : l'éditeur n'a pas ouvert la session (initialize)");
        return FAILURE;
    }
    let mut server = Server {
        connection: &connection,
        texts: HashMap::new(),
    };
    let status = server.serve();
    drop(connection);
    let _ = threads.join();
    status
}

struct Server<'c> {
    connection: &'c Connection,
    /// The open documents, by URI: each text and what compiling it gave (once per
    /// change, for its diagnostics and every question about it).
    texts: HashMap<String, (String, tarif::Compiled)>,
}

impl Server<'_> {
    fn serve(&mut self) -> u8 {
        for message in &self.connection.receiver {
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request).unwrap_or(true) {
                        return SUCCESS;
                    }
                    let response = self.answer(&request);
                    if self.connection.sender.send(response.into()).is_err() {
                        return FAILURE;
                    }
                }
                Message::Notification(notification) => self.notified(notification),
                Message::Response(_) => {}
            }
        }
        SUCCESS
    }

    fn notified(&mut self, notification: Notification) {
        let params = &notification.params;
        let uri = params["textDocument"]["uri"]
            .as_str()
            .unwrap_or("")
            .to_string();
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or("");
                self.open(&uri, text.to_string());
            }
            "textDocument/didChange" => {
                // Full synchronisation: the last change is the whole text.
                if let Some(text) = params["contentChanges"]
                    .as_array()
                    .and_then(|changes| changes.last())
                    .and_then(|change| change["text"].as_str())
                {
                    self.open(&uri, text.to_string());
                }
            }
            "textDocument/didClose" => {
                self.texts.remove(&uri);
                self.send_notification(
                    "textDocument/publishDiagnostics",
                    json!({ "uri": uri, "diagnostics": [] }),
                );
            }
            _ => {}
        }
    }

    /// Keeps a text and what it compiles to, and publishes its diagnostics.
    fn open(&mut self, uri: &str, text: String) {
        let compiled = tarif::compile(&text);
        let diagnostics = knowledge::diagnostics(&text, &compiled.diagnostics);
        self.texts.insert(uri.to_string(), (text, compiled));
        self.send_notification(
            "textDocument/publishDiagnostics",
            json!({ "uri": uri, "diagnostics": diagnostics }),
        );
    }

    fn send_notification(&self, method: &str, params: Json) {
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                method.to_string(),
                params,
            )));
    }

    fn answer(&self, request: &Request) -> Response {
        let params = &request.params;
        let uri = params["textDocument"]["uri"].as_str().unwrap_or("");
        let Some((text, compiled)) = self.texts.get(uri) else {
            return Response::new_ok(request.id.clone(), Json::Null);
        };
        let position = &params["position"];
        let at = (
            position["line"].as_u64().unwrap_or(0) as usize,
            position["character"].as_u64().unwrap_or(0) as usize,
        );
        let result = match request.method.as_str() {
            "textDocument/hover" => knowledge::hover(text, compiled, at),
            "textDocument/definition" => knowledge::definition(text, compiled, at, uri),
            "textDocument/formatting" => knowledge::formatting(text),
            "textDocument/completion" => knowledge::completion(compiled),
            "textDocument/codeAction" => {
                knowledge::quick_fixes(text, compiled, uri, &params["range"])
            }
            _ => {
                return Response::new_err(
                    request.id.clone(),
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("méthode non prise en charge : {}", request.method),
                );
            }
        };
        Response::new_ok(request.id.clone(), result)
    }
}
