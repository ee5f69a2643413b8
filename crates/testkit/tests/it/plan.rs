//! The resettlement plan through the API, on every backend: the plan opened with custody, its
//! needs, meetings (with their iCalendar invitations) and actions, stale and bad updates,
//! health details, and who may see what.
//!
//! The clock is stopped at noon on Friday 20 November 2026, so what is late or overdue does
//! not depend on the day the tests run.

use std::collections::BTreeSet;

use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use reqwest::{Method, StatusCode};
use resettle_app::Principal;
use resettle_app::children::NewChildInput;
use resettle_domain::child::{CarerInput, ChildDetailsInput};
use resettle_testkit::{Api, ApiReply, Backend};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend, years_ago};

on_every_backend!(
    a_dto_opens_the_plan_with_every_pathway_and_meetings_on_the_deadlines,
    a_remand_opens_the_plan_and_a_later_sentence_keeps_its_meeting_and_adds_the_rest,
    a_recalculation_moves_the_meetings_not_yet_held,
    a_need_moves_only_along_its_allowed_transitions_and_keeps_an_update_log,
    stale_versions_are_refused_with_the_current_version_and_change_nothing,
    bad_plan_input_is_refused_naming_the_field_and_writes_nothing,
    an_owner_organisation_joins_the_team_unless_it_has_no_team_role,
    health_needs_are_withheld_from_a_case_manager_and_shown_to_the_health_worker,
    a_meeting_is_scheduled_recorded_and_completed,
    a_meeting_is_cancelled_only_with_a_reason_and_never_once_held,
    the_invitation_is_valid_icalendar_without_names_or_health_details,
    my_actions_are_mine_across_children_with_the_overdue_flagged,
    people_outside_the_team_get_404_on_every_plan_route,
    oversight_is_for_managers_and_lists_late_and_incomplete_meetings,
    an_action_is_given_only_to_someone_who_works_for_its_owner,
    health_details_need_a_health_role_in_an_organisation_on_the_team,
    a_release_moves_the_release_day_and_post_release_meetings_to_the_day_of_release,
    concurrent_changes_to_a_need_or_a_meeting_let_exactly_one_through,
    actions_agreed_at_once_at_a_held_meeting_are_all_kept,
);

/// Noon on Friday 20 November 2026 (GMT), when every scenario here happens.
const NOW: &str = "2026-11-20T12:00:00Z";

/// The nine pathways, in the plan's order.
const PATHWAYS: [&str; 9] = [
    "accommodation",
    "ete",
    "constructive_activities",
    "health",
    "substance_misuse",
    "families",
    "finance_id",
    "safety",
    "victims",
];

async fn start(b: Backend) -> anyhow::Result<Yjs> {
    Yjs::start_at(b, NOW.parse()?).await
}

async fn yoi(w: &Yjs) -> anyhow::Result<String> {
    Ok(w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string())
}

fn dto(sentence_date: &str, term_months: u32, establishment: &str) -> Value {
    json!({"kind": "dto", "sentence_date": sentence_date, "term_months": term_months, "establishment_id": establishment})
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A child created by the case manager and sentenced to a DTO: `(child id, sentence reply)`.
async fn sentenced(w: &Yjs, est: &str, given: &str, date: &str, months: u32) -> anyhow::Result<(String, Value)> {
    let id = s(&w.child(given, "Planner").await?["id"]).to_string();
    let (status, body) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto(date, months, est)).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {body}");
    Ok((id, body))
}

async fn meetings(api: &Api, child: &str) -> anyhow::Result<Vec<Value>> {
    let (status, body) = api.get(&format!("/api/v1/children/{child}/meetings")).await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {body}");
    Ok(body["items"].as_array().cloned().unwrap_or_default())
}

/// The child's meeting of `kind` (the first of its kind: review 1).
async fn meeting(api: &Api, child: &str, kind: &str) -> anyhow::Result<Value> {
    meetings(api, child)
        .await?
        .into_iter()
        .find(|m| m["kind"] == kind)
        .ok_or_else(|| anyhow::anyhow!("no {kind} meeting"))
}

/// `(kind, due_by)` of every meeting, sorted.
fn due_dates(list: &[Value]) -> BTreeSet<(String, String)> {
    list.iter().map(|m| (s(&m["kind"]).to_string(), s(&m["due_by"]).to_string())).collect()
}

fn deadlines<'a>(body: &'a Value, kind: &str) -> Vec<&'a str> {
    body["deadlines"]
        .as_array()
        .map(|d| d.iter().filter(|x| x["kind"] == kind).filter_map(|x| x["due_by"].as_str()).collect())
        .unwrap_or_default()
}

