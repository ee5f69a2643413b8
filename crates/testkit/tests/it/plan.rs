//! The resettlement plan through the API, on every backend: the plan opened with custody, its
//! needs, meetings (with their iCalendar invitations) and actions, stale and bad updates,
//! health details, and who may see what.
//!
//! The clock is stopped at noon on Friday 20 November 2026, so what is late or overdue does
//! not depend on the day the tests run.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use resettle_testkit::{Api, ApiReply, Backend};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_dto_opens_the_plan_with_every_pathway_and_meetings_on_the_deadlines,
    a_remand_opens_the_plan_and_a_later_sentence_keeps_its_meeting_and_adds_the_rest,
    a_recalculation_moves_the_meetings_not_yet_held,
    a_need_moves_only_along_its_allowed_transitions_and_keeps_an_update_log,
    stale_versions_are_refused_with_the_current_version_and_change_nothing,
    bad_plan_input_is_refused_naming_the_field_and_writes_nothing,
    a_release_moves_the_release_day_and_post_release_meetings_to_the_day_of_release,
);

/// Noon on Friday 20 November 2026 (GMT), when every scenario here happens.
pub(crate) const NOW: &str = "2026-11-20T12:00:00Z";

/// The nine pathways, in the plan's order.
pub(crate) const PATHWAYS: [&str; 9] = [
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

pub(crate) async fn start(b: Backend) -> anyhow::Result<Yjs> {
    Yjs::start_at(b, NOW.parse()?).await
}

pub(crate) async fn yoi(w: &Yjs) -> anyhow::Result<String> {
    Ok(w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string())
}

pub(crate) fn dto(sentence_date: &str, term_months: u32, establishment: &str) -> Value {
    json!({"kind": "dto", "sentence_date": sentence_date, "term_months": term_months, "establishment_id": establishment})
}

pub(crate) fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A child created by the case manager and sentenced to a DTO: `(child id, sentence reply)`.
pub(crate) async fn sentenced(
    w: &Yjs,
    est: &str,
    given: &str,
    date: &str,
    months: u32,
) -> anyhow::Result<(String, Value)> {
    let id = s(&w.child(given, "Planner").await?["id"]).to_string();
    let (status, body) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto(date, months, est)).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {body}");
    Ok((id, body))
}

pub(crate) async fn meetings(api: &Api, child: &str) -> anyhow::Result<Vec<Value>> {
    let (status, body) = api.get(&format!("/api/v1/children/{child}/meetings")).await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {body}");
    Ok(body["items"].as_array().cloned().unwrap_or_default())
}

/// The child's meeting of `kind` (the first of its kind: review 1).
pub(crate) async fn meeting(api: &Api, child: &str, kind: &str) -> anyhow::Result<Value> {
    meetings(api, child)
        .await?
        .into_iter()
        .find(|m| m["kind"] == kind)
        .ok_or_else(|| anyhow::anyhow!("no {kind} meeting"))
}

/// `(kind, due_by)` of every meeting, sorted.
pub(crate) fn due_dates(list: &[Value]) -> BTreeSet<(String, String)> {
    list.iter().map(|m| (s(&m["kind"]).to_string(), s(&m["due_by"]).to_string())).collect()
}

pub(crate) fn deadlines<'a>(body: &'a Value, kind: &str) -> Vec<&'a str> {
    body["deadlines"]
        .as_array()
        .map(|d| d.iter().filter(|x| x["kind"] == kind).filter_map(|x| x["due_by"].as_str()).collect())
        .unwrap_or_default()
}

/// Adds a need as `api`; fails unless 201.
pub(crate) async fn need(api: &Api, child: &str, body: Value) -> anyhow::Result<Value> {
    let (status, n) = api.post(&format!("/api/v1/children/{child}/plan/needs"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {n}");
    Ok(n)
}

/// A problem document with one of `statuses` whose `detail` mentions `field`.
pub(crate) fn assert_problem(r: &ApiReply, statuses: &[StatusCode], field: &str, what: &str) {
    assert!(statuses.contains(&r.status), "{what}: status {} not in {statuses:?}: {}", r.status, r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"), "{what}: {}", r.body);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(field), "{what}: detail should name `{field}`: {detail:?}");
}

pub(crate) const BAD: [StatusCode; 2] = [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY];

/// Rows in the plan's tables and the timeline, to show that a refusal wrote nothing.
pub(crate) async fn plan_rows(w: &Yjs) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for table in ["plans", "needs", "need_updates", "meetings", "actions", "team_members", "timeline_entries"] {
        out.push((table, w.t.db.count(table).await?));
    }
    Ok(out)
}

pub(crate) fn attendance() -> Value {
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
