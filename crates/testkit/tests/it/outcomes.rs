//! The cohort outcomes report: a cohort entered through the API with dated events, recorded
//! after the fact as a service bringing its history would, comes back from the report with
//! exactly the numbers built into it; YJS managers see the children behind the counts (health
//! measures only for health workers); strategic leads get counts with small cells withheld and
//! never a name; establishments get counts; everyone else is refused; the CSV says what the
//! JSON says; every run is audited.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use resettle_testkit::{Api, Backend};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_back_recorded_cohort_comes_back_with_exactly_the_numbers_built_into_it,
    strategic_leads_get_counts_with_small_cells_withheld_and_no_names,
    others_are_refused_and_bad_filters_say_what_to_fix,
    the_page_draws_charts_with_tables_and_the_csv_matches_the_json,
);

/// The report is counted on 1 December 2026: every window of the 2025 cohort has closed.
fn now() -> jiff::Timestamp {
    "2026-12-01T12:00:00Z".parse().unwrap()
}

struct World {
    w: Yjs,
    yoi: String,
    manager: Api,
    health: Api,
    manager_email: &'static str,
    /// Child name → id.
    ids: BTreeMap<&'static str, String>,
}

async fn post(api: &Api, path: &str, body: Value) -> anyhow::Result<Value> {
    let (s, r) = api.post(path, &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED || s == StatusCode::OK, "POST {path} {body}: {s} {r}");
    Ok(r)
}

async fn patch(api: &Api, path: &str, body: Value) -> anyhow::Result<Value> {
    let (s, r) = api.patch(path, &body).await?;
    anyhow::ensure!(s == StatusCode::OK, "PATCH {path} {body}: {s} {r}");
    Ok(r)
}

fn day(s: &str, days: i64) -> String {
    let d: jiff::civil::Date = s.parse().unwrap();
    d.checked_add(jiff::ToSpan::days(days)).unwrap().to_string()
}

