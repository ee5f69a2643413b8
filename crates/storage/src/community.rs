//! What the community half of the journey needs from a database: releases with their kind,
//! appointments, enforcement, offences, living arrangements and ETE placements. Reads by child
//! return everything: the application checks the child against the access policy first.

use async_trait::async_trait;
use jiff::civil::Date;

use resettle_domain::audit::AuditEvent;
use resettle_domain::community::{
    Appointment, Enforcement, EtePlacement, LivingArrangement, Offence, ProbationTransfer,
};
use resettle_domain::custody::EpisodeKind;
use resettle_domain::discharge::DischargeDecision;
use resettle_domain::ids::{AppointmentId, ChildId, EpisodeId, OffenceId, SentenceId};
use resettle_domain::post_release::ReleaseKind;
use resettle_domain::timeline::TimelineEntry;

use super::StorageResult;

/// A custody episode that has ended: a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseRecord {
    /// The episode.
    pub episode_id: EpisodeId,
    /// Remand or sentence (at the end).
    pub kind: EpisodeKind,
    /// First day in custody.
    pub started_on: Date,
    /// The day of release.
    pub released_on: Date,
    /// How the child left, when recorded.
    pub release_kind: Option<ReleaseKind>,
}

/// Everything the community half of the journey needs from a database. Every write carries
/// its timeline entry and audit entries, written in its transaction.
#[async_trait]
pub trait CommunityStorage: Send + Sync {
    /// A child's releases, the latest first.
    async fn releases(&self, child: ChildId) -> StorageResult<Vec<ReleaseRecord>>;

    /// The discharge decisions about a child's sentences.
    async fn discharge_decisions(&self, child: ChildId) -> StorageResult<Vec<DischargeDecision>>;
    /// Writes a sentence's discharge decision: a new one when `expected_version` is 0, else a
    /// change if it is still at `expected_version` (else `VersionMismatch`).
    async fn put_discharge_decision(
        &self,
        d: &DischargeDecision,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// One sentence's discharge decision.
    async fn discharge_decision(&self, sentence: SentenceId) -> StorageResult<Option<DischargeDecision>>;

    /// Adds appointments (one, or a repeating schedule), with one timeline entry.
    async fn insert_appointments(
        &self,
        a: &[Appointment],
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Changes an appointment if `expected_version` is current (else `VersionMismatch`).
    async fn update_appointment(
        &self,
        a: &Appointment,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// One appointment.
    async fn appointment(&self, id: AppointmentId) -> StorageResult<Option<Appointment>>;
    /// A child's appointments, soonest first.
    async fn appointments(&self, child: ChildId) -> StorageResult<Vec<Appointment>>;
    /// Appointments that started before `before` and have no outcome yet, oldest first (at
    /// most 20,000: the sweep's reminders).
    async fn appointments_awaiting_outcome(&self, before: jiff::Timestamp) -> StorageResult<Vec<Appointment>>;

    /// The appointments from `from` (inclusive) to `to` (exclusive) of the children in `scope`,
    /// soonest first (at most 2,000).
    async fn appointments_between(
        &self,
        scope: &resettle_domain::policy::ChildScope,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StorageResult<Vec<Appointment>>;

    /// Adds a warning, breach or recall.
    async fn insert_enforcement(
        &self,
        e: &Enforcement,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// A child's warnings, breaches and recalls, oldest first.
    async fn enforcement(&self, child: ChildId) -> StorageResult<Vec<Enforcement>>;

    /// Adds an arrest or offence.
    async fn insert_offence(&self, o: &Offence, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()>;
    /// Changes an offence if `expected_version` is current (else `VersionMismatch`).
    async fn update_offence(
        &self,
        o: &Offence,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// One offence.
    async fn offence(&self, id: OffenceId) -> StorageResult<Option<Offence>>;
    /// A child's arrests and offences, by the day that counts.
    async fn offences(&self, child: ChildId) -> StorageResult<Vec<Offence>>;

    /// Adds a living arrangement.
    async fn insert_living_arrangement(
        &self,
        l: &LivingArrangement,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// A child's living arrangements, oldest first.
    async fn living_arrangements(&self, child: ChildId) -> StorageResult<Vec<LivingArrangement>>;

    /// Adds an ETE placement.
    async fn insert_ete_placement(
        &self,
        p: &EtePlacement,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// A child's ETE placements, oldest first.
    async fn ete_placements(&self, child: ChildId) -> StorageResult<Vec<EtePlacement>>;

    /// Records the transfer of supervision to the Probation Service.
    async fn insert_probation_transfer(
        &self,
        t: &ProbationTransfer,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// A child's transfers to probation, oldest first.
    async fn probation_transfers(&self, child: ChildId) -> StorageResult<Vec<ProbationTransfer>>;
    /// Children born between the two days (inclusive) who have been released from custody, are
    /// not in custody now, and have no transfer to probation recorded: with their dates of birth.
    async fn released_children_born_between(&self, from: Date, to: Date) -> StorageResult<Vec<(ChildId, Date)>>;
}
