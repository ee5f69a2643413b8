//! Subject access requests (UK GDPR article 15): a data protection officer of the child's youth
//! justice service (or the operator at the command line) records a request, a health
//! professional on the child's team reviews the health content for serious harm, and the
//! officer exports everything held about the child. Every step is audited.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use resettle_domain::child::Child;
use resettle_domain::fhir::Bundle;
use resettle_domain::ids::{ChildId, OrgId, UserId};
use resettle_domain::org::Role;
use resettle_domain::policy::{Action, Credential, Decision, Purpose, decide_with, is_health_professional_on_team};
use resettle_domain::subject_access::{
    HealthReview, HeldRows, ReviewDecision, SarId, SubjectAccessRequest, parse_reference, parse_review_note,
};
use resettle_domain::team::TeamMember;
use serde::Serialize;
use serde_json::Value;

use crate::{App, AppError, AppResult, Ctx};

/// Who is answering a request: a data protection officer in a browser session, or the operator
/// at the command line (who holds the database already).
#[derive(Clone, Copy, Debug)]
pub enum Officer<'a> {
    /// A signed-in data protection officer.
    Session(&'a Ctx),
    /// The `resettle` command line.
    Operator,
}

/// Whether the health content goes into an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthChoice {
    /// As the health professional's review decided; refused while no review is recorded and
    /// there is health content.
    AsReviewed,
    /// Left out, whatever the review (the rest of the copy is sent now).
    LeaveOut,
}

/// Someone who read or changed the record, as the copy shows them.
#[derive(Clone, Debug, Serialize)]
pub struct AccessRecord {
    /// When.
    pub at: Timestamp,
    /// `read`, `write`, `refused`, …
    pub action: String,
    /// What part of the record.
    pub resource: String,
    /// Their organisation ("Resettle" for the service itself).
    pub organisation: String,
    /// Their role then, in words.
    pub role: String,
    /// Their name, when the configuration names staff.
    pub name: Option<String>,
}

/// Everything held about a child, ready to write out (see the web crate's zip writer).
#[derive(Clone, Debug, Serialize)]
pub struct SubjectAccessExport {
    /// The request answered.
    pub request: SubjectAccessRequest,
    /// The child.
    pub child: Child,
    /// When the copy was made.
    pub exported_at: Timestamp,
    /// Every row held, table by table, with third parties' details redacted as configured.
    pub tables: Vec<HeldRows>,
    /// Whether the health content is in the copy.
    pub health_included: bool,
    /// Why the health content is in or out, in words.
    pub health_note: String,
    /// The health record as FHIR R4, when included.
    pub fhir: Option<Bundle>,
    /// Who read or changed the record and when.
    pub access: Vec<AccessRecord>,
    /// Organisation names by identifier, for the readable copy.
    pub organisations: HashMap<String, String>,
    /// Whether staff are named (`[subject_access] staff_names`).
    pub staff_names: bool,
}

/// Columns that hold a member of staff's name.
const STAFF_NAME_COLUMNS: &[&str] = &[
    "recorded_by_name",
    "actor_name",
    "created_by_name",
    "sender_name",
    "author_name",
    "acknowledged_by_name",
    "shared_by_name",
    "reviewed_by_name",
    "requested_by_name",
];

/// How staff names read when the configuration leaves them out.
pub const STAFF: &str = "[a member of staff]";
/// How a redacted value reads.
pub const REDACTED: &str = "[redacted]";

const NO_REVIEW: &str = "The health content needs a health professional's review first (Data Protection Act 2018, \
     Schedule 3): ask a health worker on the child's team to review this request on the child's health page, or \
     export the rest without the health content";

impl App {
    /// The youth justice services whose children `officer` answers requests for: for a data
    /// protection officer, the organisations of that role; for the operator, all (`None`).
    fn officer_services(&self, officer: Officer<'_>) -> AppResult<Option<Vec<OrgId>>> {
        match officer {
            Officer::Operator => Ok(None),
            Officer::Session(ctx) => {
                if let Decision::Deny(why) = decide_with(&ctx.actor, ctx.credential, Action::SubjectAccess, None) {
                    return Err(AppError::Forbidden(why));
                }
                let mut orgs: Vec<OrgId> = ctx
                    .actor
                    .memberships
                    .iter()
                    .filter(|m| m.role == Role::DataProtectionOfficer)
                    .map(|m| m.organisation_id)
                    .collect();
                orgs.sort();
                orgs.dedup();
                Ok(Some(orgs))
            }
        }
    }

