//! Sign-in, sessions and API tokens.

use jiff::SignedDuration;
use resettle_domain::audit::AuditEvent;
use resettle_domain::ids::{TokenId, UserId};
use resettle_domain::org::Email;
use resettle_domain::policy::{Actor, requires_second_factor};

use crate::secrets::{self, API_TOKEN_PREFIX};
use crate::storage::{ApiTokenRecord, PendingStep, SessionRecord, UserRecord};
use crate::{App, AppError, AppResult, Ctx};
use resettle_domain::validation::ValidationErrors;

/// A session just created: the token goes in the cookie and is never stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// What was stored.
    pub record: SessionRecord,
}

impl App {
    /// What a user must still do after a correct password: enter a code when they have an
    /// authenticator, set one up when their role requires it and they have none, else nothing.
    async fn second_step_for(&self, record: &UserRecord) -> AppResult<Option<PendingStep>> {
        let confirmed = self.store.totp_credential(record.user.id).await?.is_some_and(|c| c.confirmed_at.is_some());
        Ok(if confirmed {
            Some(PendingStep::TotpCode)
        } else if requires_second_factor(&actor_of(record)) {
            Some(PendingStep::TotpEnrolment)
        } else {
            None
        })
    }

    /// Checks the email and password and opens a new session (a new id every sign-in, so a
    /// session id planted before sign-in is worthless). Unknown accounts, inactive accounts
    /// and wrong passwords all give the same error after the same work. The session is only
    /// half signed in ([`SessionRecord::pending`]) while a second factor is still to come.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> AppResult<(Actor, NewSession)> {
        self.sign_in_request(email, password, ip, user_agent, "-").await
    }

    /// [`App::sign_in`] on an identified request: the attempt, successful or not, goes on
    /// the audit trail with the request id and address.
    pub async fn sign_in_request(
        &self,
        email: &str,
        password: &str,
        ip: Option<String>,
        user_agent: Option<String>,
        request_id: &str,
    ) -> AppResult<(Actor, NewSession)> {
        if let Some(retry_after_secs) = self.throttle_check(email, ip.as_deref()).await? {
            return Err(AppError::Throttled { retry_after_secs });
        }
        let record = match Email::parse(email) {
            Ok(e) => self.store.user_by_email(&e).await?,
            Err(_) => None,
        };
        let hash = record.as_ref().and_then(|r| r.password_hash.as_deref()).unwrap_or(secrets::dummy_hash());
        let password = password.to_owned();
        let hash = hash.to_owned();
        // Argon2 is deliberately slow: keep it off the async workers.
        let matches = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
        let attempt = |action: &'static str, user: Option<UserId>| AuditEvent {
            at: self.now(),
            user_id: user,
            membership_id: None,
            action,
            resource: "session",
            child_id: None,
            purpose: "sign-in".into(),
            request_id: request_id.to_string(),
            ip: ip.clone(),
        };
        let record = match record {
            Some(r) if matches && r.user.active => r,
            other => {
                self.throttle_failed(email, ip.as_deref()).await?;
                self.store.append_audit(&[attempt("sign_in_failed", other.map(|r| r.user.id))]).await?;
                return Err(AppError::BadCredentials);
            }
        };
        self.throttle_succeeded(email).await?;
        self.store.append_audit(&[attempt("sign_in", Some(record.user.id))]).await?;
        let pending = self.second_step_for(&record).await?;
        let now = self.now();
        let token = secrets::random_token();
        let session = SessionRecord {
            id_hash: secrets::token_hash(&token),
            user_id: record.user.id,
            csrf_token: secrets::random_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now.saturating_add(self.config.session_absolute).unwrap_or(now),
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(300).collect()),
            pending,
        };
        self.store.insert_session(&session).await?;
        Ok((actor_of(&record), NewSession { token, record: session }))
    }

    /// The actor behind a session cookie, if the session is still valid; records activity.
    /// Expired sessions (idle or absolute) are deleted.
    pub async fn session_actor(&self, token: &str) -> AppResult<Option<(Actor, SessionRecord)>> {
        let hash = secrets::token_hash(token);
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        let idle_deadline = session.last_seen_at.saturating_add(self.config.session_idle).unwrap_or(now);
        if now >= session.expires_at || now >= idle_deadline {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let user = self.user_record(session.user_id).await?;
        let Some(user) = user.as_ref().as_ref().filter(|u| u.user.active) else {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        };
        // Writing on every request would serialise readers on SQLite; a minute's precision
        // is plenty for a 30-minute idle timeout.
        if now.duration_since(session.last_seen_at) > SignedDuration::from_mins(1) {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Some((actor_of(user), session)))
    }

    /// The signed-in user's sessions, newest first, each marked whether it is `current`
    /// (the one behind `token`). Expired ones are left out.
    pub async fn my_sessions(&self, user: UserId, token: &str) -> AppResult<Vec<(SessionRecord, bool)>> {
        let current = secrets::token_hash(token);
        let now = self.now();
        Ok(self
            .store
            .sessions_of(user)
            .await?
            .into_iter()
            .filter(|s| {
                now < s.expires_at && now < s.last_seen_at.saturating_add(self.config.session_idle).unwrap_or(now)
            })
            .map(|s| {
                let is_current = s.id_hash == current;
                (s, is_current)
            })
            .collect())
    }

    /// Ends one of the user's own sessions, named by its hash; ending someone else's is
    /// refused as not found.
    pub async fn end_my_session(&self, user: UserId, id_hash: &str) -> AppResult<()> {
        let mine = self.store.sessions_of(user).await?.iter().any(|s| s.id_hash == id_hash);
        if !mine {
            return Err(AppError::NotFound);
        }
        self.store.delete_session(id_hash).await?;
        Ok(())
    }

    /// Signs the user out everywhere except the session behind `token`; the number ended.
    pub async fn sign_out_elsewhere(&self, user: UserId, token: &str) -> AppResult<u64> {
        Ok(self.store.delete_sessions_of(user, Some(&secrets::token_hash(token))).await?)
    }

    /// Ends the session behind a cookie token.
    pub async fn sign_out(&self, token: &str) -> AppResult<()> {
        self.store.delete_session(&secrets::token_hash(token)).await?;
        Ok(())
    }

    /// The actor behind an API bearer token, if valid (known, not expired, not revoked, user
    /// active).
    pub async fn token_actor(&self, token: &str) -> AppResult<Option<Actor>> {
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(record) = self.store.api_token(&secrets::token_hash(token)).await? else {
            return Ok(None);
        };
        if record.revoked_at.is_some() || self.now() >= record.expires_at {
            return Ok(None);
        }
        Ok(self.user_record(record.user_id).await?.as_ref().as_ref().filter(|u| u.user.active).map(actor_of))
    }

    /// Changes the signed-in person's own password: the current one must be right (wrong ones
    /// count towards the sign-in limits), the new one follows the same rules as any, and
    /// every other session and every API token of theirs ends (the session behind `token`
    /// stays). Audited.
    pub async fn change_password(&self, ctx: &Ctx, token: &str, current: &str, new: &str) -> AppResult<()> {
        let user = self.store.user(ctx.actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let email = user.user.email.as_str().to_string();
        if let Some(retry_after_secs) = self.throttle_check(&email, ctx.ip.as_deref()).await? {
            return Err(AppError::Throttled { retry_after_secs });
        }
        let mut e = ValidationErrors::new();
        if current.is_empty() {
            e.add("current_password", "Enter your current password");
        }
        match resettle_domain::org::check_new_password(new) {
            Err(m) => e.add("new_password", m),
            Ok(()) if new == current => e.add("new_password", "Choose a password different from your current one"),
            Ok(()) => {}
        }
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let hash = user.password_hash.clone().unwrap_or_else(|| secrets::dummy_hash().to_string());
        let given = current.to_string();
        let right = tokio::task::spawn_blocking(move || secrets::verify_password(&given, &hash))
            .await
            .map_err(|err| AppError::Internal(err.to_string()))?;
        if !right || user.password_hash.is_none() {
            self.throttle_failed(&email, ctx.ip.as_deref()).await?;
            return Err(AppError::invalid("current_password", "Your current password is not right"));
        }
        let new = new.to_string();
        let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&new))
            .await
            .map_err(|err| AppError::Internal(err.to_string()))?
            .map_err(AppError::Internal)?;
        self.store.set_password_hash(user.user.id, &hash).await?;
        self.store.delete_sessions_of(user.user.id, Some(&secrets::token_hash(token))).await?;
        self.revoke_tokens_of(user.user.id).await?;
        self.audit(ctx, "write", "account.password", None).await?;
        Ok(())
    }

    /// Whether a set-password link can still be used.
    pub async fn password_link_valid(&self, secret: &str) -> AppResult<bool> {
        Ok(self.store.password_link_user(&secrets::token_hash(secret), self.now()).await?.is_some())
    }

    /// Sets a person's password with a one-time link an administrator issued: the password
    /// follows the usual rules; the link is used up; the person's sessions and API tokens end.
    /// A used, expired or unknown link is `NotFound`. Audited as the person's own change.
    pub async fn set_password_with_link(&self, secret: &str, password: &str, ip: Option<&str>) -> AppResult<()> {
        resettle_domain::org::check_new_password(password).map_err(|m| AppError::invalid("password", m))?;
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
            .await
            .map_err(|err| AppError::Internal(err.to_string()))?
            .map_err(AppError::Internal)?;
        let user = self.store.use_password_link(&secrets::token_hash(secret), self.now(), &hash).await?;
        self.revoke_tokens_of(user).await?;
        let event = AuditEvent {
            at: self.now(),
            user_id: Some(user),
            membership_id: None,
            action: "write",
            resource: "account.password",
            child_id: None,
            purpose: "set with a one-time link".into(),
            request_id: "-".into(),
            ip: ip.map(str::to_string),
        };
        self.store.append_audit(&[event]).await?;
        Ok(())
    }

    /// Revokes every API token of `user` still in force (after a password or authenticator
    /// reset, or when they leave).
    pub(crate) async fn revoke_tokens_of(&self, user: UserId) -> AppResult<usize> {
        let now = self.now();
        let mut revoked = 0;
        for t in self.store.api_tokens_of(user).await? {
            if t.revoked_at.is_none() {
                // Audited by the caller's own entry (the password or authenticator change).
                self.store.revoke_api_token(t.id, now, &[]).await?;
                revoked += 1;
            }
        }
        Ok(revoked)
    }

    /// Creates an API token for the user with `email`, valid for `days` days; returns the
    /// secret, which is not stored and cannot be shown again.
    pub async fn create_api_token(&self, email: &str, days: Option<i64>, label: &str) -> AppResult<String> {
        let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::invalid("email", "No user has that email address"))?;
        let days = days.unwrap_or(self.config.api_token_days);
        if !(1..=366).contains(&days) {
            return Err(AppError::invalid("days", "A token must last between 1 and 366 days"));
        }
        let secret = format!("{API_TOKEN_PREFIX}{}", secrets::random_token());
        let now = self.now();
        let record = ApiTokenRecord {
            id: TokenId::random(),
            user_id: user.user.id,
            token_hash: secrets::token_hash(&secret),
            label: label.chars().take(100).collect(),
            created_at: now,
            expires_at: now.saturating_add(SignedDuration::from_hours(24 * days)).unwrap_or(now),
            revoked_at: None,
        };
        let what = format!("made API token {} for user {}", record.id, record.user_id);
        self.store
            .insert_api_token(&record, &[self.admin_event(crate::Principal::Operator, "api_token", &what)])
            .await?;
        Ok(secret)
    }

    /// The tokens of the user with `email`, newest first (never their secrets).
    pub async fn api_tokens(&self, email: &str) -> AppResult<Vec<ApiTokenRecord>> {
        let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::invalid("email", "No user has that email address"))?;
        Ok(self.store.api_tokens_of(user.user.id).await?)
    }

    /// Revokes a token at once: requests carrying it are refused from now on.
    pub async fn revoke_api_token(&self, id: &str) -> AppResult<()> {
        let id = id
            .trim()
            .parse::<TokenId>()
            .map_err(|_| AppError::invalid("id", "Give the token's id, as `resettle token list` shows it"))?;
        let audit = [self.admin_event(crate::Principal::Operator, "api_token", &format!("revoked API token {id}"))];
        self.store.revoke_api_token(id, self.now(), &audit).await.map_err(|e| match e {
            crate::storage::StorageError::NotFound => AppError::invalid("id", "No unrevoked token has that id"),
            other => other.into(),
        })?;
        Ok(())
    }

    /// The actor for a user id (e.g. after the web layer has found a session).
    pub async fn actor(&self, id: UserId) -> AppResult<Actor> {
        self.store.user(id).await?.map(|u| actor_of(&u)).ok_or(AppError::Unauthenticated)
    }
}

pub(crate) fn actor_of(r: &UserRecord) -> Actor {
    Actor { user_id: r.user.id, name: r.user.name.clone(), memberships: r.memberships.clone() }
}
