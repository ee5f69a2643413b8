//! The audit trail on every backend: reads and writes recorded, tampering detected.

use reqwest::StatusCode;
use resettle_domain::audit::ChainBreak;
use resettle_testkit::{Backend, TestDb};
use serde_json::json;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    reads_writes_and_sign_ins_are_audited_and_the_chain_verifies,
    an_edited_audit_row_is_detected_and_named,
    free_text_kept_apart_can_be_erased_but_not_changed,
    a_deleted_audit_row_is_detected_and_named,
    removing_the_newest_audit_rows_is_detected,
    the_database_refuses_to_change_or_remove_audit_entries,
    removing_the_newest_entries_and_resetting_the_head_is_caught_by_a_checkpoint,
    an_entry_rewritten_without_the_audit_key_is_detected,
    refused_access_and_administrative_changes_are_audited,
    one_checkpoint_file_serves_several_databases_without_mixing_them,
    case_managers_see_who_viewed_the_record_and_others_do_not,
    concurrent_reads_are_each_audited_once_in_one_unbroken_chain,
    a_change_whose_audit_entry_cannot_be_written_is_not_made,
);

/// Runs `sql` on the test database directly, as someone with database access would.
pub(crate) async fn run_sql(db: &TestDb, sql: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await?;
            sqlx::Executor::execute(&mut c, sql).await?;
            c.close().await?;
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await?;
            sqlx::Executor::execute(&mut c, sql).await?;
            c.close().await?;
        }
    }
    Ok(())
}

/// Runs `sql` as an insider who can also change the schema: first removes the triggers that
/// keep the audit trail (and its details) append-only.
async fn tamper(db: &TestDb, sql: &str) -> anyhow::Result<()> {
    let unguard = match db.backend {
        Backend::Sqlite => {
            "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; \
             DROP TRIGGER IF EXISTS audit_details_no_update; DROP TRIGGER IF EXISTS audit_details_erased_only;"
        }
        Backend::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_details DISABLE TRIGGER USER;"
        }
    };
    run_sql(db, unguard).await?;
    run_sql(db, sql).await
}

/// A service with some history: a child created, read twice and changed.
async fn with_history(b: Backend) -> anyhow::Result<Yjs> {
    let w = Yjs::start(b).await?;
    let child = w.child("Aud", "It").await?;
    let id = child["id"].as_str().unwrap();
    for _ in 0..2 {
        let (status, _) = w.api().get(&format!("/api/v1/children/{id}")).await?;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) =
        w.api().patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "first_language": "Welsh"})).await?;
    assert_eq!(status, StatusCode::OK);
    Ok(w)
}

