//! Notifications in words: each group (one child, one kind) as one line a person can act on,
//! repeats collapsed ("3 reminders about an overdue health handover, latest 2 December 2026").
//! The page itself is `health::notifications_page`.

use resettle_app::storage::NotificationGroup;

use super::{long_date, long_time};

/// One group as shown.
pub struct GroupLine {
    /// The child's id, empty when the group is about no child (for the mark-read form).
    pub child_id: String,
    /// The stored kind (for the mark-read form only; never shown).
    pub kind: String,
    /// Whom it is about.
    pub heading: String,
    /// How many and when, in words.
    pub summary: String,
    /// The newest notification's words.
    pub message: String,
    /// Where to act on it.
    pub link: Option<String>,
    /// Not yet read.
    pub unread: u64,
}

/// What one notification of `kind` is, and several.
pub fn kind_words(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "handover.overdue" => {
            ("reminder about an overdue health handover", "reminders about an overdue health handover")
        }
        "readiness.escalated" => ("escalation about release readiness", "escalations about release readiness"),
        "action.overdue" => ("reminder about an overdue action", "reminders about overdue actions"),
        "appointment.outcome_due" => {
            ("reminder to record an appointment's outcome", "reminders to record appointments' outcomes")
        }
        "child.turning_18" => ("alert about turning 18", "alerts about turning 18"),
        "child.imported" => ("notice about an imported record", "notices about imported records"),
        _ => ("notification", "notifications"),
    }
}

/// How many notifications a group holds and when the newest came, in words.
pub fn summary(kind: &str, count: u64, latest: jiff::Timestamp) -> String {
    let (one, many) = kind_words(kind);
    match count {
        0 | 1 => {
            let mut first = one.chars();
            let one = first.next().map(|c| c.to_uppercase().collect::<String>() + first.as_str()).unwrap_or_default();
            format!("{one}, {}", long_time(latest))
        }
        n => format!("{n} {many}, latest {}", long_date(latest)),
    }
}

impl From<&NotificationGroup> for GroupLine {
    fn from(g: &NotificationGroup) -> Self {
        let n = &g.latest;
        Self {
            child_id: n.child_id.map(|c| c.to_string()).unwrap_or_default(),
            kind: n.kind.clone(),
            heading: match (&g.child_name, n.child_id) {
                (Some(name), _) => name.clone(),
                (None, Some(_)) => "A child whose record is no longer held".to_string(),
                (None, None) => "Not about one child".to_string(),
            },
            summary: summary(&n.kind, g.count, n.created_at),
            message: n.message.clone(),
            link: n.link.clone(),
            unread: g.unread,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn repeats_are_counted_in_words_with_the_latest_day() {
        let at: jiff::Timestamp = "2026-12-02T09:30:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(
            summary("handover.overdue", 3, at),
            "3 reminders about an overdue health handover, latest 2 December 2026"
        );
        assert_eq!(summary("action.overdue", 1, at), "Reminder about an overdue action, 2 December 2026 at 09:30");
        assert_eq!(summary("something.new", 2, at), "2 notifications, latest 2 December 2026");
    }
}
