//! What the store keeps about the people who sign in and how they reach children's records:
//! users and their sessions, second factors, emergency (break-glass) access and API tokens.

use jiff::Timestamp;
use serde::Serialize;

use resettle_domain::ids::{ChildId, GrantId, TokenId, UserId};
use resettle_domain::org::{Membership, User};

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
