//! What the store keeps about the people who sign in and how they reach children's records:
//! organisations, users and their memberships and sessions, failed sign-ins, set-password links
//! and enrolment codes, second factors, emergency (break-glass) access and API tokens.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;

use resettle_domain::audit::AuditEvent;
use resettle_domain::ids::{ChildId, GrantId, OrgId, TokenId, UserId};
use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};
use resettle_domain::timeline::TimelineEntry;

use crate::StorageResult;

/// A user with their credentials and memberships.
#[derive(Clone, Debug)]
pub struct UserRecord {
    /// The user.
    pub user: User,
    /// Argon2id PHC string; `None` for accounts that cannot sign in with a password.
    pub password_hash: Option<String>,
    /// Roles held.
    pub memberships: Vec<Membership>,
}

/// A signed-in browser session. The cookie holds a random token; only its hash is stored.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    /// SHA-256 of the cookie token, hex.
    pub id_hash: String,
    /// Whose session.
    pub user_id: UserId,
    /// The token forms must echo back (CSRF).
    pub csrf_token: String,
    /// Signed in at.
    pub created_at: Timestamp,
    /// Last request at (idle timeout).
    pub last_seen_at: Timestamp,
    /// Never valid after this (absolute timeout).
    pub expires_at: Timestamp,
    /// Address it signed in from.
    pub ip: Option<String>,
    /// Browser it signed in from.
    pub user_agent: Option<String>,
    /// The sign-in step still to do, if any: a half-signed-in session may do nothing else.
    pub pending: Option<PendingStep>,
}

/// What a half-signed-in session must still do before it is fully signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingStep {
    /// Enter a code from the authenticator.
    TotpCode,
    /// Set up an authenticator (the role requires one and the user has none yet).
    TotpEnrolment,
}

impl PendingStep {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingStep::TotpCode => "totp_code",
            PendingStep::TotpEnrolment => "totp_enrolment",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "totp_code" => Some(PendingStep::TotpCode),
            "totp_enrolment" => Some(PendingStep::TotpEnrolment),
            _ => None,
        }
    }
}

/// A user's authenticator for time-based one-time passwords (RFC 6238).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpCredential {
    /// Whose.
    pub user_id: UserId,
    /// The shared secret, base32 (RFC 4648, no padding).
    pub secret: String,
    /// When the secret was made.
    pub created_at: Timestamp,
    /// When the user proved they had set it up (entered a code); `None` while enrolling.
    pub confirmed_at: Option<Timestamp>,
    /// The newest time step whose code was accepted (codes are accepted only for later steps).
    pub last_step: Option<i64>,
}

/// A break-glass grant: emergency read access for one user to one child, until it expires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BreakGlassGrant {
    /// Identifier.
    pub id: GrantId,
    /// The YJS manager.
    pub user_id: UserId,
    /// The child.
    pub child_id: ChildId,
    /// Why, in their words.
    pub reason: String,
    /// When.
    pub granted_at: Timestamp,
    /// Until (exclusive).
    pub expires_at: Timestamp,
}

/// A grant with the names a report needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BreakGlassLine {
    /// The grant.
    #[serde(flatten)]
    pub grant: BreakGlassGrant,
    /// Who used it.
    pub user_name: String,
    /// Their email.
    pub user_email: String,
    /// The child's name (the report goes only to the child's own youth justice service).
    pub child_name: String,
    /// The youth justice service that owns the case.
    pub yjs_name: String,
}

/// An API token. The secret is shown once; only its hash is stored.
#[derive(Clone, Debug)]
pub struct ApiTokenRecord {
    /// Identifier.
    pub id: TokenId,
    /// The user it acts as.
    pub user_id: UserId,
    /// SHA-256 of the secret, hex.
    pub token_hash: String,
    /// A label for the person managing tokens.
    pub label: String,
    /// Created at.
    pub created_at: Timestamp,
    /// Not valid after.
    pub expires_at: Timestamp,
    /// Revoked at, if revoked.
    pub revoked_at: Option<Timestamp>,
}

/// Organisations, users, sign-in and the ways in to records ([`AccessStorage`] is the
/// account side of the access policy; the policy itself is in the domain).
#[async_trait]
pub trait AccessStorage: Send + Sync {
    /// Failed sign-ins recorded under any of `keys` (hashes) at or after `since`, oldest first.
    async fn sign_in_failures(&self, keys: &[String], since: Timestamp) -> StorageResult<Vec<(String, Timestamp)>>;

    /// Records a failed sign-in under each of `keys` at `at`, and forgets every failure from
    /// before `forget_before` (they no longer count).
    async fn record_sign_in_failure(
        &self,
        keys: &[String],
        at: Timestamp,
        forget_before: Timestamp,
    ) -> StorageResult<()>;

    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_sign_in_failures(&self, key: &str) -> StorageResult<()>;

    /// Adds an organisation; a taken code is [`StorageError::Duplicate`] on `code`.
    async fn insert_organisation(&self, org: &Organisation, audit: &[AuditEvent]) -> StorageResult<()>;

    /// One organisation.
    async fn organisation(&self, id: OrgId) -> StorageResult<Option<Organisation>>;

    /// One organisation by code.
    async fn organisation_by_code(&self, code: &OrgCode) -> StorageResult<Option<Organisation>>;

    /// All organisations, by name.
    async fn organisations(&self) -> StorageResult<Vec<Organisation>>;

    /// Adds a user and their memberships; a taken email is [`StorageError::Duplicate`].
    async fn insert_user(&self, user: &UserRecord, audit: &[AuditEvent]) -> StorageResult<()>;

