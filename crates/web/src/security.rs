//! Security headers, the cross-site request check, and request spans that carry no personal
//! data.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::AppState;

/// The one inline script: GOV.UK Frontend's components stay inert until `<body>` has the
/// class `govuk-frontend-supported`, which must be set before first paint.
pub const BODY_SCRIPT: &str = "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');";

/// The Content-Security-Policy: everything from our own origin, no inline script except the
/// body-class snippet (allowed by its hash), no framing.
pub fn content_security_policy() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BODY_SCRIPT.as_bytes()));
    format!(
        "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Adds the security headers to every response.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    static CSP: std::sync::OnceLock<Option<HeaderValue>> = std::sync::OnceLock::new();
    let is_static = request.uri().path().starts_with("/static/") || request.uri().path().starts_with("/assets/");
    let https = request.extensions().get::<crate::client::ClientInfo>().cloned();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let Some(csp) = CSP.get_or_init(|| HeaderValue::from_str(&content_security_policy()).ok()) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if !is_static {
        // Pages and API answers hold children's personal data: never cache them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if crate::client::is_secure(state.config.secure_cookies, https.as_ref()) {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Drops an incoming `X-Request-Id` that is not a UUID in its usual form, so that a new one is
/// made: the id goes into logs and audit entries, where a caller's free text must not.
pub async fn screen_request_id(mut request: Request, next: Next) -> Response {
    let well_formed = request
        .headers()
        .get(&crate::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() == 36 && uuid::Uuid::try_parse(v).is_ok());
    if !well_formed {
        request.headers_mut().remove(&crate::REQUEST_ID);
    }
    next.run(request).await
}

/// Refuses state-changing browser requests that come from another site, as a second line of
/// defence beside the CSRF token. The JSON API (bearer tokens, no cookies) is not affected.
pub async fn check_origin(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !request.uri().path().starts_with("/api/") {
        let h = request.headers();
        let cross_site =
            h.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| !matches!(v, "same-origin" | "none"));
        let origin_mismatch = match (h.get(header::ORIGIN), h.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let origin = origin.to_str().unwrap_or("");
                let host = host.to_str().unwrap_or("");
                origin != "null" && origin.split_once("://").map(|(_, rest)| rest) != Some(host)
            }
            (Some(origin), None) => origin.to_str().unwrap_or("") != "null",
            _ => false,
        };
        if cross_site || origin_mismatch {
            return (StatusCode::FORBIDDEN, "Cross-site form submissions are not accepted").into_response();
        }
    }
    next.run(request).await
}

/// The span for each request: method, path (ids only, never names) and request id. Query
/// strings are left out: they may carry filter values.
pub fn span_for(request: &axum::http::Request<Body>) -> tracing::Span {
    let id = request.headers().get(&crate::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_body_snippet_by_hash_and_nothing_else_inline() {
        let csp = content_security_policy();
        assert!(csp.contains("script-src 'self' 'sha256-"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
