//! Sentences, remands, key dates and deadlines through the API, on every backend.

use reqwest::StatusCode;
use resettle_app::Principal;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_detention_and_training_order_sets_key_dates_and_deadlines_at_once,
    a_recalculation_keeps_the_history_and_moves_the_deadlines,
    a_remand_makes_the_child_looked_after_and_a_sentence_continues_the_episode,
    bad_sentences_are_refused_with_the_reason_and_write_nothing,
    people_outside_the_team_cannot_record_or_read_key_dates,
    other_sentences_keep_the_dates_entered_and_their_source,
    a_bank_holiday_added_by_an_administrator_moves_later_deadlines,
    a_transfer_moves_the_team_and_a_release_closes_custody,
);

async fn yoi(w: &Yjs) -> anyhow::Result<String> {
    Ok(w.t.org("YOI-A", "yoi").await?.id.to_string())
}

fn deadline<'a>(body: &'a Value, kind: &str) -> Vec<&'a str> {
    body["deadlines"]
        .as_array()
        .map(|d| d.iter().filter(|x| x["kind"] == kind).filter_map(|x| x["due_by"].as_str()).collect())
        .unwrap_or_default()
}

fn dto_body(establishment: &str, term: Value, remand: Value) -> Value {
    json!({"kind": "dto", "sentence_date": "2026-11-02", "term_months": term, "remand_days": remand, "establishment_id": establishment})
}

async fn a_detention_and_training_order_sets_key_dates_and_deadlines_at_once(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let child = w.child("Dee", "Dates").await?;
    let id = child["id"].as_str().unwrap();
    let (status, s) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto_body(&est, json!(10), json!(0))).await?;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    // 2 Nov 2026 + 10 months = 2 Sep 2027, so the term ends on 1 Sep 2027: 304 days; half,
    // rounded up, is 152, so the mid-term date is 2 Nov 2026 + 151 days.
    assert_eq!(
        s["key_dates"],
        json!({"term_days": 304, "custody_days": 152, "mtd": "2027-04-02", "etd": "2027-03-02", "ltd": "2027-05-02",
            "sled": "2027-09-01", "discharge_on": "2027-04-02"})
    );
    // Ten working days after Monday 2 November 2026.
    assert_eq!(deadline(&s, "initial_planning_meeting"), vec!["2026-11-16"]);
    // Twenty working days before Friday 2 April 2027, skipping Easter (26 and 29 March).
    assert_eq!(deadline(&s, "pre_release_meeting"), vec!["2027-03-03"]);
    assert_eq!(deadline(&s, "pre_release_plan"), vec!["2027-03-19"]);
    assert!(!deadline(&s, "review_meeting").is_empty(), "reviews are scheduled: {s}");

    let (status, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(status, StatusCode::OK, "{kd}");
    assert_eq!(kd["key_dates"]["mtd"], json!("2027-04-02"));
    assert_eq!(kd["history"].as_array().map(Vec::len), Some(1));
    assert_eq!(kd["history"][0]["source"], json!("calculated"));
    assert_eq!(deadline(&kd, "initial_planning_meeting"), vec!["2026-11-16"]);

    let (_, caseload) = w.api().get("/api/v1/children").await?;
    let item = caseload["items"].as_array().unwrap().iter().find(|c| c["id"] == child["id"]).unwrap();
    assert_eq!(item["custody"], json!("sentence"), "the child is now in custody: {item}");
    assert_eq!(item["establishment_id"], json!(est));
    Ok(())
}

