//! Release readiness through the API and the pages, on every backend: a child close to release
//! without confirmed accommodation is red, recording it turns the item green; the caseload's
//! filters, sorting and counts; versioned and validated release arrangements; the gaps page;
//! the strategic lead's counts without names.
//!
//! The clock is stopped at noon on Monday 1 February 2027. A child released 15 working days
//! later (Monday 22 February 2027) is past the accommodation deadline of 20 working days
//! before release (Monday 25 January 2027).

use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_child_fifteen_working_days_from_release_without_accommodation_is_red_until_it_is_confirmed,
    release_arrangements_are_versioned_and_validated_and_write_nothing_when_refused,
    the_caseload_filters_sorts_and_counts_children_in_custody,
    the_caseload_and_gaps_pages_show_the_red_item_and_who_owns_it,
    the_strategic_lead_sees_readiness_counts_without_names,
    the_health_handover_item_follows_the_release_summary_to_its_acknowledgement,
    the_readiness_caseload_lists_fifty_a_page_with_counts_of_all,
);

const NOW: &str = "2027-02-01T12:00:00Z";
/// 15 working days after Monday 1 February 2027.
const RELEASE: &str = "2027-02-22";

async fn start(b: Backend) -> anyhow::Result<(Yjs, String)> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let est = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    Ok((w, est))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A child sentenced (section 250) with the establishment's release date `release`.
async fn sentenced(w: &Yjs, est: &str, given: &str, family: &str, release: &str) -> anyhow::Result<String> {
    let id = s(&w.child(given, family).await?["id"]).to_string();
    let body = json!({"kind": "s250", "sentence_date": "2026-06-01", "establishment_id": est,
        "release_date": release, "sled": "2028-06-01", "key_dates_source": "YOI calculation sheet"});
    let (status, reply) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {reply}");
    Ok(id)
}

async fn remanded(w: &Yjs, est: &str, given: &str, next_court: &str) -> anyhow::Result<String> {
    let id = s(&w.child(given, "Remandson").await?["id"]).to_string();
    let body = json!({"start_date": "2027-01-11", "establishment_id": est, "next_court_date": next_court});
    let (status, reply) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {reply}");
    Ok(id)
}

fn item<'a>(readiness: &'a Value, key: &str) -> &'a Value {
    readiness["items"].as_array().and_then(|a| a.iter().find(|i| i["key"] == key)).unwrap_or(&Value::Null)
}

