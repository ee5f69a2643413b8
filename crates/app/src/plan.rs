//! The resettlement plan: its needs, meetings and actions, and the plan opened when custody
//! begins. Every change checks the version it was made against and lands on the timeline.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::action_item::{ActionInput, ActionItem, ActionPatch};
use resettle_domain::child::{Carer, Child};
use resettle_domain::ids::{
    ActionItemId, ChildId, EpisodeId, MeetingId, NeedId, NeedUpdateId, OrgId, TeamMemberId, UserId,
};
use resettle_domain::meeting::{
    AgendaItem, Meeting, MeetingPatch, NewMeetingInput, agenda, planned_meetings, sync_meetings,
};
use resettle_domain::org::{OrgKind, Organisation, Role};
use resettle_domain::plan::{Need, NeedInput, NeedPatch, NeedUpdate, Pathway, Plan, PlanViewsInput, catalogue};
use resettle_domain::policy::{Action, Decision, Purpose, decide, sees_health_details};
use resettle_domain::sentence::StoredDeadline;
use resettle_domain::team::TeamMember;

use crate::storage::{ActionOwner, ActionRow, MeetingRow, NeedWrite, PlanChanges, StorageError, TeamMemberView};
use crate::{App, AppError, AppResult, Ctx};

mod words;

/// Why the service adds an organisation to the team when it is given a need (its audit purpose).
const NEED_OWNER_JOINED: &str = "an organisation given a need joined the team";
/// A need as the reader may see it.
#[derive(Clone, Debug, Serialize)]
pub struct NeedView {
    /// The need. For a reader who may not see health details, the catalogue key and
    /// description of a health need are withheld (`need` reads `health_need`).
    pub need: Need,
    /// Its name.
    pub title: String,
    /// The owning organisation's name.
    pub owner_name: String,
    /// Withheld because it is health data the reader may not see.
    pub withheld: bool,
    /// Open and past its due date.
    pub overdue: bool,
    /// Its update log, oldest first.
    pub updates: Vec<NeedUpdate>,
}

/// One pathway of the plan with its needs.
#[derive(Clone, Debug, Serialize)]
pub struct PathwayView {
    /// The pathway.
    pub pathway: Pathway,
    /// Its needs, oldest first.
    pub needs: Vec<NeedView>,
}

impl PathwayView {
    /// The GOV.UK task-list status for the pathway: not started (no needs), in progress (open
    /// needs), or done (every need met, declined or not required).
    pub fn state(&self) -> &'static str {
        if self.needs.is_empty() {
            "Not started"
        } else if self.needs.iter().any(|n| n.need.status.is_open()) {
            "In progress"
        } else {
            "Completed"
        }
    }

    /// Open needs past their due date.
    pub fn overdue(&self) -> usize {
        self.needs.iter().filter(|n| n.overdue).count()
    }
}

/// A meeting with what the reader needs to know at a glance.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingView {
    /// The meeting.
    pub meeting: Meeting,
    /// "Review meeting 2".
    pub title: String,
    /// Not held by its due date.
    pub late: bool,
    /// What is still to record once held.
    pub missing: Vec<&'static str>,
    /// Actions agreed at it.
    pub actions: usize,
}

/// An action with its owner's names.
#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    /// The action.
    pub action: ActionItem,
    /// Owning organisation's name.
    pub owner_name: String,
    /// Owning person's name.
    pub owner_user_name: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
}

/// The plan page: the child, the plan, its pathways, meetings and actions.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRecord {
    /// The child.
    pub child: Child,
    /// The plan.
    pub plan: Plan,
    /// Every pathway, in order, with its needs.
    pub pathways: Vec<PathwayView>,
    /// Meetings, by due date.
    pub meetings: Vec<MeetingView>,
    /// Actions, by due date.
    pub actions: Vec<ActionView>,
    /// The team around the child.
    pub team: Vec<TeamMemberView>,
    /// Parents and carers.
    pub carers: Vec<Carer>,
    /// Whether health details are shown to this reader.
    pub health_visible: bool,
}

/// Someone invited to a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invitee {
    /// Name (a person, an organisation, the child, a carer).
    pub name: String,
    /// In what capacity.
    pub capacity: String,
    /// Email, when known.
    pub email: Option<String>,
}

/// The capacity in which the child is invited to their own meetings.
pub const CHILD_CAPACITY: &str = "The child";

