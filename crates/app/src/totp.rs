//! The second factor: time-based one-time passwords (TOTP, RFC 6238; SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way — what every authenticator app supports).
//!
//! After a correct password, a user who has an authenticator must enter a code, and a user
//! whose role requires one (administrators and YJS managers, see
//! [`resettle_domain::policy::requires_second_factor`]) but has none must set one up; until
//! then their session is half signed in and may do nothing else. A code is accepted once: the
//! step it belongs to must be later than the last step accepted, so a code seen over someone's
//! shoulder cannot be replayed within its window. Wrong codes are throttled like wrong
//! passwords (per account and per address) and audited.
//!
//! The secret has to be readable by the server to check codes, so it is stored as it is
//! (base32) in `totp_credentials`: protect the database file and its backups as you protect
//! the records themselves (ARCHITECTURE.md, "Secrets").

use jiff::Timestamp;
use rand::RngCore;
use resettle_domain::audit::AuditEvent;
use resettle_domain::ids::UserId;
use resettle_domain::org::Email;
use totp_rs::{Builder, Secret, Totp};

use crate::storage::StorageError;
use crate::{App, AppError, AppResult, Principal, secrets};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Resettle";

/// The secret every synthetic manager and administrator gets from `resettle synth` and
/// `resettle demo`, so that the demo can be signed in to. Demo data only: never use it for a
/// real account.
pub const DEMO_SECRET: &str = "JBSWY3DPEHPK3PXPRESETTLEDEMO2345";

/// The words for a code that is not six digits.
const CODE_SHAPE: &str = "Enter the 6-digit code from your authenticator app";

/// What an authenticator app needs: the secret, as text and as an `otpauth://` URI.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// Base32, for typing in.
    pub secret: String,
    /// `otpauth://totp/Resettle:<email>?secret=…&issuer=Resettle`, for a QR code.
    pub uri: String,
}

/// A new random secret: 160 bits (RFC 4226's recommendation), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

fn totp(secret: &str, account: &str) -> AppResult<Totp> {
    let secret = Secret::try_from_base32(secret.trim())
        .map_err(|_| AppError::invalid("secret", "The secret must be base32 (letters A–Z and digits 2–7)"))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| AppError::invalid("secret", format!("That secret cannot be used: {e}")))
}

fn unix_seconds(t: Timestamp) -> u64 {
    u64::try_from(t.as_second()).unwrap_or(0)
}

/// The code for `secret` at instant `at` (for the demo's hint and for tests).
pub fn code_at(secret: &str, at: Timestamp) -> AppResult<String> {
    Ok(totp(secret, "code")?.generate(unix_seconds(at)).to_string())
}

/// The 30-second step that `at` falls in.
pub fn step_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(30)
}

/// A typed code with spaces removed, if it is six digits.
fn parse_code(code: &str) -> AppResult<String> {
    let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(AppError::invalid("code", CODE_SHAPE))
    }
}

/// A sign-in step's request: who, which session, from where.
#[derive(Clone, Copy, Debug)]
pub struct StepRequest<'a> {
    /// The user of the half-signed-in session.
    pub user: UserId,
    /// The session's cookie token.
    pub session_token: &'a str,
    /// The client address.
    pub ip: Option<&'a str>,
    /// The request id.
    pub request_id: &'a str,
}

/// A new enrolment code: ten letters and digits that cannot be confused (no 0, O, 1, I),
/// shown as two groups of five.
fn new_enrolment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // 32 letters: each random byte's low five bits pick one, evenly.
    let picked: String = secrets::random_bytes::<10>()
        .iter()
        .map(|b| char::from(ALPHABET.get(usize::from(b & 31)).copied().unwrap_or(b'A')))
        .collect();
    format!("{}-{}", picked.get(..5).unwrap_or_default(), picked.get(5..).unwrap_or_default())
}

/// An enrolment code as typed: upper case, without spaces or hyphens.
fn normalise_enrolment_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

impl App {
    fn step_event(&self, req: &StepRequest<'_>, action: &'static str) -> AuditEvent {
        AuditEvent {
            at: self.now(),
            user_id: Some(req.user),
            membership_id: None,
            action,
            resource: "session",
            child_id: None,
            purpose: "sign-in".into(),
            request_id: req.request_id.to_string(),
            ip: req.ip.map(str::to_string),
        }
    }

