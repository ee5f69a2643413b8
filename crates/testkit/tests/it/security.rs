//! Findings of the security review (issue 13), each tried as the people it was about: a
//! sender of a handover who may not read health content, non-health staff named in a consent,
//! an organisation added to the team by someone outside the responsible YJS.

use jiff::Timestamp;
use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_sender_who_may_not_read_health_content_sees_that_a_handover_went_never_what_it_said,
    health_sharing_spreads_only_when_health_staff_decide_and_only_to_the_team,
    only_the_responsible_service_adds_to_the_team_by_hand_and_the_services_own_joins_are_audited_as_its_own,
    health_details_stay_out_of_the_timeline_and_the_caseload_filters_for_those_who_may_not_see_them,
    a_managers_token_does_not_outlive_a_reset_of_their_authenticator,
    line_breaks_in_a_one_line_field_are_refused_and_change_nothing,
    behind_a_trusted_proxy_each_client_is_limited_and_audited_by_its_own_address,
    an_incoming_request_id_is_used_only_when_it_is_a_uuid,
    a_person_changes_their_own_password_and_every_other_way_in_ends,
    an_administrator_never_sets_a_password_but_issues_a_link_that_works_once,
);

/// Monday 2 March 2026, 10:00 UK time.
fn monday() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// The rows of a page of a list (its `items`), or of an array.
fn list(v: &Value) -> Vec<Value> {
    v.as_array().or_else(|| v["items"].as_array()).cloned().unwrap_or_default()
}

async fn a_sender_who_may_not_read_health_content_sees_that_a_handover_went_never_what_it_said(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Wetherby YOI", "yoi").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (_, ch_token) = w.t.user("cal.nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let child_id: resettle_domain::ids::ChildId = id.parse()?;
    let (cm, hw, ch) = (w.api(), w.t.api(&hw_token), w.t.api(&ch_token));
    let body = json!({"kind": "community_health_assessment", "assessed_on": "2026-02-20",
        "sections": [{"section": "mental_health", "findings": "Low mood; CAMHS referral made"}],
        "needs": [{"pathway": "health", "description": "CAMHS follow-up for low mood"}]});
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The case manager records the remand: the service hands the health picture over to the
    // establishment's healthcare team in the case manager's name.
    let body = json!({"start_date": "2026-03-02", "establishment_id": yoi.id.to_string()});
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, waiting) = ch.get("/api/v1/handovers?status=pending").await?;
    assert!(waiting.to_string().contains("Community health assessment"), "the recipient reads it: {waiting}");

    // The case manager sees that it went, to whom and when; never what it said.
    let reads_before = w.t.app.store().child_audit(child_id, 500).await?.len();
    let (s, sent) = cm.get("/api/v1/handovers?status=sent").await?;
    assert_eq!(s, StatusCode::OK, "{sent}");
    let sent = list(&sent);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["recipient_role"], "custody_health");
    assert!(sent[0]["sent_at"].is_string(), "{sent:?}");
    assert_eq!(sent[0]["summary"], resettle_app::health::WITHHELD);
    assert!(!format!("{sent:?}").contains("Community health assessment"), "{sent:?}");
    // The list is an audited read of the child's record.
    let entries = w.t.app.store().child_audit(child_id, 500).await?;
    assert!(entries.len() > reads_before, "listing handovers left no audit entry");
    assert!(entries.iter().any(|e| e.resource == "handover" && e.action == "read"), "{entries:?}");
    // The same on the page.
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get("/handovers/sent").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Community health assessment"), "{}", page.body);
    assert!(page.body.contains("Rhea"), "the page still lists the handover: {}", page.body);
    Ok(())
}