    /// The child, when `officer` may answer requests about them (otherwise not found).
    async fn officer_child(&self, officer: Officer<'_>, child: ChildId) -> AppResult<Child> {
        let services = self.officer_services(officer)?;
        let found = self.store.child_for_subject_access(child).await?;
        match (found, services) {
            (Some(c), None) => Ok(c),
            (Some(c), Some(orgs)) if orgs.contains(&c.yjs_id) => Ok(c),
            _ => Err(AppError::NotFound),
        }
    }

    /// Refuses anyone but a data protection officer (for pages to ask before anything else).
    pub fn may_answer_subject_access(&self, ctx: &Ctx) -> AppResult<()> {
        self.officer_services(Officer::Session(ctx)).map(|_| ())
    }

    /// The child a request may be made about, for the officer's form (not audited apart: the
    /// request that follows is).
    pub async fn subject_access_request_child(&self, officer: Officer<'_>, child: ChildId) -> AppResult<Child> {
        self.officer_child(officer, child).await
    }

    /// The audit entry of a step of a request about `child`.
    async fn audit_subject_access(
        &self,
        officer: Officer<'_>,
        action: &'static str,
        resource: &'static str,
        child: ChildId,
        what: &str,
    ) -> AppResult<()> {
        let event = match officer {
            Officer::Session(ctx) => resettle_domain::audit::AuditEvent {
                purpose: format!("subject access: {what}"),
                membership_id: ctx
                    .actor
                    .memberships
                    .iter()
                    .find(|m| m.role == Role::DataProtectionOfficer)
                    .map(|m| m.id),
                ..self.audit_event(ctx, action, resource, Some(child))
            },
            Officer::Operator => resettle_domain::audit::AuditEvent {
                at: self.now(),
                user_id: None,
                membership_id: None,
                action,
                resource,
                child_id: Some(child),
                purpose: format!("subject access (operator): {what}"),
                request_id: "operator".into(),
                ip: None,
            },
        };
        self.audit_writer.append(&self.store, event).await?;
        Ok(())
    }

    /// The children of the officer's services with this family name and date of birth, to
    /// choose the one a request is about. Each child found is audited as a read.
    pub async fn subject_access_find(&self, ctx: &Ctx, family_name: &str, born_on: Date) -> AppResult<Vec<Child>> {
        let services = self.officer_services(Officer::Session(ctx))?.unwrap_or_default();
        if family_name.trim().is_empty() {
            return Err(AppError::invalid("family_name", "Enter the child's last name"));
        }
        let found = self.store.children_for_subject_access(&services, family_name, born_on).await?;
        for c in &found {
            self.audit_subject_access(Officer::Session(ctx), "read", "subject_access.find", c.id, "found the child")
                .await?;
        }
        Ok(found)
    }

    /// Records a request about `child` with the service's `reference`, received on
    /// `received_on` (not in the future).
    pub async fn start_subject_access(
        &self,
        officer: Officer<'_>,
        child: ChildId,
        reference: &str,
        received_on: Date,
    ) -> AppResult<SubjectAccessRequest> {
        let child = self.officer_child(officer, child).await?;
        let reference = parse_reference(reference).map_err(|e| AppError::invalid("reference", e))?;
        if received_on > self.today() {
            return Err(AppError::invalid("received_on", "The day received must be today or in the past"));
        }
        let (requested_by, requested_by_name) = match officer {
            Officer::Session(ctx) => (Some(ctx.actor.user_id), ctx.actor.name.clone()),
            Officer::Operator => (None, "Operator".to_string()),
        };
        let request = SubjectAccessRequest {
            id: SarId::random(),
            child_id: child.id,
            reference,
            received_on,
            requested_by,
            requested_by_name,
            created_at: self.now(),
            health_review: None,
            export_count: 0,
            last_exported_at: None,
        };
        self.store.insert_subject_access_request(&request).await?;
        let what = format!("recorded request {}", request.reference);
        self.audit_subject_access(officer, "write", "subject_access.request", child.id, &what).await?;
        Ok(request)
    }