/// Six children released between February and April 2025, five from eight-month DTOs and one
/// from remand, each with a year of history:
///
/// | child | supervision | arrests (days after release) | SDQ | other |
/// | --- | --- | --- | --- | --- |
/// | Ada | attended | 10, youth caution | — | accommodation, GP, ETE arranged; plan shared; suitable home; college |
/// | Ben | unacceptable absence | — | parent 18 before, none after | unsuitable home |
/// | Cal | warning | 90, no further action | self 20 before, 17 at 11 months | suitable home |
/// | Dee | attended | 400 (after the follow-up) | — | |
/// | Eve (remand) | — | 14, convicted | — | looked after |
/// | Fay | attended; health appointment attended | — | parent 22 before, 12 at 11 months | |
async fn cohort(b: Backend) -> anyhow::Result<World> {
    let w = Yjs::start_at(b, now()).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?.id.to_string();
    let manager_email = "morgan.manager@yjs-a.example.org";
    let (_, manager) = w.t.user(manager_email, "YJS-A", "yjs_manager").await?;
    let (_, health) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (cm, hw) = (w.api(), w.t.api(&health));
    let mut ids = BTreeMap::new();
    let children: [(&str, &str, bool); 6] = [
        ("Ada", "2024-10-07", false),
        ("Ben", "2024-10-14", false),
        ("Cal", "2024-11-04", false),
        ("Dee", "2024-11-11", false),
        ("Eve", "2025-01-06", true),
        ("Fay", "2024-12-02", false),
    ];
    let mut released = BTreeMap::new();
    for (name, start, remand) in children {
        let mut body = w.child_body(name, "Cohort");
        body["date_of_birth"] = json!("2008-05-01");
        if name == "Eve" {
            body["legal_status"] = json!("looked_after");
        }
        let id = post(&cm, "/api/v1/children", body).await?["id"].as_str().unwrap().to_string();
        let base = format!("/api/v1/children/{id}");
        let released_on = if remand {
            post(&cm, &format!("{base}/remands"), json!({"start_date": start, "establishment_id": yoi})).await?;
            "2025-03-03".to_string()
        } else {
            let body = json!({"kind": "dto", "sentence_date": start, "term_months": 8, "establishment_id": yoi});
            let s = post(&cm, &format!("{base}/sentences"), body).await?;
            s["key_dates"]["discharge_on"].as_str().unwrap().to_string()
        };
        if name == "Ada" {
            let (_, a) = cm.get(&format!("{base}/release-arrangements")).await?;
            let body = json!({"version": a["version"], "accommodation_address": "1 Test Street",
                "accommodation_confirmed_on": day(&released_on, -20), "accommodation_confirmed_by": "Sam Housing",
                "ete_arrangement": "Aireborough College", "ete_starts_on": day(&released_on, 2),
                "gp_practice": "Test Street Surgery", "gp_registered_on": day(&released_on, -3)});
            patch(&cm, &format!("{base}/release-arrangements"), body).await?;
            let (_, plan) = cm.get(&format!("{base}/plan")).await?;
            patch(
                &cm,
                &format!("{base}/plan"),
                json!({"version": plan["version"], "shared_on": day(&released_on, -20)}),
            )
            .await?;
        }
        let kind = if remand { "remand_bail" } else { "dto_mid_term" };
        post(&cm, &format!("{base}/custody/release"), json!({"date": released_on, "kind": kind})).await?;
        ids.insert(name, id);
        released.insert(name, released_on);
    }
    let at = |name: &str, days: i64| format!("{}T10:00:00Z", day(&released[name], days));
    let appointment = |name: &'static str, days: i64, kind: &'static str, outcome: &'static str| {
        let (cm, id, starts_at) = (cm.clone(), ids[name].clone(), at(name, days));
        async move {
            let a = post(
                &cm,
                &format!("/api/v1/children/{id}/appointments"),
                json!({"kind": kind, "starts_at": starts_at}),
            )
            .await?;
            let path = format!("/api/v1/appointments/{}", a["id"].as_str().unwrap());
            patch(&cm, &path, json!({"version": 1, "outcome": outcome})).await?;
            anyhow::Ok(())
        }
    };
    for name in ["Ada", "Ben", "Cal", "Dee", "Fay"] {
        appointment(name, 7, "yjs_supervision", "attended").await?;
    }
    appointment("Ben", 14, "yjs_supervision", "unacceptable_absence").await?;
    appointment("Fay", 21, "health", "attended").await?;
    post(
        &cm,
        &format!("/api/v1/children/{}/enforcement", ids["Cal"]),
        json!({"kind": "warning", "on": day(&released["Cal"], 30), "reason": "Late twice"}),
    )
    .await?;
    let arrest = |name: &'static str, days: i64, outcome: &'static str, proven_after: Option<i64>| {
        let (cm, id, on) = (cm.clone(), ids[name].clone(), day(&released[name], days));
        let outcome_on = proven_after.map(|p| day(&on, p));
        async move {
            let body = json!({"arrested_on": on, "category": "theft", "outcome": outcome, "outcome_on": outcome_on});
            post(&cm, &format!("/api/v1/children/{id}/offences"), body).await?;
            anyhow::Ok(())
        }
    };
    arrest("Ada", 10, "youth_caution", Some(20)).await?;
    arrest("Cal", 90, "no_further_action", Some(5)).await?;
    arrest("Dee", 400, "pending", None).await?;
    arrest("Eve", 14, "convicted", Some(60)).await?;
    for (name, suitable) in [("Ada", true), ("Ben", false), ("Cal", true)] {
        let mut body = json!({"from": released[name], "kind": "family_home", "suitable": suitable});
        if !suitable {
            body["reason"] = json!("Overcrowded");
        }
        post(&cm, &format!("/api/v1/children/{}/living-arrangements", ids[name]), body).await?;
    }
    post(
        &cm,
        &format!("/api/v1/children/{}/ete-placements", ids["Ada"]),
        json!({"from": released["Ada"], "kind": "college", "hours_offered": 16, "hours_attended": 12}),
    )
    .await?;
    let sdq = |name: &'static str, rater: &'static str, score: u8, days: i64| {
        let (hw, id, on) = (hw.clone(), ids[name].clone(), day(&released[name], days));
        async move {
            let body = json!({"measure": "sdq_total", "score": score, "rater": rater, "measured_on": on});
            post(&hw, &format!("/api/v1/children/{id}/health/measures"), body).await?;
            anyhow::Ok(())
        }
    };
    sdq("Ben", "parent", 18, -10).await?;
    sdq("Cal", "self", 20, -10).await?;
    sdq("Cal", "self", 17, 335).await?;
    sdq("Fay", "parent", 22, -10).await?;
    sdq("Fay", "parent", 12, 335).await?;
    let manager = w.t.api(&manager);
    let health = w.t.api(&health);
    Ok(World { w, yoi, manager, health, manager_email, ids })
}

