//! The storage trait: everything the application needs from a database, and nothing about
//! how. One implementation per database (`resettle-store-sqlite`, `resettle-store-postgres`),
//! both held to the same conformance tests.
//!
//! The contract is split by area, one trait a module ([`ChildrenStorage`], [`CustodyStorage`],
//! [`AccessStorage`], [`AuditStorage`], [`PlanStorage`], [`HealthStorage`], …), and [`Storage`]
//! is their union.
//!
//! Each method that writes several rows does so in one transaction. Methods that read a
//! child take the [`ChildScope`](resettle_domain::policy::ChildScope) and apply it in the query, so a child outside the actor's
//! scope is indistinguishable from one that does not exist.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod children;
pub mod community;
pub mod custody;
pub mod health;
pub mod notifications;
pub mod ops;
pub mod outbox;
pub mod outcomes;
pub mod plan;
pub mod readiness;
pub mod retention;
pub mod subject_access;
pub mod synthetic;

pub use accounts::{
    AccessStorage, ApiTokenRecord, BreakGlassGrant, BreakGlassLine, PendingStep, SessionRecord, TotpCredential,
    UserRecord,
};
pub use admin::{AccountLine, AdminStorage, EndedAccess, UserSearch};
pub use audit::AuditStorage;
pub use children::{
    CaseloadQuery, CaseloadRow, CaseloadSort, ChildrenStorage, CurrentCustody, OrganisationFigures, Page,
    TeamMemberView,
};
pub use community::{CommunityStorage, ReleaseRecord};
pub use custody::{
    ChildChange, CustodyStorage, EpisodeChange, EpisodeView, NewRemand, NewSentence, PlacementView, Release,
    SentenceView, Transfer,
};
pub use health::{HandoverRow, HealthStorage, HealthWrite, Notification};
pub use notifications::{NotificationGroup, NotificationStorage, ReadScope};
pub use ops::{MAIN_TABLES, OpsStorage, PoolUsage, SchemaState, SnapshotSummary};
pub use outbox::{DigestLine, OutboxCounts, OutboxStorage, QueuedEmail};
pub use outcomes::{CohortQuery, OutcomesStorage};
pub use plan::{ActionOwner, ActionRow, MeetingRow, NeedWrite, PlanChanges, PlanStorage};
pub use readiness::{OpenNeedCount, OpenNeedOwner, ReadinessQuery, ReadinessRow, ReadinessStorage, StoredArrangements};
pub use retention::{ErasureOrder, RetentionStorage};
pub use subject_access::{HELD_TABLES, HeldTable, SubjectAccessStorage};
pub use synthetic::{SyntheticBatch, SyntheticStorage};

use async_trait::async_trait;

/// Why storage could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The record does not exist (or is out of scope).
    #[error("not found")]
    NotFound,
    /// An optimistic-concurrency check failed: the stored version is `current`.
    #[error("version mismatch (current {current})")]
    VersionMismatch {
        /// The version now stored.
        current: i64,
    },
    /// A unique value is already taken.
    #[error("{field}: {message}")]
    Duplicate {
        /// The input field holding the value.
        field: String,
        /// Words for the person.
        message: String,
    },
    /// Anything else; for logs, never for users.
    #[error("database: {0}")]
    Database(String),
}

/// Shorthand.
pub type StorageResult<T> = Result<T, StorageError>;

/// Everything the application needs from a database: the union of the areas' traits, so
/// that `App` keeps one handle while a use case can name the narrow trait it needs.
#[async_trait]
pub trait Storage:
    ChildrenStorage
    + CustodyStorage
    + AccessStorage
    + AuditStorage
    + SyntheticStorage
    + PlanStorage
    + HealthStorage
    + ReadinessStorage
    + OutboxStorage
    + CommunityStorage
    + OutcomesStorage
    + RetentionStorage
    + OpsStorage
    + SubjectAccessStorage
    + AdminStorage
    + NotificationStorage
    + Send
    + Sync
    + 'static
{
    /// Which database this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;

    /// How many changes to the record have been committed to this database, by any server or
    /// command (audit entries, sessions, sign-in codes and failed sign-ins are not counted).
    /// A cache of derived reads keeps the count it was built at and is current while the
    /// count has not moved. Read from the database on every call.
    async fn changes(&self) -> StorageResult<u64>;

    /// The secret that keys the audit chain, when the store was opened with one (it is kept
    /// outside the database: see `resettle_domain::audit::AuditKey`).
    fn audit_key(&self) -> Option<&resettle_domain::audit::AuditKey>;

    /// Answers when the database does.
    async fn ping(&self) -> StorageResult<()>;
}
