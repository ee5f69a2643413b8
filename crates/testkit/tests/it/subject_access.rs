//! Subject access (UK GDPR article 15): a data protection officer records a request about a
//! child of their service and exports everything held about the child; health content goes in
//! only after a health professional on the team has reviewed it; third parties' details are
//! redacted; each step is audited. The export holds every row about the child in every table
//! (checked against the schema, so a new table cannot be forgotten).

use std::io::Read;

use reqwest::StatusCode;
use resettle_app::storage::HELD_TABLES;
use resettle_app::subject_access::{HealthChoice, Officer};
use resettle_domain::ids::ChildId;
use resettle_testkit::{Backend, TestDb};
use serde_json::{Value, json};
use sqlx::Connection;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_synthetic_childs_export_holds_every_row_held_about_them,
    the_officer_exports_after_the_health_review,
    the_command_line_exports_a_request
);

/// The tables with a `child_id` column, read from the database itself.
async fn tables_with_child_column(db: &TestDb) -> anyhow::Result<Vec<String>> {
    Ok(match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await?;
            let t = sqlx::query_scalar(
                "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND p.name = 'child_id' ORDER BY m.name",
            )
            .fetch_all(&mut c)
            .await?;
            c.close().await?;
            t
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await?;
            let t = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.columns \
                 WHERE column_name = 'child_id' AND table_schema = current_schema() ORDER BY 1",
            )
            .fetch_all(&mut c)
            .await?;
            c.close().await?;
            t
        }
    })
}

/// The child's id as a literal of the backend's SQL.
fn literal(b: Backend, id: ChildId) -> String {
    match b {
        Backend::Sqlite => format!("X'{}'", id.0.simple()),
        Backend::Postgres => format!("'{}'::uuid", id.0),
    }
}

fn unzip(bytes: &[u8]) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i)?;
        let mut text = String::new();
        f.read_to_string(&mut text)?;
        files.insert(f.name()?.to_string(), text);
    }
    Ok(files)
}

async fn a_synthetic_childs_export_holds_every_row_held_about_them(b: Backend) -> anyhow::Result<()> {
    let t = resettle_testkit::spawn_app(b).await?;
    let hash = resettle_app::secrets::hash_password("a long synthetic passphrase").map_err(anyhow::Error::msg)?;
    let mut generator = resettle_synth::Generator::new(7, 60, t.app.today(), &hash).map_err(anyhow::Error::msg)?;
    t.app.store().load_synthetic(generator.base()).await?;
    let mut children = Vec::new();
    for batch in generator.by_ref() {
        children.extend(batch.children.iter().map(|c| c.id));
        t.app.store().load_synthetic(&batch).await?;
    }

    // Every table that names a child is in the export's list (the audit trail is given apart,
    // as who accessed the record).
    for table in tables_with_child_column(&t.db).await? {
        // Erasures' tombstones name an identifier only, and outlive the record they replace.
        if table == "audit_log" || table == "erasures" {
            continue;
        }
        assert!(HELD_TABLES.iter().any(|h| h.table == table), "{table} holds children's rows but is not exported");
    }

    // The child with the most kinds of record.
    let mut richest = (0, children[0]);
    for c in &children {
        let held = t.app.store().rows_about_child(*c, true).await?.len();
        if held > richest.0 {
            richest = (held, *c);
        }
    }
    let child = richest.1;
    assert!(richest.0 >= 15, "a synthetic child with many kinds of record: {}", richest.0);

    let request = t.app.start_subject_access(Officer::Operator, child, "SAR-7", t.app.today()).await?;
    // No health review yet: refused while health content is held, nothing counted.
    let refused = t.app.subject_access_export(Officer::Operator, request.id, HealthChoice::AsReviewed).await;
    assert!(matches!(refused, Err(resettle_app::AppError::Invalid(_))), "{refused:?}");
    let export = t.app.subject_access_export(Officer::Operator, request.id, HealthChoice::LeaveOut).await?;
    assert!(!export.health_included && export.fhir.is_none());

    // Every row about the child, table by table, as the database counts them; the health
    // tables are left out.
    let id = literal(b, child);
    for h in HELD_TABLES {
        let health = resettle_domain::subject_access::HEALTH_TABLES.contains(&h.table);
        let condition = match h.without_health {
            Some(extra) => format!("{} AND {extra}", h.about_child),
            None => h.about_child.to_string(),
        };
        let want = if health {
            0
        } else {
            t.db.count(&format!("{} x WHERE {}", h.table, condition.replace("$1", &id))).await?
        };
        let got = export.tables.iter().find(|x| x.table == h.table).map_or(0, |x| x.rows.len());
        assert_eq!(got as i64, want, "{}: rows in the export", h.table);
    }
    // Health needs and health timeline entries stay out with the health tables.
    for t in &export.tables {
        for row in &t.rows {
            if t.table == "needs" {
                let pathway = row["pathway"].as_str().unwrap_or_default();
                assert!(pathway != "health" && pathway != "substance_misuse", "{row:?}");
            }
            if t.table == "timeline_entries" {
                assert!(!row["kind"].as_str().unwrap_or_default().starts_with("health."), "{row:?}");
            }
        }
    }

    let files = unzip(&resettle_web::sar_export::zip(&export).map_err(anyhow::Error::msg)?)?;
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), ["README.txt", "record.html", "record.json"]);
    let json: Value = serde_json::from_str(&files["record.json"])?;
    let rows: usize =
        json["tables"].as_object().map_or(0, |m| m.values().map(|v| v.as_array().map_or(0, Vec::len)).sum());
    assert_eq!(rows, export.tables.iter().map(|t| t.rows.len()).sum::<usize>());
    let d = &export.child.details;
    let html = &files["record.html"];
    assert!(html.contains(&format!("{} {}", d.given_name, d.family_name)));
    assert!(html.contains(&d.date_of_birth.strftime("%-d %B %Y").to_string()), "dates in words");
    assert!(!html.contains(&d.date_of_birth.to_string()), "no ISO dates in the readable copy");
    // Carers' contact details are redacted; staff are named by role only.
    if let Some(carers) = json["tables"]["carers"].as_array() {
        for c in carers {
            assert!(c["phone"].is_null() || c["phone"] == "[redacted]", "{c}");
        }
    }
    if let Some(entries) = json["tables"]["timeline_entries"].as_array() {
        assert!(entries.iter().all(|e| e["actor_name"] == "[a member of staff]" || e["actor_name"].is_null()));
    }
    assert_eq!(t.db.count("audit_log WHERE resource = 'subject_access.export'").await?, 1);
    Ok(())
}

