//! Email through the outbox: messages are queued in the database and sent to the configured
//! SMTP relay by [`App::deliver_email`], which the service's sweep runs. A message stays in the
//! outbox until the relay accepts it; a refused or failed send is tried again later (1, 2, 4 …
//! minutes, at most an hour apart: [`resettle_domain::mail::retry_delay`]), so an outage of the
//! relay or a restart of the service loses nothing.

use std::time::Duration;

use jiff::SignedDuration;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;

use resettle_domain::mail::{DIGEST_HOUR, EmailPreference, OutgoingEmail, digest_email, retry_delay};
use resettle_domain::validation::ValidationErrors;

use crate::storage::{OutboxCounts, QueuedEmail};
use crate::{App, AppError, AppResult, Ctx};

/// The `[mail]` section of the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailSettings {
    /// The relay, as an `smtp://host:port` URL (with `user:password@` when it asks for them);
    /// `None` keeps messages in the outbox unsent.
    pub relay: Option<String>,
    /// The sender, e.g. `Resettle <resettle@yjs.example.org>`.
    pub from: String,
    /// How long one send may take before it counts as failed.
    pub timeout: Duration,
    /// The most messages one delivery run sends.
    pub batch: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            relay: None,
            from: "Resettle <resettle@localhost.invalid>".to_string(),
            timeout: Duration::from_secs(20),
            batch: 200,
        }
    }
}

impl MailSettings {
    /// Checks the settings when the service starts, so that a mistake is found then and not
    /// at the first email: a sender that is an address, and a relay URL lettre can use.
    pub fn check(&self) -> Result<(), String> {
        self.from
            .parse::<Mailbox>()
            .map_err(|e| format!("[mail] from = {:?} is not an email address: {e}", self.from))?;
        if let Some(relay) = &self.relay {
            transport(relay, self.timeout)?;
        }
        if self.batch == 0 {
            return Err("[mail] batch must be at least 1".to_string());
        }
        Ok(())
    }
}

/// What one delivery run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Accepted by the relay.
    pub sent: u32,
    /// Refused or not reached: left in the outbox for a retry.
    pub failed: u32,
    /// No relay is configured: nothing was tried.
    pub no_relay: bool,
}

impl App {
    /// Queues `emails` in the outbox (skipping any whose dedupe key is already there); the
    /// number queued. They are sent by the next [`App::deliver_email`].
    pub async fn queue_emails(&self, emails: &[OutgoingEmail]) -> AppResult<u64> {
        Ok(self.store.queue_emails(emails, self.now()).await?)
    }

    /// How the outbox stands.
    pub async fn outbox_counts(&self) -> AppResult<OutboxCounts> {
        Ok(self.store.outbox_counts().await?)
    }

    /// How the signed-in person wants notifications by email.
    pub async fn email_preference(&self, ctx: &Ctx) -> AppResult<EmailPreference> {
        Ok(self.store.email_preference(ctx.actor.user_id).await?)
    }

    /// Sets how the signed-in person wants notifications by email: `each`, `daily_digest` or
    /// `none`.
    pub async fn set_email_preference(&self, ctx: &Ctx, choice: &str) -> AppResult<EmailPreference> {
        let preference: EmailPreference = choice.parse().map_err(|_| {
            AppError::Invalid(ValidationErrors::one(
                "email_preference",
                "Choose how you want to hear about notifications",
            ))
        })?;
        self.store.set_email_preference(ctx.actor.user_id, preference).await?;
        Ok(preference)
    }

