//! The pages, driven over HTTP like a browser without JavaScript: sign-in, sessions, CSRF,
//! cross-site posts, the caseload and the child's page, the add-child form, headers.

use base64::Engine;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use resettle_testkit::{Backend, Browser, PageReply};
use serde_json::json;
use sha2::Digest;

use crate::support::{Yjs, caseload_total, on_every_backend};

on_every_backend!(
    the_footer_links_to_the_accessibility_privacy_and_cookies_pages,
    the_caseload_and_the_childs_page_show_the_child_and_team,
    a_child_not_on_my_team_is_not_found,
    forms_refuse_missing_wrong_and_foreign_csrf_tokens,
    cross_site_form_posts_are_refused,
    the_add_child_form_shows_errors_and_keeps_what_was_typed,
    the_add_child_form_reports_every_problem_at_once,
    a_stale_edit_is_refused_and_shows_the_latest_details,
    names_are_escaped_on_pages,
    only_administrators_reach_the_administration_pages,
    pages_carry_the_security_headers,
    an_unknown_path_is_a_404_page,
    adding_to_the_team_through_the_pages_gives_access,
    an_invalid_carer_is_shown_again_and_not_saved,
    every_form_needs_the_csrf_token,
);

pub(crate) const SESSION: &str = "resettle_session";

/// The headers every answer carries, pages and API alike.
pub fn assert_security_headers(h: &HeaderMap, what: &str) {
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let csp = get("content-security-policy");
    assert!(!csp.is_empty(), "{what}: no Content-Security-Policy");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert!(!get("referrer-policy").is_empty(), "{what}: no Referrer-Policy");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
}

pub(crate) fn has_attribute(set_cookie: &str, attribute: &str) -> bool {
    set_cookie.split(';').any(|part| part.trim().eq_ignore_ascii_case(attribute))
}

/// A case manager with one child, `Ada Lovelace`, signed in in a browser.
pub(crate) struct SignedIn {
    pub(crate) w: Yjs,
    pub(crate) browser: Browser,
    pub(crate) child_id: String,
}

impl SignedIn {
    pub(crate) async fn start(b: Backend) -> anyhow::Result<Self> {
        let w = Yjs::start(b).await?;
        let child = w.child("Ada", "Lovelace").await?;
        let browser = w.t.browser()?;
        browser.sign_in_ok(w.cm.email.as_str()).await?;
        Ok(Self { child_id: child["id"].as_str().unwrap_or_default().to_string(), w, browser })
    }

    pub(crate) fn carers_path(&self) -> String {
        format!("/children/{}/carers", self.child_id)
    }

    pub(crate) async fn carers(&self) -> anyhow::Result<i64> {
        self.w.t.db.count("carers").await
    }
}

pub(crate) fn carer_form(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", csrf),
        ("name", "Grace Hopper"),
        ("relationship", "Grandmother"),
        ("phone", "0113 496 0123"),
        ("parental_responsibility", "yes"),
    ]
}

pub(crate) fn assert_redirect_to_sign_in(r: &PageReply, what: &str) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.body);
    assert_eq!(r.location(), Some("/sign-in"), "{what}");
}

