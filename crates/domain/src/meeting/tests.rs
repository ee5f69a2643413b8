//! Tests of `meeting`.

#![allow(clippy::unwrap_used)]

use super::*;
use jiff::civil::date;

fn meeting() -> Meeting {
    let p = PlannedMeeting { kind: MeetingKind::InitialPlanning, seq: 1, due_by: date(2026, 11, 16) };
    Meeting::planned(ChildId::random(), Some(EpisodeId::random()), &p, Timestamp::UNIX_EPOCH)
}

#[test]
fn remand_deadlines_plan_a_remand_meeting_and_sentences_plan_the_rest() {
    let d = [(DeadlineKind::InitialPlanningMeeting, date(2026, 11, 16))];
    let r = planned_meetings(&d, true, None, None);
    assert_eq!(r, [PlannedMeeting { kind: MeetingKind::RemandPlanning, seq: 1, due_by: date(2026, 11, 16) }]);
    let d = [
        (DeadlineKind::InitialPlanningMeeting, date(2026, 11, 16)),
        (DeadlineKind::ReviewMeeting, date(2026, 12, 28)),
        (DeadlineKind::ReviewMeeting, date(2027, 2, 8)),
        (DeadlineKind::PreReleaseMeeting, date(2027, 3, 1)),
        (DeadlineKind::PreReleasePlan, date(2027, 3, 15)),
    ];
    let s = planned_meetings(&d, false, Some(date(2027, 3, 29)), Some(date(2027, 4, 12)));
    let kinds: Vec<_> = s.iter().map(|p| (p.kind.as_str(), p.seq)).collect();
    assert_eq!(
        kinds,
        [
            ("initial_planning", 1),
            ("review", 1),
            ("review", 2),
            ("pre_release", 1),
            ("release_day", 1),
            ("post_release_review", 1)
        ]
    );
}

#[test]
fn sync_moves_unheld_meetings_and_leaves_held_ones() {
    let child = ChildId::random();
    let ep = EpisodeId::random();
    let now = Timestamp::UNIX_EPOCH;
    let planned = vec![
        PlannedMeeting { kind: MeetingKind::InitialPlanning, seq: 1, due_by: date(2026, 11, 16) },
        PlannedMeeting { kind: MeetingKind::Review, seq: 1, due_by: date(2026, 12, 28) },
        PlannedMeeting { kind: MeetingKind::Review, seq: 2, due_by: date(2027, 2, 8) },
    ];
    let first = sync_meetings(&[], &planned, child, ep, false, now);
    assert_eq!(first.insert.len(), 3);
    let mut stored = first.insert;
    stored[0].status = MeetingStatus::Complete;
    stored[0].held_on = Some(date(2026, 11, 13));
    let remand = Meeting::planned(
        child,
        Some(ep),
        &PlannedMeeting { kind: MeetingKind::RemandPlanning, seq: 1, due_by: date(2026, 10, 1) },
        now,
    );
    stored.push(remand);
    // A shorter sentence: every date moves and the second review goes.
    let replanned = vec![
        PlannedMeeting { kind: MeetingKind::InitialPlanning, seq: 1, due_by: date(2026, 11, 17) },
        PlannedMeeting { kind: MeetingKind::Review, seq: 1, due_by: date(2026, 12, 29) },
    ];
    let s = sync_meetings(&stored, &replanned, child, ep, false, now);
    assert!(s.insert.is_empty());
    assert_eq!(s.move_due, [(stored[1].id, date(2026, 12, 29))]);
    assert_eq!(s.remove, [stored[2].id]);
    // Nothing again is nothing.
    let same = sync_meetings(&stored, &planned, child, ep, false, now);
    assert!(same.is_empty());
}

#[test]
fn release_moves_the_release_day_and_post_release_meetings_only() {
    let child = ChildId::random();
    let ep = EpisodeId::random();
    let now = Timestamp::UNIX_EPOCH;
    let planned = planned_meetings(
        &[(DeadlineKind::InitialPlanningMeeting, date(2026, 7, 15))],
        false,
        Some(date(2026, 10, 30)),
        Some(date(2026, 11, 13)),
    );
    let mut stored = sync_meetings(&[], &planned, child, ep, false, now).insert;
    let other_episode = Meeting::planned(child, Some(EpisodeId::random()), &planned[1], now);
    stored.push(other_episode);
    let s = meetings_on_release(&stored, ep, date(2026, 10, 16), Some(date(2026, 10, 30)));
    assert_eq!(s.move_due, [(stored[1].id, date(2026, 10, 16)), (stored[2].id, date(2026, 10, 30))]);
    assert!(s.insert.is_empty() && s.remove.is_empty());
    // Released on the day planned, or the meetings already held: nothing moves.
    assert!(meetings_on_release(&stored, ep, date(2026, 10, 30), Some(date(2026, 11, 13))).is_empty());
    stored[1].status = MeetingStatus::Complete;
    stored[2].status = MeetingStatus::Cancelled;
    assert!(meetings_on_release(&stored, ep, date(2026, 10, 16), Some(date(2026, 10, 30))).is_empty());
}

