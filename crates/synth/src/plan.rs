//! The resettlement plan of every child who has been in custody: the plan opened on the first
//! day of custody, the meetings the key-dates rules call for (held and recorded when past,
//! arranged when near, waiting when further off, with a realistic share late or incomplete),
//! a few needs across the pathways at a stage that fits how far through custody the child is,
//! their update logs, and the actions agreed along the way.
//!
//! Meetings come from the same rules the application applies (`planned_meetings` over
//! `custody_deadlines`), so their due dates equal the deadlines; needs and actions are owned by
//! organisations already on the child's team.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::Rng;
use resettle_domain::action_item::{ActionItem, ActionStatus};
use resettle_domain::child::LegalStatus;
use resettle_domain::custody::CustodyEpisode;
use resettle_domain::ids::*;
use resettle_domain::meeting::{
    Attendance, Meeting, MeetingKind, MeetingStatus, PlannedMeeting, Presence, planned_meetings,
};
use resettle_domain::plan::{Need, NeedStatus, NeedUpdate, Pathway, Plan, catalogue};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_domain::timescales::custody_deadlines;
use resettle_storage::SyntheticBatch;

use crate::{CustodyPlan, Generator, Service, SynthRng, at, days_before, pick, uuid};

/// Who the plan is for and who works with them: what [`Generator::plan_records`] needs.
pub(crate) struct PlanFor<'a> {
    pub child: ChildId,
    pub given_name: &'a str,
    pub legal_status: LegalStatus,
    pub episode: &'a CustodyEpisode,
    pub custody: &'a CustodyPlan,
    pub establishment: &'a str,
    pub service: &'a Service,
    pub case_manager: (UserId, &'a str),
    pub team: &'a [TeamMember],
    /// `(name, relationship)` of each parent or carer.
    pub carers: &'a [(String, String)],
}

const CHILD_VIEWS: &[&str] = &[
    "I want to go back to college and do my mechanics course.",
    "I just want to go home to my mum's. I don't want to move again.",
    "I want a job so I can get my own money.",
    "Football keeps me out of trouble. I want to get back on the team.",
    "I don't want to go back to the same area, the same people will be there.",
    "I'm doing better in education here. I want that to carry on when I get out.",
    "I want to see my little brother more.",
    "Nobody listens. I want to know what's happening before it happens.",
];

const CARER_VIEWS: &[&str] = &[
    "He can come home but we need help with the rent arrears first.",
    "We want him home. The school said they would take him back.",
    "I'm worried about the people he was with before. I want him away from them.",
    "She needs her medication sorted before she comes out.",
    "We're supportive but the house is small; a room of his own would help.",
    "Sent apologies; views given by phone beforehand: wants regular updates.",
];

const DECISIONS: &[&str] = &[
    "Address on release to be confirmed by the local authority before the pre-release meeting.",
    "College referral to go in this week; education records to be transferred.",
    "Mentoring to start in custody and carry on after release.",
    "Family visits to increase to weekly; travel costs to be covered.",
    "Plan shared with the child in words they chose; next review as scheduled.",
    "Health handover to the community team agreed; GP registration before release.",
];

const NEED_NOTES: &[&str] = &[
    "Referral made and acknowledged.",
    "Discussed at the planning meeting; agreed with the child.",
    "Waiting for a reply from the provider.",
    "Confirmed in writing.",
    "Chased by phone; follow-up booked.",
];

const DECLINED_NOTES: &[&str] = &[
    "The child does not want this at the moment; to revisit at the next review.",
    "Family have arranged this themselves.",
];

const NOT_REQUIRED_NOTES: &[&str] =
    &["Looked at with the child: already in place.", "Assessment found no need for this on release."];

/// The action agreed at a meeting to share the plan.
pub(crate) const SHARE_THE_PLAN: &str = "Share the updated plan with the child and family";

const PLACES: &[&str] =
    &["Visits hall", "Video call", "Interview room 2", "Education block meeting room", "YJS office"];

/// Actions that follow from needs, by pathway.
fn action_for(pathway: Pathway) -> &'static str {
    match pathway {
        Pathway::Accommodation => "Confirm the address for release with the council",
        Pathway::Ete => "Send the college application and the education records",
        Pathway::ConstructiveActivities => "Book the first session with the mentor",
        Pathway::Health => "Pass the health summary to the community health team",
        Pathway::SubstanceMisuse => "Refer to the young people's substance misuse service",
        Pathway::Families => "Arrange a family visit and help with travel",
        Pathway::FinanceId => "Apply for a birth certificate and provisional licence",
        Pathway::Safety => "Update the safety plan with the child",
        Pathway::Victims => "Start victim awareness sessions",
    }
}

