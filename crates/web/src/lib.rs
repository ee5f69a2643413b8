//! Resettle's web layer: server-rendered pages for people (GOV.UK Design System) and a JSON
//! API for machines (OpenAPI at `/api/openapi.json`).
//!
//! Handlers are thin: they turn requests into calls on [`resettle_app::App`] and results into
//! pages or JSON. They never decide access themselves — the application asks the domain's
//! access policy — and they never show internal errors: [`error`] maps every failure to one
//! status and a message that says what to do.

pub mod api;
pub mod assets;
pub mod caseload_filter;
pub mod chrome;
pub mod client;
pub mod download;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod pages;
pub mod routes;
pub mod sar_export;
pub mod security;
pub mod session;
pub mod words;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, StatusCode};
use resettle_app::App;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings of the web layer; the default serves the embedded front-end over plain HTTP.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// A folder to serve the front-end from instead of the copy embedded in the binary
    /// (`RESETTLE_STATIC_DIR`, for working on the stylesheet without rebuilding); `None`
    /// serves the embedded copy. Either way it is served at `/static`, and its `assets`
    /// folder at `/assets` where the GOV.UK and MoJ stylesheets expect it.
    pub static_dir: Option<PathBuf>,
    /// Mark cookies `Secure` (with the `__Host-` prefix) and send HSTS: set when the service
    /// is reached over TLS (directly or through a proxy that terminates it).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`[http] trusted_proxies`); none by default.
    pub trusted_proxies: Vec<client::TrustedProxy>,
    /// This server's metrics registry: every request is counted in it; serve it with
    /// [`metrics::router`] on a listener of its own.
    pub metrics: metrics::Metrics,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application services.
    pub app: App,
    /// Web settings.
    pub config: Arc<WebConfig>,
}

/// The request-id header, set on every request and echoed on every response.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole service as one router.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config: Arc::new(config.clone()) };
    Router::new()
        .merge(api::router(state.clone()))
        .merge(routes::page_router(state.clone()))
        .route("/static/{*path}", axum::routing::get(assets::static_file).with_state(state.clone()))
        .route("/assets/{*path}", axum::routing::get(assets::asset_file).with_state(state.clone()))
        .route_layer(axum::middleware::from_fn(metrics::note_route))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), i18n::negotiate))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(api::MAX_BODY))
        .layer(axum::middleware::from_fn(api::problems_everywhere))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        // Pages and JSON compressed as the browser asks (Brotli, else gzip) at level 4: on a
        // 100 KB caseload page it keeps most of level 9's saving for a fraction of its time.
        // The front-end files come compressed from the build and pass through untouched.
        // Every CSRF token a page carries is masked afresh (`session::mask_token`), so a secret
        // is never repeated in compressed responses (BREACH).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Precise(4))
                .no_deflate()
                .no_zstd(),
        )
        .layer(axum::middleware::from_fn(security::check_origin))
        .layer(axum::middleware::from_fn_with_state(state.clone(), client::client_info))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            // One line per request, inside its span (method, path, request id): paths carry
            // ids only, and neither query strings nor bodies are logged.
            TraceLayer::new_for_http().make_span_with(security::span_for).on_response(
                tower_http::trace::DefaultOnResponse::new()
                    .level(tracing::Level::INFO)
                    .latency_unit(tower_http::LatencyUnit::Millis),
            ),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(axum::middleware::from_fn(security::screen_request_id))
        .layer(axum::middleware::from_fn_with_state(config.metrics.clone(), metrics::track))
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, passing client addresses through.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
