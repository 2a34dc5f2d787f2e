//! The connections, served by hand rather than by `axum::serve`, which sets no time
//! limit on request headers: a client that dribbles its headers (slowloris) or keeps
//! an idle connection would hold a descriptor forever. Here:
//! - request headers, and the wait for the next request of a keep-alive connection,
//!   have [`Limits::headers_timeout`];
//! - connections are capped below the open-file limit ([`Limits::connections`]): past
//!   the cap, a new connection waits in the kernel's queue instead of taking the
//!   descriptor a reload needs;
//! - on SIGTERM the listener closes, idle connections close, requests in flight have
//!   [`Limits::drain`] to finish, and the rest are cut.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use super::State;

/// Serves `router` on `listener` until `stop` resolves, then drains.
pub async fn run(
    listener: TcpListener,
    router: axum::Router,
    state: Arc<State>,
    stop: impl Future<Output = ()>,
) {
    let limits = &state.limits;
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections()));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.headers_timeout)
        .keep_alive(true);
    let mut stop = std::pin::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors (another process's doing, or a low limit):
                    // wait for connections to close rather than spin.
                    if !is_connection_error(&e) {
                        tracing::warn!("connexion refusée : {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        let state = state.clone();
        state.metrics.connections.inc();
        tokio::spawn(async move {
            // A client gone, a time limit reached: the connection ends, nothing to say.
            let _ = connection.await;
            state.metrics.connections.dec();
            drop(slot);
        });
    }
    drop(listener);
    state.draining.store(true, Ordering::Relaxed);
    tracing::info!("arrêt demandé : les requêtes en cours se terminent");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!(
                "arrêt : les requêtes encore en cours après {} s sont coupées",
                limits.drain.as_secs()
            );
        }
    }
}

/// An error of one connection (reset before it was accepted), not of the listener.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}
