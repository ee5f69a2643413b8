//! The plan's pages, driven like a browser without JavaScript: forms keep what was typed,
//! stale forms come back with what changed, and everything is behind the team rule.

use reqwest::StatusCode;
use resettle_testkit::{Backend, Browser};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    the_plan_page_lists_every_pathway_and_the_meetings_the_sentence_created,
    a_need_is_added_through_the_form_and_a_mistake_keeps_what_was_typed,
    a_stale_need_form_comes_back_with_what_changed_and_saves_nothing,
    a_meeting_is_arranged_recorded_and_completed_through_the_forms,
    my_actions_and_my_plan_show_the_work_in_plain_words,
    plan_pages_are_hidden_from_people_outside_the_team,
);

/// A case manager signed in, with a child sentenced to a 10-month DTO at `YOI-A`.
struct Sentenced {
    w: Yjs,
    browser: Browser,
    child_id: String,
    yoi_id: String,
}

impl Sentenced {
    async fn start(b: Backend) -> anyhow::Result<Self> {
        let w = Yjs::start(b).await?;
        let yoi = w.t.org_named("YOI-A", "Ashfield YOI", "yoi").await?.id.to_string();
        let child = w.child("Ada", "Lovelace").await?;
        let child_id = child["id"].as_str().unwrap_or_default().to_string();
        let (status, body) = w
            .api()
            .post(
                &format!("/api/v1/children/{child_id}/sentences"),
                &json!({"kind": "dto", "sentence_date": "2026-11-02", "term_months": 10, "remand_days": 0, "establishment_id": yoi}),
            )
            .await?;
        anyhow::ensure!(status == StatusCode::CREATED, "{status}: {body}");
        let browser = w.t.browser()?;
        browser.sign_in_ok(w.cm.email.as_str()).await?;
        Ok(Self { w, browser, child_id, yoi_id: yoi })
    }

    async fn meetings(&self) -> anyhow::Result<Vec<Value>> {
        let (status, body) = self.w.api().get(&format!("/api/v1/children/{}/meetings", self.child_id)).await?;
        anyhow::ensure!(status == StatusCode::OK, "{status}: {body}");
        Ok(body["items"].as_array().cloned().unwrap_or_default())
    }

    async fn add_need(&self) -> anyhow::Result<Value> {
        let (status, body) = self
            .w
            .api()
            .post(
                &format!("/api/v1/children/{}/plan/needs", self.child_id),
                &json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": self.w.yjs.id.to_string()}),
            )
            .await?;
        anyhow::ensure!(status == StatusCode::CREATED, "{status}: {body}");
        Ok(body)
    }
}

