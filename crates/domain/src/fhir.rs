//! The child's health record as a FHIR R4 (4.0.1) `Bundle`, for health systems that receive it.
//!
//! A pure mapping: [`health_bundle`] turns plain input ([`HealthExport`]) into typed
//! resources that serialise to FHIR JSON. The child is the `Patient` (with the NHS number
//! under [`NHS_NUMBER_SYSTEM`]), the plan's health and substance-misuse needs are
//! `Condition`s, the health pathway is a `CarePlan` whose activities are those needs, the
//! current team is a `CareTeam` of `Organization`s and `Practitioner`s, outcome measures are
//! `Observation`s and consent and sharing decisions are `Consent`s. The bundle is a
//! `collection`: every resource has a `urn:uuid:` fullUrl and every reference points at one.
//!
//! Resource ids are stable: a record's own id where it has one (child, organisation, person,
//! need, measure, decision), otherwise one derived from the child's id, so a receiving system
//! sees the same resource again in a later export.
//!
//! Whether the output is valid FHIR is checked by independent validators in the tests
//! (`tests/fhir/validate.mjs`), not only by these types.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::child::Gender;
use crate::ids::{ChildId, NeedId, OrgId, UserId};
use crate::nhs::NhsNumber;
use crate::org::{OrgKind, Role, string_enum};
use crate::plan::{NeedStatus, Pathway};

/// The FHIR version the bundle conforms to.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of FHIR JSON.
pub const MEDIA_TYPE: &str = "application/fhir+json";

/// The NHS number's identifier system (NHS England).
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const CONSENT_SCOPE: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
const LOINC: &str = "http://loinc.org";
const V3_ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const V3_PARTICIPATION_TYPE: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
const URI_IDENTIFIER: &str = "urn:ietf:rfc:3986";

// ---------------------------------------------------------------------------------------------
// Input: plain values gathered by the application.

/// Everything the export holds about one child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthExport {
    /// The child.
    pub child: ExportChild,
    /// The team around the child on the day of the export.
    pub team: Vec<ExportTeamMember>,
    /// The plan's health pathway, when the child has a plan.
    pub pathway: Option<HealthPathway>,
    /// Outcome measures, any order.
    pub measures: Vec<OutcomeMeasure>,
    /// Consent and sharing decisions, any order.
    pub consents: Vec<SharingDecision>,
}

/// The child as the `Patient`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportChild {
    /// Identifier (becomes the Patient's id).
    pub id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The name the child prefers.
    pub preferred_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// NHS number.
    pub nhs_number: Option<NhsNumber>,
    /// Gender.
    pub gender: Option<Gender>,
    /// The youth justice service that owns the case (the Patient's managing organisation).
    pub managing_organisation: Option<ExportOrganisation>,
}

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOrganisation {
    /// Identifier.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
}

/// A named person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportPerson {
    /// Identifier.
    pub id: UserId,
    /// Name.
    pub name: String,
    /// Work email.
    pub email: Option<String>,
}

/// A member of the team around the child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTeamMember {
    /// The organisation.
    pub organisation: ExportOrganisation,
    /// The named person from it, if any.
    pub person: Option<ExportPerson>,
    /// The role they play for the child.
    pub role: Role,
    /// What they are responsible for.
    pub responsibility: String,
    /// From when.
    pub started_on: Date,
    /// Until when (inclusive).
    pub ended_on: Option<Date>,
}

/// The plan's health pathway: when the plan opened and its health and substance-misuse needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthPathway {
    /// The day the plan opened.
    pub opened_on: Date,
    /// Needs on the health and substance-misuse pathways (others are ignored).
    pub needs: Vec<ExportNeed>,
}

/// A health or substance-misuse need on the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportNeed {
    /// Identifier (becomes the Condition's id).
    pub id: NeedId,
    /// Health or substance misuse.
    pub pathway: Pathway,
    /// Its name.
    pub title: String,
    /// Words about it.
    pub description: Option<String>,
    /// Where it has got to.
    pub status: NeedStatus,
    /// The organisation that owns meeting it.
    pub owner: ExportOrganisation,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When it must be met by.
    pub due_by: Option<Date>,
}

string_enum!(
    /// A validated outcome measure's total score.
    Instrument, "instrument" {
        /// Strengths and Difficulties Questionnaire, total difficulties (0–40).
        SdqTotal => "sdq_total", "SDQ total difficulties score";
        /// Health of the Nation Outcome Scales for Children and Adolescents, total (0–52).
        HonoscaTotal => "honosca_total", "HoNOSCA total score";
    }
);

impl Instrument {
    /// The highest possible score (the lowest is 0).
    pub fn max_score(self) -> u8 {
        match self {
            Instrument::SdqTotal => 40,
            Instrument::HonoscaTotal => 52,
        }
    }
}

string_enum!(
    /// Who rated an outcome measure.
    Rater, "rater" {
        /// The child (self-report).
        #[serde(rename = "self")]
        SelfReport => "self", "the child (self-report)";
        /// A parent or carer.
        Parent => "parent", "a parent or carer";
        /// A teacher.
        Teacher => "teacher", "a teacher";
        /// A clinician.
        Clinician => "clinician", "a clinician";
    }
);

/// One outcome measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeMeasure {
    /// Identifier (becomes the Observation's id).
    pub id: Uuid,
    /// Which scale.
    pub instrument: Instrument,
    /// The total score, within the instrument's range.
    pub score: u8,
    /// Who rated.
    pub rater: Rater,
    /// When.
    pub date: Date,
}

