//! Outcome measures over time: SDQ and HoNOSCA scores, who rated them (scores are compared
//! only between the same rater) and the checks on what is recorded.

use super::*;

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
            e.add("measure", "Choose the measure: SDQ total difficulties or HoNOSCA total");
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
