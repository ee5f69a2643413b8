//! Email through the outbox, against a real SMTP server on loopback: nothing is lost while the
//! relay is down or the service restarts, and nothing is sent twice.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use resettle_app::mail::{Delivery, MailSettings};
use resettle_app::storage::{OutboxCounts, Storage};
use resettle_app::{App, Clock, Config};
use resettle_domain::mail::OutgoingEmail;
use resettle_testkit::smtp::{SmtpRelay, free_port};
use resettle_testkit::{Backend, fresh_db, open_store};

use crate::support::on_every_backend;

on_every_backend!(
    email_survives_a_relay_outage_and_a_restart,
    two_senders_never_send_the_same_message,
    without_a_relay_email_waits_in_the_outbox,
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
