//! After release, through the API as a service bringing its history would enter it: releases
//! with their kind, the day of discharge, supervision, compliance, further offending and
//! stability — read back exactly; contradictory dates and stale updates refused; other
//! services' staff see none of it.

use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_cohort_back_recorded_through_the_api_reads_back_exactly,
    the_day_of_discharge_moves_off_a_weekend_and_is_on_the_key_dates,
    stale_updates_are_refused,
    dates_that_contradict_each_other_are_refused_and_change_nothing,
    other_services_see_none_of_it,
    the_sweep_reminds_the_case_manager_of_an_outcome_not_recorded_by_the_next_working_day,
    history_keeps_its_due_days_but_creates_no_urgent_work,
    a_remand_or_sentence_links_to_the_offence_it_is_for,
    turning_18_under_supervision_is_alerted_once_and_the_transfer_to_probation_is_recorded,
    a_repeating_schedule_keeps_the_local_time_and_ends_with_supervision,
);

/// The service with a young offender institution.
async fn service(b: Backend) -> anyhow::Result<(Yjs, String)> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?;
    Ok((w, yoi.id.to_string()))
}

/// A child born on `born`, created through the API.
async fn child(w: &Yjs, given: &str, born: &str) -> anyhow::Result<String> {
    let mut body = w.child_body(given, "History");
    body["date_of_birth"] = json!(born);
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    Ok(c["id"].as_str().unwrap().to_string())
}

async fn post(w: &Yjs, path: &str, body: Value) -> anyhow::Result<Value> {
    let (s, r) = w.api().post(path, &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED || s == StatusCode::OK, "POST {path} {body}: {s} {r}");
    Ok(r)
}

/// A DTO sentenced on `date` for `months`, and the release on its day of discharge.
async fn sentence_and_release(w: &Yjs, yoi: &str, id: &str, date: &str, months: u8) -> anyhow::Result<Value> {
    let body = json!({"kind": "dto", "sentence_date": date, "term_months": months, "establishment_id": yoi});
    let sentence = post(w, &format!("/api/v1/children/{id}/sentences"), body).await?;
    let discharge = sentence["key_dates"]["discharge_on"].as_str().unwrap().to_string();
    post(w, &format!("/api/v1/children/{id}/custody/release"), json!({"date": discharge, "kind": "dto_mid_term"}))
        .await?;
    Ok(sentence["key_dates"].clone())
}

