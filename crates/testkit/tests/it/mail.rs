//! Email through the outbox, against a real SMTP server on loopback: nothing is lost while the
//! relay is down or the service restarts, and nothing is sent twice.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use resettle_app::mail::{Delivery, MailSettings};
use resettle_app::storage::Notification;
use resettle_app::storage::{OutboxCounts, Storage};
use resettle_app::{App, Clock, Config};
use resettle_domain::ids::{NotificationId, UserId};
use resettle_domain::mail::EmailPreference;
use resettle_domain::mail::OutgoingEmail;
use resettle_testkit::smtp::{SmtpRelay, free_port};
use resettle_testkit::{Backend, fresh_db, open_store, spawn_app_at};

use crate::support::on_every_backend;

on_every_backend!(
    email_survives_a_relay_outage_and_a_restart,
    two_senders_never_send_the_same_message,
    without_a_relay_email_waits_in_the_outbox,
    each_person_gets_notifications_by_email_as_they_chose,
);

fn app(store: Arc<dyn Storage>, relay: Option<String>, at: Timestamp) -> App {
    let mail = MailSettings { relay, timeout: std::time::Duration::from_secs(5), ..MailSettings::default() };
    App::new(store, Config { mail, ..Config::default() }).with_clock(Clock::Fixed(at))
}

fn email(n: usize, key: Option<&str>) -> OutgoingEmail {
    OutgoingEmail::new(
        &format!("worker{n}@yjs-a.example.org"),
        &format!("Resettle: a handover is waiting ({n})"),
        "A handover is waiting for you in Resettle.",
        key.map(str::to_string),
    )
    .unwrap()
}

fn t0() -> Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

async fn email_survives_a_relay_outage_and_a_restart(b: Backend) -> anyhow::Result<()> {
    let db = fresh_db(b).await?;
    let mut relay = SmtpRelay::start(free_port()?).await?;
    relay.stop(); // the relay is down
    let first = app(db.store.clone(), Some(relay.url()), t0());
    assert_eq!(
        first
            .queue_emails(&[email(1, Some("escalation:1")), email(2, None)])
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        2
    );
    // The same escalation again is not queued twice.
    assert_eq!(first.queue_emails(&[email(1, Some("escalation:1"))]).await?, 0);

    let tried = first.deliver_email().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(tried, Delivery { sent: 0, failed: 2, no_relay: false });
    assert_eq!(first.outbox_counts().await?, OutboxCounts { waiting: 0, retrying: 2, sent: 0 });
    // Not due again until the back-off has passed.
    assert_eq!(first.deliver_email().await?, Delivery::default());

    // The service restarts (a new connection to the same database) and the relay comes back.
    drop(first);
    let store = open_store(b, &db.url).await?;
    relay.restart().await?;
    let early = app(store.clone(), Some(relay.url()), t0() + SignedDuration::from_secs(30));
    assert_eq!(early.deliver_email().await?, Delivery::default(), "the first retry waits a minute");

    let later = app(store.clone(), Some(relay.url()), t0() + SignedDuration::from_secs(61));
    assert_eq!(later.deliver_email().await?, Delivery { sent: 2, failed: 0, no_relay: false });
    assert_eq!(later.outbox_counts().await?, OutboxCounts { waiting: 0, retrying: 0, sent: 2 });
    let messages = relay.messages()?;
    assert_eq!(messages.len(), 2, "{messages:?}");
    for (n, m) in [1, 2].iter().zip(&messages) {
        assert!(m.contains(&format!("Subject: Resettle: a handover is waiting ({n})")), "{m}");
        assert!(m.contains(&format!("X-RcptTo: worker{n}@yjs-a.example.org")), "{m}");
        assert!(m.contains("Message-ID: <"), "{m}");
    }

    // Sent is sent: another run, even much later, sends nothing again.
    let next_day = app(store, Some(relay.url()), t0() + SignedDuration::from_hours(24));
    assert_eq!(next_day.deliver_email().await?, Delivery::default());
    assert_eq!(relay.messages()?.len(), 2);
    Ok(())
}

async fn two_senders_never_send_the_same_message(b: Backend) -> anyhow::Result<()> {
    let db = fresh_db(b).await?;
    let relay = SmtpRelay::start(free_port()?).await?;
    let one = app(db.store.clone(), Some(relay.url()), t0());
    let other = app(open_store(b, &db.url).await?, Some(relay.url()), t0());
    let emails: Vec<_> = (0..20).map(|n| email(n, None)).collect();
    one.queue_emails(&emails).await?;
    let (a, c) = tokio::join!(one.deliver_email(), other.deliver_email());
    let (a, c) = (a?, c?);
    assert_eq!(a.sent + c.sent, 20, "{a:?} {c:?}");
    assert_eq!(a.failed + c.failed, 0);
    let messages = relay.messages()?;
    assert_eq!(messages.len(), 20);
    let mut ids: Vec<&str> = messages.iter().filter_map(|m| m.lines().find(|l| l.starts_with("Message-ID:"))).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "every message once");
    Ok(())
}