/// Adds a need as `api`; fails unless 201.
async fn need(api: &Api, child: &str, body: Value) -> anyhow::Result<Value> {
    let (status, n) = api.post(&format!("/api/v1/children/{child}/plan/needs"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {n}");
    Ok(n)
}

/// A problem document with one of `statuses` whose `detail` mentions `field`.
fn assert_problem(r: &ApiReply, statuses: &[StatusCode], field: &str, what: &str) {
    assert!(statuses.contains(&r.status), "{what}: status {} not in {statuses:?}: {}", r.status, r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"), "{what}: {}", r.body);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(field), "{what}: detail should name `{field}`: {detail:?}");
}

const BAD: [StatusCode; 2] = [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY];

/// Rows in the plan's tables and the timeline, to show that a refusal wrote nothing.
async fn plan_rows(w: &Yjs) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for table in ["plans", "needs", "need_updates", "meetings", "actions", "team_members", "timeline_entries"] {
        out.push((table, w.t.db.count(table).await?));
    }
    Ok(out)
}

fn attendance() -> Value {
    json!([
        {"name": "Casey Manager", "capacity": "Case manager", "presence": "attended"},
        {"name": "The child", "capacity": "The child", "presence": "attended"},
        {"name": "A parent", "capacity": "Mother", "presence": "apologies"},
    ])
}

async fn a_dto_opens_the_plan_with_every_pathway_and_meetings_on_the_deadlines(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let id = s(&w.child("Dee", "Dates").await?["id"]).to_string();
    let plan_path = format!("/api/v1/children/{id}/plan");
    let (status, p) = w.api().get(&plan_path).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "no plan before custody: {p}");
    assert!(s(&p["detail"]).contains("no resettlement plan"), "{p}");

    let (status, sentence) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto("2026-08-24", 10, &est)).await?;
    assert_eq!(status, StatusCode::CREATED, "{sentence}");
    // 24 Aug 2026 + 10 months: the term ends on 23 June 2027, 304 days; half, rounded up, is
    // 152 days, so the mid-term (release) date is 24 August 2026 + 151 days.
    assert_eq!(sentence["key_dates"]["mtd"], json!("2027-01-22"));

    let (status, plan) = w.api().get(&plan_path).await?;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["child_id"], json!(id));
    assert_eq!(plan["opened_on"], json!("2026-08-24"), "opened on the day of sentence");
    assert_eq!(plan["version"], json!(1));
    let keys: Vec<&str> = plan["pathways"].as_array().unwrap().iter().map(|p| s(&p["key"])).collect();
    assert_eq!(keys, PATHWAYS, "every pathway, in order");
    for p in plan["pathways"].as_array().unwrap() {
        assert_eq!(p["needs"], json!([]), "{p}");
        assert_eq!(p["state"], json!("not_started"), "{p}");
        assert!(!s(&p["label"]).is_empty(), "{p}");
    }

    let list = meetings(&w.api(), &id).await?;
    let initial = list.iter().find(|m| m["kind"] == "initial_planning").unwrap();
    // Ten working days after Monday 24 August 2026, skipping the summer bank holiday on
    // Monday 31 August: 25, 26, 27, 28 August, 1, 2, 3, 4, 7 and 8 September.
    assert_eq!(initial["due_by"], json!("2026-09-08"));
    assert_eq!(deadlines(&sentence, "initial_planning_meeting"), ["2026-09-08"]);
    assert_eq!(initial["late"], json!(true), "due in September, not held by 20 November");
    assert_eq!(initial["title"], json!("Initial planning meeting"));

    // Every meeting sits on its deadline: initial planning, each review, pre-release, then
    // release day on the release date and the post-release review ten working days after
    // Friday 22 January 2027 (25–29 January, 1–5 February).
    let mut expected = BTreeSet::new();
    expected.insert(("initial_planning".to_string(), "2026-09-08".to_string()));
    let reviews = deadlines(&sentence, "review_meeting");
    assert!(!reviews.is_empty(), "{sentence}");
    for r in &reviews {
        expected.insert(("review".to_string(), r.to_string()));
    }
    for p in deadlines(&sentence, "pre_release_meeting") {
        expected.insert(("pre_release".to_string(), p.to_string()));
    }
    expected.insert(("release_day".to_string(), "2027-01-22".to_string()));
    expected.insert(("post_release_review".to_string(), "2027-02-05".to_string()));
    assert_eq!(due_dates(&list), expected, "{list:#?}");
    assert_eq!(list.len(), reviews.len() + 4);
    let titles: Vec<&str> = list.iter().filter(|m| m["kind"] == "review").map(|m| s(&m["title"])).collect();
    assert_eq!(titles.first().copied(), Some("Review meeting 1"));
    for m in &list {
        assert_eq!((m["status"].clone(), m["version"].clone()), (json!("not_scheduled"), json!(1)), "{m}");
        assert_eq!(m["scheduled_for"], Value::Null);
    }
    let dues: Vec<&str> = list.iter().map(|m| s(&m["due_by"])).collect();
    assert!(dues.windows(2).all(|d| d[0] <= d[1]), "by due date: {dues:?}");

    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let sentenced = record.timeline.iter().find(|e| e.kind == "sentence.recorded").unwrap();
    assert!(sentenced.summary.contains("resettlement plan opened"), "{}", sentenced.summary);
    assert_eq!(w.t.db.count("plans").await?, 1);
    Ok(())
}