async fn a_cohort_back_recorded_through_the_api_reads_back_exactly(b: Backend) -> anyhow::Result<()> {
    let (w, yoi) = service(b).await?;
    // Ada, now an adult: sentenced at 16 in 2024, released, supervised, warned, rearrested.
    let ada = child(&w, "Ada", "2007-06-15").await?;
    let dates = sentence_and_release(&w, &yoi, &ada, "2024-02-05", 8).await?;
    let released = dates["discharge_on"].as_str().unwrap().to_string();
    let base = format!("/api/v1/children/{ada}");
    let mut appointments = Vec::new();
    for (at, outcome, reason) in [
        ("2024-06-10T09:30:00Z", "attended", None),
        ("2024-06-17T09:30:00Z", "unacceptable_absence", None),
        ("2024-06-24T09:30:00Z", "acceptable_absence", Some("Hospital appointment")),
    ] {
        let a = post(
            &w,
            &format!("{base}/appointments"),
            json!({"kind": "yjs_supervision", "starts_at": at,
            "location": "Aireborough YJS office", "with": "Casey Manager"}),
        )
        .await?;
        let id = a["id"].as_str().unwrap();
        let (s, done) = w
            .api()
            .patch(
                &format!("/api/v1/appointments/{id}"),
                &json!({"version": 1, "outcome": outcome, "outcome_reason": reason}),
            )
            .await?;
        assert_eq!(s, StatusCode::OK, "{done}");
        appointments.push(done);
    }
    let warning = post(
        &w,
        &format!("{base}/enforcement"),
        json!({"kind": "warning", "on": "2024-06-18",
        "reason": "Missed supervision without a reason"}),
    )
    .await?;
    let offence = post(
        &w,
        &format!("{base}/offences"),
        json!({"arrested_on": "2024-09-01", "offence_on": "2024-08-30",
        "category": "theft", "outcome": "charged"}),
    )
    .await?;
    let (s, offence) = w
        .api()
        .patch(
            &format!("/api/v1/offences/{}", offence["id"].as_str().unwrap()),
            &json!({"version": 1, "outcome": "convicted", "outcome_on": "2024-11-20"}),
        )
        .await?;
    assert_eq!(s, StatusCode::OK, "{offence}");
    let home = post(
        &w,
        &format!("{base}/living-arrangements"),
        json!({"from": released, "kind": "family_home",
        "suitable": true, "address": "1 Example Street, Aireborough"}),
    )
    .await?;
    let college = post(
        &w,
        &format!("{base}/ete-placements"),
        json!({"from": "2024-09-02", "kind": "college",
        "hours_offered": 16, "hours_attended": 12.5}),
    )
    .await?;

    let (s, p) = w.api().get(&format!("{base}/post-release")).await?;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["released_on"], json!(released));
    assert_eq!(p["release_kind"], "dto_mid_term");
    assert_eq!(p["discharge_on"], dates["discharge_on"]);
    let released_day: jiff::civil::Date = released.parse()?;
    let follow_up = released_day.checked_add(jiff::ToSpan::months(12))?;
    assert_eq!(p["follow_up_ends_on"], json!(follow_up.to_string()));
    // 16 at the half-way point: supervised to the sentence expiry date.
    assert_eq!(p["supervision_ends_on"], dates["sled"]);
    assert_eq!(
        p["compliance"],
        json!({"status": "warned", "unacceptable_absences": 1, "warnings": 1, "breaches": 0, "recalls": 0,
            "fully_complied": false})
    );
    assert_eq!(p["appointments"], json!(appointments));
    assert_eq!(p["enforcement"], json!([warning]));
    assert_eq!(p["offences"], json!([offence]));
    assert_eq!(p["offences"][0]["outcome"], "convicted");
    assert_eq!(p["living_arrangements"], json!([home]));
    assert_eq!(p["ete_placements"], json!([college]));
    assert_eq!(p["ete_placements"][0]["hours_attended"], 12.5);

    // The child's page shows the period after release at a glance, in words.
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{ada}")).await?;
    assert_eq!(page.status, StatusCode::OK);
    let released_words = released_day.strftime("%-d %B %Y").to_string();
    for words in [
        "After release",
        released_words.as_str(),
        "At the half-way point of the order",
        "Warned",
        "1 unacceptable absence, 1 warning, 0 breaches, 0 recalls",
        "Theft, convicted",
        "Family home since",
        "College since 2 September 2024: 16 hours a week offered, 12.5 attended",
    ] {
        assert!(page.body.contains(words), "the page says {words:?}");
    }
    assert!(!page.body.contains("2024-09-02"), "no machine dates");
    // The caseload shows children in the community beside those in custody, with the day they
    // were released.
    let (_, list) = w.api().get("/api/v1/children").await?;
    let line = list["items"].as_array().unwrap().iter().find(|c| c["id"] == json!(ada)).unwrap().clone();
    assert_eq!(line["custody"], Value::Null);
    assert_eq!(line["released_on"], json!(released));
    let caseload = browser.get("/caseload").await?;
    assert!(caseload.body.contains(&format!("released {released_words}")), "the caseload says when");

    // Bo: 17 when sentenced and 18 at the half-way point of a 12-month order: supervised for
    // 12 months from that point (Sentencing Act 2020 s.247).
    let bo = child(&w, "Bo", "2007-05-01").await?;
    let dates = sentence_and_release(&w, &yoi, &bo, "2025-01-10", 12).await?;
    let (_, p) = w.api().get(&format!("/api/v1/children/{bo}/post-release")).await?;
    let mtd: jiff::civil::Date = dates["mtd"].as_str().unwrap().parse()?;
    assert_eq!(p["supervision_ends_on"], json!(mtd.checked_add(jiff::ToSpan::months(12))?.to_string()));
    assert_ne!(p["supervision_ends_on"], dates["sled"]);
    assert_eq!(p["compliance"]["status"], "complying");
    assert_eq!(p["compliance"]["fully_complied"], true);

    // Cy: remanded, then released on bail: no discharge day and no supervision.
    let cy = child(&w, "Cy", "2009-03-03").await?;
    post(&w, &format!("/api/v1/children/{cy}/remands"), json!({"start_date": "2025-03-01", "establishment_id": yoi}))
        .await?;
    post(&w, &format!("/api/v1/children/{cy}/custody/release"), json!({"date": "2025-04-11", "kind": "remand_bail"}))
        .await?;
    let (_, p) = w.api().get(&format!("/api/v1/children/{cy}/post-release")).await?;
    assert_eq!(p["released_on"], "2025-04-11");
    assert_eq!(p["release_kind"], "remand_bail");
    assert_eq!(p["discharge_on"], Value::Null);
    assert_eq!(p["supervision_ends_on"], Value::Null);
    assert_eq!(p["follow_up_ends_on"], "2026-04-11");
    Ok(())
}

