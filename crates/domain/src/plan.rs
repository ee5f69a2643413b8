//! The resettlement plan: one plan per child, shared by every organisation on the team, from
//! the day custody begins to the months after release.
//!
//! A plan is nine pathways. Each holds support needs chosen from the [catalogue] (versioned
//! data) or described in the person's own words ("other"). A need has an owning organisation,
//! a status that moves only along [`NeedStatus::can_become`], a due date and an update log.
//! The child's goals and words, and their parents' or carers' views, sit on the plan itself.

pub mod catalogue;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, NeedId, NeedUpdateId, OrgId, UserId};
use crate::org::string_enum;
use crate::team::parse_date;
use crate::validation::{ValidationErrors, optional_text};

string_enum!(
    /// The nine resettlement pathways.
    Pathway, "pathway" {
        /// Where the child will live.
        Accommodation => "accommodation", "Accommodation";
        /// School, college, training or work.
        Ete => "ete", "Education, training and employment";
        /// Things to do, and who the child is becoming.
        ConstructiveActivities => "constructive_activities", "Constructive activities and identity";
        /// Physical and mental health.
        Health => "health", "Physical and mental health";
        /// Drugs and alcohol.
        SubstanceMisuse => "substance_misuse", "Substance misuse";
        /// Family and the people close to the child.
        Families => "families", "Families and relationships";
        /// Money, benefits and identity documents.
        FinanceId => "finance_id", "Finance, benefits and ID";
        /// Staying safe: exploitation, self-harm, risks from others.
        Safety => "safety", "Safety and wellbeing";
        /// Victims and restorative work.
        Victims => "victims", "Victims and restorative work";
    }
);

impl Pathway {
    /// The heading the child reads on "my plan".
    pub fn plain_heading(self) -> &'static str {
        match self {
            Pathway::Accommodation => "Where I will live",
            Pathway::Ete => "What I will do: school, college, training or work",
            Pathway::ConstructiveActivities => "Things I enjoy and who I am",
            Pathway::Health => "My health",
            Pathway::SubstanceMisuse => "Drugs and alcohol",
            Pathway::Families => "My family and people close to me",
            Pathway::FinanceId => "Money, benefits and ID",
            Pathway::Safety => "Staying safe",
            Pathway::Victims => "Putting things right",
        }
    }

    /// Health and substance-misuse needs are health data (special category).
    pub fn is_health(self) -> bool {
        matches!(self, Pathway::Health | Pathway::SubstanceMisuse)
    }
}

string_enum!(
    /// Where a support need has got to.
    NeedStatus, "status" {
        /// Found, nothing arranged yet.
        Identified => "identified", "Identified";
        /// Someone is working on it.
        InProgress => "in_progress", "In progress";
        /// Arranged or done.
        Met => "met", "Met";
        /// The child (or family) said no.
        Declined => "declined", "Declined";
        /// Looked at and not needed.
        NotRequired => "not_required", "Not required";
    }
);

impl NeedStatus {
    /// The moves a need may make. A met need can be reopened (a placement falls through); a
    /// declined need can be picked up again when the child changes their mind; a need found
    /// not to be required can be identified again. Nothing else jumps backwards.
    pub fn can_become(self, next: NeedStatus) -> bool {
        use NeedStatus::*;
        matches!(
            (self, next),
            (Identified, InProgress | Met | Declined | NotRequired)
                | (InProgress, Met | Declined | NotRequired)
                | (Met, InProgress)
                | (Declined, Identified | InProgress)
                | (NotRequired, Identified)
        )
    }

    /// The statuses a need in this status may move to.
    pub fn next(self) -> Vec<NeedStatus> {
        NeedStatus::ALL.iter().copied().filter(|n| self.can_become(*n)).collect()
    }

    /// Still needs work: identified or in progress.
    pub fn is_open(self) -> bool {
        matches!(self, NeedStatus::Identified | NeedStatus::InProgress)
    }

    /// The GOV.UK tag colour class for this status.
    pub fn tag_class(self) -> &'static str {
        match self {
            NeedStatus::Identified => "govuk-tag--blue",
            NeedStatus::InProgress => "govuk-tag--light-blue",
            NeedStatus::Met => "govuk-tag--green",
            NeedStatus::Declined => "govuk-tag--orange",
            NeedStatus::NotRequired => "govuk-tag--grey",
        }
    }
}

