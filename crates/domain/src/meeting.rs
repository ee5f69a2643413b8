//! Planning meetings: when each is due (from the key-dates rules), when and where it is held,
//! who is invited, what is on the agenda, and what was recorded.
//!
//! A meeting is complete only when attendance, the child's views, carers' views, decisions and
//! actions are all recorded; [`Meeting::missing`] says what is still to record.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, EpisodeId, MeetingId};
use crate::org::string_enum;
use crate::plan::{MAX_TEXT, Need, Pathway, Plan};
use crate::team::parse_date;
use crate::timescales::DeadlineKind;
use crate::validation::{ValidationErrors, optional_text};

mod words;
pub use words::{join_words, record_sentence};

string_enum!(
    /// The kinds of planning meeting.
    MeetingKind, "kind" {
        /// Planning while the child is remanded.
        RemandPlanning => "remand_planning", "Remand planning meeting";
        /// The first planning meeting after sentence.
        InitialPlanning => "initial_planning", "Initial planning meeting";
        /// A review of the plan during the sentence.
        Review => "review", "Review meeting";
        /// The final planning meeting before release.
        PreRelease => "pre_release", "Pre-release meeting";
        /// Meeting the child on the day of release.
        ReleaseDay => "release_day", "Release day meeting";
        /// Reviewing how release went.
        PostReleaseReview => "post_release_review", "Post-release review";
    }
);

string_enum!(
    /// Where a meeting has got to.
    MeetingStatus, "status" {
        /// Due, with no time and place yet.
        NotScheduled => "not_scheduled", "Not scheduled";
        /// Has a time and place.
        Scheduled => "scheduled", "Scheduled";
        /// Held, but not everything is recorded yet.
        Held => "held", "Held – record incomplete";
        /// Held and fully recorded.
        Complete => "complete", "Complete";
        /// Will not happen (with the reason in the decisions).
        Cancelled => "cancelled", "Cancelled";
    }
);

impl MeetingStatus {
    /// The GOV.UK tag colour class.
    pub fn tag_class(self) -> &'static str {
        match self {
            MeetingStatus::NotScheduled => "govuk-tag--grey",
            MeetingStatus::Scheduled => "govuk-tag--blue",
            MeetingStatus::Held => "govuk-tag--yellow",
            MeetingStatus::Complete => "govuk-tag--green",
            MeetingStatus::Cancelled => "govuk-tag--grey",
        }
    }
}

string_enum!(
    /// Whether someone came.
    Presence, "attendance" {
        /// Came (in person or by video).
        Attended => "attended", "Attended";
        /// Sent apologies.
        Apologies => "apologies", "Sent apologies";
        /// Did not come and sent no word.
        Absent => "absent", "Did not attend";
    }
);

/// One person's attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// Who: a name, or "the child", or an organisation.
    pub name: String,
    /// In what capacity ("Case manager, Leeds YJS").
    pub capacity: String,
    /// Came, apologies, absent.
    pub presence: Presence,
}

/// A planning meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Identifier.
    pub id: MeetingId,
    /// The child.
    pub child_id: ChildId,
    /// The custody episode whose rules set it, if any.
    pub episode_id: Option<EpisodeId>,
    /// Kind.
    pub kind: MeetingKind,
    /// Which of its kind within the episode (reviews count 1, 2, …); 0 for meetings added by hand.
    pub seq: i32,
    /// The last day it can happen on time, from the key-dates rules.
    pub due_by: Option<Date>,
    /// When it starts.
    pub scheduled_for: Option<Timestamp>,
    /// How long, in minutes.
    pub duration_minutes: i32,
    /// Where (or how: "Video call").
    pub location: Option<String>,
    /// Where it has got to.
    pub status: MeetingStatus,
    /// The day it was held.
    pub held_on: Option<Date>,
    /// Who came and who sent apologies.
    pub attendance: Vec<Attendance>,
    /// The child's views, in their own words.
    pub child_views: Option<String>,
    /// Parents' or carers' views.
    pub carer_views: Option<String>,
    /// What was decided.
    pub decisions: Option<String>,
    /// Set when the meeting agreed no actions (so none is not an omission).
    pub no_actions_agreed: bool,
    /// Optimistic-concurrency version; also the iCalendar `SEQUENCE`.
    pub version: i64,
    /// Created at.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