async fn the_day_of_discharge_moves_off_a_weekend_and_is_on_the_key_dates(b: Backend) -> anyhow::Result<()> {
    let (w, yoi) = service(b).await?;
    let id = child(&w, "Di", "2010-02-02").await?;
    // A 4-month order from 5 October 2026: the mid-term date is Saturday 5 December 2026.
    let body = json!({"kind": "dto", "sentence_date": "2026-10-05", "term_months": 4, "establishment_id": yoi});
    let s = post(&w, &format!("/api/v1/children/{id}/sentences"), body).await?;
    assert_eq!(s["key_dates"]["mtd"], "2026-12-05");
    assert_eq!(s["key_dates"]["discharge_on"], "2026-12-04", "Saturday moves to the Friday before");
    let (_, k) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(k["key_dates"]["discharge_on"], "2026-12-04");
    assert_eq!(k["history"][0]["discharge_on"], "2026-12-04");
    // A Friday release may be brought forward by up to two eligible working days (s.23(3B)),
    // with a reason; the day of discharge follows the decision.
    let sid = s["id"].as_str().unwrap();
    let path = format!("/api/v1/sentences/{sid}/discharge");
    let (status, d) = w.api().get(&path).await?;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["discharge_on"], "2026-12-04");
    assert_eq!(d["bring_forward_options"], json!(["2026-12-03", "2026-12-02"]));
    assert_eq!(d["version"], 0);
    let readiness = format!("/api/v1/children/{id}/readiness");
    let (_, r) = w.api().get(&readiness).await?;
    assert_eq!(r["release_date"], "2026-12-04", "readiness counts from the day of discharge: {r}");
    let r = w
        .api()
        .request(
            reqwest::Method::PUT,
            &path,
            Some(&json!({"version": 0, "brought_forward_to": "2026-12-01",
            "reason": "To reach the housing office"})),
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.to_string().contains("3 December 2026 or 2 December 2026"), "{}", r.body);
    let r = w
        .api()
        .request(reqwest::Method::PUT, &path, Some(&json!({"version": 0, "release_on": "2026-12-09", "reason": "x"})))
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not a key date: {}", r.body);
    let decision = json!({"version": 0, "brought_forward_to": "2026-12-03",
        "reason": "To reach the housing office before the weekend"});
    let r = w.api().request(reqwest::Method::PUT, &path, Some(&decision)).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["discharge_on"], "2026-12-03");
    assert_eq!(r.body["version"], 1);
    let r = w.api().request(reqwest::Method::PUT, &path, Some(&decision)).await?;
    assert_eq!(r.status, StatusCode::CONFLICT, "stale: {}", r.body);
    let (_, k) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert_eq!(k["key_dates"]["discharge_on"], "2026-12-03", "the current day of discharge follows the decision");
    assert_eq!(k["history"][0]["discharge_on"], "2026-12-04", "the calculation itself is kept");
    let (_, r) = w.api().get(&readiness).await?;
    assert_eq!(r["release_date"], "2026-12-03", "and from the decided day once there is one: {r}");
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{id}")).await?;
    assert!(page.body.contains("Day of discharge"), "the child's page shows it");
    assert!(page.body.contains("3 December 2026"));
    assert!(page.body.contains("Decided: To reach the housing office before the weekend"));

    // Not yet released: the post-release view says so.
    let (status, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["released_on"], Value::Null);
    assert_eq!(p["compliance"], Value::Null);
    Ok(())
}