/// A child's resettlement plan: opened when custody begins, one per child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The child (one plan each).
    pub child_id: ChildId,
    /// The day the plan opened (sentence or remand).
    pub opened_on: Date,
    /// The child's goals, in their own words.
    pub child_goals: Option<String>,
    /// Anything else the child wants said, in their words.
    pub child_words: Option<String>,
    /// Parents' or carers' views.
    pub carer_views: Option<String>,
    /// The day the plan was last shared with the child and carers, if it has been.
    pub shared_on: Option<Date>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Last change.
    pub updated_at: Timestamp,
}

impl Plan {
    /// A new, empty plan.
    pub fn open(child_id: ChildId, opened_on: Date, now: Timestamp) -> Self {
        Self {
            child_id,
            opened_on,
            child_goals: None,
            child_words: None,
            carer_views: None,
            shared_on: None,
            version: 1,
            updated_at: now,
        }
    }
}

/// The child's and carers' words, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanViewsInput {
    /// The version the change was made against.
    pub version: Option<i64>,
    /// Goals.
    pub child_goals: Option<String>,
    /// Other words.
    pub child_words: Option<String>,
    /// Carers' views.
    pub carer_views: Option<String>,
    /// Day shared with the child and carers, `YYYY-MM-DD`.
    pub shared_on: Option<String>,
}

/// Longest free text on a plan, need or meeting.
pub const MAX_TEXT: usize = 4000;

impl PlanViewsInput {
    /// Checks the input and applies it to `plan`, returning the changed plan and the labels of
    /// the fields that changed. `today` bounds the shared date.
    pub fn apply(&self, plan: &Plan, today: Date) -> Result<(Plan, Vec<&'static str>), ValidationErrors> {
        let mut e = ValidationErrors::new();
        let goals = optional_text(&mut e, "child_goals", "The child's goals", self.child_goals.as_deref(), MAX_TEXT);
        let words = optional_text(&mut e, "child_words", "The child's words", self.child_words.as_deref(), MAX_TEXT);
        let carers = optional_text(&mut e, "carer_views", "Carers' views", self.carer_views.as_deref(), MAX_TEXT);
        let shared = parse_date(&mut e, "shared_on", "The day the plan was shared", self.shared_on.as_deref());
        if let Some(d) = shared
            && d > today
        {
            e.add("shared_on", "The day the plan was shared must be today or in the past");
        }
        if let Some(d) = shared
            && d < plan.opened_on
        {
            e.add("shared_on", "The day the plan was shared must be on or after the day the plan opened");
        }
        if !e.is_empty() {
            return Err(e);
        }
        let mut changed = Vec::new();
        if goals != plan.child_goals {
            changed.push("the child's goals");
        }
        if words != plan.child_words {
            changed.push("the child's words");
        }
        if carers != plan.carer_views {
            changed.push("carers' views");
        }
        if shared != plan.shared_on {
            changed.push("the day the plan was shared");
        }
        Ok((
            Plan {
                child_goals: goals,
                child_words: words,
                carer_views: carers,
                shared_on: shared,
                version: plan.version + 1,
                ..plan.clone()
            },
            changed,
        ))
    }
}

/// A support need on a pathway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// Identifier.
    pub id: NeedId,
    /// The child.
    pub child_id: ChildId,
    /// The pathway.
    pub pathway: Pathway,
    /// The catalogue key, or `other`.
    pub need: String,
    /// The catalogue version the key was chosen from.
    pub catalogue_version: u32,
    /// Words about this need (required for `other`).
    pub description: Option<String>,
    /// The organisation that owns meeting it.
    pub owner_organisation_id: OrgId,
    /// Where it has got to.
    pub status: NeedStatus,
    /// When it must be met by.
    pub due_by: Option<Date>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created at.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

impl Need {
    /// The need's name: the catalogue label, or the description for "other".
    pub fn title(&self) -> String {
        match catalogue::find(&self.need) {
            Some(c) => c.label.to_string(),
            None => self.description.clone().unwrap_or_else(|| "Other need".to_string()),
        }
    }

    /// The need's name as the child reads it on "my plan".
    pub fn plain_title(&self) -> String {
        match catalogue::find(&self.need) {
            Some(c) => c.plain.to_string(),
            None => self.description.clone().unwrap_or_else(|| "Something else".to_string()),
        }
    }

