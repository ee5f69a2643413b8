//! The API's wire types: the JSON shapes other programs are written against. Kept apart from
//! the domain types so that the domain can change without breaking clients.

use resettle_app::storage::{CaseloadRow, TeamMemberView};
use resettle_domain::child::Child;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Service health.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
}

/// A role in an organisation.
#[derive(Serialize, ToSchema)]
pub struct MembershipJson {
    /// Membership id.
    pub id: Uuid,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Role key, e.g. `yjs_case_manager`.
    pub role: String,
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// User id.
    pub id: Uuid,
    /// Sign-in address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Roles held.
    pub memberships: Vec<MembershipJson>,
}

/// A child's record.
#[derive(Serialize, ToSchema)]
pub struct ChildJson {
    /// Id.
    pub id: Uuid,
    /// Send this back when changing the record; a stale version is refused with 409.
    pub version: i64,
    /// The youth justice service that owns the case.
    pub yjs_id: Uuid,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// NHS number, 10 digits.
    pub nhs_number: Option<String>,
    /// PNC ID.
    pub pnc_id: Option<String>,
    /// `female`, `male`, `other` or `not_known`.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// `en` or `cy`: the language the child prefers for what is written to them ("my plan",
    /// invitations, letters).
    pub preferred_language: String,
    /// `not_looked_after`, `looked_after` or `care_leaver`.
    pub legal_status: String,
    /// Created at (RFC 3339, UTC).
    pub created_at: String,
    /// Last changed at (RFC 3339, UTC).
    pub updated_at: String,
}

impl From<&Child> for ChildJson {
    fn from(c: &Child) -> Self {
        let d = &c.details;
        Self {
            id: c.id.0,
            version: c.version,
            yjs_id: c.yjs_id.0,
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            preferred_name: d.preferred_name.clone(),
            date_of_birth: d.date_of_birth.to_string(),
            nhs_number: d.nhs_number.as_ref().map(|n| n.as_str().to_string()),
            pnc_id: d.pnc_id.as_ref().map(|p| p.as_str().to_string()),
            gender: d.gender.map(|g| g.as_str().to_string()),
            ethnicity: d.ethnicity.clone(),
            first_language: d.first_language.clone(),
            preferred_language: d.preferred_language.as_str().to_string(),
            legal_status: d.legal_status.as_str().to_string(),
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
        }
    }
}

/// A new child. Unknown fields are refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChild {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// `YYYY-MM-DD`; the child must be 10 to 17.
    pub date_of_birth: String,
    /// 10 digits with a valid check digit; spaces allowed.
    pub nhs_number: Option<String>,
    /// The youth justice service that owns the case; the caller must be a case manager or
    /// manager there.
    pub yjs_id: String,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// PNC ID, like `2019/0012345A`.
    pub pnc_id: Option<String>,
    /// `female`, `male`, `other` or `not_known`.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// `en` (default) or `cy`: the language the child prefers for what is written to them.
    pub preferred_language: Option<String>,
    /// `not_looked_after` (default), `looked_after` or `care_leaver`.
    pub legal_status: Option<String>,
}

/// A change to a child's details: `version` plus the fields to change. Absent fields stay
/// as they are; an empty string clears an optional field. Unknown fields are refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchChild {
    /// The version the change was made against.
    pub version: i64,
    /// Why, shown on the child's timeline.
    pub reason: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// PNC ID.
    pub pnc_id: Option<String>,
    /// Gender key.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// `en` or `cy`.
    pub preferred_language: Option<String>,
    /// Legal status key.
    pub legal_status: Option<String>,
}

/// A line of the caseload.
#[derive(Serialize, ToSchema)]
pub struct CaseloadItem {
    /// Child id.
    pub id: Uuid,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: String,
    /// Owning youth justice service.
    pub yjs_id: Uuid,
    /// Its name.
    pub yjs_name: String,
    /// `remand` or `sentence` while in custody, else null.
    pub custody: Option<String>,
    /// The establishment, while in custody.
    pub establishment_id: Option<Uuid>,
    /// The day of the latest release (`YYYY-MM-DD`), or null when never released.
    pub released_on: Option<String>,
    /// Record version.
    pub version: i64,
}

impl From<&CaseloadRow> for CaseloadItem {
    fn from(r: &CaseloadRow) -> Self {
        Self {
            id: r.id.0,
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            date_of_birth: r.date_of_birth.to_string(),
            yjs_id: r.yjs_id.0,
            yjs_name: r.yjs_name.clone(),
            custody: r.custody.as_ref().map(|c| c.kind.as_str().to_string()),
            establishment_id: r.custody.as_ref().and_then(|c| c.establishment_id.map(|e| e.0)),
            released_on: r.released_on.map(|d| d.to_string()),
            version: r.version,
        }
    }
}

/// A page of the caseload.
#[derive(Serialize, ToSchema)]
pub struct Caseload {
    /// Children on this page.
    pub items: Vec<CaseloadItem>,
    /// Children across all pages.
    pub total: u64,
    /// Page number, from 1.
    pub page: u32,
    /// Children per page.
    pub per_page: u32,
}

/// Someone to add to the team around a child. Unknown fields are refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTeamMember {
    /// The organisation.
    pub organisation_id: String,
    /// A named person from that organisation.
    pub user_id: Option<String>,
    /// Their role for this child, e.g. `ete_coordinator`.
    pub role: String,
    /// What they are responsible for.
    pub responsibility: String,
    /// From (`YYYY-MM-DD`, default today).
    pub started_on: Option<String>,
    /// To (`YYYY-MM-DD`).
    pub ended_on: Option<String>,
}

