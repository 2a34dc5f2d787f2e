//! `tarif serve`: the HTTP service portals call. Every deliberation of a folder is
//! served (see [`catalogue`]); a family is priced by the version in force at its date,
//! with the same JSON as `tarif eval --format json`; files are reloaded when they
//! change. Errors are JSON in French, never a stack trace; access logs carry no body.

mod admission;
pub mod catalogue;
pub mod editor;
pub mod limits;
mod listen;
mod lots;
mod metrics;
mod page;
pub mod publish;
mod routes;
pub mod theme;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use catalogue::Catalogue;
pub use limits::Limits;
use tokio::sync::Semaphore;

/// How often the folder is read again, besides the change notifications.
const POLL: Duration = Duration::from_millis(1000);

/// The state shared by every request: the folder and what was read from it.
pub struct State {
    pub root: PathBuf,
    catalogue: RwLock<Arc<Catalogue>>,
    limits: Limits,
    metrics: metrics::Metrics,
    /// Every file of the folder has been read once (readiness, `GET /pret`).
    ready: AtomicBool,
    /// SIGTERM received: the service is draining.
    draining: AtomicBool,
    /// Batches priced at once.
    lots: Arc<Semaphore>,
    /// Verifications at once.
    verifications: Arc<Semaphore>,
    /// Kibibytes of request bodies held in memory, all requests together.
    bodies: Arc<Semaphore>,
}

impl State {
    fn new(root: &Path, limits: Limits) -> State {
        // A body as large as the limit must fit in the budget.
        let budget = limits.bodies_memory.max(limits.body).div_ceil(1024);
        State {
            root: root.to_path_buf(),
            catalogue: RwLock::new(Arc::new(Catalogue::default())),
            metrics: metrics::Metrics::default(),
            ready: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            lots: Arc::new(Semaphore::new(limits.lots_at_once.max(1))),
            verifications: Arc::new(Semaphore::new(limits.verify_at_once.max(1))),
            bodies: Arc::new(Semaphore::new(budget)),
            limits,
        }
    }

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
        self.metrics.reloaded(&previous, &next);
        match self.catalogue.write() {
            Ok(mut slot) => *slot = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        if !self.ready.swap(true, Ordering::Relaxed) {
            tracing::info!(
                "prêt : {} délibération(s) lue(s)",
                self.catalogue().services.len()
            );
        }
    }

    /// Ready to price: every file read once, and not draining.
    fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed) && !self.draining.load(Ordering::Relaxed)
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

/// Serves `root` on `address` until SIGTERM or Ctrl-C (requests in flight finish,
/// within [`Limits::drain`]). `ready` is told the address actually bound (port 0 picks
/// a free one) as soon as it listens: the folder is read after, `GET /pret` says when.
pub fn serve(
    root: &Path,
    address: SocketAddr,
    journal: Journal,
    limits: Limits,
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
    let result = runtime.block_on(async move {
        let state = Arc::new(State::new(root, limits));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("impossible d'écouter sur {address} ({e})"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("adresse inconnue ({e})"))?;
        watch(state.clone());
        ready(bound);
        listen::run(listener, routes::router(state.clone()), state, shutdown()).await;
        Ok(())
    });
    // Batches cut at the drain's deadline may still hold a thread: not waited for.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

/// Reads the folder on a thread of its own (never behind the requests' threads): first
/// at the start, then when a file changes (notify), and every [`POLL`] in case a
/// change was not notified (network folders).
fn watch(state: Arc<State>) {
    use notify::Watcher;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
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
    let spawned = std::thread::Builder::new()
        .name("relecture".to_string())
        .spawn(move || {
            // The watcher lives as long as this thread.
            let _watcher = watcher;
            loop {
                state.reload();
                match rx.recv_timeout(POLL) {
                    Ok(()) => {
                        // A burst of events (an editor saving) is read once.
                        std::thread::sleep(Duration::from_millis(100));
                        while rx.try_recv().is_ok() {}
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(POLL);
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("les délibérations ne seront pas relues ({e})");
    }
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
}
