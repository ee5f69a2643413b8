//! Writing and verifying the audit trail.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use resettle_domain::audit::{AuditEntry, AuditEvent, ChainBreak, ChainVerifier, Checkpoint};
use resettle_domain::ids::{ChildId, UserId};
use resettle_domain::policy::{Action, Decision, Purpose, decide};
use serde::Serialize;

use crate::storage::{Storage, StorageError, StorageResult};
use crate::{App, AppError, AppResult, Ctx, Principal};

/// Why people open children's records in the normal course of work.
pub const PURPOSE_CASE_MANAGEMENT: &str = "case management";

/// How the purpose of an entry the service wrote on its own account begins.
pub const SERVICE_PURPOSE_PREFIX: &str = "made by the service: ";

/// An audit entry with the name and organisation of the person behind it.
#[derive(Clone, Debug, Serialize)]
pub struct AccessLine {
    /// The entry.
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The person's name.
    pub name: String,
    /// The organisation they acted for.
    pub organisation: String,
}

/// The most entries one group commit writes.
const MAX_GROUP: usize = 256;

/// One request's entry waiting for the group commit, and where to say how it went.
type Waiting = (AuditEvent, oneshot::Sender<Result<(), String>>);

/// Group commit for the audit entries of reads and writes made through [`App::audit`].
///
/// Every entry is chained to the one before it through a single head row, so appends are
/// serialised by the database; one transaction per entry would make every request wait for
/// every other request's commit (and, on PostgreSQL, its flush to disk). Instead, one writer
/// task takes every entry waiting at that moment and appends them in one transaction; each
/// request still waits until its own entry is committed, and fails if the commit fails, so no
/// read goes unaudited. The task is started on first use (so the `App` can be built outside a
/// runtime), runs in the background (a request that gives up does not stop it) and ends when
/// the last `App` clone is dropped.
#[derive(Clone, Default)]
pub(crate) struct AuditWriter {
    sender: Arc<std::sync::OnceLock<mpsc::UnboundedSender<Waiting>>>,
    /// Entries handed to the writer and not yet committed (or failed): the queue's depth.
    pending: Arc<std::sync::atomic::AtomicUsize>,
}

impl AuditWriter {
    /// Appends `event` in the next group commit, and waits for that commit.
    pub(crate) async fn append(&self, store: &Arc<dyn Storage>, event: AuditEvent) -> StorageResult<()> {
        self.append_all(store, vec![event]).await
    }

    /// Appends every event in `events` (in the next group commits), and waits until all are
    /// committed; fails if any commit fails.
    async fn append_all(&self, store: &Arc<dyn Storage>, events: Vec<AuditEvent>) -> StorageResult<()> {
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_groups(Arc::clone(store), rx, Arc::clone(&self.pending)));
            tx
        });
        let lost = || StorageError::Database("the audit writer stopped".into());
        let mut outcomes = Vec::with_capacity(events.len());
        for event in events {
            let (done, outcome) = oneshot::channel();
            self.pending.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if sender.send((event, done)).is_err() {
                self.pending.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                return Err(lost());
            }
            outcomes.push(outcome);
        }
        for outcome in outcomes {
            outcome.await.map_err(|_| lost())?.map_err(StorageError::Database)?;
        }
        Ok(())
    }
}

/// The writer task: waits for an entry, takes every other entry already waiting (up to
/// [`MAX_GROUP`]), appends them in one transaction and tells each request the outcome.
async fn write_groups(
    store: Arc<dyn Storage>,
    mut rx: mpsc::UnboundedReceiver<Waiting>,
    pending: Arc<std::sync::atomic::AtomicUsize>,
) {
    let mut group: Vec<Waiting> = Vec::new();
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (events, waiting): (Vec<AuditEvent>, Vec<_>) = group.drain(..).unzip();
        let outcome = store.append_audit(&events).await.map_err(|e| {
            tracing::error!(error = %e, entries = events.len(), "audit group commit failed");
            e.to_string()
        });
        pending.fetch_sub(waiting.len(), std::sync::atomic::Ordering::Relaxed);
        for done in waiting {
            // A request that has gone away no longer needs the answer.
            let _ = done.send(outcome.clone());
        }
    }
}

/// How many entries `verify_audit` reads at a time.
const VERIFY_BATCH: u32 = 5_000;