/// A member of the team around a child.
#[derive(Serialize, ToSchema)]
pub struct TeamMemberJson {
    /// Id.
    pub id: Uuid,
    /// Child.
    pub child_id: Uuid,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Named person.
    pub user_id: Option<Uuid>,
    /// Role key.
    pub role: String,
    /// Responsibility.
    pub responsibility: String,
    /// From.
    pub started_on: String,
    /// To.
    pub ended_on: Option<String>,
    /// Organisation name, when known.
    pub organisation_name: Option<String>,
    /// Person's name, when known.
    pub user_name: Option<String>,
}

impl From<&TeamMemberView> for TeamMemberJson {
    fn from(t: &TeamMemberView) -> Self {
        let m = &t.member;
        Self {
            id: m.id.0,
            child_id: m.child_id.0,
            organisation_id: m.organisation_id.0,
            user_id: m.user_id.map(|u| u.0),
            role: m.role.as_str().to_string(),
            responsibility: m.responsibility.clone(),
            started_on: m.started_on.to_string(),
            ended_on: m.ended_on.map(|d| d.to_string()),
            organisation_name: Some(t.organisation_name.clone()),
            user_name: t.user_name.clone(),
        }
    }
}

/// Query of the caseload.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseloadParams {
    /// Only children with this organisation on their team.
    pub organisation_id: Option<String>,
    /// `name` (default), `date_of_birth`, `updated` or `custody_since`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// Page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100_000)]
    pub page: Option<u32>,
    /// Children per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// Search the caseload: a name (accents and case do not matter; one typo is forgiven in a
    /// name of five letters or more), a date of birth (`2011-03-09`, `9/3/2011` or
    /// `9 March 2011`), an NHS number, a PNC ID or the record's id. Only children the caller
    /// may see are found.
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
}

/// Asking for emergency access to a child outside the team.
#[derive(Deserialize, ToSchema)]
pub struct BreakGlassRequest {
    /// Why the record is needed now (10 to 1000 characters). Recorded on the child's timeline,
    /// in the audit trail and in the report to the child's youth justice service.
    #[serde(default)]
    pub reason: String,
}

/// A break-glass grant.
#[derive(Serialize, ToSchema)]
pub struct BreakGlassJson {
    /// Grant id.
    pub id: uuid::Uuid,
    /// The child.
    pub child_id: uuid::Uuid,
    /// Who.
    pub user_id: uuid::Uuid,
    /// Why.
    pub reason: String,
    /// When (RFC 3339, UTC).
    pub granted_at: String,
    /// Read access ends then (RFC 3339, UTC).
    pub expires_at: String,
}

impl From<&resettle_app::storage::BreakGlassGrant> for BreakGlassJson {
    fn from(g: &resettle_app::storage::BreakGlassGrant) -> Self {
        Self {
            id: g.id.0,
            child_id: g.child_id.0,
            user_id: g.user_id.0,
            reason: g.reason.clone(),
            granted_at: g.granted_at.to_string(),
            expires_at: g.expires_at.to_string(),
        }
    }
}

/// One emergency access, as reported to the child's youth justice service.
#[derive(Serialize, ToSchema)]
pub struct BreakGlassLineJson {
    /// The grant.
    #[serde(flatten)]
    pub grant: BreakGlassJson,
    /// Who used it.
    pub user_name: String,
    /// Their email.
    pub user_email: String,
    /// The child's name.
    pub child_name: String,
    /// The owning youth justice service.
    pub yjs_name: String,
}

/// Counts for one organisation (no names or identifiers of children).
#[derive(Serialize, ToSchema)]
pub struct OrganisationFiguresJson {
    /// Organisation id.
    pub organisation_id: uuid::Uuid,
    /// Organisation name.
    pub name: String,
    /// Organisation kind.
    pub kind: String,
    /// Children on the caseload (owned cases; for secure establishments, children placed now).
    pub children: i64,
    /// In custody on remand now.
    pub on_remand: i64,
    /// In custody on sentence now.
    pub sentenced: i64,
    /// Release date in the window.
    pub releases_due: i64,
}

/// The strategic lead's figures.
#[derive(Serialize, ToSchema)]
pub struct FiguresJson {
    /// Counted on (UK date).
    pub today: String,
    /// Releases counted up to and including this day.
    pub releases_until: String,
    /// By organisation.
    pub organisations: Vec<OrganisationFiguresJson>,
    /// Release readiness of children in custody, by youth justice service.
    pub readiness: Vec<OrganisationReadinessJson>,
    /// Open needs of children in custody, by owning organisation and pathway.
    pub open_needs: Vec<PathwayNeedsJson>,
}

/// Children in custody by readiness status, for one youth justice service (counts only).
#[derive(Serialize, ToSchema)]
pub struct OrganisationReadinessJson {
    /// The organisation's id.
    pub organisation_id: Uuid,
    /// Its name.
    pub name: String,
    /// Children in custody.
    pub total: usize,
    /// Green.
    pub green: usize,
    /// Amber.
    pub amber: usize,
    /// Red.
    pub red: usize,
}

/// Open needs counted by owner and pathway (no child named).
#[derive(Serialize, ToSchema)]
pub struct PathwayNeedsJson {
    /// The owning organisation's id.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// The pathway key.
    pub pathway: String,
    /// Open needs.
    pub open_needs: i64,
}
