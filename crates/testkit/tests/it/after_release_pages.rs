//! The after-release pages, through the real forms: a case manager's week of appointments with
//! several outcomes recorded at once, and the child's after-release page with a form for each
//! event. A refused form changes nothing and says what to fix; other services see nothing.

use reqwest::StatusCode;
use resettle_testkit::{Backend, Browser};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_week_of_appointments_has_its_outcomes_recorded_at_once,
    the_after_release_page_records_each_event_and_refuses_what_is_wrong,
);

/// Thursday 3 December 2026, midday.
const NOW: &str = "2026-12-03T12:00:00Z";

/// A 16-year-old sentenced to a ten-month DTO in March and released on its day of discharge,
/// with the case manager signed in to the pages.
async fn released(b: Backend) -> anyhow::Result<(Yjs, String, Browser)> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?;
    let mut body = w.child_body("Rowan", "Week");
    body["date_of_birth"] = json!("2010-05-20");
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    let id = c["id"].as_str().unwrap().to_string();
    let sentence = post(
        &w,
        &format!("/api/v1/children/{id}/sentences"),
        json!({"kind": "dto", "sentence_date": "2026-03-02", "term_months": 10, "establishment_id": yoi.id.to_string()}),
    )
    .await?;
    let discharge = sentence["key_dates"]["discharge_on"].as_str().unwrap().to_string();
    post(&w, &format!("/api/v1/children/{id}/custody/release"), json!({"date": discharge, "kind": "dto_mid_term"}))
        .await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    Ok((w, id, browser))
}

async fn post(w: &Yjs, path: &str, body: Value) -> anyhow::Result<Value> {
    let (s, r) = w.api().post(path, &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED || s == StatusCode::OK, "POST {path} {body}: {s} {r}");
    Ok(r)
}

