//! Health that follows the child: notes of health information that reach the YJS health
//! worker, assessments carried across the custody boundary, outcome measures, consent and
//! sharing decisions, closed-loop handovers, and the sweep that escalates ignored ones.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::child::Child;
use resettle_domain::health::{
    Assessment, AssessmentInput, AssessmentKind, AssessmentStatus, Consent, ConsentInput, Handover, HandoverStatus,
    HealthRecord, HealthRecordInput, IdentifiedNeed, Measure, MeasureInput, NeedFindingInput, OpenHealthNeed,
    Recipient, Review, SectionInput, ShareLogEntry, apply_review, completion_problems, handover_due, prefill,
};
use resettle_domain::ids::{
    AssessmentId, ChildId, ConsentId, HandoverId, HealthRecordId, MeasureId, NeedId, NeedUpdateId, NotificationId,
    OrgId, ShareId, TimelineEntryId, UserId,
};
use resettle_domain::org::Role;
use resettle_domain::plan::{Need, NeedStatus, NeedUpdate, Pathway, catalogue};
use resettle_domain::policy::{
    Action, Purpose, SharingGrant, decide, is_health_professional_on_team, sees_health_details,
};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_domain::validation::{ValidationErrors, optional_text};

use crate::storage::{HandoverRow, HealthWrite, NeedWrite, Notification};
use crate::{App, AppError, AppResult, Ctx};

/// What is withheld from readers who may not see health content.
pub const WITHHELD: &str = "Health information (for health staff)";

/// A child's health, as the reader may see it.
#[derive(Clone, Debug, Serialize)]
pub struct HealthView {
    /// The child.
    pub child: Child,
    /// Whether the reader may see health content; when false, only handovers (without their
    /// content) and the share log are filled.
    pub content_visible: bool,
    /// The organisations on the team today (for choosing whom a sharing decision names).
    pub team_organisations: Vec<(OrgId, String)>,
    /// Notes, newest first.
    pub records: Vec<HealthRecord>,
    /// Assessments, newest first.
    pub assessments: Vec<Assessment>,
    /// Measures, oldest first.
    pub measures: Vec<Measure>,
    /// Consent decisions, newest first.
    pub consents: Vec<Consent>,
    /// Handovers, newest first (summaries withheld unless content is visible).
    pub handovers: Vec<HandoverView>,
    /// The share log, newest first.
    pub shares: Vec<ShareLogEntry>,
}

/// A handover with its status on the day.
#[derive(Clone, Debug, Serialize)]
pub struct HandoverView {
    /// The handover.
    #[serde(flatten)]
    pub handover: Handover,
    /// Pending, acknowledged or overdue.
    pub status: HandoverStatus,
}

/// A handover in a list of one's own.
#[derive(Clone, Debug, Serialize)]
pub struct HandoverLine {
    /// The handover and names.
    #[serde(flatten)]
    pub row: HandoverRow,
    /// Pending or overdue.
    pub status: HandoverStatus,
}

/// A note just recorded, with the handovers it created.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedHealth {
    /// The note.
    pub record: HealthRecord,
    /// The handovers sent.
    pub handovers: Vec<Handover>,
}

/// What one sweep did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepReport {
    /// Overdue handovers escalated now.
    pub escalated: usize,
    /// Notifications written (each also queued as an email).
    pub notifications: usize,
    /// Notifications about red readiness items written now.
    pub readiness_notifications: usize,
    /// Notifications about overdue actions written now.
    pub action_notifications: usize,
    /// Reminders to record how an appointment went, written now.
    pub appointment_reminders: usize,
    /// Alerts that a supervised child turns 18 soon, written now.
    pub turning_18_alerts: usize,
    /// Daily digests queued now.
    pub digests: u64,
    /// Emails the relay accepted in this sweep.
    pub emails_sent: u32,
    /// Emails that failed and wait for a retry.
    pub emails_failed: u32,
    /// Steps skipped because nothing they depend on had moved since they last ran (the same
    /// day, no change since): see [`SweepStep`].
    pub steps_unchanged: usize,
}

