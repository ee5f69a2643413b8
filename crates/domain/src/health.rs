//! Health that follows the child: notes of health information, assessments across the custody
//! boundary, outcome measures, consent and capacity decisions, and closed-loop handovers.
//!
//! These types are public and plain on purpose: the FHIR export reads measures and consent
//! decisions from here.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::ids::{AssessmentId, ChildId, ConsentId, HandoverId, HealthRecordId, MeasureId, NeedId, OrgId, UserId};
use crate::org::{Role, string_enum};
use crate::plan::Pathway;
use crate::validation::{ValidationErrors, optional_text, required_text};

string_enum!(
    /// What a note of health information is about.
    HealthCategory, "category" {
        /// Physical health.
        PhysicalHealth => "physical_health", "Physical health";
        /// Mental health and emotional wellbeing.
        MentalHealth => "mental_health", "Mental health";
        /// Drugs and alcohol.
        SubstanceUse => "substance_use", "Substance use";
        /// ADHD, autism, learning disability, brain injury and similar.
        Neurodisability => "neurodisability", "Neurodisability";
        /// Speech, language and communication needs.
        SpeechLanguageCommunication => "speech_language_communication", "Speech, language and communication";
        /// Anything else about the child's health.
        Other => "other", "Other";
    }
);

/// A note of health information, recorded by anyone on the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthRecord {
    /// Identifier.
    pub id: HealthRecordId,
    /// The child.
    pub child_id: ChildId,
    /// What it is about.
    pub category: HealthCategory,
    /// One line.
    pub summary: String,
    /// More words, if any.
    pub detail: Option<String>,
    /// Where the information came from ("mother, at home visit").
    pub source: Option<String>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// Their name then.
    pub recorded_by_name: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// A note of health information, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthRecordInput {
    /// Category key.
    pub category: Option<String>,
    /// One line.
    pub summary: Option<String>,
    /// More words.
    pub detail: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
}

/// A validated note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedHealthRecord {
    /// Category.
    pub category: HealthCategory,
    /// Summary.
    pub summary: String,
    /// Detail.
    pub detail: Option<String>,
    /// Source.
    pub source: Option<String>,
}

impl HealthRecordInput {
    /// Checks every field, reporting every problem at once.
    pub fn validate(&self) -> Result<CheckedHealthRecord, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let category = match self.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("category", "Choose what the health information is about");
                None
            }
            Some(s) => s.parse::<HealthCategory>().map_err(|m| e.add("category", m)).ok(),
        };
        let summary = req(&mut e, "summary", "Summary", self.summary.as_deref(), 300);
        let detail = optional_text(&mut e, "detail", "Detail", self.detail.as_deref(), 4000);
        let source = optional_text(&mut e, "source", "Source", self.source.as_deref(), 200);
        match (category, summary) {
            (Some(category), Some(summary)) if e.is_empty() => {
                Ok(CheckedHealthRecord { category, summary, detail, source })
            }
            _ => Err(e),
        }
    }
}

string_enum!(
    /// The kinds of health assessment.
    AssessmentKind, "kind" {
        /// Done in the community by the YJS health worker.
        CommunityHealthAssessment => "community_health_assessment", "Community health assessment";
        /// The first screen on arrival in custody.
        CustodyReceptionScreen => "custody_reception_screen", "Custody reception screen";
        /// The full assessment in custody (CHAT comprehensive).
        ComprehensiveCustodyAssessment => "comprehensive_custody_assessment", "Comprehensive custody assessment";
        /// What the community must know on release.
        ReleaseHealthSummary => "release_health_summary", "Release health summary";
    }
);

string_enum!(
    /// The sections of an assessment.
    Section, "section" {
        /// Physical health.
        PhysicalHealth => "physical_health", "Physical health";
        /// Mental health.
        MentalHealth => "mental_health", "Mental health";
        /// Substance use.
        SubstanceUse => "substance_use", "Substance use";
        /// Neurodisability.
        Neurodisability => "neurodisability", "Neurodisability";
    }
);

string_enum!(
    /// Where an answer or need in an assessment stands. Answers and needs carried over from an
    /// earlier assessment start `carried_over`, and must be confirmed, changed or closed.
    Review, "review" {
        /// Carried over from an earlier assessment; not yet looked at.
        CarriedOver => "carried_over", "Carried over, to review";
        /// Carried over and confirmed as still right.
        Confirmed => "confirmed", "Confirmed";
        /// Carried over and changed.
        Changed => "changed", "Changed";
        /// Carried over and closed, with a reason.
        Closed => "closed", "Closed";
        /// Found in this assessment.
        New => "new", "New";
    }
);

string_enum!(
    /// Whether an assessment is still being written.
    AssessmentStatus, "status" {
        /// Being written.
        Draft => "draft", "Draft";
        /// Complete.
        Complete => "complete", "Complete";
    }
);

