//! Backups and restores (`resettle backup`, `resettle restore`): a backup taken while writes
//! go on restores with every write acknowledged before it began, its audit trail verifies and
//! records the restore, a non-empty database is not overwritten, and checkpoints published
//! after the backup are set aside and reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use resettle_app::storage::Storage;
use resettle_app::{App, Config};
use resettle_cli::Db;
use resettle_cli::backup::{BackupArgs, RestoreArgs, backup, manifest_path, restore};
use resettle_domain::audit::AuditKey;
use resettle_store_postgres::PostgresStore;
use resettle_store_sqlite::SqliteStore;
use resettle_testkit::{Backend, fresh_db, test_audit_key};
use sqlx::Connection;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    a_backup_under_write_load_restores_every_acknowledged_write_and_a_verified_audit_trail,
    a_restore_over_a_database_that_is_not_empty_is_refused_and_changes_nothing,
    checkpoints_beyond_the_backup_are_set_aside_and_said,
    a_damaged_copy_is_refused,
    a_new_postgres_database_takes_the_backup_as_it_is_and_another_applications_is_refused,
);

/// A folder of its own for one scenario's backup, configuration, key and checkpoints.
fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join("resettle-tests").join(format!("backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A configuration file naming the audit key of the database at `source_url` (as the
/// service that wrote it had) and a checkpoint file, both in `dir`.
fn config_for(dir: &Path, source_url: &str) -> PathBuf {
    let key = dir.join("audit.key");
    std::fs::write(&key, test_audit_key(source_url).to_hex()).unwrap();
    let config = dir.join("resettle.toml");
    let text = format!(
        "[audit]\nkey_file = {:?}\ncheckpoint_file = {:?}\n",
        key.display().to_string(),
        dir.join("checkpoints").display().to_string()
    );
    std::fs::write(&config, text).unwrap();
    config
}

/// A new, empty database to restore into: an SQLite file that does not exist yet (nothing
/// holds it open while the restore replaces it), or a new PostgreSQL database.
async fn empty_target(b: Backend, dir: &Path) -> anyhow::Result<String> {
    Ok(match b {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.join("restored.db").display()),
        Backend::Postgres => fresh_db(b).await?.url,
    })
}

fn db(url: &str, config: &Path) -> Db {
    Db { database_url: url.to_string(), config: Some(config.to_path_buf()) }
}

/// The database at `url`, keyed with `key`, as the application sees it.
async fn app_over(backend: Backend, url: &str, key: AuditKey, checkpoints: Option<PathBuf>) -> anyhow::Result<App> {
    let store: Arc<dyn Storage> = match backend {
        Backend::Sqlite => Arc::new(SqliteStore::connect(url).await?.with_audit_key(key)),
        Backend::Postgres => Arc::new(PostgresStore::connect(url).await?.with_audit_key(key)),
    };
    Ok(App::new(store, Config { audit_checkpoints: checkpoints, ..Config::default() }))
}

/// Every child id in the database at `url`.
async fn child_ids(backend: Backend, url: &str) -> anyhow::Result<BTreeSet<uuid::Uuid>> {
    let sql = "SELECT id FROM children";
    let ids: Vec<uuid::Uuid> = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await?;
            let ids = sqlx::query_scalar(sql).fetch_all(&mut c).await?;
            c.close().await?;
            ids
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            let ids = sqlx::query_scalar(sql).fetch_all(&mut c).await?;
            c.close().await?;
            ids
        }
    };
    Ok(ids.into_iter().collect())
}