async fn stale_updates_are_refused(b: Backend) -> anyhow::Result<()> {
    let (w, _) = service(b).await?;
    let id = child(&w, "Ed", "2010-02-02").await?;
    let a = post(
        &w,
        &format!("/api/v1/children/{id}/appointments"),
        json!({"kind": "health", "starts_at": "2026-01-05T10:00:00Z"}),
    )
    .await?;
    let path = format!("/api/v1/appointments/{}", a["id"].as_str().unwrap());
    let (s, first) = w.api().patch(&path, &json!({"version": 1, "outcome": "attended"})).await?;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first["version"], 2);
    let (s, stale) = w.api().patch(&path, &json!({"version": 1, "outcome": "unacceptable_absence"})).await?;
    assert_eq!(s, StatusCode::CONFLICT, "{stale}");
    let o = post(
        &w,
        &format!("/api/v1/children/{id}/offences"),
        json!({"arrested_on": "2026-02-01", "category": "robbery"}),
    )
    .await?;
    let path = format!("/api/v1/offences/{}", o["id"].as_str().unwrap());
    let (s, _) = w.api().patch(&path, &json!({"version": 1, "outcome": "no_further_action"})).await?;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = w.api().patch(&path, &json!({"version": 1, "outcome": "charged"})).await?;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["appointments"][0]["outcome"], "attended");
    assert_eq!(p["offences"][0]["outcome"], "no_further_action");
    Ok(())
}

