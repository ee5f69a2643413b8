//! A person's notifications as they work through them: grouped by child and kind, the newest
//! group first, a page at a time, with repeats collapsed into one line, and marked read a
//! group, or all, at once. Each page is an audited read of every child it names.

use resettle_domain::ids::ChildId;

use crate::storage::{NotificationGroup, Page, ReadScope};
use crate::{App, AppError, AppResult, Ctx};

/// Groups on one page of notifications.
pub const GROUPS_PER_PAGE: u32 = 20;

impl App {
    /// Page `page` of the signed-in person's notifications in groups (one child, one kind),
    /// the group with the newest notification first.
    pub async fn notification_groups(&self, ctx: &Ctx, page: u32) -> AppResult<Page<NotificationGroup>> {
        let groups = self.store.notification_groups(ctx.actor.user_id, page.max(1), GROUPS_PER_PAGE).await?;
        self.audit_children(ctx, "read", "notification", groups.items.iter().filter_map(|g| g.latest.child_id)).await?;
        Ok(groups)
    }

    /// Marks the signed-in person's notifications read: all of them, or (with a `kind`) the
    /// group about `child` (empty: about no child) of that kind. How many were unread.
    pub async fn mark_notifications_read(&self, ctx: &Ctx, child: &str, kind: &str) -> AppResult<u64> {
        let scope = if kind.trim().is_empty() {
            ReadScope::All
        } else {
            let child = match child.trim() {
                "" => None,
                raw => Some(
                    raw.parse::<ChildId>()
                        .map_err(|_| AppError::invalid("kind", "Choose the notifications to mark as read"))?,
                ),
            };
            ReadScope::Group { child, kind: kind.trim().chars().take(100).collect() }
        };
        Ok(self.store.mark_notifications_read(ctx.actor.user_id, &scope, self.now()).await?)
    }
}