async fn health_sharing_spreads_only_when_health_staff_decide_and_only_to_the_team(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let college = w.t.org_named("ETE-A", "Calder College", "education").await?;
    let (_, tutor_token) = w.t.user("tia@college.example.org", "ETE-A", "ete_coordinator").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let (cm, hw, tutor) = (w.api(), w.t.api(&hw_token), w.t.api(&tutor_token));
    let body = json!({"category": "neurodisability", "summary": "ADHD diagnosis, on methylphenidate"});
    let (s, _) = cm.post(&format!("/api/v1/children/{id}/health/records"), &body).await?;
    assert_eq!(s, StatusCode::CREATED);
    // The health worker shares with the case manager's service, with Rhea's consent.
    let consent = |org: &str| {
        json!({"decision": "consent_given", "share_with_organisation_id": org, "capacity": "assessed_competent",
            "purpose": "ADHD support in the resettlement plan"})
    };
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/consents"), &consent(&w.yjs.id.to_string())).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, h) = cm.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(h["content_visible"], true, "the consent lets the case manager read: {h}");

    // Named in a consent, the case manager still cannot decide more sharing, nor record an
    // assessment or a clinician's score.
    let consents_before = w.t.db.count("health_consents").await?;
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/health/consents"), &consent(&college.id.to_string())).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
    assert!(r["detail"].as_str().unwrap_or_default().contains("health staff"), "{r}");
    let body = json!({"measure": "sdq_total", "score": 24, "rater": "clinician", "measured_on": "2026-02-27"});
    let (s, _) = cm.post(&format!("/api/v1/children/{id}/health/measures"), &body).await?;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let body = json!({"kind": "community_health_assessment", "assessed_on": "2026-02-20",
        "sections": [{"section": "mental_health", "findings": "Settled"}]});
    let (s, _) = cm.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(w.t.db.count("health_consents").await?, consents_before);

    // Even health staff share only with organisations on the team: the college is not.
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/consents"), &consent(&college.id.to_string())).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("share_with_organisation_id"), "{r}");
    assert_eq!(w.t.db.count("health_consents").await?, consents_before);
    let (s, _) = tutor.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    Ok(())
}

async fn only_the_responsible_service_adds_to_the_team_by_hand_and_the_services_own_joins_are_audited_as_its_own(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Wetherby YOI", "yoi").await?;
    let (_, sp_token) = w.t.user("sam.practitioner@yoi-a.example.org", "YOI-A", "secure_practitioner").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let college = w.t.org_named("ETE-A", "Calder College", "education").await?;
    let (_, tutor_token) = w.t.user("tia@college.example.org", "ETE-A", "ete_coordinator").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let child_id: resettle_domain::ids::ChildId = id.parse()?;

    // The case manager records a remand: the establishment joins the team, by the service.
    let body = json!({"start_date": "2026-03-02", "establishment_id": yoi.id.to_string()});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let entries = w.t.app.store().child_audit(child_id, 500).await?;
    let by_service: Vec<_> = entries.iter().filter(|e| e.user_id.is_none() && e.resource == "child.team").collect();
    assert_eq!(by_service.len(), 1, "{entries:?}");
    assert!(by_service[0].purpose.starts_with(resettle_app::audit::SERVICE_PURPOSE_PREFIX), "{by_service:?}");

    // The establishment's practitioner, and the YJS health worker, are on the team but may not
    // add the college to it by hand; nothing is written.
    let add_college = json!({"organisation_id": college.id.to_string(), "role": "ete_coordinator",
        "responsibility": "Finds a college place for release"});
    let team_before = w.t.db.count("team_members").await?;
    for token in [&sp_token, &hw_token] {
        let (s, r) = w.t.api(token).post(&format!("/api/v1/children/{id}/team"), &add_college).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
        assert!(r["detail"].as_str().unwrap_or_default().contains("youth justice service"), "{r}");
    }
    assert_eq!(w.t.db.count("team_members").await?, team_before);
    let (s, _) = w.t.api(&tutor_token).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND, "the college must not have joined");
    // The responsible service's case manager may.
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/team"), &add_college).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, _) = w.t.api(&tutor_token).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::OK);
    Ok(())
}

