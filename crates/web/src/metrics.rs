//! Prometheus metrics, served on a listener of their own (`resettle serve --metrics-bind`),
//! never on the public port: request counts and latencies by route, the database pool, the
//! audit and email queues, and what the sweeps did.
//!
//! Each server has its own registry (a [`PrometheusRecorder`] used as a local recorder), so
//! two servers in one process — as in the integration tests — never mix their counts. No
//! label carries personal data: routes are the matched patterns (`/api/v1/children/{id}`),
//! never the path asked for.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderValue, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use resettle_app::App;
use resettle_app::health::SweepReport;

/// Requests answered, by method, route and status.
pub const REQUESTS: &str = "resettle_http_requests_total";
/// How long requests took, by method and route (a histogram).
pub const DURATION: &str = "resettle_http_request_duration_seconds";

/// The route label of a request that matched no route (the 404 fallback): one value, so that
/// made-up paths cannot grow the number of series.
const UNMATCHED: &str = "unmatched";

/// Latency buckets (seconds): from a cached page to the request timeout.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// One server's metrics. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// The route a request matched, passed from the router (which knows it) to the outer layer
/// (which times the whole request) on the response.
#[derive(Clone)]
struct Route(Arc<str>);

impl Metrics {
    /// An empty registry.
    pub fn new() -> Self {
        let builder = PrometheusBuilder::new();
        let builder = match builder.set_buckets_for_metric(Matcher::Full(DURATION.to_string()), BUCKETS) {
            Ok(b) => b,
            // Only an empty bucket list is refused; the list above is not empty.
            Err(_) => PrometheusBuilder::new(),
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        Self { recorder: Arc::new(recorder), handle }
    }

    /// Runs `f` with this server's registry as the recorder.
    fn record<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(self.recorder.as_ref(), f)
    }

    /// Counts a request and its duration.
    fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.record(|| {
            metrics::counter!(REQUESTS, "method" => method.to_string(), "route" => route.to_string(), "status" => status.to_string())
                .increment(1);
            metrics::histogram!(DURATION, "method" => method.to_string(), "route" => route.to_string())
                .record(took.as_secs_f64());
        });
    }

    /// Records one sweep: what it did, or that it failed, and how long it took.
    pub fn sweep<E>(&self, outcome: &Result<SweepReport, E>, took: Duration) {
        self.record(|| {
            let result = if outcome.is_ok() { "ok" } else { "failed" };
            metrics::counter!("resettle_sweep_runs_total", "result" => result).increment(1);
            metrics::histogram!("resettle_sweep_duration_seconds").record(took.as_secs_f64());
            if let Ok(r) = outcome {
                let counts: [(&'static str, u64); 7] = [
                    ("handover_escalated", r.escalated as u64),
                    ("notification", r.notifications as u64),
                    ("readiness_notification", r.readiness_notifications as u64),
                    ("action_notification", r.action_notifications as u64),
                    ("appointment_reminder", r.appointment_reminders as u64),
                    ("digest_queued", r.digests),
                    ("email_sent", u64::from(r.emails_sent)),
                ];
                for (kind, n) in counts {
                    metrics::counter!("resettle_sweep_items_total", "kind" => kind).increment(n);
                }
                metrics::counter!("resettle_sweep_items_total", "kind" => "email_failed")
                    .increment(u64::from(r.emails_failed));
                let now = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
                metrics::gauge!("resettle_sweep_last_success_timestamp_seconds").set(now);
            }
        });
    }

    /// Drains the histograms' recent samples into their buckets; run now and then, so that a
    /// server nobody scrapes does not keep every sample.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// The text exposition format, with the gauges read from `app` now.
    pub async fn render(&self, app: &App) -> String {
        let pool = app.store().pool_usage();
        let audit_queue = app.audit_queue_depth();
        let outbox = app.store().outbox_counts().await;
        self.record(|| {
            metrics::gauge!("resettle_db_pool_connections", "state" => "in_use")
                .set(f64::from(pool.open.saturating_sub(pool.idle)));
            metrics::gauge!("resettle_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
            metrics::gauge!("resettle_db_pool_max_connections").set(f64::from(pool.max));
            metrics::gauge!("resettle_audit_queue_depth").set(audit_queue as f64);
            match &outbox {
                Ok(c) => {
                    metrics::gauge!("resettle_outbox_emails", "state" => "waiting").set(c.waiting as f64);
                    metrics::gauge!("resettle_outbox_emails", "state" => "retrying").set(c.retrying as f64);
                    metrics::gauge!("resettle_database_up").set(1.0);
                }
                Err(_) => metrics::gauge!("resettle_database_up").set(0.0),
            }
        });
        self.handle.render()
    }
}

/// The outer layer: times every request and counts it under the route the router matched
/// (see [`note_route`]), or [`UNMATCHED`].
pub async fn track(State(metrics): State<Metrics>, request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let response = next.run(request).await;
    let route = response.extensions().get::<Route>().map_or(UNMATCHED, |r| &r.0).to_string();
    metrics.request(&method, &route, response.status().as_u16(), started.elapsed());
    response
}

/// The inner layer, on the routes only: says on the response which route matched.
pub async fn note_route(request: Request<Body>, next: Next) -> Response {
    let route: Option<Arc<str>> = request.extensions().get::<MatchedPath>().map(|p| Arc::from(p.as_str()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub fn router(app: App, metrics: Metrics) -> Router {
    Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let (app, metrics) = (app.clone(), metrics.clone());
            async move {
                let body = metrics.render(&app).await;
                let mut response = body.into_response();
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_is_counted_by_what_it_did() {
        let m = Metrics::new();
        let report = SweepReport { escalated: 2, emails_sent: 3, ..SweepReport::default() };
        m.sweep(&Ok::<_, ()>(report), Duration::from_millis(20));
        m.sweep(&Err::<SweepReport, _>("no database"), Duration::from_millis(5));
        let text = m.handle.render();
        assert!(text.contains("resettle_sweep_runs_total{result=\"ok\"} 1"), "{text}");
        assert!(text.contains("resettle_sweep_runs_total{result=\"failed\"} 1"), "{text}");
        assert!(text.contains("resettle_sweep_items_total{kind=\"handover_escalated\"} 2"), "{text}");
        assert!(text.contains("resettle_sweep_items_total{kind=\"email_sent\"} 3"), "{text}");
        assert!(text.contains("resettle_sweep_last_success_timestamp_seconds"), "{text}");
    }

    #[test]
    fn two_registries_never_mix_their_counts() {
        let (a, b) = (Metrics::new(), Metrics::new());
        a.request("GET", "/livez", 200, Duration::from_millis(1));
        assert!(a.handle.render().contains("resettle_http_requests_total"));
        assert!(!b.handle.render().contains("resettle_http_requests_total"));
    }
}