    /// The secret for a user setting up an authenticator: the one already begun (so that
    /// reloading the page shows the same one), or a new one. Refused when one is confirmed.
    pub async fn begin_totp_enrolment(&self, user: UserId) -> AppResult<Enrolment> {
        let record = self.store.user(user).await?.ok_or(AppError::Unauthenticated)?;
        let secret = match self.store.totp_credential(user).await? {
            Some(c) if c.confirmed_at.is_some() => {
                return Err(AppError::invalid("code", "An authenticator is already set up for this account"));
            }
            Some(c) => c.secret,
            None => {
                let s = new_secret();
                self.store.put_totp_secret(user, &s, self.now()).await?;
                s
            }
        };
        let uri = totp(&secret, record.user.email.as_str())?
            .to_url()
            .map_err(|e| AppError::Internal(format!("otpauth URI: {e}")))?;
        Ok(Enrolment { secret, uri })
    }

    /// Checks a code against the user's authenticator: confirming it when `enrolling`, and in
    /// either case completing the session (which gets a new token, returned: the old one stops
    /// working) — all in one transaction with the audit entry.
    async fn accept_code(&self, req: &StepRequest<'_>, code: &str, enrolling: bool) -> AppResult<String> {
        let throttle_key = format!("totp:{}", req.user);
        if let Some(retry_after_secs) = self.throttle_check(&throttle_key, req.ip).await? {
            return Err(AppError::Throttled { retry_after_secs });
        }
        let code = parse_code(code)?;
        let record = self.store.user(req.user).await?.ok_or(AppError::Unauthenticated)?;
        let credential = self
            .store
            .totp_credential(req.user)
            .await?
            .filter(|c| c.confirmed_at.is_some() != enrolling)
            .ok_or_else(|| AppError::invalid("code", "Set up your authenticator app first"))?;
        let matched = totp(&credential.secret, record.user.email.as_str())?
            .check(&code, unix_seconds(self.now()))
            .and_then(|step| i64::try_from(step).ok());
        let (action, failed) = if enrolling {
            ("totp_enrolled", "totp_enrolment_failed")
        } else {
            ("sign_in_second_factor", "sign_in_second_factor_failed")
        };
        let new_token = secrets::random_token();
        let accepted = match matched {
            Some(step) => {
                self.store
                    .accept_totp_step(
                        req.user,
                        step,
                        enrolling.then(|| self.now()),
                        &secrets::token_hash(req.session_token),
                        &secrets::token_hash(&new_token),
                        &[self.step_event(req, action)],
                    )
                    .await?
            }
            None => false,
        };
        if !accepted {
            self.throttle_failed(&throttle_key, req.ip).await?;
            self.store.append_audit(&[self.step_event(req, failed)]).await?;
            let message = if matched.is_some() {
                "That code has already been used: wait for the next code and enter it"
            } else {
                "The code is not right: enter the code your authenticator app shows now"
            };
            return Err(AppError::invalid("code", message));
        }
        self.throttle_succeeded(&throttle_key).await?;
        tracing::info!(user_id = %req.user, action, "second factor accepted");
        Ok(new_token)
    }

    /// Finishes setting up an authenticator with a code from it and the one-time enrolment
    /// code an administrator issued (a password alone cannot enrol an authenticator for an
    /// administrator or manager); the session is then fully signed in under the returned new
    /// token. The enrolment code is used up only when the authenticator's code is right.
    pub async fn confirm_totp_enrolment(
        &self,
        req: &StepRequest<'_>,
        code: &str,
        enrolment_code: &str,
    ) -> AppResult<String> {
        let enrolment_hash = secrets::token_hash(&normalise_enrolment_code(enrolment_code));
        if enrolment_code.trim().is_empty() {
            return Err(AppError::invalid("enrolment_code", "Enter the enrolment code your administrator gave you"));
        }
        let throttle_key = format!("enrol:{}", req.user);
        if let Some(retry_after_secs) = self.throttle_check(&throttle_key, req.ip).await? {
            return Err(AppError::Throttled { retry_after_secs });
        }
        if !self.store.enrolment_code_valid(&enrolment_hash, req.user, self.now()).await? {
            self.throttle_failed(&throttle_key, req.ip).await?;
            self.store.append_audit(&[self.step_event(req, "totp_enrolment_refused")]).await?;
            return Err(AppError::invalid(
                "enrolment_code",
                "The enrolment code is not right, or has been used or has expired: ask your administrator for a new one",
            ));
        }
        let token = self.accept_code(req, code, true).await?;
        if !self.store.use_enrolment_code(&enrolment_hash, req.user, self.now()).await? {
            // Used by another request at the same moment: the authenticator is set up all the same.
            tracing::warn!(user_id = %req.user, "enrolment code used twice at once");
        }
        self.throttle_succeeded(&throttle_key).await?;
        Ok(token)
    }

