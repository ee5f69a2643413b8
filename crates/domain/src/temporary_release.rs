//! Time out of custody before release, to prepare for it: release on temporary licence (ROTL)
//! from a young offender institution, and mobility from a secure training centre, secure
//! children's home or secure school. Each period out has a purpose, an address, conditions and,
//! once over, an outcome; the earliest day a child in a YOI may go out is worked out from the
//! key dates.

use jiff::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, EpisodeId, TemporaryReleaseId};
use crate::org::{OrgKind, string_enum};
use crate::team::parse_date;
use crate::validation::{ValidationErrors, optional_text, required_line};

string_enum!(
    /// Which scheme a period out comes under: it follows the kind of establishment.
    TemporaryReleaseKind, "kind of temporary release" {
        /// Release on temporary licence, from a young offender institution.
        Rotl => "rotl", "Release on temporary licence (ROTL)";
        /// Mobility, from a secure training centre, secure children's home or secure school.
        Mobility => "mobility", "Mobility";
    }
);

impl TemporaryReleaseKind {
    /// The scheme of an establishment of `kind`; `None` for anything but a secure
    /// establishment.
    pub fn for_establishment(kind: OrgKind) -> Option<Self> {
        match kind {
            OrgKind::Yoi => Some(Self::Rotl),
            k if k.is_secure_establishment() => Some(Self::Mobility),
            _ => None,
        }
    }
}

string_enum!(
    /// What a period out is for.
    TemporaryReleasePurpose, "purpose" {
        /// To see where the child will live, or meet the people they will live with.
        Accommodation => "accommodation", "Accommodation: a visit or meeting";
        /// To visit or start education, training or work.
        EducationTraining => "education_training", "Education, training or work";
        /// Time with family.
        Family => "family", "Time with family";
        /// A health appointment or registration.
        Health => "health", "Health";
        /// A resettlement meeting in the community.
        ResettlementMeeting => "resettlement_meeting", "Resettlement meeting";
        /// Anything else.
        Other => "other", "Other";
    }
);

string_enum!(
    /// How a period out went.
    TemporaryReleaseOutcome, "outcome" {
        /// Went as planned; back on time.
        Completed => "completed", "Went as planned";
        /// Back, but late or with conditions broken.
        ConditionsBroken => "conditions_broken", "Back, but a condition was broken";
        /// Did not come back when due.
        FailedToReturn => "failed_to_return", "Did not come back when due";
        /// Did not take place.
        Cancelled => "cancelled", "Did not take place";
    }
);

/// When a child may first go out, and the rule in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    /// The scheme.
    pub kind: TemporaryReleaseKind,
    /// The earliest day out, when a rule sets one (ROTL); `None` for mobility, which the
    /// establishment decides.
    pub eligible_from: Option<Date>,
    /// The rule, with its source.
    pub rule: String,
}

/// The earliest day a sentenced child may go out, for `kind`, from the day of sentence and the
/// release date: for ROTL the later of half-way through the time in custody and 24 months
/// before release (*check*: Youth Custody Service ROTL policy framework for the children's
/// estate); mobility is for the establishment to decide.
pub fn eligibility(kind: TemporaryReleaseKind, sentence_date: Date, release_on: Date) -> Eligibility {
    match kind {
        TemporaryReleaseKind::Rotl => {
            let days = (release_on - sentence_date).get_days().max(0);
            let half_way = sentence_date.checked_add((days / 2).days()).unwrap_or(sentence_date);
            let two_years_before = release_on.checked_sub(24.months()).unwrap_or(sentence_date);
            Eligibility {
                kind,
                eligible_from: Some(half_way.max(two_years_before)),
                rule: "Release on temporary licence from half-way through the time in custody, or 24 months \
                       before release if that is later (Youth Custody Service ROTL policy; to be confirmed)"
                    .into(),
            }
        }
        TemporaryReleaseKind::Mobility => Eligibility {
            kind,
            eligible_from: None,
            rule: "Mobility is decided by the establishment, with the youth justice service: no fixed \
                   earliest day"
                .into(),
        },
    }
}

/// A period out of custody.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryRelease {
    /// Identifier.
    pub id: TemporaryReleaseId,
    /// The child.
    pub child_id: ChildId,
    /// The custody episode it belongs to.
    pub episode_id: EpisodeId,
    /// ROTL or mobility.
    pub kind: TemporaryReleaseKind,
    /// What it is for.
    pub purpose: TemporaryReleasePurpose,
    /// First day out.
    pub starts_on: Date,
    /// Day back.
    pub ends_on: Date,
    /// Where the child will be.
    pub address: String,
    /// The conditions set.
    pub conditions: Option<String>,
    /// How it went, once over.
    pub outcome: Option<TemporaryReleaseOutcome>,
    /// What happened, in words.
    pub outcome_note: Option<String>,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// Increases with each change.
    pub version: i64,
}

