//! `GET /metrics`: the server's counters in the Prometheus text format (prometheus-client) — HTTP
//! requests by method, route kind and status class, sync ops by outcome, push latency, backups by
//! result. Counts only, never a name or an id: monitoring sees how the server works, not whose
//! journal it holds. Each server (and each test server) has its own registry.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use journal_protocol::{OpOutcome, OpResult};
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// "sync", "admin", "auth", "print", "other_api" or "console": never the path itself (ids).
    area: String,
    /// "2xx", "4xx", …
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

/// The server's metrics and the registry they are rendered from.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    ops: Family<OutcomeLabels, Counter>,
    push_seconds: Histogram,
    backups: Family<OutcomeLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("journal");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, area and status class",
            requests.clone(),
        );
        let ops = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "sync_ops",
            "Pushed ops by outcome (applied, duplicate, conflict, rejected)",
            ops.clone(),
        );
        // 1 ms … about 16 s.
        let push_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        registry.register(
            "sync_push_seconds",
            "Time to answer a push, seconds",
            push_seconds.clone(),
        );
        let backups = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "backups",
            "Backups made over HTTP by result (ok, failed)",
            backups.clone(),
        );
        Metrics {
            registry,
            requests,
            ops,
            push_seconds,
            backups,
        }
    }
}

impl Metrics {
    /// Counts a push's answers and its time.
    pub fn pushed(&self, results: &[OpResult], started: Instant) {
        for r in results {
            let outcome = match r.outcome {
                OpOutcome::Applied { .. } => "applied",
                OpOutcome::Duplicate { .. } => "duplicate",
                OpOutcome::Conflict { .. } => "conflict",
                OpOutcome::Rejected { .. } => "rejected",
            };
            self.ops
                .get_or_create(&OutcomeLabels {
                    outcome: outcome.into(),
                })
                .inc();
        }
        self.push_seconds.observe(started.elapsed().as_secs_f64());
    }

    /// Counts a backup made over HTTP.
    pub fn backup(&self, ok: bool) {
        self.backups
            .get_or_create(&OutcomeLabels {
                outcome: if ok { "ok" } else { "failed" }.into(),
            })
            .inc();
    }

    fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// The part of the API a path belongs to (a label must not carry ids).
fn area(path: &str) -> &'static str {
    let rest = match path.strip_prefix("/api/v1/") {
        Some(rest) => rest,
        None if path == "/metrics" => return "metrics",
        None => return "console",
    };
    match rest.split('/').next().unwrap_or_default() {
        "sync" => "sync",
        "admin" => "admin",
        "auth" => "auth",
        "print" => "print",
        _ => "other_api",
    }
}

/// Middleware: counts every request by method, area and status class.
pub async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let area = area(req.uri().path());
    let response = next.run(req).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            area: area.into(),
            status,
        })
        .inc();
    response
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics.render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A fresh set of metrics for one server.
pub fn fresh() -> Arc<Metrics> {
    Arc::new(Metrics::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_never_carries_a_path_with_ids() {
        assert_eq!(area("/api/v1/sync/pull"), "sync");
        assert_eq!(area("/api/v1/admin/users/0190-aaaa/password"), "admin");
        assert_eq!(area("/api/v1/diary/week"), "other_api");
        assert_eq!(area("/students"), "console");
        assert_eq!(area("/metrics"), "metrics");
    }
}