async fn the_officer_exports_after_the_health_review(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let c = w.child("Saffron", "Asker").await?;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let (s, r) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/health/records"),
            &json!({"category": "mental_health", "summary": "Low mood since the move"}),
        )
        .await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {r}");
    let cm = w.t.browser()?;
    cm.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let cm_csrf = cm.csrf_token("/account/sessions").await?;
    let carer = [
        ("csrf_token", cm_csrf.as_str()),
        ("name", "Pat Asker"),
        ("relationship", "Mother"),
        ("phone", "07700 900123"),
        ("email", ""),
        ("address", ""),
        ("parental_responsibility", "yes"),
    ];
    let r = cm.post_form(&format!("/children/{id}/carers"), &carer).await?;
    anyhow::ensure!(r.status == StatusCode::SEE_OTHER, "{} {}", r.status, r.body);
    w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    w.t.user("dora.dpo@yjs-a.example.org", "YJS-A", "data_protection_officer").await?;
    w.t.org("YJS-B", "yjs").await?;
    w.t.user("other.dpo@yjs-b.example.org", "YJS-B", "data_protection_officer").await?;

    let dpo = w.t.browser()?;
    dpo.sign_in_ok("dora.dpo@yjs-a.example.org").await?;
    assert_eq!(dpo.get("/").await?.location(), Some("/subject-access"), "the officer lands on their requests");
    // No case access: the record itself is not found.
    assert_eq!(dpo.get(&format!("/children/{id}")).await?.status, StatusCode::NOT_FOUND);
    let csrf = dpo.csrf_token("/subject-access").await?;

    let found = dpo
        .post_form(
            "/subject-access/find",
            &[
                ("csrf_token", &csrf),
                ("family_name", "asker"),
                ("born_on-day", ""),
                ("born_on-month", ""),
                ("born_on-year", ""),
            ],
        )
        .await?;
    assert_eq!(found.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(found.body.contains("s date of birth</a>"), "the error names the field");
    let born = c["date_of_birth"].as_str().unwrap_or_default().parse::<jiff::civil::Date>()?;
    let (day, month, year) = (born.day().to_string(), born.month().to_string(), born.year().to_string());
    let found = dpo
        .post_form(
            "/subject-access/find",
            &[
                ("csrf_token", &csrf),
                ("family_name", "ASKER"),
                ("born_on-day", &day),
                ("born_on-month", &month),
                ("born_on-year", &year),
            ],
        )
        .await?;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("Saffron Asker"), "found by last name in any case");

    // The day received cannot be in the future; the reference is needed.
    let tomorrow = w.t.app.today().tomorrow()?;
    let start = |reference: &'static str, d: jiff::civil::Date| {
        let (day, month, year) = (d.day().to_string(), d.month().to_string(), d.year().to_string());
        let (csrf, id) = (csrf.clone(), id.clone());
        let dpo = &dpo;
        async move {
            dpo.post_form(
                "/subject-access",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("child_id", id.as_str()),
                    ("reference", reference),
                    ("received_on-day", &day),
                    ("received_on-month", &month),
                    ("received_on-year", &year),
                ],
            )
            .await
        }
    };
    let r = start("SAR-2026-014", tomorrow).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("today or in the past"));
    let r = start("", w.t.app.today()).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.t.db.count("subject_access_requests").await?, 0, "refused requests change nothing");
    let r = start("SAR-2026-014", w.t.app.today()).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap_or_default().to_string();
    let sar = page.trim_start_matches("/subject-access/").split('?').next().unwrap_or_default().to_string();
    let shown = dpo.get(&page).await?;
    assert!(shown.body.contains("Request SAR-2026-014 is recorded"));
    assert!(shown.body.contains("Waiting for a health professional"));

    // Another service's officer: not found.
    let other = w.t.browser()?;
    other.sign_in_ok("other.dpo@yjs-b.example.org").await?;
    assert_eq!(other.get(&page).await?.status, StatusCode::NOT_FOUND);

    // Before the review, the health content cannot go; the rest can.
    let export = |health: &'static str| {
        let (csrf, sar) = (csrf.clone(), sar.clone());
        let dpo = &dpo;
        async move {
            dpo.post_form(
                &format!("/subject-access/{sar}/export"),
                &[("csrf_token", csrf.as_str()), ("health", health)],
            )
            .await
        }
    };
    let r = export("as-reviewed").await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("review"), "{}", r.body);
    let r = export("leave-out").await?;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/zip"));
    let files = unzip(&r.bytes)?;
    assert!(!files.contains_key("health-record.fhir.json"));
    let json: Value = serde_json::from_str(&files["record.json"])?;
    assert!(json["tables"]["health_records"].is_null(), "no health content before the review");
    assert_eq!(json["tables"]["carers"][0]["phone"], "[redacted]");
    assert_eq!(json["tables"]["carers"][0]["name"], "Pat Asker");
    assert!(!files["record.html"].contains("07700 900123"));
    assert!(!files["record.html"].contains("Low mood"));

    // Only a health professional on the team reviews: the case manager may not.
    let review = format!("/children/{id}/health/subject-access/{sar}");
    let r = cm.post_form(&review, &[("csrf_token", &cm_csrf), ("decision", "release")]).await?;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let hw = w.t.browser()?;
    hw.sign_in_ok("hana.health@yjs-a.example.org").await?;
    let health = hw.get(&format!("/children/{id}/health")).await?;
    assert!(health.body.contains("Review the health content for a subject access request"));
    assert!(health.body.contains("SAR-2026-014"));
    let hw_csrf = hw.csrf_token("/account/sessions").await?;
    let r = hw.post_form(&review, &[("csrf_token", &hw_csrf), ("decision", "withhold"), ("note", " ")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "withholding needs reasons");
    let r = hw.post_form(&review, &[("csrf_token", &hw_csrf), ("decision", "release"), ("note", "")]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(hw.get(r.location().unwrap_or_default()).await?.body.contains("Your review is recorded"));
    assert_eq!(w.t.db.count("subject_access_requests WHERE review_decision = 'release'").await?, 1);

    let r = export("as-reviewed").await?;
    assert_eq!(r.status, StatusCode::OK);
    let files = unzip(&r.bytes)?;
    assert!(files.contains_key("health-record.fhir.json"));
    let json: Value = serde_json::from_str(&files["record.json"])?;
    assert_eq!(json["tables"]["health_records"][0]["summary"], "Low mood since the move");
    assert!(files["record.html"].contains("Low mood since the move"));
    // Who looked: the case manager, by role and organisation, not by name.
    assert!(files["record.html"].contains("YJS case manager"));
    assert!(!files["record.html"].contains("casey manager"));
    assert_eq!(w.t.db.count("audit_log WHERE resource = 'subject_access.export'").await?, 2);
    assert_eq!(w.t.db.count("audit_log WHERE resource = 'subject_access.health_review'").await?, 1);
    assert!(dpo.get(&page).await?.body.contains("2, the last on"));
    Ok(())
}

async fn the_command_line_exports_a_request(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let c = w.child("Cleo", "Line").await?;
    let dir = std::env::temp_dir().join(format!("resettle-sar-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let to = dir.join("copy.zip");
    let args = resettle_cli::sar::ExportArgs {
        db: resettle_cli::Db { database_url: w.t.db.url.clone(), config: None },
        child: c["id"].as_str().unwrap_or_default().to_string(),
        to: to.clone(),
        reference: "SAR/CLI/1".into(),
        received_on: Some("2100-01-01".into()),
        without_health: false,
    };
    let refused = resettle_cli::sar::export(&w.t.app, &args).await;
    assert!(refused.is_err(), "a day received in the future is refused");
    assert!(!to.exists(), "nothing written");
    let args = resettle_cli::sar::ExportArgs { received_on: None, ..args };
    let said = resettle_cli::sar::export(&w.t.app, &args).await?;
    assert!(said.contains("SAR/CLI/1"), "{said}");
    let files = unzip(&std::fs::read(&to)?)?;
    let json: Value = serde_json::from_str(&files["record.json"])?;
    assert_eq!(json["child"]["given_name"], "Cleo");
    assert_eq!(json["request"]["requested_by_name"], "Operator");
    // A second export of the same request: a new file, never over the first.
    assert!(resettle_cli::sar::export(&w.t.app, &args).await.is_err(), "the file exists");
    let again = resettle_cli::sar::ExportArgs { to: dir.join("again.zip"), ..args };
    resettle_cli::sar::export(&w.t.app, &again).await?;
    assert_eq!(w.t.db.count("subject_access_requests").await?, 1, "the same request, exported twice");
    assert_eq!(w.t.db.count("subject_access_requests WHERE export_count = 2").await?, 1);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
