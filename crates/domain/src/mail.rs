//! Email: what is queued in the outbox, and when a failed send is tried again.
//!
//! Emails carry no child's name and no health detail: they say that something is waiting and
//! link to the service, where the access policy decides what the reader sees.

use jiff::SignedDuration;

use crate::org::{Email, string_enum};
use crate::validation::{ValidationErrors, required_line, required_text};

/// The first retry comes this long after a failure; each later one waits twice as long.
pub const FIRST_RETRY: SignedDuration = SignedDuration::from_mins(1);

/// No retry waits longer than this: a relay that comes back is used within the hour.
pub const LONGEST_RETRY: SignedDuration = SignedDuration::from_hours(1);

/// How long to wait before trying again a message that has failed `attempts` times (at least
/// once): 1, 2, 4, 8 … minutes, never more than an hour. A message is never given up on.
pub fn retry_delay(attempts: u32) -> SignedDuration {
    let doublings = attempts.saturating_sub(1).min(16);
    let minutes = FIRST_RETRY.as_mins().saturating_mul(1_i64 << doublings);
    SignedDuration::from_mins(minutes).min(LONGEST_RETRY)
}

/// An email to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The recipient.
    pub to: Email,
    /// One line, no line breaks.
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// When set, a second message with the same key is not queued (one escalation, one digest
    /// a day).
    pub dedupe_key: Option<String>,
}

impl OutgoingEmail {
    /// Checks a message before it is queued: an address, a one-line subject of at most 200
    /// characters, and a body.
    pub fn new(to: &str, subject: &str, body: &str, dedupe_key: Option<String>) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let to = Email::parse(to).map_err(|m| e.add("to", m)).ok();
        let subject = required_line(&mut e, "subject", "A subject", Some(subject), 200);
        if subject.contains(['\r', '\n']) {
            e.add("subject", "The subject must be one line");
        }
        let body = required_text(&mut e, "body", "The message", Some(body), 20_000);
        match to {
            Some(to) if e.is_empty() => Ok(Self { to, subject, body, dedupe_key }),
            _ => Err(e),
        }
    }
}

string_enum!(
    /// How a person wants to hear about new notifications by email.
    EmailPreference, "email preference" {
        /// One email for each notification, as it happens.
        Each => "each", "An email for each notification";
        /// One email a day, after 7am, counting the day's notifications.
        DailyDigest => "daily_digest", "One email a day, a summary";
        /// No emails: notifications only in Resettle.
        Never => "none", "No emails";
    }
);

/// From this hour (UK time) the day's digests are sent, covering the 24 hours before it.
pub const DIGEST_HOUR: i8 = 7;

/// The daily digest: how many notifications of each kind (`(kind, count)`) arrived in the day
/// before; no child's name.
pub fn digest_email(counts: &[(String, i64)]) -> (String, String) {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut body = format!(
        "You have {total} new notification{} in Resettle from the last 24 hours:\n\n",
        if total == 1 { "" } else { "s" }
    );
    for (kind, n) in counts {
        let what = match kind.as_str() {
            "handover.overdue" => "health handovers not acknowledged in time",
            "readiness.escalated" => "release arrangements needing attention",
            "action.overdue" => "overdue actions",
            _ => "other notifications",
        };
        body.push_str(&format!("- {n} about {what}\n"));
    }
    body.push_str("\nSign in to Resettle and open Notifications to see them. This email does not name any child.\n");
    (format!("Resettle: {total} new notification{} today", if total == 1 { "" } else { "s" }), body)
}

/// The email sent for an in-app notification of `kind`: a subject and a body that say what
/// kind of thing is waiting and where to find it, and nothing about the child.
pub fn notification_email(kind: &str) -> (String, String) {
    let what = match kind {
        "handover.overdue" => "A health handover you oversee has not been acknowledged in time",
        "readiness.escalated" => "A child's release arrangements need attention",
        "action.overdue" => "An action you oversee is overdue",
        _ => "You have a new notification",
    };
    (
        format!("Resettle: {}", what.to_lowercase()),
        format!(
            "{what}.\n\nSign in to Resettle and open Notifications to see it. This email does not \
             name the child: the details are in Resettle, where only the people who may see them can.\n"
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retries_back_off_from_a_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| retry_delay(n).as_mins()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_delay(0), FIRST_RETRY);
        assert_eq!(retry_delay(u32::MAX), LONGEST_RETRY);
    }

    proptest! {
        #[test]
        fn a_later_failure_never_waits_less(n in 0u32..10_000) {
            prop_assert!(retry_delay(n + 1) >= retry_delay(n));
            prop_assert!(retry_delay(n) >= FIRST_RETRY && retry_delay(n) <= LONGEST_RETRY);
        }
    }

    #[test]
    fn a_digest_counts_by_kind_and_names_no_child() {
        let (subject, body) = digest_email(&[("handover.overdue".into(), 2), ("action.overdue".into(), 1)]);
        assert_eq!(subject, "Resettle: 3 new notifications today");
        assert!(body.contains("- 2 about health handovers not acknowledged in time\n"), "{body}");
        assert!(body.contains("- 1 about overdue actions\n"), "{body}");
        assert_eq!("daily_digest".parse::<EmailPreference>(), Ok(EmailPreference::DailyDigest));
        assert!("weekly".parse::<EmailPreference>().is_err());
    }

    #[test]
    fn notification_emails_name_no_child() {
        let (subject, body) = notification_email("handover.overdue");
        assert_eq!(subject, "Resettle: a health handover you oversee has not been acknowledged in time");
        assert!(body.starts_with("A health handover you oversee has not been acknowledged in time."));
        assert!(notification_email("something.new").0.contains("new notification"));
    }

    #[test]
    fn a_message_needs_an_address_a_one_line_subject_and_a_body() {
        let ok = OutgoingEmail::new("sam.worker@yjs.example.org", "A handover is waiting", "Open Resettle.", None);
        assert!(ok.is_ok());
        let bad = OutgoingEmail::new("not an address", "Two\nlines", " ", None).unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["to", "subject", "body"]);
    }
}