    /// Adds a membership to an existing user.
    async fn insert_membership(&self, membership: &Membership, audit: &[AuditEvent]) -> StorageResult<()>;

    /// A user by sign-in address.
    async fn user_by_email(&self, email: &Email) -> StorageResult<Option<UserRecord>>;

    /// A user by id.
    async fn user(&self, id: UserId) -> StorageResult<Option<UserRecord>>;

    /// All users, by name.
    async fn users(&self) -> StorageResult<Vec<UserRecord>>;

    /// Users with a membership in `org`, by name.
    async fn users_in_organisation(&self, org: OrgId) -> StorageResult<Vec<User>>;

    /// Stores a new session.
    async fn insert_session(&self, session: &SessionRecord) -> StorageResult<()>;

    /// A session by token hash.
    async fn session(&self, id_hash: &str) -> StorageResult<Option<SessionRecord>>;

    /// Records activity on a session.
    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> StorageResult<()>;

    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StorageResult<()>;

    /// A user's sessions, newest first.
    async fn sessions_of(&self, user: UserId) -> StorageResult<Vec<SessionRecord>>;

    /// Ends every session of a user except `keep` (by hash); the number ended.
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> StorageResult<u64>;

    /// Replaces a user's password hash.
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StorageResult<()>;

    /// Stores a one-time link to set `user`'s password (the SHA-256 of its secret).
    async fn insert_password_link(
        &self,
        token_hash: &str,
        user: UserId,
        created_at: Timestamp,
        expires_at: Timestamp,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// The user a set-password link is for, while it is unused and unexpired at `now`.
    async fn password_link_user(&self, token_hash: &str, now: Timestamp) -> StorageResult<Option<UserId>>;

    /// Uses a set-password link, in one transaction: marks it used (it must be unused and
    /// unexpired at `now`, else `NotFound`), sets the password hash and ends the user's
    /// sessions. Returns the user.
    async fn use_password_link(&self, token_hash: &str, now: Timestamp, password_hash: &str) -> StorageResult<UserId>;

    /// Stores a one-time authenticator enrolment code for `user` (its SHA-256).
    async fn insert_enrolment_code(
        &self,
        code_hash: &str,
        user: UserId,
        created_at: Timestamp,
        expires_at: Timestamp,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// Uses an enrolment code: true when it was `user`'s, unused and unexpired at `now` (it is
    /// then used up).
    async fn use_enrolment_code(&self, code_hash: &str, user: UserId, now: Timestamp) -> StorageResult<bool>;

    /// Whether an enrolment code is `user`'s, unused and unexpired at `now` (not using it up).
    async fn enrolment_code_valid(&self, code_hash: &str, user: UserId, now: Timestamp) -> StorageResult<bool>;

    /// Stores a new API token.
    async fn insert_api_token(&self, token: &ApiTokenRecord, audit: &[AuditEvent]) -> StorageResult<()>;

    /// A token by the hash of its secret.
    async fn api_token(&self, token_hash: &str) -> StorageResult<Option<ApiTokenRecord>>;

    /// A user's tokens, newest first.
    async fn api_tokens_of(&self, user: UserId) -> StorageResult<Vec<ApiTokenRecord>>;

    /// Revokes a token (from `at`); `NotFound` when there is no such unrevoked token.
    async fn revoke_api_token(&self, id: TokenId, at: Timestamp, audit: &[AuditEvent]) -> StorageResult<()>;

    /// A user's authenticator, confirmed or not.
    async fn totp_credential(&self, user: UserId) -> StorageResult<Option<TotpCredential>>;

    /// Stores a new, unconfirmed secret for the user, replacing an unconfirmed one; a
    /// confirmed authenticator is left alone ([`StorageError::Duplicate`] on `code`).
    async fn put_totp_secret(&self, user: UserId, secret: &str, at: Timestamp) -> StorageResult<()>;

    /// Accepts the code of time step `step` for `user`, only if the step is later than the
    /// last one accepted (no replay): confirms an unconfirmed authenticator when `confirm`,
    /// completes the session `session_hash` under its new hash `new_session_hash` (a new id
    /// when the privilege changes) and appends `audit`, in one transaction. `Ok(false)` (and
    /// nothing written) when the step is not later.
    async fn accept_totp_step(
        &self,
        user: UserId,
        step: i64,
        confirm: Option<Timestamp>,
        session_hash: &str,
        new_session_hash: &str,
        audit: &[AuditEvent],
    ) -> StorageResult<bool>;

    /// Removes a user's authenticator (the operator's reset); `NotFound` when there is none.
    async fn delete_totp(&self, user: UserId) -> StorageResult<()>;

    /// Stores a break-glass grant with its timeline entry and audit events, in one transaction.
    async fn insert_break_glass(
        &self,
        grant: &BreakGlassGrant,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// The user's newest grant for `child` still valid at `now`.
    async fn active_break_glass(
        &self,
        user: UserId,
        child: ChildId,
        now: Timestamp,
    ) -> StorageResult<Option<BreakGlassGrant>>;

    /// Break-glass grants for one child, newest first.
    async fn child_break_glass(&self, child: ChildId, limit: u32) -> StorageResult<Vec<BreakGlassLine>>;

    /// Break-glass grants for children owned by any of `yjs_ids`, newest first.
    async fn break_glass_report(&self, yjs_ids: &[OrgId], limit: u32) -> StorageResult<Vec<BreakGlassLine>>;
}
