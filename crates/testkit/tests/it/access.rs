//! Issue 4's access features from outside: the TOTP second factor, break-glass, and the
//! strategic lead's figures.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use resettle_app::Clock;
use resettle_testkit::{Backend, PASSWORD, TOTP_SECRET, fresh_totp_code};
use serde_json::json;

use crate::support::{Yjs, on_every_backend, years_ago};

on_every_backend!(
    a_manager_gives_a_code_after_the_password_and_cannot_do_anything_before,
    a_code_is_accepted_once_and_wrong_codes_are_throttled,
    a_manager_without_an_authenticator_sets_one_up_before_anything_else,
    a_case_manager_is_not_asked_for_a_code,
    break_glass_opens_a_child_outside_the_team_for_a_while_and_is_reported,
    strategic_leads_see_counts_by_organisation_and_no_child,
);

const MANAGER: &str = "boss@yjs-a.example.org";

async fn audit_actions(w: &Yjs) -> anyhow::Result<Vec<String>> {
    let entries = w.t.app.store().audit_entries(0, 10_000).await?;
    Ok(entries.into_iter().map(|e| e.action).collect())
}

async fn a_manager_gives_a_code_after_the_password_and_cannot_do_anything_before(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.user(MANAGER, "YJS-A", "yjs_manager").await?;
    let browser = w.t.browser()?;
    let r = browser.sign_in_half(MANAGER).await?;
    assert_eq!(r.location(), Some("/sign-in/code"));
    let half_token = browser.cookie("resettle_session").unwrap();
    for path in ["/caseload", "/account/sessions", "/children/new", "/find-a-child", "/"] {
        let r = browser.get(path).await?;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(matches!(r.location(), Some("/sign-in/code") | Some("/sign-in")), "{path}: {:?}", r.location());
    }
    let page = browser.get("/sign-in/code").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("autocomplete=\"one-time-code\""), "{}", page.body);

    let r = browser.enter_code("12345").await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter the 6-digit code"), "{}", r.body);
    let r = browser.enter_code("000000").await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong code");
    assert_eq!(browser.get("/caseload").await?.location(), Some("/sign-in/code"), "still half signed in");

    let r = browser.enter_code(&fresh_totp_code(MANAGER).await?).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/"));
    let full_token = browser.cookie("resettle_session").unwrap();
    assert_ne!(full_token, half_token, "a new session id once fully signed in");
    assert_eq!(browser.get("/caseload").await?.status, StatusCode::OK);
    let old = w.t.browser()?;
    old.set_cookie("resettle_session", &half_token);
    assert_eq!(old.get("/caseload").await?.location(), Some("/sign-in"), "the half-signed-in id is gone");

    let actions = audit_actions(&w).await?;
    assert!(actions.iter().any(|a| a == "sign_in_second_factor"), "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_second_factor_failed").count(), 1, "{actions:?}");
    assert_eq!(w.t.app.verify_audit().await?.ok(), Some(actions.len() as i64));
    Ok(())
}

