//! The FHIR R4 resources a health export is made of, with only the elements Resettle fills.

use serde::Serialize;
use uuid::Uuid;

use super::{urn, xml_escape};

// ---------------------------------------------------------------------------------------------
// Output: the FHIR R4 resources used here, with only the elements we fill.

/// A FHIR R4 `Bundle` of type `collection`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub(super) resource_type: &'static str,
    /// Logical id.
    pub id: Uuid,
    pub(super) meta: Meta,
    pub(super) identifier: Identifier,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) timestamp: String,
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
pub(super) struct Meta {
    pub(super) last_updated: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Identifier {
    pub(super) system: &'static str,
    pub(super) value: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) system: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) display: Option<String>,
}

impl Coding {
    pub(super) fn of(system: &'static str, code: &'static str, display: &str) -> Self {
        Self { system: Some(system), code: Some(code), display: Some(display.to_string()) }
    }
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
}

impl CodeableConcept {
    pub(super) fn text(text: impl Into<String>) -> Self {
        Self { coding: Vec::new(), text: Some(text.into()) }
    }

    pub(super) fn coded(system: &'static str, code: &'static str, display: &str) -> Self {
        Self { coding: vec![Coding::of(system, code, display)], text: None }
    }
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) display: Option<String>,
}

impl Reference {
    pub(super) fn to(id: Uuid, display: impl Into<String>) -> Self {
        Self { reference: Some(urn(id)), display: Some(display.into()) }
    }

    pub(super) fn display(display: impl Into<String>) -> Self {
        Self { reference: None, display: Some(display.into()) }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub(super) struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) end: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct HumanName {
    #[serde(rename = "use")]
    pub(super) usage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) family: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) given: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct ContactPoint {
    pub(super) system: &'static str,
    pub(super) value: String,
    #[serde(rename = "use")]
    pub(super) usage: &'static str,
}

/// A human-readable summary (`generated` narrative): receivers that show no structured data
/// still show this.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Narrative {
    pub(super) status: &'static str,
    pub(super) div: String,
}

impl Narrative {
    pub(super) fn of(text: &str) -> Self {
        Self {
            status: "generated",
            div: format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{}</p></div>", xml_escape(text)),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Annotation {
    pub(super) text: String,
}

/// `Patient`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) identifier: Vec<Identifier>,
    pub(super) active: bool,
    pub(super) name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) gender: Option<&'static str>,
    pub(super) birth_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) managing_organization: Option<Reference>,
}

/// `Organization`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) active: bool,
    #[serde(rename = "type")]
    pub(super) kind: Vec<CodeableConcept>,
    pub(super) name: String,
}

/// `Practitioner`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) active: bool,
    pub(super) name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) telecom: Vec<ContactPoint>,
}

/// `CareTeam`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CareTeam {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) status: &'static str,
    pub(super) name: String,
    pub(super) subject: Reference,
    pub(super) participant: Vec<CareTeamParticipant>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) managing_organization: Vec<Reference>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CareTeamParticipant {
    pub(super) role: Vec<CodeableConcept>,
    pub(super) member: Reference,
    /// Only for a Practitioner member (invariant ctm-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) on_behalf_of: Option<Reference>,
    pub(super) period: Period,
}

/// `Condition`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) clinical_status: CodeableConcept,
    pub(super) verification_status: CodeableConcept,
    pub(super) category: Vec<CodeableConcept>,
    pub(super) code: CodeableConcept,
    pub(super) subject: Reference,
    pub(super) recorded_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) note: Vec<Annotation>,
}

/// `CarePlan`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarePlan {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) status: &'static str,
    pub(super) intent: &'static str,
    pub(super) category: Vec<CodeableConcept>,
    pub(super) title: String,
    pub(super) subject: Reference,
    pub(super) period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) author: Option<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) care_team: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) addresses: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) activity: Vec<CarePlanActivity>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct CarePlanActivity {
    /// A detail, never a reference as well (invariant cpl-3).
    pub(super) detail: CarePlanActivityDetail,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CarePlanActivityDetail {
    pub(super) code: CodeableConcept,
    pub(super) reason_reference: Vec<Reference>,
    pub(super) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) scheduled_period: Option<Period>,
    pub(super) performer: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
}

/// `Observation`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) status: &'static str,
    pub(super) category: Vec<CodeableConcept>,
    pub(super) code: CodeableConcept,
    pub(super) subject: Reference,
    pub(super) effective_date_time: String,
    pub(super) performer: Vec<Reference>,
    pub(super) value_integer: u8,
    pub(super) note: Vec<Annotation>,
    pub(super) method: CodeableConcept,
}

/// `Consent`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub(super) id: Uuid,
    pub(super) text: Narrative,
    pub(super) status: &'static str,
    pub(super) scope: CodeableConcept,
    pub(super) category: Vec<CodeableConcept>,
    pub(super) patient: Reference,
    pub(super) date_time: String,
    /// Always present: a policy or a policy rule is required (invariant ppc-1).
    pub(super) policy_rule: CodeableConcept,
    pub(super) provision: ConsentProvision,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct ConsentProvision {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) actor: Vec<ConsentActor>,
    pub(super) purpose: Vec<Coding>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct ConsentActor {
    pub(super) role: CodeableConcept,
    pub(super) reference: Reference,
}

// ---------------------------------------------------------------------------------------------
// The mapping.