/// The steps of the sweep that read across every child, each skipped while its answer cannot
/// have moved (see `App::sweep`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepStep {
    /// Red readiness items escalated.
    Readiness,
    /// Overdue actions escalated.
    Actions,
    /// Appointment outcomes not recorded.
    Appointments,
    /// Supervised children about to turn 18.
    Turning18,
}

impl SweepStep {
    /// Its name in `sweep_marks`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Readiness => "readiness",
            Self::Actions => "actions",
            Self::Appointments => "appointments",
            Self::Turning18 => "turning_18",
        }
    }
}

/// The item kinds a handover may carry.
pub mod item {
    /// A note of health information.
    pub const HEALTH_RECORD: &str = "health_record";
    /// An assessment.
    pub const ASSESSMENT: &str = "assessment";
    /// The health picture on entering custody.
    pub const CUSTODY_PLACEMENT: &str = "custody_placement";
    /// The health picture on a transfer between establishments.
    pub const TRANSFER: &str = "transfer";
    /// The release health summary (or, without one, the open needs) on release.
    pub const RELEASE: &str = "release";
}

mod handovers;

impl App {
    /// The recorded decisions that let people outside health roles read the child's health
    /// content: for each organisation and role, the newest decision counts.
    pub async fn sharing_grants(&self, child: ChildId) -> AppResult<Vec<SharingGrant>> {
        let mut seen: Vec<(OrgId, Option<Role>)> = Vec::new();
        let mut grants = Vec::new();
        for c in self.store.consents(child).await? {
            let key = (c.share_with_organisation_id, c.share_with_role);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            if c.decision.allows_sharing() {
                grants.push(SharingGrant { organisation_id: key.0, role: key.1 });
            }
        }
        Ok(grants)
    }

    /// Whether the actor may read this child's health content (the child is already known to
    /// be in scope).
    pub async fn health_content_visible(&self, ctx: &Ctx, child: ChildId) -> AppResult<bool> {
        let team: Vec<TeamMember> = self.store.team(child).await?.into_iter().map(|t| t.member).collect();
        let grants = self.sharing_grants(child).await?;
        let sharing_allowed = sees_health_details(&ctx.actor, &team, self.today(), &grants);
        Ok(sharing_allowed
            && decide(&ctx.actor, Action::ViewHealthContent { sharing_allowed }, Some(true)).is_allowed())
    }

