//! Escalations run by the sweep: red readiness items and overdue actions go to the managers
//! of the organisation that owns them (a secure establishment's own managers for what it owns;
//! then the youth justice service's); and the one way every
//! sweep notice is written (`send_notices`: once per person, with a timeline entry).

use std::collections::HashMap;

use resettle_domain::calendar::long_date;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::org::Role;
use resettle_domain::policy::ChildScope;
use resettle_domain::readiness::RagStatus;

use crate::storage::{OpenNeedOwner, ReadinessQuery};
use crate::{App, AppResult};

/// A notification to some people about a child, with its timeline entry (see
/// [`App::send_notices`]).
pub(crate) struct Notice {
    pub(crate) child_id: ChildId,
    /// The notification kind.
    pub(crate) kind: &'static str,
    /// The timeline entry's kind.
    pub(crate) timeline_kind: &'static str,
    pub(crate) message: String,
    pub(crate) link: String,
    /// The dedupe key without the person.
    pub(crate) dedupe: String,
    /// The timeline entry's summary and reason.
    pub(crate) summary: String,
    pub(crate) reason: Option<String>,
}

/// Notices gathered by one step of the sweep, each with the people it goes to; sent together
/// by [`App::send_notices`].
#[derive(Default)]
pub(crate) struct Notices(Vec<(Vec<resettle_domain::ids::UserId>, Notice)>);

impl Notices {
    /// Adds a notice for `to` (nothing when `to` is empty).
    pub(crate) fn push(&mut self, to: Vec<resettle_domain::ids::UserId>, notice: Notice) {
        if !to.is_empty() {
            self.0.push((to, notice));
        }
    }
}

/// How many notices one of the sweep's write transactions holds: short enough that pages
/// waiting to write (an audit entry) never wait long.
pub const NOTICES_PER_WRITE: usize = 50;

/// One escalation to an organisation's managers (see `App::escalate_once`).
struct Escalation {
    /// Whose managers.
    org: OrgId,
    /// The child's youth justice service, whose managers stand in when `org` has none.
    yjs_id: OrgId,
    /// What to say.
    notice: Notice,
}

/// A red readiness item late by this many days is escalated to the child's youth justice
/// service managers as well as the owning organisation's (local practice).
pub const ESCALATE_TO_YJS_AFTER_DAYS: i64 = 5;

