//! Custody episodes (remand or sentence) and placements in secure establishments.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, EpisodeId, OrgId, PlacementId};
use crate::org::string_enum;

string_enum!(
    /// Why the child is in custody.
    EpisodeKind, "episode kind" {
        /// Remanded to youth detention accommodation.
        Remand => "remand", "Remand to youth detention accommodation";
        /// Serving a custodial sentence.
        Sentence => "sentence", "Custodial sentence";
    }
);

string_enum!(
    /// How a placement began.
    PlacementReason, "placement reason" {
        /// First placement of the episode.
        Admission => "admission", "Admission";
        /// Moved from another establishment.
        Transfer => "transfer", "Transfer";
    }
);

/// One continuous period in custody.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEpisode {
    /// Identifier.
    pub id: EpisodeId,
    /// The child.
    pub child_id: ChildId,
    /// Remand or sentence.
    pub kind: EpisodeKind,
    /// First day in custody.
    pub started_on: Date,
    /// Day of release; open while in custody.
    pub ended_on: Option<Date>,
    /// When it was recorded (none for episodes loaded in bulk): deadlines that had already
    /// passed by then were history when entered, and are not chased.
    pub recorded_at: Option<jiff::Timestamp>,
}

/// A stay in one secure establishment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Identifier.
    pub id: PlacementId,
    /// The custody episode.
    pub episode_id: EpisodeId,
    /// The establishment (a YOI, STC, SCH or secure school).
    pub establishment_id: OrgId,
    /// Arrival.
    pub started_on: Date,
    /// Departure; open while there.
    pub ended_on: Option<Date>,
    /// Admission or transfer.
    pub reason: PlacementReason,
}