/// The findings of one section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFindings {
    /// Which section.
    pub section: Section,
    /// What was found.
    pub findings: String,
    /// Where it stands.
    pub review: Review,
    /// The earlier answer it was carried over from.
    pub carried_from: Option<String>,
    /// Why a carried-over answer was closed.
    pub close_reason: Option<String>,
}

/// A need an assessment identified. Needs feed the plan's health and substance-misuse
/// pathways.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifiedNeed {
    /// `health` or `substance_misuse`.
    pub pathway: Pathway,
    /// In words.
    pub description: String,
    /// Where it stands.
    pub review: Review,
    /// The plan need it is (carried over from, or created for it).
    pub plan_need_id: Option<NeedId>,
    /// Why a carried-over need was closed.
    pub close_reason: Option<String>,
}

/// A health assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// Identifier.
    pub id: AssessmentId,
    /// The child.
    pub child_id: ChildId,
    /// Which kind.
    pub kind: AssessmentKind,
    /// Author.
    pub author_id: UserId,
    /// Author's name then.
    pub author_name: String,
    /// Author's organisation.
    pub organisation_id: OrgId,
    /// When assessed.
    pub assessed_on: Date,
    /// Findings per section.
    pub sections: Vec<SectionFindings>,
    /// Needs identified.
    pub needs: Vec<IdentifiedNeed>,
    /// Draft or complete.
    pub status: AssessmentStatus,
    /// The assessment it was pre-filled from.
    pub based_on: Option<AssessmentId>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created at.
    pub created_at: Timestamp,
}

/// One section as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    /// Section key.
    pub section: Option<String>,
    /// Findings.
    pub findings: Option<String>,
    /// For carried-over answers: `confirmed`, `changed` or `closed` (absent: as before).
    pub review: Option<String>,
    /// Why closed.
    pub close_reason: Option<String>,
}

/// One identified need as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NeedFindingInput {
    /// `health` or `substance_misuse`.
    pub pathway: Option<String>,
    /// In words.
    pub description: Option<String>,
    /// For carried-over needs: `confirmed`, `changed` or `closed`.
    pub review: Option<String>,
    /// Why closed.
    pub close_reason: Option<String>,
}

/// An assessment as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Kind key.
    pub kind: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub assessed_on: Option<String>,
    /// Findings per section.
    #[serde(default)]
    pub sections: Vec<SectionInput>,
    /// Needs identified.
    #[serde(default)]
    pub needs: Vec<NeedFindingInput>,
}

fn req(e: &mut ValidationErrors, field: &str, label: &str, value: Option<&str>, max: usize) -> Option<String> {
    Some(required_text(e, field, label, value, max)).filter(|s| !s.is_empty())
}

fn parse_key<T: std::str::FromStr<Err = String>>(e: &mut ValidationErrors, field: &str, v: Option<&str>) -> Option<T> {
    let s = v.map(str::trim).filter(|s| !s.is_empty())?;
    s.parse::<T>().map_err(|m| e.add(field, m)).ok()
}

fn parse_sections(e: &mut ValidationErrors, sections: &[SectionInput]) -> Vec<(Section, String)> {
    let mut out: Vec<(Section, String)> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let field = format!("sections[{i}]");
        let section = match parse_key::<Section>(e, &format!("{field}.section"), s.section.as_deref()) {
            Some(x) => Some(x),
            None if s.section.as_deref().map(str::trim).unwrap_or_default().is_empty() => {
                e.add(format!("{field}.section"), "Say which section these findings belong to");
                None
            }
            None => None,
        };
        let findings = req(e, &format!("{field}.findings"), "Findings", s.findings.as_deref(), 4000);
        if let (Some(section), Some(findings)) = (section, findings) {
            if out.iter().any(|(x, _)| *x == section) {
                e.add(format!("{field}.section"), format!("{} is given twice", section.label()));
            } else {
                out.push((section, findings));
            }
        }
    }
    out
}

fn parse_need(e: &mut ValidationErrors, field: &str, n: &NeedFindingInput) -> Option<(Pathway, String)> {
    let pathway = match n.pathway.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            e.add(format!("{field}.pathway"), "Choose the pathway: health or substance_misuse");
            None
        }
        Some("health") => Some(Pathway::Health),
        Some("substance_misuse") => Some(Pathway::SubstanceMisuse),
        Some(_) => {
            e.add(format!("{field}.pathway"), "pathway must be one of: health, substance_misuse");
            None
        }
    };
    let description = req(e, &format!("{field}.description"), "Need", n.description.as_deref(), 500);
    Some((pathway?, description?))
}

/// A validated new assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAssessment {
    /// Kind.
    pub kind: AssessmentKind,
    /// Day.
    pub assessed_on: Date,
    /// Findings per section.
    pub sections: Vec<SectionFindings>,
    /// Needs.
    pub needs: Vec<IdentifiedNeed>,
}