    /// The requests the officer answers, newest first, with their children.
    pub async fn subject_access_requests(&self, ctx: &Ctx) -> AppResult<Vec<(SubjectAccessRequest, Child)>> {
        let services = self.officer_services(Officer::Session(ctx))?.unwrap_or_default();
        let mut out = Vec::new();
        for r in self.store.subject_access_requests(&services).await? {
            if let Some(c) = self.store.child_for_subject_access(r.child_id).await? {
                out.push((r, c));
            }
        }
        Ok(out)
    }

    /// One request, with the child and whether the record holds health content.
    pub async fn subject_access_request(
        &self,
        officer: Officer<'_>,
        id: SarId,
    ) -> AppResult<(SubjectAccessRequest, Child, bool)> {
        let request = self.store.subject_access_request(id).await?.ok_or(AppError::NotFound)?;
        let child = self.officer_child(officer, request.child_id).await?;
        let has_health = self.holds_health_content(child.id).await?;
        self.audit_subject_access(officer, "read", "subject_access.request", child.id, &request.reference).await?;
        Ok((request, child, has_health))
    }

    /// The request about `child` with this reference (for the command line).
    pub async fn subject_access_by_reference(&self, child: ChildId, reference: &str) -> AppResult<Option<SarId>> {
        Ok(self
            .store
            .subject_access_requests_for_child(child)
            .await?
            .into_iter()
            .find(|r| r.reference == reference)
            .map(|r| r.id))
    }

    async fn holds_health_content(&self, child: ChildId) -> AppResult<bool> {
        Ok(self.store.health_rows_about_child(child).await? > 0)
    }

    /// The requests about a child that wait for a health professional's review, for a health
    /// professional on the child's team (others: none). Not audited apart: the health page
    /// that shows them is.
    pub async fn subject_access_reviews_waiting(
        &self,
        ctx: &Ctx,
        child: ChildId,
    ) -> AppResult<Vec<SubjectAccessRequest>> {
        let child = self.child_for(ctx, child, Purpose::Work).await?;
        if !self.reviews_health(ctx, child.id).await? {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .subject_access_requests_for_child(child.id)
            .await?
            .into_iter()
            .filter(|r| r.health_review.is_none())
            .collect())
    }

    async fn reviews_health(&self, ctx: &Ctx, child: ChildId) -> AppResult<bool> {
        let team: Vec<TeamMember> = self.store.team(child).await?.into_iter().map(|t| t.member).collect();
        Ok(is_health_professional_on_team(&ctx.actor, &team, self.today()))
    }

    /// Records a health professional's review of a request's health content: released, or
    /// withheld because releasing it would be likely to cause serious harm (with reasons).
    pub async fn review_subject_access(
        &self,
        ctx: &Ctx,
        child: ChildId,
        id: Option<SarId>,
        decision: Option<ReviewDecision>,
        note: &str,
    ) -> AppResult<SubjectAccessRequest> {
        let child = self.child_for(ctx, child, Purpose::Work).await?;
        if ctx.credential != Credential::Session {
            return Err(AppError::Forbidden("review subject access requests in Resettle in a browser"));
        }
        if !self.reviews_health(ctx, child.id).await? {
            return Err(AppError::Forbidden(
                "only a health professional on the child's team reviews health content for a subject access request",
            ));
        }
        let request = match id {
            Some(id) => self.store.subject_access_request(id).await?,
            None => None,
        };
        let Some(request) = request.filter(|r| r.child_id == child.id) else {
            return Err(AppError::NotFound);
        };
        let id = request.id;
        let Some(decision) = decision else {
            return Err(AppError::invalid("decision", "Choose whether the health content may be released"));
        };
        let note = parse_review_note(decision, note).map_err(|e| AppError::invalid("note", e))?;
        let review = HealthReview {
            decision,
            note,
            reviewed_by: ctx.actor.user_id,
            reviewed_by_name: ctx.actor.name.clone(),
            reviewed_at: self.now(),
        };
        self.store.record_subject_access_review(id, &review).await?;
        self.audit(ctx, "write", "subject_access.health_review", Some(child.id)).await?;
        Ok(SubjectAccessRequest { health_review: Some(review), ..request })
    }

