//! Signing in and out of the pages: the form and its token, wrong passwords, the session cookie
//! and its attributes (behind TLS too), and pages that need a session.

#[allow(unused_imports)]
use crate::pages::*;
use crate::support::{Yjs, on_every_backend};
use reqwest::Method;
use reqwest::StatusCode;
use resettle_testkit::{Backend, PASSWORD, spawn_app, spawn_app_with, web_config};
use resettle_web::WebConfig;

on_every_backend!(
    the_sign_in_page_offers_a_form_with_a_csrf_token,
    a_wrong_password_is_refused_without_a_session,
    signing_in_needs_the_sign_in_forms_csrf_token,
    signing_in_opens_a_session_in_a_safe_cookie,
    pages_need_a_session,
    signing_out_ends_the_session_on_the_server,
    behind_tls_cookies_are_secure_and_host_bound,
);

async fn the_sign_in_page_offers_a_form_with_a_csrf_token(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    let browser = t.browser()?;
    let page = browser.get("/sign-in").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").unwrap_or_default().starts_with("text/html"));
    assert!(page.body.contains("<form method=\"post\" action=\"/sign-in\""), "{}", page.body);
    assert!(page.body.contains("name=\"email\"") && page.body.contains("name=\"password\""));
    let token = page.csrf_token().expect("a csrf_token input");
    assert!(token.len() >= 32, "a long random token: {token}");
    let cookie = page.set_cookie("resettle_csrf").expect("the token's cookie");
    assert!(has_attribute(&cookie, "HttpOnly"), "{cookie}");
    // Double submit: the form's token is the cookie's, masked afresh on each page (BREACH), so
    // the secret itself never appears in a page.
    let secret = browser.cookie("resettle_csrf").unwrap_or_default();
    assert!(resettle_web::session::tokens_match(&secret, &token), "{secret} / {token}");
    assert!(!page.body.contains(&secret), "the cookie's secret is not in the page");
    // Each visit gets its own token.
    let again = t.browser()?.get("/sign-in").await?;
    assert_ne!(again.csrf_token(), Some(token));
    Ok(())
}

async fn a_wrong_password_is_refused_without_a_session(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (_, _) = w.t.user("off@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    for (what, email, password) in [
        ("wrong password", w.cm.email.as_str(), "not the right passphrase"),
        ("unknown account", "nobody@yjs-a.example.org", PASSWORD),
        ("not an email address", "nobody", PASSWORD),
        ("password in another case", w.cm.email.as_str(), "A LONG TEST PASSPHRASE"),
    ] {
        let browser = w.t.browser()?;
        let r = browser.sign_in(email, password).await?;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(r.body.contains("Enter a correct email address and password"), "{what}: {}", r.body);
        assert!(r.body.contains("There is a problem"), "{what}: the error summary");
        assert_eq!(r.set_cookie(SESSION), None, "{what}: no session cookie");
        assert_eq!(browser.cookie(SESSION), None, "{what}");
        // The address is kept, the password is not.
        if email.contains('@') {
            assert!(r.body.contains(&format!("value=\"{email}\"")), "{what}");
        }
        assert!(!r.body.contains(password), "{what}: password echoed");
        assert_redirect_to_sign_in(&browser.get("/caseload").await?, what);
    }
    let browser = w.t.browser()?;
    let r = browser.sign_in("", "").await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter your email address") && r.body.contains("Enter your password"));
    assert_eq!(w.t.db.count("sessions").await?, 0);
    Ok(())
}