async fn dates_that_contradict_each_other_are_refused_and_change_nothing(b: Backend) -> anyhow::Result<()> {
    let (w, yoi) = service(b).await?;
    let id = child(&w, "Flo", "2010-02-02").await?;
    let base = format!("/api/v1/children/{id}");
    let refused = |body: Value, field: &'static str| (body, field);
    let tables = ["appointments", "enforcement", "offences", "living_arrangements", "ete_placements", "sentences"];
    let mut before = Vec::new();
    for t in tables {
        before.push(w.t.db.count(t).await?);
    }
    for (path, (body, field)) in [
        (format!("{base}/offences"), refused(json!({"arrested_on": "2009-12-31", "category": "theft"}), "arrested_on")),
        (
            format!("{base}/offences"),
            refused(
                json!({"arrested_on": "2025-01-02", "offence_on": "2025-01-05", "category": "theft"}),
                "offence_on",
            ),
        ),
        (
            format!("{base}/offences"),
            refused(
                json!({"arrested_on": "2025-01-02", "category": "theft", "outcome": "convicted",
                "outcome_on": "2025-01-01"}),
                "outcome_on",
            ),
        ),
        (format!("{base}/offences"), refused(json!({"category": "theft"}), "arrested_on")),
        (format!("{base}/enforcement"), refused(json!({"kind": "warning", "on": "2099-01-01", "reason": "x"}), "on")),
        (
            format!("{base}/living-arrangements"),
            refused(json!({"from": "2025-01-01", "kind": "foster", "suitable": false}), "reason"),
        ),
        (
            format!("{base}/ete-placements"),
            refused(
                json!({"from": "2025-01-01", "kind": "college", "hours_offered": 10, "hours_attended": 11}),
                "hours_attended",
            ),
        ),
        (
            format!("{base}/sentences"),
            refused(
                json!({"kind": "dto", "sentence_date": "2019-05-01", "term_months": 4, "establishment_id": yoi}),
                "sentence_date",
            ),
        ),
    ] {
        let (s, r) = w.api().post(&path, &body).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}: {r}");
        let text = r.to_string();
        assert!(text.contains(field), "{path} {body}: names {field}: {r}");
        assert!(!text.contains("SQL") && !text.contains("panicked"), "{r}");
    }
    // An outcome before the appointment.
    let a =
        post(&w, &format!("{base}/appointments"), json!({"kind": "education", "starts_at": "2099-01-05T10:00:00Z"}))
            .await?;
    let (s, r) = w
        .api()
        .patch(
            &format!("/api/v1/appointments/{}", a["id"].as_str().unwrap()),
            &json!({"version": 1, "outcome": "attended"}),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    // A remand ends on bail, not at the half-way point of an order.
    post(&w, &format!("{base}/remands"), json!({"start_date": "2025-03-01", "establishment_id": yoi})).await?;
    let (s, r) = w
        .api()
        .post(&format!("{base}/custody/release"), &json!({"date": "2025-04-01", "kind": "dto_mid_term"}))
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("kind"));
    for (t, n) in tables.iter().zip(before) {
        let expected = if *t == "appointments" { n + 1 } else { n };
        assert_eq!(w.t.db.count(t).await?, expected, "{t}");
    }
    let (_, p) = w.api().get(&format!("{base}/post-release")).await?;
    assert_eq!(p["released_on"], Value::Null, "the refused release changed nothing");
    Ok(())
}

async fn other_services_see_none_of_it(b: Backend) -> anyhow::Result<()> {
    let (w, yoi) = service(b).await?;
    let id = child(&w, "Gus", "2009-01-01").await?;
    sentence_and_release(&w, &yoi, &id, "2025-01-06", 6).await?;
    let a = post(
        &w,
        &format!("/api/v1/children/{id}/appointments"),
        json!({"kind": "reparation", "starts_at": "2025-06-02T10:00:00Z"}),
    )
    .await?;
    let o = post(
        &w,
        &format!("/api/v1/children/{id}/offences"),
        json!({"arrested_on": "2025-06-03", "category": "burglary"}),
    )
    .await?;
    w.t.org("YJS-B", "yjs").await?;
    let (_, token) = w.t.user("olly@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let other = w.t.api(&token);
    let (s, r) = other.get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(!r.to_string().contains("Gus"));
    let (s, _) = other
        .post(
            &format!("/api/v1/children/{id}/appointments"),
            &json!({"kind": "health", "starts_at": "2025-06-09T10:00:00Z"}),
        )
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other
        .patch(
            &format!("/api/v1/appointments/{}", a["id"].as_str().unwrap()),
            &json!({"version": 1, "outcome": "attended"}),
        )
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other
        .patch(
            &format!("/api/v1/offences/{}", o["id"].as_str().unwrap()),
            &json!({"version": 1, "outcome": "acquitted"}),
        )
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["appointments"][0]["outcome"], Value::Null);
    assert_eq!(p["offences"][0]["outcome"], "pending");
    Ok(())
}