impl Meeting {
    /// A meeting the rules call for, not yet scheduled.
    pub fn planned(child_id: ChildId, episode_id: Option<EpisodeId>, p: &PlannedMeeting, now: Timestamp) -> Self {
        Self {
            id: MeetingId::random(),
            child_id,
            episode_id,
            kind: p.kind,
            seq: p.seq,
            due_by: Some(p.due_by),
            scheduled_for: None,
            duration_minutes: 60,
            location: None,
            status: MeetingStatus::NotScheduled,
            held_on: None,
            attendance: Vec::new(),
            child_views: None,
            carer_views: None,
            decisions: None,
            no_actions_agreed: false,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// A title such as "Review meeting 2".
    pub fn title(&self) -> String {
        if self.kind == MeetingKind::Review && self.seq > 0 {
            format!("{} {}", self.kind.label(), self.seq)
        } else {
            self.kind.label().to_string()
        }
    }

    /// What is still to record before the meeting is complete; `actions` is the number of
    /// actions linked to it.
    pub fn missing(&self, actions: usize) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.held_on.is_none() {
            m.push("the day it was held");
        }
        if self.attendance.is_empty() {
            m.push("attendance");
        }
        if self.child_views.is_none() {
            m.push("the child's views");
        }
        if self.carer_views.is_none() {
            m.push("carers' views");
        }
        if self.decisions.is_none() {
            m.push("decisions");
        }
        if actions == 0 && !self.no_actions_agreed {
            m.push("actions (or that none were agreed)");
        }
        m
    }

    /// Late: not held by its due date (held late, or still not held after it).
    pub fn is_late(&self, today: Date) -> bool {
        let Some(due) = self.due_by else { return false };
        match self.status {
            MeetingStatus::Cancelled => false,
            MeetingStatus::Held | MeetingStatus::Complete => self.held_on.is_some_and(|h| h > due),
            MeetingStatus::NotScheduled | MeetingStatus::Scheduled => {
                due < today || self.scheduled_for.is_some_and(|s| s.to_zoned(TimeZone::UTC).date() > due)
            }
        }
    }

    /// Held but not fully recorded.
    pub fn is_incomplete(&self) -> bool {
        self.status == MeetingStatus::Held
    }
}

/// A meeting the key-dates rules call for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedMeeting {
    /// Kind.
    pub kind: MeetingKind,
    /// Which of its kind (1-based).
    pub seq: i32,
    /// Due by.
    pub due_by: Date,
}

/// The meetings a custody episode's deadlines call for. On remand, the initial planning
/// deadline is the remand planning meeting; after sentence, the initial planning meeting,
/// each review and the pre-release meeting, then the release-day meeting on the release date
/// and the post-release review on `post_release_due`.
pub fn planned_meetings(
    deadlines: &[(DeadlineKind, Date)],
    on_remand: bool,
    release: Option<Date>,
    post_release_due: Option<Date>,
) -> Vec<PlannedMeeting> {
    let mut out = Vec::new();
    let mut reviews = 0;
    for (kind, due_by) in deadlines {
        let (kind, seq) = match kind {
            DeadlineKind::InitialPlanningMeeting if on_remand => (MeetingKind::RemandPlanning, 1),
            DeadlineKind::InitialPlanningMeeting => (MeetingKind::InitialPlanning, 1),
            DeadlineKind::ReviewMeeting => {
                reviews += 1;
                (MeetingKind::Review, reviews)
            }
            DeadlineKind::PreReleaseMeeting => (MeetingKind::PreRelease, 1),
            DeadlineKind::PreReleasePlan => continue,
        };
        out.push(PlannedMeeting { kind, seq, due_by: *due_by });
    }
    if !on_remand {
        if let Some(r) = release {
            out.push(PlannedMeeting { kind: MeetingKind::ReleaseDay, seq: 1, due_by: r });
        }
        if let Some(p) = post_release_due {
            out.push(PlannedMeeting { kind: MeetingKind::PostReleaseReview, seq: 1, due_by: p });
        }
    }
    out
}

/// How a child's stored meetings change when the rules are (re)applied to an episode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingSync {
    /// New meetings.
    pub insert: Vec<Meeting>,
    /// Meetings whose due date moves: (id, new due date).
    pub move_due: Vec<(MeetingId, Date)>,
    /// Unscheduled meetings the rules no longer call for.
    pub remove: Vec<MeetingId>,
}

