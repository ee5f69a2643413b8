//! Release readiness: the release arrangements of a child in custody, their readiness against
//! the configured rules, the caseload with readiness for a person or an organisation, the gaps
//! across the children a manager oversees, and the strategic lead's counts.
//!
//! Lists gather their inputs in a few set-based queries (children with their custody, key
//! dates and arrangements; overdue actions; open need owners) and compute the rules in Rust,
//! so an organisation with hundreds of children in custody is one page of a few queries.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::child::Child;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::org::Role;
use resettle_domain::plan::Pathway;
use resettle_domain::policy::{Action, ChildScope, Decision, Purpose, decide};
use resettle_domain::readiness::{
    CustodyDates, HealthHandoverState, ItemKey, RagStatus, Readiness, ReadinessFacts, ReadinessItem,
    ReleaseArrangements, ReleaseArrangementsInput, assess,
};

use crate::storage::{OpenNeedOwner, ReadinessQuery, ReadinessRow};
use crate::{App, AppError, AppResult, Ctx};

mod escalation;
pub use escalation::{ESCALATE_TO_YJS_AFTER_DAYS, NOTICES_PER_WRITE};
pub(crate) use escalation::{Notice, Notices};

/// What the health handovers say about each child, gathered in one place.
#[derive(Clone, Copy, Debug)]
pub struct HealthFacts {
    /// Where the handover to the YJS health worker stands.
    pub handover: HealthHandoverState,
    /// Handovers still waiting for acknowledgement; `None` until health handovers exist.
    pub unacknowledged: Option<i64>,
}

/// One child in custody with their readiness today: what readiness lists are built from.
#[derive(Clone, Debug)]
pub struct Assessed {
    /// The facts read.
    pub row: ReadinessRow,
    /// The rules' verdict.
    pub readiness: Readiness,
    /// The child's line on the readiness caseload (for a child the rules assessed).
    line: Option<CaseloadLine>,
    /// Lower-cased family and given names, for ordering.
    name_key: (String, String),
}

impl Assessed {
    fn new(row: ReadinessRow, readiness: Readiness, unacknowledged: Option<i64>) -> Self {
        let line = match &readiness {
            Readiness::Assessed { status, items, target, days_to_target } => Some(CaseloadLine {
                child_id: row.child_id,
                given_name: row.given_name.clone(),
                family_name: row.family_name.clone(),
                yjs_name: row.yjs_name.clone(),
                custody: row.kind,
                status: *status,
                reasons: items.iter().filter(|i| i.status != RagStatus::Green).map(|i| i.reason.clone()).collect(),
                next_deadline: readiness.next_deadline(),
                items: items.clone(),
                release_date: *target,
                days_to_release: *days_to_target,
                overdue_actions: row.overdue_actions,
                unacknowledged_handovers: unacknowledged,
            }),
            Readiness::NotApplicable => None,
        };
        let name_key = (row.family_name.to_lowercase(), row.given_name.to_lowercase());
        Self { row, readiness, line, name_key }
    }
}

/// A readiness list as cached.
pub type AssessedRows = Vec<Assessed>;

/// What a cached readiness list was built for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReadinessKey {
    user_id: Option<resettle_domain::ids::UserId>,
    organisation_ids: Vec<OrgId>,
    emergency: Option<resettle_domain::ids::UserId>,
    child: Option<ChildId>,
    organisation_id: Option<OrgId>,
    today: Date,
}

/// How the caseload is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadinessSort {
    /// Soonest release first (children with no date last).
    #[default]
    DaysToRelease,
    /// Worst status first.
    Status,
    /// Family name, given name.
    Name,
}

impl ReadinessSort {
    /// Every sort.
    pub const ALL: [ReadinessSort; 3] = [ReadinessSort::DaysToRelease, ReadinessSort::Status, ReadinessSort::Name];