    /// The day a handover is due: working days from the event it follows (the day it is sent,
    /// or the day of a placement or release recorded after the fact).
    async fn due_on(&self, sent_on: Date) -> AppResult<Date> {
        handover_due(&*self.calendar().await?, sent_on, self.config.timescales.handover_ack_working_days)
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The child's YJS health worker: the named person on the team, else the role in the YJS.
    async fn yjs_health_worker(&self, child: &Child) -> AppResult<Recipient> {
        let today = self.today();
        let named = self.store.team(child.id).await?.into_iter().map(|t| t.member).find(|m| {
            m.role == Role::YjsHealthWorker
                && m.organisation_id == child.yjs_id
                && m.user_id.is_some()
                && m.is_current(today)
        });
        Ok(match named {
            Some(m) => {
                Recipient { user_id: m.user_id, organisation_id: child.yjs_id, role: Some(Role::YjsHealthWorker) }
            }
            None => Recipient { user_id: None, organisation_id: child.yjs_id, role: Some(Role::YjsHealthWorker) },
        })
    }

    fn is_recipient(ctx: &Ctx, r: &Recipient) -> bool {
        match (r.user_id, r.role) {
            (Some(u), _) if u == ctx.actor.user_id => true,
            (Some(_), Some(role)) => ctx.actor.has_role_in(role, r.organisation_id),
            (None, Some(role)) => ctx.actor.has_role_in(role, r.organisation_id),
            _ => false,
        }
    }

    /// A handover and its share-log line.
    #[allow(clippy::too_many_arguments)]
    async fn handover_to(
        &self,
        sender: Option<&Ctx>,
        child: ChildId,
        item_kind: &str,
        item_id: Option<uuid::Uuid>,
        summary: String,
        recipient: Recipient,
        why: &str,
        event_on: Option<Date>,
    ) -> AppResult<(Handover, ShareLogEntry)> {
        let now = self.now();
        let today = now.to_zoned(crate::london()).date();
        let from = event_on.map_or(today, |d| d.min(today));
        let sender_org = sender
            .and_then(|c| c.actor.memberships.iter().find(|m| m.role.works_with_children()).map(|m| m.organisation_id));
        let sender_name = sender.map(|c| c.actor.name.clone()).unwrap_or_else(|| "Resettle".into());
        let h = Handover {
            id: HandoverId::random(),
            child_id: child,
            item_kind: item_kind.to_string(),
            item_id,
            summary: summary.clone(),
            sender_id: sender.map(|c| c.actor.user_id),
            sender_name: sender_name.clone(),
            sender_organisation_id: sender_org,
            recipient: recipient.clone(),
            sent_at: now,
            due_on: self.due_on(from).await?,
            acknowledged_at: None,
            acknowledged_by_name: None,
            acknowledgement_note: None,
        };
        let share = ShareLogEntry {
            id: ShareId::random(),
            child_id: child,
            what: summary,
            with_organisation_id: recipient.organisation_id,
            with_user_id: recipient.user_id,
            with_role: recipient.role,
            why: why.to_string(),
            shared_at: now,
            shared_by_name: sender_name,
            handover_id: Some(h.id),
            consent_id: None,
        };
        Ok((h, share))
    }

    /// Records a note of health information. Anyone on the team may; unless the recorder is the
    /// child's YJS health worker, it is handed over to them (named, or the role in the YJS).
    pub async fn record_health(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &HealthRecordInput,
    ) -> AppResult<RecordedHealth> {
        let child = self.child_for(ctx, child_id, Purpose::RecordHealthInformation).await?;
        let checked = input.validate()?;
        let record = HealthRecord {
            id: HealthRecordId::random(),
            child_id,
            category: checked.category,
            summary: checked.summary,
            detail: checked.detail,
            source: checked.source,
            recorded_by: ctx.actor.user_id,
            recorded_by_name: ctx.actor.name.clone(),
            recorded_at: self.now(),
        };
        let mut write = HealthWrite::default();
        let recipient = self.yjs_health_worker(&child).await?;
        if !Self::is_recipient(ctx, &recipient) {
            let (h, s) = self
                .handover_to(
                    Some(ctx),
                    child_id,
                    item::HEALTH_RECORD,
                    Some(record.id.0),
                    format!("{}: {}", record.category.label(), record.summary),
                    recipient,
                    "Health information recorded by the team goes to the child's YJS health worker",
                    None,
                )
                .await?;
            write.handovers.push(h);
            write.shares.push(s);
        }
        write.entries.push(self.entry_for(
            ctx,
            child_id,
            "health.recorded",
            format!(
                "Health information recorded ({}){}",
                record.category.label(),
                if write.handovers.is_empty() { "" } else { "; handed over to the YJS health worker" }
            ),
            None,
        ));
        write.record = Some(record.clone());
        write.audit.push(self.write_event(ctx, "health.record", child_id));
        self.store.write_health(&write).await?;
        Ok(RecordedHealth { record, handovers: write.handovers })
    }

    /// Checks that the actor may read and write this child's health content, and returns the
    /// child and the organisation in which they hold the health role.
    /// The child, and the organisation in which the actor records a health decision about
    /// them (consent and sharing, an assessment, a clinician-rated measure): only health
    /// staff on the child's team decide ([`is_health_professional_on_team`]); a sharing
    /// decision that lets others read health content does not let them decide more.
    async fn health_decider(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<(Child, OrgId)> {
        let child = self.child_for(ctx, child_id, Purpose::Work).await?;
        let team: Vec<TeamMember> = self.store.team(child_id).await?.into_iter().map(|t| t.member).collect();
        let today = self.today();
        if !is_health_professional_on_team(&ctx.actor, &team, today) {
            return Err(AppError::Forbidden(
                "Only health staff on the child's team record assessments, clinician-rated measures and consent",
            ));
        }
        let org = ctx
            .actor
            .memberships
            .iter()
            .filter(|m| m.role.is_health())
            .find(|m| team.iter().any(|t| t.organisation_id == m.organisation_id && t.is_current(today)))
            .map(|m| m.organisation_id)
            .ok_or(AppError::NotFound)?;
        Ok((child.into_inner(), org))
    }

    /// Plan needs for the new needs an assessment identified (when the child has a plan), each
    /// owned by the assessor's organisation, and the assessment's needs linked to them.
    async fn needs_to_plan(&self, ctx: &Ctx, a: &mut Assessment) -> AppResult<Vec<NeedWrite>> {
        if self.store.plan(a.child_id).await?.is_none() {
            return Ok(Vec::new());
        }
        let now = self.now();
        let mut out = Vec::new();
        for n in a.needs.iter_mut().filter(|n| n.plan_need_id.is_none() && n.review != Review::Closed) {
            let need = Need {
                id: NeedId::random(),
                child_id: a.child_id,
                pathway: n.pathway,
                need: "other".into(),
                catalogue_version: catalogue::VERSION,
                description: Some(n.description.clone()),
                owner_organisation_id: a.organisation_id,
                status: NeedStatus::Identified,
                due_by: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            n.plan_need_id = Some(need.id);
            let update = NeedUpdate {
                id: NeedUpdateId::random(),
                need_id: need.id,
                version: 1,
                at: now,
                actor_id: Some(ctx.actor.user_id),
                actor_name: ctx.actor.name.clone(),
                changes: format!(
                    "identified by the {} of {}",
                    a.kind.label().to_lowercase(),
                    resettle_domain::calendar::long_date(a.assessed_on)
                ),
                note: None,
            };
            let entry = self.entry_for(
                ctx,
                a.child_id,
                "plan.need_added",
                format!("{} need identified by the {}", n.pathway.label(), a.kind.label().to_lowercase()),
                None,
            );
            // Audited with the assessment that identified it.
            out.push(NeedWrite { need, update, team_added: None, entry, audit: Vec::new() });
        }
        Ok(out)
    }

    /// Records a complete assessment. Its new needs go on the plan's health and substance-misuse
    /// pathways; assessments written outside the YJS are handed over to its health worker.
    pub async fn record_assessment(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &AssessmentInput,
    ) -> AppResult<Assessment> {
        let (child, org) = self.health_decider(ctx, child_id).await?;
        let checked = input.validate(self.today())?;
        let mut a = Assessment {
            id: AssessmentId::random(),
            child_id,
            kind: checked.kind,
            author_id: ctx.actor.user_id,
            author_name: ctx.actor.name.clone(),
            organisation_id: org,
            assessed_on: checked.assessed_on,
            sections: checked.sections,
            needs: checked.needs,
            status: AssessmentStatus::Complete,
            based_on: None,
            version: 1,
            created_at: self.now(),
        };
        self.finish_assessment(ctx, &child, &mut a, None).await?;
        Ok(a)
    }

    async fn finish_assessment(
        &self,
        ctx: &Ctx,
        child: &Child,
        a: &mut Assessment,
        expected: Option<i64>,
    ) -> AppResult<()> {
        let needs = if a.status == AssessmentStatus::Complete { self.needs_to_plan(ctx, a).await? } else { Vec::new() };
        let mut write = HealthWrite::default();
        if a.status == AssessmentStatus::Complete {
            let recipient = self.yjs_health_worker(child).await?;
            if !Self::is_recipient(ctx, &recipient) && a.organisation_id != child.yjs_id {
                let (h, s) = self
                    .handover_to(
                        Some(ctx),
                        child.id,
                        item::ASSESSMENT,
                        Some(a.id.0),
                        format!("{} of {}", a.kind.label(), resettle_domain::calendar::long_date(a.assessed_on)),
                        recipient,
                        "Health assessments go to the child's YJS health worker",
                        None,
                    )
                    .await?;
                write.handovers.push(h);
                write.shares.push(s);
            }
        }
        write.entries.push(self.entry_for(
            ctx,
            child.id,
            "health.assessment",
            format!(
                "{} {}",
                a.kind.label(),
                if a.status == AssessmentStatus::Complete { "recorded" } else { "started" }
            ),
            None,
        ));
        write.assessment = Some((a.clone(), expected));
        write.audit.push(self.write_event(ctx, "health.assessment", child.id));
        self.store.write_health(&write).await?;
        for n in &needs {
            self.store.insert_need(n).await?;
        }
        Ok(())
    }

    /// The child's open health and substance-misuse needs on the plan.
    async fn open_health_needs(&self, child: ChildId) -> AppResult<Vec<OpenHealthNeed>> {
        Ok(self
            .store
            .needs(child)
            .await?
            .into_iter()
            .filter(|n| n.pathway.is_health() && n.status.is_open())
            .map(|n| OpenHealthNeed { need_id: n.id, pathway: n.pathway, title: n.title() })
            .collect())
    }

    fn latest_of(list: &[Assessment], kind: AssessmentKind) -> Option<&Assessment> {
        list.iter().find(|a| a.kind == kind && a.status == AssessmentStatus::Complete)
    }

    /// Starts a comprehensive custody assessment pre-filled from the latest community health
    /// assessment and the open health needs: each answer and need waits to be confirmed,
    /// changed or closed.
    pub async fn start_custody_assessment(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<Assessment> {
        let (child, org) = self.health_decider(ctx, child_id).await?;
        let list = self.store.assessments(child_id).await?;
        let community = Self::latest_of(&list, AssessmentKind::CommunityHealthAssessment);
        let (sections, needs) = prefill(community, &self.open_health_needs(child_id).await?);
        let mut a = Assessment {
            id: AssessmentId::random(),
            child_id,
            kind: AssessmentKind::ComprehensiveCustodyAssessment,
            author_id: ctx.actor.user_id,
            author_name: ctx.actor.name.clone(),
            organisation_id: org,
            assessed_on: self.today(),
            sections,
            needs,
            status: AssessmentStatus::Draft,
            based_on: community.map(|c| c.id),
            version: 1,
            created_at: self.now(),
        };
        self.finish_assessment(ctx, &child, &mut a, None).await?;
        Ok(a)
    }

    /// An assessment, for the health staff on the child's team who may complete it (audited as
    /// a read of health content), with the child.
    pub async fn assessment_to_review(&self, ctx: &Ctx, id: AssessmentId) -> AppResult<(Assessment, Child)> {
        let a = self.store.assessment(id).await?.ok_or(AppError::NotFound)?;
        let (child, _) = self.health_decider(ctx, a.child_id).await?;
        self.audit(ctx, "read", "health.assessment", Some(child.id)).await?;
        Ok((a, child))
    }

    /// Reviews a draft assessment's carried-over answers and needs and completes it: refused
    /// while anything carried over is still unreviewed. Closed carried-over plan needs are
    /// closed on the plan with the reason.
    pub async fn complete_assessment(
        &self,
        ctx: &Ctx,
        id: AssessmentId,
        version: Option<i64>,
        sections: &[SectionInput],
        needs: &[NeedFindingInput],
    ) -> AppResult<Assessment> {
        let draft = self.store.assessment(id).await?.ok_or(AppError::NotFound)?;
        let (child, _) = self.health_decider(ctx, draft.child_id).await?;
        let Some(version) = version else {
            return Err(AppError::invalid("version", "Send the version of the assessment you are completing"));
        };
        if draft.status == AssessmentStatus::Complete {
            return Err(AppError::invalid("status", "This assessment is already complete"));
        }
        let (s, n) = apply_review(&draft, sections, needs)?;
        let problems = completion_problems(&s, &n);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        if version != draft.version {
            return Err(AppError::Conflict { current_version: draft.version });
        }
        let mut a = Assessment {
            sections: s,
            needs: n,
            status: AssessmentStatus::Complete,
            version: draft.version + 1,
            assessed_on: self.today(),
            ..draft.clone()
        };
        self.close_plan_needs(ctx, &a.needs).await?;
        self.finish_assessment(ctx, &child, &mut a, Some(draft.version)).await?;
        Ok(a)
    }

    async fn close_plan_needs(&self, ctx: &Ctx, needs: &[IdentifiedNeed]) -> AppResult<()> {
        for n in needs.iter().filter(|n| n.review == Review::Closed) {
            let Some(id) = n.plan_need_id else { continue };
            let Some(need) = self.store.need(id).await? else { continue };
            if !need.status.is_open() {
                continue;
            }
            let now = self.now();
            let reason = n.close_reason.clone().unwrap_or_default();
            let next =
                Need { status: NeedStatus::NotRequired, version: need.version + 1, updated_at: now, ..need.clone() };
            let update = NeedUpdate {
                id: NeedUpdateId::random(),
                need_id: id,
                version: next.version,
                at: now,
                actor_id: Some(ctx.actor.user_id),
                actor_name: ctx.actor.name.clone(),
                changes: "closed at the comprehensive custody assessment".into(),
                note: Some(reason.clone()),
            };
            let entry = self.entry_for(
                ctx,
                need.child_id,
                "plan.need_updated",
                // The reason is the clinician's: it stays in the need's update log, which only
                // those who may read health needs see, never in the timeline everyone reads.
                format!("{} need closed at the custody assessment", need.pathway.label()),
                None,
            );
            // Audited with the assessment that closed it.
            let write = NeedWrite { need: next, update, team_added: None, entry, audit: Vec::new() };
            self.store.update_need(&write, need.version).await?;
        }
        Ok(())
    }

    /// Records an outcome measure score.
    pub async fn record_measure(&self, ctx: &Ctx, child_id: ChildId, input: &MeasureInput) -> AppResult<Measure> {
        self.child_for(ctx, child_id, Purpose::Work).await?;
        // A score the child or a parent gave is recorded by those who may read the others; a
        // clinician's score only by health staff on the team.
        if !self.health_content_visible(ctx, child_id).await? {
            return Err(AppError::Forbidden("Only health staff on the child's team record scores"));
        }
        let c = input.validate(self.today())?;
        if c.rater == resettle_domain::health::Rater::Clinician {
            self.health_decider(ctx, child_id).await?;
        }
        let m = Measure {
            id: MeasureId::random(),
            child_id,
            kind: c.kind,
            score: c.score,
            rater: c.rater,
            measured_on: c.measured_on,
            recorded_by_name: ctx.actor.name.clone(),
            recorded_at: self.now(),
        };
        let entry = self.entry_for(ctx, child_id, "health.measure", format!("{} recorded", m.kind.label()), None);
        self.store
            .write_health(&HealthWrite {
                measure: Some(m.clone()),
                entries: vec![entry],
                audit: vec![self.write_event(ctx, "health.measure", child_id)],
                ..Default::default()
            })
            .await?;
        Ok(m)
    }

    /// Records a consent, capacity and sharing decision; one that allows sharing is logged in
    /// the share log and lets the named organisation (and role) read the child's health content.
    pub async fn record_consent(&self, ctx: &Ctx, child_id: ChildId, input: &ConsentInput) -> AppResult<Consent> {
        let (child, _) = self.health_decider(ctx, child_id).await?;
        let c = input.validate(child.details.date_of_birth, self.today())?;
        // Sharing reaches only organisations already on the team: who joins the team is the
        // responsible service's decision, and what health information they may read is health's.
        let today = self.today();
        let on_team = self
            .store
            .team(child_id)
            .await?
            .iter()
            .any(|t| t.member.organisation_id == c.share_with_organisation_id && t.member.is_current(today));
        if !on_team {
            return Err(AppError::invalid(
                "share_with_organisation_id",
                "Choose an organisation on the child's team: add it to the team first",
            ));
        }
        let org =
            self.store.organisation(c.share_with_organisation_id).await?.ok_or_else(|| {
                AppError::invalid("share_with_organisation_id", "Choose an organisation from the list")
            })?;
        let consent = Consent {
            id: ConsentId::random(),
            child_id,
            decision: c.decision,
            capacity: c.capacity,
            decided_by: c.decided_by,
            share_with_organisation_id: org.id,
            share_with_role: c.share_with_role,
            purpose: c.purpose,
            lawful_basis: c.lawful_basis,
            decided_on: c.decided_on,
            recorded_by_name: ctx.actor.name.clone(),
            recorded_at: self.now(),
        };
        let mut write = HealthWrite::default();
        if consent.decision.allows_sharing() {
            write.shares.push(ShareLogEntry {
                id: ShareId::random(),
                child_id,
                what: format!("Health information: {}", consent.purpose),
                with_organisation_id: org.id,
                with_user_id: None,
                with_role: consent.share_with_role,
                why: match consent.lawful_basis {
                    Some(b) => format!("Without consent: {}", b.label()),
                    None => "With consent".into(),
                },
                shared_at: consent.recorded_at,
                shared_by_name: ctx.actor.name.clone(),
                handover_id: None,
                consent_id: Some(consent.id),
            });
        }
        write.entries.push(self.entry_for(
            ctx,
            child_id,
            "health.consent",
            format!("{}: sharing with {}", consent.decision.label(), org.name),
            consent.lawful_basis.map(|b| b.label().to_string()),
        ));
        write.consent = Some(consent.clone());
        write.audit.push(self.write_event(ctx, "health.consent", child_id));
        self.store.write_health(&write).await?;
        Ok(consent)
    }

    /// A child's health page: everything for those who may see health content; for others,
    /// that handovers exist and their status, and the share log.
    pub async fn health(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<HealthView> {
        let child = self.child_for(ctx, child_id, Purpose::Read).await?;
        let visible = self.health_content_visible(ctx, child_id).await?;
        self.audit(ctx, "read", if visible { "health" } else { "health.handovers" }, Some(child_id)).await?;
        let today = self.today();
        let handovers = self
            .store
            .child_handovers(child_id)
            .await?
            .into_iter()
            .map(|h| {
                let status = h.status(today);
                let handover = if visible { h } else { withhold(h) };
                HandoverView { handover, status }
            })
            .collect();
        let shares = self.store.share_log(child_id).await?;
        let shares = if visible {
            shares
        } else {
            shares.into_iter().map(|s| ShareLogEntry { what: WITHHELD.into(), ..s }).collect()
        };
        let mut team_organisations: Vec<(OrgId, String)> = Vec::new();
        for t in self.store.team(child_id).await? {
            if t.member.is_current(today) && !team_organisations.iter().any(|(id, _)| *id == t.member.organisation_id) {
                team_organisations.push((t.member.organisation_id, t.organisation_name));
            }
        }
        Ok(HealthView {
            child: child.into_inner(),
            content_visible: visible,
            team_organisations,
            records: if visible { self.store.health_records(child_id).await? } else { Vec::new() },
            assessments: if visible { self.store.assessments(child_id).await? } else { Vec::new() },
            measures: if visible { self.store.measures(child_id).await? } else { Vec::new() },
            consents: if visible { self.store.consents(child_id).await? } else { Vec::new() },
            handovers,
            shares,
        })
    }

    fn roles_of(ctx: &Ctx) -> Vec<(OrgId, Role)> {
        ctx.actor
            .memberships
            .iter()
            .filter(|m| m.role.works_with_children())
            .map(|m| (m.organisation_id, m.role))
            .collect()
    }
}

/// A handover's words: which assessment, and the open needs.
fn health_picture(a: Option<&Assessment>, needs: &[OpenHealthNeed], what: &str) -> String {
    let head = match a {
        Some(a) => format!("{} of {}", a.kind.label(), resettle_domain::calendar::long_date(a.assessed_on)),
        None => format!("No {what} recorded"),
    };
    let health: Vec<&str> = needs.iter().filter(|n| n.pathway == Pathway::Health).map(|n| n.title.as_str()).collect();
    let substance: Vec<&str> =
        needs.iter().filter(|n| n.pathway == Pathway::SubstanceMisuse).map(|n| n.title.as_str()).collect();
    if needs.is_empty() {
        format!("{head}; no open health needs")
    } else {
        format!(
            "{head}; open health needs: {}{}",
            if health.is_empty() { "none".to_string() } else { health.join("; ") },
            if substance.is_empty() { String::new() } else { format!("; substance misuse: {}", substance.join("; ")) }
        )
    }
}

/// A handover as people outside health see it: that it exists, with whom and its status.
fn withhold(h: Handover) -> Handover {
    Handover { summary: WITHHELD.into(), acknowledgement_note: None, ..h }
}
