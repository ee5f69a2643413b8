//! The top of a child's page: what a practitioner looks for first — custody and release,
//! readiness, the next meeting and deadline, what is late, health handovers waiting and how
//! things stand after release — with the child's other pages one click away.
//!
//! The statuses are the ones the caseload and the readiness pages show
//! (`resettle_domain::readiness::{Progress, Attention}`), so they agree.

use jiff::Timestamp;
use jiff::civil::Date;
use resettle_app::children::ChildRecord;
use resettle_app::readiness::ChildReadiness;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::meeting::{Meeting, MeetingStatus};
use resettle_domain::readiness::{Attention, Progress, Readiness, days_between, relative};

use super::after_release::AfterReleaseView;
use super::{long_date, long_time};

/// One row of the summary: a key, words, and an optional tag and link.
pub struct SummaryRow {
    /// The key.
    pub key: &'static str,
    /// The tag before the words: text and colour.
    pub tag: Option<(String, &'static str)>,
    /// The words.
    pub value: String,
    /// More, on a line of its own.
    pub detail: String,
    /// A link after the words: address and text.
    pub link: Option<(String, &'static str)>,
}

impl SummaryRow {
    fn new(key: &'static str, value: impl Into<String>) -> Self {
        Self { key, tag: None, value: value.into(), detail: String::new(), link: None }
    }
}

/// A link to one of the child's pages.
pub struct RecordLink {
    /// Address.
    pub href: String,
    /// Words.
    pub label: &'static str,
}

/// The summary at the top of the child's page.
pub struct ChildSummary {
    /// Its rows.
    pub rows: Vec<SummaryRow>,
    /// The child's other pages.
    pub links: Vec<RecordLink>,
}

/// What the summary is built from.
pub struct SummaryFacts<'a> {
    /// The record.
    pub record: &'a ChildRecord,
    /// The readiness (for a child in custody).
    pub readiness: Option<&'a ChildReadiness>,
    /// The after-release view, once released.
    pub after_release: Option<&'a AfterReleaseView>,
    /// Whether the reader may see the child's health content.
    pub health_visible: bool,
    /// Today and now.
    pub today: Date,
    /// Now.
    pub now: Timestamp,
}

fn open_meetings(meetings: &[Meeting]) -> Vec<(resettle_domain::meeting::MeetingKind, Date)> {
    let mut v: Vec<_> = meetings
        .iter()
        .filter(|m| matches!(m.status, MeetingStatus::NotScheduled | MeetingStatus::Scheduled))
        .filter_map(|m| m.due_by.map(|d| (m.kind, d)))
        .collect();
    v.sort_by_key(|(_, d)| *d);
    v
}

fn next_meeting(meetings: &[Meeting], now: Timestamp) -> SummaryRow {
    let arranged = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Scheduled)
        .filter(|m| m.scheduled_for.is_some_and(|t| t >= now))
        .min_by_key(|m| m.scheduled_for);
    if let Some(m) = arranged {
        let mut row = SummaryRow::new("Next meeting", m.kind.label());
        row.detail = match (m.scheduled_for, &m.location) {
            (Some(t), Some(place)) => format!("{}, {place}", long_time(t)),
            (Some(t), None) => long_time(t),
            _ => String::new(),
        };
        row.link = Some((format!("/meetings/{}", m.id), "Open the meeting"));
        return row;
    }
    let due = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::NotScheduled && m.due_by.is_some())
        .min_by_key(|m| m.due_by);
    match due {
        Some(m) => {
            let mut row = SummaryRow::new("Next meeting", format!("{}: not yet arranged", m.kind.label()));
            row.detail = m.due_by.map(|d| format!("Due by {}", long_date(d))).unwrap_or_default();
            row.link = Some((format!("/meetings/{}", m.id), "Arrange it"));
            row
        }
        None => SummaryRow::new("Next meeting", "None arranged"),
    }
}

