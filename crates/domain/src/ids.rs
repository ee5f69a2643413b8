//! Identifiers. Each kind of record has its own id type so that a child's id can never be
//! passed where an organisation's is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random identifier (UUID v4).
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

id_type!(
    /// An organisation: a youth justice service, a secure establishment, a local authority…
    OrgId
);
id_type!(
    /// A person who signs in.
    UserId
);
id_type!(
    /// A user's role in an organisation.
    MembershipId
);
id_type!(
    /// A child whose resettlement is planned.
    ChildId
);
id_type!(
    /// A parent or carer of a child.
    CarerId
);
id_type!(
    /// A member of the team around a child.
    TeamMemberId
);
id_type!(
    /// A period in custody (remand or sentence).
    EpisodeId
);
id_type!(
    /// A placement in one secure establishment within a custody episode.
    PlacementId
);
id_type!(
    /// An entry on a child's timeline.
    TimelineEntryId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// A sentence.
    SentenceId
);
id_type!(
    /// One revision of a sentence's key dates.
    KeyDatesId
);
id_type!(
    /// A remand to youth detention accommodation.
    RemandId
);
id_type!(
    /// A deadline created by the key-dates rules.
    DeadlineId
);
id_type!(
    /// A support need on a child's resettlement plan.
    NeedId
);
id_type!(
    /// One entry in a need's update log.
    NeedUpdateId
);
id_type!(
    /// A planning meeting.
    MeetingId
);
id_type!(
    /// An action agreed for a child (at a meeting, or against a need).
    ActionItemId
);
id_type!(
    /// A break-glass (emergency access) grant.
    GrantId
);
id_type!(
    /// An email in the outbox.
    MessageId
);
id_type!(
    /// A note of health information about a child.
    HealthRecordId
);
id_type!(
    /// A health assessment (community, reception screen, comprehensive custody, release summary).
    AssessmentId
);
id_type!(
    /// One outcome measure score (SDQ, HoNOSCA).
    MeasureId
);
id_type!(
    /// A recorded consent, capacity or sharing decision.
    ConsentId
);
id_type!(
    /// A closed-loop handover of health information.
    HandoverId
);
id_type!(
    /// One line of the share log.
    ShareId
);
id_type!(
    /// An in-app notification.
    NotificationId
);
id_type!(
    /// A supervision appointment after release.
    AppointmentId
);
id_type!(
    /// A warning, breach or recall.
    EnforcementId
);
id_type!(
    /// An arrest or offence after release.
    OffenceId
);
id_type!(
    /// Where a child lives after release, from a day.
    LivingArrangementId
);
id_type!(
    /// Education, training or employment after release, from a day.
    EtePlacementId
);
id_type!(
    /// The transfer of a young adult's supervision to the Probation Service.
    ProbationTransferId
);
id_type!(
    /// A period out of custody on temporary licence (ROTL) or mobility.
    TemporaryReleaseId
);