    /// Open and past its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status.is_open() && self.due_by.is_some_and(|d| d < today)
    }
}

/// One entry of a need's update log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedUpdate {
    /// Identifier.
    pub id: NeedUpdateId,
    /// The need.
    pub need_id: NeedId,
    /// The need's version after this change.
    pub version: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor_id: Option<UserId>,
    /// Their name then.
    pub actor_name: String,
    /// What changed, in words.
    pub changes: String,
    /// The note they left.
    pub note: Option<String>,
}

/// A new need, as typed (API body or form).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    /// Pathway key.
    pub pathway: Option<String>,
    /// Catalogue key, or `other`.
    pub need: Option<String>,
    /// Words (required for `other`).
    pub description: Option<String>,
    /// Owning organisation id.
    pub owner_organisation_id: Option<String>,
    /// Due date, `YYYY-MM-DD`.
    pub due_by: Option<String>,
}

/// A need's fields once checked (before the organisation is looked up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedNeed {
    /// Pathway.
    pub pathway: Pathway,
    /// Catalogue key or `other`.
    pub need: String,
    /// Words.
    pub description: Option<String>,
    /// Owner.
    pub owner_organisation_id: OrgId,
    /// Due date.
    pub due_by: Option<Date>,
}

fn parse_org(e: &mut ValidationErrors, field: &str, value: Option<&str>, missing: &str) -> Option<OrgId> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            e.add(field, missing);
            None
        }
        Some(s) => s.parse::<OrgId>().map_err(|_| e.add(field, format!("{field} must be an organisation's id"))).ok(),
    }
}

fn check_due(e: &mut ValidationErrors, due: Option<Date>, opened_on: Date) {
    if let Some(d) = due
        && d < opened_on
    {
        e.add("due_by", "The due date must be on or after the day the plan opened");
    }
}

impl NeedInput {
    /// Checks the input. `opened_on` is the plan's opening day (due dates cannot precede it).
    pub fn validate(&self, opened_on: Date) -> Result<CheckedNeed, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let pathway = match self.pathway.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("pathway", "Choose the pathway the need belongs to");
                None
            }
            Some(s) => s.parse::<Pathway>().map_err(|m| e.add("pathway", m)).ok(),
        };
        let description = optional_text(&mut e, "description", "Description", self.description.as_deref(), 500);
        let need = match self.need.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("need", "Choose the support need, or \"other\" and describe it");
                None
            }
            Some(catalogue::OTHER) => {
                if description.is_none() {
                    e.add("description", "Describe the need in a few words");
                }
                Some(catalogue::OTHER.to_string())
            }
            Some(key) => match (catalogue::find(key), pathway) {
                (None, _) => {
                    e.add("need", "Choose a need from the list for this pathway, or \"other\" and describe it");
                    None
                }
                (Some(c), _) if !c.is_current() => {
                    e.add("need", "That need is no longer in the catalogue: choose another, or \"other\"");
                    None
                }
                (Some(c), Some(p)) if c.pathway != p => {
                    e.add("need", format!("That need belongs to the {} pathway", c.pathway.label()));
                    None
                }
                (Some(c), _) => Some(c.key.to_string()),
            },
        };
        let owner = parse_org(
            &mut e,
            "owner_organisation_id",
            self.owner_organisation_id.as_deref(),
            "Choose the organisation that owns this need",
        );
        let due_by = parse_date(&mut e, "due_by", "Due date", self.due_by.as_deref());
        check_due(&mut e, due_by, opened_on);
        match (pathway, need, owner) {
            (Some(pathway), Some(need), Some(owner_organisation_id)) if e.is_empty() => {
                Ok(CheckedNeed { pathway, need, description, owner_organisation_id, due_by })
            }
            _ => Err(e),
        }
    }
}

/// A change to a need, as typed. Absent fields stay as they are; an empty `due_by` clears it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedPatch {
    /// The version the change was made against (required).
    pub version: Option<i64>,
    /// New status.
    pub status: Option<String>,
    /// A note for the update log.
    pub note: Option<String>,
    /// New owner.
    pub owner_organisation_id: Option<String>,
    /// New due date (`YYYY-MM-DD`; empty clears it).
    pub due_by: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// A checked change: the need as it will be, the words for the log, and the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedChange {
    /// The need after the change (version bumped).
    pub need: Need,
    /// What changed, in words; empty when nothing but a note was added.
    pub changes: Vec<String>,
    /// The note.
    pub note: Option<String>,
    /// The new owner, when it changed.
    pub new_owner: Option<OrgId>,
}