impl ChildSummary {
    /// The summary from the record and what was read beside it.
    pub fn new(f: &SummaryFacts<'_>) -> Self {
        let r = f.record;
        let id = r.child.id;
        let mut rows = Vec::new();
        let open = r.custody.iter().find(|e| e.episode.ended_on.is_none());
        match open {
            Some(e) => {
                let what = if e.episode.kind == EpisodeKind::Remand { "On remand" } else { "Sentenced" };
                let mut row = SummaryRow::new("Custody", what);
                row.tag = Some(("In custody".into(), "govuk-tag--blue"));
                let place = e.placements.iter().rev().find(|p| p.placement.ended_on.is_none());
                row.detail = match place {
                    Some(p) => format!("Since {}, at {}", long_date(e.episode.started_on), p.establishment_name),
                    None => format!("Since {}", long_date(e.episode.started_on)),
                };
                rows.push(row);
            }
            None => {
                let mut row = SummaryRow::new("Custody", "Not in custody");
                row.tag = Some(("In the community".into(), "govuk-tag--grey"));
                if let Some(end) = r.custody.first().and_then(|e| e.episode.ended_on) {
                    row.detail = format!("Released {}", long_date(end));
                }
                rows.push(row);
            }
        }
        let meetings = open_meetings(&r.meetings);
        if let Some(cr) = f.readiness.filter(|cr| cr.row.is_some()) {
            let remand = cr.row.as_ref().is_some_and(|row| row.kind == EpisodeKind::Remand);
            if let Readiness::Assessed { target, .. } = &cr.readiness {
                let key = if remand { "Next court date" } else { "Release date" };
                let row = match target {
                    Some(d) => {
                        let n = days_between(f.today, *d);
                        let mut row = SummaryRow::new(key, long_date(*d));
                        if n > 0 {
                            row.detail = if n == 1 { "In 1 day".into() } else { format!("In {n} days") };
                        }
                        row
                    }
                    None => SummaryRow::new(key, "Not known"),
                };
                rows.push(row);
            }
            if let Some(p) = Progress::of_child(&cr.readiness) {
                let mut row = SummaryRow::new("Readiness for release", "");
                row.tag = Some((p.child_label().into(), p.tag_class()));
                let acting = super::readiness::needing_action(cr.readiness.items());
                row.value = acting.iter().take(3).map(|i| i.short.clone()).collect::<Vec<_>>().join("; ");
                if acting.len() > 3 {
                    row.detail = format!("and {} more", acting.len() - 3);
                }
                row.link = Some((format!("/children/{id}/release-arrangements"), "Release arrangements"));
                rows.push(row);
            }
            let overdue_actions = cr.row.as_ref().map_or(0, |row| row.overdue_actions);
            let attention = Attention::of(&cr.readiness, &meetings, overdue_actions, f.today);
            rows.extend(attention_rows(&attention, f.today));
        } else if !meetings.is_empty() {
            let attention = Attention::of(&Readiness::NotApplicable, &meetings, 0, f.today);
            rows.extend(attention_rows(&attention, f.today));
        }
        if open.is_some() || !meetings.is_empty() {
            rows.push(next_meeting(&r.meetings, f.now));
        }
        if let Some(n) = f.readiness.and_then(|cr| cr.unacknowledged_handovers) {
            let mut row = SummaryRow::new(
                "Health handovers waiting",
                match n {
                    0 => "None".to_string(),
                    1 => "1 waiting for acknowledgement".to_string(),
                    n => format!("{n} waiting for acknowledgement"),
                },
            );
            if n > 0 {
                row.link = Some((format!("/children/{id}/health"), "Health handovers"));
            }
            rows.push(row);
        }
        if let Some(a) = f.after_release {
            let mut row = SummaryRow::new("After release", format!("Next appointment: {}", a.next_appointment));
            row.tag = Some((a.compliance.0.clone(), a.compliance.1));
            row.detail = format!("Released {}", a.released);
            row.link = Some((format!("/children/{id}/after-release"), "After release"));
            rows.push(row);
        }

        let mut links = Vec::new();
        if !r.custody.is_empty() {
            links.push(RecordLink { href: format!("/children/{id}/plan"), label: "Resettlement plan" });
            links.push(RecordLink { href: format!("/children/{id}/plan#meetings"), label: "Meetings" });
        }
        if open.is_some() {
            links.push(RecordLink { href: format!("/children/{id}/release-arrangements"), label: "Readiness" });
        }
        if f.health_visible {
            links.push(RecordLink { href: format!("/children/{id}/health"), label: "Health" });
        }
        if f.after_release.is_some() {
            links.push(RecordLink { href: format!("/children/{id}/after-release"), label: "After release" });
        }
        links.push(RecordLink { href: "#timeline".into(), label: "Timeline" });
        ChildSummary { rows, links }
    }
}

fn attention_rows(a: &Attention, today: Date) -> Vec<SummaryRow> {
    let next = match &a.next {
        Some(n) => {
            let mut row = SummaryRow::new("Next deadline", n.what);
            row.detail = format!("{}, {}", long_date(n.due_by), relative(n.due_by, today));
            row
        }
        None => SummaryRow::new("Next deadline", "None"),
    };
    let mut overdue = SummaryRow::new(
        "Overdue",
        match a.overdue {
            0 => "Nothing overdue".to_string(),
            1 => "1 thing overdue".to_string(),
            n => format!("{n} things overdue"),
        },
    );
    if a.overdue > 0 {
        overdue.tag = Some(("Overdue".into(), "govuk-tag--red"));
    }
    vec![next, overdue]
}