#[test]
fn status_follows_the_record() {
    let m = meeting();
    let today = date(2026, 11, 22);
    let now = Timestamp::UNIX_EPOCH;
    let scheduled = MeetingPatch {
        scheduled_for: Some("2026-11-13T10:00:00Z".into()),
        location: Some("HMYOI visits hall".into()),
        ..Default::default()
    }
    .apply(&m, None, 0, today, now)
    .unwrap();
    assert_eq!(scheduled.meeting.status, MeetingStatus::Scheduled);
    assert_eq!(scheduled.changes, ["time", "place"]);
    let held = MeetingPatch { held_on: Some("2026-11-13".into()), ..Default::default() }
        .apply(&scheduled.meeting, None, 0, today, now)
        .unwrap();
    assert_eq!(held.meeting.status, MeetingStatus::Held);
    assert_eq!(
        held.meeting.missing(0),
        ["attendance", "the child's views", "carers' views", "decisions", "actions (or that none were agreed)"]
    );
    let done = MeetingPatch {
        attendance: Some(vec![Attendance {
            name: "The child".into(),
            capacity: "".into(),
            presence: Presence::Attended,
        }]),
        child_views: Some("I want to go home to my nan's".into()),
        carer_views: Some("Nan says yes".into()),
        decisions: Some("Accommodation referral today".into()),
        ..Default::default()
    }
    .apply(&held.meeting, None, 1, today, now)
    .unwrap();
    assert_eq!(done.meeting.status, MeetingStatus::Complete);
    assert_eq!(done.meeting.version, m.version + 3);
    assert!(!done.meeting.is_late(today));
}

#[test]
fn cancelling_needs_a_reason_and_statuses_cannot_be_forced() {
    let m = meeting();
    let today = date(2026, 11, 22);
    let e = MeetingPatch { status: Some("cancelled".into()), ..Default::default() }
        .apply(&m, None, 0, today, Timestamp::UNIX_EPOCH)
        .unwrap_err();
    assert!(e.for_field("decisions").is_some());
    let e = MeetingPatch { status: Some("complete".into()), ..Default::default() }
        .apply(&m, None, 0, today, Timestamp::UNIX_EPOCH)
        .unwrap_err();
    assert!(e.for_field("status").is_some());
    let e = MeetingPatch::default().apply(&m, None, 0, today, Timestamp::UNIX_EPOCH).unwrap_err();
    assert!(e.for_field("version").is_some());
}

#[test]
fn a_meeting_past_its_due_date_is_late_until_held() {
    let m = meeting();
    assert!(!m.is_late(date(2026, 11, 16)));
    assert!(m.is_late(date(2026, 11, 17)));
    let held_late = Meeting { status: MeetingStatus::Complete, held_on: Some(date(2026, 11, 18)), ..m.clone() };
    assert!(held_late.is_late(date(2026, 11, 30)));
    let booked_late =
        Meeting { status: MeetingStatus::Scheduled, scheduled_for: Some("2026-11-20T10:00:00Z".parse().unwrap()), ..m };
    assert!(booked_late.is_late(date(2026, 11, 10)));
}

#[test]
fn the_agenda_lists_the_plans_gaps() {
    let a = agenda(MeetingKind::Review, None, &[], date(2026, 11, 22));
    let text: Vec<_> = a.iter().map(|i| i.text.as_str()).collect();
    assert!(text.iter().any(|t| t.starts_with("No needs looked at yet for: Accommodation;")));
    assert!(text.contains(&"Record the child's goals in their own words"));
}

#[test]
fn local_times_are_uk_times() {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    let mut e = ValidationErrors::new();
    let t = parse_local(&mut e, "scheduled_for", "time", Some("2026-07-01"), Some("10:30"), &tz).unwrap();
    if tz != TimeZone::UTC {
        assert_eq!(t.to_string(), "2026-07-01T09:30:00Z");
    }
    let none = parse_local(&mut e, "scheduled_for", "time", Some("2026-07-01"), None, &tz);
    assert!(none.is_none());
    assert!(e.for_field("time").is_some(), "a missing time is the time's problem");
    let bad = parse_local(&mut e, "scheduled_for", "time", Some("2026-07-01"), Some("half ten"), &tz);
    assert!(bad.is_none() && e.for_field("scheduled_for").is_none(), "{e:?}");
}
