//! The probes: `/livez` (the process answers), `/readyz` (the database answers and its
//! schema is current), beside `/healthz`.

use reqwest::{Method, StatusCode};
use resettle_testkit::{Backend, spawn_app};
use serde_json::json;
use sqlx::Connection;

use crate::support::on_every_backend;

on_every_backend!(
    live_and_ready_when_the_database_is_current,
    not_ready_but_alive_when_a_migration_is_missing,
    the_probes_are_described_in_openapi,
    not_ready_while_the_database_does_not_answer,
);

async fn live_and_ready_when_the_database_is_current(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    let api = t.anonymous_api();
    let r = api.request(Method::GET, "/livez", None).await?;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({"status": "alive"})));
    let r = api.request(Method::GET, "/readyz", None).await?;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({"status": "ready"})));
    assert_eq!(r.content_type(), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    Ok(())
}

async fn not_ready_but_alive_when_a_migration_is_missing(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    // As if the newest migration had not run: the service must not take traffic.
    let forget = "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)";
    match b {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.db.url).await?;
            sqlx::query(forget).execute(&mut c).await?;
            c.close().await?;
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.db.url).await?;
            sqlx::query(forget).execute(&mut c).await?;
            c.close().await?;
        }
    }
    let api = t.anonymous_api();
    let r = api.request(Method::GET, "/readyz", None).await?;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    assert_eq!(r.body["status"], json!(503));
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("resettle migrate"), "{detail}");
    assert!(r.header("retry-after").is_some());
    let r = api.request(Method::GET, "/livez", None).await?;
    assert_eq!(r.status, StatusCode::OK);
    // `/healthz` keeps its documented meaning: the database answers.
    let r = api.request(Method::GET, "/healthz", None).await?;
    assert_eq!(r.status, StatusCode::OK);
    Ok(())
}

async fn the_probes_are_described_in_openapi(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    let (status, doc) = t.anonymous_api().get("/api/openapi.json").await?;
    assert_eq!(status, StatusCode::OK);
    for path in ["/healthz", "/livez", "/readyz"] {
        let op = &doc["paths"][path]["get"];
        assert!(op.is_object(), "{path} missing");
        assert_eq!(op["security"], json!([{}]), "{path} needs no token");
    }
    let unavailable = &doc["paths"]["/readyz"]["get"]["responses"]["503"]["content"];
    assert!(unavailable["application/problem+json"].is_object(), "{unavailable}");
    Ok(())
}

async fn not_ready_while_the_database_does_not_answer(b: Backend) -> anyhow::Result<()> {
    // PostgreSQL only: another session holding an exclusive lock on the migrations table makes
    // the database stop answering the probe's query (SQLite's readers are never blocked so).
    if b != Backend::Postgres {
        return Ok(());
    }
    let t = spawn_app(b).await?;
    let mut locker = sqlx::PgConnection::connect(&t.db.url).await?;
    sqlx::query("BEGIN").execute(&mut locker).await?;
    sqlx::query("LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE").execute(&mut locker).await?;
    let api = t.anonymous_api();
    let started = std::time::Instant::now();
    let r = api.request(Method::GET, "/readyz", None).await?;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("did not answer"), "{}", r.body);
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "the probe must not hang");
    let r = api.request(Method::GET, "/livez", None).await?;
    assert_eq!(r.status, StatusCode::OK, "alive all the same");
    sqlx::query("ROLLBACK").execute(&mut locker).await?;
    // And ready again as soon as it answers.
    let r = api.request(Method::GET, "/readyz", None).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    Ok(())
}