impl AssessmentInput {
    /// Checks every field; the day may not be in the future.
    pub fn validate(&self, today: Date) -> Result<CheckedAssessment, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = parse_key::<AssessmentKind>(&mut e, "kind", self.kind.as_deref());
        if kind.is_none() && e.for_field("kind").is_none() {
            e.add("kind", "Choose the kind of assessment");
        }
        let assessed_on = crate::team::parse_date(&mut e, "assessed_on", "Date assessed", self.assessed_on.as_deref())
            .or(if self.assessed_on.is_none() { Some(today) } else { None });
        if assessed_on.is_some_and(|d| d > today) {
            e.add("assessed_on", "The date assessed must be today or in the past");
        }
        let sections = parse_sections(&mut e, &self.sections)
            .into_iter()
            .map(|(section, findings)| SectionFindings {
                section,
                findings,
                review: Review::New,
                carried_from: None,
                close_reason: None,
            })
            .collect::<Vec<_>>();
        if self.sections.is_empty() {
            e.add("sections", "Record the findings of at least one section");
        }
        let needs = self
            .needs
            .iter()
            .enumerate()
            .filter_map(|(i, n)| parse_need(&mut e, &format!("needs[{i}]"), n))
            .map(|(pathway, description)| IdentifiedNeed {
                pathway,
                description,
                review: Review::New,
                plan_need_id: None,
                close_reason: None,
            })
            .collect();
        match (kind, assessed_on) {
            (Some(kind), Some(assessed_on)) if e.is_empty() => {
                Ok(CheckedAssessment { kind, assessed_on, sections, needs })
            }
            _ => Err(e),
        }
    }
}

/// An open health or substance-misuse need on the plan, as carried into custody.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHealthNeed {
    /// The plan need.
    pub need_id: NeedId,
    /// Its pathway.
    pub pathway: Pathway,
    /// Its name.
    pub title: String,
}