async fn without_a_relay_email_waits_in_the_outbox(b: Backend) -> anyhow::Result<()> {
    let db = fresh_db(b).await?;
    let quiet = app(db.store.clone(), None, t0());
    quiet.queue_emails(&[email(1, None)]).await?;
    assert_eq!(quiet.deliver_email().await?, Delivery { sent: 0, failed: 0, no_relay: true });
    assert_eq!(quiet.outbox_counts().await?, OutboxCounts { waiting: 1, retrying: 0, sent: 0 });
    // A bad relay setting is refused when the service starts, saying what to write.
    let bad = MailSettings { relay: Some("mail.example.org".into()), ..MailSettings::default() };
    assert!(bad.check().unwrap_err().contains("smtp://"));
    Ok(())
}

fn note(user: UserId, kind: &str, key: &str, at: Timestamp) -> Notification {
    Notification {
        id: NotificationId::random(),
        user_id: user,
        child_id: None,
        kind: kind.into(),
        message: "Rhea Quill: something is waiting".into(),
        link: None,
        created_at: at,
        read_at: None,
        dedupe_key: key.into(),
    }
}

/// One email per notification by default; one summary a day (from 7am UK time, for the 24 hours
/// before it) for those who ask; none for those who opt out. Chosen on the notifications page.
async fn each_person_gets_notifications_by_email_as_they_chose(b: Backend) -> anyhow::Result<()> {
    // Monday 23 November 2026, 06:30 UK time (GMT).
    let early: Timestamp = "2026-11-23T06:30:00Z".parse()?;
    let t = spawn_app_at(b, early).await?;
    t.org("YJS-A", "yjs").await?;
    let (each, _) = t.user("eve.each@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let (digest, _) = t.user("dan.digest@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let (quiet, _) = t.user("nia.none@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    let store = t.app.store();

    // Dan chooses the digest on the page; a value that is not offered is refused.
    let browser = t.browser()?;
    browser.sign_in_ok("nia.none@yjs-a.example.org").await?;
    let page = browser.get("/notifications").await?;
    assert!(page.body.contains(r#"value="each" checked"#), "each is the default");
    let csrf = page.csrf_token().unwrap();
    let r = browser
        .post_form("/notifications/email", &[("csrf_token", csrf.as_str()), ("email_preference", "weekly")])
        .await?;
    assert_eq!(r.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("govuk-error-summary"), "{}", r.body);
    let r = browser
        .post_form("/notifications/email", &[("csrf_token", csrf.as_str()), ("email_preference", "none")])
        .await?;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER);
    assert_eq!(store.email_preference(quiet.id).await?, EmailPreference::Never);
    let page = browser.get("/notifications?saved=1").await?;
    assert!(page.body.contains(r#"value="none" checked"#), "{}", page.body);
    store.set_email_preference(digest.id, EmailPreference::DailyDigest).await?;

    // Three notifications each, yesterday evening.
    let evening: Timestamp = "2026-11-22T18:00:00Z".parse()?;
    let mut notes = Vec::new();
    for (user, who) in [(each.id, "e"), (digest.id, "d"), (quiet.id, "q")] {
        notes.push(note(user, "handover.overdue", &format!("{who}1"), evening));
        notes.push(note(user, "handover.overdue", &format!("{who}2"), evening));
        notes.push(note(user, "action.overdue", &format!("{who}3"), evening));
    }
    store.insert_notifications(&notes).await?;
    // Eve's three were queued with them; Dan's wait for the digest; Nia gets none.
    assert_eq!(t.app.outbox_counts().await?.waiting, 3);

    // Before 7am no digest; from 7am one, once.
    assert_eq!(t.app.queue_digests(early).await?, 0);
    let seven: Timestamp = "2026-11-23T07:05:00Z".parse()?;
    assert_eq!(t.app.queue_digests(seven).await?, 1);
    assert_eq!(t.app.queue_digests(seven + SignedDuration::from_mins(30)).await?, 0, "one a day");
    let queued = store.take_due_emails(seven, seven, 10).await?;
    let to: Vec<&str> = queued.iter().map(|q| q.email.to.as_str()).collect();
    assert_eq!(to.iter().filter(|a| **a == "eve.each@yjs-a.example.org").count(), 3, "{to:?}");
    assert!(!to.contains(&"nia.none@yjs-a.example.org"), "{to:?}");
    let dan: Vec<_> = queued.iter().filter(|q| q.email.to.as_str() == "dan.digest@yjs-a.example.org").collect();
    assert_eq!(dan.len(), 1, "{queued:?}");
    assert_eq!(dan[0].email.subject, "Resettle: 3 new notifications today");
    assert!(dan[0].email.body.contains("- 2 about health handovers not acknowledged in time"), "{}", dan[0].email.body);
    assert!(queued.iter().all(|q| !q.email.body.contains("Rhea")), "no child's name in any email");
    Ok(())
}