    /// The query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadinessSort::DaysToRelease => "days_to_release",
            ReadinessSort::Status => "status",
            ReadinessSort::Name => "name",
        }
    }

    /// From the query string.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Which children the caseload shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseloadFilter {
    /// Only children named to the caller on their team ("My children"), not every child of the
    /// caller's organisations.
    pub mine: bool,
    /// Only children with this organisation on their team.
    pub organisation: Option<OrgId>,
    /// Only children with this overall status.
    pub status: Option<RagStatus>,
    /// Only children released (or next in court) within this many days.
    pub release_within_days: Option<i64>,
    /// Only children with an open need on this pathway.
    pub pathway: Option<Pathway>,
    /// The order.
    pub sort: ReadinessSort,
    /// The page shown (1-based; the last page when past it). The counts are always of every
    /// child listed.
    pub page: usize,
    /// Children on a page.
    pub per_page: usize,
}

impl Default for CaseloadFilter {
    fn default() -> Self {
        Self {
            mine: false,
            organisation: None,
            status: None,
            release_within_days: None,
            pathway: None,
            sort: ReadinessSort::default(),
            page: 1,
            per_page: PER_PAGE,
        }
    }
}

/// Children on a page of the readiness caseload, unless asked otherwise.
pub const PER_PAGE: usize = 50;

/// One child on the readiness caseload.
#[derive(Clone, Debug, Serialize)]
pub struct CaseloadLine {
    /// The child.
    pub child_id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The YJS.
    pub yjs_name: String,
    /// Remand or sentence.
    pub custody: EpisodeKind,
    /// Worst item.
    pub status: RagStatus,
    /// Items not green, and why.
    pub reasons: Vec<String>,
    /// Every item.
    pub items: Vec<ReadinessItem>,
    /// Release date (sentenced) or next court date (remand).
    pub release_date: Option<Date>,
    /// Days until then.
    pub days_to_release: Option<i64>,
    /// The earliest deadline of an item not done.
    pub next_deadline: Option<(ItemKey, Date)>,
    /// Open actions past their due date.
    pub overdue_actions: i64,
    /// Health handovers waiting for acknowledgement (`None` until health handovers exist).
    pub unacknowledged_handovers: Option<i64>,
}

/// Children by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// All children listed.
    pub total: usize,
    /// Green: on track, or with everything in place.
    pub green: usize,
    /// Amber.
    pub amber: usize,
    /// Red.
    pub red: usize,
    /// Of the green, those with every item done: counted apart so that "done" and "on track"
    /// read differently.
    pub done: usize,
}

impl StatusCounts {
    fn add(&mut self, s: RagStatus, items: &[ReadinessItem]) {
        self.total += 1;
        if !items.is_empty() && items.iter().all(|i| i.done) {
            self.done += 1;
        }
        match s {
            RagStatus::Green => self.green += 1,
            RagStatus::Amber => self.amber += 1,
            RagStatus::Red => self.red += 1,
        }
    }
}

/// The readiness caseload.
#[derive(Clone, Debug, Serialize)]
pub struct ReadinessCaseload {
    /// Counts of the children listed, by status.
    pub counts: StatusCounts,
    /// The children (of the page asked for).
    pub children: Vec<CaseloadLine>,
    /// How many children the filters list, across every page.
    pub listed: usize,
    /// The page shown.
    pub page: usize,
    /// Children on a page.
    pub per_page: usize,
}

/// One open red or amber item, and who should act on it.
#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    /// The child.
    pub child_id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The YJS.
    pub yjs_name: String,
    /// The item.
    pub item: ReadinessItem,
    /// Days past the deadline (0 or less when not yet late).
    pub days_late: Option<i64>,
    /// Who owns it: the owner of the open need on the item's pathway, else the YJS.
    pub owner_name: String,
}

/// Readiness counts for one youth justice service (no names).
#[derive(Clone, Debug, Serialize)]
pub struct OrganisationReadiness {
    /// The YJS.
    pub organisation_id: OrgId,
    /// Its name.
    pub name: String,
    /// Its children in custody by status.
    pub counts: StatusCounts,
}

/// Open needs counted by owner and pathway (no names).
#[derive(Clone, Debug, Serialize)]
pub struct PathwayNeeds {
    /// Owner.
    pub organisation_id: OrgId,
    /// Its name.
    pub organisation_name: String,
    /// Pathway.
    pub pathway: Pathway,
    /// Open needs of children in custody.
    pub open_needs: i64,
}