/// The sections and needs a comprehensive custody assessment starts with: every answer of the
/// latest community assessment, and every open health need (from the plan, or named in that
/// assessment), each waiting to be confirmed, changed or closed.
pub fn prefill(
    community: Option<&Assessment>,
    open_needs: &[OpenHealthNeed],
) -> (Vec<SectionFindings>, Vec<IdentifiedNeed>) {
    let sections = community
        .map(|a| {
            a.sections
                .iter()
                .filter(|s| s.review != Review::Closed)
                .map(|s| SectionFindings {
                    section: s.section,
                    findings: s.findings.clone(),
                    review: Review::CarriedOver,
                    carried_from: Some(s.findings.clone()),
                    close_reason: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut needs: Vec<IdentifiedNeed> = open_needs
        .iter()
        .map(|n| IdentifiedNeed {
            pathway: n.pathway,
            description: n.title.clone(),
            review: Review::CarriedOver,
            plan_need_id: Some(n.need_id),
            close_reason: None,
        })
        .collect();
    if let Some(a) = community {
        for n in a.needs.iter().filter(|n| n.review != Review::Closed) {
            let on_plan = n.plan_need_id.is_some_and(|id| needs.iter().any(|m| m.plan_need_id == Some(id)));
            if !on_plan && !needs.iter().any(|m| m.description == n.description) {
                needs.push(IdentifiedNeed { review: Review::CarriedOver, close_reason: None, ..n.clone() });
            }
        }
    }
    (sections, needs)
}

/// Applies a practitioner's review to a pre-filled draft. Each carried-over section or need is
/// matched by position; `review` says whether it is `confirmed`, `changed` (new findings) or
/// `closed` (with a reason). Extra sections and needs are new. Returns the reviewed lists.
pub fn apply_review(
    draft: &Assessment,
    sections: &[SectionInput],
    needs: &[NeedFindingInput],
) -> Result<(Vec<SectionFindings>, Vec<IdentifiedNeed>), ValidationErrors> {
    let mut e = ValidationErrors::new();
    let mut out_sections = draft.sections.clone();
    for (i, s) in sections.iter().enumerate() {
        let field = format!("sections[{i}]");
        let Some(section) = parse_key::<Section>(&mut e, &format!("{field}.section"), s.section.as_deref()) else {
            if e.for_field(&format!("{field}.section")).is_none() {
                e.add(format!("{field}.section"), "Say which section this is");
            }
            continue;
        };
        let review = parse_key::<Review>(&mut e, &format!("{field}.review"), s.review.as_deref());
        let findings = optional_text(&mut e, &format!("{field}.findings"), "Findings", s.findings.as_deref(), 4000);
        let reason = optional_text(&mut e, &format!("{field}.close_reason"), "Reason", s.close_reason.as_deref(), 500);
        match out_sections.iter_mut().find(|x| x.section == section) {
            Some(x) if x.carried_from.is_some() => match review {
                Some(Review::Confirmed) => x.review = Review::Confirmed,
                Some(Review::Changed) => match findings {
                    Some(f) => {
                        x.findings = f;
                        x.review = Review::Changed;
                    }
                    None => e.add(format!("{field}.findings"), "Enter the changed findings"),
                },
                Some(Review::Closed) => match reason {
                    Some(r) => {
                        x.review = Review::Closed;
                        x.close_reason = Some(r);
                    }
                    None => e.add(format!("{field}.close_reason"), "Say why this answer no longer applies"),
                },
                _ => e.add(format!("{field}.review"), "review must be one of: confirmed, changed, closed"),
            },
            Some(x) => match findings {
                Some(f) => x.findings = f,
                None => e.add(format!("{field}.findings"), "Enter the findings"),
            },
            None => match findings {
                Some(f) => out_sections.push(SectionFindings {
                    section,
                    findings: f,
                    review: Review::New,
                    carried_from: None,
                    close_reason: None,
                }),
                None => e.add(format!("{field}.findings"), "Enter the findings"),
            },
        }
    }
    let mut out_needs = draft.needs.clone();
    for (i, n) in needs.iter().enumerate() {
        let field = format!("needs[{i}]");
        let review = parse_key::<Review>(&mut e, &format!("{field}.review"), n.review.as_deref());
        let reason = optional_text(&mut e, &format!("{field}.close_reason"), "Reason", n.close_reason.as_deref(), 500);
        if let Some(existing) = out_needs.get_mut(i).filter(|x| x.review != Review::New) {
            match review {
                Some(Review::Confirmed) => existing.review = Review::Confirmed,
                Some(Review::Changed) => {
                    match optional_text(&mut e, &format!("{field}.description"), "Need", n.description.as_deref(), 500)
                    {
                        Some(d) => {
                            existing.description = d;
                            existing.review = Review::Changed;
                        }
                        None => e.add(format!("{field}.description"), "Enter the changed need"),
                    }
                }
                Some(Review::Closed) => match reason {
                    Some(r) => {
                        existing.review = Review::Closed;
                        existing.close_reason = Some(r);
                    }
                    None => e.add(format!("{field}.close_reason"), "Say why this need is closed"),
                },
                None if n.review.is_none() => {}
                _ => e.add(format!("{field}.review"), "review must be one of: confirmed, changed, closed"),
            }
        } else if let Some((pathway, description)) = parse_need(&mut e, &field, n) {
            out_needs.push(IdentifiedNeed {
                pathway,
                description,
                review: Review::New,
                plan_need_id: None,
                close_reason: None,
            });
        }
    }
    e.into_result((out_sections, out_needs))
}

/// What stops an assessment from being completed: every answer and need carried over must
/// have been confirmed, changed or closed with a reason, so nothing found in the community
/// drops silently.
pub fn completion_problems(sections: &[SectionFindings], needs: &[IdentifiedNeed]) -> ValidationErrors {
    let mut e = ValidationErrors::new();
    for (i, s) in sections.iter().enumerate() {
        if s.review == Review::CarriedOver {
            e.add(
                format!("sections[{i}]"),
                format!("Confirm, change or close the carried-over {} answer", s.section.label().to_lowercase()),
            );
        }
    }
    for (i, n) in needs.iter().enumerate() {
        if n.review == Review::CarriedOver {
            e.add(
                format!("needs[{i}]"),
                format!("Confirm or close (with a reason) the carried-over need \"{}\"", n.description),
            );
        }
        if n.review == Review::Closed && n.close_reason.is_none() {
            e.add(format!("needs[{i}].close_reason"), "Say why this need is closed");
        }
    }
    if sections.is_empty() {
        e.add("sections", "Record the findings of at least one section");
    }
    e
}

string_enum!(
    /// The outcome measures recorded over time.
    MeasureKind, "measure" {
        /// Strengths and Difficulties Questionnaire, total difficulties score (0–40).
        SdqTotal => "sdq_total", "SDQ total difficulties";
        /// Health of the Nation Outcome Scales for Children and Adolescents, total (0–52).
        HonoscaTotal => "honosca_total", "HoNOSCA total";
    }
);

impl MeasureKind {
    /// The lowest and highest valid score.
    pub fn range(self) -> (u8, u8) {
        match self {
            MeasureKind::SdqTotal => (0, 40),
            MeasureKind::HonoscaTotal => (0, 52),
        }
    }
}

string_enum!(
    /// Who gave the rating.
    Rater, "rater" {
        /// The child.
        SelfReport => "self", "The child";
        /// A parent or carer.
        Parent => "parent", "Parent or carer";
        /// A teacher (SDQ has a teacher version; scores are compared only between the same rater).
        Teacher => "teacher", "Teacher";
        /// A clinician.
        Clinician => "clinician", "Clinician";
    }
);

/// One outcome measure score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// Identifier.
    pub id: MeasureId,
    /// The child.
    pub child_id: ChildId,
    /// Which measure.
    pub kind: MeasureKind,
    /// The total score, within [`MeasureKind::range`].
    pub score: u8,
    /// Who rated.
    pub rater: Rater,
    /// When.
    pub measured_on: Date,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When recorded.
    pub recorded_at: Timestamp,
}

/// A score as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    /// `sdq_total` or `honosca_total`.
    pub measure: Option<String>,
    /// The score, as text (forms) or a number (API, as text).
    pub score: Option<String>,
    /// `self`, `parent`, `teacher` or `clinician`.
    pub rater: Option<String>,
    /// `YYYY-MM-DD`.
    pub measured_on: Option<String>,
}

/// A validated score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedMeasure {
    /// Which.
    pub kind: MeasureKind,
    /// Score.
    pub score: u8,
    /// Rater.
    pub rater: Rater,
    /// Day.
    pub measured_on: Date,
}

impl MeasureInput {
    /// Checks every field, including the score's range for its measure.
    pub fn validate(&self, today: Date) -> Result<CheckedMeasure, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = parse_key::<MeasureKind>(&mut e, "measure", self.measure.as_deref());
        if kind.is_none() && e.for_field("measure").is_none() {
            e.add("measure", "Choose the measure: sdq_total or honosca_total");
        }
        let rater = parse_key::<Rater>(&mut e, "rater", self.rater.as_deref());
        if rater.is_none() && e.for_field("rater").is_none() {
            e.add("rater", "Say who rated: the child, a parent or carer, a teacher or a clinician");
        }
        let measured_on = crate::team::parse_date(&mut e, "measured_on", "Date", self.measured_on.as_deref());
        if measured_on.is_none() && e.for_field("measured_on").is_none() {
            e.add("measured_on", "Enter the date of the rating");
        }
        if measured_on.is_some_and(|d| d > today) {
            e.add("measured_on", "The date must be today or in the past");
        }
        let score = match self.score.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("score", "Enter the total score");
                None
            }
            Some(s) => match (s.parse::<i64>(), kind) {
                (Err(_), _) => {
                    e.add("score", "The score must be a whole number");
                    None
                }
                (Ok(n), Some(k)) => {
                    let (lo, hi) = k.range();
                    if n < i64::from(lo) || n > i64::from(hi) {
                        e.add("score", format!("The {} score must be between {lo} and {hi}", k.label()));
                        None
                    } else {
                        u8::try_from(n).ok()
                    }
                }
                (Ok(_), None) => None,
            },
        };
        match (kind, score, rater, measured_on) {
            (Some(kind), Some(score), Some(rater), Some(measured_on)) if e.is_empty() => {
                Ok(CheckedMeasure { kind, score, rater, measured_on })
            }
            _ => Err(e),
        }
    }
}