async fn the_caseload_and_the_childs_page_show_the_child_and_team(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let caseload = s.browser.get("/caseload").await?;
    assert_eq!(caseload.status, StatusCode::OK);
    assert!(caseload.body.contains("Lovelace, Ada"), "{}", caseload.body);
    assert!(caseload.body.contains(&format!("href=\"/children/{}\"", s.child_id)));
    assert!(caseload.body.contains("1 child on your teams"), "{}", caseload.body);

    let page = s.browser.get(&format!("/children/{}", s.child_id)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ada Lovelace"));
    assert!(page.body.contains("Team around the child"));
    assert!(page.body.contains("Aireborough YJS"));
    assert!(page.body.contains("943 476 5919"), "NHS number shown spaced");
    assert!(page.body.contains(&s.w.cm.name), "the case manager is named on the team");
    Ok(())
}

async fn a_child_not_on_my_team_is_not_found(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    s.w.t.org("YJS-B", "yjs").await?;
    let (stranger, _) = s.w.t.user("sam@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let browser = s.w.t.browser()?;
    browser.sign_in_ok(stranger.email.as_str()).await?;
    for path in [
        format!("/children/{}", s.child_id),
        format!("/children/{}/edit", s.child_id),
        format!("/children/{}/carers/new", s.child_id),
        format!("/children/{}/team/new", s.child_id),
        format!("/children/{}", uuid::Uuid::new_v4()),
        "/children/not-an-id".into(),
    ] {
        let r = browser.get(&path).await?;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("Page not found"), "{path}");
        assert!(!r.body.contains("Lovelace"), "{path}: nothing about the child");
    }
    let caseload = browser.get("/caseload").await?;
    assert!(!caseload.body.contains("Lovelace"));
    // Posting to the child's forms with a valid token changes nothing either.
    let csrf = browser.csrf_token("/caseload").await?;
    let r = browser.post_form(&s.carers_path(), &carer_form(&csrf)).await?;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(s.carers().await?, 0);
    Ok(())
}

async fn forms_refuse_missing_wrong_and_foreign_csrf_tokens(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let path = s.carers_path();
    // Another session's token, for the same person.
    let other = s.w.t.browser()?;
    other.sign_in_ok(s.w.cm.email.as_str()).await?;
    let foreign = other.csrf_token("/caseload").await?;
    let mine = s.browser.csrf_token(&format!("/children/{}/carers/new", s.child_id)).await?;
    assert_ne!(foreign, mine);

    let mut no_token = carer_form("");
    no_token.remove(0);
    for (what, form) in [
        ("no token", no_token),
        ("empty token", carer_form("")),
        ("wrong token", carer_form(&"0".repeat(64))),
        ("another session's token", carer_form(&foreign)),
        ("half the right token", carer_form(&mine[..32])),
    ] {
        let r = s.browser.post_form(&path, &form).await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert!(r.body.contains("This page has expired"), "{what}");
        assert_eq!(s.carers().await?, 0, "{what}: nothing written");
    }
    // The other forms check too.
    let children_before = s.w.t.db.count("children").await?;
    let r = s
        .browser
        .post_form(
            "/children/new",
            &[
                ("given_name", "Eve"),
                ("family_name", "Moss"),
                ("date_of_birth-day", "1"),
                ("date_of_birth-month", "1"),
                ("date_of_birth-year", "2012"),
                ("yjs_id", &s.w.yjs.id.to_string()),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.w.t.db.count("children").await?, children_before);
    let r = s
        .browser
        .post_form(&format!("/children/{}/edit", s.child_id), &[("version", "1"), ("given_name", "Eve")])
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .browser
        .post_form(
            &format!("/children/{}/team", s.child_id),
            &[
                ("organisation_id", &s.w.yjs.id.to_string()),
                ("role", "yjs_health_worker"),
                ("responsibility", "Health"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.w.t.db.count("team_members").await?, 1);

    // The right token works: the refusals above were about the token.
    let r = s.browser.post_form(&path, &carer_form(&mine)).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some(format!("/children/{}?notice=carer", s.child_id).as_str()));
    assert_eq!(s.carers().await?, 1);
    let page = s.browser.get(&format!("/children/{}", s.child_id)).await?;
    assert!(page.body.contains("Grace Hopper") && page.body.contains("parental responsibility"));
    Ok(())
}

async fn cross_site_form_posts_are_refused(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let path = s.carers_path();
    let csrf = s.browser.csrf_token("/caseload").await?;
    let host = s.w.t.base.trim_start_matches("http://").to_string();
    let evil = "https://evil.example".to_string();
    for (what, headers) in [
        ("Sec-Fetch-Site: cross-site", vec![("sec-fetch-site", "cross-site")]),
        ("Sec-Fetch-Site: same-site", vec![("sec-fetch-site", "same-site")]),
        ("a foreign Origin", vec![("origin", evil.as_str())]),
        ("same host, other port", vec![("origin", "http://127.0.0.1:1")]),
    ] {
        let r = s.browser.post_form_with_headers(&path, &carer_form(&csrf), &headers).await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert_eq!(s.carers().await?, 0, "{what}: nothing written");
    }
    // Signing out from another site is refused too (it would end the session).
    let r = s
        .browser
        .post_form_with_headers("/sign-out", &[("csrf_token", &csrf)], &[("sec-fetch-site", "cross-site")])
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.browser.get("/caseload").await?.status, StatusCode::OK);

    // What a browser sends for a form on our own pages passes.
    let origin = format!("http://{host}");
    let r = s
        .browser
        .post_form_with_headers(&path, &carer_form(&csrf), &[("sec-fetch-site", "same-origin"), ("origin", &origin)])
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.carers().await?, 1);
    Ok(())
}

async fn the_add_child_form_shows_errors_and_keeps_what_was_typed(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let form_page = s.browser.get("/children/new").await?;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.body.contains("Add a child"));
    assert!(form_page.body.contains(&s.w.yjs.id.to_string()), "the service is offered");
    let csrf = form_page.csrf_token().expect("csrf");
    let yjs = s.w.yjs.id.to_string();
    let before = caseload_total(&s.w.api()).await?;

    let r = s
        .browser
        .post_form(
            "/children/new",
            &[
                ("csrf_token", &csrf),
                ("given_name", "Grace"),
                ("family_name", ""),
                ("date_of_birth-day", "31"),
                ("date_of_birth-month", "2"),
                ("date_of_birth-year", "2012"),
                ("nhs_number", "943 476 5918"),
                ("legal_status", "not_looked_after"),
                ("yjs_id", &yjs),
                ("carer_name", "Ann Hopper"),
                ("carer_phone", "call me"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary"), "the GOV.UK error summary");
    assert!(r.body.contains("There is a problem"));
    assert!(r.body.contains("<title>Error:"), "the title says there is an error");
    for (field, message) in [
        ("family_name", "Enter family name"),
        ("date_of_birth", "real date"),
        ("nhs_number", "NHS number is not valid"),
        ("carer_relationship", "Enter relationship to the child"),
        ("carer_phone", "Telephone must contain only digits"),
    ] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "summary links to {field}");
        assert!(r.body.contains(message), "{field}: {message}");
    }
    // What was typed is kept.
    for typed in [
        "value=\"Grace\"",
        "value=\"31\"",
        "value=\"2\"",
        "value=\"2012\"",
        "value=\"943 476 5918\"",
        "value=\"Ann Hopper\"",
        "value=\"call me\"",
    ] {
        assert!(r.body.contains(typed), "kept {typed}");
    }
    assert_eq!(caseload_total(&s.w.api()).await?, before, "nothing written");

    let r = s
        .browser
        .post_form(
            "/children/new",
            &[
                ("csrf_token", &csrf),
                ("given_name", "Grace"),
                ("family_name", "Hopper"),
                ("date_of_birth-day", "9"),
                ("date_of_birth-month", "12"),
                ("date_of_birth-year", &(s.w.t.app.today().year() - 13).to_string()),
                ("legal_status", "looked_after"),
                ("yjs_id", &yjs),
                ("carer_name", "Mary Hopper"),
                ("carer_relationship", "Mother"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().unwrap_or_default().to_string();
    assert!(location.starts_with("/children/") && location.ends_with("?notice=created"), "{location}");
    let page = s.browser.get(&location).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Grace Hopper") && page.body.contains("Child added"));
    assert!(page.body.contains("Mary Hopper"), "the carer was saved with the child");
    assert_eq!(caseload_total(&s.w.api()).await?, before + 1);

    // Someone who cannot add children is told so.
    s.w.t.org("ETE-A", "education").await?;
    let (tutor, _) = s.w.t.user("tia@college.example.org", "ETE-A", "ete_coordinator").await?;
    let browser = s.w.t.browser()?;
    browser.sign_in_ok(tutor.email.as_str()).await?;
    assert_eq!(browser.get("/children/new").await?.status, StatusCode::FORBIDDEN);
    Ok(())
}

async fn the_add_child_form_reports_every_problem_at_once(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let csrf = s.browser.csrf_token("/children/new").await?;
    let yjs = s.w.yjs.id.to_string();
    // Carer details without the carer's name, and two other mistakes.
    let r = s
        .browser
        .post_form(
            "/children/new",
            &[
                ("csrf_token", &csrf),
                ("given_name", "Grace"),
                ("family_name", ""),
                ("date_of_birth-day", "31"),
                ("date_of_birth-month", "2"),
                ("date_of_birth-year", "2012"),
                ("yjs_id", &yjs),
                ("carer_relationship", "Aunt"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("value=\"Aunt\""), "kept what was typed");
    // The GOV.UK pattern: the summary lists every problem, so that one submission shows
    // everything to fix.
    for field in ["carer_name", "family_name", "date_of_birth"] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "the error summary should link to {field}");
    }
    Ok(())
}

async fn a_stale_edit_is_refused_and_shows_the_latest_details(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let edit = format!("/children/{}/edit", s.child_id);
    let form = s.browser.get(&edit).await?;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"version\" value=\"1\""), "{}", form.body);
    let csrf = form.csrf_token().expect("csrf");
    // Meanwhile someone changes the record through the API.
    let (status, _) =
        s.w.api()
            .patch(&format!("/api/v1/children/{}", s.child_id), &json!({"version": 1, "family_name": "Byron"}))
            .await?;
    assert_eq!(status, StatusCode::OK);

    let year = (s.w.t.app.today().year() - 14).to_string();
    let stale = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("given_name", "Augusta"),
        ("family_name", "Lovelace"),
        ("date_of_birth-day", "1"),
        ("date_of_birth-month", "1"),
        ("date_of_birth-year", year.as_str()),
        ("legal_status", "not_looked_after"),
    ];
    let r = s.browser.post_form(&edit, &stale).await?;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Someone else changed this record"));
    assert!(r.body.contains("value=\"Byron\""), "the latest details are shown");
    assert!(r.body.contains("name=\"version\" value=\"2\""));
    let (_, now) = s.w.api().get(&format!("/api/v1/children/{}", s.child_id)).await?;
    assert_eq!((now["version"].clone(), now["given_name"].clone()), (json!(2), json!("Ada")));
    Ok(())
}

async fn names_are_escaped_on_pages(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("<script>alert(1)</script>", "O\"Brien<b>").await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    for path in ["/caseload".to_string(), format!("/children/{}", child["id"].as_str().unwrap())] {
        let page = browser.get(&path).await?;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert(1)</script>"), "{path}: raw script");
        assert!(!page.body.contains("Brien<b>"), "{path}: raw tag");
        // Shown, as text: `<` written as an entity (`&lt;` or `&#60;`).
        let at = page.body.find("alert(1)").expect("the name is shown");
        let before = &page.body[..at];
        assert!(before.ends_with("script&gt;") || before.ends_with("script&#62;"), "{path}: escaped");
    }
    Ok(())
}

async fn only_administrators_reach_the_administration_pages(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    for path in ["/admin/users", "/admin/organisations"] {
        let r = s.browser.get(path).await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let csrf = s.browser.csrf_token("/caseload").await?;
    let r = s
        .browser
        .post_form(
            "/admin/organisations",
            &[("csrf_token", &csrf), ("code", "EVIL"), ("name", "Evil"), ("kind", "yjs")],
        )
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(s.w.t.app.find_organisation("EVIL").await.unwrap().is_none());

    let (admin, _) = s.w.t.user("root@yjs-a.example.org", "YJS-A", "admin").await?;
    let browser = s.w.t.browser()?;
    browser.sign_in_ok(admin.email.as_str()).await?;
    let home = browser.get("/").await?;
    assert_eq!(home.location(), Some("/admin/users"));
    let users = browser.get("/admin/users").await?;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("casey.manager@yjs-a.example.org"));
    // An administrator's caseload is empty, whatever organisation they sit in.
    let caseload = browser.get("/caseload").await?;
    assert!(!caseload.body.contains("Lovelace"), "{}", caseload.body);
    assert_eq!(browser.get(&format!("/children/{}", s.child_id)).await?.status, StatusCode::NOT_FOUND);
    Ok(())
}

async fn pages_carry_the_security_headers(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let anonymous = s.w.t.browser()?;
    for (what, r) in [
        ("sign-in page", anonymous.get("/sign-in").await?),
        ("redirect", anonymous.get("/caseload").await?),
        ("404 page", anonymous.get("/no/such/page").await?),
        ("caseload", s.browser.get("/caseload").await?),
        ("child", s.browser.get(&format!("/children/{}", s.child_id)).await?),
        ("CSRF refusal", s.browser.post_form(&s.carers_path(), &[]).await?),
    ] {
        assert_security_headers(&r.headers, what);
        assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
    }
    // The one inline script runs under the policy: its hash is allowed.
    let page = s.browser.get("/caseload").await?;
    let csp = page.header("content-security-policy").unwrap_or_default();
    let start = page.body.find("<script>").expect("the inline script") + "<script>".len();
    let end = start + page.body[start..].find("</script>").expect("its end");
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&page.body.as_bytes()[start..end]));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp} does not allow the inline script");
    assert!(!page.body[end..].contains("<script>"), "no other inline script");
    Ok(())
}