/// The strategic lead's readiness figures.
#[derive(Clone, Debug, Serialize)]
pub struct ReadinessFigures {
    /// By youth justice service.
    pub by_organisation: Vec<OrganisationReadiness>,
    /// Open needs by owner and pathway.
    pub open_needs: Vec<PathwayNeeds>,
}

/// A child's release arrangements and readiness.
#[derive(Clone, Debug)]
pub struct ChildReadiness {
    /// The child.
    pub child: Child,
    /// The inputs (`None` when not in custody).
    pub row: Option<ReadinessRow>,
    /// The readiness.
    pub readiness: Readiness,
    /// Health handovers waiting for acknowledgement (`None` when not in custody).
    pub unacknowledged_handovers: Option<i64>,
}

/// The dates readiness counts from: for a sentence, the day of discharge as the key dates
/// page shows it (the decided release date moved off a weekend or holiday, Criminal Justice
/// Act 1961 s.23(3), or the day it was brought forward to).
fn custody_dates(calendar: &resettle_domain::calendar::Calendar, row: &ReadinessRow) -> CustodyDates {
    match (row.kind, row.release_on) {
        (EpisodeKind::Sentence, Some(release)) => CustodyDates::Sentenced {
            release: row
                .brought_forward_to
                .unwrap_or_else(|| resettle_domain::discharge::discharge_on(calendar, release, true)),
        },
        // A sentence episode without key dates yet is planned for like a remand.
        _ => CustodyDates::Remanded { next_court_date: row.next_court_date },
    }
}

const NOT_IN_CUSTODY: &str =
    "This child is not in custody: release arrangements are recorded while a child is in custody";

impl App {
    // ---- Health handovers: the ONE place readiness reads them. ----
    //
    /// Where each child's health handover stands, from two set-based queries: the handover
    /// that counts is the release health summary's, to the child's youth justice service (its
    /// health worker, named or by role), sent during the current custody episode; and the
    /// number of the child's handovers still waiting for acknowledgement.
    async fn health_facts(&self, rows: &[ReadinessRow]) -> AppResult<HashMap<ChildId, HealthFacts>> {
        let ids: Vec<ChildId> = rows.iter().map(|r| r.child_id).collect();
        let summaries = self.store.release_summary_handovers(&ids).await?;
        let waiting: HashMap<ChildId, i64> =
            self.store.unacknowledged_handover_counts(&ids).await?.into_iter().collect();
        let tz = crate::london();
        Ok(rows
            .iter()
            .map(|row| {
                let relevant = summaries.iter().filter(|h| {
                    h.child_id == row.child_id
                        && h.recipient.organisation_id == row.yjs_id
                        && (h.recipient.user_id.is_some() || h.recipient.role == Some(Role::YjsHealthWorker))
                        && h.sent_at.to_zoned(tz.clone()).date() >= row.started_on
                });
                let mut state = HealthHandoverState::NotSent;
                for h in relevant {
                    state = match (h.acknowledged_at, state) {
                        (Some(at), _) => {
                            let on = at.to_zoned(tz.clone()).date();
                            match state {
                                HealthHandoverState::Acknowledged { on: before } if before >= on => state,
                                _ => HealthHandoverState::Acknowledged { on },
                            }
                        }
                        (None, HealthHandoverState::Acknowledged { .. }) => state,
                        (None, HealthHandoverState::Pending { due }) if due <= h.due_on => state,
                        (None, _) => HealthHandoverState::Pending { due: h.due_on },
                    };
                }
                let facts = HealthFacts {
                    handover: state,
                    unacknowledged: Some(waiting.get(&row.child_id).copied().unwrap_or(0)),
                };
                (row.child_id, facts)
            })
            .collect())
    }

    async fn assess_rows(&self, rows: &[ReadinessRow]) -> AppResult<Vec<Readiness>> {
        Ok(self.assess_with_health(rows).await?.0)
    }