async fn the_sweep_reminds_the_case_manager_of_an_outcome_not_recorded_by_the_next_working_day(
    b: Backend,
) -> anyhow::Result<()> {
    // Monday 2 March 2026, at noon.
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let id = child(&w, "Hal", "2010-02-02").await?;
    let base = format!("/api/v1/children/{id}/appointments");
    // Recorded today as history: Thursday's appointment, whose outcome was due on Friday.
    post(&w, &base, json!({"kind": "yjs_supervision", "starts_at": "2026-02-26T10:00:00Z"})).await?;
    // Tomorrow's, due on Wednesday; and one the service cancels.
    post(&w, &base, json!({"kind": "education", "starts_at": "2026-03-03T10:00:00Z"})).await?;
    let cancelled = post(&w, &base, json!({"kind": "health", "starts_at": "2026-03-03T14:00:00Z"})).await?;
    let (s, _) = w
        .api()
        .patch(
            &format!("/api/v1/appointments/{}", cancelled["id"].as_str().unwrap()),
            &json!({"version": 1, "outcome": "cancelled_by_service"}),
        )
        .await?;
    assert_eq!(s, StatusCode::OK);
    let sweep = |at: &str| {
        let app = w.t.app.clone();
        let at: jiff::Timestamp = at.parse().unwrap();
        async move { app.sweep(at).await.map_err(|e| anyhow::anyhow!("{e:?}")) }
    };
    assert_eq!(sweep("2026-03-04T18:00:00Z").await?.appointment_reminders, 0, "Wednesday: still in time");
    assert_eq!(sweep("2026-03-05T08:00:00Z").await?.appointment_reminders, 1, "Thursday: one reminder");
    assert_eq!(sweep("2026-03-05T08:05:00Z").await?.appointment_reminders, 0, "once");
    let notes = w.t.app.store().notifications(w.cm.id, 20).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let reminders: Vec<_> = notes.iter().filter(|n| n.kind == "appointment.outcome_due").collect();
    assert_eq!(reminders.len(), 1, "{notes:?}");
    assert!(reminders[0].message.contains("education or training appointment on 3 March 2026"), "{reminders:?}");
    assert!(reminders[0].message.contains("due by 4 March 2026"), "{reminders:?}");
    Ok(())
}

fn sweep_at(w: &Yjs, at: &str) -> impl std::future::Future<Output = anyhow::Result<resettle_app::health::SweepReport>> {
    let app = w.t.app.clone();
    let at: anyhow::Result<jiff::Timestamp> = at.parse().map_err(anyhow::Error::from);
    async move { app.sweep(at?).await.map_err(|e| anyhow::anyhow!("{e:?}")) }
}