/// A synthetic update on the day `day` (8:00–18:00 UTC), never after `today`'s end.
fn when(day: Date, today: Date, rng: &mut SynthRng) -> Timestamp {
    at(day.min(today), rng)
}

impl Generator {
    /// Writes the child's plan, meetings, needs (with their logs), actions and the plan's
    /// timeline entries into `batch`.
    pub(crate) fn plan_records(&mut self, batch: &mut SyntheticBatch, p: &PlanFor<'_>) {
        let today = self.today;
        let opened_on = p.episode.started_on;
        let release = p.custody.sentence.as_ref().map(|s| s.dates.mtd);
        // How far through custody the child is: 0 at the start, 1 on release.
        let progress = match (p.episode.ended_on, release) {
            (Some(_), _) => 1.0,
            (None, Some(r)) => {
                let total = (r - opened_on).get_days().max(1) as f64;
                ((today - opened_on).get_days() as f64 / total).clamp(0.0, 1.0)
            }
            (None, None) => ((today - opened_on).get_days() as f64 / 90.0).clamp(0.0, 0.9),
        };

        let mut plan = Plan::open(p.child, opened_on, at(opened_on, &mut self.rng));
        let rng = &mut self.rng;
        if rng.random_bool(0.6) {
            plan.child_goals = Some(pick(rng, CHILD_VIEWS).to_string());
            plan.version += 1;
        }
        if !p.carers.is_empty() && rng.random_bool(0.45) {
            plan.carer_views = Some(pick(rng, CARER_VIEWS).to_string());
            plan.version += 1;
        }
        if progress > 0.5 && rng.random_bool(0.6) {
            let span = (today - opened_on).get_days().max(1);
            plan.shared_on = Some(opened_on.checked_add(rng.random_range(0..span).days()).unwrap_or(opened_on));
            plan.version += 1;
        }
        plan.updated_at = when(days_before(today, rng.random_range(0..20)).max(opened_on), today, rng);
        batch.plans.push(plan);

        let meetings = self.meetings(batch, p);
        self.needs_and_actions(batch, p, progress, &meetings);
        self.release_arrangements(batch, p, progress);
    }