/// Everything on a meeting's page.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingDetail {
    /// The child.
    pub child: Child,
    /// The meeting.
    pub meeting: MeetingView,
    /// The agenda from the plan's open gaps.
    pub agenda: Vec<AgendaItem>,
    /// Who is invited.
    pub invitees: Vec<Invitee>,
    /// Actions agreed at it.
    pub actions: Vec<ActionView>,
}

/// The role an organisation takes on the team when it is given a need or an action, by kind.
fn team_role_for(kind: OrgKind) -> Option<Role> {
    match kind {
        OrgKind::Yjs => Some(Role::YjsCaseManager),
        OrgKind::LocalAuthority => Some(Role::AccommodationOfficer),
        OrgKind::Education => Some(Role::EteCoordinator),
        OrgKind::Yoi | OrgKind::Stc | OrgKind::Sch | OrgKind::SecureSchool => Some(Role::SecurePractitioner),
        OrgKind::Health | OrgKind::Other => None,
    }
}

const NO_PLAN: &str =
    "This child has no resettlement plan yet: it opens when a custodial sentence or remand is recorded";

impl App {
    /// What a sentence, remand or recalculation writes to the plan: the plan opened if the
    /// child has none, and the meetings the episode's deadlines now call for.
    pub(crate) async fn plan_changes(
        &self,
        child_id: ChildId,
        episode_id: EpisodeId,
        on_remand: bool,
        opened_on: Date,
        deadlines: &[StoredDeadline],
        release: Option<Date>,
    ) -> AppResult<PlanChanges> {
        let now = self.now();
        let open = match self.store.plan(child_id).await? {
            Some(_) => None,
            None => Some(Plan::open(child_id, opened_on, now)),
        };
        let post_release_due = match release {
            Some(r) => {
                let n = i32::try_from(self.config.timescales.post_release_review_working_days).unwrap_or(i32::MAX);
                self.calendar().await?.add_working_days(r, n).ok()
            }
            None => None,
        };
        let dated: Vec<_> = deadlines.iter().map(|d| (d.kind, d.due_by)).collect();
        let planned = planned_meetings(&dated, on_remand, release, post_release_due);
        let existing = self.store.meetings(child_id).await?;
        let meetings = sync_meetings(&existing, &planned, child_id, episode_id, on_remand, now);
        Ok(PlanChanges { open, meetings })
    }

