//! Loading synthetic records in bulk (the generator's path, `resettle-synth`).

use async_trait::async_trait;

use resettle_domain::child::{Carer, Child};
use resettle_domain::custody::{CustodyEpisode, Placement};
use resettle_domain::org::Organisation;
use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;

use crate::{StorageResult, StoredArrangements, UserRecord};

/// A batch of synthetic records, loaded in one transaction.
#[derive(Clone, Debug, Default)]
pub struct SyntheticBatch {
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Users with a password hash and memberships.
    pub users: Vec<UserRecord>,
    /// Children.
    pub children: Vec<Child>,
    /// Carers.
    pub carers: Vec<Carer>,
    /// Team members.
    pub team: Vec<TeamMember>,
    /// Custody episodes.
    pub episodes: Vec<CustodyEpisode>,
    /// Placements.
    pub placements: Vec<Placement>,
    /// Timeline entries.
    pub timeline: Vec<TimelineEntry>,
    /// Sentences.
    pub sentences: Vec<Sentence>,
    /// Key-date revisions.
    pub revisions: Vec<KeyDatesRevision>,
    /// Remands.
    pub remands: Vec<Remand>,
    /// Deadlines.
    pub deadlines: Vec<StoredDeadline>,
    /// Resettlement plans.
    pub plans: Vec<resettle_domain::plan::Plan>,
    /// Support needs.
    pub needs: Vec<resettle_domain::plan::Need>,
    /// Need update-log entries.
    pub need_updates: Vec<resettle_domain::plan::NeedUpdate>,
    /// Meetings.
    pub meetings: Vec<resettle_domain::meeting::Meeting>,
    /// Actions.
    pub actions: Vec<resettle_domain::action_item::ActionItem>,
    /// Notes of health information.
    pub health_records: Vec<resettle_domain::health::HealthRecord>,
    /// Health assessments.
    pub assessments: Vec<resettle_domain::health::Assessment>,
    /// Outcome measures.
    pub measures: Vec<resettle_domain::health::Measure>,
    /// Consent and sharing decisions.
    pub consents: Vec<resettle_domain::health::Consent>,
    /// Handovers.
    pub handovers: Vec<resettle_domain::health::Handover>,
    /// Share-log lines.
    pub shares: Vec<resettle_domain::health::ShareLogEntry>,
    /// Release arrangements of open custody episodes.
    pub release_arrangements: Vec<StoredArrangements>,
    /// Supervision appointments after release.
    pub appointments: Vec<resettle_domain::community::Appointment>,
    /// Warnings, breaches and recalls.
    pub enforcement: Vec<resettle_domain::community::Enforcement>,
    /// Arrests and offences.
    pub offences: Vec<resettle_domain::community::Offence>,
    /// Living arrangements after release.
    pub living_arrangements: Vec<resettle_domain::community::LivingArrangement>,
    /// Education, training or employment after release.
    pub ete_placements: Vec<resettle_domain::community::EtePlacement>,
}

/// Bulk loading of synthetic records.
#[async_trait]
pub trait SyntheticStorage: Send + Sync {
    /// Loads synthetic records in one transaction (the generator's bulk path).
    async fn load_synthetic(&self, batch: &SyntheticBatch) -> StorageResult<()>;
}
