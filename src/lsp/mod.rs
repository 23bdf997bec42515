//! `kzclaims lsp`: the Language Server Protocol over stdio (docs/editors.md).
//!
//! One thread reads the editor's messages (lsp-server's), this one answers
//! them. The workspace lives in a [`store::Store`]: every file's text, the
//! editor's for open documents, and the analysis kept up to date from them
//! (`crate::live`). Edits are applied as they come; before the next request
//! is answered, or once no message is waiting, the files that changed are
//! put into the analysis (re-parsed, their claims replaced in the loaded
//! workspace, the assessment and `check`'s warnings brought up to date) and
//! the diagnostics of every file whose diagnostics changed are published.

mod actions;
mod complete;
mod diagnostics;
mod hints;
mod hover;
mod navigate;
pub(crate) mod position;
mod schema_docs;
pub(crate) mod store;
pub(crate) mod syntax;
pub(crate) mod uri;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::*;
use serde_json::Value;
use store::Store;

/// Settings from the client's `initializationOptions`.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Inlay hints after each claim's id (`{"inlayHints": false}` turns them off).
    pub inlay_hints: bool,
}

struct Server {
    conn: Connection,
    /// The root given by the client; else found from the first opened file.
    store: Option<Store>,
    settings: Settings,
    /// Documents changed since the last analysis.
    dirty: bool,
}

/// Run the server on stdin/stdout until the client says `exit`.
/// `workspace`: the root to use when the client names no folder (`--workspace`).
pub(crate) fn run(workspace: Option<std::path::PathBuf>) -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    serve(conn, workspace)?;
    io.join().map_err(|e| e.to_string())
}