string_enum!(
    /// A consent or sharing decision.
    ConsentDecision, "decision" {
        /// The child (or, lacking capacity, someone with parental responsibility) agreed.
        ConsentGiven => "consent_given", "Consent given";
        /// Consent refused: nothing is shared on this basis.
        ConsentRefused => "consent_refused", "Consent refused";
        /// Shared without consent, on a lawful basis (safeguarding).
        ShareWithoutConsent => "share_without_consent", "Shared without consent";
    }
);

impl ConsentDecision {
    /// Whether the decision lets the named recipient read health content.
    pub fn allows_sharing(self) -> bool {
        matches!(self, ConsentDecision::ConsentGiven | ConsentDecision::ShareWithoutConsent)
    }
}

string_enum!(
    /// The child's capacity to decide.
    Capacity, "capacity" {
        /// Aged 16 or 17: presumed to have capacity (Mental Capacity Act 2005).
        Presumed => "presumed", "Presumed (aged 16 or over)";
        /// Under 16, assessed as competent to decide (Gillick).
        Assessed => "assessed_competent", "Assessed as competent";
        /// Assessed as not able to decide: someone with parental responsibility decided.
        LacksCapacity => "lacks_capacity", "Assessed as not able to decide";
    }
);

string_enum!(
    /// The lawful basis for sharing health information without consent.
    LawfulBasis, "lawful_basis" {
        /// Safeguarding.
        Safeguarding => "safeguarding",
            "UK GDPR art. 9(2)(g) with DPA 2018 Sch. 1 para 18 (safeguarding of children and of individuals at risk)";
        /// Vital interests.
        VitalInterests => "vital_interests", "UK GDPR art. 9(2)(c) (vital interests)";
        /// Health or social care.
        HealthCare => "health_care", "UK GDPR art. 9(2)(h) with DPA 2018 Sch. 1 para 2 (health or social care purposes)";
    }
);

