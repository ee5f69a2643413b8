//! Health that follows the child (issue 6): health information recorded by anyone reaches the
//! YJS health worker and escalates when ignored; needs cross the custody boundary both ways;
//! non-health roles never read health content.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

#[allow(unused_imports)]
use resettle_app::storage::{HealthStorage, Storage};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    health_recorded_by_a_case_manager_reaches_the_health_worker_and_escalates_once_when_ignored,
    a_child_moving_into_custody_and_out_again_carries_their_needs_both_ways,
    non_health_roles_cannot_read_health_content_unless_a_sharing_decision_names_them,
    invalid_health_input_is_refused_and_writes_nothing,
);

/// Monday 2 March 2026, 10:00 UK time.
fn monday() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// The handovers of a list (a page's `items`) or of an answer that carries them as an array.
fn handovers_of(v: &Value) -> Vec<Value> {
    v.as_array().or_else(|| v["items"].as_array()).cloned().unwrap_or_default()
}

async fn health_worker_reaches_and_escalation(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let (hw, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (mgr, _) = w.t.user("mina.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    w.t.org("YJS-B", "yjs").await?;
    let (_, other_token) = w.t.user("olly.other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let cm = w.api();
    let hw_api = w.t.api(&hw_token);

    // The case manager notes a mental-health concern.
    let body = json!({"category": "mental_health", "summary": "Says she has not slept for a week; low mood",
        "source": "Rhea, at the home visit"});
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/health/records"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let sent = handovers_of(&r["handovers"]);
    assert_eq!(sent.len(), 1, "{r}");
    assert_eq!(sent[0]["recipient_role"], "yjs_health_worker");
    // Sent Monday: due by the end of Wednesday (two working days).
    assert_eq!(sent[0]["due_on"], "2026-03-04");
    let handover_id = sent[0]["id"].as_str().unwrap().to_string();

    // It waits for the health worker, content and all.
    let (s, list) = hw_api.get("/api/v1/handovers?status=pending").await?;
    assert_eq!(s, StatusCode::OK, "{list}");
    let list = handovers_of(&list);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["id"], handover_id.as_str());
    assert!(list[0]["summary"].as_str().unwrap().contains("not slept"), "{list:?}");
    assert_eq!(list[0]["status"], "pending");
    // The sender sees it among those not yet acknowledged; nothing waits for the sender.
    let (_, sent_list) = cm.get("/api/v1/handovers?status=sent").await?;
    assert_eq!(handovers_of(&sent_list).len(), 1, "{sent_list}");
    let (_, mine) = cm.get("/api/v1/handovers").await?;
    assert!(handovers_of(&mine).is_empty(), "{mine}");

    // Not yet overdue: a sweep does nothing.
    let report = w.t.app.sweep(monday()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(report.escalated, 0);
    // Ignored until Thursday: escalated to the YJS manager, once however often the sweep runs.
    let thursday = monday() + SignedDuration::from_hours(72);
    let first = w.t.app.sweep(thursday).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!((first.escalated, first.notifications), (1, 1));
    let second = w.t.app.sweep(thursday + SignedDuration::from_mins(5)).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!((second.escalated, second.notifications), (0, 0));
    assert_eq!(w.t.db.count("notifications").await?, 1);
    assert_eq!(w.t.db.count("handover_escalations").await?, 1);
    // The manager is also emailed, once, queued with the notification; the email names no child.
    assert_eq!(w.t.db.count("outbox").await?, 1);
    let queued = w.t.app.store().take_due_emails(thursday, thursday, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].email.to.as_str(), mgr.email.as_str());
    assert!(queued[0].email.subject.contains("health handover"), "{:?}", queued[0]);
    assert!(!queued[0].email.body.contains("Rhea") && !queued[0].email.body.contains("Quill"), "{:?}", queued[0]);
    let notes = w.t.app.store().notifications(mgr.id, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(notes.len(), 1);
    assert!(notes[0].message.contains("Rhea Quill"), "{:?}", notes[0]);
    assert_eq!(notes[0].link.as_deref(), Some(format!("/children/{id}/health").as_str()));
    // Still visible to the sender; the timeline records the escalation.
    let (_, sent_list) = cm.get("/api/v1/handovers?status=sent").await?;
    assert_eq!(handovers_of(&sent_list).len(), 1);
    let timeline =
        w.t.app
            .store()
            .timeline(resettle_domain::ids::ChildId(id.parse()?), 50)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert!(timeline.iter().any(|e| e.kind == "handover.escalated"), "{timeline:?}");

    // Only a recipient acknowledges: the sender on the team is refused, an outsider finds nothing.
    let ack = format!("/api/v1/handovers/{handover_id}/acknowledge");
    let (s, r) = cm.post(&ack, &json!({"note": "seen"})).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
    let (s, r) = w.t.api(&other_token).post(&ack, &json!({})).await?;
    assert_eq!(s, StatusCode::NOT_FOUND, "{r}");
    let (s, r) = hw_api.post(&ack, &json!({"note": "Booked a CAMHS screen for Friday"})).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["acknowledged_by"], hw.name.as_str());
    let (s, r) = hw_api.post(&ack, &json!({})).await?;
    assert_eq!(s, StatusCode::CONFLICT, "{r}");
    let (_, list) = hw_api.get("/api/v1/handovers?status=pending").await?;
    assert!(handovers_of(&list).is_empty(), "{list}");
    let (_, sent_list) = cm.get("/api/v1/handovers?status=sent").await?;
    assert!(handovers_of(&sent_list).is_empty(), "{sent_list}");

    // Recorded by the health worker themselves: no handover to themselves.
    let body = json!({"category": "physical_health", "summary": "Asthma reviewed"});
    let (s, r) = hw_api.post(&format!("/api/v1/children/{id}/health/records"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert!(handovers_of(&r["handovers"]).is_empty(), "{r}");
    Ok(())
}

async fn health_recorded_by_a_case_manager_reaches_the_health_worker_and_escalates_once_when_ignored(
    b: Backend,
) -> anyhow::Result<()> {
    health_worker_reaches_and_escalation(b).await
}

async fn a_child_moving_into_custody_and_out_again_carries_their_needs_both_ways(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Wetherby YOI", "yoi").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (_, ch_token) = w.t.user("cal.nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let (cm, hw, ch) = (w.api(), w.t.api(&hw_token), w.t.api(&ch_token));

    // The community health assessment, before custody.
    let body = json!({"kind": "community_health_assessment", "assessed_on": "2026-02-20",
        "sections": [
            {"section": "mental_health", "findings": "Low mood and poor sleep; CAMHS referral made"},
            {"section": "substance_use", "findings": "Daily cannabis use"}],
        "needs": [{"pathway": "health", "description": "CAMHS follow-up for low mood"},
                  {"pathway": "substance_misuse", "description": "Cannabis reduction work"}]});
    let (s, community) = hw.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{community}");
    // The establishment's healthcare team cannot see it before the child arrives.
    let (s, _) = ch.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Remanded to the YOI: the community picture is handed over to its healthcare team.
    let body = json!({"start_date": "2026-03-02", "establishment_id": yoi.id.to_string()});
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, waiting) = ch.get("/api/v1/handovers?status=pending").await?;
    let waiting = handovers_of(&waiting);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["item_kind"], "custody_placement");
    assert_eq!(waiting[0]["recipient_role"], "custody_health");
    assert_eq!(waiting[0]["item_id"], community["id"]);
    let summary = waiting[0]["summary"].as_str().unwrap();
    assert!(summary.contains("Community health assessment"), "{summary}");
    // Now on the team: custody healthcare reads the health content.
    let (s, h) = ch.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["content_visible"], true);
    assert_eq!(h["assessments"].as_array().map(Vec::len), Some(1));

    // The comprehensive custody assessment starts pre-filled, every answer and need to review.
    let (s, draft) = ch.post(&format!("/api/v1/children/{id}/health/assessments/custody"), &json!({})).await?;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["based_on"], community["id"]);
    let sections = draft["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 2);
    assert!(sections.iter().all(|s| s["review"] == "carried_over"), "{draft}");
    assert_eq!(sections[0]["findings"], "Low mood and poor sleep; CAMHS referral made");
    let needs = draft["needs"].as_array().unwrap();
    let descriptions: Vec<&str> = needs.iter().filter_map(|n| n["description"].as_str()).collect();
    assert!(descriptions.contains(&"CAMHS follow-up for low mood"), "{draft}");
    assert!(descriptions.contains(&"Cannabis reduction work"), "{draft}");
    assert!(needs.iter().all(|n| n["review"] == "carried_over"), "{draft}");

    // Community needs cannot silently drop: completing with them unreviewed is refused.
    let complete = format!("/api/v1/health/assessments/{}/complete", draft["id"].as_str().unwrap());
    let (s, r) = ch.post(&complete, &json!({"version": 1})).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    // Closing a need needs a reason.
    let mut reviews: Vec<Value> = needs.iter().map(|_| json!({"review": "confirmed"})).collect();
    reviews[1] = json!({"review": "closed"});
    let body = json!({"version": 1,
        "sections": [{"section": "mental_health", "review": "confirmed"},
                     {"section": "substance_use", "review": "changed", "findings": "No use since remand"}],
        "needs": reviews.clone()});
    let (s, r) = ch.post(&complete, &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    reviews[1] = json!({"review": "closed", "close_reason": "Abstinent in custody; reviewed with Rhea"});
    let body = json!({"version": 1,
        "sections": [{"section": "mental_health", "review": "confirmed"},
                     {"section": "substance_use", "review": "changed", "findings": "No use since remand"}],
        "needs": reviews});
    let (s, done) = ch.post(&complete, &body).await?;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "complete");
    let reviewed: Vec<&str> =
        done["sections"].as_array().unwrap().iter().filter_map(|s| s["review"].as_str()).collect();
    assert_eq!(reviewed, ["confirmed", "changed"]);
    // The confirmed need is now on the plan's health pathway.
    let (_, plan) = hw.get(&format!("/api/v1/children/{id}/plan")).await?;
    assert!(plan.to_string().contains("CAMHS follow-up for low mood"), "{plan}");
    // A stale version is refused.
    let (s, _) = ch.post(&complete, &json!({"version": 1})).await?;
    assert!(s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::CONFLICT);

    // The release health summary, then release: it is handed to the YJS health worker.
    let body = json!({"kind": "release_health_summary",
        "sections": [{"section": "mental_health", "findings": "Mood improved on sertraline; CAMHS to continue"}]});
    let (s, r) = ch.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, r) = cm.post(&format!("/api/v1/children/{id}/custody/release"), &json!({"date": "2026-03-02"})).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, waiting) = hw.get("/api/v1/handovers?status=pending").await?;
    let release: Vec<Value> = handovers_of(&waiting).into_iter().filter(|h| h["item_kind"] == "release").collect();
    assert_eq!(release.len(), 1, "{waiting}");
    assert_eq!(release[0]["item_id"], r_id(&r, &w, id).await?);
    let summary = release[0]["summary"].as_str().unwrap();
    assert!(summary.starts_with("Release health summary"), "{summary}");
    assert!(summary.contains("CAMHS follow-up for low mood"), "{summary}");
    // The share log records both handovers (what, with whom, why).
    let (_, h) = hw.get(&format!("/api/v1/children/{id}/health")).await?;
    let log = h["share_log"].as_array().unwrap();
    assert!(log.iter().any(|l| l["why"].as_str().unwrap_or_default().contains("Placed in custody")), "{h}");
    assert!(log.iter().any(|l| l["why"].as_str().unwrap_or_default().contains("Released")), "{h}");
    Ok(())
}