const QUERY: &str = "/api/v1/reports/cohort?released_from=2025-01-01&released_to=2025-06-30";

fn measure<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["measures"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap_or_else(|| panic!("no {key} in {r}"))
}

fn names(m: &Value) -> Vec<String> {
    let mut n: Vec<String> =
        m["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

async fn a_back_recorded_cohort_comes_back_with_exactly_the_numbers_built_into_it(b: Backend) -> anyhow::Result<()> {
    let world = cohort(b).await?;
    let (s, r) = world.manager.get(QUERY).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["cohort"]["children"], 6);
    assert_eq!(r["cohort"]["released_from"], "2025-01-01");
    assert_eq!(r["cohort"]["released_to"], "2025-06-30");
    assert_eq!(r["cohort"]["follow_up_months"], 12);
    let expect: &[(&str, u64, u64)] = &[
        ("accommodation_confirmed_under_5_days", 5, 6),
        ("ete_in_place_on_release", 1, 6),
        ("health_handover_acknowledged_before_release", 0, 6),
        ("gp_registered_before_release", 1, 6),
        ("plan_shared_14_days_before_release", 1, 6),
        ("fully_complied", 3, 5),
        ("arrested_within_follow_up", 3, 6),
        ("arrested_within_4_weeks", 2, 6),
        ("proven_reoffending", 1, 5),
        ("mental_health_not_improved", 2, 3),
        ("kpi_accommodation_suitable", 2, 6),
        ("kpi_ete_suitable", 1, 6),
        ("kpi_send_with_plan", 0, 0),
        ("kpi_mental_health_attending", 1, 3),
        ("kpi_substance_misuse_attending", 0, 0),
        ("kpi_wider_services", 1, 6),
    ];
    for (key, n, d) in expect {
        let m = measure(&r, key);
        assert_eq!((m["numerator"].as_u64(), m["denominator"].as_u64()), (Some(*n), Some(*d)), "{key}: {m}");
        assert_eq!(m["complete"], true, "{key}: {m}");
        assert_eq!(m["suppressed"], false, "{key}");
        assert!(m["label"].as_str().is_some_and(|l| !l.is_empty()) && m["rule"].as_str().is_some(), "{m}");
    }
    // The initial planning meetings of the five sentences were never held.
    let late = measure(&r, "initial_planning_late");
    assert_eq!(late["numerator"], late["denominator"], "{late}");
    assert!(late["denominator"].as_u64() >= Some(5), "{late}");
    let proven = measure(&r, "proven_reoffending");
    assert_eq!((proven["proven_offences"].as_f64(), proven["frequency"].as_f64()), (Some(1.0), Some(1.0)));
    let mh = measure(&r, "mental_health_not_improved");
    assert_eq!(mh["not_measured"], 1.0, "{mh}");
    assert_eq!(measure(&r, "kpi_mental_health_attending")["offered"], 1.0);
    let ete = measure(&r, "kpi_ete_suitable");
    assert_eq!((ete["hours_offered"].as_f64(), ete["hours_attended"].as_f64()), (Some(16.0), Some(12.0)));
    assert_eq!(measure(&r, "kpi_accommodation_suitable")["at_end_of_supervision"], 2.0);
    assert_eq!(measure(&r, "fully_complied")["reference_2015"], 0.25);

    // The manager sees who is behind each count, except for the measures built on health
    // information; the health worker sees those.
    assert_eq!(names(measure(&r, "fully_complied")), ["Ada Cohort", "Dee Cohort", "Fay Cohort"]);
    assert_eq!(names(measure(&r, "arrested_within_4_weeks")), ["Ada Cohort", "Eve Cohort"]);
    assert!(mh.get("children").is_none(), "{mh}");
    let (s, h) = world.health.get(QUERY).await?;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(names(measure(&h, "mental_health_not_improved")), ["Ben Cohort", "Cal Cohort"]);
    assert!(measure(&h, "fully_complied").get("children").is_none());
    assert_eq!(measure(&h, "fully_complied")["numerator"], 3);

    // By quarter of release: Ada, Ben, Cal, Dee and Fay in the first quarter, Eve too (3 March).
    let quarters: Vec<(&str, u64)> = r["trends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["quarter"].as_str().unwrap(), q["children"].as_u64().unwrap()))
        .collect();
    assert_eq!(quarters.iter().map(|q| q.1).sum::<u64>(), 6, "{quarters:?}");

    // `released_to` is inclusive, and filters narrow the cohort.
    let eve_released = "2025-03-03";
    let (_, one) = world
        .manager
        .get(&format!("/api/v1/reports/cohort?released_from={eve_released}&released_to={eve_released}"))
        .await?;
    assert_eq!(one["cohort"]["children"], 1, "{one}");
    let (_, la) = world.manager.get(&format!("{QUERY}&looked_after=true")).await?;
    assert_eq!(la["cohort"]["children"], 1, "{la}");
    let (_, est) = world.manager.get(&format!("{QUERY}&establishment_id={}", world.yoi)).await?;
    assert_eq!(est["cohort"]["children"], 6, "{est}");
    let (_, old) = world.manager.get(&format!("{QUERY}&age_min=17")).await?;
    assert_eq!(old["cohort"]["children"], 0, "{old}");
    let (_, yjs) = world.manager.get(&format!("{QUERY}&yjs_id={}", world.w.yjs.id)).await?;
    assert_eq!(yjs["cohort"]["children"], 6, "{yjs}");

    // A secure establishment's staff see counts for the children it released, no names.
    let (_, sp) = world.w.t.user("sol.practitioner@yoi-a.example.org", "YOI-A", "secure_practitioner").await?;
    let (s, e) = world.w.t.api(&sp).get(QUERY).await?;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["cohort"]["children"], 6);
    assert_eq!(measure(&e, "fully_complied")["numerator"], 3);
    assert!(!e.to_string().contains("Cohort\""), "{e}");

    // Every run is audited; every child named is an audited read of that child.
    let audited = world.w.t.db.count("audit_log WHERE resource = 'report.cohort'").await?;
    assert!(audited >= 10, "{audited} audit entries");
    let _ = &world.ids;
    Ok(())
}

async fn strategic_leads_get_counts_with_small_cells_withheld_and_no_names(b: Backend) -> anyhow::Result<()> {
    let world = cohort(b).await?;
    world.w.t.org("BOARD", "other").await?;
    let (_, lead) = world.w.t.user("sasha.strategic@board.example.org", "BOARD", "strategic_lead").await?;
    let (s, r) = world.w.t.api(&lead).get(QUERY).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["cohort"]["children"], 6);
    assert_eq!(r["cohort"]["min_cell"], 5);
    // 3 of 5 fully complied: both the 3 and the remaining 2 are under 5.
    let m = measure(&r, "fully_complied");
    assert_eq!((m["numerator"].clone(), m["suppressed"].clone()), (Value::Null, json!(true)), "{m}");
    // 5 of 6 accommodation late: the 1 left over would give it away.
    assert_eq!(measure(&r, "accommodation_confirmed_under_5_days")["numerator"], Value::Null);
    for m in r["measures"].as_array().unwrap() {
        assert!(m.get("children").is_none(), "{m}");
        if let Some(n) = m["numerator"].as_u64() {
            assert!(n >= 5, "a small cell shown: {m}");
        }
        if let Some(d) = m["denominator"].as_u64() {
            assert!(d >= 5, "a small cell shown: {m}");
        }
    }
    for q in r["trends"].as_array().unwrap() {
        for m in q["measures"].as_array().unwrap() {
            assert!(m["numerator"].as_u64().is_none_or(|n| n >= 5), "{m}");
        }
    }
    let text = r.to_string();
    for name in ["Ada", "Ben", "Cal", "Dee", "Eve", "Fay"] {
        assert!(!text.contains(name), "{name} named to a strategic lead");
    }
    for id in world.ids.values() {
        assert!(!text.contains(id.as_str()), "a child's id shown to a strategic lead");
    }
    Ok(())
}