/// Unvalidated input for a period out, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryReleaseInput {
    /// Purpose key.
    pub purpose: Option<String>,
    /// First day out, `YYYY-MM-DD`.
    pub starts_on: Option<String>,
    /// Day back, `YYYY-MM-DD`.
    pub ends_on: Option<String>,
    /// Where.
    pub address: Option<String>,
    /// Conditions.
    pub conditions: Option<String>,
    /// How it went (for a period recorded after it happened).
    pub outcome: Option<String>,
    /// What happened.
    pub outcome_note: Option<String>,
}

/// A checked period out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedTemporaryRelease {
    /// What for.
    pub purpose: TemporaryReleasePurpose,
    /// First day out.
    pub starts_on: Date,
    /// Day back.
    pub ends_on: Date,
    /// Where.
    pub address: String,
    /// Conditions.
    pub conditions: Option<String>,
    /// How it went.
    pub outcome: Option<TemporaryReleaseOutcome>,
    /// What happened.
    pub outcome_note: Option<String>,
}

/// The longest period out accepted in one record, in days.
pub const MAX_DAYS_OUT: i32 = 14;

/// How a period out went, checked: an outcome other than "went as planned" needs a note, and
/// no outcome may be given for a period that has not started by `today`.
pub fn check_outcome(
    e: &mut ValidationErrors,
    outcome: Option<&str>,
    note: Option<&str>,
    starts_on: Option<Date>,
    today: Date,
) -> (Option<TemporaryReleaseOutcome>, Option<String>) {
    let outcome = match outcome.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => s.parse::<TemporaryReleaseOutcome>().map_err(|m| e.add("outcome", m)).ok(),
    };
    let note = optional_text(e, "outcome_note", "What happened", note, 2000);
    if let (Some(o), Some(start)) = (outcome, starts_on)
        && start > today
        && o != TemporaryReleaseOutcome::Cancelled
    {
        e.add("outcome", "This period out has not started yet: record how it went once it has");
    }
    if outcome.is_some_and(|o| o != TemporaryReleaseOutcome::Completed) && note.is_none() {
        e.add("outcome_note", "Say what happened");
    }
    (outcome, note)
}