/// A recorded consent, capacity and sharing decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Identifier.
    pub id: ConsentId,
    /// The child.
    pub child_id: ChildId,
    /// The decision.
    pub decision: ConsentDecision,
    /// The child's capacity.
    pub capacity: Capacity,
    /// Who decided when the child could not ("mother, parental responsibility").
    pub decided_by: Option<String>,
    /// With which organisation.
    pub share_with_organisation_id: OrgId,
    /// With which role in it; every role when absent.
    pub share_with_role: Option<Role>,
    /// What may be shared, and for what.
    pub purpose: String,
    /// The lawful basis, when shared without consent.
    pub lawful_basis: Option<LawfulBasis>,
    /// The day decided.
    pub decided_on: Date,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// A consent decision as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Decision key.
    pub decision: Option<String>,
    /// For a child under 16: `assessed_competent` or `lacks_capacity`.
    pub capacity: Option<String>,
    /// Who decided for a child who could not.
    pub decided_by: Option<String>,
    /// Organisation id.
    pub share_with_organisation_id: Option<String>,
    /// Role key, optional.
    pub share_with_role: Option<String>,
    /// What may be shared, and for what.
    pub purpose: Option<String>,
    /// Lawful basis key (required to share without consent).
    pub lawful_basis: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub decided_on: Option<String>,
}

/// A validated consent decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedConsent {
    /// Decision.
    pub decision: ConsentDecision,
    /// Capacity.
    pub capacity: Capacity,
    /// Who decided for the child.
    pub decided_by: Option<String>,
    /// Organisation.
    pub share_with_organisation_id: OrgId,
    /// Role.
    pub share_with_role: Option<Role>,
    /// Purpose.
    pub purpose: String,
    /// Lawful basis.
    pub lawful_basis: Option<LawfulBasis>,
    /// Day.
    pub decided_on: Date,
}

/// The child's age in whole years on `day`.
pub fn age_on(date_of_birth: Date, day: Date) -> i16 {
    let mut age = day.year() - date_of_birth.year();
    if (day.month(), day.day()) < (date_of_birth.month(), date_of_birth.day()) {
        age -= 1;
    }
    age
}

/// The capacity rule: 16 and over are presumed to have capacity (an assessment may still find
/// they lack it); under 16, capacity must have been assessed and its outcome recorded.
pub fn capacity_for(age: i16, assessed: Option<Capacity>) -> Result<Capacity, &'static str> {
    match (age >= 16, assessed) {
        (true, None | Some(Capacity::Presumed)) => Ok(Capacity::Presumed),
        (true, Some(Capacity::LacksCapacity)) => Ok(Capacity::LacksCapacity),
        (true, Some(Capacity::Assessed)) => Ok(Capacity::Presumed),
        (false, Some(Capacity::Presumed)) => {
            Err("A child under 16 is not presumed to have capacity: record the outcome of the capacity assessment")
        }
        (false, None) => Err("The child is under 16: record the outcome of the capacity assessment"),
        (false, Some(c)) => Ok(c),
    }
}

impl ConsentInput {
    /// Checks every field against the child's age on the day of the decision.
    pub fn validate(&self, date_of_birth: Date, today: Date) -> Result<CheckedConsent, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let decision = parse_key::<ConsentDecision>(&mut e, "decision", self.decision.as_deref());
        if decision.is_none() && e.for_field("decision").is_none() {
            e.add("decision", "Choose the decision: consent_given, consent_refused or share_without_consent");
        }
        let decided_on = crate::team::parse_date(&mut e, "decided_on", "Date decided", self.decided_on.as_deref())
            .or(if self.decided_on.is_none() { Some(today) } else { None });
        if decided_on.is_some_and(|d| d > today) {
            e.add("decided_on", "The date decided must be today or in the past");
        }
        let assessed = parse_key::<Capacity>(&mut e, "capacity", self.capacity.as_deref());
        let capacity = decided_on
            .and_then(|d| capacity_for(age_on(date_of_birth, d), assessed).map_err(|m| e.add("capacity", m)).ok());
        let decided_by = optional_text(&mut e, "decided_by", "Who decided", self.decided_by.as_deref(), 200);
        if capacity == Some(Capacity::LacksCapacity)
            && decided_by.is_none()
            && decision != Some(ConsentDecision::ShareWithoutConsent)
        {
            e.add("decided_by", "The child could not decide: say who did (someone with parental responsibility)");
        }
        let org = match self.share_with_organisation_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("share_with_organisation_id", "Choose who the information may be shared with");
                None
            }
            Some(s) => s
                .parse::<OrgId>()
                .map_err(|_| e.add("share_with_organisation_id", "Choose an organisation from the list"))
                .ok(),
        };
        let role = parse_key::<Role>(&mut e, "share_with_role", self.share_with_role.as_deref());
        let purpose = req(&mut e, "purpose", "What may be shared, and why", self.purpose.as_deref(), 500);
        let lawful_basis = parse_key::<LawfulBasis>(&mut e, "lawful_basis", self.lawful_basis.as_deref());
        if decision == Some(ConsentDecision::ShareWithoutConsent)
            && lawful_basis.is_none()
            && e.for_field("lawful_basis").is_none()
        {
            e.add("lawful_basis", "Sharing without consent needs a lawful basis, such as safeguarding");
        }
        match (decision, capacity, org, purpose, decided_on) {
            (Some(decision), Some(capacity), Some(org), Some(purpose), Some(decided_on)) if e.is_empty() => {
                Ok(CheckedConsent {
                    decision,
                    capacity,
                    decided_by,
                    share_with_organisation_id: org,
                    share_with_role: role,
                    purpose,
                    lawful_basis: if decision == ConsentDecision::ShareWithoutConsent { lawful_basis } else { None },
                    decided_on,
                })
            }
            _ => Err(e),
        }
    }
}