async fn others_are_refused_and_bad_filters_say_what_to_fix(b: Backend) -> anyhow::Result<()> {
    let world = cohort(b).await?;
    let (s, r) = world.w.api().get(QUERY).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "the case manager: {r}");
    world.w.t.org("BOARD", "other").await?;
    let (_, admin) = world.w.t.user("ari.admin@board.example.org", "BOARD", "admin").await?;
    let (s, _) = world.w.t.api(&admin).get(QUERY).await?;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = world.w.t.anonymous_api().get(QUERY).await?;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Another service's cohort is not the manager's to see.
    let other = world.w.t.org("YJS-B", "yjs").await?;
    let (s, r) = world.manager.get(&format!("{QUERY}&yjs_id={}", other.id)).await?;
    assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
    let (_, other_manager) = world.w.t.user("mo@yjs-b.example.org", "YJS-B", "yjs_manager").await?;
    let (s, r) = world.w.t.api(&other_manager).get(QUERY).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["cohort"]["children"], 0, "another service's manager sees none of YJS-A's children: {r}");
    for (query, field) in [
        ("released_from=2025-06-30&released_to=2025-01-01", "released_to"),
        ("released_to=2025-01-01", "released_from"),
        ("released_from=2025-02-30&released_to=2025-06-30", "released_from"),
        ("released_from=2025-01-01&released_to=2025-06-30&age_min=abc", "age_min"),
        ("released_from=2025-01-01&released_to=2025-06-30&looked_after=perhaps", "looked_after"),
        ("released_from=2025-01-01&released_to=2025-06-30&yjs_id=not-an-id", "yjs_id"),
    ] {
        let (s, r) = world.manager.get(&format!("/api/v1/reports/cohort?{query}")).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {r}");
        assert!(r.to_string().contains(field), "{query}: {r}");
    }
    Ok(())
}