impl MeetingSync {
    /// Nothing to do.
    pub fn is_empty(&self) -> bool {
        self.insert.is_empty() && self.move_due.is_empty() && self.remove.is_empty()
    }
}

/// Brings `existing` (the child's meetings) into line with `planned` for `episode`. Only
/// meetings of the kinds the plan covers are touched (a sentence's schedule leaves the remand
/// planning meeting alone), and only meetings the rules created (`seq > 0`). A meeting that
/// has been held keeps its due date (so it still shows whether it was on time); an unscheduled
/// one the rules no longer call for is removed; a scheduled one stays, with its date, for the
/// people who arranged it to cancel.
pub fn sync_meetings(
    existing: &[Meeting],
    planned: &[PlannedMeeting],
    child_id: ChildId,
    episode: EpisodeId,
    on_remand: bool,
    now: Timestamp,
) -> MeetingSync {
    let covered = |k: MeetingKind| {
        if on_remand { k == MeetingKind::RemandPlanning } else { k != MeetingKind::RemandPlanning }
    };
    let ours: Vec<&Meeting> =
        existing.iter().filter(|m| m.episode_id == Some(episode) && m.seq > 0 && covered(m.kind)).collect();
    let mut sync = MeetingSync::default();
    for p in planned {
        match ours.iter().find(|m| m.kind == p.kind && m.seq == p.seq) {
            None => sync.insert.push(Meeting::planned(child_id, Some(episode), p, now)),
            Some(m) => {
                let held = matches!(m.status, MeetingStatus::Held | MeetingStatus::Complete);
                if !held && m.due_by != Some(p.due_by) {
                    sync.move_due.push((m.id, p.due_by));
                }
            }
        }
    }
    for m in ours {
        let wanted = planned.iter().any(|p| p.kind == m.kind && p.seq == m.seq);
        if !wanted && m.status == MeetingStatus::NotScheduled {
            sync.remove.push(m.id);
        }
    }
    sync
}

/// How an episode's meetings change when the child is released on `released_on` (which may
/// differ from the release date they were planned on: early or late release, or release from
/// remand): the release-day meeting moves to that day and the post-release review to
/// `post_release_due`, unless already held or cancelled. The other meetings keep their dates,
/// so that those never held still show as late.
pub fn meetings_on_release(
    existing: &[Meeting],
    episode: EpisodeId,
    released_on: Date,
    post_release_due: Option<Date>,
) -> MeetingSync {
    let mut sync = MeetingSync::default();
    for m in existing.iter().filter(|m| m.episode_id == Some(episode) && m.seq > 0) {
        if matches!(m.status, MeetingStatus::Held | MeetingStatus::Complete | MeetingStatus::Cancelled) {
            continue;
        }
        let due = match m.kind {
            MeetingKind::ReleaseDay => Some(released_on),
            MeetingKind::PostReleaseReview => post_release_due,
            _ => None,
        };
        if let Some(d) = due
            && m.due_by != Some(d)
        {
            sync.move_due.push((m.id, d));
        }
    }
    sync
}

/// One item on a meeting's agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    /// The pathway concerned, if any.
    pub pathway: Option<Pathway>,
    /// What to discuss.
    pub text: String,
}

