//! The front-end files (stylesheet, scripts, images): embedded in the binary at build time
//! (see `build.rs`), or read from a folder during development (`RESETTLE_STATIC_DIR`).
//!
//! Pages link them at `/static/<VERSION>/...`, where [`VERSION`] is a hash of all of them:
//! a changed front-end gets new URLs, so an embedded file served under the current version is
//! sent with `Cache-Control: public, max-age=31536000, immutable`. Anything else (an old
//! version from a page still open in a browser, a path without a version, `/assets/...`, or a
//! file from the development folder) is sent with `no-cache` and an `ETag`, so browsers
//! always check it is current.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::AppState;

/// A front-end file built into the binary.
#[derive(Debug)]
pub struct Embedded {
    /// Its path under `static/dist`, with `/` separators.
    pub path: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// A strong ETag of `bytes`, quoted.
    pub etag: &'static str,
    /// Its contents.
    pub bytes: &'static [u8],
    /// The same, gzip-compressed at build time (text files, when it saves space).
    pub gzip: Option<&'static [u8]>,
    /// The same, brotli-compressed at build time.
    pub brotli: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/embedded_assets.rs"));

/// How long a versioned asset may be kept: a year, and it never changes under its URL.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unversioned and development assets: keep, but ask the server each time (cheap with ETags).
pub const REVALIDATE: &str = "no-cache";

/// The URL of a front-end file, e.g. `url("resettle.css")` is `/static/<VERSION>/resettle.css`.
pub fn url(path: &str) -> String {
    format!("/static/{VERSION}/{path}")
}

/// The embedded file at `path` (relative to `static/dist`).
pub fn embedded(path: &str) -> Option<&'static Embedded> {
    FILES.binary_search_by(|f| f.path.cmp(path)).ok().and_then(|i| FILES.get(i))
}

/// Whether the `Accept-Encoding` header accepts `coding` (named, or `*`, without `q=0`).
fn accepts(header: Option<&HeaderValue>, coding: &str) -> bool {
    let Some(value) = header.and_then(|v| v.to_str().ok()) else { return false };
    value.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused =
            parts.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0));
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

/// `GET /static/{*path}`.
pub async fn static_file(State(state): State<AppState>, UrlPath(path): UrlPath<String>, request: Request) -> Response {
    let (path, versioned) = match path.split_once('/') {
        Some((version, rest)) if version == VERSION => (rest.to_string(), true),
        _ => (path, false),
    };
    serve(state.config.static_dir.as_deref(), &path, versioned, request).await
}

/// `GET /assets/{*path}`: where the published GOV.UK and MoJ stylesheets look for images.
pub async fn asset_file(State(state): State<AppState>, UrlPath(path): UrlPath<String>, request: Request) -> Response {
    serve(state.config.static_dir.as_deref(), &format!("assets/{path}"), false, request).await
}

async fn serve(dir: Option<&Path>, path: &str, versioned: bool, request: Request) -> Response {
    match dir {
        Some(dir) => from_disk(dir.to_path_buf(), path, request).await,
        None => from_binary(path, versioned, &request),
    }
}

fn from_binary(path: &str, versioned: bool, request: &Request) -> Response {
    // An old page may ask for an older version's file: give the current one, uncached.
    let found = embedded(path).or_else(|| path.split_once('/').and_then(|(_, rest)| embedded(rest)));
    let Some(file) = found else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let cache = if versioned && embedded(path).is_some() { IMMUTABLE } else { REVALIDATE };
    let accept = request.headers().get(header::ACCEPT_ENCODING);
    // Each encoding is a representation of its own, with its own ETag.
    let tagged = |suffix: &str| format!("{}-{suffix}\"", file.etag.trim_end_matches('"'));
    let (bytes, encoding, etag) = match (file.brotli, file.gzip) {
        (Some(b), _) if accepts(accept, "br") => (b, Some("br"), tagged("br")),
        (_, Some(g)) if accepts(accept, "gzip") => (g, Some("gzip"), tagged("gz")),
        _ => (file.bytes, None, file.etag.to_string()),
    };
    let matches = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response =
        if matches { StatusCode::NOT_MODIFIED.into_response() } else { Body::from(bytes).into_response() };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(coding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    if file.gzip.is_some() || file.brotli.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// A file from the development folder, through `ServeDir` (which refuses paths that leave it).
async fn from_disk(dir: PathBuf, path: &str, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(uri) = format!("/{path}").parse() else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    parts.uri = uri;
    let request = Request::from_parts(parts, body);
    match ServeDir::new(dir).oneshot(request).await {
        Ok(response) => {
            let mut response = response.map(Body::new);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
            response
        }
        Err(infallible) => match infallible {},
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_and_scripts_are_embedded_with_their_types() {
        assert_eq!(embedded("resettle.css").unwrap().content_type, "text/css; charset=utf-8");
        assert_eq!(embedded("app.js").unwrap().content_type, "text/javascript; charset=utf-8");
        assert!(embedded("govuk-frontend.min.js").is_some());
        assert!(embedded("no-such-file.css").is_none());
    }

    #[test]
    fn the_embedded_stylesheet_finds_its_images_under_the_same_version() {
        let css = std::str::from_utf8(embedded("resettle.css").unwrap().bytes).unwrap();
        assert!(!css.contains("url(/assets/") && !css.contains("url(\"/assets/"), "unversioned image URL in the CSS");
        let prefix = format!("/static/{VERSION}/");
        let mut seen = 0;
        for (at, _) in css.match_indices(&prefix) {
            let rest = &css[at + prefix.len()..];
            let end = rest.find([')', '"', '\'']).unwrap();
            assert!(embedded(&rest[..end]).is_some(), "the CSS refers to {} which is not embedded", &rest[..end]);
            seen += 1;
        }
        assert!(seen > 0, "the CSS should refer to some images");
    }

    #[test]
    fn the_stylesheet_is_precompressed_and_images_are_not() {
        let css = embedded("resettle.css").unwrap();
        assert!(css.gzip.is_some_and(|g| g.len() < css.bytes.len() / 3));
        assert!(css.brotli.is_some_and(|b| css.gzip.is_some_and(|g| b.len() < g.len())));
        let png = FILES.iter().find(|f| f.path.ends_with(".png")).unwrap();
        assert!(png.gzip.is_none() && png.brotli.is_none());
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let h = |s: &'static str| Some(HeaderValue::from_static(s));
        assert!(accepts(h("gzip, deflate, br, zstd").as_ref(), "br"));
        assert!(accepts(h("GZIP").as_ref(), "gzip"));
        assert!(!accepts(h("gzip;q=0, br").as_ref(), "gzip"));
        assert!(accepts(h("*").as_ref(), "br"));
        assert!(!accepts(h("identity").as_ref(), "gzip"));
        assert!(!accepts(None, "gzip"));
    }

    #[test]
    fn files_are_sorted_for_lookup() {
        assert!(FILES.windows(2).all(|w| w[0].path < w[1].path));
    }
}