async fn a_remand_opens_the_plan_and_a_later_sentence_keeps_its_meeting_and_adds_the_rest(
    b: Backend,
) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let id = s(&w.child("Rem", "Anded").await?["id"]).to_string();
    let body = json!({"start_date": "2026-11-02", "establishment_id": est, "next_court_date": "2026-11-30"});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, plan) = w.api().get(&format!("/api/v1/children/{id}/plan")).await?;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["opened_on"], json!("2026-11-02"));
    let list = meetings(&w.api(), &id).await?;
    // Ten working days after Monday 2 November 2026.
    assert_eq!(
        due_dates(&list),
        BTreeSet::from([("remand_planning".to_string(), "2026-11-16".to_string())]),
        "{list:#?}"
    );
    let remand_meeting = &list[0];
    assert_eq!(remand_meeting["title"], json!("Remand planning meeting"));
    let (status, held) = w
        .api()
        .patch(
            &format!("/api/v1/meetings/{}", s(&remand_meeting["id"])),
            &json!({"version": 1, "held_on": "2026-11-13", "attendance": attendance()}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(held["status"], json!("held"));

    let (status, sentence) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto("2026-11-16", 6, &est)).await?;
    assert_eq!(status, StatusCode::CREATED, "{sentence}");
    let list = meetings(&w.api(), &id).await?;
    let kept = list.iter().find(|m| m["kind"] == "remand_planning").unwrap();
    assert_eq!(kept["id"], remand_meeting["id"], "the remand planning meeting is kept");
    assert_eq!(kept["due_by"], json!("2026-11-16"));
    assert_eq!(kept["held_on"], json!("2026-11-13"));
    assert_eq!(kept["version"], json!(2), "and not touched");
    assert_eq!(list.iter().filter(|m| m["kind"] == "remand_planning").count(), 1);
    // Ten working days after Monday 16 November 2026.
    let initial = list.iter().find(|m| m["kind"] == "initial_planning").unwrap();
    assert_eq!(initial["due_by"], json!("2026-11-30"));
    let release = list.iter().find(|m| m["kind"] == "release_day").unwrap();
    assert_eq!(release["due_by"], sentence["key_dates"]["mtd"]);
    for kind in ["review", "pre_release", "post_release_review"] {
        assert!(list.iter().any(|m| m["kind"] == kind), "{kind}: {list:#?}");
    }

    let (_, plan) = w.api().get(&format!("/api/v1/children/{id}/plan")).await?;
    assert_eq!(plan["opened_on"], json!("2026-11-02"), "the same plan goes on");
    assert_eq!(plan["version"], json!(1));
    assert_eq!(w.t.db.count("plans").await?, 1);
    Ok(())
}

