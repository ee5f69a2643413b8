//! Findings of the security review (issue 13), each tried as the people it was about: a
//! sender of a handover who may not read health content, non-health staff named in a consent,
//! an organisation added to the team by someone outside the responsible YJS.

use jiff::Timestamp;
use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(a_sender_who_may_not_read_health_content_sees_that_a_handover_went_never_what_it_said,);

/// Monday 2 March 2026, 10:00 UK time.
fn monday() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
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
    assert!(waiting.to_string().contains("CAMHS follow-up"), "the recipient reads it: {waiting}");

    // The case manager sees that it went, to whom and when; never what it said.
    let reads_before = w.t.app.store().child_audit(child_id, 500).await?.len();
    let (s, sent) = cm.get("/api/v1/handovers?status=sent").await?;
    assert_eq!(s, StatusCode::OK, "{sent}");
    let sent = list(&sent);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["recipient_role"], "custody_health");
    assert!(sent[0]["sent_at"].is_string(), "{sent:?}");
    assert_eq!(sent[0]["summary"], resettle_app::health::WITHHELD);
    assert!(!format!("{sent:?}").contains("CAMHS"), "{sent:?}");
    // The list is an audited read of the child's record.
    let entries = w.t.app.store().child_audit(child_id, 500).await?;
    assert!(entries.len() > reads_before, "listing handovers left no audit entry");
    assert!(entries.iter().any(|e| e.resource == "handover" && e.action == "read"), "{entries:?}");
    // The same on the page.
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get("/handovers/sent").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("CAMHS"), "{}", page.body);
    assert!(page.body.contains("Rhea"), "the page still lists the handover: {}", page.body);
    Ok(())
}