    /// Each row's readiness today, with the health facts it was judged on.
    async fn assess_with_health(
        &self,
        rows: &[ReadinessRow],
    ) -> AppResult<(Vec<Readiness>, HashMap<ChildId, HealthFacts>)> {
        let health = self.health_facts(rows).await?;
        let cal = self.calendar().await?;
        let today = self.today();
        let assessed = rows
            .iter()
            .map(|row| {
                let facts = ReadinessFacts {
                    custody: custody_dates(&cal, row),
                    arrangements: row.arrangements.clone(),
                    health_handover: health.get(&row.child_id).map_or(HealthHandoverState::NotSent, |h| h.handover),
                    plan_shared_on: row.plan_shared_on,
                };
                assess(&cal, &self.config.readiness, &facts, today)
            })
            .collect();
        Ok((assessed, health))
    }

    /// The children in custody within `scope` (and `q`'s organisation), each with their
    /// readiness today: from the read cache while no change has been made since it was built
    /// (see [`crate::cache`]).
    pub(crate) async fn assessed(&self, scope: &ChildScope, q: &ReadinessQuery) -> AppResult<Arc<AssessedRows>> {
        let key = ReadinessKey {
            user_id: scope.user_id,
            organisation_ids: scope.organisation_ids.clone(),
            emergency: scope.emergency.map(|e| e.user_id),
            child: q.child,
            organisation_id: q.organisation_id,
            today: q.today,
        };
        let (changes, now) = (self.store.changes().await?, self.now());
        let list = self
            .caches
            .readiness
            .get_or_build(&key, changes, now, || async {
                let rows = self.store.readiness_rows(scope, q).await?;
                let (assessed, health) = self.assess_with_health(&rows).await?;
                Ok::<_, AppError>(
                    rows.into_iter()
                        .zip(assessed)
                        .map(|(row, readiness)| {
                            let unacknowledged = health.get(&row.child_id).and_then(|h| h.unacknowledged);
                            Assessed::new(row, readiness, unacknowledged)
                        })
                        .collect(),
                )
            })
            .await?;
        Ok(list)
    }

