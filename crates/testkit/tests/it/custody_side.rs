//! The custody side (issue 19): a secure establishment's own manager oversees the children it
//! holds and receives the escalations addressed to it, instead of their falling back to the
//! youth justice service; a local authority's social worker sees the children whose team their
//! authority is on; each role is held only in the kind of organisation it belongs to.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::json;

#[allow(unused_imports)]
use resettle_app::storage::{HealthStorage, Storage};

use crate::support::{Yjs, caseload_ids, on_every_backend};

on_every_backend!(
    a_secure_establishment_manager_oversees_their_establishment_and_receives_its_escalations,
    an_establishment_manager_sees_its_gaps_and_meetings_to_chase,
    a_social_worker_sees_the_children_their_authority_is_on_the_team_for,
    the_establishment_and_local_authority_roles_are_held_only_in_their_kind_of_organisation,
    a_remand_ends_in_a_sentence_or_a_release_and_tagged_bail_is_credited,
    a_remanded_child_is_looked_after_by_the_named_authority_until_the_remand_ends_and_not_after,
    time_out_before_release_follows_the_establishment_and_the_key_dates,
    custody_healthcare_completes_the_custody_health_assessment_on_a_page,
);

/// Monday 2 March 2026, 10:00 UK time.
fn monday() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

async fn a_secure_establishment_manager_oversees_their_establishment_and_receives_its_escalations(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    w.t.org_named("YOI-B", "Brackenfield YOI", "yoi").await?;
    let (yjs_mgr, _) = w.t.user("mina.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let (sm, sm_token) = w.t.user("sam.governor@yoi-a.example.org", "YOI-A", "secure_manager").await?;
    let (_, sp_token) = w.t.user("pat.practitioner@yoi-a.example.org", "YOI-A", "secure_practitioner").await?;
    let (other_sm, other_token) = w.t.user("bo.governor@yoi-b.example.org", "YOI-B", "secure_manager").await?;

    // Sentenced today to YOI-A: the establishment joins the team, and the child's health
    // picture is handed to its healthcare team, due in two working days.
    let child = w.child("Tam", "Heald").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let body =
        json!({"kind": "dto", "sentence_date": "2026-03-02", "term_months": 8, "establishment_id": yoi.id.to_string()});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The establishment's manager sees the child it holds; another establishment's does not.
    assert!(caseload_ids(&w.t.api(&sm_token)).await?.contains(&id));
    assert!(!caseload_ids(&w.t.api(&other_token)).await?.contains(&id));

    // Ignored until Thursday: the handover to YOI-A's healthcare is escalated to YOI-A's own
    // manager, not to the youth justice service's.
    let thursday = monday() + SignedDuration::from_hours(72);
    let report = w.t.app.sweep(thursday).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!((report.escalated, report.notifications), (1, 1), "{report:?}");
    let store = w.t.app.store();
    let notes_of = |u| async move { store.notifications(u, 50).await.map_err(|e| anyhow::anyhow!("{e:?}")) };
    let to_sm = notes_of(sm.id).await?;
    assert!(to_sm.iter().any(|n| n.kind == "handover.overdue" && n.message.contains("Tam Heald")), "{to_sm:?}");
    let to_yjs = notes_of(yjs_mgr.id).await?;
    assert!(!to_yjs.iter().any(|n| n.kind == "handover.overdue"), "{to_yjs:?}");
    assert!(notes_of(other_sm.id).await?.is_empty());

    // The practitioner still works with the child.
    assert!(caseload_ids(&w.t.api(&sp_token)).await?.contains(&id));
    Ok(())
}

/// Oversight is the managers': an establishment's manager signs in with a second factor (on
/// today's clock, which the authenticator codes follow) and sees the gaps of the children it
/// holds and the meetings to chase; its resettlement practitioners are refused them.
async fn an_establishment_manager_sees_its_gaps_and_meetings_to_chase(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    w.t.user("sam.governor@yoi-a.example.org", "YOI-A", "secure_manager").await?;
    w.t.user("pat.practitioner@yoi-a.example.org", "YOI-A", "secure_practitioner").await?;
    let child = w.child("Tam", "Heald").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let start = w.t.app.today().checked_sub(jiff::Span::new().days(60))?;
    let body = json!({"kind": "dto", "sentence_date": start.to_string(), "term_months": 4, "establishment_id": yoi.id.to_string()});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let manager = w.t.browser()?;
    manager.sign_in_ok("sam.governor@yoi-a.example.org").await?;
    let gaps = manager.get("/gaps").await?;
    assert_eq!(gaps.status, StatusCode::OK);
    assert!(gaps.body.contains("Heald"), "the establishment's child is among its gaps");
    assert_eq!(manager.get("/meetings/attention").await?.status, StatusCode::OK);
    let practitioner = w.t.browser()?;
    practitioner.sign_in_ok("pat.practitioner@yoi-a.example.org").await?;
    assert_eq!(practitioner.get("/gaps").await?.status, StatusCode::FORBIDDEN);
    assert_eq!(practitioner.get(&format!("/children/{id}")).await?.status, StatusCode::OK);
    Ok(())
}

async fn a_social_worker_sees_the_children_their_authority_is_on_the_team_for(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let la = w.t.org_named("LA-A", "Aireborough Children's Services", "local_authority").await?;
    let (sw, sw_token) = w.t.user("sol.worker@la-a.example.org", "LA-A", "social_worker").await?;
    let child = w.child("Ivo", "Marsh").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let sw_api = w.t.api(&sw_token);
    assert!(!caseload_ids(&sw_api).await?.contains(&id), "not before the authority is on the team");
    let (s, _) = sw_api.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The case manager names the social worker on the team.
    let body = json!({"organisation_id": la.id.to_string(), "user_id": sw.id.to_string(), "role": "social_worker",
        "responsibility": "Looked-after child: care planning and reviews"});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/team"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert!(caseload_ids(&sw_api).await?.contains(&id));
    let (s, r) = sw_api.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    // The authority's own staff name their colleagues; nobody else's.
    let (colleague, _) = w.t.user("cal.colleague@la-a.example.org", "LA-A", "social_worker").await?;
    let body = json!({"organisation_id": la.id.to_string(), "user_id": colleague.id.to_string(), "role": "social_worker",
        "responsibility": "Covering while Sol is on leave"});
    let (s, r) = sw_api.post(&format!("/api/v1/children/{id}/team"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let edu = w.t.org("EDU-A", "education").await?;
    let before = w.t.db.count("team_members").await?;
    for body in [
        json!({"organisation_id": edu.id.to_string(), "role": "ete_coordinator", "responsibility": "College"}),
        json!({"organisation_id": la.id.to_string(), "role": "ete_coordinator", "responsibility": "College"}),
    ] {
        let (s, r) = sw_api.post(&format!("/api/v1/children/{id}/team"), &body).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
        assert!(r.to_string().contains("own local authority"), "{r}");
    }
    assert_eq!(w.t.db.count("team_members").await?, before, "nothing written");
    // A social worker is not health staff: the health content stays closed.
    let (s, h) = sw_api.get(&format!("/api/v1/children/{id}/health")).await?;
    assert_eq!((s, &h["content_visible"]), (StatusCode::OK, &json!(false)), "{h}");
    Ok(())
}

async fn the_establishment_and_local_authority_roles_are_held_only_in_their_kind_of_organisation(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.org("LA-A", "local_authority").await?;
    w.t.org("SCH-A", "sch").await?;
    let before = w.t.db.count("users").await?;
    let refused = w.t.user("wrong.place@yjs-a.example.org", "YJS-A", "secure_manager").await.unwrap_err();
    assert!(format!("{refused:#}").contains("works in a secure establishment"), "{refused:#}");
    let refused = w.t.user("wrong.place@sch-a.example.org", "SCH-A", "social_worker").await.unwrap_err();
    assert!(format!("{refused:#}").contains("works in a local authority"), "{refused:#}");
    assert_eq!(w.t.db.count("users").await?, before, "nothing written");
    // In the right places both are accepted; a secure children's home is an establishment.
    w.t.user("right.place@sch-a.example.org", "SCH-A", "secure_manager").await?;
    w.t.user("right.place@la-a.example.org", "LA-A", "social_worker").await?;
    assert_eq!(w.t.db.count("users").await?, before + 2);
    Ok(())
}

async fn a_remand_ends_in_a_sentence_or_a_release_and_tagged_bail_is_credited(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    let today = w.t.app.today();
    let ago = |days: i64| today.checked_sub(jiff::Span::new().days(days)).unwrap().to_string();
    let api = w.api();
    let remands = |id: String| {
        let api = w.api();
        async move {
            let (s, k) = api.get(&format!("/api/v1/children/{id}/key-dates")).await?;
            anyhow::ensure!(s == StatusCode::OK, "{s}: {k}");
            Ok::<_, anyhow::Error>(k["remands"].as_array().cloned().unwrap_or_default())
        }
    };

    // Remanded a month ago, after nine days on tagged bail; still on remand.
    let child = w.child("Remy", "Sentenced").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let body = json!({"start_date": ago(30), "establishment_id": yoi.id.to_string(), "next_court_date": ago(-10)});
    let (s, r) = api.post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let list = remands(id.clone()).await?;
    assert_eq!((list.len(), &list[0]["outcome"], &list[0]["ended_on"]), (1, &json!(null), &json!(null)), "{list:?}");

    // Sentenced two days ago: the remand ends in a custodial sentence on that day, the custody
    // goes on in the same episode, and half the tagged-bail days (rounded up) are credited.
    let body = json!({"kind": "dto", "sentence_date": ago(2), "term_months": 8, "remand_days": 28,
        "curfew_days": 9, "establishment_id": yoi.id.to_string()});
    let (s, sentence) = api.post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{sentence}");
    assert_eq!(sentence["remand_days"], 33, "28 days in custody and 5 for 9 on tagged bail");
    let list = remands(id.clone()).await?;
    assert_eq!(list[0]["outcome"], "custodial_sentence", "{list:?}");
    assert_eq!(list[0]["ended_on"], ago(2).as_str());
    assert_eq!(list[0]["outcome_label"], "Sentenced to custody");
    assert_eq!(w.t.db.count("custody_episodes").await?, 1, "one custody, one plan");
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{id}")).await?.body;
    assert!(page.contains("Sentenced to custody"), "the child's page says how the remand ended");
    // The calculation says where the credit came from.
    let (_, k) = api.get(&format!("/api/v1/children/{id}/key-dates")).await?;
    let reason = k["history"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("28 in custody and 5 for 9 on tagged bail"), "{k}");

    // Another child remanded and then bailed: the remand ends with the release, on its day.
    let other = w.child("Bea", "Bailed").await?;
    let oid = other["id"].as_str().unwrap().to_string();
    let body = json!({"start_date": ago(20), "establishment_id": yoi.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{oid}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, r) = api
        .post(&format!("/api/v1/children/{oid}/custody/release"), &json!({"date": ago(5), "kind": "remand_bail"}))
        .await?;
    assert!(s.is_success(), "{s}: {r}");
    let list = remands(oid.clone()).await?;
    assert_eq!((&list[0]["outcome"], &list[0]["ended_on"]), (&json!("remand_bail"), &json!(ago(5))), "{list:?}");

    // Nonsense is refused and changes nothing.
    let third = w.child("Tia", "Typo").await?;
    let tid = third["id"].as_str().unwrap().to_string();
    let before = w.t.db.count("sentences").await?;
    let body = json!({"kind": "dto", "sentence_date": ago(1), "term_months": 8, "curfew_days": -3,
        "establishment_id": yoi.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{tid}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("curfew_days"), "{r}");
    assert_eq!(w.t.db.count("sentences").await?, before);
    Ok(())
}

async fn a_remanded_child_is_looked_after_by_the_named_authority_until_the_remand_ends_and_not_after(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    let la = w.t.org_named("LA-A", "Aireborough Children's Services", "local_authority").await?;
    let today = w.t.app.today();
    let ago = |days: i64| today.checked_sub(jiff::Span::new().days(days)).unwrap().to_string();
    let api = w.api();
    let status = |id: String| {
        let api = w.api();
        async move {
            let (s, c) = api.get(&format!("/api/v1/children/{id}")).await?;
            anyhow::ensure!(s == StatusCode::OK, "{s}: {c}");
            Ok::<_, anyhow::Error>(c["legal_status"].as_str().unwrap_or_default().to_string())
        }
    };
    let post = |path: String, body: serde_json::Value| {
        let api = w.api();
        async move {
            let (s, r) = api.post(&path, &body).await?;
            anyhow::ensure!(s.is_success(), "POST {path}: {s} {r}");
            Ok::<_, anyhow::Error>(r)
        }
    };

    // A remand names the authority that must look after the child; anything but a local
    // authority is refused, and nothing is written.
    let child = w.child("Remy", "Remanded").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let before = w.t.db.count("remands").await?;
    let body = json!({"start_date": ago(30), "establishment_id": yoi.id.to_string(), "local_authority_id": yoi.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("local_authority_id"), "{r}");
    assert_eq!((w.t.db.count("remands").await?, status(id.clone()).await?.as_str()), (before, "not_looked_after"));

    let body =
        json!({"start_date": ago(30), "establishment_id": yoi.id.to_string(), "local_authority_id": la.id.to_string()});
    let remand = post(format!("/api/v1/children/{id}/remands"), body).await?;
    assert_eq!(
        (&remand["local_authority_id"], &remand["made_looked_after"]),
        (&json!(la.id.to_string()), &json!(true))
    );
    assert_eq!(status(id.clone()).await?, "looked_after");
    // Sentenced: the remand has ended, and the looked-after status it gave ends with it.
    let body =
        json!({"kind": "dto", "sentence_date": ago(2), "term_months": 8, "establishment_id": yoi.id.to_string()});
    post(format!("/api/v1/children/{id}/sentences"), body).await?;
    assert_eq!(status(id.clone()).await?, "not_looked_after");
    let timeline = w.t.app.store().timeline(resettle_domain::ids::ChildId(id.parse()?), 50).await;
    let timeline = timeline.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert!(
        timeline.iter().any(|e| e.summary.contains("No longer looked after by Aireborough Children")
            && e.summary.contains("leaving-care support")),
        "the timeline says what ended and what to ask next: {timeline:?}"
    );

    // Bailed: the status ends on the day of release; the authority on the team is the default.
    let bailed = w.child("Bea", "Bailed").await?;
    let bid = bailed["id"].as_str().unwrap().to_string();
    let body = json!({"organisation_id": la.id.to_string(), "role": "social_worker", "responsibility": "Children's social care"});
    post(format!("/api/v1/children/{bid}/team"), body).await?;
    let remand = post(
        format!("/api/v1/children/{bid}/remands"),
        json!({"start_date": ago(20), "establishment_id": yoi.id.to_string()}),
    )
    .await?;
    assert_eq!(remand["local_authority_id"], la.id.to_string(), "{remand}");
    assert_eq!(status(bid.clone()).await?, "looked_after");
    post(format!("/api/v1/children/{bid}/custody/release"), json!({"date": ago(5), "kind": "remand_bail"})).await?;
    assert_eq!(status(bid.clone()).await?, "not_looked_after");

    // A child already looked after (a care order) stays looked after when the remand ends.
    let mut body = w.child_body("Cara", "Cared");
    body["legal_status"] = json!("looked_after");
    let (s, cared) = api.post("/api/v1/children", &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{cared}");
    let cid = cared["id"].as_str().unwrap().to_string();
    let remand = post(
        format!("/api/v1/children/{cid}/remands"),
        json!({"start_date": ago(20), "establishment_id": yoi.id.to_string()}),
    )
    .await?;
    assert_eq!(remand["made_looked_after"], false);
    post(format!("/api/v1/children/{cid}/custody/release"), json!({"date": ago(5), "kind": "remand_acquitted"}))
        .await?;
    assert_eq!(status(cid).await?, "looked_after");

    // The remand form names the authority too.
    let paged = w.child("Pip", "Form").await?;
    let pid = paged["id"].as_str().unwrap().to_string();
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let form = browser.get(&format!("/children/{pid}/remands/new")).await?;
    assert!(form.body.contains("Aireborough Children&#39;s Services"), "the authorities are offered");
    let csrf = form.csrf_token().unwrap_or_default();
    let start = today.checked_sub(jiff::Span::new().days(3))?;
    let (d, m, y) = (start.day().to_string(), start.month().to_string(), start.year().to_string());
    let yoi_id = yoi.id.to_string();
    let la_id = la.id.to_string();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("start_date-day", d.as_str()),
        ("start_date-month", m.as_str()),
        ("start_date-year", y.as_str()),
        ("establishment_id", yoi_id.as_str()),
        ("local_authority_id", la_id.as_str()),
    ];
    let done = browser.post_form(&format!("/children/{pid}/remands/new"), &fields).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (_, k) = api.get(&format!("/api/v1/children/{pid}/key-dates")).await?;
    assert_eq!(k["remands"][0]["local_authority_id"], la.id.to_string(), "{k}");
    Ok(())
}

async fn time_out_before_release_follows_the_establishment_and_the_key_dates(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    let sch = w.t.org_named("SCH-A", "Hillfoot Secure Children's Home", "sch").await?;
    let api = w.api();
    let child = w.child("Rio", "Out").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/children/{id}/temporary-releases");

    // Not in custody: nothing to record yet.
    let (s, t) = api.get(&path).await?;
    assert_eq!((s, &t["kind"], &t["not_now"]), (StatusCode::OK, &json!(null), &json!("The child is not in custody")));

    // An 8-month DTO from Monday 2 March 2026 at a YOI: released 2 July, ROTL from 2 May.
    let body =
        json!({"kind": "dto", "sentence_date": "2026-03-02", "term_months": 8, "establishment_id": yoi.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, t) = api.get(&path).await?;
    assert_eq!(
        (&t["kind"], &t["eligible_from"], &t["release_on"]),
        (&json!("rotl"), &json!("2026-05-02"), &json!("2026-07-02")),
        "{t}"
    );
    assert!(t["rule"].as_str().unwrap_or_default().contains("half-way"), "{t}");

    // Too early, and after release, are refused with the day to choose; nothing is written.
    for (start, words) in [("2026-05-01", "2 May 2026"), ("2026-07-02", "released on 2 July 2026")] {
        let body =
            json!({"purpose": "accommodation", "starts_on": start, "ends_on": start, "address": "12 Example Road"});
        let (s, r) = api.post(&path, &body).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r.to_string().contains(words), "{start}: {r}");
    }
    assert_eq!(w.t.db.count("temporary_releases").await?, 0);

    // Planned: a weekend at the new address in May.
    let body = json!({"purpose": "accommodation", "starts_on": "2026-05-09", "ends_on": "2026-05-10",
        "address": "12 Example Road, Aireborough", "conditions": "Curfew 7pm to 7am"});
    let (s, planned) = api.post(&path, &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{planned}");
    assert_eq!((&planned["kind"], &planned["outcome"], &planned["version"]), (&json!("rotl"), &json!(null), &json!(1)));
    let release = planned["id"].as_str().unwrap().to_string();
    // Not yet happened: no outcome.
    let outcome_path = format!("{path}/{release}/outcome");
    let (s, r) = api.post(&outcome_path, &json!({"version": 1, "outcome": "completed"})).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("not started yet"), "{r}");

    // On 12 May: it went wrong, which needs a note; a stale version is a conflict.
    let may = w.t.app.clone().with_clock(resettle_app::Clock::Fixed("2026-05-12T09:00:00Z".parse()?));
    let ctx = w.t.ctx(&w.cm).await?;
    let release_id: resettle_domain::ids::TemporaryReleaseId = release.parse()?;
    let child_id: resettle_domain::ids::ChildId = id.parse()?;
    let input = |version, note: Option<&str>| resettle_app::temporary_release::OutcomeInput {
        version,
        outcome: Some("failed_to_return".into()),
        outcome_note: note.map(str::to_string),
    };
    let refused = may.record_temporary_release_outcome(&ctx, child_id, release_id, &input(1, None)).await;
    assert!(
        matches!(refused, Err(resettle_app::AppError::Invalid(ref e)) if e.for_field("outcome_note").is_some()),
        "{refused:?}"
    );
    let note = Some("Did not come back on Sunday; returned by the police on Monday");
    let done = may.record_temporary_release_outcome(&ctx, child_id, release_id, &input(1, note)).await;
    assert_eq!(done.map_err(|e| anyhow::anyhow!("{e:?}"))?.version, 2);
    let stale = may.record_temporary_release_outcome(&ctx, child_id, release_id, &input(1, note)).await;
    assert!(matches!(stale, Err(resettle_app::AppError::Conflict { current_version: 2 })), "{stale:?}");
    let (_, t) = api.get(&path).await?;
    assert_eq!(t["items"][0]["outcome"], "failed_to_return", "{t}");
    let timeline = w.t.app.store().timeline(child_id, 50).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert!(
        timeline.iter().any(|e| e.kind == "custody.time_out" && e.summary.contains("did not come back when due")),
        "{timeline:?}"
    );

    // The page: the scheme, the earliest day and the period, in words; a bad form says what
    // to fix.
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get(&format!("/children/{id}/temporary-release")).await?;
    assert_eq!(page.status, StatusCode::OK);
    for words in ["Release on temporary licence", "2 May 2026", "9 May 2026 to 10 May 2026", "Curfew 7pm to 7am"] {
        assert!(page.body.contains(words), "{words}");
    }
    let csrf = resettle_testkit::csrf_token_in(&page.body).unwrap_or_default();
    let bad = browser
        .post_form(
            &format!("/children/{id}/temporary-release"),
            &[("csrf_token", &csrf), ("starts_on-day", "1"), ("starts_on-month", "5"), ("starts_on-year", "2026")],
        )
        .await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("govuk-error-summary") && bad.body.contains("href=\"#purpose\""), "{}", bad.body);
    let good = browser
        .post_form(
            &format!("/children/{id}/temporary-release"),
            &[
                ("csrf_token", &csrf),
                ("purpose", "education_training"),
                ("starts_on-day", "18"),
                ("starts_on-month", "5"),
                ("starts_on-year", "2026"),
                ("ends_on-day", "18"),
                ("ends_on-month", "5"),
                ("ends_on-year", "2026"),
                ("address", "Aireborough College"),
            ],
        )
        .await?;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(w.t.db.count("temporary_releases").await?, 2);
    // Paged like every list.
    let (_, one) = api.get(&format!("{path}?per_page=1")).await?;
    assert_eq!((one["items"].as_array().map(Vec::len), &one["total"]), (Some(1), &json!(2)), "{one}");
    let (s, r) = api.get(&format!("{path}?per_page=0")).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");

    // A secure children's home has mobility, decided by the establishment; a remand has none.
    let other = w.child("Mo", "Bility").await?;
    let oid = other["id"].as_str().unwrap().to_string();
    let body =
        json!({"kind": "dto", "sentence_date": "2026-03-02", "term_months": 4, "establishment_id": sch.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{oid}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, t) = api.get(&format!("/api/v1/children/{oid}/temporary-releases")).await?;
    assert_eq!((&t["kind"], &t["eligible_from"]), (&json!("mobility"), &json!(null)), "{t}");
    let body = json!({"purpose": "family", "starts_on": "2026-03-20", "ends_on": "2026-03-20", "address": "Home"});
    let (s, r) = api.post(&format!("/api/v1/children/{oid}/temporary-releases"), &body).await?;
    assert_eq!((s, &r["kind"]), (StatusCode::CREATED, &json!("mobility")), "{r}");
    let remanded = w.child("Rae", "Mand").await?;
    let rid = remanded["id"].as_str().unwrap().to_string();
    let body = json!({"start_date": "2026-03-02", "establishment_id": yoi.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{rid}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, t) = api.get(&format!("/api/v1/children/{rid}/temporary-releases")).await?;
    assert!(t["not_now"].as_str().unwrap_or_default().contains("on remand"), "{t}");
    let (s, r) = api.post(&format!("/api/v1/children/{rid}/temporary-releases"), &body_for("2026-03-20")).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    Ok(())
}

fn body_for(day: &str) -> serde_json::Value {
    json!({"purpose": "family", "starts_on": day, "ends_on": day, "address": "Home"})
}

async fn custody_healthcare_completes_the_custody_health_assessment_on_a_page(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-A", "Aireborough YOI", "yoi").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    w.t.user("cal.nurse@yoi-a.example.org", "YOI-A", "custody_health").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let today = w.t.app.today();
    let body = json!({"kind": "community_health_assessment", "assessed_on": today.checked_sub(jiff::Span::new().days(20))?.to_string(),
        "sections": [{"section": "mental_health", "findings": "Low mood and poor sleep"}],
        "needs": [{"pathway": "health", "description": "CAMHS follow-up for low mood"}]});
    let (s, r) = w.t.api(&hw_token).post(&format!("/api/v1/children/{id}/health/assessments"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let body = json!({"start_date": today.checked_sub(jiff::Span::new().days(2))?.to_string(), "establishment_id": yoi.id.to_string()});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/remands"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The establishment's nurse starts it from the health page and reviews what was carried over.
    let nurse = w.t.browser()?;
    nurse.sign_in_ok("cal.nurse@yoi-a.example.org").await?;
    let health = nurse.get(&format!("/children/{id}/health")).await?;
    assert!(health.body.contains("Start the custody health assessment"), "{}", health.body);
    let csrf = resettle_testkit::csrf_token_in(&health.body).unwrap_or_default();
    let started =
        nurse.post_form(&format!("/children/{id}/health/assessments/custody"), &[("csrf_token", &csrf)]).await?;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let at = started.location().unwrap_or_default().to_string();
    assert!(at.starts_with("/health/assessments/"), "{at}");
    let page = nurse.get(&at).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Low mood and poor sleep") && page.body.contains("CAMHS follow-up for low mood"));
    // The case manager may not open it.
    let cm = w.t.browser()?;
    cm.sign_in_ok(w.cm.email.as_str()).await?;
    assert_eq!(cm.get(&at).await?.status, StatusCode::FORBIDDEN);

    // Nothing reviewed: refused, each problem linked to its place on the page.
    let refused = nurse.post_form(&at, &[("csrf_token", &csrf), ("version", "1")]).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("govuk-error-summary") && refused.body.contains("href=\"#sections[0].review\""),
        "{}",
        refused.body
    );
    // Closing the need without a reason: refused, and what was typed is kept.
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("sections[0].review", "changed"),
        ("sections[0].findings", "Sleeping better; low mood continues"),
        ("needs[0].review", "closed"),
    ];
    let refused = nurse.post_form(&at, &fields).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Sleeping better; low mood continues") && refused.body.contains("Say why"),
        "{}",
        refused.body
    );
    // Complete, with a new need found in custody.
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("sections[0].review", "changed"),
        ("sections[0].findings", "Sleeping better; low mood continues"),
        ("needs[0].review", "closed"),
        ("needs[0].close_reason", "Seen by the in-reach team; CAMHS not needed now"),
        ("new.physical_health", "Asthma: inhaler prescribed"),
        ("needs[1].pathway", "health"),
        ("needs[1].description", "Asthma review before release"),
    ];
    let done = nurse.post_form(&at, &fields).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some(format!("/children/{id}/health?assessment=1").as_str()));
    let health = nurse.get(&format!("/children/{id}/health?assessment=1")).await?;
    assert!(health.body.contains("Custody health assessment completed"), "{}", health.body);
    let (_, h) = w.t.api(&hw_token).get(&format!("/api/v1/children/{id}/health")).await?;
    let custody = h["assessments"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "comprehensive_custody_assessment").cloned());
    let custody = custody.unwrap_or_default();
    assert_eq!(custody["status"], "complete", "{h}");
    assert_eq!(custody["sections"].as_array().map(Vec::len), Some(2), "{custody}");
    assert!(custody.to_string().contains("Asthma review before release"), "{custody}");
    Ok(())
}
