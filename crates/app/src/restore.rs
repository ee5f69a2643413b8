//! After a restore from a backup: the restore is recorded in the audit trail (so that an
//! audit trail that goes back in time is not mistaken for tampering), and checkpoints
//! published after the backup was taken — which name entries the backup does not hold — are
//! set aside in a file of their own rather than left to fail every later check.

use std::path::PathBuf;

use resettle_domain::audit::{AuditKey, Checkpoint};

use crate::{App, AppError, AppResult, Principal};

/// A short public name for an audit key, for backup manifests and messages: it tells two
/// keys apart and reveals nothing of the key.
pub fn audit_key_fingerprint(key: &AuditKey) -> String {
    crate::secrets::token_hash(&format!("resettle audit key fingerprint\u{1f}{}", key.to_hex()))
        .chars()
        .take(16)
        .collect()
}

/// Checkpoints moved out of the checkpoint file because they are beyond the restored chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAside {
    /// How many checkpoints were moved.
    pub count: usize,
    /// The newest entry they named.
    pub newest_seq: i64,
    /// Where they are now.
    pub file: PathBuf,
}

impl App {
    /// The newest checkpoint published for this database's audit chain, if any (none without
    /// a checkpoint file or an audit key).
    pub async fn newest_audit_checkpoint(&self) -> AppResult<Option<Checkpoint>> {
        Ok(self.checkpoints().await?.into_iter().max_by_key(|c| c.seq))
    }

    /// Moves this chain's checkpoints that name entries beyond the audit head out of the
    /// checkpoint file, into `<file>.before-restore-<UTC time>` beside it (kept, never deleted:
    /// they are evidence of what was written after the backup). Other chains' checkpoints,
    /// this chain's up to the head, and lines that do not parse stay where they are.
    pub async fn set_aside_checkpoints_beyond_head(&self) -> AppResult<Option<SetAside>> {
        let (Some(path), Some(key)) = (&self.config.audit_checkpoints, self.store.audit_key()) else {
            return Ok(None);
        };
        let (head, _) = self.store.audit_head().await?;
        let chain = self.chain_id().await?;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AppError::Internal(format!("cannot read {}: {e}", path.display()))),
        };
        let (mut keep, mut aside, mut newest_seq) = (String::new(), String::new(), 0);
        for line in text.lines() {
            match Checkpoint::parse(line, &chain, key) {
                Ok(Some(c)) if c.seq > head => {
                    newest_seq = newest_seq.max(c.seq);
                    aside.push_str(line);
                    aside.push('\n');
                }
                _ => {
                    keep.push_str(line);
                    keep.push('\n');
                }
            }
        }
        let count = aside.lines().count();
        if count == 0 {
            return Ok(None);
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "checkpoints".into());
        let file = path.with_file_name(format!("{name}.before-restore-{}", self.now().strftime("%Y%m%dT%H%M%SZ")));
        let write = |target: &std::path::Path, text: &str, new: bool| -> std::io::Result<()> {
            use std::io::Write;
            let mut f =
                std::fs::OpenOptions::new().write(true).create(true).create_new(new).truncate(!new).open(target)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()
        };
        write(&file, &aside, true).map_err(|e| AppError::Internal(format!("cannot write {}: {e}", file.display())))?;
        // Replace the checkpoint file in one step, so that a crash leaves the old or the new.
        let tmp = path.with_file_name(format!("{name}.restoring"));
        write(&tmp, &keep, false)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| AppError::Internal(format!("cannot rewrite {}: {e}", path.display())))?;
        Ok(Some(SetAside { count, newest_seq, file }))
    }

    /// Records in the audit trail, as the operator's act, that the database was restored
    /// (`what` says from which backup; no personal data).
    pub async fn record_restore(&self, what: &str) -> AppResult<()> {
        self.audit_admin(Principal::Operator, "database", what).await
    }
}
