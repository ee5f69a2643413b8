//! The JSON API over HTTP: tokens, children, the team, access, refusals.

use jiff::ToSpan;
use reqwest::{Method, StatusCode};
use resettle_testkit::{ApiReply, Backend, spawn_app};
use serde_json::{Value, json};

use crate::support::{Yjs, caseload_ids, caseload_total, on_every_backend};

on_every_backend!(
    healthz_answers_ok,
    me_describes_the_caller,
    a_created_child_can_be_read_back_and_is_on_the_caseload,
    a_case_manager_of_another_service_cannot_see_or_change_the_child,
    an_organisation_added_to_the_team_gives_its_people_access,
    a_named_person_must_work_for_the_organisation,
    an_administrator_sees_no_children,
    an_administrator_named_on_a_team_still_sees_no_children,
    a_request_without_a_valid_token_is_refused,
    only_the_owning_services_case_managers_create_children,
    patch_needs_the_current_version,
    an_invalid_patch_changes_nothing,
    caseload_parameters_are_checked_and_pages_add_up,
    a_browser_session_does_not_authenticate_the_api,
    openapi_describes_the_api,
    api_answers_carry_the_security_headers,
    concurrent_changes_to_one_child_let_exactly_one_through,
    children_created_at_the_same_time_are_all_kept,
    a_team_membership_that_has_ended_or_not_begun_gives_no_access,
);

/// A problem document: the right status and media type, a `detail` mentioning `field`.
pub(crate) fn assert_problem(r: &ApiReply, statuses: &[StatusCode], field: &str, what: &str) {
    assert!(statuses.contains(&r.status), "{what}: status {} not in {statuses:?}: {}", r.status, r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"), "{what}: {}", r.body);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(field), "{what}: detail should name `{field}`: {detail:?}");
    assert_eq!(r.body["status"].as_u64(), Some(u64::from(r.status.as_u16())), "{what}");
}

async fn healthz_answers_ok(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    let r = t.anonymous_api().request(Method::GET, "/healthz", None).await?;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({"status": "ok"}));
    assert_eq!(r.content_type(), Some("application/json"));
    Ok(())
}

async fn me_describes_the_caller(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (status, me) = w.api().get("/api/v1/me").await?;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], json!(w.cm.id.to_string()));
    assert_eq!(me["email"], json!("casey.manager@yjs-a.example.org"));
    assert_eq!(me["name"], json!(w.cm.name));
    let memberships = me["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0]["organisation_id"], json!(w.yjs.id.to_string()));
    assert_eq!(memberships[0]["role"], json!("yjs_case_manager"));
    assert!(memberships[0]["id"].is_string());
    // Nothing secret leaks.
    let text = me.to_string();
    assert!(!text.contains("argon2") && !text.contains("password"), "{text}");
    Ok(())
}

async fn a_created_child_can_be_read_back_and_is_on_the_caseload(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let body = w.child_body("Ada", "Lovelace");
    let r = api.request(Method::POST, "/api/v1/children", Some(&body)).await?;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.body;
    let id = created["id"].as_str().expect("an id").to_string();
    assert_eq!(created["version"], json!(1));
    assert_eq!(created["given_name"], json!("Ada"));
    assert_eq!(created["family_name"], json!("Lovelace"));
    assert_eq!(created["date_of_birth"], body["date_of_birth"]);
    assert_eq!(created["nhs_number"], json!("9434765919"), "stored without spaces");
    assert_eq!(created["yjs_id"], json!(w.yjs.id.to_string()));
    assert_eq!(created["legal_status"], json!("not_looked_after"));

    let (status, read) = api.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, created, "GET returns what POST returned");

    // The owning service is on the team with the creator named, so it is on their caseload.
    let (status, caseload) = api.get("/api/v1/children").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(caseload["total"], json!(1));
    assert_eq!((caseload["page"].clone(), caseload["per_page"].clone()), (json!(1), json!(50)));
    let item = &caseload["items"][0];
    assert_eq!(item["id"], json!(id));
    assert_eq!(item["yjs_name"], json!("Aireborough YJS"));
    assert_eq!(item["version"], json!(1));
    assert_eq!(item["custody"], Value::Null);

    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, id.parse()?).await.unwrap();
    assert_eq!(record.team.len(), 1);
    assert_eq!(record.team[0].member.organisation_id, w.yjs.id);
    assert_eq!(record.team[0].member.user_id, Some(w.cm.id));
    assert_eq!(record.timeline.len(), 1);
    assert_eq!(record.timeline[0].kind, "child.created");

    // Optional fields are accepted and returned.
    let mut full = w.child_body("Bo", "Diddley");
    full["preferred_name"] = json!("Bobby");
    full["pnc_id"] = json!("2019/0012345a");
    full["gender"] = json!("male");
    full["legal_status"] = json!("looked_after");
    full["first_language"] = json!("Welsh");
    let (status, c) = api.post("/api/v1/children", &full).await?;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["pnc_id"], json!("2019/0012345A"));
    assert_eq!(c["preferred_name"], json!("Bobby"));
    assert_eq!(c["gender"], json!("male"));
    assert_eq!(c["legal_status"], json!("looked_after"));
    assert_eq!(caseload_total(&api).await?, 2);
    Ok(())
}