async fn a_backup_under_write_load_restores_every_acknowledged_write_and_a_verified_audit_trail(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let source = w.t.db.url.clone();
    let dir = workdir();
    let config = config_for(&dir, &source);
    for n in 0..5 {
        w.child("Before", &format!("Start{n}")).await?;
    }

    // Writers keep creating children through the API; each id is noted with the moment its
    // 201 arrived.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for k in 0..2 {
        let api = w.api();
        let body = w.child_body("During", &format!("Writer{k}"));
        let stop = stop.clone();
        writers.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (status, child) = api.post("/api/v1/children", &body).await?;
                anyhow::ensure!(status == reqwest::StatusCode::CREATED, "{status}: {child}");
                let id: uuid::Uuid = child["id"].as_str().unwrap_or_default().parse()?;
                acked.push((std::time::Instant::now(), id));
            }
            Ok(acked)
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let began = std::time::Instant::now();
    let file = dir.join("resettle.backup");
    let manifest = backup(BackupArgs { db: db(&source, &config), to: file.clone() }).await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acked_before = BTreeSet::new();
    let mut acked_after = 0;
    for writer in writers {
        for (at, id) in writer.await?? {
            if at < began {
                acked_before.insert(id);
            } else {
                acked_after += 1;
            }
        }
    }
    assert!(acked_before.len() >= 2, "the writers were not writing before the backup began");
    assert!(acked_after > 0, "the writers were not writing while the backup ran");

    // The manifest describes the copy.
    assert!(manifest_path(&file).exists());
    let text = std::fs::read_to_string(manifest_path(&file))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    assert_eq!(json["backend"], b.as_str());
    assert_eq!(json["format"], "resettle-backup/1");
    assert!(json["schema_version"].as_i64().unwrap_or(0) >= 12, "{json}");
    assert!(json["audit"]["head_seq"].as_i64().unwrap_or(0) > 0, "{json}");
    assert_eq!(json["audit"]["key_fingerprint"].as_str().map(str::len), Some(16));
    assert!(!text.contains(&test_audit_key(&source).to_hex()), "the manifest must not hold the key");
    let children_in_copy = json["row_counts"]["children"].as_i64().unwrap_or(0);
    assert!(children_in_copy >= 5 + acked_before.len() as i64, "{json}");

    // Restore into a new, empty database.
    let target = empty_target(b, &dir).await?;
    let restored = restore(RestoreArgs { db: db(&target, &config), from: file.clone(), force: false }).await?;
    assert_eq!(restored.manifest, manifest);
    let ids = child_ids(b, &target).await?;
    let missing: Vec<_> = acked_before.difference(&ids).collect();
    assert!(missing.is_empty(), "acknowledged before the backup began, missing after the restore: {missing:?}");
    assert_eq!(ids.len() as i64, children_in_copy, "the copy holds what its manifest says");

    // The audit trail verifies, and its newest entry records the restore.
    let app = app_over(b, &target, test_audit_key(&source), None).await?;
    let verified = app.verify_audit().await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(verified, manifest.audit.head_seq + 1, "the backup's entries and the restore's own");
    let (head, _) = app.store().audit_head().await?;
    let last = app.store().audit_entries(head - 1, 1).await?.pop().unwrap();
    assert_eq!((last.action.as_str(), last.resource.as_str()), ("admin", "database"));
    assert!(last.purpose.contains("restored from backup taken at"), "{}", last.purpose);
    assert!(last.purpose.contains(&manifest.taken_at.to_string()), "{}", last.purpose);
    Ok(())
}

async fn a_restore_over_a_database_that_is_not_empty_is_refused_and_changes_nothing(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.child("Ada", "Lovelace").await?;
    let dir = workdir();
    let config = config_for(&dir, &w.t.db.url);
    let file = dir.join("copy.backup");
    backup(BackupArgs { db: db(&w.t.db.url, &config), to: file.clone() }).await?;

    // Another service's database, with its own records.
    let other = Yjs::start(b).await?;
    other.child("Grace", "Hopper").await?;
    let before_ids = child_ids(b, &other.t.db.url).await?;
    let before_head = other.t.app.store().audit_head().await?;
    let before_counts = other.t.app.store().row_counts().await?;

    let refused = restore(RestoreArgs { db: db(&other.t.db.url, &config), from: file.clone(), force: false }).await;
    let message = format!("{:#}", refused.err().expect("the restore must be refused"));
    assert!(message.contains("not empty") && message.contains("--force"), "{message}");
    assert!(message.contains("1 children"), "the message says what is there: {message}");

    assert_eq!(child_ids(b, &other.t.db.url).await?, before_ids);
    assert_eq!(other.t.app.store().audit_head().await?, before_head);
    assert_eq!(other.t.app.store().row_counts().await?, before_counts);

    // With --force it replaces the database.
    restore(RestoreArgs { db: db(&other.t.db.url, &config), from: file, force: true }).await?;
    assert_eq!(child_ids(b, &other.t.db.url).await?, child_ids(b, &w.t.db.url).await?);
    Ok(())
}

