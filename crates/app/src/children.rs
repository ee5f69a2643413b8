//! A child's record: creating it, reading it, changing it, and the team around the child.

use serde::Serialize;

use resettle_domain::child::{Carer, CarerInput, Child, ChildDetailsInput};
use resettle_domain::ids::{CarerId, ChildId, OrgId, TeamMemberId, TimelineEntryId, UserId};
use resettle_domain::org::{OrgKind, Organisation, Role};
use resettle_domain::policy::{self, Action, ChildScope, Decision, InScope, Purpose, decide};
use resettle_domain::team::{TeamMember, TeamMemberInput};
use resettle_domain::timeline::TimelineEntry;
use resettle_domain::validation::ValidationErrors;

use crate::storage::{CaseloadQuery, CaseloadRow, EpisodeView, Page, TeamMemberView};
use crate::{App, AppError, AppResult, Ctx};

/// The longest reason for a change to a child's details, in characters.
pub const REASON_MAX: usize = 1000;

/// Input for a new child, as typed.
#[derive(Clone, Debug, Default)]
pub struct NewChildInput {
    /// Identity and status.
    pub details: ChildDetailsInput,
    /// The youth justice service that owns the case (id).
    pub yjs_id: Option<String>,
    /// A first parent or carer, if given.
    pub carer: Option<CarerInput>,
}

/// Everything on a child's page.
#[derive(Clone, Debug, Serialize)]
pub struct ChildRecord {
    /// The child.
    pub child: Child,
    /// The owning youth justice service.
    pub yjs: Organisation,
    /// Parents and carers.
    pub carers: Vec<Carer>,
    /// The team around the child.
    pub team: Vec<TeamMemberView>,
    /// Custody episodes, newest first.
    pub custody: Vec<EpisodeView>,
    /// Recent timeline, newest first.
    pub timeline: Vec<TimelineEntry>,
    /// Sentences with their key-date history, remands and deadlines.
    pub key_dates: crate::custody::KeyDatesRecord,
    /// The planning meetings, for whether each deadline was met.
    pub meetings: Vec<resettle_domain::meeting::Meeting>,
    /// Who has read or changed the record lately: for case managers and managers only.
    pub access_log: Option<Vec<crate::audit::AccessLine>>,
    /// Emergency (break-glass) accesses to the record, newest first: for the same people.
    pub break_glass: Option<Vec<crate::storage::BreakGlassLine>>,
    /// The reader's own break-glass grant, when that is how they are reading the record (the
    /// page shows a warning with its end).
    pub emergency_access: Option<crate::storage::BreakGlassGrant>,
    /// The period after the latest release, when the child is out of custody after one.
    pub post_release: Option<crate::community::PostRelease>,
}

/// The parts of [`ChildRecord`] that are the same for every reader.
#[derive(Clone, Debug)]
pub struct RecordParts {
    yjs: Organisation,
    carers: Vec<Carer>,
    team: Vec<TeamMemberView>,
    custody: Vec<EpisodeView>,
    timeline: Vec<TimelineEntry>,
    key_dates: crate::custody::KeyDatesRecord,
    /// Emergency accesses to the record (shown only to those who may see the audit trail).
    break_glass: Vec<crate::storage::BreakGlassLine>,
    /// The planning meetings, for whether each deadline was met.
    meetings: Vec<resettle_domain::meeting::Meeting>,
}

/// How many entries of "who has viewed this record" the child's page shows.
pub const ACCESS_LOG_PAGE: u32 = 20;

/// How many timeline entries the child's page shows.
pub const TIMELINE_PAGE: u32 = 100;

impl App {
    /// A timeline entry by the actor, now.
    pub(crate) fn entry_for(
        &self,
        ctx: &Ctx,
        child: ChildId,
        kind: &str,
        summary: String,
        reason: Option<String>,
    ) -> TimelineEntry {
        TimelineEntry {
            id: TimelineEntryId::random(),
            child_id: child,
            at: self.now(),
            actor_id: Some(ctx.actor.user_id),
            actor_name: ctx.actor.name.clone(),
            kind: kind.to_string(),
            summary,
            reason,
        }
    }