/// The agenda: the standing items for the kind of meeting, then the plan's open gaps —
/// pathways with no needs looked at, open needs (overdue first), the child's and carers'
/// words not yet recorded.
pub fn agenda(kind: MeetingKind, plan: Option<&Plan>, needs: &[Need], today: Date) -> Vec<AgendaItem> {
    let mut items = vec![AgendaItem {
        pathway: None,
        text: "Introductions, and the child's views first: what matters to them".into(),
    }];
    let standing: &[&str] = match kind {
        MeetingKind::RemandPlanning => &[
            "Next court date, and planning for every outcome (bail, sentence, release)",
            "Accommodation if bail is granted",
        ],
        MeetingKind::InitialPlanning => &[
            "Key dates: when the child may be released, and what that means",
            "Assessments shared by custody and community",
        ],
        MeetingKind::Review => &["Progress since the last meeting, pathway by pathway", "Actions due or overdue"],
        MeetingKind::PreRelease => &[
            "Confirmed address for release",
            "Education, training or work, and something to do in the first week",
            "Health handover and GP registration",
            "First supervision appointment, who meets the child at the gate, and transport",
            "The pre-release plan shared with the child and carers",
        ],
        MeetingKind::ReleaseDay => &[
            "Arrival at the address, and who is there",
            "Appointments this week, and the first supervision appointment",
            "Medication, money and ID in hand",
        ],
        MeetingKind::PostReleaseReview => {
            &["How release went, in the child's words", "What is working and what is not, pathway by pathway"]
        }
    };
    items.extend(standing.iter().map(|t| AgendaItem { pathway: None, text: (*t).to_string() }));

    let untouched: Vec<&str> =
        Pathway::ALL.iter().filter(|p| !needs.iter().any(|n| n.pathway == **p)).map(|p| p.label()).collect();
    if !untouched.is_empty() {
        items.push(AgendaItem { pathway: None, text: format!("No needs looked at yet for: {}", untouched.join("; ")) });
    }
    let mut open: Vec<&Need> = needs.iter().filter(|n| n.status.is_open()).collect();
    open.sort_by_key(|n| (!n.is_overdue(today), n.due_by.is_none(), n.due_by, n.pathway));
    for n in open {
        let due = match n.due_by {
            Some(d) if n.is_overdue(today) => format!(", overdue since {}", crate::calendar::long_date(d)),
            Some(d) => format!(", due {}", crate::calendar::long_date(d)),
            None => ", no due date".to_string(),
        };
        items.push(AgendaItem {
            pathway: Some(n.pathway),
            text: format!("{}: {} ({}{due})", n.pathway.label(), n.title(), n.status.label().to_lowercase()),
        });
    }
    if plan.is_none_or(|p| p.child_goals.is_none()) {
        items.push(AgendaItem { pathway: None, text: "Record the child's goals in their own words".into() });
    }
    if plan.is_none_or(|p| p.carer_views.is_none()) {
        items.push(AgendaItem { pathway: None, text: "Record parents' or carers' views".into() });
    }
    items.push(AgendaItem { pathway: None, text: "Actions: who does what, by when".into() });
    items
}

/// A new meeting added by hand, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingInput {
    /// Kind key.
    pub kind: Option<String>,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// Start, RFC 3339 (API).
    pub scheduled_for: Option<String>,
    /// Length in minutes.
    pub duration_minutes: Option<i32>,
    /// Where.
    pub location: Option<String>,
}

/// A change to a meeting's arrangements or record, as typed. Absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingPatch {
    /// The version the change was made against (required).
    pub version: Option<i64>,
    /// Start, RFC 3339; empty clears it.
    pub scheduled_for: Option<String>,
    /// Length in minutes.
    pub duration_minutes: Option<i32>,
    /// Where; empty clears it.
    pub location: Option<String>,
    /// `cancelled` to cancel (needs `decisions` saying why); other statuses follow from the
    /// record.
    pub status: Option<String>,
    /// Day held, `YYYY-MM-DD`.
    pub held_on: Option<String>,
    /// Attendance (replaces the list).
    pub attendance: Option<Vec<Attendance>>,
    /// The child's views.
    pub child_views: Option<String>,
    /// Carers' views.
    pub carer_views: Option<String>,
    /// Decisions.
    pub decisions: Option<String>,
    /// No actions were agreed.
    pub no_actions_agreed: Option<bool>,
}

/// Parses an RFC 3339 time (`2026-12-01T10:00:00Z`, or with an offset).
pub fn parse_instant(e: &mut ValidationErrors, field: &str, value: &str) -> Option<Timestamp> {
    match value.trim().parse::<Timestamp>() {
        Ok(t) if crate::validation::instant_in_range(t) => Some(t),
        Ok(_) => {
            e.add(field, format!("{field} must be between 1900 and 2100"));
            None
        }
        Err(_) => {
            e.add(field, format!("{field} must be a date and time with its offset, like 2026-12-01T10:00:00Z"));
            None
        }
    }
}