async fn history_keeps_its_due_days_but_creates_no_urgent_work(b: Backend) -> anyhow::Result<()> {
    // Monday 2 March 2026. A manager who would be told of anything overdue.
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?.id.to_string();
    let (mgr, _) = w.t.user("mona.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    // Bo's custody in 2025, entered today as history; and his sentence recorded with its
    // release still to be entered (the order a service brings its history in).
    let bo = child(&w, "Bo", "2009-01-10").await?;
    sentence_and_release(&w, &yoi, &bo, "2025-01-06", 4).await?;
    let di = child(&w, "Di", "2009-04-10").await?;
    let body = json!({"kind": "dto", "sentence_date": "2025-05-05", "term_months": 6, "establishment_id": yoi});
    post(&w, &format!("/api/v1/children/{di}/sentences"), body).await?;
    // Cy, remanded today: live work.
    let cy = child(&w, "Cy", "2010-06-01").await?;
    post(&w, &format!("/api/v1/children/{cy}/remands"), json!({"start_date": "2026-03-02", "establishment_id": yoi}))
        .await?;

    // The handovers keep the due days the rules give from the day of each event.
    let handovers = |id: &str| {
        let app = w.t.app.clone();
        let id: resettle_domain::ids::ChildId = id.parse().unwrap();
        async move { app.store().child_handovers(id).await.map_err(|e| anyhow::anyhow!("{e:?}")) }
    };
    let bo_handovers = handovers(&bo).await?;
    assert_eq!(bo_handovers.len(), 2, "on placement and on release: {bo_handovers:?}");
    for h in &bo_handovers {
        assert!(h.due_on.year() == 2025, "due from the event, not from today: {h:?}");
    }
    let cy_handover = &handovers(&cy).await?[0];
    assert!(cy_handover.due_on > jiff::civil::date(2026, 3, 2), "{cy_handover:?}");

    // Three weeks on, only Cy's unacknowledged handover is escalated; nothing about Bo or Di.
    let report = sweep_at(&w, "2026-03-23T12:00:00Z").await?;
    assert_eq!(report.escalated, 1, "{report:?}");
    let notes = w.t.app.store().notifications(mgr.id, 50).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let about = |id: &str| notes.iter().filter(|n| n.child_id.map(|c| c.to_string()) == Some(id.to_string())).count();
    assert_eq!(about(&bo), 0, "{notes:?}");
    assert_eq!(about(&di), 0, "{notes:?}");
    assert!(about(&cy) >= 1, "{notes:?}");
    assert_eq!(report.readiness_notifications, notes.iter().filter(|n| n.kind == "readiness.escalated").count());
    Ok(())
}

async fn a_remand_or_sentence_links_to_the_offence_it_is_for(b: Backend) -> anyhow::Result<()> {
    let (w, yoi) = service(b).await?;
    let id = child(&w, "Eli", "2010-02-02").await?;
    let other = child(&w, "Fay", "2010-02-03").await?;
    async fn offence(w: &Yjs, who: &str, arrested: &str) -> anyhow::Result<Value> {
        let body =
            json!({"arrested_on": arrested, "category": "robbery", "outcome": "charged", "outcome_on": arrested});
        post(w, &format!("/api/v1/children/{who}/offences"), body).await
    }
    let o = offence(&w, &id, "2026-01-10").await?;
    let later = offence(&w, &id, "2026-01-20").await?;
    let fays = offence(&w, &other, "2026-01-09").await?;
    let remand =
        |offence_id: &Value| json!({"start_date": "2026-01-11", "establishment_id": yoi, "offence_id": offence_id});
    let path = format!("/api/v1/children/{id}/remands");
    for (bad, words) in
        [(&fays["id"], "recorded offences"), (&later["id"], "after custody began"), (&json!("x"), "recorded offences")]
    {
        let (s, r) = w.api().post(&path, &remand(bad)).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r.to_string().contains(words), "{r}");
    }
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/key-dates")).await?;
    assert!(p["remands"].as_array().is_none_or(|r| r.is_empty()), "nothing was made: {p}");
    post(&w, &path, remand(&o["id"])).await?;
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    let linked = p["offences"].as_array().unwrap().iter().find(|x| x["id"] == o["id"]).unwrap().clone();
    assert!(linked["custody_episode_id"].is_string(), "{linked}");
    assert_eq!(linked["version"], 2, "the link moves the version on: {linked}");
    // The sentence that follows cannot claim it again.
    let body = json!({"kind": "dto", "sentence_date": "2026-02-02", "term_months": 4, "establishment_id": yoi,
        "offence_id": o["id"]});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("already linked"), "{r}");
    Ok(())
}

