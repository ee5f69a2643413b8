//! What running a real service's accounts needs of a database beyond adding people and
//! organisations: finding people page by page, correcting names and roles, ending a leaver's
//! access at once, and renaming and closing organisations. Every write takes its audit entries
//! and commits them in its own transaction.

use async_trait::async_trait;
use jiff::Timestamp;

use resettle_domain::audit::AuditEvent;
use resettle_domain::ids::{MembershipId, OrgId, UserId};

use super::{Page, StorageResult, UserRecord};

/// Which people an administrator is looking for, and which page of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserSearch {
    /// Part of the name or email address, any case; `None` for everyone.
    pub text: Option<String>,
    /// Only people with a role in this organisation.
    pub organisation: Option<OrgId>,
    /// 1-based page.
    pub page: u32,
    /// People per page.
    pub per_page: u32,
}

/// A person as an administrator sees them: the account, and when it was deactivated.
#[derive(Clone, Debug)]
pub struct AccountLine {
    /// The person, with their roles.
    pub record: UserRecord,
    /// When they were deactivated (they left), if they were.
    pub deactivated_at: Option<Timestamp>,
}

/// What deactivating a person ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndedAccess {
    /// Sessions ended.
    pub sessions: u64,
    /// API tokens revoked.
    pub tokens: u64,
}

/// Administration of accounts and organisations.
#[async_trait]
pub trait AdminStorage: Send + Sync {
    /// People whose name or email contains the search text, with their roles, by name.
    async fn find_users(&self, q: &UserSearch) -> StorageResult<Page<AccountLine>>;
    /// One person, with when they were deactivated.
    async fn account(&self, user: UserId) -> StorageResult<Option<AccountLine>>;
    /// Corrects a person's name and telephone; [`super::StorageError::NotFound`] when there is
    /// no such person.
    async fn update_user_details(
        &self,
        user: UserId,
        name: &str,
        phone: Option<&str>,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Removes one of the person's roles; `NotFound` when it is not theirs.
    async fn delete_membership(
        &self,
        user: UserId,
        membership: MembershipId,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Deactivates a person at `at`, in one transaction: they can no longer sign in (their
    /// password is forgotten), every session of theirs ends, every API token is revoked and
    /// every unused set-password link and enrolment code is spent. `NotFound` when there is no such active person.
    async fn deactivate_user(&self, user: UserId, at: Timestamp, audit: &[AuditEvent]) -> StorageResult<EndedAccess>;
    /// Lets a deactivated person sign in again, once they set a password with a new link
    /// (their old password, links and tokens stay ended). `NotFound` when there is no such deactivated person.
    async fn reactivate_user(&self, user: UserId, audit: &[AuditEvent]) -> StorageResult<()>;
    /// Renames an organisation; `NotFound` when there is none.
    async fn rename_organisation(&self, org: OrgId, name: &str, audit: &[AuditEvent]) -> StorageResult<()>;
    /// Marks an organisation closed at `at`; `NotFound` when there is no such open one.
    async fn close_organisation(&self, org: OrgId, at: Timestamp, audit: &[AuditEvent]) -> StorageResult<()>;

    /// Reopens a closed organisation (closed by mistake, or open again); `NotFound` when it
    /// is not closed.
    async fn reopen_organisation(&self, org: OrgId, audit: &[AuditEvent]) -> StorageResult<()>;
    /// The closed organisations, with when each closed.
    async fn closed_organisations(&self) -> StorageResult<Vec<(OrgId, Timestamp)>>;
}
