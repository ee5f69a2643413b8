//! `resettle backup` and `resettle restore`.
//!
//! A backup is two files: `FILE`, a consistent copy of the database taken while the service
//! runs (SQLite: a database file written by `VACUUM INTO`; PostgreSQL: a `pg_dump
//! --format=custom` archive), and `FILE.manifest.json` beside it, which says what the copy
//! holds — the Resettle version, the schema version, row counts, the audit chain's head, which
//! audit key and checkpoint go with it — and the copy's SHA-256, so that a damaged or
//! mismatched pair is refused.
//!
//! A restore goes into an empty database (or, with `--force`, replaces one), checks the copy
//! against its manifest and the audit chain, sets aside checkpoints published after the backup
//! (they name entries the backup does not hold), and records the restore in the audit trail.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use resettle_app::restore::audit_key_fingerprint;
use resettle_app::storage::{OpsStorage, Storage};
use resettle_app::{App, Config};
use resettle_domain::audit::AuditKey;
use resettle_store_postgres::PostgresStore;
use resettle_store_sqlite::SqliteStore;
use serde::{Deserialize, Serialize};

use crate::Db;
use crate::config::{load_audit, load_config};

/// `resettle backup`.
#[derive(Args, Clone, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: Db,
    /// Where to write the copy; the manifest goes beside it as FILE.manifest.json. Neither may
    /// exist yet.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

/// `resettle restore`.
#[derive(Args, Clone, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: Db,
    /// The backup to restore (FILE.manifest.json must be beside it).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Replace a database that is not empty (stop every server using it first).
    #[arg(long)]
    pub force: bool,
}

/// The format of the manifest, for readers in later versions.
const FORMAT: &str = "resettle-backup/1";

/// What a backup holds, written beside it as `FILE.manifest.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The Resettle version that took the backup.
    pub resettle_version: String,
    /// `sqlite` or `postgres`: the kind of database the copy restores into.
    pub backend: String,
    /// When the backup began (UTC): every write acknowledged before then is in the copy.
    pub taken_at: jiff::Timestamp,
    /// The copy's file name (beside the manifest).
    pub file: String,
    /// SHA-256 of the copy, in hexadecimal.
    pub sha256: String,
    /// The newest schema migration applied in the copy.
    pub schema_version: i64,
    /// Rows in the main tables.
    pub row_counts: BTreeMap<String, i64>,
    /// The audit trail in the copy.
    pub audit: ManifestAudit,
}

/// The audit chain as the backup holds it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ManifestAudit {
    /// Entries written (the head's sequence number).
    pub head_seq: i64,
    /// The hash of the newest entry.
    pub head_hash: String,
    /// A fingerprint of the audit key the chain is keyed with (never the key itself): the
    /// restore needs the same key.
    pub key_fingerprint: Option<String>,
    /// The newest checkpoint published for this chain when the backup was taken.
    pub checkpoint: Option<ManifestCheckpoint>,
}

/// A checkpoint named in the manifest.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ManifestCheckpoint {
    /// The entry it names.
    pub seq: i64,
    /// That entry's hash.
    pub hash: String,
}

/// `FILE.manifest.json` for the backup `file`.
pub fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// The backend a database URL names.
fn backend_of(url: &str) -> Result<&'static str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok("postgres")
    } else if url.starts_with("sqlite:") {
        Ok("sqlite")
    } else {
        bail!("the database URL must start with sqlite:// or postgres://")
    }
}

/// The file of an SQLite URL (`sqlite://path?options` or `sqlite:path`).
fn sqlite_path(url: &str) -> Result<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("--database-url: an in-memory SQLite database cannot be backed up or restored; name a file");
    }
    Ok(PathBuf::from(path))
}

