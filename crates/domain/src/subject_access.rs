//! Subject access requests (UK GDPR article 15; Data Protection Act 2018): a child, or someone
//! acting for them, asks for a copy of everything held about them.
//!
//! A data protection officer of the child's youth justice service records the request with its
//! reference and the day it was received (the month to answer runs from then). Health content
//! goes into the copy only after a health professional on the child's team has reviewed it for
//! serious harm (DPA 2018 Schedule 3, Part 2, paragraph 5: the "serious harm test", which a
//! controller that is not a health professional may apply only on a health professional's
//! opinion); that review is recorded here with its decision. Each export is audited.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, UserId};

/// A subject access request's identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SarId(pub uuid::Uuid);

impl SarId {
    /// A fresh random identifier.
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl std::fmt::Display for SarId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for SarId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Self)
    }
}

/// What the reviewing health professional decided about the health content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// The health content may be released in full.
    Release,
    /// Releasing it would be likely to cause serious harm to the physical or mental health of
    /// the child or another person: it is withheld.
    Withhold,
}

impl ReviewDecision {
    /// The stable key.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Release => "release",
            ReviewDecision::Withhold => "withhold",
        }
    }

    /// From the stable key.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "release" => Some(ReviewDecision::Release),
            "withhold" => Some(ReviewDecision::Withhold),
            _ => None,
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            ReviewDecision::Release => "Health content may be released",
            ReviewDecision::Withhold => "Health content withheld: releasing it would be likely to cause serious harm",
        }
    }
}

/// A health professional's review of the health content for one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthReview {
    /// What they decided.
    pub decision: ReviewDecision,
    /// Their reasons, in their words.
    pub note: String,
    /// Who.
    pub reviewed_by: UserId,
    /// Their name then.
    pub reviewed_by_name: String,
    /// When.
    pub reviewed_at: Timestamp,
}

/// A subject access request about one child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectAccessRequest {
    /// Identifier.
    pub id: SarId,
    /// Whose record.
    pub child_id: ChildId,
    /// The service's own reference for the request (from its letter or case system).
    pub reference: String,
    /// The day the request was received: the month to answer runs from it.
    pub received_on: Date,
    /// Who recorded it (none for the operator at the command line).
    pub requested_by: Option<UserId>,
    /// Their name then ("Operator" for the command line).
    pub requested_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// The health review, once made.
    pub health_review: Option<HealthReview>,
    /// How many times the copy has been exported.
    pub export_count: i64,
    /// The last export.
    pub last_exported_at: Option<Timestamp>,
}

impl SubjectAccessRequest {
    /// The day the answer is due: one calendar month after the day received (UK GDPR article
    /// 12(3); the ICO counts from the day of receipt to the corresponding day of the next
    /// month, or the month's last day when it has none). Extensions for complex requests are
    /// the officer's decision and are not recorded here.
    pub fn due_on(&self) -> Date {
        self.received_on.checked_add(1.month()).unwrap_or(self.received_on)
    }
}

/// Checks a request reference: 1 to 40 letters, digits, spaces, hyphens, slashes or dots.
pub fn parse_reference(input: &str) -> Result<String, &'static str> {
    let r = input.trim();
    if r.is_empty() {
        return Err("Enter the request's reference, like SAR-2026-014");
    }
    let ok = r.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.' | '_'));
    if r.chars().count() > 40 || !ok {
        return Err("The reference must be 40 letters, digits, spaces, hyphens, slashes or dots at most");
    }
    Ok(r.to_string())
}

/// Checks a health review's reasons: needed when withholding, at most 2,000 characters.
pub fn parse_review_note(decision: ReviewDecision, input: &str) -> Result<String, &'static str> {
    let note = input.trim();
    if decision == ReviewDecision::Withhold && note.is_empty() {
        return Err("Say why releasing the health content would be likely to cause serious harm");
    }
    if note.chars().count() > 2000 {
        return Err("The reasons must be 2,000 characters or fewer");
    }
    Ok(note.to_string())
}

/// Which third parties' details a subject access export leaves out (`[subject_access]` in the
/// configuration).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactionRules {
    /// Whether staff names appear in the export (in the record and in who accessed it). When
    /// false (the default) staff are named by role and organisation only: staff acting in
    /// their professional role are usually disclosed, but services decide (ICO guidance on
    /// third-party data in subject access requests).
    pub staff_names: bool,
    /// Columns, as `table.column`, whose values are replaced by "[redacted]": by default the
    /// carers' contact details (phone, email, address), which are a third party's personal
    /// data.
    pub redact: Vec<String>,
}