async fn a_recalculation_moves_the_meetings_not_yet_held(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, sentence) = sentenced(&w, &est, "Rae", "2026-08-24", 10).await?;
    let before = meetings(&w.api(), &id).await?;
    let initial = before.iter().find(|m| m["kind"] == "initial_planning").unwrap().clone();
    let review = before.iter().find(|m| m["kind"] == "review").unwrap().clone();
    let (status, held) = w
        .api()
        .patch(
            &format!("/api/v1/meetings/{}", s(&initial["id"])),
            &json!({"version": 1, "held_on": "2026-09-07", "attendance": attendance()}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{held}");
    let (status, scheduled) = w
        .api()
        .patch(
            &format!("/api/v1/meetings/{}", s(&review["id"])),
            &json!({"version": 1, "scheduled_for": "2026-12-01T10:00:00Z", "location": "Visits hall"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{scheduled}");

    let body =
        json!({"version": 1, "sentence_date": "2026-08-17", "reason": "Sentence date corrected from the court record"});
    let (status, r) = w.api().post(&format!("/api/v1/sentences/{}/recalculate", s(&sentence["id"])), &body).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    // A week earlier: 17 August 2026 + 151 days.
    assert_eq!(r["key_dates"]["mtd"], json!("2027-01-15"));
    // The rules now want initial planning by 1 September (the bank holiday on 31 August
    // again skipped), but the meeting was held: it keeps the date it was held against.
    assert_eq!(deadlines(&r, "initial_planning_meeting"), ["2026-09-01"]);

    let after = meetings(&w.api(), &id).await?;
    assert_eq!(after.len(), before.len(), "moved, not duplicated");
    let by_id = |m: &Value| after.iter().find(|a| a["id"] == m["id"]).cloned().unwrap();
    let initial_after = by_id(&initial);
    assert_eq!(initial_after["due_by"], json!("2026-09-08"), "held: keeps its due date");
    assert_eq!(initial_after["version"], json!(2), "and its version");
    let review_after = by_id(&review);
    assert_eq!(review_after["due_by"], json!(deadlines(&r, "review_meeting")[0]), "scheduled, not held: moves");
    assert_ne!(review_after["due_by"], review["due_by"]);
    assert_eq!(review_after["scheduled_for"], scheduled["scheduled_for"], "the arranged time stays");
    assert_eq!(review_after["version"], json!(3), "a moved meeting gets a new version");
    let release = after.iter().find(|m| m["kind"] == "release_day").unwrap();
    assert_eq!(release["due_by"], json!("2027-01-15"));
    // Ten working days after Friday 15 January 2027.
    let post = after.iter().find(|m| m["kind"] == "post_release_review").unwrap();
    assert_eq!(post["due_by"], json!("2027-01-29"));
    let pre = after.iter().find(|m| m["kind"] == "pre_release").unwrap();
    assert_eq!(pre["due_by"], json!(deadlines(&r, "pre_release_meeting")[0]));

    // Whoever still holds the scheduled review at version 2 is told it moved.
    let (status, stale) = w
        .api()
        .patch(&format!("/api/v1/meetings/{}", s(&review["id"])), &json!({"version": 2, "location": "Library"}))
        .await?;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["current_version"], json!(3));
    Ok(())
}

async fn a_need_moves_only_along_its_allowed_transitions_and_keeps_an_update_log(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Nee", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();

    let (status, catalogue) = w.api().get("/api/v1/catalogue/needs").await?;
    assert_eq!(status, StatusCode::OK, "{catalogue}");
    let entries = catalogue["needs"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["key"] == "accommodation_address" && e["pathway"] == "accommodation"));
    for p in PATHWAYS {
        assert!(entries.iter().any(|e| e["pathway"] == p), "the catalogue covers {p}");
    }

    let n = need(
        &w.api(),
        &id,
        json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": yjs, "due_by": "2026-12-01"}),
    )
    .await?;
    assert_eq!(n["status"], json!("identified"));
    assert_eq!(n["version"], json!(1));
    assert_eq!(n["title"], json!("Confirmed address for release"));
    assert_eq!(n["owner_organisation_id"], json!(yjs));
    assert_eq!(n["due_by"], json!("2026-12-01"));
    assert_eq!(n["overdue"], json!(false));
    assert_eq!(n["withheld"], json!(false));
    assert_eq!(n["allowed_next"], json!(["in_progress", "met", "declined", "not_required"]));
    assert_eq!(n["updates"].as_array().map(Vec::len), Some(1));
    let path = format!("/api/v1/needs/{}", s(&n["id"]));

    // Open and past its due date (yesterday): overdue, until it is met.
    let late = need(
        &w.api(),
        &id,
        json!({"pathway": "ete", "need": "ete_records_transfer", "owner_organisation_id": yjs, "due_by": "2026-11-19"}),
    )
    .await?;
    assert_eq!(late["overdue"], json!(true), "{late}");
    let (status, met) =
        w.api().patch(&format!("/api/v1/needs/{}", s(&late["id"])), &json!({"version": 1, "status": "met"})).await?;
    assert_eq!(status, StatusCode::OK, "{met}");
    assert_eq!((met["overdue"].clone(), met["allowed_next"].clone()), (json!(false), json!(["in_progress"])));

    let (status, v2) =
        w.api().patch(&path, &json!({"version": 1, "status": "in_progress", "note": "Referral made"})).await?;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!((v2["status"].clone(), v2["version"].clone()), (json!("in_progress"), json!(2)));
    assert_eq!(v2["allowed_next"], json!(["met", "declined", "not_required"]));

    // In progress cannot go back to identified; the refusal lists the moves it can make.
    let r = w.api().request(Method::PATCH, &path, Some(&json!({"version": 2, "status": "identified"}))).await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "it can become: met, declined, not required", "backwards");
    assert!(s(&r.body["detail"]).contains("cannot become identified"), "{}", r.body);
    // Declining needs a note saying why.
    let r = w.api().request(Method::PATCH, &path, Some(&json!({"version": 2, "status": "declined"}))).await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "declined", "decline without a note");
    assert_eq!(r.body["errors"][0]["field"], json!("note"), "{}", r.body);
    let (_, still) = w.api().get(&path).await?;
    assert_eq!((still["status"].clone(), still["version"].clone()), (json!("in_progress"), json!(2)), "unchanged");

    let (status, v3) = w
        .api()
        .patch(&path, &json!({"version": 2, "status": "declined", "note": "Wants to stay with an aunt instead"}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{v3}");
    assert_eq!(v3["allowed_next"], json!(["identified", "in_progress"]));
    // A note alone is an update too.
    let (status, v4) = w.api().patch(&path, &json!({"version": 3, "note": "Aunt's address checked"})).await?;
    assert_eq!(status, StatusCode::OK, "{v4}");
    assert_eq!((v4["status"].clone(), v4["version"].clone()), (json!("declined"), json!(4)));

    let (_, read) = w.api().get(&path).await?;
    let log = read["updates"].as_array().unwrap();
    let summary: Vec<(i64, &str, Option<&str>)> =
        log.iter().map(|u| (u["version"].as_i64().unwrap(), s(&u["changes"]), u["note"].as_str())).collect();
    assert_eq!(
        summary,
        [
            (1, "identified; owner Aireborough YJS", None),
            (2, "status from Identified to In progress", Some("Referral made")),
            (3, "status from In progress to Declined", Some("Wants to stay with an aunt instead")),
            (4, "note added", Some("Aunt's address checked")),
        ]
    );
    assert!(log.iter().all(|u| u["by"] == json!(w.cm.name)), "{log:?}");

    // No open need left on the pathway: the task list shows it completed.
    let (_, plan) = w.api().get(&format!("/api/v1/children/{id}/plan")).await?;
    let accommodation = &plan["pathways"][0];
    assert_eq!(accommodation["state"], json!("completed"));
    assert_eq!(accommodation["needs"][0]["id"], n["id"]);

    // Every change is on the timeline and in the audit trail.
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let kinds: Vec<&str> = record.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "plan.need_added").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "plan.need_updated").count(), 4, "{kinds:?}");
    let (status, audit) = w.api().get(&format!("/api/v1/children/{id}/audit")).await?;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let writes =
        audit["items"].as_array().unwrap().iter().filter(|a| a["action"] == "write" && a["resource"] == "plan.need");
    assert_eq!(writes.count(), 6);
    Ok(())
}