impl App {
    /// Audit entries waiting for their group commit (for the metrics).
    pub fn audit_queue_depth(&self) -> usize {
        self.audit_writer.pending.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records that `ctx`'s actor did `action` (`read` or `write`) to `resource` of `child`.
    /// A read whose audit entry cannot be written fails: no unaudited access.
    pub async fn audit(
        &self,
        ctx: &Ctx,
        action: &'static str,
        resource: &'static str,
        child: Option<ChildId>,
    ) -> AppResult<()> {
        let event = self.audit_event(ctx, action, resource, child);
        self.audit_writer.append(&self.store, event).await?;
        Ok(())
    }

    /// Records a change the service made itself in the course of `ctx`'s request — an
    /// organisation joining the team when custody is recorded or when it is given a need or an
    /// action — as the service's own: no user or membership, the request id of the change that
    /// caused it, and why (`purpose`).
    pub async fn audit_by_service(
        &self,
        ctx: &Ctx,
        resource: &'static str,
        child: ChildId,
        purpose: &str,
    ) -> AppResult<()> {
        let event = self.service_event(ctx, resource, child, purpose);
        self.audit_writer.append(&self.store, event).await?;
        Ok(())
    }

    /// The audit entry of a change `ctx`'s actor makes to `resource` of `child`, for the
    /// storage to write in the change's own transaction.
    pub(crate) fn write_event(&self, ctx: &Ctx, resource: &'static str, child: ChildId) -> AuditEvent {
        self.audit_event(ctx, "write", resource, Some(child))
    }

    /// The audit entry of a change the service makes itself in the course of `ctx`'s request
    /// (see [`App::audit_by_service`]), for the storage to write in the change's transaction.
    pub(crate) fn service_event(&self, ctx: &Ctx, resource: &'static str, child: ChildId, purpose: &str) -> AuditEvent {
        AuditEvent {
            user_id: None,
            membership_id: None,
            purpose: format!("{SERVICE_PURPOSE_PREFIX}{purpose}"),
            ..self.audit_event(ctx, "write", resource, Some(child))
        }
    }

    /// Records an administrative change that the storage could not write with its own audit
    /// entry (see [`App::admin_event`]).
    pub(crate) async fn audit_admin(&self, who: Principal<'_>, resource: &'static str, what: &str) -> AppResult<()> {
        let event = self.admin_event(who, resource, what);
        self.audit_writer.append(&self.store, event).await?;
        Ok(())
    }

    /// The audit entry of an administrative change — an organisation, a user or a membership,
    /// a bank holiday, an API token — by `who`: what was done, in words without personal data.
    /// The storage writes it in the change's own transaction.
    pub(crate) fn admin_event(&self, who: Principal<'_>, resource: &'static str, what: &str) -> AuditEvent {
        let (user_id, membership_id, request_id) = match who {
            Principal::Operator => (None, None, "operator".to_string()),
            Principal::User(actor) | Principal::Token(actor) => (
                Some(actor.user_id),
                actor.memberships.iter().find(|m| m.role == resettle_domain::org::Role::Admin).map(|m| m.id),
                "-".to_string(),
            ),
        };
        AuditEvent {
            at: self.now(),
            user_id,
            membership_id,
            action: "admin",
            resource,
            child_id: None,
            purpose: format!("administration: {what}"),
            request_id,
            ip: None,
        }
    }

    /// The audit event for `ctx`'s actor doing `action` to `resource` of `child`, now.
    pub(crate) fn audit_event(
        &self,
        ctx: &Ctx,
        action: &'static str,
        resource: &'static str,
        child: Option<ChildId>,
    ) -> AuditEvent {
        let membership_id = ctx.actor.memberships.iter().find(|m| m.role.works_with_children()).map(|m| m.id);
        AuditEvent {
            at: self.now(),
            user_id: Some(ctx.actor.user_id),
            membership_id,
            action,
            resource,
            child_id: child,
            purpose: PURPOSE_CASE_MANAGEMENT.to_string(),
            request_id: ctx.request_id.clone(),
            ip: ctx.ip.clone(),
        }
    }

    /// Records that `ctx`'s actor did `action` to `resource` of each child named in a list
    /// (once per child), or once without a child when the list names none: a list of
    /// handovers or notifications is a read of each record it shows. The entries share a group
    /// commit.
    pub async fn audit_children(
        &self,
        ctx: &Ctx,
        action: &'static str,
        resource: &'static str,
        children: impl IntoIterator<Item = ChildId>,
    ) -> AppResult<()> {
        let mut seen: Vec<ChildId> = Vec::new();
        for c in children {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        if seen.is_empty() {
            return self.audit(ctx, action, resource, None).await;
        }
        let events = seen.into_iter().map(|c| self.audit_event(ctx, action, resource, Some(c))).collect();
        self.audit_writer.append_all(&self.store, events).await?;
        Ok(())
    }

    /// Checks the whole audit trail; the number of entries when intact, or the first break.
    /// With a checkpoint file, the chain is also checked against every checkpoint in it.
    pub async fn verify_audit(&self) -> AppResult<Result<i64, ChainBreak>> {
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let key = self.store.audit_key();
        let mut verifier = ChainVerifier::new(head_seq, &head_hash, key).with_checkpoints(self.checkpoints().await?);
        let mut after = 0;
        loop {
            let batch = self.store.audit_entries(after, VERIFY_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for e in batch {
                if let Err(b) = verifier.push(e) {
                    return Ok(Err(b));
                }
            }
        }
        Ok(verifier.finish())
    }

    /// The checkpoints published so far (none without a checkpoint file or a key).
    pub(crate) async fn checkpoints(&self) -> AppResult<Vec<Checkpoint>> {
        let (Some(path), Some(key)) = (&self.config.audit_checkpoints, self.store.audit_key()) else {
            return Ok(Vec::new());
        };
        let chain = self.chain_id().await?;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(AppError::Internal(format!("cannot read {}: {e}", path.display()))),
        };
        let mut found = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(c) = Checkpoint::parse(line, &chain, key).map_err(AppError::Internal)? {
                found.push(c);
            }
        }
        Ok(found)
    }

    /// The chain's name in checkpoints: the hash of its first entry (empty when there is none).
    pub(crate) async fn chain_id(&self) -> AppResult<String> {
        Ok(self.store.audit_entries(0, 1).await?.into_iter().next().map(|e| e.hash).unwrap_or_default())
    }

    /// Publishes a checkpoint of the chain's head — its sequence number and hash, signed with
    /// the audit key — by appending it to the checkpoint file (kept outside the database, and
    /// best copied off the machine by the operator's log shipping). The sweep does this on
    /// every run. `None` when there is no checkpoint file or no key.
    pub async fn publish_audit_checkpoint(&self) -> AppResult<Option<Checkpoint>> {
        let (Some(path), Some(key)) = (&self.config.audit_checkpoints, self.store.audit_key()) else {
            return Ok(None);
        };
        let (seq, hash) = self.store.audit_head().await?;
        if seq == 0 {
            return Ok(None);
        }
        let c = Checkpoint::new(seq, &hash, &self.chain_id().await?, key);
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| AppError::Internal(format!("cannot open {}: {e}", path.display())))?;
        writeln!(file, "{}", c.to_line())
            .and_then(|()| file.sync_data())
            .map_err(|e| AppError::Internal(format!("cannot write {}: {e}", path.display())))?;
        Ok(Some(c))
    }