impl Default for RedactionRules {
    fn default() -> Self {
        Self { staff_names: false, redact: vec!["carers.phone".into(), "carers.email".into(), "carers.address".into()] }
    }
}

impl RedactionRules {
    /// Whether `table.column` is redacted.
    pub fn redacts(&self, table: &str, column: &str) -> bool {
        self.redact.iter().any(|r| r.split_once('.').is_some_and(|(t, c)| t == table && c == column))
    }

    /// Refuses a rule that names no column.
    pub fn check(&self) -> Result<(), String> {
        for r in &self.redact {
            match r.split_once('.') {
                Some((t, c)) if !t.is_empty() && !c.is_empty() => {}
                _ => return Err(format!("subject_access.redact: \"{r}\" must be table.column, like carers.phone")),
            }
        }
        Ok(())
    }
}

/// One table's rows about the child, as stored (column name to value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeldRows {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// The tables that hold health content: left out of an export unless a health professional
/// has reviewed it and released it.
pub const HEALTH_TABLES: &[&str] = &[
    "health_records",
    "health_assessments",
    "health_consents",
    "health_measures",
    "handovers",
    "handover_escalations",
    "share_log",
];

/// What a table holds, in words, for the readable copy.
pub fn table_title(table: &str) -> &'static str {
    match table {
        "children" => "About you",
        "carers" => "Your parents and carers",
        "team_members" => "The people and organisations working with you",
        "custody_episodes" => "Time in custody",
        "placements" => "Where you were placed",
        "remands" => "Remands",
        "sentences" => "Sentences",
        "key_date_revisions" => "Key dates of your sentence",
        "discharge_decisions" => "Release dates",
        "offences" => "Offences",
        "deadlines" => "Deadlines for your plan",
        "plans" => "Your plan",
        "needs" => "Needs in your plan",
        "need_updates" => "Changes to the needs",
        "actions" => "Actions in your plan",
        "meetings" => "Meetings",
        "release_arrangements" => "Arrangements for your release",
        "living_arrangements" => "Where you have lived since release",
        "ete_placements" => "Education, training and work since release",
        "enforcement" => "Breaches and warnings",
        "appointments" => "Appointments",
        "probation_transfers" => "Moving to the probation service",
        "timeline_entries" => "What happened, in order",
        "notifications" => "Messages to staff about you",
        "break_glass_grants" => "Emergency access to your record",
        "subject_access_requests" => "Your requests for your information",
        "health_records" => "Health information",
        "health_assessments" => "Health assessments",
        "health_consents" => "Your consent and sharing decisions",
        "health_measures" => "Health questionnaires and scores",
        "handovers" => "Health information passed between services",
        "handover_escalations" => "Reminders about health handovers",
        "share_log" => "Who your health information was shared with",
        _ => "Other records",
    }
}

/// A stored key in words, for the readable copy: `(table, column, value)` to the label people
/// read elsewhere in Resettle, when the column holds one of the record's lists.
pub fn stored_label(table: &str, column: &str, value: &str) -> Option<String> {
    use crate::{action_item, child, community, custody, health, meeting, org, plan, sentence};
    fn label<E: std::str::FromStr>(value: &str, f: impl Fn(E) -> &'static str) -> Option<String> {
        value.parse::<E>().ok().map(|e| f(e).to_string())
    }
    match (table, column) {
        (_, "role" | "recipient_role" | "share_with_role" | "with_role") => label(value, org::Role::label),
        (_, "pathway") => label(value, plan::Pathway::label),
        ("needs", "need") => plan::catalogue::find(value).map(|n| n.label.to_string()),
        ("needs", "status") => label(value, plan::NeedStatus::label),
        ("actions", "status") => label(value, action_item::ActionStatus::label),
        ("children", "gender") => label(value, child::Gender::label),
        ("children", "legal_status") => label(value, child::LegalStatus::label),
        ("custody_episodes", "kind") => label(value, custody::EpisodeKind::label),
        ("custody_episodes", "release_kind") => {
            crate::post_release::ReleaseKind::parse(value).map(|k| k.label().to_string())
        }
        ("placements", "reason") => label(value, custody::PlacementReason::label),
        ("sentences", "kind") => label(value, sentence::SentenceKind::label),
        ("key_date_revisions", "source") => label(value, sentence::KeyDatesSource::label),
        ("meetings", "kind") => label(value, meeting::MeetingKind::label),
        ("meetings", "status") => label(value, meeting::MeetingStatus::label),
        ("appointments", "kind") => label(value, community::AppointmentKind::label),
        ("appointments", "outcome") => label(value, community::AppointmentOutcome::label),
        ("enforcement", "kind") => label(value, community::EnforcementKind::label),
        ("enforcement", "outcome") => label(value, community::BreachOutcome::label),
        ("offences", "category") => label(value, community::OffenceCategory::label),
        ("offences", "outcome") => label(value, community::OffenceOutcome::label),
        ("living_arrangements", "kind") => label(value, community::LivingKind::label),
        ("ete_placements", "kind") => label(value, community::EteKind::label),
        ("health_records", "category") => label(value, health::HealthCategory::label),
        ("health_assessments", "kind") => label(value, health::AssessmentKind::label),
        ("health_assessments", "status") => label(value, health::AssessmentStatus::label),
        ("health_measures", "kind") => label(value, health::MeasureKind::label),
        ("health_measures", "rater") => label(value, health::Rater::label),
        ("health_consents", "decision") => label(value, health::ConsentDecision::label),
        ("health_consents", "capacity") => label(value, health::Capacity::label),
        ("health_consents", "lawful_basis") => label(value, health::LawfulBasis::label),
        _ => None,
    }
}

