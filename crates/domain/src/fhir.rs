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

mod resources;
pub use resources::*;

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
mod tests;