async fn a_code_is_accepted_once_and_wrong_codes_are_throttled(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.user(MANAGER, "YJS-A", "yjs_manager").await?;
    let first = w.t.browser()?;
    first.sign_in_half(MANAGER).await?;
    let code = fresh_totp_code(MANAGER).await?;
    assert_eq!(first.enter_code(&code).await?.location(), Some("/"));
    // The same code, seen over a shoulder, in another browser with the password.
    let second = w.t.browser()?;
    second.sign_in_half(MANAGER).await?;
    let r = second.enter_code(&code).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a replayed code");
    assert!(r.body.contains("already been used"), "{}", r.body);
    // Wrong codes: five are refused, then the account waits.
    for _ in 0..4 {
        assert_eq!(second.enter_code("999999").await?.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = second.enter_code("999999").await?;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let wait: i64 = r.header("retry-after").unwrap_or("0").parse()?;
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    let r = second.enter_code(&fresh_totp_code(MANAGER).await?).await?;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even a right code waits");
    Ok(())
}

/// The text of the element with id `secret` on the set-up page.
fn secret_on(page: &str) -> Option<String> {
    let at = page.find("id=\"secret\">")? + "id=\"secret\">".len();
    let end = page[at..].find('<')?;
    Some(page[at..at + end].to_string())
}

async fn a_manager_without_an_authenticator_sets_one_up_before_anything_else(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.user("root@yjs-a.example.org", "YJS-A", "admin").await?;
    w.t.app.reset_totp("root@yjs-a.example.org").await?;
    let browser = w.t.browser()?;
    let r = browser.sign_in("root@yjs-a.example.org", PASSWORD).await?;
    assert_eq!(r.location(), Some("/account/authenticator"));
    assert_eq!(browser.get("/admin/users").await?.location(), Some("/account/authenticator"));
    let page = browser.get("/account/authenticator").await?;
    assert_eq!(page.status, StatusCode::OK);
    let secret = secret_on(&page.body).unwrap();
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(page.body.contains("otpauth://totp/Resettle:root%40yjs-a.example.org?"), "{}", page.body);
    assert!(page.body.contains("<svg"), "a QR code");
    assert_eq!(secret_on(&browser.get("/account/authenticator").await?.body), Some(secret.clone()), "same on reload");

    // The password alone does not enrol an authenticator: an administrator's one-time code is
    // needed too (issued here by the operator, as for the first administrator).
    let root = w.t.app.user_by_email(&resettle_domain::org::Email::parse("root@yjs-a.example.org").unwrap()).await?;
    let enrolment = w.t.app.issue_enrolment_code(resettle_app::Principal::Operator, root.unwrap()).await?;
    let csrf = browser.csrf_token("/account/authenticator").await?;
    let code = resettle_app::totp::code_at(&secret, Timestamp::now())?;
    let r = browser.post_form("/account/authenticator", &[("code", &code), ("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter the enrolment code"), "{}", r.body);
    let r = browser
        .post_form(
            "/account/authenticator",
            &[("code", &code), ("enrolment_code", "WRONG-CODE1"), ("csrf_token", &csrf)],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("enrolment code is not right"), "{}", r.body);
    assert_eq!(w.t.db.count("totp_credentials WHERE confirmed_at IS NOT NULL").await?, 0);
    let r = browser
        .post_form(
            "/account/authenticator",
            &[("code", "123456"), ("enrolment_code", &enrolment), ("csrf_token", &csrf)],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("The code is not right"), "{}", r.body);
    assert_eq!(w.t.db.count("totp_credentials WHERE confirmed_at IS NOT NULL").await?, 0);

    // Typed in lower case with a space, as people do.
    let typed = enrolment.to_lowercase().replace('-', " ");
    let r = browser
        .post_form("/account/authenticator", &[("code", &code), ("enrolment_code", &typed), ("csrf_token", &csrf)])
        .await?;
    assert_eq!(r.location(), Some("/"), "{}", r.body);
    assert_eq!(browser.get("/admin/users").await?.status, StatusCode::OK);
    assert_eq!(w.t.db.count("totp_credentials WHERE confirmed_at IS NOT NULL").await?, 1);
    assert!(audit_actions(&w).await?.iter().any(|a| a == "totp_enrolled"));
    // From now on the code is asked for.
    let again = w.t.browser()?;
    assert_eq!(again.sign_in("root@yjs-a.example.org", PASSWORD).await?.location(), Some("/sign-in/code"));
    assert_ne!(secret, TOTP_SECRET);
    Ok(())
}

async fn a_case_manager_is_not_asked_for_a_code(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let browser = w.t.browser()?;
    let r = browser.sign_in(w.cm.email.as_str(), PASSWORD).await?;
    assert_eq!(r.location(), Some("/"));
    assert_eq!(browser.get("/caseload").await?.status, StatusCode::OK);
    Ok(())
}

async fn break_glass_opens_a_child_outside_the_team_for_a_while_and_is_reported(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (manager, manager_token) = w.t.user(MANAGER, "YJS-A", "yjs_manager").await?;
    // A child of another service.
    let other = w.t.org_named("YJS-B", "Bramley YJS", "yjs").await?;
    let (other_cm, other_token) = w.t.user("cm@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let body = json!({"given_name": "Rowan", "family_name": "Faraway", "nhs_number": "943 476 5919",
        "date_of_birth": years_ago(w.t.app.today(), 15).to_string(), "yjs_id": other.id.to_string()});
    let (s, child) = w.t.api(&other_token).post("/api/v1/children", &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{child}");
    let id = child["id"].as_str().unwrap().to_string();

    let browser = w.t.browser()?;
    browser.sign_in_ok(MANAGER).await?;
    assert_eq!(browser.get(&format!("/children/{id}")).await?.status, StatusCode::NOT_FOUND);

    // Found by NHS number: only that a record exists.
    let csrf = browser.csrf_token("/find-a-child").await?;
    let r = browser
        .post_form("/find-a-child", &[("nhs_number", "9434765919"), ("pnc_id", ""), ("csrf_token", &csrf)])
        .await?;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("A record exists, outside your team"), "{}", r.body);
    assert!(r.body.contains(&format!("/children/{id}/break-glass")));
    assert!(!r.body.contains("Rowan") && !r.body.contains("Faraway"), "no name before break-glass");
    let r = browser.post_form("/find-a-child", &[("nhs_number", "123"), ("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let form = browser.get(&format!("/children/{id}/break-glass")).await?;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("Rowan"), "the form shows no detail of the child");
    let path = format!("/children/{id}/break-glass");
    let r = browser.post_form(&path, &[("reason", "urgent"), ("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "too short a reason");
    assert_eq!(w.t.db.count("break_glass_grants").await?, 0);

    let reason = "Police called out of hours about the child; the case manager cannot be reached";
    let r = browser.post_form(&path, &[("reason", reason), ("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = browser.get(&format!("/children/{id}?notice=emergency")).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Opened with emergency access until"), "{}", page.body);
    assert!(page.body.contains("Rowan"));
    assert!(!page.body.contains(&format!("/children/{id}/edit")), "no change links: read only");

    // Read, not change: the API agrees.
    let api = w.t.api(&manager_token);
    assert_eq!(api.get(&format!("/api/v1/children/{id}")).await?.0, StatusCode::OK);
    assert_eq!(api.get(&format!("/api/v1/children/{id}/key-dates")).await?.0, StatusCode::OK);
    let (s, _) = api.patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "given_name": "X"})).await?;
    assert_eq!(s, StatusCode::NOT_FOUND, "emergency access does not allow changes");
    assert_eq!(api.get(&format!("/api/v1/children/{id}/audit")).await?.0, StatusCode::NOT_FOUND);

    // Reported to the child's service: the timeline, the record's page, the report.
    let theirs = w.t.browser()?;
    theirs.sign_in_ok(other_cm.email.as_str()).await?;
    let page = theirs.get(&format!("/children/{id}")).await?;
    assert!(page.body.contains("opened the record with emergency access"), "{}", page.body);
    assert!(page.body.contains(reason));
    assert!(page.body.contains("Emergency access to this record"));
    let report = theirs.get("/reports/emergency-access").await?;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains(&manager.name) && report.body.contains(reason), "{}", report.body);
    let (s, lines) = w.t.api(&other_token).get("/api/v1/break-glass").await?;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(lines["items"].as_array().map(Vec::len), Some(1), "{lines}");
    assert_eq!(lines["total"], json!(1));
    assert_eq!(lines["items"][0]["reason"], json!(reason));
    let (_, ours) = w.api().get("/api/v1/break-glass").await?;
    assert_eq!(ours["items"], json!([]), "not reported to other services");
    let audit = w.t.app.store().child_audit(id.parse()?, 100).await?;
    assert!(audit.iter().any(|e| e.action == "break_glass" && e.purpose.contains(reason)), "{audit:?}");
    assert!(w.t.app.verify_audit().await?.is_ok());

    // Others may not; nor may the manager's API token, which has no second factor behind it.
    let (s, _) = w.api().post(&format!("/api/v1/children/{id}/break-glass"), &json!({"reason": reason})).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "case managers cannot break glass");
    let grants_before = w.t.db.count("break_glass_grants").await?;
    let (s, g) = api.post(&format!("/api/v1/children/{id}/break-glass"), &json!({"reason": reason})).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "{g}");
    assert!(g["detail"].as_str().unwrap_or_default().contains("second factor"), "{g}");
    assert_eq!(w.t.db.count("break_glass_grants").await?, grants_before);

    // Time-limited: four hours by default.
    let ctx = w.t.ctx(&manager).await?;
    let later = Timestamp::now().checked_add(SignedDuration::from_hours(4) + SignedDuration::from_secs(5))?;
    let app_later = w.t.app.clone().with_clock(Clock::Fixed(later));
    assert!(matches!(app_later.child(&ctx, id.parse()?).await, Err(resettle_app::AppError::NotFound)));
    assert!(w.t.app.child(&ctx, id.parse()?).await.is_ok(), "still open now");
    Ok(())
}

async fn strategic_leads_see_counts_by_organisation_and_no_child(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-A", "Wetherby YOI", "yoi").await?;
    let (_, lead_token) = w.t.user("lead@board.example.org", "YJS-A", "strategic_lead").await?;
    let today = w.t.app.today();
    let sentenced = w.child("Sam", "Sentenced").await?;
    let remanded = w.child("Remy", "Remanded").await?;
    w.child("Connie", "Community").await?;
    // A four-month order from six weeks ago: release (the mid-term date) within four weeks.
    let start = today.checked_sub(jiff::Span::new().days(42))?;
    let body = json!({"kind": "dto", "sentence_date": start.to_string(), "term_months": 4, "establishment_id": yoi.id.to_string()});
    let (s, r) =
        w.api().post(&format!("/api/v1/children/{}/sentences", sentenced["id"].as_str().unwrap()), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let body = json!({"start_date": today.to_string(), "establishment_id": yoi.id.to_string()});
    let (s, r) = w.api().post(&format!("/api/v1/children/{}/remands", remanded["id"].as_str().unwrap()), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    let lead = w.t.api(&lead_token);
    let reply = lead.request(reqwest::Method::GET, "/api/v1/aggregates", None).await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let orgs = reply.body["organisations"].as_array().unwrap();
    let row = |name: &str| orgs.iter().find(|o| o["name"] == json!(name)).cloned().unwrap();
    let yjs = row("Aireborough YJS");
    assert_eq!(
        (&yjs["children"], &yjs["on_remand"], &yjs["sentenced"], &yjs["releases_due"]),
        (&json!(3), &json!(1), &json!(1), &json!(1)),
        "{yjs}"
    );
    let est = row("Wetherby YOI");
    assert_eq!((&est["children"], &est["on_remand"], &est["sentenced"]), (&json!(2), &json!(1), &json!(1)), "{est}");
    let text = reply.body.to_string();
    for secret in ["Sam", "Sentenced", "Remy", "Connie", "9434765919", sentenced["id"].as_str().unwrap()] {
        assert!(!text.contains(secret), "the figures show {secret}");
    }
    let browser = w.t.browser()?;
    browser.sign_in_ok("lead@board.example.org").await?;
    let page = browser.get("/reports/figures").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wetherby YOI") && !page.body.contains("Sentenced"), "{}", page.body);

    // And no child record at all.
    assert_eq!(crate::support::caseload_total(&lead).await?, 0);
    assert_eq!(
        lead.get(&format!("/api/v1/children/{}", sentenced["id"].as_str().unwrap())).await?.0,
        StatusCode::NOT_FOUND
    );
    let caseload = browser.get("/caseload").await?;
    assert!(!caseload.body.contains("Sentenced") && !caseload.body.contains("Remanded"));
    // Others do not see the figures.
    assert_eq!(w.api().get("/api/v1/aggregates").await?.0, StatusCode::FORBIDDEN);
    Ok(())
}