/// A column's name in words, for the readable copy, where the stored name is not plain.
pub fn column_label(column: &str) -> Option<&'static str> {
    Some(match column {
        "mtd" => "Mid-point of the sentence (usual release date)",
        "etd" => "Earliest release date",
        "ltd" => "Latest release date",
        "sled" => "Sentence and licence end date",
        "nhs_number" => "NHS number",
        "pnc_id" => "Police National Computer number",
        "yjs_id" => "Youth justice service",
        "dto" => "Detention and training order",
        "ete_arrangement" => "Education, training or work arranged",
        "gp_practice" => "GP practice",
        "child_views" => "Your views",
        "carer_views" => "Your parents' or carers' views",
        "child_words" => "In your words",
        "child_goals" => "Your goals",
        "actor_name" => "By",
        "at" => "When",
        _ => return None,
    })
}

/// Columns stored as 0 or 1 on SQLite that mean no or yes.
pub const YES_NO_COLUMNS: &[&str] = &["parental_responsibility", "suitable", "no_actions_agreed", "active"];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_a_calendar_month_after_receipt() {
        let mut r = SubjectAccessRequest {
            id: SarId::random(),
            child_id: ChildId(uuid::Uuid::nil()),
            reference: "SAR-1".into(),
            received_on: date(2026, 1, 31),
            requested_by: None,
            requested_by_name: "Operator".into(),
            created_at: Timestamp::UNIX_EPOCH,
            health_review: None,
            export_count: 0,
            last_exported_at: None,
        };
        assert_eq!(r.due_on(), date(2026, 2, 28), "a month with no 31st ends on its last day");
        r.received_on = date(2026, 11, 4);
        assert_eq!(r.due_on(), date(2026, 12, 4));
    }

    #[test]
    fn references_and_reasons_are_checked() {
        assert_eq!(parse_reference("  SAR/2026/014 ").unwrap(), "SAR/2026/014");
        assert!(parse_reference("").is_err());
        assert!(parse_reference("<script>").is_err());
        assert!(parse_reference(&"A".repeat(41)).is_err());
        assert!(parse_review_note(ReviewDecision::Withhold, " ").is_err());
        assert_eq!(parse_review_note(ReviewDecision::Release, " ").unwrap(), "");
    }

    #[test]
    fn stored_keys_read_as_words() {
        assert_eq!(stored_label("team_members", "role", "yjs_case_manager").as_deref(), Some("YJS case manager"));
        assert_eq!(stored_label("needs", "pathway", "finance_id").as_deref(), Some("Finance, benefits and ID"));
        assert_eq!(stored_label("needs", "role", "not_a_role"), None);
        assert_eq!(stored_label("carers", "name", "yjs_case_manager"), None, "only columns holding a list");
    }

    #[test]
    fn redaction_names_columns() {
        let rules = RedactionRules::default();
        assert!(rules.redacts("carers", "phone"));
        assert!(!rules.redacts("carers", "name"));
        assert!(!rules.redacts("children", "phone"));
        assert!(RedactionRules { staff_names: true, redact: vec!["carers".into()] }.check().is_err());
    }
}