/// The id of the newest release health summary (what the release handover must carry).
async fn r_id(_: &Value, w: &Yjs, child: &str) -> anyhow::Result<Value> {
    let list =
        w.t.app
            .store()
            .assessments(resettle_domain::ids::ChildId(child.parse()?))
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let summary = list.iter().find(|a| a.kind.as_str() == "release_health_summary").unwrap();
    Ok(json!(summary.id.to_string()))
}

async fn non_health_roles_cannot_read_health_content_unless_a_sharing_decision_names_them(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    w.t.org("YJS-B", "yjs").await?;
    let (_, other_token) = w.t.user("olly.other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let (cm, hw) = (w.api(), w.t.api(&hw_token));
    let body = json!({"category": "neurodisability", "summary": "ADHD diagnosis, on methylphenidate"});
    let (s, _) = cm.post(&format!("/api/v1/children/{id}/health/records"), &body).await?;
    assert_eq!(s, StatusCode::CREATED);
    let body = json!({"measure": "sdq_total", "score": 24, "rater": "clinician", "measured_on": "2026-02-27"});
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/measures"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The case manager who recorded it cannot read it back, by API or page.
    let (s, h) = cm.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["content_visible"], false);
    assert!(!h.to_string().contains("methylphenidate"), "{h}");
    assert_eq!(h["records"].as_array().map(Vec::len), Some(0));
    assert_eq!(h["measures"].as_array().map(Vec::len), Some(0));
    // …but sees that the handover exists and its status.
    assert_eq!(h["handovers"][0]["status"], "pending");
    assert_eq!(h["handovers"][0]["summary"], "Health information (for health staff)");
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{id}/health")).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("methylphenidate"));
    assert!(page.body.contains("for health staff"), "{}", page.body);
    // Nor may they write assessments, measures or consent decisions.
    let body = json!({"measure": "sdq_total", "score": 10, "rater": "self", "measured_on": "2026-02-27"});
    let (s, _) = cm.post(&format!("/api/v1/children/{id}/health/measures"), &body).await?;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The health worker reads it all, on the page too (chart and table).
    let (_, h) = hw.get(&format!("/api/v1/children/{id}/health")).await?;
    assert!(h.to_string().contains("methylphenidate"), "{h}");
    let hw_browser = w.t.browser()?;
    hw_browser.sign_in_ok("hana.health@yjs-a.example.org").await?;
    let page = hw_browser.get(&format!("/children/{id}/health")).await?;
    assert!(page.body.contains("methylphenidate"));
    assert!(page.body.contains("<svg"), "no chart");
    assert!(page.body.contains("<table"), "no table beside the chart");
    // The health worker records a score on the page: a mistake comes back with what was typed,
    // then the score is in the table. The case manager cannot post the form.
    let form = format!("/children/{id}/health/measures");
    let csrf = page.csrf_token().unwrap();
    let bad = [
        ("csrf_token", csrf.as_str()),
        ("measure", "sdq_total"),
        ("score", "41"),
        ("rater", "self"),
        ("measured_on-day", "27"),
        ("measured_on-month", "2"),
        ("measured_on-year", "2026"),
    ];
    let r = hw_browser.post_form(&form, &bad).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains(r#"value="41""#), "{}", r.body);
    let good = [
        ("csrf_token", csrf.as_str()),
        ("measure", "honosca_total"),
        ("score", "23"),
        ("rater", "clinician"),
        ("measured_on-day", "27"),
        ("measured_on-month", "2"),
        ("measured_on-year", "2026"),
    ];
    let r = hw_browser.post_form(&form, &good).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = hw_browser.get(r.location().unwrap()).await?;
    assert!(page.body.contains("<td class=\"govuk-table__cell\">23</td>"), "{}", page.body);
    // Saved, and said so; the day reads in words, as on every page.
    assert!(page.body.contains("govuk-notification-banner--success"), "{}", page.body);
    assert!(page.body.contains("27 February 2026"), "{}", page.body);
    crate::page_words::assert_no_iso_dates(&page.body);
    // The chart: the clinician's ratings and the child's own are lines of their own (never
    // one line), each in the key, on axes of dates and scores.
    for (score, rater, on) in [(20, "clinician", "2026-01-20"), (28, "self", "2026-01-20"), (17, "self", "2026-02-25")]
    {
        let body = json!({"measure": "sdq_total", "score": score, "rater": rater, "measured_on": on});
        let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/measures"), &body).await?;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    let page = hw_browser.get(&format!("/children/{id}/health")).await?;
    let series = |key: &str| {
        let start =
            page.body.find(&format!("<g data-series=\"{key}\">")).unwrap_or_else(|| panic!("{key}: {}", page.body));
        let end = start + page.body[start..].find("</g>").unwrap();
        page.body[start..end].to_string()
    };
    let (clinician, child_own) = (series("sdq_total/clinician"), series("sdq_total/self"));
    assert_eq!(clinician.matches("<polyline").count(), 1, "{clinician}");
    assert_eq!(clinician.matches("<circle").count(), 2, "two clinician scores: {clinician}");
    assert_eq!(child_own.matches("<polyline").count(), 1, "{child_own}");
    assert_eq!(child_own.matches("<rect").count(), 2, "two of the child's own: {child_own}");
    assert_eq!(series("honosca_total/clinician").matches("<polyline").count(), 0, "one score: a marker only");
    for key in [
        "SDQ total difficulties, rated by a clinician",
        "SDQ total difficulties, rated by the child",
        "HoNOSCA total, rated by a clinician",
    ] {
        assert!(page.body.contains(key), "the key names {key}");
    }
    assert!(page.body.contains(">Date measured<") && page.body.contains(">20 Jan 2026<"), "{}", page.body);
    // The health worker's page opens with the child's health: the form comes after it.
    let notes = page.body.find("Health notes").unwrap();
    assert!(page.body.find("Record a health note").is_some_and(|form| form > notes), "{}", page.body);
    // A day that does not exist is refused in words, against the date input.
    let unreal = [
        ("csrf_token", csrf.as_str()),
        ("measure", "sdq_total"),
        ("score", "12"),
        ("rater", "self"),
        ("measured_on-day", "30"),
        ("measured_on-month", "2"),
        ("measured_on-year", "2026"),
    ];
    let r = hw_browser.post_form(&form, &unreal).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("href=\"#measured_on\">Date must be a real date</a>"), "{}", r.body);
    crate::page_words::assert_no_iso_dates(&r.body);
    // A consent decision on the page: a mistake comes back with what was typed (she is 14, so
    // her capacity must be recorded), then it is in the table.
    let consents = format!("/children/{id}/health/consents");
    let yjs_id = w.yjs.id.to_string();
    let bad = [
        ("csrf_token", csrf.as_str()),
        ("decision", "consent_refused"),
        ("decided_by", "Her mother"),
        ("share_with_organisation_id", yjs_id.as_str()),
        ("purpose", ""),
    ];
    let r = hw_browser.post_form(&consents, &bad).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains(r#"value="Her mother""#), "{}", r.body);
    let good = [
        ("csrf_token", csrf.as_str()),
        ("decision", "consent_refused"),
        ("capacity", "assessed_competent"),
        ("share_with_organisation_id", yjs_id.as_str()),
        ("share_with_role", "ete_coordinator"),
        ("purpose", "Education records from the secure school"),
    ];
    let r = hw_browser.post_form(&consents, &good).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = hw_browser.get(r.location().unwrap()).await?;
    assert!(page.body.contains("Education records from the secure school"), "{}", page.body);
    assert!(page.body.contains("govuk-notification-banner--success"), "{}", page.body);
    crate::page_words::assert_no_iso_dates(&page.body);
    let cm_page = browser.get(&format!("/children/{id}/health")).await?;
    let cm_csrf = cm_page.csrf_token().unwrap();
    let r = browser
        .post_form(
            &form,
            &[
                ("csrf_token", cm_csrf.as_str()),
                ("measure", "sdq_total"),
                ("score", "5"),
                ("rater", "self"),
                ("measured_on-day", "27"),
                ("measured_on-month", "2"),
                ("measured_on-year", "2026"),
            ],
        )
        .await?;
    assert!(r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND, "{}", r.status);
    // Outsiders find nothing.
    let (s, r) = w.t.api(&other_token).get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(!r.to_string().contains("Rhea"));

    // Rhea (14) is assessed as competent and agrees that her case manager's service may know.
    let body = json!({"decision": "consent_given", "share_with_organisation_id": w.yjs.id.to_string(),
        "share_with_role": "yjs_case_manager", "purpose": "ADHD support in the resettlement plan"});
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/consents"), &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "under 16 needs a capacity outcome: {r}");
    let mut body = body;
    body["capacity"] = json!("assessed_competent");
    let (s, r) = hw.post(&format!("/api/v1/children/{id}/health/consents"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, h) = cm.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(h["content_visible"], true, "{h}");
    assert!(h.to_string().contains("methylphenidate"));
    assert!(h["share_log"].as_array().unwrap().iter().any(|l| l["consent_id"] == r["id"]), "{h}");
    // Refused later: the newest decision counts.
    let body = json!({"decision": "consent_refused", "share_with_organisation_id": w.yjs.id.to_string(),
        "share_with_role": "yjs_case_manager", "capacity": "assessed_competent", "purpose": "Rhea changed her mind"});
    let (s, _) = hw.post(&format!("/api/v1/children/{id}/health/consents"), &body).await?;
    assert_eq!(s, StatusCode::CREATED);
    let (_, h) = cm.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!(h["content_visible"], false, "{h}");
    Ok(())
}

async fn invalid_health_input_is_refused_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let hw = w.t.api(&hw_token);
    let cases = [
        (format!("/api/v1/children/{id}/health/records"), json!({"category": "feelings", "summary": ""}), "category"),
        (
            format!("/api/v1/children/{id}/health/records"),
            json!({"category": "other", "summary": "x", "colour": 1}),
            "colour",
        ),
        (
            format!("/api/v1/children/{id}/health/measures"),
            json!({"measure": "honosca_total", "score": 53, "rater": "clinician", "measured_on": "2026-02-27"}),
            "between 0 and 52",
        ),
        (
            format!("/api/v1/children/{id}/health/measures"),
            json!({"measure": "sdq_total", "score": "ten", "rater": "clinician", "measured_on": "2026-02-27"}),
            "score",
        ),
        (
            format!("/api/v1/children/{id}/health/consents"),
            json!({"decision": "share_without_consent", "share_with_organisation_id": w.yjs.id.to_string(),
                   "capacity": "assessed_competent", "purpose": "Safeguarding concern"}),
            "lawful basis",
        ),
    ];
    for (path, body, says) in cases {
        let (s, r) = hw.post(&path, &body).await?;
        assert!(s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST, "{path} {body}: {s} {r}");
        assert!(r["detail"].as_str().unwrap_or_default().contains(says), "{path}: {r}");
    }
    for table in ["health_records", "health_measures", "health_consents", "handovers", "share_log"] {
        assert_eq!(w.t.db.count(table).await?, 0, "{table}");
    }
    Ok(())
}