async fn a_recalculation_keeps_the_history_and_moves_the_deadlines(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let id = w.child("Rae", "Recalc").await?["id"].as_str().unwrap().to_string();
    let (_, s) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto_body(&est, json!(10), json!(0))).await?;
    let sid = s["id"].as_str().unwrap();

    let (status, p) = w
        .api()
        .post(&format!("/api/v1/sentences/{sid}/recalculate"), &json!({"version": 1, "remand_days": 12}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {p}");
    assert!(p["detail"].as_str().unwrap().contains("reason"), "{p}");

    let body = json!({"version": 1, "remand_days": 12, "reason": "12 days on remand found in the court record"});
    let (status, r) = w.api().post(&format!("/api/v1/sentences/{sid}/recalculate"), &body).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["version"], json!(2));
    assert_eq!(r["key_dates"]["mtd"], json!("2027-03-21"), "12 days earlier");
    assert_eq!(r["key_dates"]["sled"], json!("2027-08-20"));
    // Sunday 21 March: the child leaves on Friday 19 March (s.23(3)), and the plan is due 14
    // days before that day of discharge.
    assert_eq!(r["key_dates"]["discharge_on"], json!("2027-03-19"));
    assert_eq!(deadline(&r, "pre_release_plan"), vec!["2027-03-05"]);

    let (status, stale) = w.api().post(&format!("/api/v1/sentences/{sid}/recalculate"), &body).await?;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["current_version"], json!(2));

    let (_, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    let history = kd["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "the first calculation is kept: {kd}");
    assert_eq!(history[0]["mtd"], json!("2027-04-02"));
    assert_eq!(history[1]["mtd"], json!("2027-03-21"));
    assert_eq!(history[1]["reason"], json!("12 days on remand found in the court record"));
    assert_eq!(history[1]["remand_days"], json!(12));
    assert_eq!(deadline(&kd, "pre_release_plan"), vec!["2027-03-05"], "deadlines follow the new dates, once");
    Ok(())
}

async fn a_remand_makes_the_child_looked_after_and_a_sentence_continues_the_episode(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let id = w.child("Rem", "Anded").await?["id"].as_str().unwrap().to_string();
    let body = json!({"start_date": "2026-11-02", "establishment_id": est, "next_court_date": "2026-11-30"});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(deadline(&r, "initial_planning_meeting"), vec!["2026-11-16"]);
    let (_, child) = w.api().get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(child["legal_status"], json!("looked_after"));
    assert_eq!(child["version"], json!(2));

    let (status, again) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already in custody: {again}");

    let (status, s) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto_body(&est, json!(6), json!(0))).await?;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    assert_eq!(record.custody.len(), 1, "the same custody episode goes on");
    assert_eq!(record.custody[0].episode.kind.as_str(), "sentence");
    let (_, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(kd["remands"].as_array().map(Vec::len), Some(1));
    assert_eq!(deadline(&kd, "initial_planning_meeting"), vec!["2026-11-16"], "replaced, not duplicated");
    Ok(())
}

async fn bad_sentences_are_refused_with_the_reason_and_write_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let id = w.child("Bad", "Input").await?["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/children/{id}/sentences");
    let cases = [
        (dto_body(&est, json!(3), json!(0)), "term_months"),
        (dto_body(&est, json!(25), json!(0)), "term_months"),
        (dto_body(&est, json!("ten"), json!(0)), "term_months"),
        (dto_body(&est, json!(10), json!(-1)), "remand_days"),
        (
            json!({"kind": "dto", "sentence_date": "2999-01-01", "term_months": 10, "establishment_id": est}),
            "sentence_date",
        ),
        (
            json!({"kind": "dto", "sentence_date": "2026-02-30", "term_months": 10, "establishment_id": est}),
            "sentence_date",
        ),
        (json!({"kind": "life", "sentence_date": "2026-11-02", "establishment_id": est}), "kind"),
        (dto_body(&w.yjs.id.to_string(), json!(10), json!(0)), "establishment_id"),
        (
            json!({"kind": "dto", "sentence_date": "2026-11-02", "term_months": 10, "establishment_id": est, "judge": "x"}),
            "judge",
        ),
    ];
    for (body, field) in cases {
        let (status, p) = w.api().post(&path, &body).await?;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{field}: {status} {p}"
        );
        assert!(p["detail"].as_str().unwrap_or_default().contains(field), "{field}: {p}");
    }
    let (_, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(kd["sentences"], json!([]), "nothing written");
    assert_eq!(kd["deadlines"], json!([]), "nothing written");
    assert_eq!(w.t.db.count("custody_episodes").await?, 0);
    Ok(())
}