async fn turning_18_under_supervision_is_alerted_once_and_the_transfer_to_probation_is_recorded(
    b: Backend,
) -> anyhow::Result<()> {
    // 2 March 2026. Gil turns 18 on 20 May 2026; his 12-month DTO from June 2025 is supervised
    // to its expiry in June 2026 (he was 17 at the half-way point).
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?.id.to_string();
    let gil = child(&w, "Gil", "2008-05-20").await?;
    sentence_and_release(&w, &yoi, &gil, "2025-06-02", 12).await?;
    // Hana turns 18 in 2027: not yet.
    let hana = child(&w, "Hana", "2009-05-20").await?;
    sentence_and_release(&w, &yoi, &hana, "2025-06-02", 12).await?;
    let (_, p) = w.api().get(&format!("/api/v1/children/{gil}/post-release")).await?;
    assert_eq!(p["turns_18_on"], "2026-05-20", "{p}");
    assert_eq!(p["turns_18_during_supervision"], true, "{p}");
    let due: Vec<&str> = p["measures_due"].as_array().unwrap().iter().map(|m| m["due_on"].as_str().unwrap()).collect();
    assert_eq!(due.len(), 4, "{p}");

    let first = sweep_at(&w, "2026-03-02T13:00:00Z").await?;
    assert_eq!(first.turning_18_alerts, 1, "{first:?}");
    assert_eq!(sweep_at(&w, "2026-03-02T13:05:00Z").await?.turning_18_alerts, 0, "once");
    let notes = w.t.app.store().notifications(w.cm.id, 20).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let alert: Vec<_> = notes.iter().filter(|n| n.kind == "child.turning_18").collect();
    assert_eq!(alert.len(), 1, "{notes:?}");
    assert!(alert[0].message.contains("turns 18 on 20 May 2026"), "{alert:?}");

    let path = format!("/api/v1/children/{gil}/probation-transfers");
    let (s, r) = w
        .api()
        .post(&path, &json!({"transferred_on": "2026-06-01", "probation_delivery_unit": "Leeds PDU", "shared": "Plan"}))
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a transfer in the future: {r}");
    let body = json!({"transferred_on": "2026-02-27", "probation_delivery_unit": "Leeds North PDU",
        "shared": "Resettlement plan, AssetPlus assessment and risk management plan"});
    let t = post(&w, &path, body).await?;
    let (_, p) = w.api().get(&format!("/api/v1/children/{gil}/post-release")).await?;
    assert_eq!(p["probation_transfers"][0]["id"], t["id"]);
    assert_eq!(p["probation_transfers"][0]["probation_delivery_unit"], "Leeds North PDU");
    // The record stays open after 18: events are still recorded.
    post(
        &w,
        &format!("/api/v1/children/{gil}/living-arrangements"),
        json!({"from": "2026-02-28", "kind": "supported_accommodation", "suitable": true}),
    )
    .await?;
    // A teacher's SDQ can be recorded (the rater the outcomes compare like with like).
    let (s, r) = w
        .api()
        .post(
            &format!("/api/v1/children/{hana}/health/measures"),
            &json!({"measure": "sdq_total", "score": 14, "rater": "teacher", "measured_on": "2026-02-20"}),
        )
        .await?;
    assert!(s == StatusCode::CREATED || s == StatusCode::FORBIDDEN, "{s} {r}");
    Ok(())
}

async fn a_repeating_schedule_keeps_the_local_time_and_ends_with_supervision(b: Backend) -> anyhow::Result<()> {
    let (w, _) = service(b).await?;
    let id = child(&w, "Ivy", "2010-02-02").await?;
    let path = format!("/api/v1/children/{id}/appointments/series");
    let (s, r) = w
        .api()
        .post(
            &path,
            &json!({"kind": "yjs_supervision", "starts_at": "2026-03-16T10:00:00Z",
            "schedule": [{"every_weeks": 0, "count": 3}]}),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let body = json!({"kind": "yjs_supervision", "starts_at": "2026-03-16T10:00:00Z", "location": "YJS office",
        "schedule": [{"every_weeks": 1, "count": 3}, {"every_weeks": 2, "count": 2}], "until": "2026-04-20"});
    let r = post(&w, &path, body).await?;
    let times: Vec<&str> =
        r["appointments"].as_array().unwrap().iter().map(|a| a["starts_at"].as_str().unwrap()).collect();
    // 10 o'clock in London each time: 09:00 UTC once summer time starts on 29 March.
    assert_eq!(times, ["2026-03-16T10:00:00Z", "2026-03-23T10:00:00Z", "2026-03-30T09:00:00Z", "2026-04-13T09:00:00Z"]);
    let (_, p) = w.api().get(&format!("/api/v1/children/{id}/post-release")).await?;
    assert_eq!(p["appointments"].as_array().unwrap().len(), 4, "{p}");
    Ok(())
}
