//! Metrics (issue 16): Prometheus text on a listener of its own, never on the public port;
//! requests counted by the route they matched, never by the path asked for.

use reqwest::StatusCode;
use resettle_testkit::Backend;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(metrics_answer_on_their_own_port_and_count_requests_by_route);

/// The value of the first sample of `name` whose labels include every one of `labels`.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| labels.iter().all(|want| l.contains(want)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(t: &resettle_testkit::TestApp) -> anyhow::Result<String> {
    let r = reqwest::get(format!("{}/metrics", t.metrics)).await?;
    anyhow::ensure!(r.status() == StatusCode::OK, "metrics answered {}", r.status());
    let content_type = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    anyhow::ensure!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    Ok(r.text().await?)
}

async fn metrics_answer_on_their_own_port_and_count_requests_by_route(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Byron").await?;
    let id = child["id"].as_str().unwrap_or_default().to_string();

    // Never on the public port.
    let r = reqwest::get(w.t.url("/metrics")).await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let before = scrape(&w.t).await?;
    let list = ["method=\"GET\"", "route=\"/api/v1/children\"", "status=\"200\""];
    let listed_before = sample(&before, "resettle_http_requests_total", &list).unwrap_or(0.0);
    for _ in 0..3 {
        assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::OK);
    }
    assert_eq!(w.api().get(&format!("/api/v1/children/{id}")).await?.0, StatusCode::OK);
    assert_eq!(w.api().get("/no/such/page/for-ada-byron").await?.0, StatusCode::NOT_FOUND);

    let after = scrape(&w.t).await?;
    assert_eq!(sample(&after, "resettle_http_requests_total", &list), Some(listed_before + 3.0), "{after}");
    let one = ["route=\"/api/v1/children/{id}\"", "status=\"200\""];
    assert_eq!(sample(&after, "resettle_http_requests_total", &one), Some(1.0), "{after}");
    assert_eq!(
        sample(&after, "resettle_http_requests_total", &["route=\"unmatched\"", "status=\"404\""]),
        Some(2.0),
        "the public /metrics and the made-up path: {after}"
    );
    // Latency histograms by route.
    let buckets = ["method=\"GET\"", "route=\"/api/v1/children\"", "le=\"+Inf\""];
    assert!(sample(&after, "resettle_http_request_duration_seconds_bucket", &buckets).unwrap_or(0.0) >= 3.0);
    // Paths asked for (ids, names) never become labels.
    assert!(!after.contains(&id) && !after.contains("ada-byron"), "{after}");
    // The pool, the audit and email queues.
    assert!(sample(&after, "resettle_db_pool_connections", &["state=\"in_use\""]).is_some(), "{after}");
    assert!(sample(&after, "resettle_db_pool_max_connections", &[]).unwrap_or(0.0) >= 1.0);
    assert_eq!(sample(&after, "resettle_audit_queue_depth", &[]), Some(0.0));
    assert_eq!(sample(&after, "resettle_outbox_emails", &["state=\"waiting\""]), Some(0.0));
    assert_eq!(sample(&after, "resettle_database_up", &[]), Some(1.0));

    // The metrics listener serves nothing else.
    let r = reqwest::get(format!("{}/api/v1/children", w.t.metrics)).await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    Ok(())
}