async fn the_plan_page_lists_every_pathway_and_the_meetings_the_sentence_created(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    let r = s.browser.get(&format!("/children/{}/plan", s.child_id)).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for label in [
        "Accommodation",
        "Education, training and employment",
        "Constructive activities and identity",
        "Physical and mental health",
        "Substance misuse",
        "Families and relationships",
        "Finance, benefits and ID",
        "Safety and wellbeing",
        "Victims and restorative work",
    ] {
        assert!(r.body.contains(label), "{label} missing from the plan page");
    }
    assert_eq!(r.body.matches(r#"<li class="govuk-task-list__item "#).count(), 9);
    // 2 November 2026 + 10 working days = 16 November 2026.
    assert!(r.body.contains("Initial planning meeting"), "no initial planning meeting");
    assert!(r.body.contains("16 November 2026"), "the initial planning meeting is not due on 16 November 2026");
    assert!(r.body.contains("Release day meeting"));
    // The child's page links to it.
    let child = s.browser.get(&format!("/children/{}", s.child_id)).await?;
    assert!(child.body.contains(&format!("/children/{}/plan", s.child_id)));
    Ok(())
}

async fn a_need_is_added_through_the_form_and_a_mistake_keeps_what_was_typed(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    let path = format!("/children/{}/plan/needs/new", s.child_id);
    let csrf = s.browser.csrf_token(&path).await?;
    let before = s.w.t.db.count("needs").await?;
    let r = s
        .browser
        .post_form(&path, &[("csrf_token", &csrf), ("pathway", "ete"), ("need", "other"), ("description", "")])
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r.body.contains("Describe the need in a few words"), "{}", r.body);
    assert!(r.body.contains("Choose the organisation that owns this need"));
    assert!(r.body.contains(r#"<option value="other" selected>"#), "the chosen need was not kept");
    assert_eq!(s.w.t.db.count("needs").await?, before, "nothing written");

    let yjs = s.w.yjs.id.to_string();
    let r = s
        .browser
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("pathway", "ete"),
                ("need", "ete_school_place"),
                ("owner_organisation_id", &yjs),
                ("due_by-day", "1"),
                ("due_by-month", "12"),
                ("due_by-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().unwrap_or_default().to_string();
    assert!(location.contains("notice=need"), "{location}");
    let plan = s.browser.get(&location).await?;
    assert!(plan.body.contains("School or college place for release"));
    assert!(plan.body.contains("Need added to the plan"));
    Ok(())
}

async fn a_stale_need_form_comes_back_with_what_changed_and_saves_nothing(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    let need = s.add_need().await?;
    let id = need["id"].as_str().unwrap();
    let path = format!("/needs/{id}");
    let page = s.browser.get(&path).await?;
    assert!(page.body.contains(r#"name="version" value="1""#), "{}", page.body);
    let csrf = s.browser.csrf_token(&path).await?;
    // Someone else moves it on first.
    let (status, _) =
        s.w.api()
            .patch(
                &path.replace("/needs/", "/api/v1/needs/"),
                &json!({"version": 1, "status": "in_progress", "note": "Referral sent"}),
            )
            .await?;
    assert_eq!(status, StatusCode::OK);
    let updates_before = s.w.t.db.count("need_updates").await?;
    let r = s
        .browser
        .post_form(&path, &[("csrf_token", &csrf), ("version", "1"), ("status", "met"), ("note", "Flat confirmed")])
        .await?;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Someone else saved a change"), "{}", r.body);
    assert!(r.body.contains("Referral sent"), "what changed is shown");
    assert!(r.body.contains("Flat confirmed"), "what the person typed is kept");
    assert!(r.body.contains(r#"name="version" value="2""#), "the form now carries the current version");
    assert_eq!(s.w.t.db.count("need_updates").await?, updates_before, "nothing saved");
    // Saving again from the refreshed form works.
    let r = s
        .browser
        .post_form(&path, &[("csrf_token", &csrf), ("version", "2"), ("status", "met"), ("note", "Flat confirmed")])
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, after) = s.w.api().get(&format!("/api/v1/needs/{id}")).await?;
    assert_eq!(after["status"], "met");
    assert_eq!(after["version"], 3);
    Ok(())
}

async fn a_meeting_is_arranged_recorded_and_completed_through_the_forms(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    let meetings = s.meetings().await?;
    let initial = meetings.iter().find(|m| m["kind"] == "initial_planning").expect("initial planning meeting");
    let id = initial["id"].as_str().unwrap();
    let schedule = format!("/meetings/{id}/schedule");
    let csrf = s.browser.csrf_token(&schedule).await?;
    // Arranged for 13 November next year (this test runs on the real clock).
    let year = (s.w.t.app.today().year() + 1).to_string();
    // A time that does not parse keeps the typed values and says what to fix, at the time box.
    let r = s
        .browser
        .post_form(
            &schedule,
            &[
                ("csrf_token", &csrf),
                ("version", "1"),
                ("scheduled_for-day", "13"),
                ("scheduled_for-month", "11"),
                ("scheduled_for-year", &year),
                ("time", "half ten"),
                ("location", "Visits hall"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r##"<a href="#time">The time must be a 24-hour time"##), "{}", r.body);
    assert!(r.body.contains(r#"id="time-error""#), "{}", r.body);
    assert!(r.body.contains(r#"value="Visits hall""#));
    let r = s
        .browser
        .post_form(
            &schedule,
            &[
                ("csrf_token", &csrf),
                ("version", "1"),
                ("scheduled_for-day", "13"),
                ("scheduled_for-month", "11"),
                ("scheduled_for-year", &year),
                ("time", "10:30"),
                ("duration_minutes", "90"),
                ("location", "Visits hall"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.browser.get(&format!("/meetings/{id}")).await?;
    assert!(page.body.contains(&format!("13 November {year} at 10:30")), "UK time shown: {}", page.body);
    let (_, m) = s.w.api().get(&format!("/api/v1/meetings/{id}")).await?;
    assert_eq!(m["scheduled_for"], format!("{year}-11-13T10:30:00Z"), "GMT in November");
    assert_eq!(m["status"], "scheduled");

    // The invitation downloads from the page too.
    let ics = s.browser.get(&format!("/meetings/{id}/invite.ics")).await?;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(
        ics.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/calendar"))
    );
    assert!(ics.body.contains(&format!("DTSTART:{year}1113T103000Z")), "{}", ics.body);

    // The record: held, attendance, views and decisions, but no actions yet.
    let record = format!("/meetings/{id}/record");
    let form = s.browser.get(&record).await?;
    assert!(form.body.contains("attendee-0-name"), "invitees are listed for attendance");
    let r = s
        .browser
        .post_form(
            &record,
            &[
                ("csrf_token", &csrf),
                ("version", "2"),
                ("attendee_count", "2"),
                ("attendee-0-name", "Ada Lovelace"),
                ("attendee-0-capacity", "The child"),
                ("attendee-0-presence", "attended"),
                ("attendee-1-name", "Ashfield YOI"),
                ("attendee-1-capacity", "Secure practitioner"),
                ("attendee-1-presence", "apologies"),
                ("held_on-day", "13"),
                ("held_on-month", "11"),
                ("held_on-year", "2026"),
                ("child_views", "I want to go back to college"),
                ("carer_views", "Mum agrees"),
                ("decisions", "College referral this week"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.browser.get(&format!("/meetings/{id}")).await?;
    assert!(page.body.contains("The record is not complete"), "{}", page.body);
    assert!(page.body.contains("actions (or that none were agreed)"));

    // An action agreed at the meeting completes it.
    let path = format!("/children/{}/actions/new", s.child_id);
    let r = s
        .browser
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("description", "Refer to the college"),
                ("owner", &format!("{}:{}", s.w.yjs.id, s.w.cm.id)),
                ("meeting_id", id),
                ("due_by-day", "30"),
                ("due_by-month", "12"),
                ("due_by-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, m) = s.w.api().get(&format!("/api/v1/meetings/{id}")).await?;
    assert_eq!(m["status"], "complete", "{m}");
    assert_eq!(m["attendance"][1]["presence"], "apologies");
    // On the child's page the deadline it answers is met, with the day, and not red.
    let child = s.browser.get(&format!("/children/{}", s.child_id)).await?;
    let table = child.body.split("id=\"deadlines\"").nth(1).unwrap_or_default();
    let row = table.split("Initial planning meeting").nth(1).unwrap_or_default();
    let row = row.split("</tr>").next().unwrap_or_default();
    assert!(row.contains("Met on 13 November 2026"), "{row}");
    assert!(row.contains("govuk-tag--green") && !row.contains("govuk-tag--red"), "{row}");

    // Cancelling another meeting needs a reason.
    let review = meetings.iter().find(|m| m["kind"] == "review").expect("a review");
    let rid = review["id"].as_str().unwrap();
    let r = s
        .browser
        .post_form(&format!("/meetings/{rid}/cancel"), &[("csrf_token", &csrf), ("version", "1"), ("reason", "")])
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Say why the meeting is cancelled"));
    let _ = &s.yoi_id;
    Ok(())
}

async fn my_actions_and_my_plan_show_the_work_in_plain_words(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    s.add_need().await?;
    let (status, body) = s
        .w
        .api()
        .post(
            &format!("/api/v1/children/{}/actions", s.child_id),
            &json!({"description": "Book the housing panel", "owner_organisation_id": s.w.yjs.id.to_string(), "owner_user_id": s.w.cm.id.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let r = s.browser.get("/actions").await?;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Book the housing panel"));
    assert!(r.body.contains("Ada Lovelace"));
    let r = s.browser.get(&format!("/children/{}/my-plan", s.child_id)).await?;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Where I will live"), "{}", r.body);
    assert!(r.body.contains("A place to live that is sorted before I leave"));
    assert!(r.body.contains("We will sort this out"));
    Ok(())
}

async fn plan_pages_are_hidden_from_people_outside_the_team(b: Backend) -> anyhow::Result<()> {
    let s = Sentenced::start(b).await?;
    let need = s.add_need().await?;
    let meeting = s.meetings().await?.first().cloned().expect("a meeting");
    s.w.t.org("YJS-B", "yjs").await?;
    let (other, _) = s.w.t.user("other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let outsider = s.w.t.browser()?;
    outsider.sign_in_ok(other.email.as_str()).await?;
    let id = &s.child_id;
    let nid = need["id"].as_str().unwrap();
    let mid = meeting["id"].as_str().unwrap();
    for path in [
        format!("/children/{id}/plan"),
        format!("/children/{id}/my-plan"),
        format!("/children/{id}/plan/views"),
        format!("/children/{id}/plan/needs/new"),
        format!("/needs/{nid}"),
        format!("/meetings/{mid}"),
        format!("/meetings/{mid}/invite.ics"),
        format!("/meetings/{mid}/schedule"),
        format!("/meetings/{mid}/record"),
        format!("/children/{id}/actions/new"),
    ] {
        let r = outsider.get(&path).await?;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("Lovelace"), "{path} leaks the name");
    }
    // A case manager is not a manager: no meetings-to-chase list.
    let r = s.browser.get("/meetings/attention").await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    Ok(())
}