    /// The meetings the rules call for, in the state a real case would have them in today;
    /// returns the complete ones (for actions agreed at them).
    fn meetings(&mut self, batch: &mut SyntheticBatch, p: &PlanFor<'_>) -> Vec<(MeetingId, Date)> {
        let today = self.today;
        let mut planned: Vec<PlannedMeeting> = Vec::new();
        if let Some((remand_start, _)) = p.custody.remand
            && let Ok(list) = custody_deadlines(&self.calendar, &self.timescales, remand_start, None, None)
        {
            let dated: Vec<_> = list.iter().map(|d| (d.kind, d.due_by)).collect();
            planned.extend(planned_meetings(&dated, true, None, None));
        }
        let sentenced_on = p.custody.sentence.as_ref().map(|s| s.sentence_date);
        if let Some(s) = &p.custody.sentence
            && let Ok(list) =
                custody_deadlines(&self.calendar, &self.timescales, s.sentence_date, Some(s.dates.mtd), s.term_months)
        {
            let dated: Vec<_> = list.iter().map(|d| (d.kind, d.due_by)).collect();
            let n = i32::try_from(self.timescales.post_release_review_working_days).unwrap_or(10);
            let post = self.calendar.add_working_days(s.dates.mtd, n).ok();
            planned.extend(planned_meetings(&dated, false, Some(s.dates.mtd), post));
        }

        let (cm, cm_name) = p.case_manager;
        let opened_on = p.episode.started_on;
        let mut complete = Vec::new();
        for plan in &planned {
            let rng = &mut self.rng;
            let mut m = Meeting::planned(p.child, Some(p.episode.id), plan, at(opened_on, rng));
            m.id = MeetingId(uuid(rng));
            let due = plan.due_by;
            // A remand planning meeting not yet due when the child was sentenced gave way to
            // the initial planning meeting.
            if m.kind == MeetingKind::RemandPlanning && sentenced_on.is_some_and(|s| s <= due) {
                m.status = MeetingStatus::Cancelled;
                m.decisions = Some("Sentenced before the meeting: replaced by the initial planning meeting".into());
                m.version = 2;
                m.updated_at = when(sentenced_on.unwrap_or(due), today, rng);
                batch.meetings.push(m);
                continue;
            }
            if due < today {
                let roll = rng.random_range(0..100);
                if roll < 8 {
                    // Never held: late, perhaps with a time that came and went.
                    if rng.random_bool(0.5) {
                        m.scheduled_for = Some(self.time_on(due.max(opened_on)));
                        m.location = Some(pick(&mut self.rng, PLACES).to_string());
                        m.status = MeetingStatus::Scheduled;
                        m.version = 2;
                    }
                    batch.meetings.push(m);
                    continue;
                }
                let held_on = if m.kind == MeetingKind::ReleaseDay && roll >= 16 {
                    due
                } else if roll < 16 {
                    let late = due.checked_add(rng.random_range(1..10).days()).unwrap_or(due).min(today);
                    self.working_day(late, true, today)
                } else {
                    let early = days_before(due, rng.random_range(0..6)).max(opened_on);
                    self.working_day(early, false, opened_on)
                };
                m.scheduled_for = Some(self.time_on(held_on));
                let rng = &mut self.rng;
                m.location = Some(pick(rng, PLACES).to_string());
                m.held_on = Some(held_on);
                m.attendance = attendance(rng, p, m.kind, cm_name);
                m.child_views = Some(pick(rng, CHILD_VIEWS).to_string());
                let incomplete = roll >= 94;
                if incomplete {
                    m.status = MeetingStatus::Held;
                    m.version = 3;
                } else {
                    m.carer_views = Some(pick(rng, CARER_VIEWS).to_string());
                    m.decisions = Some(pick(rng, DECISIONS).to_string());
                    m.status = MeetingStatus::Complete;
                    m.version = 4;
                    // About a third agreed actions (added below); the rest agreed none.
                    if rng.random_bool(0.35) {
                        complete.push((m.id, held_on));
                    } else {
                        m.no_actions_agreed = true;
                    }
                }
                m.updated_at = when(held_on, today, rng);
                batch.timeline.push(TimelineEntry {
                    id: TimelineEntryId(uuid(rng)),
                    child_id: p.child,
                    at: m.updated_at,
                    actor_id: Some(cm),
                    actor_name: cm_name.to_string(),
                    kind: "meeting.updated".into(),
                    summary: resettle_domain::meeting::record_sentence(
                        &m.title(),
                        m.held_on,
                        true,
                        if incomplete {
                            &["attendance", "the child's views"]
                        } else {
                            &["attendance", "the child's views", "carers' views", "decisions"]
                        },
                        m.status,
                    ),
                    reason: None,
                });
            } else if (due - today).get_days() <= 21 && rng.random_bool(0.7) {
                let lead = rng.random_range(0..5);
                let tomorrow = today.tomorrow().unwrap_or(today);
                let day = self.working_day(days_before(due, lead).max(tomorrow).min(due), false, tomorrow);
                m.scheduled_for = Some(self.time_on(day));
                m.location = Some(pick(&mut self.rng, PLACES).to_string());
                m.status = MeetingStatus::Scheduled;
                m.version = 2;
            }
            batch.meetings.push(m);
        }
        complete
    }