async fn checkpoints_beyond_the_backup_are_set_aside_and_said(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.child("Ada", "Lovelace").await?;
    let source = w.t.db.url.clone();
    let dir = workdir();
    let config = config_for(&dir, &source);
    let checkpoints = dir.join("checkpoints");
    let publisher = app_over(b, &source, test_audit_key(&source), Some(checkpoints.clone())).await?;
    let early = publisher.publish_audit_checkpoint().await?.unwrap();

    let file = dir.join("copy.backup");
    let manifest = backup(BackupArgs { db: db(&source, &config), to: file.clone() }).await?;
    assert_eq!(manifest.audit.checkpoint.as_ref().map(|c| c.seq), Some(early.seq), "the checkpoint it carries");

    // The service carries on and publishes a checkpoint beyond the backup.
    w.child("Grace", "Hopper").await?;
    let late = publisher.publish_audit_checkpoint().await?.unwrap();
    assert!(late.seq > manifest.audit.head_seq);

    let target = empty_target(b, &dir).await?;
    let restored = restore(RestoreArgs { db: db(&target, &config), from: file, force: false }).await?;
    let aside = restored.set_aside.expect("the later checkpoint is reported");
    assert_eq!((aside.count, aside.newest_seq), (1, late.seq));
    assert!(std::fs::read_to_string(&aside.file)?.contains(&late.hash), "kept beside the checkpoint file");
    let remaining = std::fs::read_to_string(&checkpoints)?;
    assert!(!remaining.contains(&late.hash) && remaining.contains(&early.hash), "{remaining}");

    // The restored trail verifies against the checkpoint file, and says what was lost.
    let app = app_over(b, &target, test_audit_key(&source), Some(checkpoints)).await?;
    app.verify_audit().await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let (head, _) = app.store().audit_head().await?;
    let entries = app.store().audit_entries(0, u32::try_from(head)?).await?;
    let note = entries.iter().rev().find(|e| e.resource == "database").unwrap();
    assert!(note.purpose.contains(&format!("had reached entry {}", late.seq)), "{}", note.purpose);
    Ok(())
}

async fn a_damaged_copy_is_refused(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let dir = workdir();
    let config = config_for(&dir, &w.t.db.url);
    let file = dir.join("copy.backup");
    backup(BackupArgs { db: db(&w.t.db.url, &config), to: file.clone() }).await?;
    let mut bytes = std::fs::read(&file)?;
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&file, bytes)?;
    let target = empty_target(b, &dir).await?;
    let refused = restore(RestoreArgs { db: db(&target, &config), from: file, force: false }).await;
    let message = format!("{:#}", refused.err().expect("a damaged copy must be refused"));
    assert!(message.contains("does not match its manifest"), "{message}");
    match b {
        // Refused before the new file was even made.
        Backend::Sqlite => assert!(!dir.join("restored.db").exists()),
        Backend::Postgres => assert!(child_ids(b, &target).await?.is_empty()),
    }
    Ok(())
}

/// A new PostgreSQL database that nothing has migrated, on the test server.
async fn bare_postgres_database() -> anyhow::Result<String> {
    let admin = std::env::var(resettle_testkit::POSTGRES_URL_VAR)?;
    let name = format!("bare_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(&admin).await?;
    sqlx::Executor::execute(&mut c, format!("CREATE DATABASE \"{name}\"").as_str()).await?;
    c.close().await?;
    let mut url = reqwest::Url::parse(&admin)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

async fn a_new_postgres_database_takes_the_backup_as_it_is_and_another_applications_is_refused(
    b: Backend,
) -> anyhow::Result<()> {
    // PostgreSQL only: an SQLite restore replaces the whole file, schema and all.
    if b != Backend::Postgres {
        return Ok(());
    }
    let w = Yjs::start(b).await?;
    w.child("Ada", "Lovelace").await?;
    let dir = workdir();
    let config = config_for(&dir, &w.t.db.url);
    let file = dir.join("copy.backup");
    backup(BackupArgs { db: db(&w.t.db.url, &config), to: file.clone() }).await?;

    // Never migrated: the restore brings the schema with the data.
    let bare = bare_postgres_database().await?;
    restore(RestoreArgs { db: db(&bare, &config), from: file.clone(), force: false }).await?;
    assert_eq!(child_ids(b, &bare).await?, child_ids(b, &w.t.db.url).await?);

    // Another application's database is never replaced, even with --force.
    let foreign = bare_postgres_database().await?;
    let mut c = sqlx::PgConnection::connect(&foreign).await?;
    sqlx::query("CREATE TABLE invoices (id INTEGER PRIMARY KEY)").execute(&mut c).await?;
    sqlx::query("INSERT INTO invoices VALUES (1)").execute(&mut c).await?;
    for force in [false, true] {
        let refused = restore(RestoreArgs { db: db(&foreign, &config), from: file.clone(), force }).await;
        let message = format!("{:#}", refused.err().expect("another application's database must be refused"));
        assert!(message.contains("not Resettle's") && message.contains("invoices"), "{message}");
    }
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invoices").fetch_one(&mut c).await?;
    assert_eq!(left, 1);
    c.close().await?;
    Ok(())
}