/// SHA-256 of a file, in hexadecimal.
fn sha256_file(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The application over `url` with the audit key and checkpoint file of `db`'s configuration.
async fn open(url: &str, key: &AuditKey, config: Config) -> Result<App> {
    let store: Arc<dyn Storage> = match backend_of(url)? {
        "postgres" => {
            Arc::new(PostgresStore::connect(url).await.map_err(|e| anyhow!("{e}"))?.with_audit_key(key.clone()))
        }
        _ => Arc::new(SqliteStore::connect(url).await.map_err(|e| anyhow!("{e}"))?.with_audit_key(key.clone())),
    };
    Ok(App::new(store, config))
}

/// Takes a backup (see the module's description) and prints what it holds.
pub async fn backup(args: BackupArgs) -> Result<Manifest> {
    let url = &args.db.database_url;
    let backend = backend_of(url)?;
    let manifest_file = manifest_path(&args.to);
    for p in [&args.to, &manifest_file] {
        if p.exists() {
            bail!("--to: {} already exists: choose a new name (a backup never overwrites a file)", p.display());
        }
    }
    let (key, checkpoints) = load_audit(args.db.config.as_deref())?;
    let mut config = load_config(args.db.config.as_deref())?;
    config.audit_checkpoints = Some(checkpoints);
    let taken_at = jiff::Timestamp::now();
    let (summary, app) = if backend == "postgres" {
        let store = PostgresStore::connect(url).await.map_err(|e| anyhow!("{e}"))?.with_audit_key(key.clone());
        let summary = store.backup_to(url, &args.to).await.map_err(|e| anyhow!("{e}"))?;
        (summary, App::new(Arc::new(store), config))
    } else {
        let store = SqliteStore::connect(url).await.map_err(|e| anyhow!("{e}"))?.with_audit_key(key.clone());
        let summary = store.backup_to(&args.to).await.map_err(|e| anyhow!("{e}"))?;
        (summary, App::new(Arc::new(store), config))
    };
    // The newest checkpoint at or before the copy's head: the one the copy carries.
    let checkpoint = app
        .newest_audit_checkpoint()
        .await
        .map_err(|e| anyhow!("{e}"))?
        .filter(|c| c.seq <= summary.audit_head.0)
        .map(|c| ManifestCheckpoint { seq: c.seq, hash: c.hash });
    let manifest = Manifest {
        format: FORMAT.into(),
        resettle_version: env!("CARGO_PKG_VERSION").into(),
        backend: backend.into(),
        taken_at,
        file: args.to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256: sha256_file(&args.to)?,
        schema_version: summary.schema_version,
        row_counts: summary.row_counts.into_iter().collect(),
        audit: ManifestAudit {
            head_seq: summary.audit_head.0,
            head_hash: summary.audit_head.1,
            key_fingerprint: Some(audit_key_fingerprint(&key)),
            checkpoint,
        },
    };
    let text = serde_json::to_string_pretty(&manifest)?;
    write_new(&manifest_file, &text).with_context(|| format!("cannot write {}", manifest_file.display()))?;
    Ok(manifest)
}

/// Writes a new file (never replacing one) and flushes it to disk.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// Reads and checks the manifest beside `file`, and the copy against it.
pub fn read_manifest(file: &Path) -> Result<Manifest> {
    let path = manifest_path(file);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: a backup is the pair FILE and FILE.manifest.json, made by `resettle backup`",
            path.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_str(&text).with_context(|| format!("{} is not a Resettle backup manifest", path.display()))?;
    if manifest.format != FORMAT {
        bail!("{} is in the format {:?}; this version reads {FORMAT:?}", path.display(), manifest.format);
    }
    let actual = sha256_file(file)?;
    if actual != manifest.sha256 {
        bail!(
            "{} does not match its manifest (SHA-256 {actual}, the manifest says {}): the copy is damaged or belongs to another backup",
            file.display(),
            manifest.sha256
        );
    }
    Ok(manifest)
}

/// Refuses a backup from a newer Resettle, whose schema this build cannot open (checked before
/// anything is replaced). An older schema is fine: its migrations run after the restore.
fn check_schema(backup: i64, known: i64, taken_by: &str) -> Result<()> {
    if backup > known {
        bail!(
            "--from: this backup has schema {backup}, newer than this build of Resettle knows ({known}): restore it \
             with Resettle {taken_by} (which took it) or later"
        );
    }
    Ok(())
}

/// What a restore did.
pub struct Restored {
    /// The backup's manifest.
    pub manifest: Manifest,
    /// Audit entries verified after the restore (including the restore's own).
    pub verified: i64,
    /// Checkpoints set aside because the backup ends before them.
    pub set_aside: Option<resettle_app::restore::SetAside>,
}

/// Restores a backup (see the module's description).
pub async fn restore(args: RestoreArgs) -> Result<Restored> {
    let url = &args.db.database_url;
    let backend = backend_of(url)?;
    let manifest = read_manifest(&args.from)?;
    if manifest.backend != backend {
        bail!(
            "--from: this is a {} backup and --database-url names a {backend} database: restore it into {}",
            manifest.backend,
            manifest.backend
        );
    }
    let known = match backend {
        "postgres" => resettle_store_postgres::migrator().iter().map(|m| m.version).max(),
        _ => resettle_store_sqlite::migrator().iter().map(|m| m.version).max(),
    };
    check_schema(manifest.schema_version, known.unwrap_or(0), &manifest.resettle_version)?;
    let (key, checkpoints) = load_audit(args.db.config.as_deref())?;
    let fingerprint = audit_key_fingerprint(&key);
    if let Some(expected) = manifest.audit.key_fingerprint.as_ref().filter(|f| **f != fingerprint) {
        bail!(
            "the backup's audit trail is keyed with the audit key {expected}, but this configuration has the key \
             {fingerprint}: put the key file that was in use when the backup was taken in place ([audit] key_file, \
             or RESETTLE_AUDIT_KEY) and run the restore again"
        );
    }
    let config = load_config(args.db.config.as_deref())?;

    // The target must be empty unless --force.
    // Closed before the file is replaced: an SQLite connection left open would remove the
    // new file's write-ahead log when it closes.
    let counts = if backend == "postgres" {
        // Not migrated first: a new database takes the backup's schema as it is.
        resettle_store_postgres::ops::existing_rows(url).await
    } else {
        let store = SqliteStore::connect(url).await.map_err(|e| anyhow!("{e}"))?;
        let counts = store.row_counts().await;
        store.close().await;
        counts
    }
    .map_err(|e| anyhow!("{e}"))?;
    let held: Vec<String> = counts.iter().filter(|(_, n)| *n > 0).map(|(t, n)| format!("{n} {t}")).collect();
    if !held.is_empty() && !args.force {
        bail!(
            "the database is not empty ({}): a restore would replace it. Restore into a new, empty database, or stop \
             every server using this one and run again with --force to replace it",
            held.join(", ")
        );
    }

    match backend {
        "postgres" => PostgresStore::restore_from(url, &args.from).await.map_err(|e| anyhow!("{e}"))?,
        _ => replace_sqlite_file(url, &args.from).await?,
    }

    // The chain as restored, on its own (the checkpoint file may be ahead of it).
    let plain = open(url, &key, Config { audit_checkpoints: None, ..config.clone() }).await?;
    let (head_seq, head_hash) = plain.store().audit_head().await.map_err(|e| anyhow!("{e}"))?;
    if (head_seq, head_hash.as_str()) != (manifest.audit.head_seq, manifest.audit.head_hash.as_str()) {
        bail!(
            "the restored database's audit head is entry {head_seq}, but the manifest says {}: the restore is incomplete",
            manifest.audit.head_seq
        );
    }
    let counts: BTreeMap<String, i64> =
        plain.store().row_counts().await.map_err(|e| anyhow!("{e}"))?.into_iter().collect();
    if counts != manifest.row_counts {
        bail!("the restored database's row counts differ from the manifest's: the restore is incomplete");
    }
    if let Err(b) = plain.verify_audit().await.map_err(|e| anyhow!("{e}"))? {
        bail!("the backup was restored, but its audit trail does not verify: {b}");
    }

    // Now with the checkpoint file: set aside what is beyond the restored head, record the
    // restore, and publish a checkpoint of the new head.
    let app = open(url, &key, Config { audit_checkpoints: Some(checkpoints), ..config }).await?;
    let set_aside = app.set_aside_checkpoints_beyond_head().await.map_err(|e| anyhow!("{e}"))?;
    let mut what = format!(
        "restored from backup taken at {} (audit head {}, schema {}, Resettle {})",
        manifest.taken_at, manifest.audit.head_seq, manifest.schema_version, manifest.resettle_version
    );
    if let Some(s) = &set_aside {
        what.push_str(&format!(
            "; the checkpoints had reached entry {}: entries {} to {} were written after the backup and are not in it",
            s.newest_seq,
            manifest.audit.head_seq + 1,
            s.newest_seq
        ));
    }
    app.record_restore(&what).await.map_err(|e| anyhow!("{e}"))?;
    app.publish_audit_checkpoint().await.map_err(|e| anyhow!("{e}"))?;
    let verified = match app.verify_audit().await.map_err(|e| anyhow!("{e}"))? {
        Ok(n) => n,
        Err(b) => bail!("the backup was restored, but the audit check against the checkpoint file fails: {b}"),
    };
    Ok(Restored { manifest, verified, set_aside })
}

/// Puts the SQLite backup `from` in place of the database file of `url`: copied beside it,
/// flushed, then renamed over it (so a crash leaves the old file or the new one), with the old
/// file's write-ahead log removed.
async fn replace_sqlite_file(url: &str, from: &Path) -> Result<()> {
    let target = sqlite_path(url)?;
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(".restoring");
    let tmp = PathBuf::from(tmp);
    std::fs::copy(from, &tmp).with_context(|| format!("cannot copy {} to {}", from.display(), tmp.display()))?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).with_context(|| format!("cannot flush {}", tmp.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut p = target.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("cannot put the backup in place at {}", target.display()))?;
    Ok(())
}

/// Prints what a backup holds.
pub fn print_backup(to: &Path, m: &Manifest) {
    let rows: i64 = m.row_counts.values().sum();
    println!(
        "Backup written: {} and {} ({} database, schema {}, {rows} rows in the main tables, audit head {}).",
        to.display(),
        manifest_path(to).display(),
        m.backend,
        m.schema_version,
        m.audit.head_seq
    );
    println!("Every write acknowledged before {} is in it. Keep the audit key apart from it.", m.taken_at);
}

/// Prints what a restore did.
pub fn print_restore(r: &Restored) {
    println!(
        "Restored the backup taken at {} (schema {}, audit head {}); the restore is recorded in the audit trail.",
        r.manifest.taken_at, r.manifest.schema_version, r.manifest.audit.head_seq
    );
    if let Some(s) = &r.set_aside {
        println!(
            "NOTE: the checkpoint file had reached audit entry {}, beyond this backup's {}: entries {} to {} were \
             written after the backup was taken and are not in it (lost, unless a newer backup holds them). {} \
             checkpoint(s) for them were moved to {} so that later checks pass.",
            s.newest_seq,
            r.manifest.audit.head_seq,
            r.manifest.audit.head_seq + 1,
            s.newest_seq,
            s.count,
            s.file.display()
        );
    }
    println!("Audit trail intact: {} entries checked.", r.verified);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_from_a_newer_schema_is_refused_and_an_older_one_accepted() {
        assert!(check_schema(13, 12, "0.2.0").is_err_and(|e| e.to_string().contains("Resettle 0.2.0")));
        assert!(check_schema(12, 12, "0.1.0").is_ok());
        assert!(check_schema(9, 12, "0.1.0").is_ok());
    }

    #[test]
    fn the_manifest_sits_beside_the_copy() {
        assert_eq!(manifest_path(Path::new("/b/x.backup")), PathBuf::from("/b/x.backup.manifest.json"));
    }
}
