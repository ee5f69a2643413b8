//! The child's timeline: every change to the record, who made it and why.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, TimelineEntryId, UserId};

/// One change to a child's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Identifier.
    pub id: TimelineEntryId,
    /// The child.
    pub child_id: ChildId,
    /// When (UTC).
    pub at: Timestamp,
    /// Who made the change; `None` for the system (e.g. synthetic history, a scheduled rule).
    pub actor_id: Option<UserId>,
    /// Their name at the time, kept so the entry reads correctly if the user later changes.
    pub actor_name: String,
    /// What kind of change, a stable key such as `child.created`.
    pub kind: String,
    /// What changed, in words (field names, not values, for identity changes).
    pub summary: String,
    /// Why, when the person gave a reason.
    pub reason: Option<String>,
}
