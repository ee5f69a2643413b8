//! Forms that refuse what makes no sense and say what they did: a meeting is arranged only for
//! a time to come (the refusal at the time box), and recording health information and
//! acknowledging a handover each end with a success banner.

use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::json;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_meeting_page_refuses_a_time_already_past_at_the_time_box,
    recording_health_information_and_acknowledging_a_handover_say_so,
);

/// Thursday 3 December 2026, midday (GMT, so UK time too).
const NOW: &str = "2026-12-03T12:00:00Z";

/// A child sentenced at `YOI-A` in the autumn; the case manager's id for the child.
async fn sentenced(w: &Yjs) -> anyhow::Result<String> {
    let yoi = w.t.org("YOI-A", "yoi").await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let (s, r) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/sentences"),
            &json!({"kind": "dto", "sentence_date": "2026-11-02", "term_months": 10, "establishment_id": yoi.id.to_string()}),
        )
        .await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {r}");
    Ok(id)
}

async fn a_meeting_page_refuses_a_time_already_past_at_the_time_box(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let id = sentenced(&w).await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let new = format!("/children/{id}/meetings/new");
    let csrf = browser.csrf_token(&new).await?;
    let (_, before) = w.api().get(&format!("/api/v1/children/{id}/meetings")).await?;
    let at = |day: &'static str, time: &'static str| {
        [
            ("kind", "review"),
            ("scheduled_for-day", day),
            ("scheduled_for-month", "12"),
            ("scheduled_for-year", "2026"),
            ("time", time),
            ("location", "Visits hall"),
        ]
    };
    // This morning, and yesterday: gone; the error links to the time box and nothing is added.
    for (day, time) in [("3", "09:00"), ("2", "15:00")] {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend(at(day, time));
        let r = browser.post_form(&new, &form).await?;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(r##"<a href="#time">The time has passed"##), "{}", r.body);
        assert!(r.body.contains(r#"id="time-error""#), "the message is at the time box: {}", r.body);
        assert!(r.body.contains(&format!(r#"value="{time}""#)), "what was typed is kept: {}", r.body);
    }
    let (_, after) = w.api().get(&format!("/api/v1/children/{id}/meetings")).await?;
    assert_eq!(before["items"].as_array().map(Vec::len), after["items"].as_array().map(Vec::len), "nothing added");
    // A time that is not one is the time box's problem too.
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend(at("4", "25:70"));
    let r = browser.post_form(&new, &form).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"<a href="#time">The time must be a 24-hour time"##), "{}", r.body);
    // This afternoon is still to come.
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend(at("3", "14:00"));
    let r = browser.post_form(&new, &form).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let meeting = r.location().unwrap().trim_start_matches("/meetings/").split('?').next().unwrap().to_string();

    // Moving an arranged meeting into the past is refused the same way, and changes nothing.
    let schedule = format!("/meetings/{meeting}/schedule");
    let mut form = vec![("csrf_token", csrf.as_str()), ("version", "1")];
    form.extend(at("1", "10:00").into_iter().skip(1));
    let r = browser.post_form(&schedule, &form).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"<a href="#time">The time has passed"##), "{}", r.body);
    let (_, m) = w.api().get(&format!("/api/v1/meetings/{meeting}")).await?;
    assert_eq!(m["scheduled_for"], "2026-12-03T14:00:00Z", "{m}");
    // A meeting that took place is recorded as held on its day, in the past.
    let record = format!("/meetings/{meeting}/record");
    let r = browser
        .post_form(
            &record,
            &[
                ("csrf_token", &csrf),
                ("version", "1"),
                ("attendee_count", "1"),
                ("attendee-0-name", "Ada Lovelace"),
                ("attendee-0-capacity", "The child"),
                ("attendee-0-presence", "attended"),
                ("held_on-day", "2"),
                ("held_on-month", "12"),
                ("held_on-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Held: the record can be completed, but the meeting is no longer arranged or moved.
    let page = browser.get(&format!("/meetings/{meeting}")).await?;
    assert!(!page.body.contains(&format!("href=\"/meetings/{meeting}/schedule\"")), "{}", page.body);
    assert!(!page.body.contains("Record the meeting") && !page.body.contains("invite.ics"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/meetings/{meeting}/record\"")), "{}", page.body);
    assert!(page.body.contains("Complete the record"), "{}", page.body);
    let r = browser
        .post_form(
            &record,
            &[
                ("csrf_token", &csrf),
                ("version", "2"),
                ("attendee_count", "1"),
                ("attendee-0-name", "Ada Lovelace"),
                ("attendee-0-capacity", "The child"),
                ("attendee-0-presence", "attended"),
                ("held_on-day", "2"),
                ("held_on-month", "12"),
                ("held_on-year", "2026"),
                ("child_views", "I want to go to college"),
                ("carer_views", "Mum agrees"),
                ("decisions", "Carry on"),
                ("no_actions_agreed", "yes"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Complete: a record that stays as it was, with nothing to change or record.
    let page = browser.get(&format!("/meetings/{meeting}")).await?;
    assert!(page.body.contains("Complete"), "{}", page.body);
    for gone in ["/schedule\"", "/record\"", "invite.ics"] {
        assert!(!page.body.contains(&format!("/meetings/{meeting}{gone}")), "{gone}: {}", page.body);
    }
    // The timeline tells it in sentences.
    let child = browser.get(&format!("/children/{id}")).await?;
    for sentence in [
        "Review meeting held on 2 December 2026, with attendance recorded; the record is not complete yet",
        "Review meeting: the child&#39;s views, carers&#39; views, decisions and whether actions were agreed recorded; the record is complete",
    ] {
        assert!(child.body.contains(sentence), "{sentence}: {}", child.body);
    }
    Ok(())
}

async fn recording_health_information_and_acknowledging_a_handover_say_so(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap();
    let cm = w.t.browser()?;
    cm.sign_in_ok(w.cm.email.as_str()).await?;
    let health = format!("/children/{id}/health");
    let csrf = cm.csrf_token(&health).await?;
    let r = cm
        .post_form(
            &format!("{health}/records"),
            &[("csrf_token", &csrf), ("category", "neurodisability"), ("summary", "Says he has not slept for a week")],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = cm.get(r.location().unwrap()).await?;
    assert!(page.body.contains("govuk-notification-banner--success"), "{}", page.body);
    assert!(page.body.contains("Health information recorded"), "{}", page.body);
    // Without having saved anything, no banner.
    let page = cm.get(&health).await?;
    assert!(!page.body.contains("govuk-notification-banner--success"), "{}", page.body);

    let hw = w.t.browser()?;
    hw.sign_in_ok("hana.health@yjs-a.example.org").await?;
    let waiting = hw.get("/handovers").await?;
    let action =
        waiting.body.split("action=\"/handovers/").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
    assert!(action.ends_with("/acknowledge"), "{}", waiting.body);
    let csrf = waiting.csrf_token().unwrap();
    let r = hw
        .post_form(&format!("/handovers/{action}"), &[("csrf_token", &csrf), ("note", "Sleep assessment booked")])
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = hw.get(r.location().unwrap()).await?;
    assert!(page.body.contains("govuk-notification-banner--success"), "{}", page.body);
    assert!(page.body.contains("Handover acknowledged"), "{}", page.body);
    assert!(page.body.contains("Nothing is waiting for you"), "{}", page.body);
    // Marking the notifications read says so too.
    let r = hw.post_form("/notifications/read", &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = hw.get(r.location().unwrap()).await?;
    assert!(page.body.contains("Every notification is marked as read"), "{}", page.body);
    Ok(())
}
