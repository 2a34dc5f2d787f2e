//! `tarif serve`: the HTTP service portals call. Every deliberation of a folder is
//! served (see [`catalogue`]); a family is priced by the version in force at its date,
//! with the same JSON as `tarif eval --format json`; files are reloaded when they
//! change. Errors are JSON in French, never a stack trace; access logs carry no body.

pub mod catalogue;
mod page;
pub mod publish;
mod routes;
pub mod theme;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use catalogue::Catalogue;

/// How often the folder is read again, besides the change notifications.
const POLL: Duration = Duration::from_millis(1000);

/// The state shared by every request: the folder and what was read from it.
pub struct State {
    pub root: PathBuf,
    catalogue: RwLock<Arc<Catalogue>>,
}

impl State {
    /// The catalogue as it is now (requests keep it while they run).
    pub fn catalogue(&self) -> Arc<Catalogue> {
        match self.catalogue.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the folder again.
    fn reload(&self) {
        let previous = self.catalogue();
        let next = Arc::new(Catalogue::load(&self.root, &previous));
        match self.catalogue.write() {
            Ok(mut slot) => *slot = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}

/// The format of the access logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journal {
    Texte,
    Json,
    /// No access log (its cost: one line written per request).
    Aucun,
}

/// Serves `root` on `address` until SIGTERM or Ctrl-C (requests in flight finish).
/// `ready` is told the address actually bound (port 0 picks a free one).
pub fn serve(
    root: &Path,
    address: SocketAddr,
    journal: Journal,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    use std::io::IsTerminal;
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    let _ = match journal {
        Journal::Json => tracing::subscriber::set_global_default(subscriber.json().finish()),
        Journal::Texte => tracing::subscriber::set_global_default(subscriber.finish()),
        // No line per request; warnings only.
        Journal::Aucun => tracing::subscriber::set_global_default(
            subscriber.with_max_level(tracing::Level::WARN).finish(),
        ),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("démarrage impossible ({e})"))?;
    runtime.block_on(async move {
        let state = Arc::new(State {
            root: root.to_path_buf(),
            catalogue: RwLock::new(Arc::new(Catalogue::load(root, &Catalogue::default()))),
        });
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("impossible d'écouter sur {address} ({e})"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("adresse inconnue ({e})"))?;
        let _watcher = watch(state.clone());
        ready(bound);
        axum::serve(listener, routes::router(state))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| format!("le service s'est arrêté sur une erreur ({e})"))
    })
}

/// Reloads the folder when a file changes (notify), and every [`POLL`] in case a change
/// was not notified (network folders). The watcher lives as long as it is kept.
fn watch(state: Arc<State>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.send(());
        }
    })
    .ok()
    .and_then(|mut w| {
        w.watch(&state.root, notify::RecursiveMode::Recursive)
            .ok()?;
        Some(w)
    });
    tokio::spawn(async move {
        loop {
            tokio::select! {
                event = rx.recv() => {
                    if event.is_none() {
                        tokio::time::sleep(POLL).await;
                    }
                    // A burst of events (an editor saving) is read once.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    while rx.try_recv().is_ok() {}
                }
                () = tokio::time::sleep(POLL) => {}
            }
            let state = state.clone();
            let _ = tokio::task::spawn_blocking(move || state.reload()).await;
        }
    });
    watcher
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("arrêt demandé : les requêtes en cours se terminent");
}