string_enum!(
    /// Where a handover stands.
    HandoverStatus, "status" {
        /// Sent, not yet acknowledged, not yet due.
        Pending => "pending", "Waiting";
        /// Acknowledged by a recipient.
        Acknowledged => "acknowledged", "Acknowledged";
        /// Not acknowledged, and past its due day.
        Overdue => "overdue", "Overdue";
    }
);

/// Who a handover is addressed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// A named person, when there is one.
    pub user_id: Option<UserId>,
    /// The organisation.
    pub organisation_id: OrgId,
    /// The role in it (anyone holding it may acknowledge), when not addressed to a person.
    pub role: Option<Role>,
}

/// A closed-loop handover of health information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// Identifier.
    pub id: HandoverId,
    /// The child.
    pub child_id: ChildId,
    /// What kind of item: `health_record`, `assessment`, `custody_placement`, `release`, `transfer`.
    pub item_kind: String,
    /// The item's id, when it is one record.
    pub item_id: Option<uuid::Uuid>,
    /// What is handed over, in words (health content: withheld from those who may not see it).
    pub summary: String,
    /// Sender (none when the system sent it).
    pub sender_id: Option<UserId>,
    /// Sender's name then.
    pub sender_name: String,
    /// Sender's organisation.
    pub sender_organisation_id: Option<OrgId>,
    /// To whom.
    pub recipient: Recipient,
    /// Sent at.
    pub sent_at: Timestamp,
    /// Due by the end of this day (UK time).
    pub due_on: Date,
    /// Acknowledged at.
    pub acknowledged_at: Option<Timestamp>,
    /// By whom.
    pub acknowledged_by_name: Option<String>,
    /// Their note.
    pub acknowledgement_note: Option<String>,
}

impl Handover {
    /// Pending, acknowledged, or overdue on `today`.
    pub fn status(&self, today: Date) -> HandoverStatus {
        handover_status(self.acknowledged_at.is_some(), self.due_on, today)
    }
}

/// The status rule: acknowledged wins; otherwise overdue once `today` is after the due day.
pub fn handover_status(acknowledged: bool, due_on: Date, today: Date) -> HandoverStatus {
    if acknowledged {
        HandoverStatus::Acknowledged
    } else if today > due_on {
        HandoverStatus::Overdue
    } else {
        HandoverStatus::Pending
    }
}

/// The day a handover sent on `sent_on` must be acknowledged by: `working_days` working days
/// later (weekends and bank holidays skipped).
pub fn handover_due(calendar: &Calendar, sent_on: Date, working_days: u32) -> Result<Date, CalendarError> {
    calendar.add_working_days(sent_on, i32::try_from(working_days).unwrap_or(i32::MAX))
}