impl App {
    /// Escalates red readiness items (run by the sweep): as soon as an item is red, to the
    /// managers of the organisation that owns it (the owner of the open need on its pathway;
    /// the child's youth justice service otherwise, or when the owner has no manager); once it
    /// has been late for [`ESCALATE_TO_YJS_AFTER_DAYS`] days, to the YJS managers as well. Each
    /// manager is notified once per item, deadline and level (the notification's dedupe key), and
    /// each escalation is written on the child's timeline. The number of notifications written.
    pub async fn escalate_readiness(&self, now: jiff::Timestamp) -> AppResult<usize> {
        let today = now.to_zoned(crate::london()).date();
        let yjs: Vec<OrgId> = self
            .organisations_shared()
            .await?
            .iter()
            .filter(|o| o.kind == resettle_domain::org::OrgKind::Yjs)
            .map(|o| o.id)
            .collect();
        if yjs.is_empty() {
            return Ok(0);
        }
        // Every child has their youth justice service on the team: these organisations reach
        // every child in custody.
        let scope = ChildScope { user_id: None, organisation_ids: yjs, today, emergency: None };
        let q = ReadinessQuery { child: None, organisation_id: None, today };
        let rows = self.store.readiness_rows(&scope, &q).await?;
        let owners: Vec<OpenNeedOwner> = self.store.open_need_owners(&scope, &q).await?;
        let assessed = self.assess_rows(&rows).await?;
        let mut managers: HashMap<OrgId, Vec<resettle_domain::ids::UserId>> = HashMap::new();
        let mut notices = Notices::default();
        for (row, readiness) in rows.iter().zip(assessed) {
            // Custody recorded as history (its day of release had passed when it was entered,
            // and the release is still to be recorded): late, and measured so, but not work to
            // chase. A child still to be released is current work, however late it was entered.
            let entered_on = row.episode_recorded_at.map(|t| t.to_zoned(crate::london()).date());
            if matches!((row.release_on, entered_on), (Some(r), Some(e)) if r < e) {
                continue;
            }
            for item in readiness.items().iter().filter(|i| i.status == RagStatus::Red) {
                let owner = item
                    .key
                    .pathway()
                    .and_then(|p| owners.iter().find(|o| o.child_id == row.child_id && o.pathway == p))
                    .map_or((row.yjs_id, row.yjs_name.clone()), |o| (o.organisation_id, o.organisation_name.clone()));
                let days_late = item.due_by.map_or(0, |d| resettle_domain::readiness::days_between(d, today));
                let mut levels = vec![(1, owner.0, owner.1.clone())];
                if days_late >= ESCALATE_TO_YJS_AFTER_DAYS && owner.0 != row.yjs_id {
                    levels.push((2, row.yjs_id, row.yjs_name.clone()));
                }
                for (level, org, org_name) in levels {
                    let due = item.due_by.map_or_else(|| "-".to_string(), |d| d.to_string());
                    let due_words = item.due_by.map_or_else(|| "no day set".to_string(), long_date);
                    let notice = Notice {
                        child_id: row.child_id,
                        kind: "readiness.escalated",
                        timeline_kind: "readiness.escalated",
                        message: format!("{} {}: {}", row.given_name, row.family_name, item.reason),
                        link: format!("/children/{}/release-arrangements", row.child_id),
                        dedupe: format!("readiness:{}:{}:{due}:{level}", row.child_id, item.key.as_str()),
                        summary: format!(
                            "{} is overdue (due {due_words}), so escalated to the managers of {org_name}",
                            item.key.label()
                        ),
                        reason: Some(item.reason.clone()),
                    };
                    let e = Escalation { org, yjs_id: row.yjs_id, notice };
                    self.escalate_once(&mut managers, &mut notices, e).await?;
                }
            }
        }
        self.send_notices(notices, now).await
    }

    /// Escalates overdue actions (run by the sweep) the same way as red readiness items: to
    /// the managers of the organisation that owns the action (its YJS's when it has none), and
    /// after [`ESCALATE_TO_YJS_AFTER_DAYS`] days late to the YJS managers too; each manager once
    /// per action, due date and level, with a timeline entry. The number of notifications.
    pub async fn escalate_overdue_actions(&self, now: jiff::Timestamp) -> AppResult<usize> {
        let today = now.to_zoned(crate::london()).date();
        let mut managers: HashMap<OrgId, Vec<resettle_domain::ids::UserId>> = HashMap::new();
        let mut notices = Notices::default();
        for (row, yjs_id) in self.store.overdue_actions(today).await? {
            let a = &row.action;
            let Some(due) = a.due_by else { continue };
            // Recorded as history, already past its day: late, but not new work to chase.
            if due < a.created_at.to_zoned(crate::london()).date() {
                continue;
            }
            let days_late = resettle_domain::readiness::days_between(due, today);
            let due_words = long_date(due);
            let mut levels = vec![(1, a.owner_organisation_id, row.owner_organisation_name.clone())];
            if days_late >= ESCALATE_TO_YJS_AFTER_DAYS && a.owner_organisation_id != yjs_id {
                levels.push((2, yjs_id, "the youth justice service".to_string()));
            }
            for (level, org, org_name) in levels {
                let notice = Notice {
                    child_id: a.child_id,
                    kind: "action.overdue",
                    timeline_kind: "action.escalated",
                    message: format!(
                        "{} {}: the action \"{}\" owned by {} was due on {due_words} and is still open",
                        row.child_given_name, row.child_family_name, a.description, row.owner_organisation_name
                    ),
                    link: format!("/children/{}/plan", a.child_id),
                    dedupe: format!("action:{}:{due}:{level}", a.id),
                    summary: format!("Overdue action (due {due_words}) escalated to the managers of {org_name}"),
                    reason: Some(a.description.clone()),
                };
                self.escalate_once(&mut managers, &mut notices, Escalation { org, yjs_id, notice }).await?;
            }
        }
        self.send_notices(notices, now).await
    }