string_enum!(
    /// Whether information may be shared.
    SharingChoice, "decision" {
        /// It may be shared.
        Permit => "permit", "May be shared";
        /// It may not be shared.
        Deny => "deny", "Must not be shared";
    }
);

/// A recorded consent or sharing decision: what may be shared with whom, why, on what basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharingDecision {
    /// Identifier (becomes the Consent's id).
    pub id: Uuid,
    /// Permit or deny.
    pub decision: SharingChoice,
    /// With which organisation.
    pub with_organisation: Option<ExportOrganisation>,
    /// With people in which role (in that organisation, when one is named).
    pub with_role: Option<Role>,
    /// What for, in words ("continuity of care in custody").
    pub purpose: String,
    /// When the decision was made.
    pub date: Date,
    /// The capacity basis, in words ("16 or 17: presumed to have capacity").
    pub capacity_basis: String,
    /// The lawful basis when information is shared without consent (safeguarding).
    pub lawful_basis: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Output: the FHIR R4 resources used here, with only the elements we fill.

/// A FHIR R4 `Bundle` of type `collection`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    resource_type: &'static str,
    /// Logical id.
    pub id: Uuid,
    meta: Meta,
    identifier: Identifier,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    /// The resources, each with its fullUrl.
    pub entry: Vec<Entry>,
}

/// A bundle entry.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `urn:uuid:` and the resource's id.
    pub full_url: String,
    /// The resource.
    pub resource: Resource,
}

/// The resources a health export holds.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "resourceType")]
#[allow(missing_docs)]
pub enum Resource {
    Patient(Patient),
    Organization(Organization),
    Practitioner(Practitioner),
    CareTeam(CareTeam),
    Condition(Condition),
    CarePlan(CarePlan),
    Observation(Observation),
    Consent(Consent),
}

impl Resource {
    /// The FHIR resource type's name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Resource::Patient(_) => "Patient",
            Resource::Organization(_) => "Organization",
            Resource::Practitioner(_) => "Practitioner",
            Resource::CareTeam(_) => "CareTeam",
            Resource::Condition(_) => "Condition",
            Resource::CarePlan(_) => "CarePlan",
            Resource::Observation(_) => "Observation",
            Resource::Consent(_) => "Consent",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    last_updated: String,
}

#[derive(Clone, Debug, Serialize)]
struct Identifier {
    system: &'static str,
    value: String,
}

#[derive(Clone, Debug, Serialize)]
struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

impl Coding {
    fn of(system: &'static str, code: &'static str, display: &str) -> Self {
        Self { system: Some(system), code: Some(code), display: Some(display.to_string()) }
    }
}

#[derive(Clone, Debug, Serialize)]
struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

impl CodeableConcept {
    fn text(text: impl Into<String>) -> Self {
        Self { coding: Vec::new(), text: Some(text.into()) }
    }

    fn coded(system: &'static str, code: &'static str, display: &str) -> Self {
        Self { coding: vec![Coding::of(system, code, display)], text: None }
    }
}

#[derive(Clone, Debug, Serialize)]
struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

impl Reference {
    fn to(id: Uuid, display: impl Into<String>) -> Self {
        Self { reference: Some(urn(id)), display: Some(display.into()) }
    }