async fn appointments(w: &Yjs, id: &str) -> anyhow::Result<Vec<Value>> {
    let (s, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    anyhow::ensure!(s == StatusCode::OK, "{s} {p}");
    Ok(p["appointments"].as_array().cloned().unwrap_or_default())
}

async fn a_week_of_appointments_has_its_outcomes_recorded_at_once(b: Backend) -> anyhow::Result<()> {
    let (w, id, browser) = released(b).await?;
    let mut ids = Vec::new();
    for at in ["2026-11-30T10:00:00Z", "2026-12-01T14:30:00Z", "2026-12-04T10:00:00Z"] {
        let a = post(
            &w,
            &format!("/api/v1/children/{id}/appointments"),
            json!({"kind": "yjs_supervision", "starts_at": at, "location": "YJS office"}),
        )
        .await?;
        ids.push(a["id"].as_str().unwrap().to_string());
    }

    let page = browser.get("/appointments").await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("30 November 2026 to 6 December 2026"), "{}", page.body);
    // The two past ones wait for their outcome; Friday's is booked.
    assert!(page.body.contains(&format!("name=\"outcome-{}\"", ids[0])), "{}", page.body);
    assert!(page.body.contains(&format!("name=\"outcome-{}\"", ids[1])), "{}", page.body);
    assert!(!page.body.contains(&format!("name=\"outcome-{}\"", ids[2])), "{}", page.body);
    assert!(page.body.contains("Rowan"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/children/{id}/after-release\"")), "{}", page.body);
    assert!(page.body.contains("Booked"), "{}", page.body);
    let token = page.csrf_token().unwrap();
    let v0 = format!("version-{}", ids[0]);
    let v1 = format!("version-{}", ids[1]);
    let o0 = format!("outcome-{}", ids[0]);
    let o1 = format!("outcome-{}", ids[1]);
    let r1 = format!("reason-{}", ids[1]);

    // An acceptable absence needs its reason: refused, and neither outcome is recorded.
    let refused = browser
        .post_form(
            "/appointments",
            &[
                ("csrf_token", &token),
                (&v0, "1"),
                (&o0, "attended"),
                (&v1, "1"),
                (&o1, "acceptable_absence"),
                (&r1, ""),
            ],
        )
        .await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("govuk-error-summary"), "{}", refused.body);
    assert!(refused.body.contains(&format!("href=\"#outcome-{}\"", ids[1])), "{}", refused.body);
    // What was chosen is still chosen.
    assert!(refused.body.contains("value=\"attended\" selected"), "{}", refused.body);
    assert!(appointments(&w, &id).await?.iter().all(|a| a["outcome"].is_null()));

    // Nothing chosen at all says so.
    let empty = browser.post_form("/appointments", &[("csrf_token", &token)]).await?;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    assert!(empty.body.contains("Choose how at least one appointment went"), "{}", empty.body);

    let done = browser
        .post_form(
            "/appointments",
            &[
                ("csrf_token", &token),
                (&v0, "1"),
                (&o0, "attended"),
                (&v1, "1"),
                (&o1, "acceptable_absence"),
                (&r1, "Hospital appointment"),
            ],
        )
        .await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = appointments(&w, &id).await?;
    let outcome = |i: usize| list.iter().find(|a| a["id"] == ids[i]).map(|a| a["outcome"].clone());
    assert_eq!(outcome(0), Some(json!("attended")));
    assert_eq!(outcome(1), Some(json!("acceptable_absence")));
    assert_eq!(outcome(2), Some(Value::Null));
    let reason = list.iter().find(|a| a["id"] == ids[1]).unwrap()["outcome_reason"].clone();
    assert_eq!(reason, json!("Hospital appointment"));

    // The same form sent again is stale (the versions moved on) and changes nothing.
    let stale = browser
        .post_form("/appointments", &[("csrf_token", &token), (&v0, "1"), (&o0, "unacceptable_absence")])
        .await?;
    assert_ne!(stale.status, StatusCode::SEE_OTHER, "{}", stale.body);
    let list = appointments(&w, &id).await?;
    assert_eq!(list.iter().find(|a| a["id"] == ids[0]).unwrap()["outcome"], json!("attended"));

    // Someone at another service has no appointments with Rowan to see.
    w.t.org("YJS-B", "yjs").await?;
    let (other, _) = w.t.user("olive.other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let outsider = w.t.browser()?;
    outsider.sign_in_ok(other.email.as_str()).await?;
    let theirs = outsider.get("/appointments?week=2026-11-30").await?;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Rowan"), "{}", theirs.body);
    let page = outsider.get(&format!("/children/{id}/after-release")).await?;
    assert!(matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", page.status);
    Ok(())
}

async fn the_after_release_page_records_each_event_and_refuses_what_is_wrong(b: Backend) -> anyhow::Result<()> {
    let (w, id, browser) = released(b).await?;
    let path = format!("/children/{id}/after-release");
    let page = browser.get(&path).await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Released"), "{}", page.body);
    assert!(page.body.contains("20 May 2028"), "turns 18: {}", page.body);
    // Supervision ends before Rowan turns 18: no transfer to probation to record.
    assert!(!page.body.contains("id=\"probation\""), "{}", page.body);
    assert!(page.body.contains("id=\"living\""), "{}", page.body);
    let token = page.csrf_token().unwrap();

    // A time that is not a time is refused with the form open, and nothing is booked.
    let bad = browser
        .post_form(
            &format!("{path}/appointments"),
            &[
                ("csrf_token", &token),
                ("kind", "yjs_supervision"),
                ("starts_at-day", "7"),
                ("starts_at-month", "12"),
                ("starts_at-year", "2026"),
                ("starts_at-time", "25:99"),
                ("repeat", "schedule"),
            ],
        )
        .await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("govuk-error-summary"), "{}", bad.body);
    assert!(bad.body.contains("id=\"appointments\" open"), "{}", bad.body);
    assert!(bad.body.contains("value=\"25:99\""), "what was typed stays: {}", bad.body);
    assert!(appointments(&w, &id).await?.is_empty());

    // A repeating schedule from Monday 7 December at 10:00 in London, until supervision ends.
    let ok = browser
        .post_form(
            &format!("{path}/appointments"),
            &[
                ("csrf_token", &token),
                ("kind", "yjs_supervision"),
                ("starts_at-day", "7"),
                ("starts_at-month", "12"),
                ("starts_at-year", "2026"),
                ("starts_at-time", "10:00"),
                ("location", "YJS office"),
                ("repeat", "schedule"),
            ],
        )
        .await?;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let booked = appointments(&w, &id).await?;
    assert!(booked.len() > 1, "{booked:?}");
    assert_eq!(booked[0]["starts_at"], json!("2026-12-07T10:00:00Z"));
    assert_eq!(booked[1]["starts_at"], json!("2026-12-14T10:00:00Z"));
    let shown = browser.get(&format!("{path}?notice=appointments")).await?;
    assert!(shown.body.contains("Appointments booked"), "{}", shown.body);
    assert!(shown.body.contains("7 December 2026"), "{}", shown.body);

    // Each booked appointment goes to a calendar with the child named by initials only.
    let first = booked[0]["id"].as_str().unwrap();
    let link = format!("/appointments/{first}/invite.ics");
    assert!(shown.body.contains(&link), "{}", shown.body);
    let ics = browser.get(&link).await?;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.headers["content-type"].to_str()?.starts_with("text/calendar"));
    assert!(ics.body.contains("DTSTART:20261207T100000Z"), "{}", ics.body);
    assert!(ics.body.contains("R.W."), "{}", ics.body);
    assert!(!ics.body.contains("Rowan"), "{}", ics.body);
    assert!(ics.body.contains("LOCATION:YJS office"), "{}", ics.body);

    // Living: unsuitable without a reason is refused on the form's own field.
    let living = |suitable: &'static str, reason: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("living_from-day", "1".to_string()),
            ("living_from-month", "12".to_string()),
            ("living_from-year", "2026".to_string()),
            ("living_kind", "family_home".to_string()),
            ("suitable", suitable.to_string()),
            ("unsuitable_reason", reason.to_string()),
        ]
    };
    let form = living("no", "");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = browser.post_form(&format!("{path}/living"), &form).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("href=\"#unsuitable_reason\""), "{}", refused.body);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["living_arrangements"].as_array().map(Vec::len), Some(0), "{p}");
    let form = living("yes", "");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = browser.post_form(&format!("{path}/living"), &form).await?;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["living_arrangements"][0]["kind"], json!("family_home"), "{p}");

    // An offence, entered from the page, is on the record.
    let offence = browser
        .post_form(
            &format!("{path}/offences"),
            &[
                ("csrf_token", &token),
                ("arrested_on-day", "28"),
                ("arrested_on-month", "11"),
                ("arrested_on-year", "2026"),
                ("category", "theft"),
                ("offence_outcome", "no_further_action"),
                ("outcome_on-day", "2"),
                ("outcome_on-month", "12"),
                ("outcome_on-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(offence.status, StatusCode::SEE_OTHER, "{}", offence.body);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["offences"].as_array().map(Vec::len), Some(1), "{p}");

    // Without the session's token nothing is recorded.
    let forged = browser
        .post_form(
            &format!("{path}/appointments"),
            &[
                ("csrf_token", "forged"),
                ("kind", "yjs_supervision"),
                ("starts_at-day", "8"),
                ("starts_at-month", "12"),
                ("starts_at-year", "2026"),
                ("starts_at-time", "10:00"),
            ],
        )
        .await?;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    assert_eq!(appointments(&w, &id).await?.len(), booked.len());
    Ok(())
}