impl NeedPatch {
    /// Checks the change against the stored `need`. The caller checks the version.
    pub fn apply(&self, need: &Need, opened_on: Date) -> Result<NeedChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let status = match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => need.status,
            Some(s) => match s.parse::<NeedStatus>() {
                Err(m) => {
                    e.add("status", m);
                    need.status
                }
                Ok(next) if next == need.status => next,
                Ok(next) if need.status.can_become(next) => next,
                Ok(next) => {
                    // In words (a person reads it on the need's page): "not required", not the key.
                    let words = |s: NeedStatus| s.label().to_lowercase();
                    let allowed = need.status.next().iter().map(|s| words(*s)).collect::<Vec<_>>().join(", ");
                    e.add(
                        "status",
                        format!(
                            "A need that is {} cannot become {}; it can become: {allowed}",
                            words(need.status),
                            words(next)
                        ),
                    );
                    need.status
                }
            },
        };
        let note = optional_text(&mut e, "note", "Note", self.note.as_deref(), MAX_TEXT);
        let owner = match self.owner_organisation_id.as_deref() {
            None => need.owner_organisation_id,
            Some(s) => {
                parse_org(&mut e, "owner_organisation_id", Some(s), "Choose the organisation that owns this need")
                    .unwrap_or(need.owner_organisation_id)
            }
        };
        let due_by = match self.due_by.as_deref() {
            None => need.due_by,
            Some(s) => {
                let d = parse_date(&mut e, "due_by", "Due date", Some(s));
                check_due(&mut e, d, opened_on);
                d
            }
        };
        let description = match self.description.as_deref() {
            None => need.description.clone(),
            Some(s) => optional_text(&mut e, "description", "Description", Some(s), 500),
        };
        if need.need == catalogue::OTHER && description.is_none() && e.for_field("description").is_none() {
            e.add("description", "Describe the need in a few words");
        }
        if matches!(status, NeedStatus::Declined | NeedStatus::NotRequired) && status != need.status && note.is_none() {
            e.add("note", format!("Say why the need is {}", status.label().to_lowercase()));
        }
        if !e.is_empty() {
            return Err(e);
        }
        let mut changes = Vec::new();
        if status != need.status {
            changes.push(format!("status from {} to {}", need.status.label(), status.label()));
        }
        if owner != need.owner_organisation_id {
            changes.push("owner".to_string());
        }
        if due_by != need.due_by {
            changes.push(match due_by {
                Some(d) => format!("due date to {}", crate::calendar::long_date(d)),
                None => "due date removed".to_string(),
            });
        }
        if description != need.description {
            changes.push("description".to_string());
        }
        if changes.is_empty() && note.is_none() {
            e.add("status", "Change something, or add a note");
            return Err(e);
        }
        let new_owner = (owner != need.owner_organisation_id).then_some(owner);
        Ok(NeedChange {
            need: Need {
                status,
                owner_organisation_id: owner,
                due_by,
                description,
                version: need.version + 1,
                ..need.clone()
            },
            changes,
            note,
            new_owner,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn need(status: NeedStatus) -> Need {
        Need {
            id: NeedId::random(),
            child_id: ChildId::random(),
            pathway: Pathway::Accommodation,
            need: "accommodation_address".into(),
            catalogue_version: catalogue::VERSION,
            description: None,
            owner_organisation_id: OrgId::random(),
            status,
            due_by: None,
            version: 3,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn pathway_keys_are_the_nine_named() {
        let keys: Vec<_> = Pathway::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            keys,
            [
                "accommodation",
                "ete",
                "constructive_activities",
                "health",
                "substance_misuse",
                "families",
                "finance_id",
                "safety",
                "victims"
            ]
        );
    }

    #[test]
    fn transitions_are_explicit() {
        use NeedStatus::*;
        assert!(Identified.can_become(InProgress));
        assert!(InProgress.can_become(Met));
        assert!(Met.can_become(InProgress));
        assert!(!Met.can_become(Identified));
        assert!(!Met.can_become(Declined));
        assert!(!InProgress.can_become(Identified));
        assert!(NotRequired.can_become(Identified));
        assert!(!NotRequired.can_become(Met));
        for s in NeedStatus::ALL {
            assert!(!s.can_become(*s), "{s} to itself is not a move");
        }
    }

    #[test]
    fn a_forbidden_move_is_refused_and_says_what_is_allowed() {
        let e = NeedPatch { version: Some(3), status: Some("identified".into()), ..Default::default() }
            .apply(&need(NeedStatus::Met), date(2026, 1, 1))
            .unwrap_err();
        assert_eq!(
            e.for_field("status"),
            Some("A need that is met cannot become identified; it can become: in progress")
        );
    }

    #[test]
    fn a_move_is_applied_with_its_words_and_a_new_version() {
        let c = NeedPatch { version: Some(3), status: Some("in_progress".into()), ..Default::default() }
            .apply(&need(NeedStatus::Identified), date(2026, 1, 1))
            .unwrap();
        assert_eq!(c.need.status, NeedStatus::InProgress);
        assert_eq!(c.need.version, 4);
        assert_eq!(c.changes, ["status from Identified to In progress"]);
    }

    #[test]
    fn declining_needs_a_reason_and_an_empty_change_is_refused() {
        let e = NeedPatch { status: Some("declined".into()), ..Default::default() }
            .apply(&need(NeedStatus::Identified), date(2026, 1, 1))
            .unwrap_err();
        assert!(e.for_field("note").is_some());
        let e = NeedPatch::default().apply(&need(NeedStatus::Identified), date(2026, 1, 1)).unwrap_err();
        assert_eq!(e.for_field("status"), Some("Change something, or add a note"));
        let c = NeedPatch { note: Some("Rang the housing team".into()), ..Default::default() }
            .apply(&need(NeedStatus::Identified), date(2026, 1, 1))
            .unwrap();
        assert!(c.changes.is_empty());
        assert_eq!(c.note.as_deref(), Some("Rang the housing team"));
    }

    #[test]
    fn a_new_need_is_checked_against_the_catalogue() {
        let org = OrgId::random().to_string();
        let ok = NeedInput {
            pathway: Some("accommodation".into()),
            need: Some("accommodation_address".into()),
            owner_organisation_id: Some(org.clone()),
            due_by: Some("2026-12-01".into()),
            ..Default::default()
        }
        .validate(date(2026, 11, 2))
        .unwrap();
        assert_eq!(ok.pathway, Pathway::Accommodation);
        let wrong_pathway = NeedInput {
            pathway: Some("ete".into()),
            need: Some("accommodation_address".into()),
            owner_organisation_id: Some(org.clone()),
            ..Default::default()
        }
        .validate(date(2026, 11, 2))
        .unwrap_err();
        assert_eq!(wrong_pathway.for_field("need"), Some("That need belongs to the Accommodation pathway"));
        let other = NeedInput {
            pathway: Some("ete".into()),
            need: Some("other".into()),
            owner_organisation_id: Some(org),
            due_by: Some("2026-11-01".into()),
            ..Default::default()
        }
        .validate(date(2026, 11, 2))
        .unwrap_err();
        assert!(other.for_field("description").is_some());
        assert!(other.for_field("due_by").is_some());
        let empty = NeedInput::default().validate(date(2026, 11, 2)).unwrap_err();
        for f in ["pathway", "need", "owner_organisation_id"] {
            assert!(empty.for_field(f).is_some(), "{f}");
        }
    }

    #[test]
    fn views_record_what_changed() {
        let plan = Plan::open(ChildId::random(), date(2026, 11, 2), Timestamp::UNIX_EPOCH);
        let (p, changed) = PlanViewsInput {
            child_goals: Some("  Get back to football  ".into()),
            shared_on: Some("2026-11-20".into()),
            ..Default::default()
        }
        .apply(&plan, date(2026, 11, 22))
        .unwrap();
        assert_eq!(p.child_goals.as_deref(), Some("Get back to football"));
        assert_eq!(p.version, 2);
        assert_eq!(changed, ["the child's goals", "the day the plan was shared"]);
        let e = PlanViewsInput { shared_on: Some("2026-11-23".into()), ..Default::default() }
            .apply(&plan, date(2026, 11, 22))
            .unwrap_err();
        assert!(e.for_field("shared_on").is_some());
    }
}
