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

mod consent;
mod handover;
mod measure;

pub use consent::*;
pub use handover::*;
pub use measure::*;

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
            e.add(format!("{field}.pathway"), "Choose the pathway: health or substance misuse");
            None
        }
        Some("health") => Some(Pathway::Health),
        Some("substance_misuse") => Some(Pathway::SubstanceMisuse),
        Some(_) => {
            e.add(format!("{field}.pathway"), "Choose health or substance misuse as the pathway");
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
                _ => e.add(format!("{field}.review"), "Choose whether the need is confirmed, changed or closed"),
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
                _ => e.add(format!("{field}.review"), "Choose whether the need is confirmed, changed or closed"),
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