/// Parses a day and a 24-hour time typed in a form, in `tz` (UK time). A problem with the day
/// is reported against `field` (the date input), one with the time against `time_field` (its
/// own box), so that the error links to what needs fixing.
pub fn parse_local(
    e: &mut ValidationErrors,
    field: &str,
    time_field: &str,
    day: Option<&str>,
    time: Option<&str>,
    tz: &TimeZone,
) -> Option<Timestamp> {
    let day = day.map(str::trim).filter(|s| !s.is_empty());
    let time = time.map(str::trim).filter(|s| !s.is_empty());
    match (day, time) {
        (None, None) => None,
        (Some(_), None) => {
            e.add(time_field, "Enter the time as well as the day");
            None
        }
        (None, Some(_)) => {
            e.add(field, "Enter the day as well as the time");
            None
        }
        (Some(d), Some(t)) => {
            let d = parse_date(e, field, "The day", Some(d))?;
            let t = t.replace('.', ":");
            let Ok(t) = t.parse::<jiff::civil::Time>() else {
                e.add(time_field, "The time must be a 24-hour time, like 14:30");
                return None;
            };
            d.to_datetime(t)
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|_| e.add(time_field, "That time does not exist in UK time (the clocks change)"))
                .ok()
        }
    }
}

/// A meeting is arranged for a time to come: one already held is recorded as held (with the
/// day it was held), never arranged after the event.
fn refuse_arranging_in_the_past(e: &mut ValidationErrors, scheduled_for: Option<Timestamp>, now: Timestamp) {
    if scheduled_for.is_some_and(|t| t < now) {
        e.add(
            "scheduled_for",
            "The time has passed: arrange the meeting for a time to come, or record it as held if it took place",
        );
    }
}

fn check_duration(e: &mut ValidationErrors, d: Option<i32>) -> Option<i32> {
    match d {
        Some(m) if !(15..=480).contains(&m) => {
            e.add("duration_minutes", "The length must be between 15 and 480 minutes");
            None
        }
        other => other,
    }
}

impl NewMeetingInput {
    /// Checks the input, building the meeting.
    pub fn validate(
        &self,
        child_id: ChildId,
        episode_id: Option<EpisodeId>,
        scheduled: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<Meeting, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = match self.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("kind", "Choose the kind of meeting");
                None
            }
            Some(k) => k.parse::<MeetingKind>().map_err(|m| e.add("kind", m)).ok(),
        };
        let due_by = parse_date(&mut e, "due_by", "Due date", self.due_by.as_deref());
        let scheduled_for = match (scheduled, self.scheduled_for.as_deref().filter(|s| !s.trim().is_empty())) {
            (Some(t), _) => Some(t),
            (None, Some(s)) => parse_instant(&mut e, "scheduled_for", s),
            (None, None) => None,
        };
        refuse_arranging_in_the_past(&mut e, scheduled_for, now);
        let duration = check_duration(&mut e, self.duration_minutes).unwrap_or(60);
        let location = optional_text(&mut e, "location", "Location", self.location.as_deref(), 200);
        let Some(kind) = kind.filter(|_| e.is_empty()) else {
            return Err(e);
        };
        Ok(Meeting {
            id: MeetingId::random(),
            child_id,
            episode_id,
            kind,
            seq: 0,
            due_by,
            scheduled_for,
            duration_minutes: duration,
            location,
            status: if scheduled_for.is_some() { MeetingStatus::Scheduled } else { MeetingStatus::NotScheduled },
            held_on: None,
            attendance: Vec::new(),
            child_views: None,
            carer_views: None,
            decisions: None,
            no_actions_agreed: false,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }
}

/// A checked change to a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingChange {
    /// The meeting after the change (version bumped, status worked out).
    pub meeting: Meeting,
    /// What changed, in words.
    pub changes: Vec<&'static str>,
}