async fn health_details_stay_out_of_the_timeline_and_the_caseload_filters_for_those_who_may_not_see_them(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Wetherby YOI", "yoi").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (_, ch_token) = w.t.user("cal.nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let (cm, hw, ch) = (w.api(), w.t.api(&hw_token), w.t.api(&ch_token));
    let body = json!({"start_date": "2026-03-02", "establishment_id": yoi.id.to_string()});
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The health worker puts a substance-misuse need on the plan.
    let body = json!({"pathway": "substance_misuse", "need": "substance_treatment",
        "owner_organisation_id": w.yjs.id.to_string()});
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/plan/needs"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    // Which children have such needs is health information: the health worker may filter by
    // it, the case manager learns nothing from the filter.
    let (s, c) = hw.get("/api/v1/caseload?pathway=substance_misuse").await?;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["counts"]["total"], 1, "{c}");
    let (s, c) = cm.get("/api/v1/caseload?pathway=substance_misuse").await?;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["counts"]["total"], 0, "{c}");
    assert!(!c.to_string().contains("Rhea"), "{c}");
    // Other pathways filter as before.
    let (_, c) = cm.get("/api/v1/caseload").await?;
    assert_eq!(c["counts"]["total"], 1, "{c}");

    // Custody healthcare closes a carried-over need at the custody assessment, with a reason:
    // the reason stays with health, out of the timeline everyone on the team reads.
    let body = json!({"kind": "community_health_assessment", "assessed_on": "2026-02-20",
        "sections": [{"section": "substance_use", "findings": "Daily cannabis use"}],
        "needs": [{"pathway": "substance_misuse", "description": "Cannabis reduction work"}]});
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, draft) = ch.post(&format!("/api/v1/children/{id}/health/assessments/custody"), &json!({})).await?;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let complete = format!("/api/v1/health/assessments/{}/complete", draft["id"].as_str().unwrap());
    let needs: Vec<Value> = list(&draft["needs"])
        .iter()
        .map(|_| json!({"review": "closed", "close_reason": "Abstinent since remand, says Rhea"}))
        .collect();
    let body = json!({"version": draft["version"], "sections": [{"section": "substance_use", "review": "confirmed"}],
        "needs": needs});
    let (s, r) = ch.post(&complete, &body).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, record) = cm.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::OK);
    assert!(!record.to_string().contains("Abstinent"), "{record}");
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{id}")).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("closed at the custody assessment"), "the closing itself is on the timeline");
    assert!(!page.body.contains("Abstinent"), "{}", page.body);
    Ok(())
}

async fn a_managers_token_does_not_outlive_a_reset_of_their_authenticator(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (_, token) = w.t.user("mo.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let api = w.t.api(&token);
    // The bearer scheme is case-insensitive.
    let r = api
        .send(
            w.t.anonymous_api()
                .builder(reqwest::Method::GET, "/api/v1/children")
                .header(reqwest::header::AUTHORIZATION, format!("bearer {token}")),
        )
        .await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (s, _) = api.get("/api/v1/children").await?;
    assert_eq!(s, StatusCode::OK);
    // Lost phone: the operator resets the authenticator, and the token made with it stops.
    w.t.app.reset_totp("mo.manager@yjs-a.example.org").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let (s, _) = api.get("/api/v1/children").await?;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    Ok(())
}

async fn line_breaks_in_a_one_line_field_are_refused_and_change_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let before = w.t.db.count("children").await?;
    let mut body = w.child_body("Ada", "Lovelace");
    body["family_name"] = json!("Lovelace\r\nBcc: everyone@example.org");
    let (s, r) = w.api().post("/api/v1/children", &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("family_name") && r.to_string().contains("one line"), "{r}");
    assert_eq!(w.t.db.count("children").await?, before);
    Ok(())
}

/// Signs in through the form as a client at `ip` behind the proxy, over `proto`.
async fn sign_in_from(
    browser: &resettle_testkit::Browser,
    email: &str,
    password: &str,
    ip: &str,
    proto: &str,
) -> anyhow::Result<resettle_testkit::PageReply> {
    let token = browser.csrf_token("/sign-in").await?;
    browser
        .post_form_with_headers(
            "/sign-in",
            &[("email", email), ("password", password), ("csrf_token", &token)],
            &[("x-forwarded-for", ip), ("x-forwarded-proto", proto)],
        )
        .await
}