async fn people_outside_the_team_cannot_record_or_read_key_dates(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let id = w.child("Pri", "Vate").await?["id"].as_str().unwrap().to_string();
    w.t.org("YJS-B", "yjs").await?;
    let (_, other) = w.t.user("other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let api = w.t.api(&other);
    let (status, _) =
        api.post(&format!("/api/v1/children/{id}/sentences"), &dto_body(&est, json!(10), json!(0))).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(w.t.db.count("sentences").await?, 0);
    Ok(())
}

async fn other_sentences_keep_the_dates_entered_and_their_source(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let id = w.child("Long", "Term").await?["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/children/{id}/sentences");
    let (status, p) =
        w.api().post(&path, &json!({"kind": "s250", "sentence_date": "2026-10-01", "establishment_id": est})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("release_date") && detail.contains("sled") && detail.contains("key_dates_source"), "{p}");
    let body = json!({"kind": "s250", "sentence_date": "2026-10-01", "establishment_id": est, "release_date": "2028-04-01",
                      "sled": "2030-10-01", "key_dates_source": "YOI calculation sheet, 5 October 2026"});
    let (status, s) = w.api().post(&path, &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["key_dates"]["mtd"], json!("2028-04-01"));
    assert_eq!(s["key_dates"]["etd"], Value::Null);
    let (_, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(kd["history"][0]["source"], json!("entered"));
    assert!(kd["history"][0]["reason"].as_str().unwrap().contains("YOI calculation sheet, 5 October 2026"));
    Ok(())
}

async fn a_bank_holiday_added_by_an_administrator_moves_later_deadlines(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let est = yoi(&w).await?;
    let (status, days) = w.api().get("/api/v1/calendar/bank-holidays?year=2027").await?;
    assert_eq!(status, StatusCode::OK, "{days}");
    let dates: Vec<&str> = days.as_array().unwrap().iter().filter_map(|d| d["date"].as_str()).collect();
    assert_eq!(
        dates,
        [
            "2027-01-01",
            "2027-03-26",
            "2027-03-29",
            "2027-05-03",
            "2027-05-31",
            "2027-08-30",
            "2027-12-27",
            "2027-12-28"
        ]
    );
    let (status, _) = w.api().get("/api/v1/calendar/bank-holidays").await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the year is required");

    let holiday = json!({"date": "2026-11-09", "name": "Proclamation day"});
    let (status, _) = w.api().post("/api/v1/calendar/bank-holidays", &holiday).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "only administrators add bank holidays");
    w.t.org("ADMIN", "other").await?;
    let (admin_user, admin) = w.t.user("admin@example.org", "ADMIN", "admin").await?;
    // An administrator's API token has no second factor behind it: it may not move deadlines.
    let (status, body) = w.t.api(&admin).post("/api/v1/calendar/bank-holidays", &holiday).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("second factor"), "{body}");
    // Signed in (with the second factor), they may.
    let admin_ctx = w.t.ctx(&admin_user).await?;
    w.t.app.add_bank_holiday(Principal::User(&admin_ctx.actor), "2026-11-09", "Proclamation day").await?;
    let again = w.t.app.add_bank_holiday(Principal::User(&admin_ctx.actor), "2026-11-09", "Proclamation day").await;
    assert!(matches!(again, Err(resettle_app::AppError::Invalid(_))), "the same day twice");
    let (_, days) = w.api().get("/api/v1/calendar/bank-holidays?year=2026").await?;
    assert!(days.as_array().unwrap().iter().any(|d| d["date"] == "2026-11-09"), "{days}");

    // Ten working days after Monday 2 November 2026, now skipping Monday 9 November.
    let id = w.child("Hol", "Iday").await?["id"].as_str().unwrap().to_string();
    let (_, r) = w
        .api()
        .post(&format!("/api/v1/children/{id}/remands"), &json!({"start_date": "2026-11-02", "establishment_id": est}))
        .await?;
    assert_eq!(deadline(&r, "initial_planning_meeting"), vec!["2026-11-17"], "{r}");
    // The command line's operator can add one too.
    w.t.app.add_bank_holiday(Principal::Operator, "2026-11-10", "Another day").await?;
    Ok(())
}

async fn a_transfer_moves_the_team_and_a_release_closes_custody(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let first = yoi(&w).await?;
    let second = w.t.org("SCH-B", "sch").await?.id.to_string();
    let id = w.child("Move", "Ing").await?["id"].as_str().unwrap().to_string();
    let (status, _) =
        w.api().post(&format!("/api/v1/children/{id}/sentences"), &dto_body(&first, json!(6), json!(0))).await?;
    assert_eq!(status, StatusCode::CREATED);
    // A secure practitioner at the first establishment sees the child while it is placed there.
    let (_, sp) = w.t.user("sp@yoi-a.example.org", "YOI-A", "secure_practitioner").await?;
    let (status, _) = w.t.api(&sp).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::OK);

    let path = format!("/api/v1/children/{id}/custody/transfers");
    let (status, p) = w.api().post(&path, &json!({"establishment_id": first, "date": "2026-11-10"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already there: {p}");
    let (status, p) = w.api().post(&path, &json!({"establishment_id": second, "date": "2026-11-01"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "before the placement began: {p}");
    let (status, p) = w
        .api()
        .post(&path, &json!({"establishment_id": second, "date": "2026-11-10", "reason": "placement review"}))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["reason"], json!("transfer"));

    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let placements = &record.custody[0].placements;
    assert_eq!(placements.len(), 2);
    assert_eq!(placements[0].placement.ended_on.map(|d| d.to_string()).as_deref(), Some("2026-11-10"));
    assert_eq!(placements[1].placement.establishment_id.to_string(), second);
    let (status, _) = w.t.api(&sp).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "the first establishment's part has ended");

    let release = format!("/api/v1/children/{id}/custody/release");
    let (status, r) = w.api().post(&release, &json!({"date": "2999-01-01"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not in the future: {r}");
    let (status, r) = w.api().post(&release, &json!({"date": "2026-11-12"})).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["ended_on"], json!("2026-11-12"));
    let (_, kd) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(kd["deadlines"], json!([]), "custody deadlines close on release");
    let (_, caseload) = w.api().get("/api/v1/children").await?;
    let item = caseload["items"].as_array().unwrap().iter().find(|c| c["id"] == json!(id)).unwrap();
    assert_eq!(item["custody"], Value::Null, "back in the community");
    let (status, _) = w.api().post(&release, &json!({"date": "2026-11-12"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not in custody any more");
    Ok(())
}
