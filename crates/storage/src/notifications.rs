//! Notifications as a person works through them: grouped by child and kind (newest group
//! first, a page at a time) and marked read a group, or all, at once.

use async_trait::async_trait;
use jiff::Timestamp;

use resettle_domain::ids::{ChildId, UserId};

use super::{Notification, Page, StorageResult};

/// The notifications about one child (or none) of one kind: the newest, and how many.
#[derive(Clone, Debug)]
pub struct NotificationGroup {
    /// The newest notification of the group.
    pub latest: Notification,
    /// The child's given and family name, when the group is about a child still held.
    pub child_name: Option<String>,
    /// Notifications in the group.
    pub count: u64,
    /// Of them, not yet read.
    pub unread: u64,
}

/// Which notifications to mark read: all of a person's, or one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadScope {
    /// Every notification.
    All,
    /// The group about `child` (none: not about a child) of `kind`.
    Group {
        /// The child.
        child: Option<ChildId>,
        /// The kind (`handover.overdue`, …).
        kind: String,
    },
}

/// Grouped notifications.
#[async_trait]
pub trait NotificationStorage: Send + Sync {
    /// `user`'s notifications in groups of one child and one kind, the group with the newest
    /// notification first; page `page` (1-based) of `per_page` groups.
    async fn notification_groups(
        &self,
        user: UserId,
        page: u32,
        per_page: u32,
    ) -> StorageResult<Page<NotificationGroup>>;
    /// Marks `user`'s unread notifications in `scope` read at `at`; how many.
    async fn mark_notifications_read(&self, user: UserId, scope: &ReadScope, at: Timestamp) -> StorageResult<u64>;
}