impl MeetingPatch {
    /// Checks the change against the stored meeting. `scheduled` is a time already parsed
    /// from a form (UK day and time), used instead of `scheduled_for`; `actions` is the number
    /// of actions linked to the meeting. The status follows from what is recorded: scheduled
    /// once it has a time, held once the day held is recorded, complete once nothing is
    /// missing.
    pub fn apply(
        &self,
        m: &Meeting,
        scheduled: Option<Option<Timestamp>>,
        actions: usize,
        today: Date,
        now: Timestamp,
    ) -> Result<MeetingChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let mut next = m.clone();
        let mut changes = Vec::new();
        let scheduled_for = match (scheduled, self.scheduled_for.as_deref()) {
            (Some(t), _) => t,
            (None, Some(s)) if s.trim().is_empty() => None,
            (None, Some(s)) => parse_instant(&mut e, "scheduled_for", s),
            (None, None) => m.scheduled_for,
        };
        if scheduled_for != m.scheduled_for {
            if matches!(m.status, MeetingStatus::Held | MeetingStatus::Complete) {
                e.add("scheduled_for", "The meeting has been held: record the day it was held instead of moving it");
            } else {
                refuse_arranging_in_the_past(&mut e, scheduled_for, now);
            }
            changes.push("time");
        }
        next.scheduled_for = scheduled_for;
        if let Some(d) = check_duration(&mut e, self.duration_minutes)
            && d != m.duration_minutes
        {
            next.duration_minutes = d;
            changes.push("length");
        }
        if let Some(l) = self.location.as_deref() {
            let l = optional_text(&mut e, "location", "Location", Some(l), 200);
            if l != m.location {
                changes.push("place");
            }
            next.location = l;
        }
        if let Some(h) = self.held_on.as_deref() {
            let held = parse_date(&mut e, "held_on", "The day the meeting was held", Some(h));
            if let Some(d) = held
                && d > today
            {
                e.add("held_on", "The day the meeting was held must be today or in the past");
            }
            if held != m.held_on {
                changes.push("day held");
            }
            next.held_on = held;
        }
        if let Some(list) = &self.attendance {
            let mut cleaned = Vec::new();
            for (i, a) in list.iter().enumerate() {
                let field = format!("attendance[{i}]");
                let name = optional_text(&mut e, &field, "Name", Some(&a.name), 200);
                let capacity = optional_text(&mut e, &field, "Capacity", Some(&a.capacity), 200).unwrap_or_default();
                match name {
                    Some(name) => cleaned.push(Attendance { name, capacity, presence: a.presence }),
                    None if e.for_field(&field).is_none() => e.add(field, "Give the name of everyone listed"),
                    None => {}
                }
            }
            if cleaned != m.attendance {
                changes.push("attendance");
            }
            next.attendance = cleaned;
        }
        for (value, slot, field, label, what) in [
            (&self.child_views, &mut next.child_views, "child_views", "The child's views", "the child's views"),
            (&self.carer_views, &mut next.carer_views, "carer_views", "Carers' views", "carers' views"),
            (&self.decisions, &mut next.decisions, "decisions", "Decisions", "decisions"),
        ] {
            if let Some(v) = value.as_deref() {
                let v = optional_text(&mut e, field, label, Some(v), MAX_TEXT);
                if v != *slot {
                    changes.push(what);
                }
                *slot = v;
            }
        }
        if let Some(n) = self.no_actions_agreed
            && n != m.no_actions_agreed
        {
            next.no_actions_agreed = n;
            changes.push("whether actions were agreed");
        }
        let cancel = match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => false,
            Some(s) => match s.parse::<MeetingStatus>() {
                Err(msg) => {
                    e.add("status", msg);
                    false
                }
                Ok(MeetingStatus::Cancelled) => true,
                Ok(s) if s == m.status => false,
                Ok(_) => {
                    e.add(
                        "status",
                        "Only \"cancelled\" can be set directly; the other statuses follow from what is recorded",
                    );
                    false
                }
            },
        };
        if cancel && m.status != MeetingStatus::Cancelled {
            if matches!(m.status, MeetingStatus::Held | MeetingStatus::Complete) {
                e.add("status", "A meeting that has been held cannot be cancelled");
            } else if next.decisions.is_none() {
                e.add("decisions", "Say why the meeting is cancelled");
            }
            changes.push("cancelled");
        }
        if !e.is_empty() {
            return Err(e);
        }
        if changes.is_empty() {
            e.add("version", "Nothing has changed: change something before saving");
            return Err(e);
        }
        next.status = if cancel || m.status == MeetingStatus::Cancelled {
            MeetingStatus::Cancelled
        } else if next.held_on.is_some() {
            if next.missing(actions).is_empty() { MeetingStatus::Complete } else { MeetingStatus::Held }
        } else if next.scheduled_for.is_some() {
            MeetingStatus::Scheduled
        } else {
            MeetingStatus::NotScheduled
        };
        next.version = m.version + 1;
        next.updated_at = now;
        Ok(MeetingChange { meeting: next, changes })
    }
}

#[cfg(test)]
mod tests;