async fn reads_writes_and_sign_ins_are_audited_and_the_chain_verifies(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let ctx = w.t.ctx(&w.cm).await?;
    let child_id = w.t.app.caseload(&ctx, &Default::default()).await?.items[0].id;
    let entries = w.t.app.store().child_audit(child_id, 100).await?;
    let actions: Vec<(&str, &str)> = entries.iter().rev().map(|e| (e.action.as_str(), e.resource.as_str())).collect();
    // Created, read twice, then read and changed by the PATCH.
    assert_eq!(
        actions,
        [("write", "child"), ("read", "child"), ("read", "child"), ("read", "child"), ("write", "child")],
        "{entries:?}"
    );
    for e in &entries {
        assert_eq!(e.user_id, Some(w.cm.id));
        assert!(e.membership_id.is_some(), "acting as a membership");
        assert_ne!(e.request_id, "-", "the request id is recorded");
        assert_eq!(e.ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.purpose, "case management");
    }
    // A failed and a successful sign-in are audited too.
    let browser = w.t.browser()?;
    let _ = browser.sign_in("casey.manager@yjs-a.example.org", "wrong password here").await;
    let (head, _) = w.t.app.store().audit_head().await?;
    let last = w.t.app.store().audit_entries(head - 1, 10).await?;
    assert_eq!(last[0].action, "sign_in_failed");
    assert_eq!(last[0].user_id, Some(w.cm.id));
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn an_edited_audit_row_is_detected_and_named(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    assert!(matches!(w.t.app.verify_audit().await?, Ok(n) if n >= 4));
    tamper(&w.t.db, "UPDATE audit_log SET action = 'write' WHERE seq = 2").await?;
    assert_eq!(w.t.app.verify_audit().await?, Err(ChainBreak::Changed { seq: 2 }));
    Ok(())
}

async fn free_text_kept_apart_can_be_erased_but_not_changed(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    // The database refuses to change or remove them outside an erasure (migration 0017)…
    assert!(run_sql(&w.t.db, "UPDATE audit_details SET purpose = 'curiosity' WHERE seq = 2").await.is_err());
    assert!(run_sql(&w.t.db, "DELETE FROM audit_details WHERE seq = 2").await.is_err());
    // …and they are kept apart from the chained row: changing them behind its back is caught…
    tamper(&w.t.db, "UPDATE audit_details SET purpose = 'curiosity' WHERE seq = 2").await?;
    assert_eq!(w.t.app.verify_audit().await?, Err(ChainBreak::Changed { seq: 2 }));
    // …while erasing them (as a retention erasure does) leaves the chain verifiable.
    tamper(&w.t.db, "DELETE FROM audit_details WHERE seq = 2").await?;
    assert!(w.t.app.verify_audit().await?.is_ok());
    let entry = w.t.app.store().audit_entries(1, 1).await?;
    assert!(entry[0].details_erased && entry[0].purpose.is_empty(), "{entry:?}");
    Ok(())
}

async fn a_deleted_audit_row_is_detected_and_named(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    tamper(&w.t.db, "DELETE FROM audit_log WHERE seq = 3").await?;
    assert_eq!(w.t.app.verify_audit().await?, Err(ChainBreak::Removed { seq: 3, next: 4 }));
    Ok(())
}

async fn removing_the_newest_audit_rows_is_detected(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let (head, _) = w.t.app.store().audit_head().await?;
    tamper(&w.t.db, &format!("DELETE FROM audit_log WHERE seq = {head}")).await?;
    assert_eq!(w.t.app.verify_audit().await?, Err(ChainBreak::Truncated { last: head - 1, head }));
    Ok(())
}

async fn case_managers_see_who_viewed_the_record_and_others_do_not(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let ctx = w.t.ctx(&w.cm).await?;
    let id = w.t.app.caseload(&ctx, &Default::default()).await?.items[0].id;
    // An ETE coordinator on the team reads the record, and shows up in the log.
    w.t.org("EDU-A", "education").await?;
    let (_, ete) = w.t.user("ete@edu-a.example.org", "EDU-A", "ete_coordinator").await?;
    let (status, _) = w
        .api()
        .post(&format!("/api/v1/children/{id}/team"), &json!({"organisation_id": w.t.app.find_organisation("EDU-A").await?.unwrap().id.to_string(), "role": "ete_coordinator", "responsibility": "college place"}))
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = w.t.api(&ete).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(status, StatusCode::OK);

    let (status, log) = w.api().get(&format!("/api/v1/children/{id}/audit")).await?;
    assert_eq!(status, StatusCode::OK, "{log}");
    let newest = &log["items"][0];
    assert_eq!(newest["action"], json!("read"));
    let ete_user = resettle_domain::org::Email::parse("ete@edu-a.example.org").map_err(anyhow::Error::msg)?;
    let ete_id = w.t.app.store().user_by_email(&ete_user).await?.unwrap().user.id;
    assert_eq!(newest["user_id"], json!(ete_id.to_string()), "{newest}");
    assert!(!newest["organisation"].as_str().unwrap().is_empty(), "{newest}");
    assert!(log["items"].as_array().unwrap().iter().any(|l| l["resource"] == "child.team" && l["action"] == "write"));
    let (status, _) = w.t.api(&ete).get(&format!("/api/v1/children/{id}/audit")).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "only case managers and managers");

    // The page shows it to the case manager, and the CSV export is there.
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get(&format!("/children/{id}")).await?;
    assert!(page.body.contains("Who has viewed this record"), "{}", page.body);
    let csv = browser.get(&format!("/children/{id}/audit.csv")).await?;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap_or_default().starts_with("text/csv"));
    assert!(csv.body.starts_with("seq,when_utc,who,organisation,action,resource"), "{}", csv.body);
    assert!(csv.body.lines().count() > 5);
    Ok(())
}

