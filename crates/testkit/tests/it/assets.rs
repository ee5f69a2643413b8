//! The front-end served from the binary: pages link versioned URLs that can be cached for a
//! year, and nothing depends on the working directory.

use reqwest::StatusCode;
use resettle_testkit::{Backend, spawn_app, spawn_app_with};
use resettle_web::WebConfig;

/// The value of the first `attr="…"` after `marker` in `html`.
fn attribute_after(html: &str, marker: &str, attr: &str) -> Option<String> {
    let from = html.find(marker)?;
    let rest = html.get(from..)?;
    let start = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
    let value = rest.get(start..)?;
    Some(value.get(..value.find('"')?)?.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_links_a_stylesheet_that_is_served_from_the_binary_and_cached_for_good() {
    // The default settings name no folder: this is what `resettle serve` does from any
    // working directory.
    assert!(WebConfig::default().static_dir.is_none());
    let t = spawn_app(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::new();
    let page = client.get(t.url("/sign-in")).send().await.unwrap().text().await.unwrap();
    let css_url = attribute_after(&page, "rel=\"stylesheet\"", "href").expect("a stylesheet link");
    assert!(css_url.starts_with("/static/") && css_url.ends_with("/resettle.css"), "{css_url}");
    assert_ne!(css_url, "/static/resettle.css", "the URL must carry the content hash");

    let r = client.get(t.url(&css_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(header("content-type").starts_with("text/css"), "{}", header("content-type"));
    assert_eq!(header("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let css = r.text().await.unwrap();
    assert!(css.contains(".govuk-header") || css.contains(".govuk-"), "not the GOV.UK stylesheet");

    // Every image the stylesheet names is served, under the same version.
    let version_prefix = css_url.trim_end_matches("resettle.css");
    let mut images = 0;
    for (at, _) in css.match_indices(version_prefix) {
        let rest = &css[at..];
        let url = &rest[..rest.find([')', '"', '\'']).unwrap()];
        let r = client.get(t.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        images += 1;
    }
    assert!(images > 0, "the stylesheet names no images");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_script_and_the_modules_it_imports_are_served_under_one_version() {
    let t = spawn_app(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::new();
    let page = client.get(t.url("/sign-in")).send().await.unwrap().text().await.unwrap();
    let js_url = attribute_after(&page, "type=\"module\"", "src").expect("a module script");
    let r = client.get(t.url(&js_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{js_url}");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let script = r.text().await.unwrap();
    let base = js_url.trim_end_matches("app.js");
    let mut imports = 0;
    for line in script.lines().filter(|l| l.starts_with("import ")) {
        let spec = line.rsplit(['\'', '"']).nth(1).unwrap();
        assert!(spec.starts_with("./"), "imports must be relative to keep the version: {line}");
        let url = format!("{base}{}", spec.trim_start_matches("./"));
        let r = client.get(t.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable", "{url}");
        imports += 1;
    }
    assert_eq!(imports, 2, "app.js imports GOV.UK and MoJ Frontend");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unversioned_and_unknown_asset_urls_are_not_cached_for_good() {
    let t = spawn_app(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::new();
    for url in ["/static/resettle.css", "/static/0123456789abcdef/resettle.css", "/assets/images/govuk-crest.svg"] {
        let r = client.get(t.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{url}");
        let etag = r.headers()["etag"].clone();
        let again = client.get(t.url(url)).header("if-none-match", etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{url}");
    }
    for url in ["/static/nothing.css", "/assets/images/nothing.svg", "/static/assets"] {
        let r = client.get(t.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_development_folder_overrides_the_built_in_files_and_is_never_cached_for_good() {
    let dir = std::env::temp_dir().join(format!("resettle-static-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("resettle.css"), "body { color: rebeccapurple }").unwrap();
    let t = spawn_app_with(Backend::Sqlite, WebConfig { static_dir: Some(dir.clone()), ..WebConfig::default() })
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let page = client.get(t.url("/sign-in")).send().await.unwrap().text().await.unwrap();
    let css_url = attribute_after(&page, "rel=\"stylesheet\"", "href").unwrap();
    let r = client.get(t.url(&css_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(r.text().await.unwrap(), "body { color: rebeccapurple }");
    let r = client.get(t.url("/static/app.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "only the folder's files are served");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stylesheet_is_sent_compressed_to_browsers_that_accept_it() {
    use std::io::Read;
    let t = spawn_app(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::new();
    let page = client.get(t.url("/sign-in")).send().await.unwrap().text().await.unwrap();
    let css_url = attribute_after(&page, "rel=\"stylesheet\"", "href").unwrap();
    let plain = client.get(t.url(&css_url)).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_etag = plain.headers()["etag"].clone();
    let plain = plain.bytes().await.unwrap();

    let r = client.get(t.url(&css_url)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["vary"], "accept-encoding");
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_ne!(r.headers()["etag"], plain_etag, "each encoding has its own ETag");
    let gzipped = r.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..]).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain, "the gzip version is the same stylesheet");

    let r = client.get(t.url(&css_url)).header("accept-encoding", "gzip, deflate, br").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert!(r.bytes().await.unwrap().len() < gzipped.len());

    let r = client.get(t.url(&css_url)).header("accept-encoding", "gzip;q=0").send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
}

/// Pages and JSON are compressed as the client asks (issue 20), and the form token on each page
/// is masked afresh, so that no secret repeats across compressed responses (BREACH).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_json_are_compressed_and_each_page_masks_its_form_token_afresh() -> anyhow::Result<()> {
    use std::io::Read;
    let w = crate::support::Yjs::start(Backend::Sqlite).await?;
    w.child("Cora", "Press").await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;

    let plain = browser.get("/caseload").await?;
    assert!(plain.header("content-encoding").is_none(), "nothing asked, nothing compressed");
    let rb = browser.builder(reqwest::Method::GET, "/caseload")?.header("accept-encoding", "gzip");
    let gz = browser.send(rb).await?;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.header("vary").is_some_and(|v| v.contains("accept-encoding")));
    assert!(gz.header("content-security-policy").is_some(), "the security headers stay");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&gz.bytes[..]).read_to_string(&mut html)?;
    assert!(html.contains("Cora"), "the same page");
    assert_eq!(html.len(), plain.body.len(), "the same page, its token masked afresh");
    assert!(gz.bytes.len() * 3 < plain.body.len(), "{} of {} bytes", gz.bytes.len(), plain.body.len());
    let rb = browser.builder(reqwest::Method::GET, "/caseload")?.header("accept-encoding", "gzip, deflate, br, zstd");
    let br = browser.send(rb).await?;
    assert_eq!(br.header("content-encoding"), Some("br"), "Brotli when the browser takes it");
    assert!(br.bytes.len() < gz.bytes.len());

    let r =
        w.t.api(&w.token)
            .send(w.t.api(&w.token).builder(reqwest::Method::GET, "/api/v1/children").header("accept-encoding", "gzip"))
            .await?;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-encoding"), Some("gzip"), "JSON too");

    // Each page carries a different form token, and each one works.
    let first = resettle_testkit::csrf_token_in(&browser.get("/account/sessions").await?.body).unwrap_or_default();
    let second = resettle_testkit::csrf_token_in(&browser.get("/account/sessions").await?.body).unwrap_or_default();
    assert_ne!(first, second, "a form token is never sent twice");
    for token in [&first, &second] {
        let r = browser.post_form("/notifications/read", &[("csrf_token", token)]).await?;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "a masked token is accepted");
    }
    let mut forged = first.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
    let r = browser.post_form("/notifications/read", &[("csrf_token", &String::from_utf8(forged)?)]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a changed token is refused");
    Ok(())
}