async fn behind_a_trusted_proxy_each_client_is_limited_and_audited_by_its_own_address(
    b: Backend,
) -> anyhow::Result<()> {
    let proxy = resettle_web::client::TrustedProxy::parse("127.0.0.1").map_err(anyhow::Error::msg)?;
    let config = resettle_web::WebConfig { trusted_proxies: vec![proxy], ..resettle_testkit::web_config() };
    let t = resettle_testkit::spawn_app_with(b, config).await?;
    t.org("YJS-T", "yjs").await?;
    t.user("real@yjs-t.example.org", "YJS-T", "yjs_case_manager").await?;
    t.user("other@yjs-t.example.org", "YJS-T", "yjs_case_manager").await?;
    // One client guesses at many accounts, as many as the per-address limit allows.
    let guesser = t.browser()?;
    for i in 0..resettle_app::throttle::PER_ADDRESS {
        let r = sign_in_from(&guesser, &format!("guess{i}@yjs-t.example.org"), "wrong", "198.51.100.7", "http").await?;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r =
        sign_in_from(&guesser, "real@yjs-t.example.org", resettle_testkit::PASSWORD, "198.51.100.7", "http").await?;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "that address is held back");
    // Everyone else behind the same proxy still signs in: the limit was that client's.
    let other = t.browser()?;
    let r = sign_in_from(&other, "real@yjs-t.example.org", resettle_testkit::PASSWORD, "203.0.113.20", "http").await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.header("strict-transport-security").is_none(), "plain HTTP, the proxy says");
    // Over HTTPS, the proxy says: Secure __Host- cookies and HSTS.
    let rb = other.builder(reqwest::Method::GET, "/sign-in")?.header("x-forwarded-proto", "https");
    let r = other.send(rb).await?;
    let csrf = r.set_cookie("__Host-resettle_csrf").unwrap_or_default();
    assert!(csrf.contains("Secure"), "{:?}", r.set_cookies());
    assert!(r.header("strict-transport-security").is_some());
    // The audit trail names the client, not the proxy.
    let (head, _) = t.app.store().audit_head().await?;
    let recent = t.app.store().audit_entries(head - 5, 10).await?;
    assert!(recent.iter().any(|e| e.ip.as_deref() == Some("203.0.113.20")), "{recent:?}");
    assert!(!recent.iter().any(|e| e.ip.as_deref() == Some("127.0.0.1")), "{recent:?}");

    // Without a trusted proxy the same headers are ignored: anyone can send them.
    let plain = resettle_testkit::spawn_app(b).await?;
    let r = plain.browser()?.get("/sign-in").await?;
    assert!(r.header("strict-transport-security").is_none());
    let browser = plain.browser()?;
    let token = browser.csrf_token("/sign-in").await?;
    let r = browser
        .post_form_with_headers(
            "/sign-in",
            &[("email", "x@example.org"), ("password", "wrong"), ("csrf_token", &token)],
            &[("x-forwarded-proto", "https")],
        )
        .await?;
    assert!(r.header("strict-transport-security").is_none());
    Ok(())
}

async fn an_incoming_request_id_is_used_only_when_it_is_a_uuid(b: Backend) -> anyhow::Result<()> {
    let t = resettle_testkit::spawn_app(b).await?;
    let api = t.anonymous_api();
    let good = "3f2c8a9e-1b7d-4c1e-9a53-2d8f0e6b7c41";
    let r = api.send(api.builder(reqwest::Method::GET, "/healthz").header("x-request-id", good)).await?;
    assert_eq!(r.header("x-request-id"), Some(good));
    for bad in ["drop table audit_log", "3f2c8a9e1b7d4c1e9a532d8f0e6b7c41", "<script>"] {
        let r = api.send(api.builder(reqwest::Method::GET, "/healthz").header("x-request-id", bad)).await?;
        let id = r.header("x-request-id").unwrap_or_default();
        assert_ne!(id, bad);
        assert!(uuid::Uuid::try_parse(id).is_ok(), "{id}");
    }
    Ok(())
}