    /// Everything held about the request's child: every row of every table, the health content
    /// as the review decided (or left out), the health record as FHIR when released, and who
    /// read or changed the record. Third parties' details are redacted as configured. The
    /// export is counted on the request and audited.
    pub async fn subject_access_export(
        &self,
        officer: Officer<'_>,
        id: SarId,
        health: HealthChoice,
    ) -> AppResult<SubjectAccessExport> {
        let request = self.store.subject_access_request(id).await?.ok_or(AppError::NotFound)?;
        let child = self.officer_child(officer, request.child_id).await?;
        let has_health = self.holds_health_content(child.id).await?;
        let (health_included, health_note) = match (health, has_health, &request.health_review) {
            (_, false, _) => (false, "The record holds no health content.".to_string()),
            (HealthChoice::LeaveOut, true, _) => (
                false,
                "The health content is left out of this copy: it is sent separately once a health professional \
                 has reviewed it."
                    .to_string(),
            ),
            (HealthChoice::AsReviewed, true, None) => return Err(AppError::invalid("health", NO_REVIEW)),
            (HealthChoice::AsReviewed, true, Some(r)) if r.decision == ReviewDecision::Withhold => (
                false,
                "The health content is withheld: a health professional judged that releasing it would be likely to \
                 cause serious harm to the physical or mental health of you or another person (Data Protection Act \
                 2018, Schedule 3, Part 2, paragraph 5)."
                    .to_string(),
            ),
            (HealthChoice::AsReviewed, true, Some(_)) => {
                (true, "The health content is included, after a health professional reviewed it.".to_string())
            }
        };
        let rules = &self.config.subject_access;
        let mut tables = self.store.rows_about_child(child.id, health_included).await?;
        for t in &mut tables {
            for row in &mut t.rows {
                for (column, value) in row.iter_mut() {
                    if value.is_null() {
                        continue;
                    }
                    if rules.redacts(&t.table, column) {
                        *value = Value::String(REDACTED.into());
                    } else if !rules.staff_names && STAFF_NAME_COLUMNS.contains(&column.as_str()) {
                        *value = Value::String(STAFF.into());
                    }
                }
            }
        }
        let fhir = match health_included {
            true => Some(self.health_bundle_of(&child, &self.store.team(child.id).await?).await?),
            false => None,
        };
        let access = self.access_records(child.id, rules.staff_names).await?;
        let organisations =
            self.organisations_shared().await?.iter().map(|o| (o.id.0.to_string(), o.name.clone())).collect();
        let exported_at = self.now();
        self.store.record_subject_access_export(id, exported_at).await?;
        let what = format!(
            "exported request {} ({})",
            request.reference,
            if health_included { "with health content" } else { "without health content" }
        );
        self.audit_subject_access(officer, "read", "subject_access.export", child.id, &what).await?;
        Ok(SubjectAccessExport {
            request: SubjectAccessRequest {
                export_count: request.export_count + 1,
                last_exported_at: Some(exported_at),
                ..request
            },
            child,
            exported_at,
            tables,
            health_included,
            health_note,
            fhir,
            access,
            organisations,
            staff_names: rules.staff_names,
        })
    }

    /// Every read and change of the record, oldest first, by organisation and role (and name
    /// when `names`).
    async fn access_records(&self, child: ChildId, names: bool) -> AppResult<Vec<AccessRecord>> {
        let entries = self.store.child_audit(child, u32::MAX).await?;
        let orgs = self.organisations_shared().await?;
        let mut people: HashMap<UserId, Option<(String, Vec<resettle_domain::org::Membership>)>> = HashMap::new();
        let mut out = Vec::with_capacity(entries.len());
        for e in entries.into_iter().rev() {
            let (organisation, role, name) = match e.user_id {
                None => ("Resettle".to_string(), "The service itself".to_string(), None),
                Some(id) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(id) {
                        let record = self.user_record(id).await?;
                        slot.insert(record.as_ref().as_ref().map(|u| (u.user.name.clone(), u.memberships.clone())));
                    }
                    match people.get(&id).cloned().flatten() {
                        None => ("Unknown".to_string(), "Unknown".to_string(), None),
                        Some((name, memberships)) => {
                            let m = memberships.iter().find(|m| Some(m.id) == e.membership_id).or(memberships.first());
                            let organisation = m
                                .and_then(|m| orgs.iter().find(|o| o.id == m.organisation_id))
                                .map(|o| o.name.clone())
                                .unwrap_or_default();
                            let role = m.map(|m| m.role.label().to_string()).unwrap_or_default();
                            (organisation, role, names.then_some(name))
                        }
                    }
                }
            };
            out.push(AccessRecord { at: e.at, action: e.action, resource: e.resource, organisation, role, name });
        }
        Ok(out)
    }
}