async fn stale_versions_are_refused_with_the_current_version_and_change_nothing(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Old", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();
    let api = w.api();

    let plan_path = format!("/api/v1/children/{id}/plan");
    let (status, plan) = api.patch(&plan_path, &json!({"version": 1, "child_goals": "To go to college"})).await?;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["version"], json!(2));

    let n =
        need(&api, &id, json!({"pathway": "ete", "need": "ete_school_place", "owner_organisation_id": yjs})).await?;
    let need_path = format!("/api/v1/needs/{}", s(&n["id"]));
    let (status, _) = api.patch(&need_path, &json!({"version": 1, "status": "in_progress"})).await?;
    assert_eq!(status, StatusCode::OK);

    let m = meeting(&api, &id, "initial_planning").await?;
    let meeting_path = format!("/api/v1/meetings/{}", s(&m["id"]));
    let (status, _) = api.patch(&meeting_path, &json!({"version": 1, "location": "Room 4"})).await?;
    assert_eq!(status, StatusCode::OK);

    let (status, a) = api
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Book the college interview", "owner_organisation_id": yjs, "due_by": "2026-12-04"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let action_path = format!("/api/v1/actions/{}", s(&a["id"]));
    let (status, _) = api.patch(&action_path, &json!({"version": 1, "due_by": "2026-12-11"})).await?;
    assert_eq!(status, StatusCode::OK);

    let rows = plan_rows(&w).await?;
    let (_, plan_before) = api.get(&plan_path).await?;
    let (_, need_before) = api.get(&need_path).await?;
    let (_, meeting_before) = api.get(&meeting_path).await?;
    let (_, actions_before) = api.get(&format!("/api/v1/children/{id}/actions")).await?;
    // Each made against version 1, now 2.
    for (path, body) in [
        (&plan_path, json!({"version": 1, "carer_views": "Mum wants him home"})),
        (&need_path, json!({"version": 1, "status": "met", "note": "Place confirmed"})),
        (&meeting_path, json!({"version": 1, "location": "Video call"})),
        (&action_path, json!({"version": 1, "status": "done"})),
    ] {
        let r = api.request(Method::PATCH, path, Some(&body)).await?;
        assert_eq!(r.status, StatusCode::CONFLICT, "{path}: {}", r.body);
        assert_eq!(r.content_type(), Some("application/problem+json"));
        assert_eq!(r.body["current_version"], json!(2), "{path}: {}", r.body);
    }
    assert_eq!(plan_rows(&w).await?, rows, "nothing written");
    assert_eq!(api.get(&plan_path).await?.1, plan_before);
    assert_eq!(api.get(&need_path).await?.1, need_before);
    assert_eq!(api.get(&meeting_path).await?.1, meeting_before);
    assert_eq!(api.get(&format!("/api/v1/children/{id}/actions")).await?.1, actions_before);
    assert_eq!(plan_before["carer_views"], Value::Null);
    assert_eq!(meeting_before["location"], json!("Room 4"));

    // A version is required.
    let r = api.request(Method::PATCH, &need_path, Some(&json!({"note": "No version"}))).await?;
    assert_problem(&r, &BAD, "version", "no version");
    Ok(())
}

async fn bad_plan_input_is_refused_naming_the_field_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Bad", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();
    let api = w.api();
    let n = need(&api, &id, json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": yjs})).await?;
    let m = meeting(&api, &id, "initial_planning").await?;
    let (_, a) = api
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Call the college", "owner_organisation_id": yjs}),
        )
        .await?;
    w.t.org("YJS-B", "yjs").await?;
    let (outsider, _) = w.t.user("outsider@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let rows = plan_rows(&w).await?;

    let need_body = |extra: (&str, Value)| {
        let mut b = json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": yjs});
        b[extra.0] = extra.1;
        b
    };
    let needs = format!("/api/v1/children/{id}/plan/needs");
    let need_path = format!("/api/v1/needs/{}", s(&n["id"]));
    let meeting_path = format!("/api/v1/meetings/{}", s(&m["id"]));
    let action_path = format!("/api/v1/actions/{}", s(&a["id"]));
    let actions = format!("/api/v1/children/{id}/actions");
    let cases: Vec<(&str, Method, String, Value, &str)> = vec![
        ("unknown need field", Method::POST, needs.clone(), need_body(("colour", json!("red"))), "colour"),
        ("due date a number", Method::POST, needs.clone(), need_body(("due_by", json!(20261201))), "due_by"),
        ("due date not a date", Method::POST, needs.clone(), need_body(("due_by", json!("2026-02-30"))), "due_by"),
        ("due before the plan", Method::POST, needs.clone(), need_body(("due_by", json!("2026-10-01"))), "due_by"),
        ("unknown pathway", Method::POST, needs.clone(), need_body(("pathway", json!("housing"))), "pathway"),
        ("need of another pathway", Method::POST, needs.clone(), need_body(("need", json!("ete_training"))), "need"),
        ("other without words", Method::POST, needs.clone(), need_body(("need", json!("other"))), "description"),
        (
            "owner not an id",
            Method::POST,
            needs.clone(),
            need_body(("owner_organisation_id", json!("LA-A"))),
            "owner_organisation_id",
        ),
        (
            "pathway missing",
            Method::POST,
            needs.clone(),
            json!({"need": "other", "owner_organisation_id": yjs}),
            "pathway",
        ),
        ("version a word", Method::PATCH, need_path.clone(), json!({"version": "one", "note": "x"}), "version"),
        ("unknown status", Method::PATCH, need_path.clone(), json!({"version": 1, "status": "finished"}), "status"),
        ("nothing to change", Method::PATCH, need_path.clone(), json!({"version": 1}), "Change something"),
        (
            "unknown need change",
            Method::PATCH,
            need_path.clone(),
            json!({"version": 1, "pathway": "health"}),
            "pathway",
        ),
        (
            "bad time",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "scheduled_for": "next Tuesday at ten"}),
            "scheduled_for",
        ),
        (
            "time without offset",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "scheduled_for": "2026-12-01T10:00:00"}),
            "scheduled_for",
        ),
        (
            "too short",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "duration_minutes": 5}),
            "duration_minutes",
        ),
        (
            "length a word",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "duration_minutes": "an hour"}),
            "duration_minutes",
        ),
        (
            "presence unknown",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "attendance": [{"name": "Casey", "capacity": "Case manager", "presence": "maybe"}]}),
            "attendance[0].presence",
        ),
        (
            "attendance not a list",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "attendance": "everyone"}),
            "attendance",
        ),
        (
            "held in the future",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "held_on": "2026-12-25"}),
            "held_on",
        ),
        (
            "complete by fiat",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "status": "complete"}),
            "status",
        ),
        (
            "unknown meeting field",
            Method::PATCH,
            meeting_path.clone(),
            json!({"version": 1, "agenda": "tea"}),
            "agenda",
        ),
        (
            "unknown meeting kind",
            Method::POST,
            format!("/api/v1/children/{id}/meetings"),
            json!({"kind": "tea_party"}),
            "kind",
        ),
        (
            "action without words",
            Method::POST,
            actions.clone(),
            json!({"description": " ", "owner_organisation_id": yjs}),
            "description",
        ),
        (
            // A past due date is history and is kept; a century-old one is a typo.
            "action due in 1926",
            Method::POST,
            actions.clone(),
            json!({"description": "Ring Mum", "owner_organisation_id": yjs, "due_by": "1926-11-19"}),
            "due_by",
        ),
        (
            "action for an outsider",
            Method::POST,
            actions.clone(),
            json!({"description": "Ring Mum", "owner_organisation_id": yjs, "owner_user_id": outsider.id.to_string()}),
            "owner_user_id",
        ),
        (
            "action for an unknown need",
            Method::POST,
            actions.clone(),
            json!({"description": "Ring Mum", "owner_organisation_id": yjs, "need_id": uuid::Uuid::new_v4().to_string()}),
            "need_id",
        ),
        (
            "unknown action field",
            Method::POST,
            actions.clone(),
            json!({"description": "Ring Mum", "owner_organisation_id": yjs, "priority": "high"}),
            "priority",
        ),
        (
            "unknown action status",
            Method::PATCH,
            action_path.clone(),
            json!({"version": 1, "status": "half done"}),
            "status",
        ),
        (
            "plan shared in the future",
            Method::PATCH,
            format!("/api/v1/children/{id}/plan"),
            json!({"version": 1, "shared_on": "2026-12-01"}),
            "shared_on",
        ),
        (
            "unknown plan field",
            Method::PATCH,
            format!("/api/v1/children/{id}/plan"),
            json!({"version": 1, "risk_score": 3}),
            "risk_score",
        ),
    ];
    for (what, method, path, body, field) in cases {
        let r = api.request(method, &path, Some(&body)).await?;
        assert_problem(&r, &BAD, field, what);
    }
    assert_eq!(plan_rows(&w).await?, rows, "nothing written");
    let (_, read) = api.get(&meeting_path).await?;
    assert_eq!((read["version"].clone(), read["status"].clone()), (json!(1), json!("not_scheduled")));
    Ok(())
}