/// What the server can do, as told to the client.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "=".into(), " ".into(), "[".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// Serve one connection: the handshake, then messages until `exit`.
pub(crate) fn serve(conn: Connection, workspace: Option<std::path::PathBuf>) -> Result<(), String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize: {e}"))?;
    let settings = Settings {
        inlay_hints: init
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("inlayHints"))
            .and_then(Value::as_bool)
            .unwrap_or(true),
    };
    #[allow(deprecated)] // rootUri: older clients send only it
    let folder = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(init.root_uri.clone())
        .and_then(|u| uri::to_path(&u))
        .or(workspace);
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "kzclaims".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    conn.initialize_finish(id, serde_json::to_value(result).expect("serialises"))
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        conn,
        store: None,
        settings,
        dirty: false,
    };
    if let Some(root) = folder.as_deref().and_then(crate::load::find_root) {
        server.store = Some(Store::open(&root));
        server.dirty = true;
    }
    server.main_loop()
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            // With nothing waiting, bring the diagnostics up to date.
            if self.dirty && self.conn.receiver.is_empty() {
                self.refresh();
            }
            let Ok(msg) = self.conn.receiver.recv() else {
                return Ok(());
            };
            match msg {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    if self.dirty {
                        self.refresh();
                    }
                    let resp = self.request(req);
                    self.send(Message::Response(resp));
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, m: Message) {
        // The reader thread ends with the client; nothing to tell anyone.
        let _ = self.conn.sender.send(m);
    }

    fn refresh(&mut self) {
        self.dirty = false;
        if let Some(store) = self.store.as_mut() {
            let changed = store.analyse();
            let t = std::time::Instant::now();
            let published = diagnostics::publish(store, &changed);
            if std::env::var_os("KZCLAIMS_LSP_TIMING").is_some() {
                eprintln!(
                    "kzclaims lsp: {} files published in {:.1} ms",
                    published.len(),
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
            for (uri, diags, version) in published {
                let params = PublishDiagnosticsParams {
                    uri,
                    diagnostics: diags,
                    version,
                };
                self.send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    params,
                )));
            }
        }
    }

    /// The store and the file's path in it, for a document of the workspace.
    fn locate(&self, uri: &Uri) -> Option<(&Store, String)> {
        let store = self.store.as_ref()?;
        let rel = store.rel(&uri::to_path(uri)?)?;
        store.docs.contains_key(&rel).then_some((store, rel))
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                if self.store.is_none() {
                    if let Some(root) = path.parent().and_then(crate::load::find_root) {
                        self.store = Some(Store::open(&root));
                    }
                }
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                if let Some(rel) = store.rel(&path) {
                    let doc = store
                        .docs
                        .entry(rel)
                        .or_insert_with(|| store::Doc::new(String::new(), true, None));
                    doc.open = true;
                    doc.version = Some(p.text_document.version);
                    if doc.text != p.text_document.text {
                        doc.set_text(p.text_document.text);
                    }
                    self.dirty = true;
                }
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                let Some(doc) = store.rel(&path).and_then(|r| store.docs.get_mut(&r)) else {
                    return;
                };
                let mut text = std::mem::take(&mut doc.text);
                for c in p.content_changes {
                    match c.range {
                        None => text = c.text,
                        Some(r) => {
                            let lines = position::LineIndex::new(&text);
                            let start = lines.offset(&text, r.start);
                            let end = lines.offset(&text, r.end).max(start);
                            text.replace_range(start..end, &c.text);
                        }
                    }
                }
                doc.set_text(text);
                doc.version = Some(p.text_document.version);
                self.dirty = true;
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                if let Some(rel) = uri::to_path(&p.text_document.uri).and_then(|p| store.rel(&p)) {
                    if let Some(d) = store.docs.get_mut(&rel) {
                        d.open = false;
                        d.version = None;
                    }
                    // Back to what the disk says (an unsaved edit is gone).
                    store.reload_from_disk(&rel);
                    self.dirty = true;
                }
            }
            "textDocument/didSave" => {
                // The open document's text is already the one analysed.
            }
            "workspace/didChangeWatchedFiles" => {
                let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) else {
                    return;
                };
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                for ch in p.changes {
                    if let Some(rel) = uri::to_path(&ch.uri).and_then(|p| store.rel(&p)) {
                        store.reload_from_disk(&rel);
                        self.dirty = true;
                    }
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = self.answer(&req.method, req.params);
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(Failed::Params(m)) => {
                Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, m)
            }
            Err(Failed::Method) => Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("kzclaims lsp does not answer {}", req.method),
            ),
            Err(Failed::Request(m)) => {
                Response::new_err(id, lsp_server::ErrorCode::RequestFailed as i32, m)
            }
        }
    }

    fn answer(&mut self, method: &str, params: Value) -> Result<Value, Failed> {
        fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Failed> {
            serde_json::from_value(v).map_err(|e| Failed::Params(e.to_string()))
        }
        fn json<T: serde::Serialize>(v: T) -> Result<Value, Failed> {
            Ok(serde_json::to_value(v).expect("LSP types serialise"))
        }
        let at = |p: &TextDocumentPositionParams| {
            self.locate(&p.text_document.uri).map(|(s, rel)| {
                let d = &s.docs[&rel];
                let off = d.lines.offset(&d.text, p.position);
                (s, rel, off)
            })
        };
        match method {
            "textDocument/completion" => {
                let p: CompletionParams = parse(params)?;
                json(at(&p.text_document_position).map(|(s, rel, off)| {
                    CompletionResponse::Array(complete::complete(s, &rel, off))
                }))
            }
            "textDocument/hover" => {
                let p: HoverParams = parse(params)?;
                json(
                    at(&p.text_document_position_params)
                        .and_then(|(s, rel, off)| hover::hover(s, &rel, off)),
                )
            }
            "textDocument/definition" => {
                let p: GotoDefinitionParams = parse(params)?;
                json(
                    at(&p.text_document_position_params)
                        .and_then(|(s, rel, off)| navigate::definition(s, &rel, off))
                        .map(GotoDefinitionResponse::Array),
                )
            }
            "textDocument/references" => {
                let p: ReferenceParams = parse(params)?;
                let decl = p.context.include_declaration;
                json(
                    at(&p.text_document_position)
                        .map(|(s, rel, off)| navigate::references(s, &rel, off, decl)),
                )
            }
            "textDocument/documentSymbol" => {
                let p: DocumentSymbolParams = parse(params)?;
                json(self.locate(&p.text_document.uri).map(|(s, rel)| {
                    DocumentSymbolResponse::Flat(navigate::symbols(s, Some(&rel), ""))
                }))
            }
            "workspace/symbol" => {
                let p: WorkspaceSymbolParams = parse(params)?;
                json(
                    self.store.as_ref().map(|s| {
                        WorkspaceSymbolResponse::Flat(navigate::symbols(s, None, &p.query))
                    }),
                )
            }
            "textDocument/prepareRename" => {
                let p: TextDocumentPositionParams = parse(params)?;
                json(
                    at(&p)
                        .and_then(|(s, rel, off)| navigate::prepare_rename(s, &rel, off))
                        .map(PrepareRenameResponse::Range),
                )
            }
            "textDocument/rename" => {
                let p: RenameParams = parse(params)?;
                match at(&p.text_document_position) {
                    None => json(Value::Null),
                    Some((s, rel, off)) => {
                        json(navigate::rename(s, &rel, off, &p.new_name).map_err(Failed::Request)?)
                    }
                }
            }
            "textDocument/codeAction" => {
                let p: CodeActionParams = parse(params)?;
                json(self.locate(&p.text_document.uri).map(|(s, rel)| {
                    actions::code_actions(s, &rel, p.range, &p.context.diagnostics)
                }))
            }
            "textDocument/formatting" => {
                let p: DocumentFormattingParams = parse(params)?;
                json(
                    self.locate(&p.text_document.uri)
                        .and_then(|(s, rel)| actions::format(s, &rel)),
                )
            }
            "textDocument/inlayHint" => {
                let p: InlayHintParams = parse(params)?;
                if !self.settings.inlay_hints {
                    return json(Vec::<InlayHint>::new());
                }
                json(
                    self.locate(&p.text_document.uri)
                        .map(|(s, rel)| hints::inlay_hints(s, &rel, p.range)),
                )
            }
            _ => Err(Failed::Method),
        }
    }
}

enum Failed {
    Params(String),
    Method,
    Request(String),
}

/// The range of a byte span of a workspace file, and its URI.
pub(crate) fn location(store: &Store, rel: &str, span: std::ops::Range<usize>) -> Option<Location> {
    let d = store.docs.get(rel)?;
    Some(Location::new(
        uri::from_path(&store.root.join(rel)),
        d.lines.range(&d.text, span),
    ))
}

/// Today's date (UTC), for the completions and code actions that date a record.
pub(crate) fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date") + chrono::Days::new(days)
}
