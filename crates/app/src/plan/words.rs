//! Timeline sentences for changes to a meeting or an action, written as a colleague would.

use resettle_domain::meeting::{Meeting, MeetingChange, join_words, record_sentence};

/// What happened to a meeting: arranged, moved, cancelled, held and recorded.
pub(super) fn meeting_sentence(before: &Meeting, change: &MeetingChange) -> String {
    let after = &change.meeting;
    let title = before.title();
    let has = |w: &str| change.changes.contains(&w);
    if has("cancelled") {
        return format!("{title} cancelled");
    }
    let arranging = ["time", "place", "length"];
    let recorded: Vec<&str> =
        change.changes.iter().copied().filter(|c| !arranging.contains(c) && *c != "day held").collect();
    if recorded.is_empty() && !has("day held") {
        let when = after.scheduled_for.map(|t| t.to_zoned(crate::london()).strftime("%-d %B %Y at %H:%M").to_string());
        let place = after.location.as_deref().map(|l| format!(", at {l}")).unwrap_or_default();
        return match (when, has("time")) {
            (Some(w), true) if before.scheduled_for.is_none() => format!("{title} arranged for {w}{place}"),
            (Some(w), true) => format!("{title} moved to {w}{place}"),
            (None, true) => format!("{title}: the time was cleared"),
            _ if has("place") => match &after.location {
                Some(l) => format!("{title} now at {l}"),
                None => format!("{title}: the place was cleared"),
            },
            _ => format!("{title} now {} minutes long", after.duration_minutes),
        };
    }
    record_sentence(&title, after.held_on, has("day held"), &recorded, after.status)
}

/// What happened to an action, from the words of each change ("status from Open to Done").
pub(super) fn action_sentence(description: &str, changes: &[String]) -> String {
    let words: Vec<String> = changes
        .iter()
        .map(|c| {
            if let Some(rest) = c.strip_prefix("status from ") {
                format!("moved from {rest}")
            } else if let Some(day) = c.strip_prefix("due date to ") {
                format!("now due by {day}")
            } else {
                match c.as_str() {
                    "due date removed" => "no longer has a due date".to_string(),
                    "description" => "reworded".to_string(),
                    "owning organisation" => "given to another organisation".to_string(),
                    "owner" => "given to another person".to_string(),
                    other => format!("changed ({other})"),
                }
            }
        })
        .collect();
    format!("Action \u{201c}{description}\u{201d} {}", join_words(&words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_change_reads_as_a_sentence() {
        let changes = vec!["status from Open to Done".to_string(), "due date to 4 December 2026".to_string()];
        assert_eq!(
            action_sentence("Book the college interview", &changes),
            "Action \u{201c}Book the college interview\u{201d} moved from Open to Done and now due by 4 December 2026"
        );
    }
}
