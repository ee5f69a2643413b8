//! The child's page, after release: the post-release period at a glance, in words.

use jiff::Timestamp;
use jiff::civil::Date;

use resettle_app::community::PostRelease;
use resettle_domain::community::ComplianceStatus;

use super::{long_date, long_time};

/// What the child's page shows about the period after release.
pub struct AfterReleaseView {
    /// "12 June 2024 (173 days ago)".
    pub released: String,
    /// How the child left, in words.
    pub how: String,
    /// The day supervision ends, or why there is none.
    pub supervision: String,
    /// The day the follow-up ends.
    pub follow_up: String,
    /// Compliance in words, and its tag's colour class.
    pub compliance: (String, &'static str),
    /// Unacceptable absences, warnings, breaches and recalls, in words.
    pub compliance_detail: String,
    /// The next appointment, in words.
    pub next_appointment: String,
    /// Arrests and offences since release, in words.
    pub offences: String,
    /// Where the child lives now.
    pub living: String,
    /// Education, training or employment now.
    pub ete: String,
    /// The 18th birthday, and what follows from it.
    pub turns_18: String,
    /// The outcome measures due, in words (empty before release).
    pub measures_due: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

impl AfterReleaseView {
    /// The view of `p` on `today` (at `now`); `None` when the child has not been released.
    pub fn new(p: &PostRelease, today: Date, now: Timestamp) -> Option<Self> {
        let released_on = p.released_on?;
        let days = p.days_since_release.unwrap_or_default();
        let ago = match days {
            0 => "today".to_string(),
            1 => "yesterday".to_string(),
            n if n > 1 => format!("{n} days ago"),
            _ => "not yet".to_string(),
        };
        let compliance = match &p.compliance {
            None => (String::from("Not known"), "govuk-tag--grey"),
            Some(c) => (
                c.status.label().to_string(),
                match c.status {
                    ComplianceStatus::Complying => "govuk-tag--green",
                    ComplianceStatus::Warned => "govuk-tag--yellow",
                    ComplianceStatus::Breach | ComplianceStatus::Recalled => "govuk-tag--orange",
                },
            ),
        };
        let compliance_detail = p.compliance.as_ref().map_or_else(String::new, |c| {
            if c.fully_complied {
                "No unacceptable absence, warning, breach or recall so far".to_string()
            } else {
                [
                    plural(c.unacceptable_absences as usize, "unacceptable absence", "unacceptable absences"),
                    plural(c.warnings as usize, "warning", "warnings"),
                    plural(c.breaches as usize, "breach", "breaches"),
                    plural(c.recalls as usize, "recall", "recalls"),
                ]
                .join(", ")
            }
        });
        let next_appointment = match p.next_appointment(now) {
            Some(a) => format!("{}, {}", a.kind.label(), long_time(a.starts_at)),
            None => "None booked".to_string(),
        };
        let since: Vec<_> = p.offences.iter().filter(|o| o.counted_on().is_some_and(|d| d >= released_on)).collect();
        let offences = match since.len() {
            0 => "None recorded".to_string(),
            n => format!(
                "{n} since release (latest: {}, {})",
                since.last().map_or("", |o| o.category.label()),
                since.last().map_or("", |o| o.outcome.label()).to_lowercase()
            ),
        };
        let living = match p.living_arrangements.iter().rev().find(|l| l.from <= today) {
            None => "Not recorded".to_string(),
            Some(l) if l.suitable => format!("{} since {}", l.kind.label(), long_date(l.from)),
            Some(l) => format!(
                "{} since {}: not suitable ({})",
                l.kind.label(),
                long_date(l.from),
                l.reason.as_deref().unwrap_or("no reason given")
            ),
        };
        let ete = match p.ete_placements.iter().rev().find(|e| e.from <= today) {
            None => "Not recorded".to_string(),
            Some(e) => {
                let attended = e.hours_attended.map(|h| format!(", {h} attended")).unwrap_or_default();
                format!(
                    "{} since {}: {} hours a week offered{attended}",
                    e.kind.label(),
                    long_date(e.from),
                    e.hours_offered
                )
            }
        };
        Some(Self {
            released: format!("{} ({ago})", long_date(released_on)),
            how: p.release_kind.map_or("Not recorded".to_string(), |k| k.label().to_string()),
            supervision: match p.supervision_ends_on {
                Some(d) => long_date(d),
                None => "No supervision after release from remand".to_string(),
            },
            follow_up: p.follow_up_ends_on.map(long_date).unwrap_or_default(),
            compliance,
            compliance_detail,
            next_appointment,
            offences,
            living,
            ete,
            turns_18: match (p.probation_transfers.last(), p.turns_18_during_supervision) {
                (Some(t), _) => format!(
                    "{}; supervision passed to {} on {}",
                    long_date(p.turns_18_on),
                    t.probation_delivery_unit,
                    long_date(t.transferred_on)
                ),
                (None, true) => {
                    format!(
                        "{}, during supervision: plan the transfer to the Probation Service",
                        long_date(p.turns_18_on)
                    )
                }
                (None, false) => long_date(p.turns_18_on),
            },
            measures_due: measures_words(p, today),
        })
    }
}

/// The measurements due after release in words: the next one due, and those missed (for
/// people who may see whether they were taken).
fn measures_words(p: &PostRelease, today: Date) -> String {
    let point = |months: i8| if months == 0 { "at release".to_string() } else { format!("at {months} months") };
    let next = p.measures_due.iter().find(|m| m.due_on >= today && m.recorded != Some(true));
    let missed: Vec<String> = p
        .measures_due
        .iter()
        .filter(|m| m.due_on < today && m.recorded == Some(false))
        .map(|m| point(m.months))
        .collect();
    let mut words = Vec::new();
    if let Some(m) = next {
        words.push(format!("SDQ and HoNOSCA due {} ({})", point(m.months), long_date(m.due_on)));
    }
    if !missed.is_empty() {
        words.push(format!("not recorded {}", missed.join(", ")));
    }
    words.join("; ")
}