    /// Whether the actor may read health details on this child's plan (the policy's
    /// [`sees_health_details`]: a health role in an organisation on the team, or a recorded
    /// consent or sharing decision).
    async fn health_visible(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<bool> {
        let team: Vec<TeamMember> = self.store.team(child_id).await?.into_iter().map(|t| t.member).collect();
        let grants = self.sharing_grants(child_id).await?;
        Ok(sees_health_details(&ctx.actor, &team, self.today(), &grants))
    }

    async fn plan_of(&self, child_id: ChildId) -> AppResult<Plan> {
        self.store.plan(child_id).await?.ok_or(AppError::Missing(NO_PLAN))
    }

    /// Organisation names, read fresh (not from the shared list, which may be up to a minute
    /// old): an owner must never show blank.
    async fn org_names(&self) -> AppResult<std::collections::HashMap<OrgId, String>> {
        Ok(self.store.organisations().await?.into_iter().map(|o| (o.id, o.name)).collect())
    }

    fn need_view(
        &self,
        need: Need,
        names: &std::collections::HashMap<OrgId, String>,
        updates: &[NeedUpdate],
        health_visible: bool,
    ) -> NeedView {
        let today = self.today();
        let withheld = need.pathway.is_health() && !health_visible;
        let overdue = need.is_overdue(today);
        let owner_name = names.get(&need.owner_organisation_id).cloned().unwrap_or_default();
        let updates: Vec<NeedUpdate> = updates
            .iter()
            .filter(|u| u.need_id == need.id)
            .map(|u| if withheld { NeedUpdate { note: None, ..u.clone() } } else { u.clone() })
            .collect();
        if withheld {
            let title = format!("{} need (details for health staff)", need.pathway.label());
            let need = Need { need: "health_need".into(), description: None, ..need };
            NeedView { need, title, owner_name, withheld, overdue, updates }
        } else {
            NeedView { title: need.title(), need, owner_name, withheld, overdue, updates }
        }
    }

    fn meeting_view(&self, m: Meeting, actions: &[ActionItem]) -> MeetingView {
        let n = actions.iter().filter(|a| a.meeting_id == Some(m.id)).count();
        MeetingView { title: m.title(), late: m.is_late(self.today()), missing: m.missing(n), actions: n, meeting: m }
    }

    async fn action_views(&self, actions: Vec<ActionItem>) -> AppResult<Vec<ActionView>> {
        let names = self.org_names().await?;
        let today = self.today();
        // One look-up per person named, however many of their actions there are.
        let mut people: std::collections::HashMap<resettle_domain::ids::UserId, Option<String>> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(actions.len());
        for a in actions {
            let owner_user_name = match a.owner_user_id {
                Some(u) => match people.get(&u) {
                    Some(name) => name.clone(),
                    None => {
                        let name = self.store.user(u).await?.map(|r| r.user.name);
                        people.insert(u, name.clone());
                        name
                    }
                },
                None => None,
            };
            out.push(ActionView {
                owner_name: names.get(&a.owner_organisation_id).cloned().unwrap_or_default(),
                owner_user_name,
                overdue: a.is_overdue(today),
                action: a,
            });
        }
        Ok(out)
    }

    /// The child's plan with its pathways, meetings and actions (audited as a read).
    pub async fn plan(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<PlanRecord> {
        let child = self.child_for(ctx, child_id, Purpose::Work).await?;
        let plan = self.store.plan(child_id).await?.ok_or(AppError::Missing(NO_PLAN))?;
        self.audit(ctx, "read", "plan", Some(child_id)).await?;
        let health_visible = self.health_visible(ctx, child_id).await?;
        let names = self.org_names().await?;
        let updates = self.store.need_updates(child_id).await?;
        let mut pathways: Vec<PathwayView> =
            Pathway::ALL.iter().map(|p| PathwayView { pathway: *p, needs: Vec::new() }).collect();
        for need in self.store.needs(child_id).await? {
            let view = self.need_view(need, &names, &updates, health_visible);
            if let Some(p) = pathways.iter_mut().find(|p| p.pathway == view.need.pathway) {
                p.needs.push(view);
            }
        }
        let actions = self.store.actions(child_id).await?;
        let meetings =
            self.store.meetings(child_id).await?.into_iter().map(|m| self.meeting_view(m, &actions)).collect();
        let actions = self.action_views(actions).await?;
        let team = self.store.team(child_id).await?;
        let carers = self.store.carers(child_id).await?;
        Ok(PlanRecord { child: child.into_inner(), plan, pathways, meetings, actions, team, carers, health_visible })
    }

    /// Records the child's goals and words and carers' views, or the day the plan was shared.
    pub async fn update_plan_views(&self, ctx: &Ctx, child_id: ChildId, input: &PlanViewsInput) -> AppResult<Plan> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let plan = self.plan_of(child_id).await?;
        let Some(version) = input.version else {
            return Err(AppError::invalid("version", "Send the version of the plan you are changing"));
        };
        let (mut next, changed) = input.apply(&plan, self.today())?;
        if version != plan.version {
            return Err(AppError::Conflict { current_version: plan.version });
        }
        if changed.is_empty() {
            return Ok(plan);
        }
        next.updated_at = self.now();
        let entry =
            self.entry_for(ctx, child_id, "plan.updated", format!("Plan: recorded {}", changed.join(", ")), None);
        self.store.update_plan(&next, plan.version, &entry, &[self.write_event(ctx, "plan", child_id)]).await?;
        Ok(next)
    }

    /// The organisation `org` as an owner of work for this child, and the team membership to
    /// add when it is not on the team yet.
    async fn owner_on_team(
        &self,
        child_id: ChildId,
        org: OrgId,
        field: &'static str,
        what: &str,
    ) -> AppResult<(Organisation, Option<TeamMember>)> {
        let o = self
            .store
            .organisation(org)
            .await?
            .ok_or_else(|| AppError::invalid(field, "No organisation has that id"))?;
        let today = self.today();
        let team = self.store.team(child_id).await?;
        if team.iter().any(|t| t.member.organisation_id == org && t.member.is_current(today)) {
            return Ok((o, None));
        }
        let Some(role) = team_role_for(o.kind) else {
            return Err(AppError::invalid(
                field,
                format!("{} is not on the team around the child: add them to the team first", o.name),
            ));
        };
        let member = TeamMember {
            id: TeamMemberId::random(),
            child_id,
            organisation_id: org,
            user_id: None,
            role,
            responsibility: format!("Owns {what}"),
            started_on: today,
            ended_on: None,
        };
        Ok((o, Some(member)))
    }

    /// Adds a support need to a pathway (status `identified`). An owning organisation not yet
    /// on the team joins it, so that it can see the plan.
    pub async fn add_need(&self, ctx: &Ctx, child_id: ChildId, input: &NeedInput) -> AppResult<NeedView> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let plan = self.plan_of(child_id).await?;
        let checked = input.validate(plan.opened_on)?;
        let now = self.now();
        let need = Need {
            id: NeedId::random(),
            child_id,
            pathway: checked.pathway,
            need: checked.need,
            catalogue_version: catalogue::VERSION,
            description: checked.description,
            owner_organisation_id: checked.owner_organisation_id,
            status: resettle_domain::plan::NeedStatus::Identified,
            due_by: checked.due_by,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let (owner, team_added) = self
            .owner_on_team(child_id, need.owner_organisation_id, "owner_organisation_id", "a need on the plan")
            .await?;
        let update = NeedUpdate {
            id: NeedUpdateId::random(),
            need_id: need.id,
            version: 1,
            at: now,
            actor_id: Some(ctx.actor.user_id),
            actor_name: ctx.actor.name.clone(),
            changes: format!("identified; owner {}", owner.name),
            note: None,
        };
        let mut summary = format!("{} need identified, owned by {}", need.pathway.label(), owner.name);
        if team_added.is_some() {
            summary.push_str(" (who joined the team)");
        }
        let entry = self.entry_for(ctx, child_id, "plan.need_added", summary, None);
        let mut audit = vec![self.write_event(ctx, "plan.need", child_id)];
        if team_added.is_some() {
            audit.push(self.service_event(ctx, "child.team", child_id, NEED_OWNER_JOINED));
        }
        self.store
            .insert_need(&NeedWrite { need: need.clone(), update: update.clone(), team_added, entry, audit })
            .await?;
        let names = std::collections::HashMap::from([(owner.id, owner.name)]);
        Ok(self.need_view(need, &names, &[update], self.health_visible(ctx, child_id).await?))
    }

    /// A need with its update log, for its page.
    pub async fn need(&self, ctx: &Ctx, id: NeedId) -> AppResult<(Child, Plan, NeedView)> {
        let need = self.store.need(id).await?.ok_or(AppError::NotFound)?;
        let child = self.child_for(ctx, need.child_id, Purpose::Work).await?;
        let plan = self.plan_of(need.child_id).await?;
        self.audit(ctx, "read", "plan.need", Some(need.child_id)).await?;
        let updates = self.store.need_updates(need.child_id).await?;
        let names = self.org_names().await?;
        let health_visible = self.health_visible(ctx, need.child_id).await?;
        let view = self.need_view(need, &names, &updates, health_visible);
        Ok((child.into_inner(), plan, view))
    }

    /// Changes a need's status, owner, due date or description, or adds a note, if
    /// `version` is still current.
    pub async fn update_need(&self, ctx: &Ctx, id: NeedId, patch: &NeedPatch) -> AppResult<NeedView> {
        let need = self.store.need(id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, need.child_id, Purpose::Change).await?;
        let health_visible = self.health_visible(ctx, need.child_id).await?;
        if need.pathway.is_health() && !health_visible {
            return Err(AppError::Forbidden("health details are for health staff on the team"));
        }
        let Some(version) = patch.version else {
            return Err(AppError::invalid("version", "Send the version of the need you are changing"));
        };
        let plan = self.plan_of(need.child_id).await?;
        let change = patch.apply(&need, plan.opened_on)?;
        if version != need.version {
            return Err(AppError::Conflict { current_version: need.version });
        }
        let team_added = match change.new_owner {
            Some(org) => self.owner_on_team(need.child_id, org, "owner_organisation_id", "a need on the plan").await?.1,
            None => None,
        };
        let now = self.now();
        let next = Need { updated_at: now, ..change.need };
        let words = if change.changes.is_empty() { "note added".to_string() } else { change.changes.join("; ") };
        let sentence = if change.changes.is_empty() {
            "a note added".to_string()
        } else {
            resettle_domain::meeting::join_words(&change.changes)
        };
        let update = NeedUpdate {
            id: NeedUpdateId::random(),
            need_id: id,
            version: next.version,
            at: now,
            actor_id: Some(ctx.actor.user_id),
            actor_name: ctx.actor.name.clone(),
            changes: words.clone(),
            note: change.note,
        };
        let entry = self.entry_for(
            ctx,
            need.child_id,
            "plan.need_updated",
            format!("{} need: {sentence}", next.pathway.label()),
            None,
        );
        let mut audit = vec![self.write_event(ctx, "plan.need", need.child_id)];
        if team_added.is_some() {
            audit.push(self.service_event(ctx, "child.team", need.child_id, NEED_OWNER_JOINED));
        }
        self.store
            .update_need(&NeedWrite { need: next.clone(), update, team_added, entry, audit }, need.version)
            .await?;
        let updates = self.store.need_updates(need.child_id).await?;
        let names = self.org_names().await?;
        Ok(self.need_view(next, &names, &updates, health_visible))
    }

    /// A child's meetings.
    pub async fn meetings(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<Vec<MeetingView>> {
        self.child_for(ctx, child_id, Purpose::Work).await?;
        self.audit(ctx, "read", "plan.meetings", Some(child_id)).await?;
        let actions = self.store.actions(child_id).await?;
        Ok(self.store.meetings(child_id).await?.into_iter().map(|m| self.meeting_view(m, &actions)).collect())
    }

    fn invitees(&self, child: &Child, team: &[TeamMemberView], carers: &[Carer]) -> Vec<Invitee> {
        let today = self.today();
        let mut out = vec![Invitee {
            name: child.details.preferred_name.clone().unwrap_or_else(|| child.details.given_name.clone())
                + " "
                + &child.details.family_name,
            capacity: CHILD_CAPACITY.into(),
            email: None,
        }];
        for c in carers {
            out.push(Invitee { name: c.name.clone(), capacity: c.relationship.clone(), email: c.email.clone() });
        }
        for t in team.iter().filter(|t| t.member.is_current(today)) {
            let capacity = format!("{}, {}", t.member.role.label(), t.organisation_name);
            match &t.user_name {
                Some(name) => out.push(Invitee { name: name.clone(), capacity, email: t.user_email.clone() }),
                None => out.push(Invitee { name: t.organisation_name.clone(), capacity, email: None }),
            }
        }
        out
    }

    /// A meeting with its agenda, invitees and actions (audited as a read).
    pub async fn meeting(&self, ctx: &Ctx, id: MeetingId) -> AppResult<MeetingDetail> {
        let m = self.store.meeting(id).await?.ok_or(AppError::NotFound)?;
        let child = self.child_for(ctx, m.child_id, Purpose::Work).await?;
        self.audit(ctx, "read", "plan.meeting", Some(m.child_id)).await?;
        let plan = self.store.plan(m.child_id).await?;
        let needs = self.store.needs(m.child_id).await?;
        let health_visible = self.health_visible(ctx, m.child_id).await?;
        let visible: Vec<Need> = needs
            .into_iter()
            .map(|n| {
                if n.pathway.is_health() && !health_visible {
                    Need {
                        need: "other".into(),
                        description: Some("Health need (details for health staff)".into()),
                        ..n
                    }
                } else {
                    n
                }
            })
            .collect();
        let agenda = agenda(m.kind, plan.as_ref(), &visible, self.today());
        let team = self.store.team(m.child_id).await?;
        let carers = self.store.carers(m.child_id).await?;
        let invitees = self.invitees(&child, &team, &carers);
        let all_actions = self.store.actions(m.child_id).await?;
        let meeting = self.meeting_view(m, &all_actions);
        let actions = self.action_views(all_actions.into_iter().filter(|a| a.meeting_id == Some(id)).collect()).await?;
        Ok(MeetingDetail { child: child.into_inner(), meeting, agenda, invitees, actions })
    }

    /// Adds a meeting by hand (an extra review, a meeting the rules do not date).
    pub async fn add_meeting(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &NewMeetingInput,
        scheduled: Option<Timestamp>,
    ) -> AppResult<Meeting> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        self.plan_of(child_id).await?;
        let episode = self.store.custody(child_id).await?.into_iter().next().map(|e| e.episode.id);
        let meeting = input.validate(child_id, episode, scheduled, self.now())?;
        let entry = self.entry_for(ctx, child_id, "meeting.added", format!("{} added", meeting.title()), None);
        self.store.insert_meeting(&meeting, &entry, &[self.write_event(ctx, "plan.meeting", child_id)]).await?;
        Ok(meeting)
    }

    /// Schedules, moves, records or cancels a meeting, if `version` is still current.
    /// `scheduled` is a time already read from a form (UK day and time); `Some(None)` clears it.
    pub async fn update_meeting(
        &self,
        ctx: &Ctx,
        id: MeetingId,
        patch: &MeetingPatch,
        scheduled: Option<Option<Timestamp>>,
    ) -> AppResult<Meeting> {
        let m = self.store.meeting(id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, m.child_id, Purpose::Change).await?;
        let Some(version) = patch.version else {
            return Err(AppError::invalid("version", "Send the version of the meeting you are changing"));
        };
        let actions = self.store.actions(m.child_id).await?.iter().filter(|a| a.meeting_id == Some(id)).count();
        let change = patch.apply(&m, scheduled, actions, self.today(), self.now())?;
        if version != m.version {
            return Err(AppError::Conflict { current_version: m.version });
        }
        let entry = self.entry_for(ctx, m.child_id, "meeting.updated", words::meeting_sentence(&m, &change), None);
        let audit = [self.write_event(ctx, "plan.meeting", m.child_id)];
        self.store.update_meeting(&change.meeting, m.version, &entry, &audit).await?;
        Ok(change.meeting)
    }

    /// Adds an action for a child, owned by an organisation (and a named person in it),
    /// perhaps linked to a need or a meeting. An action that completes a held meeting's record
    /// completes the meeting.
    pub async fn add_action(&self, ctx: &Ctx, child_id: ChildId, input: &ActionInput) -> AppResult<ActionItem> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let action = input.validate(child_id, &ctx.actor.name, self.today(), self.now())?;
        let (owner, team_added) =
            self.owner_on_team(child_id, action.owner_organisation_id, "owner_organisation_id", "an action").await?;
        if let Some(user) = action.owner_user_id {
            self.works_for(user, &owner).await?;
        }
        if let Some(n) = action.need_id
            && self.store.need(n).await?.is_none_or(|n| n.child_id != child_id)
        {
            return Err(AppError::invalid("need_id", "That need is not on this child's plan"));
        }
        let mut meeting = match action.meeting_id {
            Some(mid) => match self.store.meeting(mid).await?.filter(|m| m.child_id == child_id) {
                None => return Err(AppError::invalid("meeting_id", "That meeting is not one of this child's")),
                Some(m) => Some(m),
            },
            None => None,
        };
        let entry = self.entry_for(
            ctx,
            child_id,
            "action.added",
            format!(
                "Action for {}{}{}",
                owner.name,
                action.due_by.map(|d| format!(", due {}", resettle_domain::calendar::long_date(d))).unwrap_or_default(),
                if team_added.is_some() { " (who joined the team)" } else { "" }
            ),
            None,
        );
        // Another action agreed at the same meeting may complete it first: the meeting is
        // then read again and this action still added (its author had no version to send).
        let mut audit = vec![self.write_event(ctx, "plan.action", child_id)];
        if team_added.is_some() {
            audit.push(self.service_event(
                ctx,
                "child.team",
                child_id,
                "an organisation given an action joined the team",
            ));
        }
        let mut attempts = 0;
        loop {
            let completed = meeting.clone().and_then(|m| self.completed_by_an_action(m));
            let written = self
                .store
                .insert_action(&action, completed.as_ref().map(|(m, v)| (m, *v)), team_added.as_ref(), &entry, &audit)
                .await;
            match (written, &completed, action.meeting_id) {
                (Err(StorageError::VersionMismatch { .. }), Some(_), Some(mid)) if attempts < 3 => {
                    attempts += 1;
                    meeting = self.store.meeting(mid).await?;
                }
                (written, _, _) => {
                    written?;
                    break;
                }
            }
        }
        Ok(action)
    }