async fn an_unknown_path_is_a_404_page(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    for browser in [&s.browser, &s.w.t.browser()?] {
        for path in ["/no-such-page", "/children", "/api/v1/nothing"] {
            let r = browser.get(path).await?;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            if !path.starts_with("/api/") {
                assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"), "{path}");
                assert!(r.body.contains("Page not found"), "{path}");
            }
        }
    }
    Ok(())
}

async fn adding_to_the_team_through_the_pages_gives_access(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let college = s.w.t.org_named("ETE-A", "Calder College", "education").await?;
    let (tutor, _) = s.w.t.user("tia.tutor@college.example.org", "ETE-A", "ete_coordinator").await?;
    let team_new = format!("/children/{}/team/new", s.child_id);

    // Step 1: choose the organisation; step 2 offers its people.
    let step1 = s.browser.get(&team_new).await?;
    assert_eq!(step1.status, StatusCode::OK);
    assert!(step1.body.contains("Calder College"));
    let step2 = s.browser.get(&format!("{team_new}?organisation_id={}", college.id)).await?;
    assert_eq!(step2.status, StatusCode::OK);
    assert!(step2.body.contains(&tutor.id.to_string()), "the college's people are offered");
    let csrf = step2.csrf_token().expect("csrf");

    let college_id = college.id.to_string();
    let tutor_id = tutor.id.to_string();
    // A missing responsibility: the form again, nothing written.
    let r = s
        .browser
        .post_form(
            &format!("/children/{}/team", s.child_id),
            &[
                ("csrf_token", &csrf),
                ("organisation_id", &college_id),
                ("role", "ete_coordinator"),
                ("user_id", &tutor_id),
                ("responsibility", ""),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("There is a problem") && r.body.contains("href=\"#responsibility\""));
    assert_eq!(s.w.t.db.count("team_members").await?, 1);

    let r = s
        .browser
        .post_form(
            &format!("/children/{}/team", s.child_id),
            &[
                ("csrf_token", &csrf),
                ("organisation_id", &college_id),
                ("role", "ete_coordinator"),
                ("user_id", &tutor_id),
                ("responsibility", "Finds a college place"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.browser.get(&format!("/children/{}", s.child_id)).await?;
    assert!(page.body.contains("Calder College") && page.body.contains("Finds a college place"));
    assert!(page.body.contains("tia tutor"), "the named person is shown");

    let browser = s.w.t.browser()?;
    browser.sign_in_ok(tutor.email.as_str()).await?;
    let caseload = browser.get("/caseload").await?;
    assert!(caseload.body.contains("Lovelace, Ada"), "on the tutor's caseload now");
    assert_eq!(browser.get(&format!("/children/{}", s.child_id)).await?.status, StatusCode::OK);
    Ok(())
}

async fn an_invalid_carer_is_shown_again_and_not_saved(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let csrf = s.browser.csrf_token(&format!("/children/{}/carers/new", s.child_id)).await?;
    let r = s
        .browser
        .post_form(
            &s.carers_path(),
            &[("csrf_token", &csrf), ("name", "Grace Hopper"), ("relationship", ""), ("email", "not-an-email")],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("There is a problem"));
    assert!(r.body.contains("href=\"#relationship\"") && r.body.contains("href=\"#email\""), "{}", r.body);
    assert!(r.body.contains("value=\"Grace Hopper\"") && r.body.contains("value=\"not-an-email\""));
    assert_eq!(s.carers().await?, 0);
    Ok(())
}

async fn every_form_needs_the_csrf_token(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let (admin, _) = s.w.t.user("root@yjs-a.example.org", "YJS-A", "admin").await?;
    let admin_browser = s.w.t.browser()?;
    admin_browser.sign_in_ok(admin.email.as_str()).await?;
    // A manager: emergency access, the second factor's forms (also a half-signed-in session's).
    s.w.t.user("boss@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let manager = s.w.t.browser()?;
    manager.sign_in_ok("boss@yjs-a.example.org").await?;
    let break_glass = format!("/children/{}/break-glass", uuid::Uuid::new_v4());
    let manager_forms = ["/find-a-child", break_glass.as_str(), "/account/authenticator", "/sign-in/code", "/sign-out"];
    let half = s.w.t.browser()?;
    half.sign_in_half("boss@yjs-a.example.org").await?;
    let half_forms = ["/sign-in/code", "/account/authenticator", "/sign-out"];
    let tables = [
        "organisations",
        "users",
        "children",
        "carers",
        "team_members",
        "timeline_entries",
        "sessions",
        "break_glass_grants",
        "totp_credentials",
        "release_arrangements",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(s.w.t.db.count(t).await?);
    }
    let id = &s.child_id;
    let case_manager_forms = [
        format!("/children/{id}/carers"),
        format!("/children/{id}/team"),
        format!("/children/{id}/edit"),
        "/children/new".to_string(),
        format!("/children/{id}/sentences/new"),
        format!("/children/{id}/remands/new"),
        format!("/children/{id}/custody/transfer"),
        format!("/children/{id}/custody/release"),
        "/account/sessions/end".to_string(),
        "/account/sessions/end-others".to_string(),
        "/sign-out".to_string(),
        format!("/children/{id}/plan/views"),
        format!("/children/{id}/plan/needs/new"),
        format!("/children/{id}/meetings/new"),
        format!("/children/{id}/actions/new"),
        format!("/children/{id}/release-arrangements"),
        format!("/needs/{}", uuid::Uuid::new_v4()),
        format!("/meetings/{}/schedule", uuid::Uuid::new_v4()),
        format!("/meetings/{}/record", uuid::Uuid::new_v4()),
        format!("/meetings/{}/cancel", uuid::Uuid::new_v4()),
        format!("/actions/{}", uuid::Uuid::new_v4()),
        format!("/children/{id}/health/records"),
        format!("/handovers/{}/acknowledge", uuid::Uuid::new_v4()),
        "/notifications/read".to_string(),
        "/notifications/email".to_string(),
    ];
    let admin_forms = ["/admin/organisations", "/admin/users", "/admin/bank-holidays", "/sign-out"];
    for (browser, forms) in [
        (&s.browser, case_manager_forms.iter().map(String::as_str).collect::<Vec<_>>()),
        (&admin_browser, admin_forms.to_vec()),
        (&manager, manager_forms.to_vec()),
        (&half, half_forms.to_vec()),
    ] {
        for path in forms {
            for token in ["", "forged"] {
                let r = browser
                    .post_form(path, &[("csrf_token", token), ("name", "X"), ("code", "FORGED"), ("kind", "yjs")])
                    .await?;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path} with token {token:?}: {}", r.body);
            }
        }
    }
    // A sentence that does not exist: refused either way, never written.
    let r =
        s.browser.post_form(&format!("/sentences/{}/recalculate", uuid::Uuid::new_v4()), &[("csrf_token", "")]).await?;
    assert!([StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&r.status), "{}", r.status);
    let mut after = Vec::new();
    for t in tables {
        after.push(s.w.t.db.count(t).await?);
    }
    assert_eq!(after, before, "nothing written ({tables:?})");

    // With the session's token the administrator's form works: the refusals were the token.
    let csrf = admin_browser.csrf_token("/admin/organisations").await?;
    let r = admin_browser
        .post_form(
            "/admin/organisations",
            &[("csrf_token", &csrf), ("code", "ETE-NEW"), ("name", "New College"), ("kind", "education")],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(s.w.t.app.find_organisation("ETE-NEW").await.unwrap().is_some());
    Ok(())
}

async fn the_footer_links_to_the_accessibility_privacy_and_cookies_pages(b: Backend) -> anyhow::Result<()> {
    let s = SignedIn::start(b).await?;
    let anonymous = s.w.t.browser()?;
    let sign_in = anonymous.get("/sign-in").await?;
    for (path, heading) in [
        ("/accessibility", "Accessibility statement for Resettle"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ] {
        assert!(sign_in.body.contains(&format!("href=\"{path}\"")), "footer link to {path}");
        let page = anonymous.get(path).await?;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(&format!("<h1 class=\"govuk-heading-l\">{heading}</h1>")), "{path}");
        // Signed in, the navigation stays.
        let signed_in = s.browser.get(path).await?;
        assert!(signed_in.body.contains("Sign out"), "{path}");
    }
    let cookies = anonymous.get("/cookies").await?;
    assert!(cookies.body.contains("resettle_session") && cookies.body.contains("resettle_csrf"));
    Ok(())
}