    async fn child_row(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<Option<ReadinessRow>> {
        let q = ReadinessQuery { child: Some(child_id), organisation_id: None, today: self.today() };
        Ok(self.store.readiness_rows(&self.read_scope(&ctx.actor), &q).await?.into_iter().next())
    }

    /// A child's readiness today (audited as a read). A child not in custody is
    /// [`Readiness::NotApplicable`].
    pub async fn readiness(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<ChildReadiness> {
        let child = self.child_for(ctx, child_id, Purpose::Read).await?;
        let row = self.child_row(ctx, child_id).await?;
        self.audit(ctx, "read", "readiness", Some(child_id)).await?;
        let (readiness, unacknowledged_handovers) = match &row {
            Some(r) => {
                let (assessed, health) = self.assess_with_health(std::slice::from_ref(r)).await?;
                let waiting = health.get(&r.child_id).and_then(|h| h.unacknowledged);
                (assessed.into_iter().next().unwrap_or(Readiness::NotApplicable), waiting)
            }
            None => (Readiness::NotApplicable, None),
        };
        Ok(ChildReadiness { child: child.into_inner(), row, readiness, unacknowledged_handovers })
    }

    /// Records release arrangements for the child's open custody episode. Fields left out are
    /// unchanged; `version` must be the one read (0 before anything is recorded).
    pub async fn update_release_arrangements(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &ReleaseArrangementsInput,
    ) -> AppResult<ReleaseArrangements> {
        self.child_for(ctx, child_id, Purpose::Work).await?;
        if let Decision::Deny(_) = decide(&ctx.actor, Action::EditChild, Some(true)) {
            return Err(AppError::NotFound);
        }
        let row = self.child_row(ctx, child_id).await?.ok_or(AppError::Missing(NOT_IN_CUSTODY))?;
        let Some(version) = input.version else {
            return Err(AppError::invalid("version", "Send the version of the release arrangements you are changing"));
        };
        let (next, changed) = input.apply(&row.arrangements, self.today())?;
        if version != row.arrangements.version {
            return Err(AppError::Conflict { current_version: row.arrangements.version });
        }
        if changed.is_empty() {
            return Ok(row.arrangements);
        }
        let summary = format!("Release arrangements: recorded {}", changed.join(", ").to_lowercase());
        let entry = self.entry_for(ctx, child_id, "release_arrangements.updated", summary, None);
        self.store
            .put_release_arrangements(
                child_id,
                row.episode_id,
                &next,
                row.arrangements.version,
                self.now(),
                &entry,
                &[self.write_event(ctx, "release_arrangements", child_id)],
            )
            .await?;
        Ok(next)
    }

    fn caseload_scope(&self, ctx: &Ctx, mine: bool) -> ChildScope {
        let scope = self.scope(&ctx.actor);
        if mine { ChildScope { organisation_ids: Vec::new(), ..scope } } else { scope }
    }

    /// The scope in which needs on `pathway` may be looked at: for the health and
    /// substance-misuse pathways, only the children on whose team the actor is health staff
    /// (which children have such needs is itself health information); `scope` otherwise.
    fn pathway_scope(&self, ctx: &Ctx, scope: &ChildScope, pathway: Pathway) -> ChildScope {
        if !pathway.is_health() {
            return scope.clone();
        }
        let health_orgs: Vec<OrgId> = ctx
            .actor
            .memberships
            .iter()
            .filter(|m| m.role.is_health() && scope.organisation_ids.contains(&m.organisation_id))
            .map(|m| m.organisation_id)
            .collect();
        // Named on a team in a health role: a named person's organisation is on the team too.
        let named = ctx.actor.memberships.iter().any(|m| m.role.is_health()).then_some(scope.user_id).flatten();
        ChildScope { user_id: named, organisation_ids: health_orgs, ..scope.clone() }
    }

    /// The children in custody in the caller's scope with their readiness, filtered and sorted,
    /// with counts by status of those listed.
    pub async fn readiness_caseload(&self, ctx: &Ctx, f: &CaseloadFilter) -> AppResult<ReadinessCaseload> {
        let scope = self.caseload_scope(ctx, f.mine);
        let q = ReadinessQuery { child: None, organisation_id: f.organisation, today: self.today() };
        let assessed = self.assessed(&scope, &q).await?;
        let with_need: Option<std::collections::HashSet<ChildId>> = match f.pathway {
            Some(p) => Some(
                self.store
                    .open_need_owners(&self.pathway_scope(ctx, &scope, p), &q)
                    .await?
                    .into_iter()
                    .filter(|n| n.pathway == p)
                    .map(|n| n.child_id)
                    .collect(),
            ),
            None => None,
        };
        let mut picked: Vec<(&CaseloadLine, &(String, String))> = assessed
            .iter()
            .filter_map(|a| a.line.as_ref().map(|l| (l, &a.name_key)))
            .filter(|(l, _)| f.status.is_none_or(|s| s == l.status))
            .filter(|(l, _)| f.release_within_days.is_none_or(|n| l.days_to_release.is_some_and(|d| d <= n)))
            .filter(|(l, _)| with_need.as_ref().is_none_or(|set| set.contains(&l.child_id)))
            .collect();
        fn name<'a>((l, key): &(&CaseloadLine, &'a (String, String))) -> (&'a str, &'a str, ChildId) {
            (&key.0, &key.1, l.child_id)
        }
        let release = |l: &CaseloadLine| (l.days_to_release.is_none(), l.days_to_release);
        match f.sort {
            ReadinessSort::Name => picked.sort_by(|a, b| name(a).cmp(&name(b))),
            ReadinessSort::DaysToRelease => {
                picked.sort_by(|a, b| (release(a.0), name(a)).cmp(&(release(b.0), name(b))))
            }
            ReadinessSort::Status => picked.sort_by(|a, b| {
                (std::cmp::Reverse(a.0.status), release(a.0), name(a)).cmp(&(
                    std::cmp::Reverse(b.0.status),
                    release(b.0),
                    name(b),
                ))
            }),
        }
        let mut counts = StatusCounts::default();
        for (l, _) in &picked {
            counts.add(l.status, &l.items);
        }
        let listed = picked.len();
        let per_page = f.per_page.max(1);
        let page = f.page.clamp(1, listed.div_ceil(per_page).max(1));
        let shown: Vec<_> = picked.into_iter().skip((page - 1) * per_page).take(per_page).collect();
        let children = shown.into_iter().map(|(l, _)| l.clone()).collect();
        self.audit(ctx, "read", "caseload.readiness", None).await?;
        Ok(ReadinessCaseload { counts, children, listed, page, per_page })
    }

