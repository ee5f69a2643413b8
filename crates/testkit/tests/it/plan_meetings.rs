//! Plan meetings and actions over the API: scheduling, recording and cancelling meetings, their
//! calendar invitations, "my actions", managers' oversight, and changes made at the same time.

#[allow(unused_imports)]
use crate::plan::*;
use crate::support::{on_every_backend, years_ago};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use reqwest::{Method, StatusCode};
use resettle_app::children::NewChildInput;
use resettle_domain::child::{CarerInput, ChildDetailsInput};
use resettle_testkit::{Api, ApiReply, Backend};
use serde_json::{Value, json};

on_every_backend!(
    a_meeting_is_scheduled_recorded_and_completed,
    a_meeting_is_cancelled_only_with_a_reason_and_never_once_held,
    the_invitation_is_valid_icalendar_without_names_or_health_details,
    my_actions_are_mine_across_children_with_the_overdue_flagged,
    oversight_is_for_managers_and_lists_late_and_incomplete_meetings,
    an_action_is_given_only_to_someone_who_works_for_its_owner,
    concurrent_changes_to_a_need_or_a_meeting_let_exactly_one_through,
    actions_agreed_at_once_at_a_held_meeting_are_all_kept,
);

async fn a_meeting_is_scheduled_recorded_and_completed(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Mia", "2026-11-02", 8).await?;
    let api = w.api();
    let m = meeting(&api, &id, "initial_planning").await?;
    let path = format!("/api/v1/meetings/{}", s(&m["id"]));
    assert_eq!(m["due_by"], json!("2026-11-16"));
    assert_eq!(m["late"], json!(true), "due on 16 November, not held by the 20th");

    let (status, detail) = api.get(&path).await?;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["missing"].as_array().map(Vec::len), Some(6), "{detail}");
    let agenda: Vec<&str> = detail["agenda"].as_array().unwrap().iter().map(|a| s(&a["text"])).collect();
    assert!(agenda[0].starts_with("Introductions"), "{agenda:?}");
    assert!(agenda.iter().any(|a| a.starts_with("No needs looked at yet for")), "{agenda:?}");
    let invitees = detail["invitees"].as_array().unwrap();
    assert!(invitees.iter().any(|i| i["capacity"] == "The child"), "{invitees:?}");
    assert!(invitees.iter().any(|i| i["email"] == "casey.manager@yjs-a.example.org"), "{invitees:?}");

    // A meeting is arranged for a time to come, never one already past (it is recorded as
    // held instead).
    let (status, past) =
        api.patch(&path, &json!({"version": 1, "scheduled_for": "2026-11-19T10:00:00Z", "location": "Room 4"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{past}");
    assert!(past.to_string().contains("scheduled_for"), "{past}");
    let (status, v2) = api
        .patch(&path, &json!({"version": 1, "scheduled_for": "2026-11-20T14:00:00Z", "location": "Room 4", "duration_minutes": 90}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["status"], json!("scheduled"));
    assert_eq!(v2["version"], json!(2));
    assert_eq!(v2["scheduled_for"], json!("2026-11-20T14:00:00Z"));
    assert_eq!(v2["duration_minutes"], json!(90));

    let (status, v3) =
        api.patch(&path, &json!({"version": 2, "held_on": "2026-11-20", "attendance": attendance()})).await?;
    assert_eq!(status, StatusCode::OK, "{v3}");
    assert_eq!(v3["status"], json!("held"));
    assert_eq!(
        v3["missing"],
        json!(["the child's views", "carers' views", "decisions", "actions (or that none were agreed)"])
    );
    assert_eq!(v3["attendance"][2]["presence"], json!("apologies"));
    assert_eq!(v3["late"], json!(true), "held four days after it was due");

    let (status, v4) = api
        .patch(
            &path,
            &json!({"version": 3, "child_views": "I want to go back to college", "carer_views": "Mum wants him home",
                    "decisions": "College place to be found before release"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{v4}");
    assert_eq!(v4["status"], json!("held"));
    assert_eq!(v4["missing"], json!(["actions (or that none were agreed)"]));

    // The action agreed at it completes the record.
    let (status, a) = api
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Ask the college for a place", "owner_organisation_id": w.yjs.id.to_string(),
                    "owner_user_id": w.cm.id.to_string(), "meeting_id": m["id"], "due_by": "2026-11-27"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["meeting_id"], m["id"]);
    let (_, done) = api.get(&path).await?;
    assert_eq!(done["status"], json!("complete"), "{done}");
    assert_eq!(done["missing"], json!([]));
    assert_eq!(done["actions"], json!(1));
    assert_eq!(done["version"], json!(5));

    // A meeting recorded in one go, agreeing no actions, is complete at once.
    let review = meeting(&api, &id, "review").await?;
    let (status, r) = api
        .patch(
            &format!("/api/v1/meetings/{}", s(&review["id"])),
            &json!({"version": 1, "held_on": "2026-11-20", "attendance": attendance(), "child_views": "Fine",
                    "carer_views": "Happy with progress", "decisions": "Carry on", "no_actions_agreed": true}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["status"], json!("complete"));
    assert_eq!(r["late"], json!(false), "held before it was due");

    // A meeting added by hand.
    let (status, extra) = api
        .post(&format!("/api/v1/children/{id}/meetings"), &json!({"kind": "review", "due_by": "2026-12-10"}))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{extra}");
    assert_eq!((extra["title"].clone(), extra["status"].clone()), (json!("Review meeting"), json!("not_scheduled")));

    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let kinds: Vec<&str> = record.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "meeting.updated").count(), 4, "{kinds:?}");
    assert!(kinds.contains(&"meeting.added") && kinds.contains(&"action.added"), "{kinds:?}");
    Ok(())
}

async fn a_meeting_is_cancelled_only_with_a_reason_and_never_once_held(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Can", "2026-11-02", 8).await?;
    let api = w.api();
    let pre = meeting(&api, &id, "pre_release").await?;
    let path = format!("/api/v1/meetings/{}", s(&pre["id"]));
    let r = api.request(Method::PATCH, &path, Some(&json!({"version": 1, "status": "cancelled"}))).await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "why the meeting is cancelled", "no reason");
    assert_eq!(r.body["errors"][0]["field"], json!("decisions"), "{}", r.body);
    let (status, c) = api
        .patch(
            &path,
            &json!({"version": 1, "status": "cancelled", "decisions": "Replaced by a joint meeting with the review"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["status"].clone(), c["version"].clone(), c["late"].clone()),
        (json!("cancelled"), json!(2), json!(false))
    );
    // A cancelled meeting stays cancelled whatever else is recorded on it.
    let (status, c3) = api.patch(&path, &json!({"version": 2, "location": "Nowhere"})).await?;
    assert_eq!(status, StatusCode::OK, "{c3}");
    assert_eq!(c3["status"], json!("cancelled"));

    let initial = meeting(&api, &id, "initial_planning").await?;
    let ipath = format!("/api/v1/meetings/{}", s(&initial["id"]));
    let (status, _) =
        api.patch(&ipath, &json!({"version": 1, "held_on": "2026-11-16", "attendance": attendance()})).await?;
    assert_eq!(status, StatusCode::OK);
    let r = api
        .request(Method::PATCH, &ipath, Some(&json!({"version": 2, "status": "cancelled", "decisions": "Oops"})))
        .await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "held cannot be cancelled", "cancel a held meeting");
    let (_, read) = api.get(&ipath).await?;
    assert_eq!((read["status"].clone(), read["version"].clone()), (json!("held"), json!(2)));
    Ok(())
}

/// The invitation for `meeting` as `api` downloads it: the reply and its text.
async fn invitation(api: &Api, meeting: &str) -> anyhow::Result<(ApiReply, String)> {
    let r = api.request(Method::GET, &format!("/api/v1/meetings/{meeting}/invite.ics"), None).await?;
    let text = match &r.body {
        Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    Ok((r, text))
}

/// Checks the file's shape (RFC 5545 §3.1: CRLF line ends, lines of at most 75 octets) and
/// parses it, returning its one event.
fn parse_event(ics: &str) -> icalendar::Event {
    assert!(ics.ends_with("\r\n"), "ends with CRLF: {ics:?}");
    assert!(!ics.replace("\r\n", "").contains(['\n', '\r']), "only CRLF line ends: {ics:?}");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let calendar: icalendar::Calendar = ics.parse().unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"));
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| if let CalendarComponent::Event(e) = c { Some(e) } else { None })
        .collect();
    assert_eq!(events.len(), 1, "{ics}");
    events[0].clone()
}

async fn the_invitation_is_valid_icalendar_without_names_or_health_details(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let ctx = w.t.ctx(&w.cm).await?;
    let child =
        w.t.app
            .create_child(
                &ctx,
                &NewChildInput {
                    details: ChildDetailsInput {
                        given_name: Some("Zebedee".into()),
                        family_name: Some("Quartermain".into()),
                        date_of_birth: Some(years_ago(w.t.app.today(), 15).to_string()),
                        ..Default::default()
                    },
                    yjs_id: Some(w.yjs.id.to_string()),
                    carer: Some(CarerInput {
                        name: Some("Maureen Quartermain".into()),
                        relationship: Some("Mother".into()),
                        phone: Some("07700 900123".into()),
                        ..Default::default()
                    }),
                },
            )
            .await?;
    let id = child.id.to_string();
    let (status, s1) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto("2026-11-02", 8, &est)).await?;
    assert_eq!(status, StatusCode::CREATED, "{s1}");
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let hw = w.t.api(&hw_token);
    need(
        &hw,
        &id,
        json!({"pathway": "health", "need": "health_medication", "description": "Sertraline 50mg daily",
               "owner_organisation_id": w.yjs.id.to_string()}),
    )
    .await?;
    let m = meeting(&w.api(), &id, "review").await?;
    let mid = s(&m["id"]).to_string();

    // Not scheduled yet: an all-day placeholder on the day it is due by.
    let (r, ics) = invitation(&w.api(), &mid).await?;
    assert_eq!(r.status, StatusCode::OK, "{ics}");
    assert_eq!(r.content_type(), Some("text/calendar"));
    assert!(r.header("content-disposition").unwrap_or_default().contains(".ics"));
    let event = parse_event(&ics);
    let due: chrono::NaiveDate = s(&m["due_by"]).parse()?;
    assert_eq!(event.get_start(), Some(DatePerhapsTime::Date(due)), "{ics}");
    assert_eq!(event.get_uid(), Some(format!("{mid}@resettle").as_str()));
    assert_eq!(event.get_sequence(), Some(1));
    assert!(event.get_summary().unwrap_or_default().contains("to be arranged"), "{ics}");

    // Scheduled with a UK offset (BST in the summer, written here as +01:00): sent in UTC.
    let long_place = "Interview room 4, Visits Hall – east wing, Wetherby Lane Young Offender Institution, Level 2";
    let (status, v2) = w
        .api()
        .patch(
            &format!("/api/v1/meetings/{mid}"),
            &json!({"version": 1, "scheduled_for": "2026-12-01T10:30:00+01:00", "location": long_place}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{v2}");
    for (who, api) in [("case manager", w.api()), ("health worker", hw.clone())] {
        let (r, ics) = invitation(&api, &mid).await?;
        assert_eq!(r.status, StatusCode::OK, "{who}: {ics}");
        let event = parse_event(&ics);
        let unfolded = icalendar::parser::unfold(&ics);
        assert!(unfolded.contains("\r\nDTSTART:20261201T093000Z\r\n"), "{who}: DTSTART in UTC: {unfolded}");
        let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:30:00Z")?.to_utc();
        assert_eq!(event.get_start(), Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(start))));
        assert_eq!(event.get_sequence(), Some(2), "SEQUENCE follows the version");
        assert_eq!(event.get_uid(), Some(format!("{mid}@resettle").as_str()));
        assert_eq!(event.get_location(), Some(long_place), "folded and unfolded intact");
        assert!(unfolded.contains("Z.Q."), "{who}: the child by initials: {unfolded}");
        for secret in ["Zebedee", "Sertraline", "Medication continued"] {
            assert!(!unfolded.contains(secret), "{who}: {secret} in the invitation: {unfolded}");
        }
        assert!(
            event.get_attendees().iter().any(|a| a.cal_address == "mailto:casey.manager@yjs-a.example.org"),
            "{who}: {ics}"
        );
    }

    // A meeting with neither a time nor a due date has nothing to invite to.
    let (status, extra) = w.api().post(&format!("/api/v1/children/{id}/meetings"), &json!({"kind": "review"})).await?;
    assert_eq!(status, StatusCode::CREATED, "{extra}");
    let (r, _) = invitation(&w.api(), s(&extra["id"])).await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "schedule it", "undated meeting");
    Ok(())
}

async fn my_actions_are_mine_across_children_with_the_overdue_flagged(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (first, _) = sentenced(&w, &est, "Ann", "2026-11-02", 8).await?;
    let (second, _) = sentenced(&w, &est, "Ben", "2026-11-03", 8).await?;
    let (colleague, colleague_token) =
        w.t.user("colin.colleague@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    let yjs = w.yjs.id.to_string();
    let me = w.cm.id.to_string();
    let add = |child: &str, description: &str, owner: Option<&str>, due: &str| {
        let mut body = json!({"description": description, "owner_organisation_id": yjs, "due_by": due});
        if let Some(o) = owner {
            body["owner_user_id"] = json!(o);
        }
        let path = format!("/api/v1/children/{child}/actions");
        let api = w.api();
        async move {
            let (status, a) = api.post(&path, &body).await?;
            anyhow::ensure!(status == StatusCode::CREATED, "{status}: {a}");
            Ok::<Value, anyhow::Error>(a)
        }
    };
    let late = add(&first, "Chase the school records", Some(&me), "2026-11-20").await?;
    let soon = add(&second, "Visit Ben", Some(&me), "2026-11-27").await?;
    let unassigned = add(&second, "Someone to book the room", None, "2026-12-04").await?;
    let theirs = add(&first, "Colin's referral", Some(&colleague.id.to_string()), "2026-11-23").await?;
    let finished = add(&first, "Send the plan to Mum", Some(&me), "2026-11-24").await?;
    assert_eq!(late["overdue"], json!(false), "due today is not overdue");
    // The due date moved back to Wednesday: now overdue.
    let (status, moved) = w
        .api()
        .patch(&format!("/api/v1/actions/{}", s(&late["id"])), &json!({"version": 1, "due_by": "2026-11-18"}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["overdue"], json!(true));
    let (status, _) = w
        .api()
        .patch(&format!("/api/v1/actions/{}", s(&finished["id"])), &json!({"version": 1, "status": "done"}))
        .await?;
    assert_eq!(status, StatusCode::OK);

    let (status, mine) = w.api().get("/api/v1/actions?owner=me").await?;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let ids: Vec<&Value> = mine["items"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
    assert_eq!(
        ids,
        [&late["id"], &soon["id"], &unassigned["id"]],
        "mine and my service's unassigned ones, soonest first"
    );
    let items = mine["items"].as_array().unwrap();
    assert_eq!(
        items.iter().map(|a| a["overdue"].clone()).collect::<Vec<_>>(),
        [json!(true), json!(false), json!(false)]
    );
    assert_eq!(items[0]["child_id"], json!(first));
    assert_eq!(items[1]["child_id"], json!(second));
    assert_eq!(items[1]["child_given_name"], json!("Ben"));
    assert_eq!(items[0]["owner_user_name"], json!(w.cm.name));
    assert!(!mine.to_string().contains(s(&theirs["id"])), "not a colleague's");

    let (_, all) = w.api().get("/api/v1/actions?owner=me&status=all").await?;
    let all_ids: Vec<&Value> = all["items"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
    assert_eq!(all_ids.len(), 4, "{all}");
    assert!(all_ids.contains(&&finished["id"]));
    let (_, default) = w.api().get("/api/v1/actions").await?;
    assert_eq!(default, mine, "owner=me and open are the defaults");

    let (_, colin) = w.t.api(&colleague_token).get("/api/v1/actions?owner=me").await?;
    let colin_ids: Vec<&Value> = colin["items"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
    assert_eq!(colin_ids, [&theirs["id"], &unassigned["id"]], "{colin}");

    for (query, field) in [("owner=you", "owner"), ("status=finished", "status"), ("colour=red", "colour")] {
        let r = w.api().request(Method::GET, &format!("/api/v1/actions?{query}"), None).await?;
        assert_problem(&r, &BAD, field, query);
    }

    let (_, child_actions) = w.api().get(&format!("/api/v1/children/{first}/actions")).await?;
    let list = child_actions["items"].as_array().unwrap();
    assert_eq!(list.len(), 3, "the child's actions, everyone's: {child_actions}");
    assert_eq!(list[0]["id"], late["id"], "by due date");
    assert_eq!(list[0]["overdue"], json!(true));
    Ok(())
}

async fn oversight_is_for_managers_and_lists_late_and_incomplete_meetings(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    // Initial planning due 16 November, not held by the 20th: late.
    let (late_child, _) = sentenced(&w, &est, "Lee", "2026-11-02", 8).await?;
    // Initial planning due 4 December: not late yet; held but not fully recorded.
    let (held_child, _) = sentenced(&w, &est, "Hel", "2026-11-20", 8).await?;
    let held = meeting(&w.api(), &held_child, "initial_planning").await?;
    assert_eq!(held["due_by"], json!("2026-12-04"));
    let (status, _) = w
        .api()
        .patch(&format!("/api/v1/meetings/{}", s(&held["id"])), &json!({"version": 1, "held_on": "2026-11-20"}))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let (_, manager) = w.t.user("mo.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    w.t.org("YJS-B", "yjs").await?;
    let (_, other_manager) = w.t.user("boss@yjs-b.example.org", "YJS-B", "yjs_manager").await?;

    let r = w.api().request(Method::GET, "/api/v1/oversight/meetings", None).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));

    let (status, list) = w.t.api(&manager).get("/api/v1/oversight/meetings").await?;
    assert_eq!(status, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    let late = items.iter().find(|i| i["child_id"] == json!(late_child) && i["kind"] == "initial_planning");
    let late = late.unwrap_or_else(|| panic!("the late meeting is listed: {list}"));
    assert_eq!(late["late"], json!(true));
    assert_eq!(late["status"], json!("not_scheduled"));
    assert_eq!(late["child_given_name"], json!("Lee"));
    let incomplete = items.iter().find(|i| i["id"] == held["id"]).unwrap_or_else(|| panic!("held, incomplete: {list}"));
    assert_eq!(incomplete["status"], json!("held"));
    assert_eq!(incomplete["late"], json!(false));
    assert!(incomplete["missing"].as_array().is_some_and(|m| m.contains(&json!("attendance"))), "{incomplete}");
    assert!(
        items.iter().all(|i| i["late"] == json!(true) || i["status"] == json!("held")),
        "only late or incomplete meetings: {list}"
    );
    assert!(!items.iter().any(|i| i["kind"] == "release_day"), "meetings not yet due are not listed");

    let (status, theirs) = w.t.api(&other_manager).get("/api/v1/oversight/meetings").await?;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["items"], json!([]), "another service's manager sees none of these children");
    Ok(())
}

async fn an_action_is_given_only_to_someone_who_works_for_its_owner(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Own", "2026-11-02", 8).await?;
    let la = w.t.org_named("LA-A", "Aireborough Council", "local_authority").await?;
    let (officer, _) = w.t.user("ali@council.example.org", "LA-A", "accommodation_officer").await?;
    need(
        &w.api(),
        &id,
        json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": la.id.to_string()}),
    )
    .await?;
    w.t.org("YJS-B", "yjs").await?;
    let (outsider, _) = w.t.user("outsider@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let (status, a) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Find a room", "owner_organisation_id": w.yjs.id.to_string(), "owner_user_id": w.cm.id.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let path = format!("/api/v1/actions/{}", s(&a["id"]));
    let rows = plan_rows(&w).await?;
    for (what, body) in [
        ("someone from another service", json!({"version": 1, "owner_user_id": outsider.id.to_string()})),
        ("nobody at all", json!({"version": 1, "owner_user_id": uuid::Uuid::new_v4().to_string()})),
        (
            "the council, still named for the case manager",
            json!({"version": 1, "owner_organisation_id": la.id.to_string()}),
        ),
    ] {
        let r = w.api().request(Method::PATCH, &path, Some(&body)).await?;
        assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "owner_user_id", what);
    }
    assert_eq!(plan_rows(&w).await?, rows, "nothing written");

    let (status, moved) = w
        .api()
        .patch(
            &path,
            &json!({"version": 1, "owner_organisation_id": la.id.to_string(), "owner_user_id": officer.id.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        (moved["owner_organisation_id"].clone(), moved["owner_user_id"].clone()),
        (json!(la.id.to_string()), json!(officer.id.to_string()))
    );
    let (status, org_only) = w.api().patch(&path, &json!({"version": 2, "owner_user_id": null})).await?;
    assert_eq!(status, StatusCode::OK, "{org_only}");
    assert_eq!(org_only["owner_user_id"], Value::Null);
    Ok(())
}

/// Sends every `(path, body)` at once as `api`: the statuses and bodies, in order.
async fn all_at_once(api: &Api, requests: Vec<(Method, String, Value)>) -> anyhow::Result<Vec<(StatusCode, Value)>> {
    let mut tasks = Vec::new();
    for (method, path, body) in requests {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let r = api.request(method, &path, Some(&body)).await?;
            Ok::<_, anyhow::Error>((r.status, r.body))
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await??);
    }
    Ok(out)
}

async fn concurrent_changes_to_a_need_or_a_meeting_let_exactly_one_through(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Con", "2026-11-02", 8).await?;
    let n = need(
        &w.api(),
        &id,
        json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": w.yjs.id.to_string()}),
    )
    .await?;
    let m = meeting(&w.api(), &id, "initial_planning").await?;
    let need_path = format!("/api/v1/needs/{}", s(&n["id"]));
    let meeting_path = format!("/api/v1/meetings/{}", s(&m["id"]));
    // Ten people who all read version 1 save at once.
    let mut requests = Vec::new();
    for i in 0..10 {
        requests.push((Method::PATCH, need_path.clone(), json!({"version": 1, "note": format!("Note {i}")})));
        requests.push((Method::PATCH, meeting_path.clone(), json!({"version": 1, "location": format!("Room {i}")})));
    }
    let replies = all_at_once(&w.api(), requests).await?;
    for (what, id) in [("need", &n["id"]), ("meeting", &m["id"])] {
        let mine: Vec<&(StatusCode, Value)> =
            replies.iter().enumerate().filter(|(i, _)| (*i % 2 == 0) == (what == "need")).map(|(_, r)| r).collect();
        let wins: Vec<_> = mine.iter().filter(|(st, _)| *st == StatusCode::OK).collect();
        assert_eq!(wins.len(), 1, "{what}: exactly one change wins: {mine:?}");
        assert_eq!(&wins[0].1["id"], id);
        for (status, body) in mine.iter().filter(|(st, _)| *st != StatusCode::OK) {
            assert_eq!(*status, StatusCode::CONFLICT, "{what}: {body}");
            assert_eq!(body["current_version"], json!(2), "{what}: {body}");
        }
    }
    let (_, need_now) = w.api().get(&need_path).await?;
    assert_eq!(need_now["version"], json!(2));
    assert_eq!(need_now["updates"].as_array().map(Vec::len), Some(2), "one log entry for the one change");
    let (_, meeting_now) = w.api().get(&meeting_path).await?;
    assert_eq!(meeting_now["version"], json!(2));
    Ok(())
}

async fn actions_agreed_at_once_at_a_held_meeting_are_all_kept(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Act", "2026-11-02", 8).await?;
    let m = meeting(&w.api(), &id, "initial_planning").await?;
    let (status, held) = w
        .api()
        .patch(
            &format!("/api/v1/meetings/{}", s(&m["id"])),
            &json!({"version": 1, "held_on": "2026-11-16", "attendance": attendance(), "child_views": "Fine",
                    "carer_views": "Fine", "decisions": "Agreed"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(held["missing"], json!(["actions (or that none were agreed)"]));
    // Two people type up the actions agreed at the meeting at the same moment.
    let requests = (0..6)
        .map(|i| {
            let body = json!({"description": format!("Action {i}"), "owner_organisation_id": w.yjs.id.to_string(),
                              "meeting_id": m["id"]});
            (Method::POST, format!("/api/v1/children/{id}/actions"), body)
        })
        .collect();
    let replies = all_at_once(&w.api(), requests).await?;
    for (status, body) in &replies {
        assert_eq!(*status, StatusCode::CREATED, "every action is kept: {body}");
    }
    let (_, done) = w.api().get(&format!("/api/v1/meetings/{}", s(&m["id"]))).await?;
    assert_eq!(done["status"], json!("complete"), "{done}");
    assert_eq!(done["actions"], json!(6));
    Ok(())
}