    /// The newest reads and writes of a child's record, with the names of the people who
    /// made them ("who has viewed this record"). Case managers and managers only; looking is
    /// itself audited.
    pub async fn child_access_log(&self, ctx: &Ctx, child: ChildId, limit: u32) -> AppResult<Vec<AccessLine>> {
        self.child_for(ctx, child, Purpose::Work).await?;
        if let Decision::Deny(why) = decide(&ctx.actor, Action::ViewAuditTrail, Some(true)) {
            return Err(AppError::Forbidden(why));
        }
        let lines = self.access_lines(child, limit).await?;
        self.audit(ctx, "read", "child.audit", Some(child)).await?;
        Ok(lines)
    }

    /// The access log without the checks and audit entry of [`App::child_access_log`], for
    /// services that have made them already.
    pub(crate) async fn access_lines(&self, child: ChildId, limit: u32) -> AppResult<Vec<AccessLine>> {
        let entries = self.store.child_audit(child, limit).await?;
        let orgs = self.organisations_shared().await?;
        let mut people: HashMap<UserId, (String, Vec<resettle_domain::org::Membership>)> = HashMap::new();
        let mut lines = Vec::with_capacity(entries.len());
        for e in entries {
            let (name, organisation) = match e.user_id {
                None => ("Resettle".to_string(), String::new()),
                Some(id) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(id) {
                        slot.insert(match self.user_record(id).await?.as_ref() {
                            Some(u) => (u.user.name.clone(), u.memberships.clone()),
                            None => ("Unknown user".to_string(), Vec::new()),
                        });
                    }
                    let (name, memberships) = people.get(&id).cloned().unwrap_or_default();
                    let membership = memberships.iter().find(|m| Some(m.id) == e.membership_id).or(memberships.first());
                    let org = membership
                        .and_then(|m| orgs.iter().find(|o| o.id == m.organisation_id))
                        .map(|o| o.name.clone())
                        .unwrap_or_default();
                    (name, org)
                }
            };
            lines.push(AccessLine { entry: e, name, organisation });
        }
        Ok(lines)
    }
}