async fn a_person_changes_their_own_password_and_every_other_way_in_ends(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let email = "casey.manager@yjs-a.example.org";
    let here = w.t.browser()?;
    here.sign_in_ok(email).await?;
    let elsewhere = w.t.browser()?;
    elsewhere.sign_in_ok(email).await?;
    let form = here.get("/account/password").await?;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf_token().unwrap();
    let new = "a river of slow green glass";
    // The current password must be right; nothing changes when it is not.
    let r = here
        .post_form(
            "/account/password",
            &[("csrf_token", &csrf), ("current_password", "not it at all"), ("new_password", new)],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("current password is not right"), "{}", r.body);
    assert!(!r.body.contains(new), "a typed password is never shown again");
    // A weak new password is refused, saying why.
    let r = here
        .post_form(
            "/account/password",
            &[("csrf_token", &csrf), ("current_password", resettle_testkit::PASSWORD), ("new_password", "short")],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("at least 12 characters"), "{}", r.body);
    let r = here
        .post_form(
            "/account/password",
            &[("csrf_token", &csrf), ("current_password", resettle_testkit::PASSWORD), ("new_password", new)],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/account/sessions?notice=password"));
    // This session goes on; the other session and the API token end.
    assert_eq!(here.get("/caseload").await?.status, StatusCode::OK);
    let other = elsewhere.get("/caseload").await?;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let (s, _) = w.api().get("/api/v1/children").await?;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The new password signs in; the old one does not.
    let r = w.t.browser()?.sign_in(email, resettle_testkit::PASSWORD).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.t.browser()?.sign_in(email, new).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    Ok(())
}

async fn an_administrator_never_sets_a_password_but_issues_a_link_that_works_once(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (admin, _) = w.t.user("root@yjs-a.example.org", "YJS-A", "admin").await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(admin.email.as_str()).await?;
    let page = browser.get("/admin/users").await?;
    assert!(!page.body.contains("name=\"password\""), "no password field for someone else's account");
    let csrf = page.csrf_token().unwrap();
    let r = browser
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("email", "nia.new@yjs-a.example.org"),
                ("name", "Nia New"),
                ("organisation", "YJS-A"),
                ("role", "yjs_case_manager"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = r.body.find("/set-password/").expect("the link is shown once");
    let path: String = r.body[start..].chars().take_while(|c| !matches!(c, '<' | '"' | ' ')).collect();
    // Nobody can sign in to the new account before the link is used.
    let r2 = w.t.browser()?.sign_in("nia.new@yjs-a.example.org", resettle_testkit::PASSWORD).await?;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nia opens the link and sets her own password.
    let nia = w.t.browser()?;
    let form = nia.get(&path).await?;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let r = nia.post_form(&path, &[("password", "short")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let hers = "seven green bottles on a wall";
    let r = nia.post_form(&path, &[("password", hers)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = nia.sign_in("nia.new@yjs-a.example.org", hers).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The link works once.
    assert_eq!(w.t.browser()?.get(&path).await?.status, StatusCode::GONE);
    let r = w.t.browser()?.post_form(&path, &[("password", "another long pass phrase")]).await?;
    assert_eq!(r.status, StatusCode::GONE);
    // A reset: a new link for Nia; her sessions end when she uses it.
    let page = browser.get("/admin/users").await?;
    let nia_id = w
        .t
        .app
        .store()
        .user_by_email(&resettle_domain::org::Email::parse("nia.new@yjs-a.example.org").map_err(anyhow::Error::msg)?)
        .await?
        .unwrap()
        .user
        .id;
    let r = browser
        .post_form(
            "/admin/users/password-link",
            &[("csrf_token", &page.csrf_token().unwrap()), ("user", &nia_id.to_string())],
        )
        .await?;
    assert_eq!(r.status, StatusCode::OK);
    let start = r.body.find("/set-password/").expect("the reset link");
    let reset: String = r.body[start..].chars().take_while(|c| !matches!(c, '<' | '"' | ' ')).collect();
    assert_ne!(reset, path);
    let r = w.t.browser()?.post_form(&reset, &[("password", "a brand new long phrase")]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(nia.get("/caseload").await?.status, StatusCode::SEE_OTHER, "her session ended");
    // Issuing links is audited as administration.
    let (head, _) = w.t.app.store().audit_head().await?;
    let all = w.t.app.store().audit_entries(0, u32::try_from(head)?).await?;
    assert!(all.iter().filter(|e| e.action == "admin" && e.purpose.contains("set-password link")).count() >= 2);
    Ok(())
}