    /// Queues the daily digests (run by the sweep): from 7am UK time, one email to each person
    /// who asked for a digest, counting their notifications of the 24 hours before 7am. Once a
    /// day per person (the dedupe key names the day); none for a quiet day. How many queued.
    pub async fn queue_digests(&self, now: jiff::Timestamp) -> AppResult<u64> {
        let here = now.to_zoned(crate::london());
        if here.hour() < DIGEST_HOUR {
            return Ok(0);
        }
        let day = here.date();
        let until = day
            .at(DIGEST_HOUR, 0, 0, 0)
            .to_zoned(crate::london())
            .map_err(|e| AppError::Internal(format!("digest time: {e}")))?;
        let from = until.yesterday().map_err(|e| AppError::Internal(format!("digest time: {e}")))?;
        let lines = self.store.digest_counts(from.timestamp(), until.timestamp()).await?;
        let mut emails = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let user = lines[i].user_id;
            let j = lines[i..].iter().position(|l| l.user_id != user).map_or(lines.len(), |k| i + k);
            let counts: Vec<(String, i64)> = lines[i..j].iter().map(|l| (l.kind.clone(), l.count)).collect();
            let (subject, body) = digest_email(&counts);
            if let Ok(email) =
                OutgoingEmail::new(&lines[i].email, &subject, &body, Some(format!("digest:{user}:{day}")))
            {
                emails.push(email);
            }
            i = j;
        }
        Ok(self.store.queue_emails(&emails, now).await?)
    }

    /// Sends the messages that are due to the relay, one batch at most. Each message is held
    /// while it is being sent so that two senders (two instances, or the service and
    /// `resettle sweep`) never send it at once; it is marked sent only once the relay has
    /// accepted it. A failure is recorded with the relay's words and retried later.
    pub async fn deliver_email(&self) -> AppResult<Delivery> {
        let settings = &self.config.mail;
        let Some(relay) = &settings.relay else {
            return Ok(Delivery { no_relay: true, ..Delivery::default() });
        };
        let transport = transport(relay, settings.timeout).map_err(AppError::Internal)?;
        let from: Mailbox =
            settings.from.parse().map_err(|e| AppError::Internal(format!("mail sender address: {e}")))?;
        let now = self.now();
        // Held for twice the send timeout per message, so a sender that dies lets go in time.
        let hold = SignedDuration::try_from(settings.timeout.saturating_mul(2)).unwrap_or(SignedDuration::from_mins(1));
        let hold_until =
            now.saturating_add(hold.saturating_mul(i32::try_from(settings.batch).unwrap_or(i32::MAX))).unwrap_or(now);
        let due = self.store.take_due_emails(now, hold_until, settings.batch).await?;
        let mut done = Delivery::default();
        for queued in due {
            let outcome = match message(&from, &queued) {
                Ok(m) => transport.send(m).await.map(|_| ()).map_err(|e: lettre::transport::smtp::Error| e.to_string()),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(()) => {
                    self.store.email_sent(queued.id, self.now()).await?;
                    done.sent += 1;
                }
                Err(error) => {
                    let retry_at = self.now().saturating_add(retry_delay(queued.attempts + 1)).unwrap_or(now);
                    tracing::warn!(message = %queued.id, attempts = queued.attempts + 1, %error, "email not sent; will retry");
                    self.store.email_failed(queued.id, &error, retry_at).await?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    }
}

/// How the connection to the relay is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RelayTls {
    /// Plain SMTP (`smtp://`): for a relay on the same host or a trusted network.
    None,
    /// STARTTLS required before anything is sent (`smtp+starttls://`, port 587 by default).
    StartTls,
    /// TLS from the first byte (`smtps://`, port 465 by default).
    Implicit,
}

/// A relay URL, checked.
#[derive(Debug, PartialEq, Eq)]
struct RelayUrl {
    host: String,
    port: u16,
    tls: RelayTls,
    credentials: Option<(String, String)>,
}

/// Reads `smtp://`, `smtp+starttls://` or `smtps://[user:password@]host[:port]`. A password
/// goes over plain SMTP only to a relay on this machine (loopback).
fn relay_url(relay: &str) -> Result<RelayUrl, String> {
    let bad = |why: &str| {
        format!(
            "[mail] relay = {relay:?} {why}: give an SMTP URL such as smtp://127.0.0.1:25, \
             smtp+starttls://relay.example.org:587 or smtps://relay.example.org:465"
        )
    };
    let url = url::Url::parse(relay).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    let (tls, default_port) = match url.scheme() {
        "smtp" => (RelayTls::None, 25),
        "smtp+starttls" => (RelayTls::StartTls, 587),
        "smtps" => (RelayTls::Implicit, 465),
        _ => return Err(bad("must start smtp://, smtp+starttls:// or smtps://")),
    };
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("names no host"))?.to_string();
    let credentials = (!url.username().is_empty()).then(|| {
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        (decode(url.username()), url.password().map(decode).unwrap_or_default())
    });
    let loopback = matches!(host.trim_matches(['[', ']']), "localhost" | "127.0.0.1" | "::1");
    if credentials.is_some() && tls == RelayTls::None && !loopback {
        return Err(bad("sends a password without TLS to another machine; use smtps:// or smtp+starttls://"));
    }
    Ok(RelayUrl { host, port: url.port().unwrap_or(default_port), tls, credentials })
}

/// The relay named by `relay` (see [`relay_url`]). Messages carry no personal data, only a
/// note that something is waiting in Resettle.
fn transport(relay: &str, timeout: Duration) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let r = relay_url(relay)?;
    let mut builder = match r.tls {
        RelayTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&r.host),
        RelayTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&r.host)
            .map_err(|e| format!("[mail] relay {relay:?}: {e}"))?,
        RelayTls::Implicit => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&r.host).map_err(|e| format!("[mail] relay {relay:?}: {e}"))?
        }
    }
    .port(r.port)
    .timeout(Some(timeout));
    if let Some((user, password)) = r.credentials {
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user, password));
    }
    Ok(builder.build())
}

/// The message as sent: plain text, with the outbox id as its `Message-ID` so that a receiver
/// can drop a repeat (a send accepted by the relay just before the service stopped is sent
/// again after the restart).
fn message(from: &Mailbox, q: &QueuedEmail) -> Result<Message, String> {
    let to: Mailbox = q.email.to.as_str().parse().map_err(|e| format!("recipient address: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(q.email.subject.clone())
        .message_id(Some(format!("<{}@resettle>", q.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(q.email.body.clone())
        .map_err(|e| format!("message: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn relays_are_plain_on_this_machine_and_tls_elsewhere() {
        let r = relay_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((r.tls, r.port, r.credentials), (RelayTls::None, 2525, None));
        let r = relay_url("smtps://mailer:p%40ss@relay.example.org").unwrap();
        assert_eq!((r.tls, r.port), (RelayTls::Implicit, 465));
        assert_eq!(r.credentials, Some(("mailer".into(), "p@ss".into())));
        let r = relay_url("smtp+starttls://relay.example.org").unwrap();
        assert_eq!((r.tls, r.port), (RelayTls::StartTls, 587));
        // A password in the clear to another machine is refused, saying what to use.
        let e = relay_url("smtp://mailer:secret@relay.example.org").unwrap_err();
        assert!(e.contains("smtps://"), "{e}");
        assert!(relay_url("smtp://mailer:secret@localhost:25").is_ok());
        assert!(relay_url("http://relay.example.org").is_err());
        assert!(transport("smtps://relay.example.org", Duration::from_secs(5)).is_ok());
        assert!(transport("smtp+starttls://relay.example.org", Duration::from_secs(5)).is_ok());
    }
}