    /// The meeting as it is once an action is agreed at it, with the version it was read at,
    /// when that action completes its record (it was held and lacked only an action).
    fn completed_by_an_action(&self, m: Meeting) -> Option<(Meeting, i64)> {
        let held = m.status == resettle_domain::meeting::MeetingStatus::Held;
        (held && m.missing(1).is_empty()).then(|| {
            let version = m.version;
            let next = Meeting {
                status: resettle_domain::meeting::MeetingStatus::Complete,
                version: m.version + 1,
                updated_at: self.now(),
                ..m
            };
            (next, version)
        })
    }

    /// Refuses a named owner of an action who does not work with children in `org`.
    async fn works_for(&self, user: UserId, org: &Organisation) -> AppResult<()> {
        let works_there =
            self.store.user(user).await?.is_some_and(|u| {
                u.memberships.iter().any(|m| m.organisation_id == org.id && m.role.works_with_children())
            });
        if works_there {
            Ok(())
        } else {
            Err(AppError::invalid("owner_user_id", format!("Choose a person who works for {}", org.name)))
        }
    }

    /// One action with its child (for its page).
    pub async fn action(&self, ctx: &Ctx, id: ActionItemId) -> AppResult<(Child, ActionView)> {
        let a = self.store.action(id).await?.ok_or(AppError::NotFound)?;
        let child = self.child_for(ctx, a.child_id, Purpose::Work).await?;
        self.audit(ctx, "read", "plan.action", Some(a.child_id)).await?;
        let view = self.action_views(vec![a]).await?.pop().ok_or(AppError::NotFound)?;
        Ok((child.into_inner(), view))
    }