async fn signing_in_needs_the_sign_in_forms_csrf_token(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let email = w.cm.email.as_str();
    // Without having loaded the form (no cookie, no token).
    let r = w.t.browser()?.post_form("/sign-in", &[("email", email), ("password", PASSWORD)]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // With the cookie but a token from another visit.
    let browser = w.t.browser()?;
    browser.get("/sign-in").await?;
    let elsewhere = w.t.browser()?.csrf_token("/sign-in").await?;
    let r =
        browser.post_form("/sign-in", &[("email", email), ("password", PASSWORD), ("csrf_token", &elsewhere)]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // With the cookie and no token.
    let r = browser.post_form("/sign-in", &[("email", email), ("password", PASSWORD), ("csrf_token", "")]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.cookie(SESSION), None);
    assert_eq!(w.t.db.count("sessions").await?, 0);
    Ok(())
}

async fn signing_in_opens_a_session_in_a_safe_cookie(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let browser = w.t.browser()?;
    let r = browser.sign_in(w.cm.email.as_str(), PASSWORD).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/"));
    let cookie = r.set_cookie(SESSION).expect("a session cookie");
    assert!(has_attribute(&cookie, "HttpOnly"), "{cookie}");
    assert!(has_attribute(&cookie, "SameSite=Lax"), "{cookie}");
    assert!(has_attribute(&cookie, "Path=/"), "{cookie}");
    assert!(!has_attribute(&cookie, "Secure"), "plain HTTP: {cookie}");
    let token = browser.cookie(SESSION).expect("kept by the browser");
    assert!(token.len() >= 32);
    // Only a hash of the token is stored.
    assert!(w.t.app.store().session(&token).await?.is_none());
    assert_eq!(w.t.db.count("sessions").await?, 1);
    // The sign-in form's token is spent.
    assert_eq!(browser.cookie("resettle_csrf"), None);

    let home = browser.get("/").await?;
    assert_eq!((home.status, home.location()), (StatusCode::SEE_OTHER, Some("/caseload")));
    let caseload = browser.get("/caseload").await?;
    assert_eq!(caseload.status, StatusCode::OK);
    assert!(caseload.body.contains("My caseload"));

    // Signing in again (a second browser) opens a second, different session.
    let other = w.t.browser()?;
    other.sign_in_ok(w.cm.email.as_str()).await?;
    assert_ne!(other.cookie(SESSION), Some(token));
    assert_eq!(w.t.db.count("sessions").await?, 2);
    Ok(())
}

async fn pages_need_a_session(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let anonymous = s.w.t.browser()?;
    for path in [
        "/".to_string(),
        "/caseload".into(),
        "/children/new".into(),
        format!("/children/{}", s.child_id),
        format!("/children/{}/edit", s.child_id),
        "/admin/users".into(),
    ] {
        assert_redirect_to_sign_in(&anonymous.get(&path).await?, &path);
    }
    let csrf = s.browser.csrf_token("/caseload").await?;
    let r = anonymous.post_form(&s.carers_path(), &carer_form(&csrf)).await?;
    assert_redirect_to_sign_in(&r, "POST without a session");
    // A made-up session cookie is no better.
    anonymous.set_cookie(SESSION, &"0".repeat(64));
    assert_redirect_to_sign_in(&anonymous.get("/caseload").await?, "made-up session");
    assert_eq!(s.carers().await?, 0);
    Ok(())
}

async fn signing_out_ends_the_session_on_the_server(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let old = s.browser.cookie(SESSION).expect("signed in");
    // Without the token: refused, still signed in.
    let r = s.browser.post_form("/sign-out", &[]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.browser.get("/caseload").await?.status, StatusCode::OK);

    let csrf = s.browser.csrf_token("/caseload").await?;
    let r = s.browser.post_form("/sign-out", &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/sign-in"));
    assert_eq!(s.browser.cookie(SESSION), None, "the cookie is cleared");
    assert_redirect_to_sign_in(&s.browser.get("/caseload").await?, "after sign-out");
    assert_eq!(s.w.t.db.count("sessions").await?, 0, "the session is gone from the server");

    // Someone who copied the cookie before sign-out gets nowhere with it.
    let replay = s.w.t.browser()?;
    replay.set_cookie(SESSION, &old);
    assert_redirect_to_sign_in(&replay.get("/caseload").await?, "replayed cookie");
    assert_redirect_to_sign_in(
        &replay.post_form(&s.carers_path(), &carer_form(&csrf)).await?,
        "replayed cookie and token",
    );
    assert_eq!(s.carers().await?, 0);
    // Signing in again works.
    s.browser.sign_in_ok(s.w.cm.email.as_str()).await?;
    assert_eq!(s.browser.get("/caseload").await?.status, StatusCode::OK);
    Ok(())
}

async fn behind_tls_cookies_are_secure_and_host_bound(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app_with(b, WebConfig { secure_cookies: true, ..web_config() }).await?;
    t.org("YJS-A", "yjs").await?;
    let (cm, _) = t.user("casey@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    // The test speaks plain HTTP, where a browser would not send `Secure` cookies back: the
    // cookies are sent by hand, as a browser behind TLS would.
    let client = t.browser()?;
    let page = client.get("/sign-in").await?;
    assert!(page.header("strict-transport-security").is_some_and(|v| v.contains("max-age=")), "HSTS");
    let csrf_cookie = page.set_cookie("__Host-resettle_csrf").expect("__Host- prefixed CSRF cookie");
    for attribute in ["Secure", "HttpOnly", "Path=/", "SameSite=Lax"] {
        assert!(has_attribute(&csrf_cookie, attribute), "{attribute}: {csrf_cookie}");
    }
    assert!(!csrf_cookie.to_ascii_lowercase().contains("domain="), "host-only: {csrf_cookie}");
    let csrf = page.csrf_token().expect("csrf");

    let r = client
        .send(
            client.builder(Method::POST, "/sign-in")?.header("cookie", format!("__Host-resettle_csrf={csrf}")).form(&[
                ("email", cm.email.as_str()),
                ("password", PASSWORD),
                ("csrf_token", csrf.as_str()),
            ]),
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let session_cookie = r.set_cookie("__Host-resettle_session").expect("__Host- prefixed session cookie");
    for attribute in ["Secure", "HttpOnly", "Path=/", "SameSite=Lax"] {
        assert!(has_attribute(&session_cookie, attribute), "{attribute}: {session_cookie}");
    }
    assert_eq!(r.set_cookie(SESSION), None, "no unprefixed session cookie");
    let value = session_cookie.split(';').next().unwrap_or_default().trim_start_matches("__Host-resettle_session=");

    let with = |cookie: String| async {
        client.send(client.builder(Method::GET, "/caseload")?.header("cookie", cookie)).await
    };
    assert_eq!(with(format!("__Host-resettle_session={value}")).await?.status, StatusCode::OK);
    // The unprefixed name (which an attacker on a sibling domain could set) is not read.
    assert_redirect_to_sign_in(&with(format!("{SESSION}={value}")).await?, "unprefixed cookie");
    Ok(())
}