    fn display(display: impl Into<String>) -> Self {
        Self { reference: None, display: Some(display.into()) }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct HumanName {
    #[serde(rename = "use")]
    usage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    given: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
struct ContactPoint {
    system: &'static str,
    value: String,
    #[serde(rename = "use")]
    usage: &'static str,
}

/// A human-readable summary (`generated` narrative): receivers that show no structured data
/// still show this.
#[derive(Clone, Debug, Serialize)]
struct Narrative {
    status: &'static str,
    div: String,
}

impl Narrative {
    fn of(text: &str) -> Self {
        Self {
            status: "generated",
            div: format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{}</p></div>", xml_escape(text)),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
struct Annotation {
    text: String,
}

/// `Patient`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    id: Uuid,
    text: Narrative,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identifier: Vec<Identifier>,
    active: bool,
    name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
    birth_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    managing_organization: Option<Reference>,
}

/// `Organization`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    id: Uuid,
    text: Narrative,
    active: bool,
    #[serde(rename = "type")]
    kind: Vec<CodeableConcept>,
    name: String,
}

/// `Practitioner`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    id: Uuid,
    text: Narrative,
    active: bool,
    name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint>,
}

/// `CareTeam`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CareTeam {
    id: Uuid,
    text: Narrative,
    status: &'static str,
    name: String,
    subject: Reference,
    participant: Vec<CareTeamParticipant>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managing_organization: Vec<Reference>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CareTeamParticipant {
    role: Vec<CodeableConcept>,
    member: Reference,
    /// Only for a Practitioner member (invariant ctm-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    on_behalf_of: Option<Reference>,
    period: Period,
}

/// `Condition`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    id: Uuid,
    text: Narrative,
    clinical_status: CodeableConcept,
    verification_status: CodeableConcept,
    category: Vec<CodeableConcept>,
    code: CodeableConcept,
    subject: Reference,
    recorded_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    note: Vec<Annotation>,
}

/// `CarePlan`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarePlan {
    id: Uuid,
    text: Narrative,
    status: &'static str,
    intent: &'static str,
    category: Vec<CodeableConcept>,
    title: String,
    subject: Reference,
    period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    care_team: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    activity: Vec<CarePlanActivity>,
}

#[derive(Clone, Debug, Serialize)]
struct CarePlanActivity {
    /// A detail, never a reference as well (invariant cpl-3).
    detail: CarePlanActivityDetail,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CarePlanActivityDetail {
    code: CodeableConcept,
    reason_reference: Vec<Reference>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_period: Option<Period>,
    performer: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// `Observation`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    id: Uuid,
    text: Narrative,
    status: &'static str,
    category: Vec<CodeableConcept>,
    code: CodeableConcept,
    subject: Reference,
    effective_date_time: String,
    performer: Vec<Reference>,
    value_integer: u8,
    note: Vec<Annotation>,
    method: CodeableConcept,
}

/// `Consent`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    id: Uuid,
    text: Narrative,
    status: &'static str,
    scope: CodeableConcept,
    category: Vec<CodeableConcept>,
    patient: Reference,
    date_time: String,
    /// Always present: a policy or a policy rule is required (invariant ppc-1).
    policy_rule: CodeableConcept,
    provision: ConsentProvision,
}

#[derive(Clone, Debug, Serialize)]
struct ConsentProvision {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actor: Vec<ConsentActor>,
    purpose: Vec<Coding>,
}

#[derive(Clone, Debug, Serialize)]
struct ConsentActor {
    role: CodeableConcept,
    reference: Reference,
}

// ---------------------------------------------------------------------------------------------
// The mapping.

fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

/// A stable id for a resource that has no record of its own: derived from the child's id and
/// what the resource is (a name-based, version 8 UUID).
fn derived_id(child: ChildId, what: &str) -> Uuid {
    let hash = Sha256::digest(format!("resettle:{child}:{what}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// An instant as FHIR writes it: UTC, whole seconds.
fn instant(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second()).unwrap_or(t).to_string()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn gender_code(g: Gender) -> &'static str {
    match g {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::Other => "other",
        Gender::NotKnown => "unknown",
    }
}

/// The Condition's clinical and verification status for a need's status on the plan. A need
/// met is resolved; one looked at and found not to be needed is refuted; one declined is
/// still there (the support was declined, not the need).
fn condition_status(s: NeedStatus) -> ((&'static str, &'static str), (&'static str, &'static str)) {
    match s {
        NeedStatus::Identified | NeedStatus::InProgress | NeedStatus::Declined => {
            (("active", "Active"), ("confirmed", "Confirmed"))
        }
        NeedStatus::Met => (("resolved", "Resolved"), ("confirmed", "Confirmed")),
        NeedStatus::NotRequired => (("inactive", "Inactive"), ("refuted", "Refuted")),
    }
}

/// The CarePlan activity's status for a need's status, and why when it did not go ahead.
fn activity_status(s: NeedStatus) -> (&'static str, Option<&'static str>) {
    match s {
        NeedStatus::Identified => ("not-started", None),
        NeedStatus::InProgress => ("in-progress", None),
        NeedStatus::Met => ("completed", None),
        NeedStatus::Declined => ("cancelled", Some("Declined by the child or their family")),
        NeedStatus::NotRequired => ("cancelled", Some("Looked at and not required")),
    }
}

/// Collects the organisations and people that resources refer to, once each, in order.
#[derive(Default)]
struct Directory {
    organisations: Vec<ExportOrganisation>,
    people: Vec<ExportPerson>,
}

impl Directory {
    fn organisation(&mut self, o: &ExportOrganisation) -> Reference {
        if !self.organisations.iter().any(|x| x.id == o.id) {
            self.organisations.push(o.clone());
        }
        Reference::to(o.id.0, o.name.clone())
    }

    fn person(&mut self, p: &ExportPerson) -> Reference {
        if !self.people.iter().any(|x| x.id == p.id) {
            self.people.push(p.clone());
        }
        Reference::to(p.id.0, p.name.clone())
    }
}

fn entry(id: Uuid, resource: Resource) -> Entry {
    Entry { full_url: urn(id), resource }
}

/// The child's health record as a FHIR R4 `collection` Bundle with id `bundle_id`, made at
/// `now`.
pub fn health_bundle(export: &HealthExport, bundle_id: Uuid, now: Timestamp) -> Bundle {
    let child = &export.child;
    let patient_id = child.id.0;
    let full_name = format!("{} {}", child.given_name, child.family_name);
    let patient_ref = Reference::to(patient_id, full_name.clone());
    let mut directory = Directory::default();

    // Patient.
    let mut names = vec![HumanName {
        usage: "official",
        text: Some(full_name.clone()),
        family: Some(child.family_name.clone()),
        given: vec![child.given_name.clone()],
    }];
    if let Some(p) = child.preferred_name.as_ref().filter(|p| **p != child.given_name) {
        names.push(HumanName { usage: "usual", text: Some(p.clone()), family: None, given: vec![p.clone()] });
    }
    let mut summary = format!("{full_name}, born {}", child.date_of_birth);
    if let Some(n) = &child.nhs_number {
        summary.push_str(&format!(", NHS number {}", n.display_spaced()));
    }
    let patient = Patient {
        id: patient_id,
        text: Narrative::of(&summary),
        identifier: child
            .nhs_number
            .iter()
            .map(|n| Identifier { system: NHS_NUMBER_SYSTEM, value: n.as_str().to_string() })
            .collect(),
        active: true,
        name: names,
        gender: child.gender.map(gender_code),
        birth_date: child.date_of_birth.to_string(),
        managing_organization: child.managing_organisation.as_ref().map(|o| directory.organisation(o)),
    };

    // CareTeam.
    let care_team_id = derived_id(child.id, "care-team");
    let mut participants = Vec::new();
    for m in &export.team {
        let organisation = directory.organisation(&m.organisation);
        let (member, on_behalf_of) = match &m.person {
            Some(p) => (directory.person(p), Some(organisation)),
            None => (organisation, None),
        };
        participants.push(CareTeamParticipant {
            role: vec![CodeableConcept::text(format!("{}: {}", m.role.label(), m.responsibility))],
            member,
            on_behalf_of,
            period: Period { start: Some(m.started_on.to_string()), end: m.ended_on.map(|d| d.to_string()) },
        });
    }
    let care_team = (!participants.is_empty()).then(|| CareTeam {
        id: care_team_id,
        text: Narrative::of(&format!("The team around {full_name}: {} members", participants.len())),
        status: "active",
        name: format!("Team around {full_name}"),
        subject: patient_ref.clone(),
        participant: participants,
        managing_organization: child.managing_organisation.iter().map(|o| directory.organisation(o)).collect(),
    });

    // Conditions and the CarePlan.
    let mut conditions = Vec::new();
    let mut care_plan = None;
    if let Some(pathway) = &export.pathway {
        let mut activities = Vec::new();
        let mut addresses = Vec::new();
        for need in pathway.needs.iter().filter(|n| n.pathway.is_health()) {
            let id = need.id.0;
            let ((clinical, clinical_display), (verification, verification_display)) = condition_status(need.status);
            let owner = directory.organisation(&need.owner);
            let mut notes = vec![Annotation {
                text: format!(
                    "On the resettlement plan ({} pathway): {}; owned by {}{}",
                    need.pathway.label(),
                    need.status.label().to_lowercase(),
                    need.owner.name,
                    need.due_by.map(|d| format!("; to be met by {d}")).unwrap_or_default()
                ),
            }];
            if let Some(d) = need.description.as_ref().filter(|d| !d.trim().is_empty()) {
                notes.push(Annotation { text: d.clone() });
            }
            conditions.push(Condition {
                id,
                text: Narrative::of(&format!("{} ({}): {}", need.title, need.pathway.label(), need.status.label())),
                clinical_status: CodeableConcept::coded(CONDITION_CLINICAL, clinical, clinical_display),
                verification_status: CodeableConcept::coded(CONDITION_VERIFICATION, verification, verification_display),
                category: vec![
                    CodeableConcept::coded(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"),
                    CodeableConcept::text(need.pathway.label()),
                ],
                code: CodeableConcept::text(need.title.clone()),
                subject: patient_ref.clone(),
                recorded_date: instant(need.recorded_at),
                note: notes,
            });
            let condition_ref = Reference::to(id, need.title.clone());
            addresses.push(condition_ref.clone());
            let (status, reason) = activity_status(need.status);
            activities.push(CarePlanActivity {
                detail: CarePlanActivityDetail {
                    code: CodeableConcept::text(need.title.clone()),
                    reason_reference: vec![condition_ref],
                    status,
                    status_reason: reason.map(CodeableConcept::text),
                    scheduled_period: need.due_by.map(|d| Period { start: None, end: Some(d.to_string()) }),
                    performer: vec![owner],
                    description: need.description.clone().filter(|d| !d.trim().is_empty()),
                },
            });
        }
        care_plan = Some(CarePlan {
            id: derived_id(child.id, "care-plan/health"),
            text: Narrative::of(&format!(
                "Resettlement plan for {full_name}, health and substance misuse: {} needs, opened {}",
                activities.len(),
                pathway.opened_on
            )),
            status: "active",
            intent: "plan",
            category: vec![CodeableConcept::text("Resettlement: physical and mental health, and substance misuse")],
            title: "Resettlement plan: health and substance misuse".into(),
            subject: patient_ref.clone(),
            period: Period { start: Some(pathway.opened_on.to_string()), end: None },
            author: child.managing_organisation.as_ref().map(|o| directory.organisation(o)),
            care_team: care_team.iter().map(|_| Reference::to(care_team_id, "Team around the child")).collect(),
            addresses,
            activity: activities,
        });
    }

    // Observations.
    let mut measures: Vec<&OutcomeMeasure> = export.measures.iter().collect();
    measures.sort_by_key(|m| (m.date, m.instrument, m.id));
    let observations: Vec<Observation> = measures
        .into_iter()
        .map(|m| {
            let performer = match m.rater {
                Rater::SelfReport => patient_ref.clone(),
                Rater::Parent => Reference::display("Parent or carer"),
                Rater::Teacher => Reference::display("Teacher"),
                Rater::Clinician => Reference::display("Clinician"),
            };
            Observation {
                id: m.id,
                text: Narrative::of(&format!(
                    "{}: {} out of {}, rated by {} on {}",
                    m.instrument.label(),
                    m.score,
                    m.instrument.max_score(),
                    m.rater.label(),
                    m.date
                )),
                status: "final",
                category: vec![CodeableConcept::coded(OBSERVATION_CATEGORY, "survey", "Survey")],
                code: CodeableConcept::text(m.instrument.label()),
                subject: patient_ref.clone(),
                effective_date_time: m.date.to_string(),
                performer: vec![performer],
                value_integer: m.score,
                note: vec![Annotation {
                    text: format!(
                        "Possible scores 0 to {}; a higher score means more difficulties",
                        m.instrument.max_score()
                    ),
                }],
                method: CodeableConcept::text(format!("Rated by {}", m.rater.label())),
            }
        })
        .collect();

    // Consents.
    let mut decisions: Vec<&SharingDecision> = export.consents.iter().collect();
    decisions.sort_by_key(|d| (d.date, d.id));
    let consents: Vec<Consent> = decisions
        .into_iter()
        .map(|d| {
            let with_whom = match (&d.with_organisation, d.with_role) {
                (Some(o), Some(r)) => Some(format!("{} at {}", r.label(), o.name)),
                (Some(o), None) => Some(o.name.clone()),
                (None, Some(r)) => Some(r.label().to_string()),
                (None, None) => None,
            };
            let reference = match (&d.with_organisation, &with_whom) {
                (Some(o), Some(w)) => {
                    directory.organisation(o);
                    Some(Reference::to(o.id.0, w.clone()))
                }
                (None, Some(w)) => Some(Reference::display(w.clone())),
                _ => None,
            };
            let actor = reference
                .map(|reference| ConsentActor {
                    role: CodeableConcept::coded(V3_PARTICIPATION_TYPE, "IRCP", "information recipient"),
                    reference,
                })
                .into_iter()
                .collect();
            let policy_rule = match &d.lawful_basis {
                Some(basis) => CodeableConcept::text(format!("Shared without consent. Lawful basis: {basis}")),
                None => {
                    let (code, display) = match d.decision {
                        SharingChoice::Permit => ("OPTIN", "opt-in"),
                        SharingChoice::Deny => ("OPTOUT", "opt-out"),
                    };
                    CodeableConcept {
                        coding: vec![Coding::of(V3_ACT_CODE, code, display)],
                        text: Some(format!("Decision on consent. Capacity: {}", d.capacity_basis)),
                    }
                }
            };
            let mut summary = format!(
                "{} with {} for {}, decided {}. Capacity: {}",
                d.decision.label(),
                with_whom.as_deref().unwrap_or("anyone"),
                d.purpose,
                d.date,
                d.capacity_basis
            );
            if let Some(basis) = &d.lawful_basis {
                summary.push_str(&format!(". Shared without consent; lawful basis: {basis}"));
            }
            Consent {
                id: d.id,
                text: Narrative::of(&summary),
                status: "active",
                scope: CodeableConcept::coded(CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
                category: vec![CodeableConcept::coded(LOINC, "59284-0", "Patient Consent")],
                patient: patient_ref.clone(),
                date_time: d.date.to_string(),
                policy_rule,
                provision: ConsentProvision {
                    kind: match d.decision {
                        SharingChoice::Permit => "permit",
                        SharingChoice::Deny => "deny",
                    },
                    actor,
                    purpose: vec![Coding { system: None, code: None, display: Some(d.purpose.clone()) }],
                },
            }
        })
        .collect();

    // The entries: the child, who is referred to, then the record.
    let mut entries = vec![entry(patient_id, Resource::Patient(patient))];
    for o in &directory.organisations {
        entries.push(entry(
            o.id.0,
            Resource::Organization(Organization {
                id: o.id.0,
                text: Narrative::of(&format!("{} ({})", o.name, o.kind.label())),
                active: true,
                kind: vec![CodeableConcept::text(o.kind.label())],
                name: o.name.clone(),
            }),
        ));
    }
    for p in &directory.people {
        entries.push(entry(
            p.id.0,
            Resource::Practitioner(Practitioner {
                id: p.id.0,
                text: Narrative::of(&p.name),
                active: true,
                name: vec![HumanName {
                    usage: "official",
                    text: Some(p.name.clone()),
                    family: None,
                    given: Vec::new(),
                }],
                telecom: p
                    .email
                    .iter()
                    .map(|e| ContactPoint { system: "email", value: e.clone(), usage: "work" })
                    .collect(),
            }),
        ));
    }
    if let Some(t) = care_team {
        entries.push(entry(t.id, Resource::CareTeam(t)));
    }
    entries.extend(conditions.into_iter().map(|c| entry(c.id, Resource::Condition(c))));
    if let Some(p) = care_plan {
        entries.push(entry(p.id, Resource::CarePlan(p)));
    }
    entries.extend(observations.into_iter().map(|o| entry(o.id, Resource::Observation(o))));
    entries.extend(consents.into_iter().map(|c| entry(c.id, Resource::Consent(c))));

    Bundle {
        resource_type: "Bundle",
        id: bundle_id,
        meta: Meta { last_updated: instant(now) },
        identifier: Identifier { system: URI_IDENTIFIER, value: urn(bundle_id) },
        kind: "collection",
        timestamp: instant(now),
        entry: entries,
    }
}

/// A complete synthetic export with every resource type — a team with a named health worker,
/// health and substance-misuse needs in every status, SDQ and HoNOSCA scores from each kind of
/// rater, and sharing decisions with and without consent — for tests and for checking the
/// mapping against validators. Made-up people; the NHS number has the 999 test prefix.
pub fn example(child_id: ChildId, today: Date) -> HealthExport {
    let org = |n: u128, name: &str, kind: OrgKind| ExportOrganisation {
        id: OrgId(Uuid::from_u128(n)),
        name: name.into(),
        kind,
    };
    let yjs = org(0x1001, "Aireborough Youth Justice Service", OrgKind::Yjs);
    let yoi = org(0x1002, "Wetherby Young Offender Institution", OrgKind::Yoi);
    let camhs = org(0x1003, "Aireborough CAMHS", OrgKind::Health);
    let worker = ExportPerson {
        id: UserId(Uuid::from_u128(0x2001)),
        name: "Hana Health-Worker".into(),
        email: Some("hana.health@yjs.example.org".into()),
    };
    let day = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap_or(today);
    let member =
        |organisation: &ExportOrganisation, person: Option<ExportPerson>, role: Role, what: &str| ExportTeamMember {
            organisation: organisation.clone(),
            person,
            role,
            responsibility: what.into(),
            started_on: day(120),
            ended_on: None,
        };
    let statuses = [
        (Pathway::Health, "Mental health assessment", NeedStatus::InProgress, Some("Low mood since remand")),
        (Pathway::Health, "GP registration", NeedStatus::Identified, None),
        (Pathway::Health, "Dental check", NeedStatus::Met, None),
        (
            Pathway::SubstanceMisuse,
            "Cannabis use support",
            NeedStatus::Declined,
            Some("Says he will stop <alone> & see"),
        ),
        (Pathway::SubstanceMisuse, "Alcohol screening", NeedStatus::NotRequired, None),
    ];
    let needs = statuses
        .iter()
        .enumerate()
        .map(|(i, (pathway, title, status, description))| ExportNeed {
            id: NeedId(Uuid::from_u128(0x3000 + i as u128)),
            pathway: *pathway,
            title: (*title).into(),
            description: description.map(str::to_string),
            status: *status,
            owner: if i % 2 == 0 { yjs.clone() } else { camhs.clone() },
            recorded_at: Timestamp::from_second(1_780_000_000 + 86_400 * i as i64).unwrap_or(Timestamp::UNIX_EPOCH),
            due_by: (i < 2).then(|| day(-30)),
        })
        .collect();
    let measure = |n: u128, instrument, score, rater, ago| OutcomeMeasure {
        id: Uuid::from_u128(0x4000 + n),
        instrument,
        score,
        rater,
        date: day(ago),
    };
    HealthExport {
        child: ExportChild {
            id: child_id,
            given_name: "Jordan".into(),
            family_name: "Testcase".into(),
            preferred_name: Some("Jojo".into()),
            date_of_birth: today.checked_sub(jiff::Span::new().years(15)).unwrap_or(today),
            nhs_number: NhsNumber::from_first_nine(999_000_001),
            gender: Some(Gender::Male),
            managing_organisation: Some(yjs.clone()),
        },
        team: vec![
            member(&yjs, None, Role::YjsCaseManager, "Case management"),
            member(&yjs, Some(worker), Role::YjsHealthWorker, "Health"),
            member(&yoi, None, Role::SecurePractitioner, "Resettlement in custody"),
        ],
        pathway: Some(HealthPathway { opened_on: day(100), needs }),
        measures: vec![
            measure(1, Instrument::SdqTotal, 24, Rater::SelfReport, 90),
            measure(2, Instrument::SdqTotal, 19, Rater::Parent, 30),
            measure(3, Instrument::HonoscaTotal, 31, Rater::Clinician, 60),
        ],
        consents: vec![
            SharingDecision {
                id: Uuid::from_u128(0x5001),
                decision: SharingChoice::Permit,
                with_organisation: Some(yoi),
                with_role: Some(Role::CustodyHealth),
                purpose: "Continuity of care in custody".into(),
                date: day(100),
                capacity_basis: "16 or 17: presumed to have capacity".into(),
                lawful_basis: None,
            },
            SharingDecision {
                id: Uuid::from_u128(0x5002),
                decision: SharingChoice::Deny,
                with_organisation: None,
                with_role: Some(Role::EteCoordinator),
                purpose: "Education planning".into(),
                date: day(80),
                capacity_basis: "16 or 17: presumed to have capacity".into(),
                lawful_basis: None,
            },
            SharingDecision {
                id: Uuid::from_u128(0x5003),
                decision: SharingChoice::Permit,
                with_organisation: Some(camhs),
                with_role: None,
                purpose: "Safeguarding".into(),
                date: day(20),
                capacity_basis: "Assessed: lacked capacity for this decision".into(),
                lawful_basis: Some("Children Act 1989, section 47 (safeguarding)".into()),
            },
        ],
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde_json::{Value, json};

    fn bundle_json(export: &HealthExport) -> Value {
        let now: Timestamp = "2026-11-22T10:15:30.123Z".parse().unwrap();
        serde_json::to_value(health_bundle(export, Uuid::from_u128(0xb), now)).unwrap()
    }

    fn child() -> ChildId {
        ChildId(Uuid::from_u128(0xc))
    }

    fn of_type<'a>(b: &'a Value, t: &str) -> Vec<&'a Value> {
        b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == t).collect()
    }

    #[test]
    fn a_bundle_is_a_timestamped_collection_of_uuid_entries() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        assert_eq!(b["timestamp"], "2026-11-22T10:15:30Z");
        assert_eq!(b["meta"]["lastUpdated"], "2026-11-22T10:15:30Z");
        assert_eq!(b["identifier"]["value"], format!("urn:uuid:{}", Uuid::from_u128(0xb)));
        for e in b["entry"].as_array().unwrap() {
            assert_eq!(e["fullUrl"], format!("urn:uuid:{}", e["resource"]["id"].as_str().unwrap()), "{e}");
        }
        let types: Vec<&str> =
            b["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
        for t in
            ["Patient", "Organization", "Practitioner", "CareTeam", "Condition", "CarePlan", "Observation", "Consent"]
        {
            assert!(types.contains(&t), "{t} missing from {types:?}");
        }
        assert_eq!(types[0], "Patient");
    }

    #[test]
    fn every_reference_names_an_entry() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let urls: Vec<&str> = b["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
        fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        // Consent.provision.actor.reference is itself a Reference.
                        if let (true, Some(s)) = (k == "reference", v.as_str()) {
                            out.push(s);
                        }
                        walk(v, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut refs = Vec::new();
        walk(&b, &mut refs);
        assert!(refs.len() > 20, "{refs:?}");
        for r in refs {
            assert!(urls.contains(&r), "{r} is not an entry");
        }
        // Each organisation and person appears once, however often referred to.
        let orgs = of_type(&b, "Organization");
        let mut ids: Vec<&str> = orgs.iter().map(|o| o["id"].as_str().unwrap()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert_eq!(orgs.len(), 3);
    }

    #[test]
    fn the_child_is_the_patient_with_the_nhs_number_system() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let p = of_type(&b, "Patient")[0];
        assert_eq!(p["id"], child().to_string());
        assert_eq!(p["identifier"], json!([{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}]));
        assert_eq!(p["birthDate"], "2011-11-22");
        assert_eq!(p["gender"], "male");
        assert_eq!(
            p["name"][0],
            json!({"use": "official", "text": "Jordan Testcase", "family": "Testcase", "given": ["Jordan"]})
        );
        assert_eq!(p["name"][1]["given"], json!(["Jojo"]));
        let mut without = example(child(), date(2026, 11, 22));
        without.child.nhs_number = None;
        without.child.gender = None;
        let p = of_type(&bundle_json(&without), "Patient")[0].clone();
        assert!(p.get("identifier").is_none() && p.get("gender").is_none(), "{p}");
    }

    #[test]
    fn needs_become_conditions_and_care_plan_activities_by_status() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let conditions = of_type(&b, "Condition");
        assert_eq!(conditions.len(), 5);
        let by_title = |t: &str| *conditions.iter().find(|c| c["code"]["text"] == t).unwrap();
        let status = |c: &Value| {
            (
                c["clinicalStatus"]["coding"][0]["code"].as_str().unwrap().to_string(),
                c["verificationStatus"]["coding"][0]["code"].as_str().unwrap().to_string(),
            )
        };
        assert_eq!(status(by_title("Mental health assessment")), ("active".into(), "confirmed".into()));
        assert_eq!(status(by_title("Dental check")), ("resolved".into(), "confirmed".into()));
        assert_eq!(status(by_title("Cannabis use support")), ("active".into(), "confirmed".into()));
        assert_eq!(status(by_title("Alcohol screening")), ("inactive".into(), "refuted".into()));
        assert_eq!(by_title("GP registration")["subject"]["reference"], format!("urn:uuid:{}", child()));
        assert_eq!(by_title("Cannabis use support")["category"][1]["text"], "Substance misuse");
        let plan = of_type(&b, "CarePlan")[0];
        assert_eq!((plan["status"].as_str(), plan["intent"].as_str()), (Some("active"), Some("plan")));
        let activities = plan["activity"].as_array().unwrap();
        let statuses: Vec<&str> = activities.iter().map(|a| a["detail"]["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["in-progress", "not-started", "completed", "cancelled", "cancelled"]);
        assert_eq!(activities[3]["detail"]["statusReason"]["text"], "Declined by the child or their family");
        assert!(activities.iter().all(|a| a.get("reference").is_none()), "detail only (cpl-3)");
        assert_eq!(plan["addresses"].as_array().unwrap().len(), 5);
        assert_eq!(plan["period"]["start"], "2026-08-14");
    }

    #[test]
    fn needs_on_other_pathways_never_leave() {
        let mut e = example(child(), date(2026, 11, 22));
        if let Some(p) = e.pathway.as_mut() {
            p.needs[0].pathway = Pathway::Accommodation;
        }
        let b = bundle_json(&e);
        assert_eq!(of_type(&b, "Condition").len(), 4);
        assert!(!b.to_string().contains("Mental health assessment"));
    }

    #[test]
    fn without_a_plan_there_is_no_care_plan_and_no_condition() {
        let mut e = example(child(), date(2026, 11, 22));
        e.pathway = None;
        let b = bundle_json(&e);
        assert!(of_type(&b, "CarePlan").is_empty() && of_type(&b, "Condition").is_empty());
    }

    #[test]
    fn the_team_names_people_on_behalf_of_their_organisation() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let team = of_type(&b, "CareTeam")[0];
        let participants = team["participant"].as_array().unwrap();
        assert_eq!(participants.len(), 3);
        let worker = participants.iter().find(|p| p.get("onBehalfOf").is_some()).unwrap();
        assert_eq!(worker["member"]["reference"], format!("urn:uuid:{}", Uuid::from_u128(0x2001)));
        assert_eq!(worker["role"][0]["text"], "YJS health worker: Health");
        // An organisation as a member has no onBehalfOf (ctm-1).
        assert_eq!(participants.iter().filter(|p| p.get("onBehalfOf").is_none()).count(), 2);
        let practitioner = of_type(&b, "Practitioner")[0];
        assert_eq!(practitioner["telecom"][0]["value"], "hana.health@yjs.example.org");
    }

    #[test]
    fn measures_become_observations_with_their_rater() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let obs = of_type(&b, "Observation");
        assert_eq!(obs.len(), 3);
        // Oldest first.
        assert_eq!(obs[0]["valueInteger"], 24);
        assert_eq!(obs[0]["code"]["text"], "SDQ total difficulties score");
        assert_eq!(obs[0]["performer"][0]["reference"], format!("urn:uuid:{}", child()));
        assert_eq!(obs[1]["code"]["text"], "HoNOSCA total score");
        assert_eq!(obs[1]["method"]["text"], "Rated by a clinician");
        assert_eq!(obs[2]["performer"][0], json!({"display": "Parent or carer"}));
        assert!(obs.iter().all(|o| o["status"] == "final" && o["category"][0]["coding"][0]["code"] == "survey"));
    }

    #[test]
    fn decisions_become_consents_with_a_policy_rule_and_the_lawful_basis() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let consents = of_type(&b, "Consent");
        assert_eq!(consents.len(), 3);
        for c in &consents {
            assert_eq!(c["scope"]["coding"][0]["code"], "patient-privacy");
            assert_eq!(c["category"][0]["coding"][0]["code"], "59284-0");
            assert!(c.get("policyRule").is_some(), "ppc-1: {c}");
            assert_eq!(c["patient"]["reference"], format!("urn:uuid:{}", child()));
        }
        let permit = consents.iter().find(|c| c["id"] == Uuid::from_u128(0x5001).to_string()).unwrap();
        assert_eq!(permit["provision"]["type"], "permit");
        assert_eq!(permit["policyRule"]["coding"][0]["code"], "OPTIN");
        assert_eq!(
            permit["provision"]["actor"][0]["reference"]["display"],
            "Custody healthcare at Wetherby Young Offender Institution"
        );
        assert_eq!(permit["provision"]["purpose"][0]["display"], "Continuity of care in custody");
        let deny = consents.iter().find(|c| c["provision"]["type"] == "deny").unwrap();
        assert_eq!(deny["policyRule"]["coding"][0]["code"], "OPTOUT");
        assert_eq!(deny["provision"]["actor"][0]["reference"], json!({"display": "ETE coordinator"}));
        let without_consent = consents.iter().find(|c| c["id"] == Uuid::from_u128(0x5003).to_string()).unwrap();
        let rule = without_consent["policyRule"]["text"].as_str().unwrap();
        assert!(rule.contains("without consent") && rule.contains("section 47"), "{rule}");
        assert!(without_consent["text"]["div"].as_str().unwrap().contains("lacked capacity"));
    }

    #[test]
    fn narrative_is_escaped_xhtml() {
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let c = of_type(&b, "Condition").into_iter().find(|c| c["code"]["text"] == "Cannabis use support").unwrap();
        assert!(c["note"][1]["text"].as_str().unwrap().contains("<alone> & see"));
        let all = b.to_string();
        assert!(!all.contains("<alone>\\u") && !all.contains("<p>Says"), "raw text in narrative");
        for e in b["entry"].as_array().unwrap() {
            let div = e["resource"]["text"]["div"].as_str().unwrap();
            assert!(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>") && div.ends_with("</p></div>"));
            assert!(!div[46..div.len() - 10].contains('<'), "{div}");
        }
    }

    #[test]
    fn ids_without_a_record_are_stable_per_child() {
        let a = bundle_json(&example(child(), date(2026, 11, 22)));
        let b = bundle_json(&example(child(), date(2026, 11, 22)));
        let other = bundle_json(&example(ChildId(Uuid::from_u128(0xd)), date(2026, 11, 22)));
        let id = |b: &Value, t: &str| of_type(b, t)[0]["id"].clone();
        assert_eq!(id(&a, "CareTeam"), id(&b, "CareTeam"));
        assert_eq!(id(&a, "CarePlan"), id(&b, "CarePlan"));
        assert_ne!(id(&a, "CareTeam"), id(&other, "CareTeam"));
        assert_ne!(id(&a, "CareTeam"), id(&a, "CarePlan"));
        let u: Uuid = id(&a, "CarePlan").as_str().unwrap().parse().unwrap();
        assert_eq!(u.get_version_num(), 8);
    }

    #[test]
    fn instruments_and_raters_use_the_agreed_keys() {
        assert_eq!("sdq_total".parse::<Instrument>(), Ok(Instrument::SdqTotal));
        assert_eq!("honosca_total".parse::<Instrument>().map(Instrument::max_score), Ok(52));
        assert_eq!(Instrument::SdqTotal.max_score(), 40);
        assert_eq!("self".parse::<Rater>(), Ok(Rater::SelfReport));
        assert_eq!(serde_json::to_value(Rater::SelfReport).unwrap(), "self");
        assert_eq!("teacher".parse::<Rater>(), Ok(Rater::Teacher));
        assert!("nurse".parse::<Rater>().is_err());
        assert_eq!("deny".parse::<SharingChoice>(), Ok(SharingChoice::Deny));
    }
}