async fn an_owner_organisation_joins_the_team_unless_it_has_no_team_role(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Tea", "2026-11-02", 8).await?;
    let la = w.t.org_named("LA-A", "Aireborough Council", "local_authority").await?;
    let (_, la_token) = w.t.user("ali@council.example.org", "LA-A", "accommodation_officer").await?;
    let college = w.t.org_named("EDU-A", "Calder College", "education").await?;
    let nhs = w.t.org_named("NHS-A", "Aireborough CAMHS", "health").await?;
    let charity = w.t.org_named("CHARITY-A", "Fresh Start Mentoring", "other").await?;
    let plan_path = format!("/api/v1/children/{id}/plan");
    let (status, _) = w.t.api(&la_token).get(&plan_path).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "the council is not on the team yet");

    let n = need(
        &w.api(),
        &id,
        json!({"pathway": "accommodation", "need": "accommodation_la_assessment", "owner_organisation_id": la.id.to_string()}),
    )
    .await?;
    assert_eq!(n["owner_organisation_name"], json!("Aireborough Council"));
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let joined = record.team.iter().find(|t| t.member.organisation_id == la.id).expect("the council joined the team");
    assert_eq!(joined.member.role.as_str(), "accommodation_officer");
    assert_eq!(joined.member.started_on.to_string(), "2026-11-20");
    assert!(record.timeline.iter().any(|e| e.kind == "plan.need_added" && e.summary.contains("joined the team")));
    let (status, plan) = w.t.api(&la_token).get(&plan_path).await?;
    assert_eq!(status, StatusCode::OK, "the council's people now see the plan: {plan}");

    // An action given to the college brings it onto the team as well.
    let (status, a) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Offer an interview", "owner_organisation_id": college.id.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let joined = record.team.iter().find(|t| t.member.organisation_id == college.id).expect("the college joined");
    assert_eq!(joined.member.role.as_str(), "ete_coordinator");

    // A health provider or a charity has no role to join with: they are added to the team
    // first, by someone who decides what they may see.
    let rows = plan_rows(&w).await?;
    for (org, pathway, what) in [(&nhs, "health", "health provider"), (&charity, "constructive_activities", "charity")]
    {
        let body = json!({"pathway": pathway, "need": "other", "description": "Support", "owner_organisation_id": org.id.to_string()});
        let r = w.api().request(Method::POST, &format!("/api/v1/children/{id}/plan/needs"), Some(&body)).await?;
        assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "not on the team", what);
        assert_eq!(r.body["errors"][0]["field"], json!("owner_organisation_id"), "{}", r.body);
    }
    let nobody =
        json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": uuid::Uuid::new_v4().to_string()});
    let r = w.api().request(Method::POST, &format!("/api/v1/children/{id}/plan/needs"), Some(&nobody)).await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "No organisation", "unknown organisation");
    assert_eq!(plan_rows(&w).await?, rows, "nothing written");
    Ok(())
}