    /// Issues a one-time code with which `user` sets up their authenticator, valid for
    /// [`crate::Config::password_link`]; returns it (only its hash is stored). Audited.
    pub async fn issue_enrolment_code(&self, who: Principal<'_>, user: UserId) -> AppResult<String> {
        if let Some(resettle_domain::policy::Decision::Deny(why)) =
            who.decide(resettle_domain::policy::Action::ManageUsers)
        {
            return Err(AppError::Forbidden(why));
        }
        let record = self.store.user(user).await?.ok_or_else(|| AppError::invalid("user", "No such user"))?;
        let code = new_enrolment_code();
        let now = self.now();
        let expires = now.saturating_add(self.config.password_link).unwrap_or(now);
        let hash = secrets::token_hash(&normalise_enrolment_code(&code));
        let what = format!("issued an authenticator enrolment code for user {}", record.user.id);
        self.store
            .insert_enrolment_code(&hash, record.user.id, now, expires, &[self.admin_event(who, "totp", &what)])
            .await?;
        Ok(code)
    }

    /// The second sign-in step: a code from the user's authenticator. The session is then
    /// fully signed in under the returned new token.
    pub async fn verify_totp(&self, req: &StepRequest<'_>, code: &str) -> AppResult<String> {
        self.accept_code(req, code, false).await
    }

    /// Gives the user with `email` a confirmed authenticator with the given secret, at once:
    /// for the operator (synthetic and demo users, tests). Replaces an unconfirmed one.
    pub async fn enrol_totp_with_secret(&self, principal: Principal<'_>, email: &str, secret: &str) -> AppResult<()> {
        if !matches!(principal, Principal::Operator) {
            return Err(AppError::Forbidden("only the operator sets authenticator secrets"));
        }
        totp(secret, email)?;
        let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::invalid("email", "No user has that email address"))?;
        self.store.put_totp_secret(user.user.id, secret.trim(), self.now()).await?;
        // Step 0 is long past: every real code is for a later step.
        let event = AuditEvent {
            at: self.now(),
            user_id: Some(user.user.id),
            membership_id: None,
            action: "totp_enrolled",
            resource: "session",
            child_id: None,
            purpose: "set by the operator".into(),
            request_id: "-".into(),
            ip: None,
        };
        self.store.accept_totp_step(user.user.id, 0, Some(self.now()), "", "", &[event]).await?;
        Ok(())
    }

    /// Removes the authenticator of the user with `email` (lost phone): they set up a new one
    /// at their next sign-in. The operator's command.
    pub async fn reset_totp(&self, email: &str) -> AppResult<()> {
        let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::invalid("email", "No user has that email address"))?;
        self.store.delete_totp(user.user.id).await.map_err(|e| match e {
            StorageError::NotFound => AppError::invalid("email", "That user has no authenticator"),
            other => other.into(),
        })?;
        // Their sessions were signed in with the old authenticator, and their tokens were made
        // by someone who may have had it.
        self.store.delete_sessions_of(user.user.id, None).await?;
        let revoked = self.revoke_tokens_of(user.user.id).await?;
        let what = format!("reset the authenticator of user {} and revoked {revoked} API tokens", user.user.id);
        self.audit_admin(crate::Principal::Operator, "totp", &what).await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B: the SHA-1 key "12345678901234567890", T = 59 s → 94287082
        // (8 digits); the same HOTP value's last 6 digits are our 6-digit code.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = Timestamp::from_second(59).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "287082");
        let at = Timestamp::from_second(1_111_111_109).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "081804");
        assert_eq!(step_of(at), 1_111_111_109 / 30);
    }

    #[test]
    fn the_demo_secret_and_new_secrets_are_usable() {
        assert!(code_at(DEMO_SECRET, Timestamp::from_second(1_800_000_000).unwrap()).is_ok());
        let s = new_secret();
        assert_eq!(s.len(), 32, "160 bits in base32");
        assert_ne!(s, new_secret());
        assert!(code_at(&s, Timestamp::from_second(1_800_000_000).unwrap()).is_ok());
        assert!(code_at("not base32!", Timestamp::UNIX_EPOCH).is_err());
    }

    #[test]
    fn codes_are_six_digits_with_spaces_allowed() {
        assert_eq!(parse_code(" 123 456 ").unwrap(), "123456");
        assert_eq!(parse_code("123-456").unwrap(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "one two"] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
    }
}
