//! A meeting as an iCalendar object (RFC 5545), written by the `icalendar` crate.
//!
//! The invitation leaves Resettle for people's calendars, so it carries as little as it can:
//! the child by initials, the standing agenda items and a count of open needs, never a health
//! detail. There is no `METHOD` (it is a calendar object to import, not an iTIP message), so
//! attendees may be listed; those without an email address are named in the description.

use chrono::{DateTime, Utc};
use icalendar::{Attendee, Calendar, Class, Component, EventLike, EventStatus, Role};
use jiff::Timestamp;

use resettle_domain::meeting::MeetingStatus;

use resettle_domain::ids::MeetingId;

use crate::plan::{CHILD_CAPACITY, MeetingDetail};
use crate::{App, AppError, AppResult, Ctx};

fn utc(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.as_second(), t.subsec_nanosecond().try_into().unwrap_or(0)).unwrap_or_default()
}

fn initials(given: &str, family: &str) -> String {
    [given, family].iter().filter_map(|n| n.chars().next()).flat_map(|c| c.to_uppercase().chain(['.'])).collect()
}

/// When the invitation is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// A scheduled start.
    At(Timestamp),
    /// Not scheduled yet: an all-day placeholder on the day it is due by, to hold the date.
    DueBy(jiff::civil::Date),
}

/// The invitation for `detail`'s meeting, prepared by `by` at `now`.
pub fn ics(detail: &MeetingDetail, when: When, by: &str, now: Timestamp) -> String {
    let m = &detail.meeting.meeting;
    let who = initials(&detail.child.details.given_name, &detail.child.details.family_name);
    let mut description = vec![format!("{} for {who}, prepared in Resettle by {by}.", detail.meeting.title)];
    description.push(String::new());
    description.push("Agenda:".into());
    let mut open_needs = 0;
    for item in &detail.agenda {
        if item.pathway.is_some() {
            open_needs += 1;
        } else {
            description.push(format!("- {}", item.text));
        }
    }
    if open_needs > 0 {
        description.push(format!("- Open needs on the plan: {open_needs} (see the plan in Resettle)"));
    }
    // The child is named by initials here too: the file is forwarded and synced to phones.
    let without_email: Vec<String> = detail
        .invitees
        .iter()
        .filter(|i| i.email.is_none())
        .map(|i| {
            let name = if i.capacity == CHILD_CAPACITY { who.as_str() } else { i.name.as_str() };
            format!("{name} ({})", i.capacity)
        })
        .collect();
    if !without_email.is_empty() {
        description.push(String::new());
        description.push(format!("Also invited: {}", without_email.join("; ")));
    }
    let mut event = icalendar::Event::new();
    let summary = match when {
        When::At(start) => {
            let minutes = i64::from(m.duration_minutes.max(15));
            let end = start.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap_or(start);
            event.starts(utc(start)).ends(utc(end));
            format!("{} – {who}", detail.meeting.title)
        }
        When::DueBy(day) => {
            if let Some(d) = chrono::NaiveDate::from_ymd_opt(
                i32::from(day.year()),
                day.month().unsigned_abs().into(),
                day.day().unsigned_abs().into(),
            ) {
                event.all_day(d);
            }
            format!("{} – {who} (to be arranged: due by this day)", detail.meeting.title)
        }
    };
    event
        .uid(&format!("{}@resettle", m.id))
        .sequence(u32::try_from(m.version).unwrap_or(0))
        .timestamp(utc(now))
        .summary(&summary)
        .description(&description.join("\n"))
        .class(Class::Confidential)
        .status(if m.status == MeetingStatus::Cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if let Some(l) = &m.location {
        event.location(l);
    }
    for i in detail.invitees.iter().filter(|i| i.email.is_some()) {
        if let Some(email) = &i.email {
            event.attendee(Attendee::new(format!("mailto:{email}")).cn(i.name.clone()).role(Role::ReqParticipant));
        }
    }
    let mut cal = Calendar::new();
    cal.name("Resettle").push(event.done());
    cal.done().to_string()
}

/// An appointment after release as an iCalendar object: the child by initials, the kind, place
/// and person, an hour long (the time a supervision session is usually booked for), with
/// `SEQUENCE` following the appointment's version. A cancelled or rescheduled appointment is
/// sent as cancelled, so a calendar that imported it drops it.
pub fn appointment_ics(
    a: &resettle_domain::community::Appointment,
    child: &resettle_domain::child::Child,
    by: &str,
    now: Timestamp,
) -> String {
    use resettle_domain::community::AppointmentOutcome;
    let who = initials(&child.details.given_name, &child.details.family_name);
    let end = a.starts_at.checked_add(jiff::SignedDuration::from_hours(1)).unwrap_or(a.starts_at);
    let mut description = vec![format!("{} appointment for {who}, booked in Resettle by {by}.", a.kind.label())];
    if let Some(w) = &a.with_whom {
        description.push(format!("With {w}."));
    }
    let cancelled = matches!(a.outcome, Some(AppointmentOutcome::CancelledByService | AppointmentOutcome::Rescheduled));
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@resettle", a.id))
        .sequence(u32::try_from(a.version).unwrap_or(0))
        .timestamp(utc(now))
        .starts(utc(a.starts_at))
        .ends(utc(end))
        .summary(&format!("{} – {who}", a.kind.label()))
        .description(&description.join("\n"))
        .class(Class::Confidential)
        .status(if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if let Some(l) = &a.location {
        event.location(l);
    }
    let mut cal = Calendar::new();
    cal.name("Resettle").push(event.done());
    cal.done().to_string()
}

impl App {
    /// The meeting as an iCalendar (RFC 5545) invitation: the time, place, agenda and
    /// invitees, with `SEQUENCE` following the meeting's version so calendars take updates.
    pub async fn meeting_invite(&self, ctx: &Ctx, id: MeetingId) -> AppResult<String> {
        let detail = self.meeting(ctx, id).await?;
        let m = &detail.meeting.meeting;
        let when = match (m.scheduled_for, m.due_by) {
            (Some(start), _) => When::At(start),
            (None, Some(due)) => When::DueBy(due),
            (None, None) => {
                return Err(AppError::invalid(
                    "scheduled_for",
                    "The meeting has no time or due date yet: schedule it before sending the invitation",
                ));
            }
        };
        Ok(ics(&detail, when, &ctx.actor.name, self.now()))
    }
}