impl TemporaryReleaseInput {
    /// Checks the input against the custody it belongs to: the period starts on or after
    /// `eligibility`'s earliest day and on or after the custody began (`custody_from`), ends on
    /// or after it starts, within [`MAX_DAYS_OUT`] days, and before `release_on`.
    pub fn validate(
        &self,
        eligibility: &Eligibility,
        custody_from: Date,
        release_on: Date,
        today: Date,
    ) -> Result<CheckedTemporaryRelease, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let purpose = match self.purpose.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("purpose", "Choose what the time out is for");
                None
            }
            Some(s) => s.parse::<TemporaryReleasePurpose>().map_err(|m| e.add("purpose", m)).ok(),
        };
        let starts_on = parse_date(&mut e, "starts_on", "First day out", self.starts_on.as_deref());
        if starts_on.is_none() && e.for_field("starts_on").is_none() {
            e.add("starts_on", "Enter the first day out");
        }
        let ends_on = parse_date(&mut e, "ends_on", "Day back", self.ends_on.as_deref());
        if ends_on.is_none() && e.for_field("ends_on").is_none() {
            e.add("ends_on", "Enter the day back");
        }
        let address = required_line(&mut e, "address", "Address", self.address.as_deref(), 300);
        let conditions = optional_text(&mut e, "conditions", "Conditions", self.conditions.as_deref(), 2000);
        let (outcome, outcome_note) =
            check_outcome(&mut e, self.outcome.as_deref(), self.outcome_note.as_deref(), starts_on, today);
        if let Some(start) = starts_on {
            if let Some(from) = eligibility.eligible_from.filter(|from| start < *from) {
                e.add(
                    "starts_on",
                    format!(
                        "The child may go out from {} at the earliest: choose that day or a later one",
                        crate::calendar::long_date(from)
                    ),
                );
            } else if start < custody_from {
                e.add("starts_on", "The first day out must be on or after the day the child went into custody");
            }
            if start >= release_on {
                e.add(
                    "starts_on",
                    format!(
                        "The child is released on {}: time out is before release",
                        crate::calendar::long_date(release_on)
                    ),
                );
            }
        }
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                e.add("ends_on", "The day back must be on or after the first day out");
            } else if (end - start).get_days() > MAX_DAYS_OUT {
                e.add(
                    "ends_on",
                    format!("Record a period of {MAX_DAYS_OUT} days or fewer; record a longer one as several"),
                );
            }
        }
        match (purpose, starts_on, ends_on) {
            (Some(purpose), Some(starts_on), Some(ends_on)) if e.is_empty() => {
                Ok(CheckedTemporaryRelease { purpose, starts_on, ends_on, address, conditions, outcome, outcome_note })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn rotl_starts_half_way_through_custody_or_24_months_before_release_and_mobility_has_no_day() {
        // An 8-month DTO from 2 March 2026: released 2 July 2026 (122 days); half-way 2 May.
        let e = eligibility(TemporaryReleaseKind::Rotl, date(2026, 3, 2), date(2026, 7, 2));
        assert_eq!(e.eligible_from, Some(date(2026, 5, 2)));
        // A long sentence: 24 months before release is later than half-way.
        let e = eligibility(TemporaryReleaseKind::Rotl, date(2020, 1, 1), date(2026, 1, 1));
        assert_eq!(e.eligible_from, Some(date(2024, 1, 1)));
        let e = eligibility(TemporaryReleaseKind::Mobility, date(2026, 3, 2), date(2026, 7, 2));
        assert_eq!(e.eligible_from, None);
        assert_eq!(TemporaryReleaseKind::for_establishment(OrgKind::Yoi), Some(TemporaryReleaseKind::Rotl));
        assert_eq!(TemporaryReleaseKind::for_establishment(OrgKind::Sch), Some(TemporaryReleaseKind::Mobility));
        assert_eq!(TemporaryReleaseKind::for_establishment(OrgKind::Yjs), None);
    }

    fn input(start: &str, end: &str) -> TemporaryReleaseInput {
        TemporaryReleaseInput {
            purpose: Some("accommodation".into()),
            starts_on: Some(start.into()),
            ends_on: Some(end.into()),
            address: Some("12 Example Road, Leeds".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_period_out_is_within_the_rules_or_refused_with_the_day_to_choose() {
        let rotl = eligibility(TemporaryReleaseKind::Rotl, date(2026, 3, 2), date(2026, 7, 2));
        let check =
            |i: &TemporaryReleaseInput| i.validate(&rotl, date(2026, 3, 2), date(2026, 7, 2), date(2026, 5, 10));
        let ok = check(&input("2026-05-02", "2026-05-03")).unwrap();
        assert_eq!((ok.starts_on, ok.ends_on, ok.outcome), (date(2026, 5, 2), date(2026, 5, 3), None));
        let e = check(&input("2026-05-01", "2026-05-01")).unwrap_err();
        assert!(e.for_field("starts_on").unwrap().contains("2 May 2026"), "{e:?}");
        let e = check(&input("2026-07-02", "2026-07-03")).unwrap_err();
        assert!(e.for_field("starts_on").unwrap().contains("released on 2 July 2026"), "{e:?}");
        let e = check(&input("2026-05-04", "2026-05-03")).unwrap_err();
        assert!(e.for_field("ends_on").is_some());
        let e = check(&input("2026-05-04", "2026-05-30")).unwrap_err();
        assert!(e.for_field("ends_on").unwrap().contains("14 days or fewer"));
        let e = check(&TemporaryReleaseInput::default()).unwrap_err();
        for f in ["purpose", "starts_on", "ends_on", "address"] {
            assert!(e.for_field(f).is_some(), "{f}: {e:?}");
        }
        // Back-recorded with how it went; anything but "as planned" says what happened; a
        // period still to come has no outcome yet.
        let past = TemporaryReleaseInput { outcome: Some("completed".into()), ..input("2026-05-02", "2026-05-03") };
        assert_eq!(check(&past).unwrap().outcome, Some(TemporaryReleaseOutcome::Completed));
        let late =
            TemporaryReleaseInput { outcome: Some("failed_to_return".into()), ..input("2026-05-02", "2026-05-03") };
        assert!(check(&late).unwrap_err().for_field("outcome_note").is_some());
        let future = TemporaryReleaseInput { outcome: Some("completed".into()), ..input("2026-06-02", "2026-06-03") };
        assert!(check(&future).unwrap_err().for_field("outcome").unwrap().contains("not started yet"));
        // Mobility has no earliest day but still follows custody.
        let mobility = eligibility(TemporaryReleaseKind::Mobility, date(2026, 3, 2), date(2026, 7, 2));
        let e = input("2026-03-01", "2026-03-01")
            .validate(&mobility, date(2026, 3, 2), date(2026, 7, 2), date(2026, 5, 10))
            .unwrap_err();
        assert!(e.for_field("starts_on").unwrap().contains("the day the child went into custody"));
    }
}