    /// `day`, or the nearest working day after it (`later`) or before it, going no further
    /// than `limit`: meetings happen on working days.
    fn working_day(&self, day: Date, later: bool, limit: Date) -> Date {
        let mut d = day;
        while !self.calendar.is_working_day(d) && if later { d < limit } else { d > limit } {
            let next = if later { d.tomorrow() } else { d.yesterday() };
            match next {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        d
    }

    /// 10:00 or 14:00 UK time on `day`.
    fn time_on(&mut self, day: Date) -> Timestamp {
        let hour = if self.rng.random_bool(0.5) { 10 } else { 14 };
        day.at(hour, 0, 0, 0).to_zoned(self.tz.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Two to five needs across the pathways, their update logs, and the actions that
    /// follow from them and from the meetings in `complete`.
    fn needs_and_actions(
        &mut self,
        batch: &mut SyntheticBatch,
        p: &PlanFor<'_>,
        progress: f64,
        complete: &[(MeetingId, Date)],
    ) {
        let today = self.today;
        let opened_on = p.episode.started_on;
        let end = p.episode.ended_on.unwrap_or(today);
        let (cm, cm_name) = p.case_manager;
        let on_team = |org: OrgId| p.team.iter().any(|t| t.organisation_id == org && t.ended_on.is_none());
        let la = on_team(p.service.local_authority).then_some(p.service.local_authority);
        let edu = on_team(p.service.education).then_some(p.service.education);
        let names = |org: OrgId| {
            if Some(org) == la {
                "the council"
            } else if Some(org) == edu {
                "the college"
            } else {
                p.service.yjs_name.as_str()
            }
        };

        let rng = &mut self.rng;
        let mut keys: Vec<&'static str> = Vec::new();
        if rng.random_bool(0.85) {
            let looked_after = p.legal_status != LegalStatus::NotLookedAfter;
            keys.push(if looked_after && rng.random_bool(0.5) {
                "accommodation_la_assessment"
            } else {
                pick(rng, &["accommodation_address", "accommodation_family_return", "accommodation_supported"])
            });
        }
        if rng.random_bool(0.7) {
            keys.push(pick(rng, &["ete_school_place", "ete_training", "ete_records_transfer", "ete_send_assessment"]));
        }
        let others = rng.random_range(0..=3);
        let current: Vec<&'static str> = catalogue::CATALOGUE
            .iter()
            .filter(|c| c.is_current() && !matches!(c.pathway, Pathway::Accommodation | Pathway::Ete))
            .map(|c| c.key)
            .collect();
        for _ in 0..others {
            let k = current[rng.random_range(0..current.len())];
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        if keys.is_empty() {
            keys.push("activity_first_week");
        }

        let release = p.custody.sentence.as_ref().map(|s| s.dates.mtd);
        for key in keys {
            let Some(entry) = catalogue::find(key) else { continue };
            let rng = &mut self.rng;
            let owner = match entry.pathway {
                Pathway::Accommodation => la.unwrap_or(p.service.yjs),
                Pathway::Ete => edu.unwrap_or(p.service.yjs),
                _ => p.service.yjs,
            };
            let due_by = match release {
                Some(r) => days_before(r, rng.random_range(0..25)).max(opened_on),
                None => opened_on.checked_add(rng.random_range(28..90).days()).unwrap_or(opened_on),
            };
            // The further through custody, the further on the needs.
            let roll: f64 = rng.random();
            let mut path = vec![NeedStatus::Identified];
            if roll < 0.06 {
                path.push(NeedStatus::Declined);
            } else if roll < 0.10 {
                path.push(NeedStatus::NotRequired);
            } else if roll < 0.10 + progress * 0.75 {
                path.extend([NeedStatus::InProgress, NeedStatus::Met]);
            } else if roll < 0.10 + progress * 0.75 + 0.45 {
                path.push(NeedStatus::InProgress);
            }
            let identified_on = opened_on.checked_add(rng.random_range(0..15).days()).unwrap_or(opened_on).min(end);
            let id = NeedId(uuid(rng));
            let created_at = when(identified_on, today, rng);
            let mut day = identified_on;
            let mut updated_at = created_at;
            for (i, status) in path.iter().enumerate() {
                let version = i as i64 + 1;
                let (changes, note) = if i == 0 {
                    (format!("identified; owner {}", names(owner)), None)
                } else {
                    let span = (end - day).get_days().max(1);
                    day = day.checked_add(rng.random_range(0..span.min(30)).days()).unwrap_or(day).min(end);
                    updated_at = when(day, today, rng).max(updated_at);
                    let note = match status {
                        NeedStatus::Declined => Some(pick(rng, DECLINED_NOTES).to_string()),
                        NeedStatus::NotRequired => Some(pick(rng, NOT_REQUIRED_NOTES).to_string()),
                        _ => rng.random_bool(0.7).then(|| pick(rng, NEED_NOTES).to_string()),
                    };
                    (format!("status from {} to {}", path[i - 1].label(), status.label()), note)
                };
                batch.need_updates.push(NeedUpdate {
                    id: NeedUpdateId(uuid(rng)),
                    need_id: id,
                    version,
                    at: if i == 0 { created_at } else { updated_at },
                    actor_id: Some(cm),
                    actor_name: cm_name.to_string(),
                    changes,
                    note,
                });
            }
            let status = path.last().copied().unwrap_or(NeedStatus::Identified);
            batch.needs.push(Need {
                id,
                child_id: p.child,
                pathway: entry.pathway,
                need: key.to_string(),
                catalogue_version: catalogue::VERSION,
                description: None,
                owner_organisation_id: owner,
                status,
                due_by: Some(due_by),
                version: path.len() as i64,
                created_at,
                updated_at,
            });
            batch.timeline.push(TimelineEntry {
                id: TimelineEntryId(uuid(rng)),
                child_id: p.child,
                at: created_at,
                actor_id: Some(cm),
                actor_name: cm_name.to_string(),
                kind: "plan.need_added".into(),
                summary: format!("{} need identified, owned by {}", entry.pathway.label(), names(owner)),
                reason: None,
            });

            // Work on an open need: an action, some already overdue.
            if status.is_open() && rng.random_bool(0.6) {
                let due = today.checked_add(rng.random_range(-20..30).days()).unwrap_or(today).max(identified_on);
                let named = (owner == p.service.yjs).then_some(cm);
                let created = when(identified_on, today, rng);
                batch.actions.push(action(
                    rng,
                    p.child,
                    action_for(entry.pathway),
                    owner,
                    named,
                    due,
                    ActionStatus::Open,
                    (Some(id), None),
                    (cm_name, created),
                ));
            }
        }

        // Actions agreed at meetings: the case manager's, done when long past.
        let plan_shared = batch.plans.last().is_some_and(|plan| plan.child_id == p.child && plan.shared_on.is_some());
        for (meeting, held_on) in complete {
            let rng = &mut self.rng;
            let due = held_on.checked_add(rng.random_range(7..28).days()).unwrap_or(*held_on);
            // Long past: nearly always done; recently due: often still open.
            let done = if due < days_before(today, 30) { 0.95 } else { 0.6 };
            let status = if due < days_before(today, 3) && rng.random_bool(done) {
                ActionStatus::Done
            } else {
                ActionStatus::Open
            };
            let mut what = pick(
                rng,
                &[
                    "Send the meeting record to everyone invited",
                    SHARE_THE_PLAN,
                    "Book the next meeting with the establishment",
                    "Check the release address with the council",
                ],
            );
            // A plan never shared has no "share the plan" action done (the readiness item
            // would contradict it): that meeting agreed to write to the family instead.
            if what == SHARE_THE_PLAN && status == ActionStatus::Done && !plan_shared {
                what = "Write to the family about the plan";
            }
            let created = when(*held_on, today, rng);
            batch.actions.push(action(
                rng,
                p.child,
                what,
                p.service.yjs,
                Some(cm),
                due,
                status,
                (None, Some(*meeting)),
                (cm_name, created),
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn action(
    rng: &mut SynthRng,
    child: ChildId,
    description: &str,
    owner: OrgId,
    owner_user: Option<UserId>,
    due: Date,
    status: ActionStatus,
    (need_id, meeting_id): (Option<NeedId>, Option<MeetingId>),
    (by, created_at): (&str, Timestamp),
) -> ActionItem {
    ActionItem {
        id: ActionItemId(uuid(rng)),
        child_id: child,
        description: description.to_string(),
        owner_organisation_id: owner,
        owner_user_id: owner_user,
        due_by: Some(due),
        status,
        need_id,
        meeting_id,
        version: if status == ActionStatus::Open { 1 } else { 2 },
        created_by_name: by.to_string(),
        created_at,
        updated_at: created_at,
    }
}

/// Who came: the case manager, the child, a parent or carer, and (in custody) the secure
/// practitioner.
fn attendance(rng: &mut SynthRng, p: &PlanFor<'_>, kind: MeetingKind, cm_name: &str) -> Vec<Attendance> {
    let mut list = vec![
        Attendance {
            name: cm_name.to_string(),
            capacity: format!("YJS case manager, {}", p.service.yjs_name),
            presence: Presence::Attended,
        },
        Attendance {
            name: p.given_name.to_string(),
            capacity: "The child".into(),
            presence: if rng.random_bool(0.95) { Presence::Attended } else { Presence::Absent },
        },
    ];
    if let Some((name, relationship)) = p.carers.first() {
        list.push(Attendance {
            name: name.clone(),
            capacity: relationship.clone(),
            presence: if rng.random_bool(0.7) { Presence::Attended } else { Presence::Apologies },
        });
    }
    if !matches!(kind, MeetingKind::PostReleaseReview) {
        list.push(Attendance {
            name: "Secure resettlement practitioner".into(),
            capacity: format!("Secure practitioner, {}", p.establishment),
            presence: Presence::Attended,
        });
    }
    list
}