async fn health_needs_are_withheld_from_a_case_manager_and_shown_to_the_health_worker(
    b: Backend,
) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Hal", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let hw = w.t.api(&hw_token);
    let secrets = ["Sertraline", "CAMHS", "Cannabis", "Mental health support"];

    let from_cm = need(
        &w.api(),
        &id,
        json!({"pathway": "health", "need": "health_mental_health", "description": "Sertraline 50mg; CAMHS referral",
               "owner_organisation_id": yjs}),
    )
    .await?;
    assert_eq!(from_cm["withheld"], json!(true), "even the person who typed it reads it back withheld: {from_cm}");
    let from_hw = need(
        &hw,
        &id,
        json!({"pathway": "substance_misuse", "need": "other", "description": "Cannabis use most days", "owner_organisation_id": yjs}),
    )
    .await?;
    assert_eq!(from_hw["withheld"], json!(false));
    assert_eq!(from_hw["title"], json!("Cannabis use most days"));
    let (status, v2) = hw
        .patch(
            &format!("/api/v1/needs/{}", s(&from_cm["id"])),
            &json!({"version": 1, "status": "in_progress", "note": "Seen by the CAMHS nurse"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{v2}");
    let ordinary =
        need(&w.api(), &id, json!({"pathway": "ete", "need": "ete_school_place", "owner_organisation_id": yjs}))
            .await?;

    // The case manager sees that there are health needs, by whom and how far on, not what.
    let plan_path = format!("/api/v1/children/{id}/plan");
    let (status, plan) = w.api().get(&plan_path).await?;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let text = plan.to_string();
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} shown to the case manager: {plan}");
    }
    let health = &plan["pathways"][3]["needs"][0];
    assert_eq!(health["need"], json!("health_need"));
    assert_eq!(health["withheld"], json!(true));
    assert_eq!(health["description"], Value::Null);
    assert_eq!(health["title"], json!("Physical and mental health need (details for health staff)"));
    assert_eq!(health["status"], json!("in_progress"));
    assert_eq!(health["updates"][1]["note"], Value::Null, "notes are health details too");
    let substance = &plan["pathways"][4]["needs"][0];
    assert_eq!((substance["need"].clone(), substance["withheld"].clone()), (json!("health_need"), json!(true)));
    assert_eq!(plan["pathways"][1]["needs"][0]["withheld"], json!(false), "other pathways are shown");
    assert_eq!(plan["pathways"][1]["needs"][0]["id"], ordinary["id"]);
    let (_, one) = w.api().get(&format!("/api/v1/needs/{}", s(&from_hw["id"]))).await?;
    assert_eq!(one["withheld"], json!(true));
    assert!(!one.to_string().contains("Cannabis"), "{one}");
    let m = meeting(&w.api(), &id, "initial_planning").await?;
    let (_, detail) = w.api().get(&format!("/api/v1/meetings/{}", s(&m["id"]))).await?;
    for secret in secrets {
        assert!(!detail.to_string().contains(secret), "{secret} on the case manager's agenda: {detail}");
    }

    // … and may not change them.
    let r = w
        .api()
        .request(
            Method::PATCH,
            &format!("/api/v1/needs/{}", s(&from_cm["id"])),
            Some(&json!({"version": 2, "status": "met"})),
        )
        .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let (_, read) = hw.get(&format!("/api/v1/needs/{}", s(&from_cm["id"]))).await?;
    assert_eq!((read["status"].clone(), read["version"].clone()), (json!("in_progress"), json!(2)), "unchanged");

    // The health worker on the team sees everything.
    let (status, plan) = hw.get(&plan_path).await?;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let health = &plan["pathways"][3]["needs"][0];
    assert_eq!(health["need"], json!("health_mental_health"));
    assert_eq!(health["withheld"], json!(false));
    assert_eq!(health["description"], json!("Sertraline 50mg; CAMHS referral"));
    assert_eq!(health["updates"][1]["note"], json!("Seen by the CAMHS nurse"));
    assert_eq!(plan["pathways"][4]["needs"][0]["description"], json!("Cannabis use most days"));
    Ok(())
}

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

