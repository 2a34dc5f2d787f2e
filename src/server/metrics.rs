//! `GET /metrics`: what an operator's Prometheus scrapes (the OpenMetrics text format,
//! written by the Prometheus project's own client). Routes are labelled by their
//! pattern, never by the path a client sent (an id, a query), so that the number of
//! series stays bounded whatever clients send.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::catalogue::Catalogue;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Request {
    route: &'static str,
    methode: &'static str,
    statut: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    resultat: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Files {
    etat: &'static str,
}

type Latency = Family<Route, Histogram, fn() -> Histogram>;

/// The service's counters, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<Request, Counter>,
    latency: Latency,
    families: Family<Outcome, Counter>,
    reloads: Family<Outcome, Counter>,
    files: Family<Files, Gauge>,
    pub connections: Gauge,
    pub lots: Gauge,
    /// Requests refused because the service was full (503).
    pub refused: Counter,
}

fn latency_histogram() -> Histogram {
    // From 100 µs to about 26 s.
    Histogram::new(exponential_buckets(0.0001, 4.0, 10))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("tarif");
        let requests = Family::<Request, Counter>::default();
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        let families = Family::<Outcome, Counter>::default();
        let reloads = Family::<Outcome, Counter>::default();
        let files = Family::<Files, Gauge>::default();
        let connections = Gauge::default();
        let lots = Gauge::default();
        let refused = Counter::default();
        registry.register(
            "requetes",
            "Requêtes reçues, par route, méthode et statut",
            requests.clone(),
        );
        registry.register(
            "requete_duree_secondes",
            "Durée des requêtes jusqu'aux en-têtes de la réponse, par route",
            latency.clone(),
        );
        registry.register(
            "familles",
            "Familles tarifées (tarifee) ou refusées (erreur), une par ligne de lot",
            families.clone(),
        );
        registry.register(
            "rechargements",
            "Fichiers relus après une modification : servis, retenus ou en erreur",
            reloads.clone(),
        );
        registry.register(
            "fichiers",
            "Fichiers du dossier, par état : servi, retenu, erreur, illisible",
            files.clone(),
        );
        registry.register(
            "connexions_ouvertes",
            "Connexions ouvertes",
            connections.clone(),
        );
        registry.register(
            "lots_en_cours",
            "Lots en cours de tarification",
            lots.clone(),
        );
        registry.register(
            "refus_sature",
            "Requêtes refusées (503) parce que le service était plein",
            refused.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            families,
            reloads,
            files,
            connections,
            lots,
            refused,
        }
    }
}

impl Metrics {
    /// One request answered.
    pub fn request(&self, route: &'static str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&Request {
                route,
                methode: method_name(method),
                statut: status,
            })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(seconds);
    }

    /// One family priced (`true`) or refused.
    pub fn family(&self, priced: bool) {
        let resultat = if priced { "tarifee" } else { "erreur" };
        self.families.get_or_create(&Outcome { resultat }).inc();
    }

    /// The files of a catalogue just read, and what became of those that changed
    /// (their text, or their state).
    pub fn reloaded(&self, previous: &Catalogue, next: &Catalogue) {
        let before: std::collections::HashMap<&str, (&str, usize)> = previous
            .services
            .values()
            .flat_map(|s| s.files.iter())
            .map(|f| (f.path.as_str(), (f.source.as_str(), file_state(f))))
            .collect();
        let mut counts = [0i64; 4];
        for file in next.services.values().flat_map(|s| s.files.iter()) {
            let state = file_state(file);
            counts[state] += 1;
            // A new text, or the same text now served (it was settling) or held back.
            let changed = before.get(file.path.as_str()) != Some(&(file.source.as_str(), state));
            if changed && previous.loaded {
                let resultat = ["servi", "retenu", "erreur", "illisible"][state];
                self.reloads.get_or_create(&Outcome { resultat }).inc();
            }
        }
        for (state, count) in ["servi", "retenu", "erreur", "illisible"]
            .into_iter()
            .zip(counts)
        {
            self.files.get_or_create(&Files { etat: state }).set(count);
        }
    }

    /// The text served at `/metrics`.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// A method as labelled: the methods of HTTP, any other as `AUTRE` (a bounded set).
fn method_name(method: &str) -> &'static str {
    const METHODS: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    METHODS
        .into_iter()
        .find(|m| *m == method)
        .unwrap_or("AUTRE")
}

/// 0 served, 1 held back, 2 with errors, 3 unreadable.
fn file_state(file: &super::catalogue::Entry) -> usize {
    if file.unreadable.is_some() {
        3
    } else if file.diagnostics.iter().any(|d| d.is_error()) {
        2
    } else if file.waiting.is_some() {
        1
    } else {
        0
    }
}