    /// Every open red or amber item across the children a manager oversees, latest first, with
    /// who owns it.
    pub async fn readiness_gaps(&self, ctx: &Ctx, organisation: Option<OrgId>) -> AppResult<Vec<Gap>> {
        if let Decision::Deny(why) = decide(&ctx.actor, Action::ViewOversight, None) {
            return Err(AppError::Forbidden(why));
        }
        let scope = self.scope(&ctx.actor);
        let q = ReadinessQuery { child: None, organisation_id: organisation, today: self.today() };
        let assessed = self.assessed(&scope, &q).await?;
        let owners: Vec<OpenNeedOwner> = self.store.open_need_owners(&scope, &q).await?;
        let today = self.today();
        let mut gaps = Vec::new();
        for Assessed { row, readiness, .. } in assessed.iter() {
            for item in readiness.items() {
                if item.status == RagStatus::Green {
                    continue;
                }
                let owner_name = item
                    .key
                    .pathway()
                    .and_then(|p| owners.iter().find(|o| o.child_id == row.child_id && o.pathway == p))
                    .map_or_else(|| format!("{} (case manager)", row.yjs_name), |o| o.organisation_name.clone());
                gaps.push(Gap {
                    child_id: row.child_id,
                    given_name: row.given_name.clone(),
                    family_name: row.family_name.clone(),
                    yjs_name: row.yjs_name.clone(),
                    days_late: item.due_by.map(|d| resettle_domain::readiness::days_between(d, today)),
                    item: item.clone(),
                    owner_name,
                });
            }
        }
        gaps.sort_by_key(|g| (std::cmp::Reverse(g.item.status), std::cmp::Reverse(g.days_late), g.family_name.clone()));
        self.audit(ctx, "read", "readiness.gaps", None).await?;
        Ok(gaps)
    }

    /// Readiness counts by youth justice service and open needs by pathway, across every
    /// organisation, for strategic leads: counts only, no names or identifiers of children.
    pub async fn readiness_figures(&self, ctx: &Ctx) -> AppResult<ReadinessFigures> {
        if let Decision::Deny(why) = decide(&ctx.actor, Action::ViewAggregates, None) {
            return Err(AppError::Forbidden(why));
        }
        let rows = self.store.all_readiness_rows(self.today()).await?;
        let assessed = self.assess_rows(&rows).await?;
        let mut by_org: Vec<OrganisationReadiness> = Vec::new();
        for (row, r) in rows.iter().zip(assessed) {
            let Some(status) = r.status() else { continue };
            match by_org.iter_mut().find(|o| o.organisation_id == row.yjs_id) {
                Some(o) => o.counts.add(status, r.items()),
                None => {
                    let mut counts = StatusCounts::default();
                    counts.add(status, r.items());
                    by_org.push(OrganisationReadiness {
                        organisation_id: row.yjs_id,
                        name: row.yjs_name.clone(),
                        counts,
                    });
                }
            }
        }
        by_org.sort_by(|a, b| a.name.cmp(&b.name));
        let open_needs = self
            .store
            .open_need_counts()
            .await?
            .into_iter()
            .map(|n| PathwayNeeds {
                organisation_id: n.organisation_id,
                organisation_name: n.organisation_name,
                pathway: n.pathway,
                open_needs: n.count,
            })
            .collect();
        Ok(ReadinessFigures { by_organisation: by_org, open_needs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(status: RagStatus, done: bool) -> ReadinessItem {
        ReadinessItem {
            key: ItemKey::Accommodation,
            status,
            reason: String::new(),
            short: String::new(),
            due_by: None,
            done,
        }
    }

    #[test]
    fn a_child_with_everything_done_counts_as_done_apart_from_on_track() {
        let mut c = StatusCounts::default();
        c.add(RagStatus::Green, &[item(RagStatus::Green, true), item(RagStatus::Green, true)]);
        c.add(RagStatus::Green, &[item(RagStatus::Green, true), item(RagStatus::Green, false)]);
        c.add(RagStatus::Red, &[item(RagStatus::Red, false)]);
        c.add(RagStatus::Green, &[]);
        assert_eq!(c, StatusCounts { total: 4, green: 3, amber: 0, red: 1, done: 1 });
    }
}