    /// Adds a notice to the managers of `e.org` (the child's YJS managers when it has none),
    /// once each, to be sent with the rest (see [`App::send_notices`]).
    async fn escalate_once(
        &self,
        cache: &mut HashMap<OrgId, Vec<resettle_domain::ids::UserId>>,
        notices: &mut Notices,
        e: Escalation,
    ) -> AppResult<()> {
        let mut to = self.managers_of(cache, e.org).await?;
        if to.is_empty() && e.org != e.yjs_id {
            to = self.managers_of(cache, e.yjs_id).await?;
        }
        notices.push(to, e.notice);
        Ok(())
    }

    /// Sends notices gathered by a step of the sweep: each person once per notice (its dedupe
    /// key plus the person), with the notice on the child's timeline when anyone was newly
    /// notified. It first reads which have been sent already, so a sweep with nothing new
    /// writes nothing (no write lock taken, no cache thrown away); what is new is written in
    /// short transactions of [`NOTICES_PER_WRITE`] notices, yielding between them. The number
    /// of notifications written.
    pub(crate) async fn send_notices(&self, notices: Notices, now: jiff::Timestamp) -> AppResult<usize> {
        let keyed: Vec<(Vec<(resettle_domain::ids::UserId, String)>, Notice)> = notices
            .0
            .into_iter()
            .map(|(to, n)| (to.into_iter().map(|u| (u, format!("{}:{u}", n.dedupe))).collect(), n))
            .collect();
        let keys: Vec<String> = keyed.iter().flat_map(|(to, _)| to.iter().map(|(_, k)| k.clone())).collect();
        if keys.is_empty() {
            return Ok(0);
        }
        let sent = self.store.notifications_sent(&keys).await?;
        let mut written = 0;
        let mut batch = Vec::new();
        for (to, n) in keyed {
            let notifications: Vec<crate::storage::Notification> = to
                .into_iter()
                .filter(|(_, key)| !sent.contains(key))
                .map(|(u, key)| crate::storage::Notification {
                    id: resettle_domain::ids::NotificationId::random(),
                    user_id: u,
                    child_id: Some(n.child_id),
                    kind: n.kind.into(),
                    message: n.message.clone(),
                    link: Some(n.link.clone()),
                    created_at: now,
                    read_at: None,
                    dedupe_key: key,
                })
                .collect();
            if notifications.is_empty() {
                continue;
            }
            let entry = resettle_domain::timeline::TimelineEntry {
                id: resettle_domain::ids::TimelineEntryId::random(),
                child_id: n.child_id,
                at: now,
                actor_id: None,
                actor_name: "Resettle".into(),
                kind: n.timeline_kind.into(),
                summary: n.summary,
                reason: n.reason,
            };
            batch.push((notifications, entry));
            if batch.len() == NOTICES_PER_WRITE {
                written += self.store.notify_once(&batch).await?;
                batch.clear();
                tokio::task::yield_now().await;
            }
        }
        if !batch.is_empty() {
            written += self.store.notify_once(&batch).await?;
        }
        Ok(usize::try_from(written).unwrap_or(usize::MAX))
    }

    async fn managers_of(
        &self,
        cache: &mut HashMap<OrgId, Vec<resettle_domain::ids::UserId>>,
        org: OrgId,
    ) -> AppResult<Vec<resettle_domain::ids::UserId>> {
        if let Some(list) = cache.get(&org) {
            return Ok(list.clone());
        }
        let list = self.managers_of_org(org).await?;
        cache.insert(org, list.clone());
        Ok(list)
    }

    /// The managers of `org` (YJS managers of a youth justice service, secure establishment
    /// managers of an establishment): whom its late work escalates to. Empty when it has none.
    pub(crate) async fn managers_of_org(&self, org: OrgId) -> AppResult<Vec<resettle_domain::ids::UserId>> {
        let mut list = Vec::new();
        for role in Role::ALL.iter().copied().filter(|r| r.is_manager()) {
            list.extend(self.store.users_with_role(org, role).await?.into_iter().map(|u| u.id));
        }
        list.sort();
        list.dedup();
        Ok(list)
    }
}