async fn a_case_manager_of_another_service_cannot_see_or_change_the_child(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap();
    w.t.org("YJS-B", "yjs").await?;
    let (_, other_token) = w.t.user("bea@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let other = w.t.api(&other_token);

    let r = other.request(Method::GET, &format!("/api/v1/children/{id}"), None).await?;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    // The same answer as for a child that does not exist.
    let missing = other.request(Method::GET, &format!("/api/v1/children/{}", uuid::Uuid::new_v4()), None).await?;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], r.body["detail"]);

    let (status, _) =
        other.patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "given_name": "Eve"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .post(
            &format!("/api/v1/children/{id}/team"),
            &json!({"organisation_id": w.yjs.id.to_string(), "role": "yjs_case_manager",
                    "responsibility": "Taking over"}),
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(caseload_total(&other).await?, 0);

    // Nothing changed for the owner.
    let (_, still) = w.api().get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(still["given_name"], json!("Ada"));
    assert_eq!(still["version"], json!(1));
    let ctx = w.t.ctx(&w.cm).await?;
    assert_eq!(w.t.app.child_record(&ctx, id.parse()?).await.unwrap().team.len(), 1);
    Ok(())
}

async fn an_organisation_added_to_the_team_gives_its_people_access(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let college = w.t.org_named("ETE-A", "Calder College", "education").await?;
    let (_, tutor_token) = w.t.user("tia@college.example.org", "ETE-A", "ete_coordinator").await?;
    let tutor = w.t.api(&tutor_token);
    // An administrator of the college: works with no children, so still sees none.
    let (_, college_admin) = w.t.user("admin@college.example.org", "ETE-A", "admin").await?;
    let college_admin = w.t.api(&college_admin);

    let (status, _) = tutor.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "not on the team yet");
    assert_eq!(caseload_total(&tutor).await?, 0);

    let r = w
        .api()
        .request(
            Method::POST,
            &format!("/api/v1/children/{id}/team"),
            Some(&json!({
                "organisation_id": college.id.to_string(),
                "role": "ete_coordinator",
                "responsibility": "Finds a college place for release",
            })),
        )
        .await?;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["organisation_id"], json!(college.id.to_string()));
    assert_eq!(r.body["child_id"], json!(id));
    assert_eq!(r.body["role"], json!("ete_coordinator"));
    assert_eq!(r.body["user_id"], Value::Null);
    assert_eq!(r.body["started_on"], json!(w.t.app.today().to_string()));
    assert!(r.body["id"].is_string());

    let (status, seen) = tutor.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["given_name"], json!("Ada"));
    assert_eq!(caseload_ids(&tutor).await?, vec![id.clone()]);
    // Filtering the owner's caseload by the college finds the child.
    let (_, filtered) = w.api().get(&format!("/api/v1/children?organisation_id={}", college.id)).await?;
    assert_eq!(filtered["total"], json!(1));
    let (_, status_filtered_other) =
        w.api().get(&format!("/api/v1/children?organisation_id={}", uuid::Uuid::new_v4())).await?;
    assert_eq!(status_filtered_other["total"], json!(0));

    assert_eq!(caseload_total(&college_admin).await?, 0);
    let (status, _) = college_admin.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The same organisation in the same role twice is refused.
    let (status, again) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/team"),
            &json!({"organisation_id": college.id.to_string(), "role": "ete_coordinator",
                    "responsibility": "Again"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    Ok(())
}

async fn a_named_person_must_work_for_the_organisation(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let college = w.t.org("ETE-A", "education").await?;
    w.t.org("HLT-A", "health").await?;
    let (nurse, nurse_token) = w.t.user("nur@health.example.org", "HLT-A", "custody_health").await?;
    let (tutor, tutor_token) = w.t.user("tia@college.example.org", "ETE-A", "ete_coordinator").await?;
    let team_path = format!("/api/v1/children/{id}/team");

    let r = w
        .api()
        .request(
            Method::POST,
            &team_path,
            Some(&json!({"organisation_id": college.id.to_string(), "user_id": nurse.id.to_string(),
                         "role": "ete_coordinator", "responsibility": "Education"})),
        )
        .await?;
    assert_problem(&r, &[StatusCode::UNPROCESSABLE_ENTITY], "user_id", "person from elsewhere");
    assert_eq!(caseload_total(&w.t.api(&nurse_token)).await?, 0);

    let (status, body) = w
        .api()
        .post(
            &team_path,
            &json!({"organisation_id": college.id.to_string(), "user_id": tutor.id.to_string(),
                    "role": "ete_coordinator", "responsibility": "Education"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user_id"], json!(tutor.id.to_string()));
    assert_eq!(caseload_total(&w.t.api(&tutor_token)).await?, 1);

    for (what, bad, field) in [
        (
            "admin is not a team role",
            json!({"organisation_id": college.id.to_string(),
            "role": "admin", "responsibility": "x"}),
            "role",
        ),
        (
            "unknown organisation",
            json!({"organisation_id": uuid::Uuid::new_v4().to_string(),
            "role": "ete_coordinator", "responsibility": "x"}),
            "organisation_id",
        ),
        (
            "end before start",
            json!({"organisation_id": college.id.to_string(),
            "role": "custody_health", "responsibility": "x", "started_on": "2026-02-01",
            "ended_on": "2026-01-01"}),
            "ended_on",
        ),
        (
            "unknown field",
            json!({"organisation_id": college.id.to_string(),
            "role": "custody_health", "responsibility": "x", "colour": "red"}),
            "colour",
        ),
    ] {
        let r = w.api().request(Method::POST, &team_path, Some(&bad)).await?;
        assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], field, what);
    }
    let ctx = w.t.ctx(&w.cm).await?;
    assert_eq!(
        w.t.app.child_record(&ctx, id.parse()?).await.unwrap().team.len(),
        2,
        "only the good request added anyone"
    );
    Ok(())
}

async fn an_administrator_sees_no_children(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap();
    // An administrator in the very service that owns the child.
    let (_, admin_token) = w.t.user("root@yjs-a.example.org", "YJS-A", "admin").await?;
    let admin = w.t.api(&admin_token);
    let (status, body) = admin.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, caseload) = admin.get("/api/v1/children").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(caseload["total"], json!(0));
    assert_eq!(caseload["items"], json!([]));
    let (status, _) = admin.patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "given_name": "X"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor can a strategic lead.
    let (_, lead) = w.t.user("lead@yjs-a.example.org", "YJS-A", "strategic_lead").await?;
    assert_eq!(caseload_total(&w.t.api(&lead)).await?, 0);
    Ok(())
}

async fn an_administrator_named_on_a_team_still_sees_no_children(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap().to_string();
    for (email, role) in [("root@yjs-a.example.org", "admin"), ("lead@yjs-a.example.org", "strategic_lead")] {
        let (person, token) = w.t.user(email, "YJS-A", role).await?;
        // They work for the service, so a case manager may try to name them on the team.
        let (named, body) = w
            .api()
            .post(
                &format!("/api/v1/children/{id}/team"),
                &json!({"organisation_id": w.yjs.id.to_string(), "user_id": person.id.to_string(),
                        "role": "yjs_manager", "responsibility": "Oversight"}),
            )
            .await?;
        assert!(named == StatusCode::CREATED || named == StatusCode::UNPROCESSABLE_ENTITY, "{role}: {named} {body}");
        // Whether or not that was accepted, their role sees no children.
        let api = w.t.api(&token);
        let (status, _) = api.get(&format!("/api/v1/children/{id}")).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{role} after naming answered {named}");
        assert_eq!(caseload_total(&api).await?, 0, "{role}: caseload");
    }
    Ok(())
}

async fn a_request_without_a_valid_token_is_refused(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let body = w.child_body("Ada", "Lovelace");
    let clients = [
        ("no token", w.t.anonymous_api()),
        ("garbage token", w.t.api("garbage")),
        ("unknown token", w.t.api(&format!("rst_{}", "0".repeat(64)))),
        ("token with more after it", w.t.api(&format!("{} x", w.token))),
    ];
    for (what, api) in clients {
        for (method, path, body) in [
            (Method::GET, "/api/v1/me", None),
            (Method::GET, "/api/v1/children", None),
            (Method::POST, "/api/v1/children", Some(&body)),
        ] {
            let r = api.request(method.clone(), path, body).await?;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {method} {path}: {}", r.body);
            assert_eq!(r.content_type(), Some("application/problem+json"), "{what}");
            assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{what}");
        }
    }
    // A token in another scheme is not a bearer token.
    let r =
        w.t.anonymous_api()
            .send(
                w.t.anonymous_api()
                    .builder(Method::GET, "/api/v1/me")
                    .header("authorization", format!("Basic {}", w.token)),
            )
            .await?;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(caseload_total(&w.api()).await?, 0, "nothing was written");
    Ok(())
}

async fn only_the_owning_services_case_managers_create_children(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.org("ETE-A", "education").await?;
    let other_yjs = w.t.org("YJS-B", "yjs").await?;
    // An ETE coordinator inside the owning service itself.
    let (_, ete_token) = w.t.user("ete@yjs-a.example.org", "YJS-A", "ete_coordinator").await?;
    let (_, college_token) = w.t.user("ete@college.example.org", "ETE-A", "ete_coordinator").await?;
    let (_, manager_token) = w.t.user("boss@yjs-a.example.org", "YJS-A", "yjs_manager").await?;

    for (what, token, body) in [
        ("ETE coordinator in the service", &ete_token, w.child_body("Ada", "One")),
        ("ETE coordinator at a college", &college_token, w.child_body("Ada", "Two")),
        ("case manager of another service", &w.token, {
            let mut b = w.child_body("Ada", "Three");
            b["yjs_id"] = json!(other_yjs.id.to_string());
            b
        }),
    ] {
        let r = w.t.api(token).request(Method::POST, "/api/v1/children", Some(&body)).await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert_eq!(r.content_type(), Some("application/problem+json"), "{what}");
        assert!(!r.body["detail"].as_str().unwrap_or_default().is_empty(), "{what}");
    }
    assert_eq!(caseload_total(&w.api()).await?, 0);
    assert_eq!(caseload_total(&w.t.api(&ete_token)).await?, 0);

    // A manager of the service may, and is not named on the team (only case managers are).
    let (status, child) = w.t.api(&manager_token).post("/api/v1/children", &w.child_body("Ada", "Four")).await?;
    assert_eq!(status, StatusCode::CREATED, "{child}");
    assert_eq!(caseload_total(&w.api()).await?, 1, "the service is on the team");
    Ok(())
}

async fn patch_needs_the_current_version(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let child = w.child("Ada", "Lovelace").await?;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());

    let (status, v2) = api
        .patch(&path, &json!({"version": 1, "given_name": "Augusta", "reason": "Name on birth certificate"}))
        .await?;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], json!(2));
    assert_eq!(v2["given_name"], json!("Augusta"));
    assert_eq!(v2["family_name"], json!("Lovelace"), "absent fields are kept");
    assert_eq!(v2["nhs_number"], json!("9434765919"));
    assert_ne!(v2["updated_at"], child["updated_at"]);
    assert_eq!(v2["created_at"], child["created_at"]);
    let (_, read) = api.get(&path).await?;
    assert_eq!(read, v2);

    // Someone still holding version 1.
    let r = api.request(Method::PATCH, &path, Some(&json!({"version": 1, "family_name": "Byron"}))).await?;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.content_type(), Some("application/problem+json"));
    assert_eq!(r.body["current_version"], json!(2));
    let (_, read) = api.get(&path).await?;
    assert_eq!(read, v2, "nothing changed");

    // An empty string clears an optional field.
    let (status, v3) = api.patch(&path, &json!({"version": 2, "nhs_number": ""})).await?;
    assert_eq!(status, StatusCode::OK, "{v3}");
    assert_eq!((v3["version"].clone(), v3["nhs_number"].clone()), (json!(3), Value::Null));

    // No change: no new version.
    let (status, same) = api.patch(&path, &json!({"version": 3, "given_name": "Augusta"})).await?;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["version"], json!(3));

    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, child["id"].as_str().unwrap().parse()?).await.unwrap();
    let kinds: Vec<&str> = record.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["child.updated", "child.updated", "child.created"]);
    assert_eq!(record.timeline[1].reason.as_deref(), Some("Name on birth certificate"));
    Ok(())
}

