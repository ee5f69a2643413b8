//! The child's health record as a FHIR R4 Bundle, for health roles on the child's team.

use std::collections::HashMap;

use resettle_domain::fhir::{
    Bundle, ExportChild, ExportNeed, ExportOrganisation, ExportPerson, ExportTeamMember, HealthExport, HealthPathway,
    Instrument, OutcomeMeasure, Rater, SharingChoice, SharingDecision, health_bundle,
};
use resettle_domain::health::{self, MeasureKind};
use resettle_domain::ids::{ChildId, OrgId, UserId};
use resettle_domain::org::OrgKind;
use resettle_domain::policy::{Action, Decision, Purpose, decide, sees_health_details};
use resettle_domain::team::TeamMember;

use crate::{App, AppError, AppResult, Ctx};

/// Why a health role that gives no access here is refused: the role is held in an
/// organisation that is not on the child's team.
const HEALTH_ROLE_ELSEWHERE: &str = "health information is for health roles in an organisation on the child's team \
     unless consent or a sharing decision allows it; contact the child's health worker";

impl App {
    /// The child's health record as a FHIR R4 (4.0.1) `collection` Bundle: the child, the team
    /// around them today, the plan's health and substance-misuse needs and pathway, outcome
    /// measures and consent decisions. Only for health roles held in an organisation on the
    /// team (the policy's `ViewHealthContent` and `sees_health_details`): others on the team
    /// get [`AppError::Forbidden`], anyone else not found. Audited as a read.
    pub async fn health_fhir(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<Bundle> {
        let child = self.child_for(ctx, child_id, Purpose::Read).await?;
        let today = self.today();
        let team = self.store.team(child_id).await?;

        // A health role in an organisation on the team, or a recorded consent or sharing
        // decision naming one of the caller's organisations, opens the health record.
        let members: Vec<TeamMember> = team.iter().map(|t| t.member.clone()).collect();
        let grants = self.sharing_grants(child_id).await?;
        let sharing_allowed = sees_health_details(&ctx.actor, &members, today, &grants);
        match decide(&ctx.actor, Action::ViewHealthContent { sharing_allowed }, Some(true)) {
            Decision::Deny(why) => return Err(AppError::Forbidden(why)),
            Decision::Allow(_) if !sharing_allowed => return Err(AppError::Forbidden(HEALTH_ROLE_ELSEWHERE)),
            Decision::Allow(_) => {}
        }
        let bundle = self.health_bundle_of(&child, &team).await?;
        self.audit(ctx, "read", "health.fhir", Some(child_id)).await?;
        Ok(bundle)
    }

    /// The FHIR Bundle of [`App::health_fhir`] without its checks and audit entry, for services
    /// that have made them already (a subject access export after the health review).
    pub(crate) async fn health_bundle_of(
        &self,
        child: &resettle_domain::child::Child,
        team: &[resettle_storage::TeamMemberView],
    ) -> AppResult<Bundle> {
        let child_id = child.id;
        let today = self.today();
        let organisations: HashMap<OrgId, ExportOrganisation> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, ExportOrganisation { id: o.id, name: o.name, kind: o.kind }))
            .collect();
        let organisation = |id: OrgId| {
            organisations.get(&id).cloned().unwrap_or_else(|| ExportOrganisation {
                id,
                name: "Unknown organisation".into(),
                kind: OrgKind::Other,
            })
        };
        let team = team
            .iter()
            .filter(|t| t.member.is_current(today))
            .map(|t| ExportTeamMember {
                organisation: ExportOrganisation {
                    id: t.member.organisation_id,
                    name: t.organisation_name.clone(),
                    kind: t.organisation_kind,
                },
                person: match (t.member.user_id, &t.user_name) {
                    (Some(id), Some(name)) => Some(person(id, name, t.user_email.as_deref())),
                    _ => None,
                },
                role: t.member.role,
                responsibility: t.member.responsibility.clone(),
                started_on: t.member.started_on,
                ended_on: t.member.ended_on,
            })
            .collect();
        let pathway = match self.store.plan(child_id).await? {
            None => None,
            Some(plan) => Some(HealthPathway {
                opened_on: plan.opened_on,
                needs: self
                    .store
                    .needs(child_id)
                    .await?
                    .into_iter()
                    .filter(|n| n.pathway.is_health())
                    .map(|n| ExportNeed {
                        id: n.id,
                        pathway: n.pathway,
                        title: n.title(),
                        description: n.description.clone(),
                        status: n.status,
                        owner: organisation(n.owner_organisation_id),
                        recorded_at: n.created_at,
                        due_by: n.due_by,
                    })
                    .collect(),
            }),
        };
        let measures: Vec<OutcomeMeasure> = self
            .store
            .measures(child_id)
            .await?
            .into_iter()
            .map(|m| OutcomeMeasure {
                id: m.id.0,
                instrument: match m.kind {
                    MeasureKind::SdqTotal => Instrument::SdqTotal,
                    MeasureKind::HonoscaTotal => Instrument::HonoscaTotal,
                },
                score: m.score,
                rater: match m.rater {
                    health::Rater::SelfReport => Rater::SelfReport,
                    health::Rater::Parent => Rater::Parent,
                    health::Rater::Teacher => Rater::Teacher,
                    health::Rater::Clinician => Rater::Clinician,
                },
                date: m.measured_on,
            })
            .collect();
        let consents: Vec<SharingDecision> = self
            .store
            .consents(child_id)
            .await?
            .into_iter()
            .map(|c| SharingDecision {
                id: c.id.0,
                decision: if c.decision.allows_sharing() { SharingChoice::Permit } else { SharingChoice::Deny },
                with_organisation: Some(organisation(c.share_with_organisation_id)),
                with_role: c.share_with_role,
                purpose: c.purpose.clone(),
                date: c.decided_on,
                capacity_basis: c.capacity.label().to_string(),
                lawful_basis: c.lawful_basis.map(|b| b.label().to_string()),
            })
            .collect();
        let d = &child.details;
        let export = HealthExport {
            child: ExportChild {
                id: child.id,
                given_name: d.given_name.clone(),
                family_name: d.family_name.clone(),
                preferred_name: d.preferred_name.clone(),
                date_of_birth: d.date_of_birth,
                nhs_number: d.nhs_number.clone(),
                gender: d.gender,
                managing_organisation: Some(organisation(child.yjs_id)),
            },
            team,
            pathway,
            measures,
            consents,
        };
        Ok(health_bundle(&export, uuid::Uuid::new_v4(), self.now()))
    }
}

fn person(id: UserId, name: &str, email: Option<&str>) -> ExportPerson {
    ExportPerson { id, name: name.to_string(), email: email.map(str::to_string) }
}