async fn the_page_draws_charts_with_tables_and_the_csv_matches_the_json(b: Backend) -> anyhow::Result<()> {
    let world = cohort(b).await?;
    // The manager's second factor, at the stopped clock's time.
    let browser = world.w.t.browser()?;
    let r = browser.sign_in(world.manager_email, resettle_testkit::PASSWORD).await?;
    assert_eq!(r.location(), Some("/sign-in/code"));
    let code = resettle_app::totp::code_at(resettle_testkit::TOTP_SECRET, now()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let r = browser.enter_code(&code).await?;
    assert_eq!(r.location(), Some("/"), "{}", r.body);
    let page = browser.get("/reports/cohort").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Released from") && page.body.contains("href=\"/reports/cohort\""), "{}", page.body);
    let q = "released_from-day=1&released_from-month=1&released_from-year=2025&released_to-day=30&released_to-month=6&released_to-year=2025";
    let page = browser.get(&format!("/reports/cohort?{q}")).await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("6 children released from 1 January 2025 to 30 June 2025"), "{body}");
    assert!(body.contains("Fully complied with supervision"));
    assert!(body.contains("<svg") && body.contains("role=\"img\"") && body.contains("The numbers in the chart"));
    assert!(body.contains("Trends by quarter of release"));
    assert!(body.contains("/reports/cohort.csv?released_from=2025-01-01&#38;released_to=2025-06-30"), "{body}");
    assert!(!body.contains("fully_complied"), "an enum key shown to people");
    assert!(body.contains("Ada Cohort"), "the manager's drill-down list");
    let bad = browser.get("/reports/cohort?released_from-day=31&released_from-month=2&released_from-year=2025").await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("govuk-error-summary"));

    let csv = browser.get("/reports/cohort.csv?released_from=2025-01-01&released_to=2025-06-30").await?;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").is_some_and(|c| c.starts_with("text/csv")));
    let (_, json) = world.manager.get(QUERY).await?;
    let mut lines = csv.body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut seen = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[col("quarter")] != "all" {
            continue;
        }
        let m = measure(&json, cells[col("key")]);
        let n = |v: &Value| v.as_u64().map(|v| v.to_string()).unwrap_or_default();
        // A label may hold a comma (quoted): count the columns after it from the end of the line.
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.last().copied(), Some("6"), "{line}");
        let numerator_at = fields.len() - (header.len() - col("numerator"));
        assert_eq!(fields[numerator_at], n(&m["numerator"]), "{line}");
        assert_eq!(fields[numerator_at + 1], n(&m["denominator"]), "{line}");
        seen += 1;
    }
    assert_eq!(seen, json["measures"].as_array().unwrap().len());

    // Strategic leads and establishments see the page too; a case manager does not.
    let cm = world.w.t.browser()?;
    cm.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    assert_eq!(cm.get(&format!("/reports/cohort?{q}")).await?.status, StatusCode::FORBIDDEN);
    assert_eq!(cm.get("/reports/cohort").await?.status, StatusCode::FORBIDDEN);
    assert!(!cm.get("/caseload").await?.body.contains("href=\"/reports/cohort\""));
    Ok(())
}