    /// Creates a child. The responsible youth justice service joins the team at once, with the
    /// creating case manager named on it.
    pub async fn create_child(&self, ctx: &Ctx, input: &NewChildInput) -> AppResult<Child> {
        // Someone who may add children to no service at all is refused before their input is
        // looked at (the service they name is checked again below).
        let refusal = ctx
            .actor
            .memberships
            .iter()
            .map(|m| decide(&ctx.actor, Action::CreateChild { yjs_id: m.organisation_id }, None))
            .try_fold(None, |_, d| match d {
                Decision::Allow(_) => Err(()),
                Decision::Deny(why) => Ok(Some(why)),
            });
        if let Ok(why) = refusal {
            return Err(AppError::Forbidden(why.unwrap_or("only case managers and managers can add children")));
        }
        let today = self.today();
        let mut errors = ValidationErrors::new();
        let details = input.details.validate(today, true).map_err(|e| errors.0.extend(e.0)).ok();
        let yjs = match input.yjs_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.add("yjs_id", "Choose the youth justice service responsible for the child");
                None
            }
            Some(s) => match s.parse::<OrgId>() {
                Err(_) => {
                    errors.add("yjs_id", "yjs_id must be the id of a youth justice service");
                    None
                }
                Ok(id) => match self.store.organisation(id).await? {
                    Some(o) if o.kind == OrgKind::Yjs => Some(o),
                    Some(_) => {
                        errors.add("yjs_id", "That organisation is not a youth justice service");
                        None
                    }
                    None => {
                        errors.add("yjs_id", "No youth justice service has that id");
                        None
                    }
                },
            },
        };
        let id = ChildId::random();
        let carers = match &input.carer {
            Some(c) if c.is_given() => match c.validate(CarerId::random(), id, "carer_") {
                Ok(c) => vec![c],
                Err(e) => {
                    errors.0.extend(e.0);
                    vec![]
                }
            },
            _ => vec![],
        };
        let (Some(details), Some(yjs)) = (details, yjs) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if let Decision::Deny(why) = decide(&ctx.actor, Action::CreateChild { yjs_id: yjs.id }, None) {
            return Err(AppError::Forbidden(why));
        }
        let now = self.now();
        let child = Child { id, yjs_id: yjs.id, details, version: 1, created_at: now, updated_at: now };
        let named = ctx.actor.has_role_in(Role::YjsCaseManager, yjs.id).then_some(ctx.actor.user_id);
        let team = vec![TeamMember {
            id: TeamMemberId::random(),
            child_id: id,
            organisation_id: yjs.id,
            user_id: named,
            role: Role::YjsCaseManager,
            responsibility: "Owns the case and coordinates the resettlement plan".into(),
            started_on: today,
            ended_on: None,
        }];
        let entry =
            self.entry_for(ctx, id, "child.created", format!("Record created, with {} responsible", yjs.name), None);
        let audit = [self.write_event(ctx, "child", id)];
        self.store.insert_child(&child, &carers, &team, &entry, &audit).await?;
        tracing::info!(child_id = %id, request_id = %ctx.request_id, "child created");
        Ok(child)
    }

    /// The one way into a child's record: the child as storage finds it within the scope
    /// `purpose` calls for, admitted by the access policy ([`policy::admit`]), without an audit
    /// entry — services go on to read or write (and audit) something more specific with the
    /// proof. A child outside that scope is indistinguishable from one that does not exist.
    /// A refusal is audited (`refused`), so that someone trying children one after another
    /// leaves a trace.
    pub async fn child_for(&self, ctx: &Ctx, id: ChildId, purpose: Purpose) -> AppResult<InScope<Child>> {
        match self.admitted(ctx, id, purpose).await {
            Err(refused @ (AppError::NotFound | AppError::Forbidden(_))) => {
                self.audit(ctx, "refused", "child", Some(id)).await?;
                Err(refused)
            }
            other => other,
        }
    }

    /// Whether the actor may change the child's record (to offer forms; the change itself is
    /// decided again when it is made). Not audited: nothing is read.
    pub async fn may_change(&self, ctx: &Ctx, id: ChildId) -> bool {
        self.admitted(ctx, id, Purpose::Change).await.is_ok()
    }

    /// [`App::child_for`] without auditing a refusal: for a service that only asks whether
    /// the actor could (a list deciding what to show of each child on it).
    pub(crate) async fn admitted(&self, ctx: &Ctx, id: ChildId, purpose: Purpose) -> AppResult<InScope<Child>> {
        let scope = match purpose.widened_by_emergency_access() {
            true => self.read_scope(&ctx.actor),
            false => self.scope(&ctx.actor),
        };
        let found = self.store.child(id, &scope).await?;
        Ok(policy::admit(&ctx.actor, purpose, found)?)
    }

    /// A child whose team the actor may add to by hand (audited as a read): for the form that
    /// adds to the team, so that those who may not are told before they fill it in.
    pub async fn child_for_team_change(&self, ctx: &Ctx, id: ChildId) -> AppResult<Child> {
        let child = self.child_for(ctx, id, Purpose::ManageTeam).await?;
        self.audit(ctx, "read", "child", Some(id)).await?;
        Ok(child.into_inner())
    }

    /// A child the actor may see (audited as a read).
    pub async fn child(&self, ctx: &Ctx, id: ChildId) -> AppResult<Child> {
        let child = self.child_for(ctx, id, Purpose::Read).await?;
        self.audit(ctx, "read", "child", Some(id)).await?;
        Ok(child.into_inner())
    }

    /// Everything on the child's page (audited as a read of the record).
    pub async fn child_record(&self, ctx: &Ctx, id: ChildId) -> AppResult<ChildRecord> {
        let child = self.child_for(ctx, id, Purpose::Read).await?;
        let emergency_access = match ctx.actor.has_role(Role::YjsManager) {
            true => self.store.active_break_glass(ctx.actor.user_id, id, self.now()).await?,
            false => None,
        };
        // With a grant, check whether the team gives access too (it may have changed since).
        let on_team = match &emergency_access {
            None => true,
            Some(_) => self.store.child(id, &self.scope(&ctx.actor)).await?.is_some(),
        };
        let emergency_access = emergency_access.filter(|_| !on_team);
        self.audit(ctx, "read", "child.record", Some(id)).await?;
        // The same for everyone who may read the record: from the read cache (see
        // [`crate::cache`]) once access has been decided above.
        let parts = self
            .caches
            .records
            .get_or_build(&id, self.store.changes().await?, self.now(), || async {
                Ok::<_, AppError>(RecordParts {
                    yjs: self.store.organisation(child.yjs_id).await?.ok_or(AppError::NotFound)?,
                    carers: self.store.carers(id).await?,
                    team: self.store.team(id).await?,
                    custody: self.store.custody(id).await?,
                    timeline: self.store.timeline(id, TIMELINE_PAGE).await?,
                    key_dates: self.key_dates_record(id).await?,
                    break_glass: self.store.child_break_glass(id, ACCESS_LOG_PAGE).await?,
                    meetings: self.store.meetings(id).await?,
                })
            })
            .await?;
        let RecordParts { yjs, carers, team, custody, timeline, key_dates, break_glass, meetings } =
            parts.as_ref().clone();
        let (access_log, break_glass) = match decide(&ctx.actor, Action::ViewAuditTrail, Some(on_team)) {
            Decision::Allow(_) => (Some(self.access_lines(id, ACCESS_LOG_PAGE).await?), Some(break_glass)),
            Decision::Deny(_) => (None, None),
        };
        let released = custody.first().is_some_and(|e| e.episode.ended_on.is_some());
        let post_release = match released {
            true => Some(self.post_release_of(&child).await?),
            false => None,
        };
        Ok(ChildRecord {
            post_release,
            child: child.into_inner(),
            yjs,
            carers,
            team,
            custody,
            timeline,
            key_dates,
            meetings,
            access_log,
            break_glass,
            emergency_access,
        })
    }

    /// Changes a child's details, if `expected_version` is still current.
    pub async fn update_child(
        &self,
        ctx: &Ctx,
        id: ChildId,
        expected_version: i64,
        input: &ChildDetailsInput,
        reason: Option<String>,
    ) -> AppResult<Child> {
        let current = self.child_for(ctx, id, Purpose::Change).await?;
        let mut e = ValidationErrors::new();
        let reason =
            resettle_domain::validation::optional_text(&mut e, "reason", "Reason", reason.as_deref(), REASON_MAX);
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let details = input.validate(self.today(), false)?;
        if expected_version != current.version {
            return Err(AppError::Conflict { current_version: current.version });
        }
        let changed = Child::changed_fields(&current.details, &details);
        if changed.is_empty() {
            return Ok(current.into_inner());
        }
        let updated = Child { details, version: current.version + 1, updated_at: self.now(), ..(*current).clone() };
        let entry = self.entry_for(
            ctx,
            id,
            "child.updated",
            format!("Changed the {}", resettle_domain::meeting::join_words(&changed)),
            reason,
        );
        self.store.update_child(&updated, expected_version, &entry, &[self.write_event(ctx, "child", id)]).await?;
        Ok(updated)
    }

    /// The actor's caseload: children on their team, filtered and ordered by the database.
    /// The whole ordered list is kept in the read cache (see [`crate::cache`]), and each page
    /// is cut from it.
    pub async fn caseload(&self, ctx: &Ctx, query: &CaseloadQuery) -> AppResult<Page<CaseloadRow>> {
        let scope = self.read_scope(&ctx.actor);
        let all = self.caseload_list(&scope, query).await?;
        // One entry for the list (names and dates of birth of the children on the page).
        self.audit(ctx, "read", "caseload", None).await?;
        Ok(page_of(&all, query))
    }

    /// The children of the caller's caseload that a search finds (see
    /// [`resettle_domain::search`]): by name, date of birth, NHS number, PNC ID or the record's
    /// reference. Only the caller's own caseload is searched, so a child they may not see is
    /// never found nor counted; emergency access stays the only way to reach one.
    pub async fn search_caseload(&self, ctx: &Ctx, query: &CaseloadQuery, text: &str) -> AppResult<Page<CaseloadRow>> {
        let scope = self.read_scope(&ctx.actor);
        let all = self.caseload_list(&scope, query).await?;
        let found = self.found_in(&all, text).await?;
        // One entry for the search, as for the list it narrows.
        self.audit(ctx, "read", "caseload.search", None).await?;
        Ok(page_of(&found, query))
    }

    /// The rows of a caseload (already within the caller's scope) that `text` finds.
    pub(crate) async fn found_in(&self, all: &[CaseloadRow], text: &str) -> AppResult<Vec<CaseloadRow>> {
        use resettle_domain::search::ChildSearch;
        let search = ChildSearch::parse(text).map_err(|m| AppError::invalid("q", m))?;
        let by_id: Vec<ChildId> = match &search {
            ChildSearch::Record(id) => vec![*id],
            ChildSearch::Nhs(n) => self.store.children_by_identifier(Some(n), None).await?,
            ChildSearch::Pnc(p) => self.store.children_by_identifier(None, Some(p)).await?,
            ChildSearch::Name(_) | ChildSearch::DateOfBirth(_) => Vec::new(),
        };
        Ok(all
            .iter()
            .filter(|r| match &search {
                ChildSearch::Name(_) => search.matches_name(&r.given_name, &r.family_name, r.preferred_name.as_deref()),
                ChildSearch::DateOfBirth(d) => r.date_of_birth == *d,
                ChildSearch::Record(_) | ChildSearch::Nhs(_) | ChildSearch::Pnc(_) => by_id.contains(&r.id),
            })
            .cloned()
            .collect())
    }

    /// Every child of a caseload in `scope`, filtered and ordered as `query` asks (its page is
    /// ignored), from the read cache.
    pub(crate) async fn caseload_list(
        &self,
        scope: &ChildScope,
        query: &CaseloadQuery,
    ) -> AppResult<std::sync::Arc<Vec<CaseloadRow>>> {
        let key = CaseloadKey {
            user_id: scope.user_id,
            organisation_ids: scope.organisation_ids.clone(),
            emergency: scope.emergency.map(|e| e.user_id),
            today: scope.today,
            organisation_id: query.organisation_id,
            sort: query.sort,
            descending: query.descending,
        };
        let (changes, now) = (self.store.changes().await?, self.now());
        Ok(self
            .caches
            .caseload
            .get_or_build(&key, changes, now, || async {
                let everything = CaseloadQuery { page: 1, per_page: u32::MAX, ..query.clone() };
                self.store.caseload(scope, &everything).await.map(|p| p.items)
            })
            .await?)
    }

    /// Adds someone to the team around a child.
    pub async fn add_team_member(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &TeamMemberInput,
    ) -> AppResult<TeamMember> {
        let child = self.child_for(ctx, child_id, Purpose::ManageTeam).await?;
        let member = input.validate(TeamMemberId::random(), child_id, self.today())?;
        if let policy::Decision::Deny(why) =
            policy::may_add_member(&ctx.actor, child.yjs_id, member.organisation_id, member.role)
        {
            return Err(AppError::Forbidden(why));
        }
        let org = self
            .store
            .organisation(member.organisation_id)
            .await?
            .ok_or_else(|| AppError::invalid("organisation_id", "No organisation has that id"))?;
        self.refuse_closed(org.id, "organisation_id").await?;
        if let Some(user_id) = member.user_id {
            let user = self.store.user(user_id).await?;
            let works_there = user.as_ref().is_some_and(|u| {
                u.memberships.iter().any(|m| m.organisation_id == org.id && m.role.works_with_children())
            });
            if !works_there {
                return Err(AppError::invalid("user_id", format!("Choose a person who works for {}", org.name)));
            }
        }
        let team = self.store.team(child_id).await?;
        let today = self.today();
        let duplicate = team.iter().any(|t| {
            t.member.is_current(today)
                && t.member.organisation_id == member.organisation_id
                && t.member.user_id == member.user_id
                && t.member.role == member.role
        });
        if duplicate {
            return Err(AppError::invalid("organisation_id", "They are already on the team in that role"));
        }
        let who = match member.user_id {
            Some(_) => "a named person",
            None => "the organisation",
        };
        let entry = self.entry_for(
            ctx,
            child_id,
            "team.member_added",
            format!("Added {} ({}, {who}) to the team: {}", org.name, member.role.label(), member.responsibility),
            None,
        );
        self.store.insert_team_member(&member, &entry, &[self.write_event(ctx, "child.team", child_id)]).await?;
        Ok(member)
    }

    /// Adds a parent or carer.
    pub async fn add_carer(&self, ctx: &Ctx, child_id: ChildId, input: &CarerInput) -> AppResult<Carer> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let carer = input.validate(CarerId::random(), child_id, "")?;
        let entry = self.entry_for(
            ctx,
            child_id,
            "carer.added",
            format!("Added a parent or carer ({})", carer.relationship),
            None,
        );
        self.store.insert_carer(&carer, &entry, &[self.write_event(ctx, "child.carers", child_id)]).await?;
        Ok(carer)
    }
}

/// The page `query` asks for, cut from the whole list.
pub(crate) fn page_of(all: &[CaseloadRow], query: &CaseloadQuery) -> Page<CaseloadRow> {
    let per_page = query.per_page.clamp(1, 200);
    let page = query.page.max(1);
    let start = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
    let items = all.iter().skip(start).take(per_page as usize).cloned().collect();
    Page { items, total: all.len() as u64, page, per_page }
}

/// What a cached caseload was built for: the whole scope, the filter and the order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseloadKey {
    user_id: Option<UserId>,
    organisation_ids: Vec<OrgId>,
    emergency: Option<UserId>,
    today: jiff::civil::Date,
    organisation_id: Option<OrgId>,
    sort: crate::storage::CaseloadSort,
    descending: bool,
}