    /// Changes an action, if `version` is still current.
    pub async fn update_action(&self, ctx: &Ctx, id: ActionItemId, patch: &ActionPatch) -> AppResult<ActionItem> {
        let a = self.store.action(id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, a.child_id, Purpose::Change).await?;
        let Some(version) = patch.version else {
            return Err(AppError::invalid("version", "Send the version of the action you are changing"));
        };
        let change = patch.apply(&a, self.now())?;
        if version != a.version {
            return Err(AppError::Conflict { current_version: a.version });
        }
        let next = &change.action;
        if next.owner_organisation_id != a.owner_organisation_id {
            let (_, added) = self
                .owner_on_team(a.child_id, next.owner_organisation_id, "owner_organisation_id", "an action")
                .await?;
            if added.is_some() {
                return Err(AppError::invalid(
                    "owner_organisation_id",
                    "Give the action to an organisation on the team around the child",
                ));
            }
        }
        // A named person must work for the owning organisation, as when the action was added:
        // checked whenever either changes.
        if let Some(user) = next.owner_user_id
            && (next.owner_user_id != a.owner_user_id || next.owner_organisation_id != a.owner_organisation_id)
        {
            let org = self
                .store
                .organisation(next.owner_organisation_id)
                .await?
                .ok_or_else(|| AppError::invalid("owner_organisation_id", "No organisation has that id"))?;
            self.works_for(user, &org).await?;
        }
        let entry = self.entry_for(
            ctx,
            a.child_id,
            "action.updated",
            words::action_sentence(&a.description, &change.changes),
            None,
        );
        let audit = [self.write_event(ctx, "plan.action", a.child_id)];
        self.store.update_action(&change.action, a.version, &entry, &audit).await?;
        Ok(change.action)
    }

    /// "My actions": open actions owned by the actor, or by their organisations with no one
    /// named, across every child on their caseload, soonest due first.
    pub async fn my_actions(&self, ctx: &Ctx, include_closed: bool) -> AppResult<Vec<ActionRow>> {
        let owner = ActionOwner {
            user_id: ctx.actor.user_id,
            organisation_ids: ctx
                .actor
                .memberships
                .iter()
                .filter(|m| m.role.works_with_children())
                .map(|m| m.organisation_id)
                .collect(),
        };
        let rows = self.store.owned_actions(&self.scope(&ctx.actor), &owner, include_closed).await?;
        self.audit(ctx, "read", "actions", None).await?;
        Ok(rows)
    }

    /// Late meetings, and held meetings not fully recorded, across the children the manager
    /// can see.
    pub async fn meetings_needing_attention(&self, ctx: &Ctx) -> AppResult<Vec<MeetingRow>> {
        if let Decision::Deny(why) = decide(&ctx.actor, Action::ViewOversight, None) {
            return Err(AppError::Forbidden(why));
        }
        let rows = self.store.meetings_needing_attention(&self.scope(&ctx.actor), self.today()).await?;
        self.audit(ctx, "read", "meetings.oversight", None).await?;
        Ok(rows)
    }
}
