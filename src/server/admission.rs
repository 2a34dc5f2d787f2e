//! What a request may take before it is served: a place among the batches or the
//! verifications at once, the memory of its body, its size. Each bound answers 503
//! (with `Retry-After`) or 413 rather than letting a few clients take the service.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::State;
use super::limits::QUEUE;
use super::routes::error;

/// 503 with `Retry-After: 1`: the service starts, or is full.
pub fn unavailable(code: &str, message: String) -> Response {
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, code, message, None);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    response
}

/// Waits up to [`QUEUE`] for a place of `places`; 503 when none comes.
pub(super) async fn place(
    state: &State,
    places: &Arc<tokio::sync::Semaphore>,
    what: &str,
) -> Result<tokio::sync::OwnedSemaphorePermit, Response> {
    match tokio::time::timeout(QUEUE, places.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            state.metrics.refused.inc();
            Err(unavailable(
                "service_sature",
                format!("trop de {what} en cours : réessayez dans un instant"),
            ))
        }
    }
}

/// A text body (a deliberation, a family), within [`Limits::body`] and the memory of
/// bodies.
pub(super) async fn read_text(
    state: &State,
    headers: &header::HeaderMap,
    body: Body,
) -> Result<Bytes, Response> {
    read_body(state, body, declared_length(headers))
        .await
        .map(|(bytes, _)| bytes)
}

/// The length a request declares (`Content-Length`).
pub(super) fn declared_length(headers: &header::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// 413: the body is larger than `limit` bytes.
pub(super) fn too_large(limit: u64) -> Response {
    let size = match limit {
        l if l >= 1024 * 1024 => format!("{} Mio", l / (1024 * 1024)),
        l if l >= 1024 => format!("{} Kio", l / 1024),
        l => format!("{l} octets"),
    };
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "trop_grand",
        format!("le corps de la requête dépasse {size}"),
        None,
    )
}

/// The body, up to [`Limits::body`] bytes, and its place in the memory given to
/// bodies (held until the answer is made); 413 beyond the limit, 400 when it cannot be
/// read, 503 when the memory of bodies is taken for longer than [`QUEUE`]. A body too
/// large is read to its end (up to four times the limit, not kept) before answering,
/// so that the client, still sending, reads the 413 instead of a broken connection.
pub(super) async fn read_body(
    state: &State,
    body: Body,
    declared: Option<u64>,
) -> Result<(Bytes, Option<tokio::sync::OwnedSemaphorePermit>), Response> {
    use tokio_stream::StreamExt;
    let limit = state.limits.body;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut memory: Option<tokio::sync::OwnedSemaphorePermit> = None;
    let mut total = 0usize;
    // The memory of a declared length is asked for at once (and its buffer made once).
    let mut counted = 0usize;
    if let Some(n) = declared.filter(|n| *n as usize <= limit && *n > 0) {
        memory = Some(reserve(state, n as usize).await?);
        kept.reserve_exact(n as usize);
        counted = n as usize;
    }
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "corps_illisible",
                "le corps de la requête n'a pas pu être lu".to_string(),
                None,
            ));
        };
        total = total.saturating_add(chunk.len());
        if total <= limit {
            // The memory is counted as the buffer grows (its capacity, not its length).
            kept.reserve(chunk.len());
            if kept.capacity() > counted {
                let more = reserve(state, kept.capacity() - counted).await?;
                counted = kept.capacity();
                match memory.as_mut() {
                    Some(held) => held.merge(more),
                    None => memory = Some(more),
                }
            }
            kept.extend_from_slice(&chunk);
        } else if total > limit.saturating_mul(4) {
            break;
        }
    }
    if total > limit {
        return Err(too_large(limit as u64));
    }
    Ok((Bytes::from(kept), memory))
}

/// A place for `bytes` in the memory given to bodies (counted in Kio).
async fn reserve(
    state: &State,
    bytes: usize,
) -> Result<tokio::sync::OwnedSemaphorePermit, Response> {
    let kib = u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX);
    match tokio::time::timeout(QUEUE, state.bodies.clone().acquire_many_owned(kib)).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            state.metrics.refused.inc();
            Err(unavailable(
                "service_sature",
                "trop de requêtes reçues à la fois : réessayez dans un instant".to_string(),
            ))
        }
    }
}