async fn an_invalid_patch_changes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let child = w.child("Ada", "Lovelace").await?;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    for (what, body, field) in [
        ("invalid NHS number", json!({"version": 1, "nhs_number": "9434765918"}), "nhs_number"),
        ("impossible date", json!({"version": 1, "date_of_birth": "2012-13-01"}), "date_of_birth"),
        ("blank given name", json!({"version": 1, "given_name": ""}), "given_name"),
        ("unknown field", json!({"version": 1, "yjs_id": w.yjs.id.to_string()}), "yjs_id"),
        ("missing version", json!({"given_name": "Eve"}), "version"),
        ("version as text", json!({"version": "1", "given_name": "Eve"}), "version"),
        (
            "valid change, invalid other field",
            json!({"version": 1, "given_name": "Eve",
            "gender": "robot"}),
            "gender",
        ),
    ] {
        let r = api.request(Method::PATCH, &path, Some(&body)).await?;
        assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], field, what);
        let (_, read) = api.get(&path).await?;
        assert_eq!(read, child, "{what}: nothing changed");
    }
    let (status, _) = api.patch("/api/v1/children/not-an-id", &json!({"version": 1, "given_name": "Eve"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

async fn caseload_parameters_are_checked_and_pages_add_up(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    for (given, family) in [("Cy", "Cole"), ("Al", "Able"), ("Bo", "Bell")] {
        w.child(given, family).await?;
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["family_name"].as_str().unwrap().to_string()).collect()
    };
    let (_, all) = api.get("/api/v1/children").await?;
    assert_eq!(names(&all), ["Able", "Bell", "Cole"]);
    let (_, desc) = api.get("/api/v1/children?sort=name&dir=desc").await?;
    assert_eq!(names(&desc), ["Cole", "Bell", "Able"]);
    let (_, p2) = api.get("/api/v1/children?per_page=2&page=2").await?;
    assert_eq!(names(&p2), ["Cole"]);
    assert_eq!((p2["total"].clone(), p2["page"].clone(), p2["per_page"].clone()), (json!(3), json!(2), json!(2)));
    for (what, query, field) in [
        ("per_page 0", "per_page=0", "per_page"),
        ("per_page 201", "per_page=201", "per_page"),
        ("page 0", "page=0", "page"),
        ("page past the last that may be asked for", "page=100001", "page"),
        ("unknown sort", "sort=shoe_size", "sort"),
        ("unknown direction", "dir=up", "dir"),
        ("organisation not an id", "organisation_id=YJS-A", "organisation_id"),
    ] {
        let r = api.request(Method::GET, &format!("/api/v1/children?{query}"), None).await?;
        assert_problem(&r, &[StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY], field, what);
    }
    Ok(())
}

async fn openapi_describes_the_api(b: Backend) -> anyhow::Result<()> {
    let t = spawn_app(b).await?;
    let (status, doc) = t.anonymous_api().get("/api/openapi.json").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/healthz", &["get"][..]),
        ("/api/v1/me", &["get"]),
        ("/api/v1/children", &["get", "post"]),
        ("/api/v1/children/{id}", &["get", "patch"]),
        ("/api/v1/children/{id}/team", &["post"]),
    ] {
        let p = paths.get(path).unwrap_or_else(|| panic!("{path} missing from {:?}", paths.keys()));
        for m in methods {
            assert!(p.get(*m).is_some(), "{m} {path} missing");
        }
    }
    assert!(doc["paths"]["/api/v1/children"]["post"]["responses"]["201"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object(), "bearer auth described");
    Ok(())
}

async fn api_answers_carry_the_security_headers(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    for r in [
        w.api().request(Method::GET, "/api/v1/children", None).await?,
        w.t.anonymous_api().request(Method::GET, "/api/v1/me", None).await?,
        w.t.anonymous_api().request(Method::GET, "/healthz", None).await?,
    ] {
        crate::pages::assert_security_headers(&r.headers, "API");
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert!(r.header("x-request-id").is_some_and(|v| !v.is_empty()), "request id echoed");
    }
    Ok(())
}

async fn concurrent_changes_to_one_child_let_exactly_one_through(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    // Ten people who all read version 1 save at once.
    let mut tasks = Vec::new();
    for n in 0..10 {
        let api = w.api();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            api.patch(&path, &json!({"version": 1, "given_name": format!("Name {n}")})).await
        }));
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for t in tasks {
        let (status, body) = t.await??;
        match status {
            StatusCode::OK => winners.push(body["given_name"].clone()),
            StatusCode::CONFLICT => {
                assert_eq!(body["current_version"], json!(2), "{body}");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((winners.len(), conflicts), (1, 9), "exactly one change wins");
    let (_, now) = w.api().get(&path).await?;
    assert_eq!(now["version"], json!(2));
    assert_eq!(now["given_name"], winners[0]);
    let ctx = w.t.ctx(&w.cm).await?;
    let record = w.t.app.child_record(&ctx, child["id"].as_str().unwrap().parse()?).await.unwrap();
    assert_eq!(record.timeline.len(), 2, "one creation, one change");
    Ok(())
}

async fn children_created_at_the_same_time_are_all_kept(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let api = w.api();
        let body = w.child_body("Twin", &format!("Number{n:02}"));
        tasks.push(tokio::spawn(async move { api.post("/api/v1/children", &body).await }));
    }
    for t in tasks {
        let (status, body) = t.await??;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, page) = w.api().get("/api/v1/children?per_page=200").await?;
    assert_eq!(page["total"], json!(20));
    assert_eq!(w.t.db.count("team_members").await?, 20);
    assert_eq!(w.t.db.count("timeline_entries").await?, 20);
    Ok(())
}

async fn a_team_membership_that_has_ended_or_not_begun_gives_no_access(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Ada", "Lovelace").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let today = w.t.app.today();
    let mut people = Vec::new();
    for (code, kind, role, started, ended) in [
        ("ETE-OLD", "education", "ete_coordinator", today.checked_sub(60.days())?, Some(today.yesterday()?)),
        ("LA-SOON", "local_authority", "accommodation_officer", today.tomorrow()?, None),
        ("HLT-LAST", "health", "custody_health", today.checked_sub(60.days())?, Some(today)),
    ] {
        let org = w.t.org(code, kind).await?;
        let (_, token) = w.t.user(&format!("someone@{}.example.org", code.to_lowercase()), code, role).await?;
        let mut body = json!({"organisation_id": org.id.to_string(), "role": role,
            "responsibility": "Part of the plan", "started_on": started.to_string()});
        if let Some(end) = ended {
            body["ended_on"] = json!(end.to_string());
        }
        let (status, added) = w.api().post(&format!("/api/v1/children/{id}/team"), &body).await?;
        assert_eq!(status, StatusCode::CREATED, "{code}: {added}");
        people.push((code, w.t.api(&token)));
    }
    for (code, api) in &people {
        let (status, _) = api.get(&format!("/api/v1/children/{id}")).await?;
        let expected = if *code == "HLT-LAST" { StatusCode::OK } else { StatusCode::NOT_FOUND };
        assert_eq!(status, expected, "{code}");
        assert_eq!(caseload_total(api).await?, u64::from(*code == "HLT-LAST"), "{code}");
    }
    Ok(())
}

async fn a_browser_session_does_not_authenticate_the_api(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let session = browser.cookie("resettle_session").expect("signed in");
    // The API skips the cross-site checks because it takes no cookies: a page on another
    // site must not be able to post to it with the browser's session.
    let api = w.t.anonymous_api();
    let cookie = format!("resettle_session={session}");
    let r = api
        .send(
            api.builder(Method::POST, "/api/v1/children")
                .header("cookie", &cookie)
                .header("origin", "https://evil.example")
                .json(&w.child_body("Ada", "Lovelace")),
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = api.send(api.builder(Method::GET, "/api/v1/me").header("cookie", &cookie)).await?;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(caseload_total(&w.api()).await?, 0);
    Ok(())
}