async fn a_child_fifteen_working_days_from_release_without_accommodation_is_red_until_it_is_confirmed(
    b: Backend,
) -> anyhow::Result<()> {
    let (w, est) = start(b).await?;
    let id = sentenced(&w, &est, "Rhea", "Redfern", RELEASE).await?;
    let api = w.api();

    let (status, r) = api.get(&format!("/api/v1/children/{id}/readiness")).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "red", "{r}");
    assert_eq!(r["release_date"], RELEASE);
    assert_eq!(r["days_to_release"], 21);
    let keys: Vec<&str> = r["items"].as_array().unwrap().iter().map(|i| s(&i["key"])).collect();
    assert_eq!(
        keys,
        [
            "accommodation",
            "ete",
            "constructive_activity",
            "health_handover",
            "gp_registration",
            "first_appointment",
            "release_day",
            "plan_shared"
        ]
    );
    let acc = item(&r, "accommodation");
    assert_eq!(acc["status"], "red", "{acc}");
    assert_eq!(acc["due_by"], "2027-01-25");
    assert_eq!(
        acc["reason"],
        "No confirmed address yet: accommodation was due 20 working days before release on 22 February 2027, \
         on 25 January 2027 (7 days ago)"
    );

    // The sweep notifies the child's YJS manager (who owns the accommodation item: there is no
    // need on that pathway with another owner) once, however often it runs, and says so on the
    // timeline; the manager is emailed too.
    let (mgr, _) = w.t.user("mona.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let now: jiff::Timestamp = NOW.parse()?;
    let first = w.t.app.sweep(now).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let notes = w.t.app.store().notifications(mgr.id, 20).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let about_accommodation: Vec<_> = notes
        .iter()
        .filter(|n| n.kind == "readiness.escalated" && n.message.contains("No confirmed address"))
        .collect();
    assert_eq!(about_accommodation.len(), 1, "{notes:?}");
    assert!(about_accommodation[0].message.starts_with("Rhea Redfern: "), "{notes:?}");
    assert_eq!(first.readiness_notifications, notes.iter().filter(|n| n.kind == "readiness.escalated").count());
    let again = w.t.app.sweep(now + jiff::SignedDuration::from_mins(5)).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(again.readiness_notifications, 0, "notified once");
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    assert!(
        record
            .timeline
            .iter()
            .any(|e| e.kind == "readiness.escalated" && e.summary.starts_with("Accommodation is overdue")),
        "{:?}",
        record.timeline
    );
    assert!(w.t.db.count("outbox").await? >= 1);

    // An action left open past its due day is escalated to the owning organisation's manager
    // once as well.
    let body = json!({"description": "Book the housing panel", "owner_organisation_id": w.yjs.id.to_string(),
        "due_by": "2027-02-02"});
    let (status, reply) = api.post(&format!("/api/v1/children/{id}/actions"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let on_time = w.t.app.sweep(now).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(on_time.action_notifications, 0, "not yet due");
    // An action recorded as history, already past its due day, is late but not chased.
    let body = json!({"description": "Referral made last month", "owner_organisation_id": w.yjs.id.to_string(),
        "due_by": "2026-12-01"});
    let (status, reply) = api.post(&format!("/api/v1/children/{id}/actions"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let late = now + jiff::SignedDuration::from_hours(72);
    let first = w.t.app.sweep(late).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(first.action_notifications, 1, "only the action that became late after it was recorded");
    let again = w.t.app.sweep(late + jiff::SignedDuration::from_mins(5)).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(again.action_notifications, 0, "notified once");
    let notes = w.t.app.store().notifications(mgr.id, 50).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let overdue: Vec<_> = notes.iter().filter(|n| n.kind == "action.overdue").collect();
    assert_eq!(overdue.len(), 1, "{notes:?}");
    assert!(overdue[0].message.contains("Book the housing panel"), "{overdue:?}");

    // 10 working days before 22 February is 8 February: a week away, inside the warning window.
    assert_eq!(item(&r, "ete")["status"], "amber");
    assert_eq!(item(&r, "ete")["due_by"], "2027-02-08");
    // The plan is shared 14 calendar days before release: 8 February.
    assert_eq!(item(&r, "plan_shared")["due_by"], "2027-02-08");

    // Confirming the accommodation turns that item green.
    let body = json!({"version": 0, "accommodation_address": "14 Example Row, Leeds",
        "accommodation_confirmed_on": "2027-02-01", "accommodation_confirmed_by": "Sam Housing"});
    let (status, a) = api.patch(&format!("/api/v1/children/{id}/release-arrangements"), &body).await?;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["version"], 1);
    let (_, r) = api.get(&format!("/api/v1/children/{id}/readiness")).await?;
    let acc = item(&r, "accommodation");
    assert_eq!(acc["status"], "green", "{acc}");
    assert_eq!(acc["reason"], "Address confirmed on 1 February 2027 by Sam Housing");
    // Nothing else is late (the health handover, 5 working days before release, is not yet
    // due), but ETE is due within the warning window: amber overall.
    assert_eq!(r["status"], "amber", "{r}");

    // The change is on the child's timeline with who did it, and in the audit trail.
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await?;
    let entry = record.timeline.iter().find(|e| e.kind == "release_arrangements.updated").unwrap();
    assert_eq!(entry.actor_name, w.cm.name);
    assert!(entry.summary.starts_with("Release arrangements: recorded accommodation address"), "{}", entry.summary);
    let (status, audit) = api.get(&format!("/api/v1/children/{id}/audit")).await?;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let audited = |action: &str, resource: &str| {
        audit["items"].as_array().unwrap().iter().any(|a| a["action"] == action && a["resource"] == resource)
    };
    assert!(audited("write", "release_arrangements"), "{audit}");
    assert!(audited("read", "readiness"), "{audit}");
    Ok(())
}

async fn release_arrangements_are_versioned_and_validated_and_write_nothing_when_refused(
    b: Backend,
) -> anyhow::Result<()> {
    let (w, est) = start(b).await?;
    let id = sentenced(&w, &est, "Vera", "Versioned", RELEASE).await?;
    let api = w.api();
    let path = format!("/api/v1/children/{id}/release-arrangements");
    let (status, a) = api.get(&path).await?;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["version"], 0);
    assert_eq!(a["accommodation_address"], Value::Null);

    let (status, a) = api.patch(&path, &json!({"version": 0, "gp_practice": "Example Lane Surgery"})).await?;
    assert_eq!(status, StatusCode::OK, "{a}");
    // A stale version: 409 with the current one, nothing written.
    let (status, p) = api.patch(&path, &json!({"version": 0, "transport": "Taxi"})).await?;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    assert_eq!(p["current_version"], 1, "{p}");
    // Invalid values name each field.
    let (status, p) = api
        .patch(
            &path,
            &json!({"version": 1, "gp_registered_on": "2027-03-01", "first_appointment_time": "morning",
                "accommodation_confirmed_on": "yesterday"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["type"].as_str().map(|_| ()), Some(()), "{p}");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    for f in ["gp_registered_on", "first_appointment_time", "accommodation_confirmed_on"] {
        assert!(fields.contains(&f), "{f} not named in {p}");
    }
    // Unknown fields and wrong types are refused.
    let (status, p) = api.patch(&path, &json!({"version": 1, "colour": "blue"})).await?;
    assert!(status.is_client_error(), "{status} {p}");
    let (status, p) = api.patch(&path, &json!({"version": "one"})).await?;
    assert!(status.is_client_error(), "{status} {p}");
    let (_, a) = api.get(&path).await?;
    assert_eq!(a["version"], 1);
    assert_eq!(a["gp_practice"], "Example Lane Surgery");
    assert_eq!(a["transport"], Value::Null);
    assert_eq!(w.t.db.count("release_arrangements").await?, 1);

    // A child not in custody has no arrangements and no readiness.
    let free = s(&w.child("Nell", "Notin").await?["id"]).to_string();
    let (status, _) = api.get(&format!("/api/v1/children/{free}/release-arrangements")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, r) = api.get(&format!("/api/v1/children/{free}/readiness")).await?;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "not_applicable");
    assert!(s(&r["explanation"]).contains("not in custody"), "{r}");

    // Someone outside the team: 404, as if the child did not exist.
    w.t.org("YJS-B", "yjs").await?;
    let (_, other) = w.t.user("other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let other = w.t.api(&other);
    let (status, _) = other.get(&format!("/api/v1/children/{id}/readiness")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other.patch(&path, &json!({"version": 1, "transport": "Taxi"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, a) = api.get(&path).await?;
    assert_eq!(a["version"], 1);
    Ok(())
}

fn names(c: &Value) -> Vec<String> {
    c["children"].as_array().unwrap().iter().map(|i| s(&i["given_name"]).to_string()).collect()
}

async fn the_caseload_filters_sorts_and_counts_children_in_custody(b: Backend) -> anyhow::Result<()> {
    let (w, est) = start(b).await?;
    let rhea = sentenced(&w, &est, "Rhea", "Redfern", RELEASE).await?; // red, 21 days
    sentenced(&w, &est, "Gus", "Greenway", "2027-09-01").await?; // green, far off
    remanded(&w, &est, "Amber", "2027-02-10").await?; // amber: bail address due 3 February
    w.child("Nell", "Notin").await?; // not in custody: not listed
    let api = w.api();

    let (status, c) = api.get("/api/v1/caseload").await?;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["counts"], json!({"total": 3, "green": 1, "amber": 1, "red": 1, "done": 0}));
    // Sorted by days to release by default: the remand's court date (9 days) first.
    assert_eq!(names(&c), ["Amber", "Rhea", "Gus"]);
    let row = &c["children"][1];
    assert_eq!(row["id"], rhea.as_str());
    assert_eq!(row["status"], "red");
    assert_eq!(row["days_to_release"], 21);
    assert!(row["reasons"].as_array().unwrap().iter().any(|r| s(r).starts_with("No confirmed address yet")), "{row}");
    assert_eq!(row["next_deadline"], json!({"key": "accommodation", "due_by": "2027-01-25"}));
    assert_eq!(row["overdue_actions"], 0);
    // Entering custody handed her health picture to the establishment's healthcare team, who
    // have not acknowledged it yet.
    assert_eq!(row["unacknowledged_handovers"], 1);
    assert_eq!(c["children"][0]["custody"], "remand");

    let (_, c) = api.get("/api/v1/caseload?status=red").await?;
    assert_eq!(names(&c), ["Rhea"]);
    assert_eq!(c["counts"]["total"], 1);
    let (_, c) = api.get("/api/v1/caseload?sort=name").await?;
    assert_eq!(names(&c), ["Gus", "Rhea", "Amber"]); // Greenway, Redfern, Remandson
    let (_, c) = api.get("/api/v1/caseload?sort=status").await?;
    assert_eq!(names(&c), ["Rhea", "Amber", "Gus"]);
    let (_, c) = api.get("/api/v1/caseload?release_within_days=30").await?;
    assert_eq!(names(&c), ["Amber", "Rhea"]);
    let (_, c) = api.get(&format!("/api/v1/caseload?organisation={}", w.yjs.id)).await?;
    assert_eq!(c["counts"]["total"], 3);
    // The case manager who added the children is named on their teams: "My children" has all
    // three. A colleague in the same service sees them under "My organisation" only.
    let (_, c) = api.get("/api/v1/caseload?view=mine").await?;
    assert_eq!(c["counts"]["total"], 3, "{c}");
    let (_, colleague) = w.t.user("colin.league@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    let colleague = w.t.api(&colleague);
    let (_, c) = colleague.get("/api/v1/caseload?view=mine").await?;
    assert_eq!(c["counts"]["total"], 0, "{c}");
    let (_, c) = colleague.get("/api/v1/caseload?view=organisation").await?;
    assert_eq!(c["counts"]["total"], 3, "{c}");
    // Someone in another service sees none of them.
    w.t.org("YJS-B", "yjs").await?;
    let (_, other) = w.t.user("other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let (_, c) = w.t.api(&other).get("/api/v1/caseload").await?;
    assert_eq!(c["counts"]["total"], 0, "{c}");
    let (_, c) = api.get("/api/v1/caseload?pathway=accommodation").await?;
    assert_eq!(c["counts"]["total"], 0, "no open accommodation need yet: {c}");
    let body = json!({"pathway": "accommodation", "need": "accommodation_address",
        "owner_organisation_id": w.yjs.id.to_string()});
    let (status, r) = api.post(&format!("/api/v1/children/{rhea}/plan/needs"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{rhea} {r}");
    let (_, c) = api.get("/api/v1/caseload?pathway=accommodation").await?;
    assert_eq!(names(&c), ["Rhea"]);

    // Bad filter values: 400, naming each parameter.
    for (query, param) in [
        ("status=purple", "status"),
        ("sort=shoe_size", "sort"),
        ("release_within_days=soon", "release_within_days"),
        ("pathway=moon", "pathway"),
        ("organisation=not-an-id", "organisation"),
        ("view=everyone", "view"),
    ] {
        let (status, p) = api.get(&format!("/api/v1/caseload?{query}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {p}");
        assert!(s(&p["detail"]).contains(param), "{query}: {p}");
        assert_eq!(p["errors"][0]["field"], param, "{query}: {p}");
    }
    Ok(())
}

async fn the_caseload_and_gaps_pages_show_the_red_item_and_who_owns_it(b: Backend) -> anyhow::Result<()> {
    // Managers sign in with a second factor, which needs the real clock: the dates are worked
    // out from today.
    let w = Yjs::start(b).await?;
    let est = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    let cal = resettle_domain::calendar::Calendar::england_and_wales();
    let today = w.t.app.today();
    let release = cal.add_working_days(today, 15)?;
    let due = cal.add_working_days(release, -20)?;
    let late = resettle_domain::readiness::days_between(due, today);
    let id = sentenced(&w, &est, "Rhea", "Redfern", &release.to_string()).await?;
    let la = w.t.org_named("LA-A", "Aireborough Council", "local_authority").await?;
    // The accommodation need is owned by the local authority.
    let body = json!({"pathway": "accommodation", "need": "accommodation_address",
        "owner_organisation_id": la.id.to_string()});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/plan/needs"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");

    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get("/readiness").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Redfern"), "{}", page.body);
    assert!(page.body.contains("No confirmed address yet"), "{}", page.body);
    assert!(page.body.contains("Overdue"), "{}", page.body);
    let page = browser.get("/readiness?status=green").await?;
    assert!(!page.body.contains("Redfern"));
    let page = browser.get("/readiness?status=purple").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("govuk-error-summary"), "{}", page.body);

    // The case manager is not a manager: no gaps page.
    assert_eq!(browser.get("/gaps").await?.status, StatusCode::FORBIDDEN);
    w.t.user("mo.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let manager = w.t.browser()?;
    manager.sign_in_ok("mo.manager@yjs-a.example.org").await?;
    let page = manager.get("/gaps").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Redfern"), "{}", page.body);
    assert!(page.body.contains("No confirmed address yet"), "{}", page.body);
    assert!(page.body.contains("Aireborough Council"), "owner: {}", page.body);
    assert!(page.body.contains(&format!("{late} days late")), "{}", page.body);

    // Recording the accommodation on the page takes it off the gaps.
    let form = browser.get(&format!("/children/{id}/release-arrangements")).await?;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = browser.csrf_token(&format!("/children/{id}/release-arrangements")).await?;
    // A date that is not a date: the form comes back with the error and what was typed.
    let r = browser
        .post_form(
            &format!("/children/{id}/release-arrangements"),
            &[
                ("csrf_token", &csrf),
                ("version", "0"),
                ("accommodation_address", "9 Typed Lane"),
                ("accommodation_confirmed_on-day", "31"),
                ("accommodation_confirmed_on-month", "2"),
                ("accommodation_confirmed_on-year", "2027"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary"), "{}", r.body);
    assert!(r.body.contains("9 Typed Lane"), "{}", r.body);
    assert_eq!(w.t.db.count("release_arrangements").await?, 0);
    let r = browser
        .post_form(
            &format!("/children/{id}/release-arrangements"),
            &[
                ("csrf_token", &csrf),
                ("version", "0"),
                ("accommodation_address", "14 Example Row"),
                ("accommodation_confirmed_on-day", &today.day().to_string()),
                ("accommodation_confirmed_on-month", &today.month().to_string()),
                ("accommodation_confirmed_on-year", &today.year().to_string()),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let form = browser.get(&format!("/children/{id}/release-arrangements?notice=saved")).await?;
    assert!(form.body.contains("Release arrangements saved"), "{}", form.body);
    assert!(form.body.contains("14 Example Row"), "{}", form.body);
    let page = manager.get("/gaps").await?;
    assert!(!page.body.contains("No confirmed address yet"), "{}", page.body);
    Ok(())
}

async fn the_strategic_lead_sees_readiness_counts_without_names(b: Backend) -> anyhow::Result<()> {
    let (w, est) = start(b).await?;
    let id = sentenced(&w, &est, "Rhea", "Redfern", RELEASE).await?;
    sentenced(&w, &est, "Gus", "Greenway", "2027-09-01").await?;
    let body = json!({"pathway": "ete", "need": "ete_training", "owner_organisation_id": w.yjs.id.to_string()});
    let (status, r) = w.api().post(&format!("/api/v1/children/{id}/plan/needs"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    w.t.org("BOARD", "other").await?;
    let (_, token) = w.t.user("lead@board.example.org", "BOARD", "strategic_lead").await?;
    let (status, f) = w.t.api(&token).get("/api/v1/aggregates").await?;
    assert_eq!(status, StatusCode::OK, "{f}");
    let yjs = f["readiness"].as_array().unwrap().iter().find(|o| o["name"] == "Aireborough YJS").unwrap();
    assert_eq!(yjs["total"], 2);
    assert_eq!(yjs["red"], 1);
    assert_eq!(yjs["green"], 1);
    let ete = f["open_needs"].as_array().unwrap().iter().find(|n| n["pathway"] == "ete").unwrap();
    assert_eq!(ete["open_needs"], 1);
    let text = f.to_string();
    for secret in ["Rhea", "Redfern", "Gus", "Greenway", &id] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let browser = w.t.browser()?;
    browser.sign_in_ok("lead@board.example.org").await?;
    let page = browser.get("/reports/figures").await?;
    assert!(page.body.contains("Release readiness"), "{}", page.body);
    assert!(!page.body.contains("Redfern"));
    // The case manager is refused the figures.
    let (status, _) = w.api().get("/api/v1/aggregates").await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    Ok(())
}

/// The `health_handover` item reads the health handovers: nothing sent, then the release health
/// summary waiting for the YJS health worker, then green once they acknowledge it.
async fn the_health_handover_item_follows_the_release_summary_to_its_acknowledgement(b: Backend) -> anyhow::Result<()> {
    let (w, est) = start(b).await?;
    let (_, hw) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (_, ch) = w.t.user("cleo.care@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let (hw, ch) = (w.t.api(&hw), w.t.api(&ch));
    let id = sentenced(&w, &est, "Hana", "Handover", RELEASE).await?;
    let readiness = format!("/api/v1/children/{id}/readiness");

    let (_, r) = w.api().get(&readiness).await?;
    let before = item(&r, "health_handover");
    assert_eq!(before["done"], false, "{r}");
    assert!(!s(&before["reason"]).contains("waiting for acknowledgement"), "{before}");

    let body = json!({"kind": "release_health_summary",
        "sections": [{"section": "mental_health", "findings": "Settled; CAMHS to continue weekly"}]});
    let (status, reply) = ch.post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let (_, r) = w.api().get(&readiness).await?;
    let waiting = item(&r, "health_handover");
    assert!(s(&waiting["reason"]).starts_with("Health handover sent, waiting for acknowledgement"), "{waiting}");

    let (_, pending) = hw.get("/api/v1/handovers?status=pending").await?;
    let list = pending["items"].as_array().cloned().unwrap_or_default();
    let summary =
        list.iter().find(|h| h["item_kind"] == "assessment").expect("the summary is waiting for the health worker");
    let ack = format!("/api/v1/handovers/{}/acknowledge", s(&summary["id"]));
    let (status, reply) = hw.post(&ack, &json!({"note": "Booked CAMHS for release week"})).await?;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let (_, r) = w.api().get(&readiness).await?;
    let done = item(&r, "health_handover");
    assert_eq!((&done["status"], &done["done"]), (&json!("green"), &json!(true)), "{done}");
    assert_eq!(done["reason"], "Health handover acknowledged on 1 February 2027");
    Ok(())
}

async fn the_readiness_caseload_lists_fifty_a_page_with_counts_of_all(b: Backend) -> anyhow::Result<()> {
    // The case manager signs in on the pages, with the real clock: dates from today.
    let w = Yjs::start(b).await?;
    let est = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    let today = w.t.app.today();
    let mut ids = Vec::new();
    for i in 0..51i64 {
        // Released one day after another: the default order is soonest release first.
        let release = today.checked_add(jiff::Span::new().days(200 + i))?.to_string();
        ids.push(sentenced(&w, &est, &format!("Page{i:02}"), "Turner", &release).await?);
    }
    let api = w.api();
    let (status, all) = api.get("/api/v1/caseload").await?;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["children"].as_array().map(Vec::len), Some(50), "without a page, the first page of 50");
    assert_eq!((&all["total"], &all["page"], &all["per_page"]), (&json!(51), &json!(1), &json!(50)), "{all}");
    let (_, first) = api.get("/api/v1/caseload?page=1").await?;
    assert_eq!(first["children"].as_array().map(Vec::len), Some(50));
    assert_eq!(first["children"][0]["id"], ids[0].as_str());
    // Pages of 20 add up, in order, to the whole list.
    let mut paged = Vec::new();
    for n in 1..=3 {
        let (_, p) = api.get(&format!("/api/v1/caseload?per_page=20&page={n}")).await?;
        assert_eq!((&p["total"], &p["per_page"]), (&json!(51), &json!(20)), "{p}");
        paged.extend(p["children"].as_array().unwrap().iter().map(|c| s(&c["id"]).to_string()));
    }
    assert_eq!(paged, ids, "three pages of 20 hold every child once, in order");
    for bad in ["per_page=0", "per_page=201", "per_page=many", "page=100001"] {
        let (status, p) = api.get(&format!("/api/v1/caseload?{bad}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {p}");
        assert_eq!(p["errors"][0]["field"], bad.split('=').next().unwrap(), "{bad}: {p}");
    }
    let (_, second) = api.get("/api/v1/caseload?page=2").await?;
    assert_eq!(names(&second), ["Page50"]);
    assert_eq!(second["counts"]["total"], 51, "the counts are of every child: {second}");
    let (_, past) = api.get("/api/v1/caseload?page=9").await?;
    assert_eq!(names(&past), ["Page50"], "past the end is the last page");
    let (status, p) = api.get("/api/v1/caseload?page=0").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["errors"][0]["field"], "page", "{p}");

    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get("/readiness").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Children in custody (51)"), "{}", page.body);
    assert!(page.body.contains("Page 1 of 2"), "{}", page.body);
    assert!(page.body.contains("Page00 Turner") && !page.body.contains("Page50 Turner"), "{}", page.body);
    // Every child listed, not one page, as a dated CSV.
    assert!(page.body.contains("/readiness.csv?view="), "a download link");
    let csv = browser.get("/readiness.csv?view=organisation").await?;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-disposition").is_some_and(|d| d.contains(&format!("readiness-{today}.csv"))));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 52, "a header and 51 children");
    assert!(lines[0].starts_with("given_name,family_name,youth_justice_service,custody,readiness"), "{}", lines[0]);
    assert!(lines[1].starts_with("Page00,Turner,") && lines[51].starts_with("Page50,Turner,"), "{}", csv.body);
    let bad = browser.get("/readiness.csv?status=purple").await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a bad filter is refused");
    assert!(page.body.contains("view=organisation&#38;sort=days_to_release&#38;page=2"), "{}", page.body);
    let page = browser.get("/readiness?view=organisation&sort=days_to_release&page=2").await?;
    assert!(page.body.contains("Page50 Turner") && !page.body.contains("Page00 Turner"), "{}", page.body);
    assert!(page.body.contains("rel=\"prev\""), "{}", page.body);

    // A new child in custody is on the next request (the list is not kept past a change).
    sentenced(&w, &est, "Latest", "Arrival", &today.checked_add(jiff::Span::new().days(1))?.to_string()).await?;
    let page = browser.get("/readiness").await?;
    assert!(page.body.contains("Children in custody (52)"), "{}", page.body);
    assert!(page.body.contains("Latest Arrival"), "soonest release first: {}", page.body);
    Ok(())
}
