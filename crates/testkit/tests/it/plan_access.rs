//! Who reaches the plan: owners joining the team, health needs kept to health roles, and 404 for
//! everyone outside the team on every plan route.

#[allow(unused_imports)]
use crate::plan::*;
use crate::support::on_every_backend;
use reqwest::{Method, StatusCode};
use resettle_app::Principal;
use resettle_testkit::Backend;
use serde_json::{Value, json};

on_every_backend!(
    an_owner_organisation_joins_the_team_unless_it_has_no_team_role,
    health_needs_are_withheld_from_a_case_manager_and_shown_to_the_health_worker,
    people_outside_the_team_get_404_on_every_plan_route,
    health_details_need_a_health_role_in_an_organisation_on_the_team,
);

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