/// Reads made at the same moment share group commits: each is still answered only after its
/// own entry is written, every one is recorded exactly once, and the chain stays unbroken.
async fn concurrent_reads_are_each_audited_once_in_one_unbroken_chain(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let child = w.child("Con", "Current").await?;
    let id = child["id"].as_str().unwrap().to_string();
    let (before, _) = w.t.app.store().audit_head().await?;
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let (api, path) = (w.api(), format!("/api/v1/children/{id}"));
        reads.spawn(async move { api.get(&path).await });
    }
    while let Some(read) = reads.join_next().await {
        let (status, _) = read??;
        assert_eq!(status, StatusCode::OK);
    }
    let (after, _) = w.t.app.store().audit_head().await?;
    assert_eq!(after - before, 40, "one entry per read, no more and no fewer");
    let entries = w.t.app.store().audit_entries(before, 100).await?;
    assert_eq!(entries.len(), 40);
    let mut ids: Vec<&str> = entries.iter().map(|e| e.request_id.as_str()).collect();
    assert!(entries.iter().all(|e| e.action == "read" && e.resource == "child"), "{entries:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40, "each request has its own entry");
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn the_database_refuses_to_change_or_remove_audit_entries(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let statements = match b {
        Backend::Sqlite => {
            vec!["UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 3"]
        }
        Backend::Postgres => vec![
            "UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 3",
            "TRUNCATE audit_log",
        ],
    };
    for sql in statements {
        let e = run_sql(&w.t.db, sql).await.expect_err(sql);
        assert!(format!("{e:#}").contains("append-only"), "{sql}: {e:#}");
    }
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn removing_the_newest_entries_and_resetting_the_head_is_caught_by_a_checkpoint(
    b: Backend,
) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let published = w.t.app.publish_audit_checkpoint().await?.expect("a checkpoint");
    assert!(w.t.app.verify_audit().await?.is_ok());
    // An insider removes the two newest entries and sets the head back to match: the chain
    // and head alone agree again…
    let head = published.seq;
    let kept = w.t.app.store().audit_entries(head - 3, 1).await?;
    let last = &kept[0];
    tamper(&w.t.db, &format!("DELETE FROM audit_log WHERE seq > {}", last.seq)).await?;
    run_sql(&w.t.db, &format!("UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1", last.seq, last.hash)).await?;
    // …but not the checkpoint published outside the database.
    assert_eq!(w.t.app.verify_audit().await?, Err(ChainBreak::Truncated { last: last.seq, head }));
    Ok(())
}

async fn an_entry_rewritten_without_the_audit_key_is_detected(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let entries = w.t.app.store().audit_entries(0, 100).await?;
    assert!(entries.iter().all(|e| e.keyed), "every entry is keyed");
    // The insider rewrites entry 2 and recomputes its hash as the unkeyed chain would, then
    // relinks entry 3: without the key, the hashes cannot be made to fit.
    let mut forged = entries[1].clone();
    forged.purpose = "curiosity".into();
    forged.keyed = false;
    forged.hash = resettle_domain::audit::entry_hash(&forged, None);
    let keyed = if b == Backend::Sqlite { "0" } else { "FALSE" };
    tamper(
        &w.t.db,
        &format!(
            "UPDATE audit_log SET purpose = 'curiosity', keyed = {keyed}, hash = '{}' WHERE seq = 2; \
             UPDATE audit_log SET prev_hash = '{}' WHERE seq = 3",
            forged.hash, forged.hash
        ),
    )
    .await?;
    assert!(matches!(w.t.app.verify_audit().await?, Err(ChainBreak::Changed { .. })));
    Ok(())
}

async fn refused_access_and_administrative_changes_are_audited(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let ctx = w.t.ctx(&w.cm).await?;
    let id = w.t.app.caseload(&ctx, &Default::default()).await?.items[0].id;
    w.t.org("YJS-B", "yjs").await?;
    let (_, other) = w.t.user("olly@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let (s, _) = w.t.api(&other).get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let entries = w.t.app.store().child_audit(id, 100).await?;
    assert!(entries.iter().any(|e| e.action == "refused" && e.resource == "child"), "{entries:?}");
    // Adding the organisation and the user above were administrative changes.
    let (head, _) = w.t.app.store().audit_head().await?;
    let all = w.t.app.store().audit_entries(0, u32::try_from(head)?).await?;
    assert!(all.iter().any(|e| e.action == "admin" && e.resource == "organisation"), "{all:?}");
    assert!(all.iter().any(|e| e.action == "admin" && e.resource == "user"), "{all:?}");
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn one_checkpoint_file_serves_several_databases_without_mixing_them(b: Backend) -> anyhow::Result<()> {
    let (one, two) = (with_history(b).await?, with_history(b).await?);
    let file = std::env::temp_dir().join(format!("resettle-shared-{}.checkpoints", uuid::Uuid::new_v4().simple()));
    let config = || resettle_app::Config { audit_checkpoints: Some(file.clone()), ..Default::default() };
    let (a, b2) = (
        resettle_app::App::new(one.t.db.store.clone(), config()),
        resettle_app::App::new(two.t.db.store.clone(), config()),
    );
    a.publish_audit_checkpoint().await?.expect("a checkpoint");
    b2.publish_audit_checkpoint().await?.expect("a checkpoint");
    assert_eq!(std::fs::read_to_string(&file)?.lines().count(), 2);
    assert!(a.verify_audit().await?.is_ok());
    assert!(b2.verify_audit().await?.is_ok());
    // Each is still held to its own checkpoint.
    let (head, _) = two.t.app.store().audit_head().await?;
    let kept = &two.t.app.store().audit_entries(head - 2, 1).await?[0];
    tamper(&two.t.db, &format!("DELETE FROM audit_log WHERE seq > {}", kept.seq)).await?;
    run_sql(&two.t.db, &format!("UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1", kept.seq, kept.hash))
        .await?;
    assert_eq!(b2.verify_audit().await?, Err(ChainBreak::Truncated { last: kept.seq, head }));
    assert!(a.verify_audit().await?.is_ok());
    let _ = std::fs::remove_file(&file);
    Ok(())
}

/// A change and its audit entry are one transaction: when the entry cannot be written, the
/// change is not made either (and the person is told it failed).
async fn a_change_whose_audit_entry_cannot_be_written_is_not_made(b: Backend) -> anyhow::Result<()> {
    let w = with_history(b).await?;
    let ctx = w.t.ctx(&w.cm).await?;
    let id = w.t.app.caseload(&ctx, &Default::default()).await?.items[0].id;
    let (head, _) = w.t.app.store().audit_head().await?;
    // The database now refuses new audit entries about writes.
    let refuse = match b {
        Backend::Sqlite => {
            "CREATE TRIGGER refuse_write_audit BEFORE INSERT ON audit_log WHEN NEW.action IN ('write', 'admin') \
             BEGIN SELECT RAISE(ABORT, 'no audit today'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION refuse_write_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.action IN ('write', 'admin') THEN RAISE EXCEPTION 'no audit today'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_write_audit BEFORE INSERT ON audit_log FOR EACH ROW \
             EXECUTE FUNCTION refuse_write_audit();"
        }
    };
    run_sql(&w.t.db, refuse).await?;
    let path = format!("/api/v1/children/{id}");
    let (status, _) = w.api().patch(&path, &json!({"version": 2, "first_language": "Polish"})).await?;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let carer = resettle_domain::child::CarerInput {
        name: Some("Ola Nowak".into()),
        relationship: Some("Aunt".into()),
        ..Default::default()
    };
    assert!(w.t.app.add_carer(&ctx, id, &carer).await.is_err(), "adding a carer fails");
    let (status, child) = w.api().get(&path).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(child["version"], 2, "the change was not made: {child}");
    assert_eq!(child["first_language"], "Welsh");
    assert!(w.t.app.store().carers(id).await?.is_empty(), "no carer was added");
    // Administrative changes too.
    let made = w.t.app.create_organisation(resettle_app::Principal::Operator, "YJS-Z", "Zed YJS", "yjs").await;
    assert!(made.is_err(), "adding an organisation fails");
    let code = resettle_domain::org::OrgCode::parse("YJS-Z").map_err(anyhow::Error::msg)?;
    assert!(w.t.app.store().organisation_by_code(&code).await?.is_none(), "no organisation was added");
    let timeline = w.t.app.store().timeline(id, 100).await?;
    assert!(timeline.iter().all(|e| !e.summary.contains("Polish") && e.kind != "carer.added"), "{timeline:?}");
    // Reads are still audited, and the chain is whole.
    let (after, _) = w.t.app.store().audit_head().await?;
    assert!(after > head, "the reads were audited");
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}