async fn people_outside_the_team_get_404_on_every_plan_route(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Pri", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();
    let n =
        need(&w.api(), &id, json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": yjs})).await?;
    let m = meeting(&w.api(), &id, "initial_planning").await?;
    let (_, a) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "Call the college", "owner_organisation_id": yjs, "owner_user_id": w.cm.id.to_string()}),
        )
        .await?;
    w.t.org("YJS-B", "yjs").await?;
    let (_, other_cm) = w.t.user("other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let (_, other_manager) = w.t.user("boss@yjs-b.example.org", "YJS-B", "yjs_manager").await?;
    let (_, other_health) = w.t.user("nurse@yjs-b.example.org", "YJS-B", "yjs_health_worker").await?;
    w.t.org("ADMIN", "other").await?;
    let (_, admin) = w.t.user("admin@example.org", "ADMIN", "admin").await?;
    let rows = plan_rows(&w).await?;

    let (nid, mid, aid) = (s(&n["id"]), s(&m["id"]), s(&a["id"]));
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/children/{id}/plan"), None),
        (Method::PATCH, format!("/api/v1/children/{id}/plan"), Some(json!({"version": 1, "child_goals": "x"}))),
        (
            Method::POST,
            format!("/api/v1/children/{id}/plan/needs"),
            Some(json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": yjs})),
        ),
        (Method::GET, format!("/api/v1/needs/{nid}"), None),
        (Method::PATCH, format!("/api/v1/needs/{nid}"), Some(json!({"version": 1, "status": "met"}))),
        (Method::GET, format!("/api/v1/children/{id}/meetings"), None),
        (Method::POST, format!("/api/v1/children/{id}/meetings"), Some(json!({"kind": "review"}))),
        (Method::GET, format!("/api/v1/meetings/{mid}"), None),
        (Method::PATCH, format!("/api/v1/meetings/{mid}"), Some(json!({"version": 1, "location": "x"}))),
        (Method::GET, format!("/api/v1/meetings/{mid}/invite.ics"), None),
        (Method::GET, format!("/api/v1/children/{id}/actions"), None),
        (
            Method::POST,
            format!("/api/v1/children/{id}/actions"),
            Some(json!({"description": "x", "owner_organisation_id": yjs})),
        ),
        (Method::PATCH, format!("/api/v1/actions/{aid}"), Some(json!({"version": 1, "status": "done"}))),
    ];
    for (who, token) in
        [("case manager", &other_cm), ("manager", &other_manager), ("health", &other_health), ("admin", &admin)]
    {
        let api = w.t.api(token);
        for (method, path, body) in &routes {
            let r = api.request(method.clone(), path, body.as_ref()).await?;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {method} {path}: {}", r.body);
        }
        let (status, mine) = api.get("/api/v1/actions?owner=me").await?;
        if status == StatusCode::OK {
            assert!(!mine.to_string().contains(aid), "{who}: {mine}");
        }
    }
    // The same answer as for a record that does not exist.
    let nobody = uuid::Uuid::new_v4();
    for path in [
        format!("/api/v1/needs/{nobody}"),
        format!("/api/v1/meetings/{nobody}/invite.ics"),
        "/api/v1/needs/not-an-id".into(),
    ] {
        let (status, _) = w.api().get(&path).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(plan_rows(&w).await?, rows, "nothing written");
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

async fn health_details_need_a_health_role_in_an_organisation_on_the_team(b: Backend) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, _) = sentenced(&w, &est, "Dua", "2026-11-02", 8).await?;
    let yjs = w.yjs.id.to_string();
    let college = w.t.org_named("EDU-A", "Calder College", "education").await?;
    let yjs_b = w.t.org("YJS-B", "yjs").await?;
    // A college tutor who is also a health worker at another service, which is not on the team.
    let (dual, dual_token) = w.t.user("dual@college.example.org", "EDU-A", "ete_coordinator").await?;
    w.t.app.add_membership(Principal::Operator, dual.id, yjs_b.id, "yjs_health_worker").await?;
    // The establishment's healthcare is on the team through the establishment.
    let (_, nurse_token) = w.t.user("nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let (status, _) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "College place", "owner_organisation_id": college.id.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "the college joins the team");
    let n = need(
        &w.t.api(&nurse_token),
        &id,
        json!({"pathway": "health", "need": "health_medication", "description": "Sertraline 50mg", "owner_organisation_id": yjs}),
    )
    .await?;
    assert_eq!(n["withheld"], json!(false), "custody healthcare on the team sees health details");

    let (status, plan) = w.t.api(&dual_token).get(&format!("/api/v1/children/{id}/plan")).await?;
    assert_eq!(status, StatusCode::OK, "the tutor is on the team: {plan}");
    let health = &plan["pathways"][3]["needs"][0];
    assert_eq!(
        health["withheld"],
        json!(true),
        "a health role elsewhere does not open this child's health details: {plan}"
    );
    assert!(!plan.to_string().contains("Sertraline"), "{plan}");
    let r =
        w.t.api(&dual_token)
            .request(
                Method::PATCH,
                &format!("/api/v1/needs/{}", s(&n["id"])),
                Some(&json!({"version": 1, "status": "met"})),
            )
            .await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    Ok(())
}

async fn a_release_moves_the_release_day_and_post_release_meetings_to_the_day_of_release(
    b: Backend,
) -> anyhow::Result<()> {
    let w = start(b).await?;
    let est = yoi(&w).await?;
    let (id, sentence) = sentenced(&w, &est, "Rel", "2026-07-01", 8).await?;
    // 1 July 2026 + 8 months: 243 days; half, rounded up, is 122, so 1 July + 121 days.
    assert_eq!(sentence["key_dates"]["mtd"], json!("2026-10-30"));
    let before = meetings(&w.api(), &id).await?;
    let release_day = before.iter().find(|m| m["kind"] == "release_day").unwrap().clone();
    let post = before.iter().find(|m| m["kind"] == "post_release_review").unwrap().clone();
    assert_eq!(release_day["due_by"], json!("2026-10-30"));
    // Ten working days after Friday 30 October 2026.
    assert_eq!(post["due_by"], json!("2026-11-13"));

    // Released early, on Friday 16 October.
    let (status, r) =
        w.api().post(&format!("/api/v1/children/{id}/custody/release"), &json!({"date": "2026-10-16"})).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    let after = meetings(&w.api(), &id).await?;
    let find = |m: &Value| after.iter().find(|a| a["id"] == m["id"]).cloned().unwrap();
    assert_eq!(find(&release_day)["due_by"], json!("2026-10-16"), "release day is the day of release");
    // Ten working days after Friday 16 October 2026.
    assert_eq!(find(&post)["due_by"], json!("2026-10-30"), "the review follows the real release");
    assert_eq!(find(&post)["version"], json!(2));
    let initial = after.iter().find(|m| m["kind"] == "initial_planning").unwrap();
    let initial_before = before.iter().find(|m| m["kind"] == "initial_planning").unwrap();
    assert_eq!(initial["due_by"], initial_before["due_by"], "meetings before release keep their dates");
    assert_eq!(after.len(), before.len());
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