/// A line of the share log: what was shared, with whom, why, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLogEntry {
    /// Identifier.
    pub id: crate::ids::ShareId,
    /// The child.
    pub child_id: ChildId,
    /// What.
    pub what: String,
    /// With which organisation.
    pub with_organisation_id: OrgId,
    /// With which person, if one.
    pub with_user_id: Option<UserId>,
    /// With which role, if one.
    pub with_role: Option<Role>,
    /// Why.
    pub why: String,
    /// When.
    pub shared_at: Timestamp,
    /// By whom (name then).
    pub shared_by_name: String,
    /// The handover that carried it, if any.
    pub handover_id: Option<HandoverId>,
    /// The consent decision it relied on, if any.
    pub consent_id: Option<ConsentId>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn measure(kind: &str, score: &str) -> MeasureInput {
        MeasureInput {
            measure: Some(kind.into()),
            score: Some(score.into()),
            rater: Some("clinician".into()),
            measured_on: Some("2026-03-01".into()),
        }
    }

    proptest! {
        #[test]
        fn sdq_accepts_exactly_0_to_40(n in -100i64..200) {
            let r = measure("sdq_total", &n.to_string()).validate(date(2026, 6, 1));
            prop_assert_eq!(r.is_ok(), (0..=40).contains(&n));
        }

        #[test]
        fn honosca_accepts_exactly_0_to_52(n in -100i64..200) {
            let r = measure("honosca_total", &n.to_string()).validate(date(2026, 6, 1));
            prop_assert_eq!(r.is_ok(), (0..=52).contains(&n));
        }

        #[test]
        fn a_handover_is_never_due_before_it_is_sent_nor_on_a_weekend(d in 0i32..3000, n in 1u32..10) {
            let cal = Calendar::england_and_wales();
            let sent = date(2024, 1, 1).checked_add(jiff::Span::new().days(d)).unwrap();
            let due = handover_due(&cal, sent, n).unwrap();
            prop_assert!(due > sent);
            prop_assert!(cal.is_working_day(due));
        }
    }

    #[test]
    fn out_of_range_scores_say_the_range() {
        let e = measure("sdq_total", "41").validate(date(2026, 6, 1)).unwrap_err();
        assert_eq!(e.for_field("score"), Some("The SDQ total difficulties score must be between 0 and 40"));
        let e = measure("honosca_total", "x").validate(date(2026, 6, 1)).unwrap_err();
        assert_eq!(e.for_field("score"), Some("The score must be a whole number"));
    }

    #[test]
    fn two_working_days_skip_the_weekend_and_bank_holidays() {
        let cal = Calendar::england_and_wales();
        // Thursday 24 December 2026: Friday 25 and Monday 28 (substitute Boxing Day) are bank holidays.
        assert_eq!(handover_due(&cal, date(2026, 12, 24), 2).unwrap(), date(2026, 12, 30));
        // Friday 6 March 2026 → Tuesday 10 March.
        assert_eq!(handover_due(&cal, date(2026, 3, 6), 2).unwrap(), date(2026, 3, 10));
    }

    #[test]
    fn status_is_overdue_only_after_the_due_day() {
        let due = date(2026, 3, 10);
        assert_eq!(handover_status(false, due, due), HandoverStatus::Pending);
        assert_eq!(handover_status(false, due, date(2026, 3, 11)), HandoverStatus::Overdue);
        assert_eq!(handover_status(true, due, date(2026, 4, 1)), HandoverStatus::Acknowledged);
    }

    #[test]
    fn capacity_is_presumed_at_16_and_assessed_below() {
        assert_eq!(capacity_for(16, None), Ok(Capacity::Presumed));
        assert_eq!(capacity_for(17, Some(Capacity::LacksCapacity)), Ok(Capacity::LacksCapacity));
        assert!(capacity_for(15, None).is_err());
        assert!(capacity_for(15, Some(Capacity::Presumed)).is_err());
        assert_eq!(capacity_for(14, Some(Capacity::Assessed)), Ok(Capacity::Assessed));
        assert_eq!(age_on(date(2010, 6, 2), date(2026, 6, 1)), 15);
        assert_eq!(age_on(date(2010, 6, 2), date(2026, 6, 2)), 16);
    }

    #[test]
    fn sharing_without_consent_needs_a_lawful_basis() {
        let input = ConsentInput {
            decision: Some("share_without_consent".into()),
            share_with_organisation_id: Some(OrgId::random().to_string()),
            purpose: Some("Self-harm risk: custody healthcare must know".into()),
            decided_on: Some("2026-05-01".into()),
            ..Default::default()
        };
        let e = input.validate(date(2009, 1, 1), date(2026, 6, 1)).unwrap_err();
        assert!(e.for_field("lawful_basis").is_some());
        let ok = ConsentInput { lawful_basis: Some("safeguarding".into()), ..input }
            .validate(date(2009, 1, 1), date(2026, 6, 1))
            .unwrap();
        assert_eq!(ok.capacity, Capacity::Presumed);
        assert_eq!(ok.lawful_basis, Some(LawfulBasis::Safeguarding));
    }

    #[test]
    fn a_carried_over_need_must_be_confirmed_or_closed_before_completion() {
        let need = OpenHealthNeed { need_id: NeedId::random(), pathway: Pathway::Health, title: "Anxiety".into() };
        let (sections, needs) = prefill(None, std::slice::from_ref(&need));
        assert!(!completion_problems(&sections, &needs).is_empty());
        let draft = Assessment {
            id: AssessmentId::random(),
            child_id: ChildId::random(),
            kind: AssessmentKind::ComprehensiveCustodyAssessment,
            author_id: UserId::random(),
            author_name: "A".into(),
            organisation_id: OrgId::random(),
            assessed_on: date(2026, 1, 1),
            sections: vec![],
            needs,
            status: AssessmentStatus::Draft,
            based_on: None,
            version: 1,
            created_at: Timestamp::UNIX_EPOCH,
        };
        let closed_without_reason = NeedFindingInput { review: Some("closed".into()), ..Default::default() };
        assert!(apply_review(&draft, &[], &[closed_without_reason]).is_err());
        let confirm = NeedFindingInput { review: Some("confirmed".into()), ..Default::default() };
        let section = SectionInput {
            section: Some("mental_health".into()),
            findings: Some("Low mood".into()),
            ..Default::default()
        };
        let (s, n) = apply_review(&draft, &[section], &[confirm]).unwrap();
        assert!(completion_problems(&s, &n).is_empty());
        assert_eq!(n[0].review, Review::Confirmed);
    }
}
