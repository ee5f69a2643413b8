//! The community half's rows as the databases return them, and their column lists.

use crate::rows::parse;
use resettle_domain::community::{Appointment, Enforcement, EtePlacement, LivingArrangement, Offence};
use resettle_domain::ids::*;
use resettle_domain::post_release::ReleaseKind;
use resettle_storage::{ReleaseRecord, StorageError, StorageResult};
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// The columns of `appointments`, in the order [`AppointmentRow`] and the inserts use.
pub const APPOINTMENT_COLUMNS: &str = "id, child_id, kind, starts_at, location, with_whom, outcome, outcome_reason, \
    rescheduled_to, version, recorded_by_name, created_at, updated_at";
/// The columns of `enforcement`.
pub const ENFORCEMENT_COLUMNS: &str =
    "id, child_id, kind, on_day, reason, court_on, outcome, recorded_by_name, created_at";
/// The columns of `offences`.
pub const OFFENCE_COLUMNS: &str = "id, child_id, arrested_on, offence_on, category, outcome, outcome_on, version, \
    recorded_by_name, created_at, updated_at, episode_id";
/// The columns of `living_arrangements`.
pub const LIVING_COLUMNS: &str =
    "id, child_id, from_day, kind, suitable, reason, address, recorded_by_name, created_at";
/// The columns of `ete_placements`.
pub const ETE_COLUMNS: &str =
    "id, child_id, from_day, kind, hours_offered, hours_attended, recorded_by_name, created_at";

/// The columns of `probation_transfers`.
pub const PROBATION_COLUMNS: &str =
    "id, child_id, transferred_on, probation_delivery_unit, shared, recorded_by_name, created_at";

/// `probation_transfers`.
#[derive(sqlx::FromRow)]
pub struct ProbationRow {
    id: Uuid,
    child_id: Uuid,
    transferred_on: jiff_sqlx::Date,
    probation_delivery_unit: String,
    shared: String,
    recorded_by_name: String,
    created_at: DbTimestamp,
}

impl ProbationRow {
    /// To the domain.
    pub fn into_domain(self) -> resettle_domain::community::ProbationTransfer {
        resettle_domain::community::ProbationTransfer {
            id: resettle_domain::ids::ProbationTransferId(self.id),
            child_id: ChildId(self.child_id),
            transferred_on: self.transferred_on.to_jiff(),
            probation_delivery_unit: self.probation_delivery_unit,
            shared: self.shared,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
        }
    }
}

/// `(id, date_of_birth)` of a child.
#[derive(sqlx::FromRow)]
pub struct BornRow {
    id: Uuid,
    date_of_birth: jiff_sqlx::Date,
}

impl BornRow {
    /// To the domain.
    pub fn into_domain(self) -> (ChildId, jiff::civil::Date) {
        (ChildId(self.id), self.date_of_birth.to_jiff())
    }
}

/// The columns of `discharge_decisions`.
pub const DISCHARGE_COLUMNS: &str =
    "sentence_id, release_on, brought_forward_to, reason, version, recorded_by_name, recorded_at";

/// `discharge_decisions`.
#[derive(sqlx::FromRow)]
pub struct DischargeRow {
    sentence_id: Uuid,
    release_on: Option<jiff_sqlx::Date>,
    brought_forward_to: Option<jiff_sqlx::Date>,
    reason: String,
    version: i64,
    recorded_by_name: String,
    recorded_at: DbTimestamp,
}

impl DischargeRow {
    /// To the domain.
    pub fn into_domain(self) -> resettle_domain::discharge::DischargeDecision {
        resettle_domain::discharge::DischargeDecision {
            sentence_id: SentenceId(self.sentence_id),
            release_on: self.release_on.map(|d| d.to_jiff()),
            brought_forward_to: self.brought_forward_to.map(|d| d.to_jiff()),
            reason: self.reason,
            version: self.version,
            recorded_by_name: self.recorded_by_name,
            recorded_at: self.recorded_at.0,
        }
    }
}

/// An ended custody episode.
#[derive(sqlx::FromRow)]
pub struct ReleaseRow {
    id: Uuid,
    kind: String,
    started_on: jiff_sqlx::Date,
    ended_on: jiff_sqlx::Date,
    release_kind: Option<String>,
}

impl ReleaseRow {
    /// To the storage type.
    pub fn into_domain(self) -> StorageResult<ReleaseRecord> {
        Ok(ReleaseRecord {
            episode_id: EpisodeId(self.id),
            kind: parse("episode kind", &self.kind)?,
            started_on: self.started_on.to_jiff(),
            released_on: self.ended_on.to_jiff(),
            release_kind: match self.release_kind.as_deref() {
                None => None,
                Some(k) => Some(
                    ReleaseKind::parse(k)
                        .ok_or_else(|| StorageError::Database("stored release kind is not valid".into()))?,
                ),
            },
        })
    }
}

/// `appointments`.
#[derive(sqlx::FromRow)]
pub struct AppointmentRow {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    starts_at: DbTimestamp,
    location: Option<String>,
    with_whom: Option<String>,
    outcome: Option<String>,
    outcome_reason: Option<String>,
    rescheduled_to: Option<DbTimestamp>,
    version: i64,
    recorded_by_name: String,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl AppointmentRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Appointment> {
        Ok(Appointment {
            id: AppointmentId(self.id),
            child_id: ChildId(self.child_id),
            kind: parse("appointment kind", &self.kind)?,
            starts_at: self.starts_at.0,
            location: self.location,
            with_whom: self.with_whom,
            outcome: self.outcome.as_deref().map(|o| parse("appointment outcome", o)).transpose()?,
            outcome_reason: self.outcome_reason,
            rescheduled_to: self.rescheduled_to.map(|t| t.0),
            version: self.version,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// `enforcement`.
#[derive(sqlx::FromRow)]
pub struct EnforcementRow {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    on_day: jiff_sqlx::Date,
    reason: String,
    court_on: Option<jiff_sqlx::Date>,
    outcome: Option<String>,
    recorded_by_name: String,
    created_at: DbTimestamp,
}

impl EnforcementRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Enforcement> {
        Ok(Enforcement {
            id: EnforcementId(self.id),
            child_id: ChildId(self.child_id),
            kind: parse("enforcement kind", &self.kind)?,
            on: self.on_day.to_jiff(),
            reason: self.reason,
            court_on: self.court_on.map(|d| d.to_jiff()),
            outcome: self.outcome.as_deref().map(|o| parse("breach outcome", o)).transpose()?,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
        })
    }
}

/// `offences`.
#[derive(sqlx::FromRow)]
pub struct OffenceRow {
    id: Uuid,
    child_id: Uuid,
    arrested_on: Option<jiff_sqlx::Date>,
    offence_on: Option<jiff_sqlx::Date>,
    category: String,
    outcome: String,
    outcome_on: Option<jiff_sqlx::Date>,
    version: i64,
    recorded_by_name: String,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
    episode_id: Option<Uuid>,
}

impl OffenceRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Offence> {
        Ok(Offence {
            id: OffenceId(self.id),
            child_id: ChildId(self.child_id),
            arrested_on: self.arrested_on.map(|d| d.to_jiff()),
            offence_on: self.offence_on.map(|d| d.to_jiff()),
            category: parse("offence category", &self.category)?,
            outcome: parse("offence outcome", &self.outcome)?,
            outcome_on: self.outcome_on.map(|d| d.to_jiff()),
            version: self.version,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
            episode_id: self.episode_id.map(resettle_domain::ids::EpisodeId),
        })
    }
}

/// `living_arrangements`.
#[derive(sqlx::FromRow)]
pub struct LivingRow {
    id: Uuid,
    child_id: Uuid,
    from_day: jiff_sqlx::Date,
    kind: String,
    suitable: bool,
    reason: Option<String>,
    address: Option<String>,
    recorded_by_name: String,
    created_at: DbTimestamp,
}

impl LivingRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<LivingArrangement> {
        Ok(LivingArrangement {
            id: LivingArrangementId(self.id),
            child_id: ChildId(self.child_id),
            from: self.from_day.to_jiff(),
            kind: parse("living arrangement", &self.kind)?,
            suitable: self.suitable,
            reason: self.reason,
            address: self.address,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
        })
    }
}

/// `ete_placements`.
#[derive(sqlx::FromRow)]
pub struct EteRow {
    id: Uuid,
    child_id: Uuid,
    from_day: jiff_sqlx::Date,
    kind: String,
    hours_offered: f64,
    hours_attended: Option<f64>,
    recorded_by_name: String,
    created_at: DbTimestamp,
}

impl EteRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<EtePlacement> {
        Ok(EtePlacement {
            id: EtePlacementId(self.id),
            child_id: ChildId(self.child_id),
            from: self.from_day.to_jiff(),
            kind: parse("ETE kind", &self.kind)?,
            hours_offered: self.hours_offered,
            hours_attended: self.hours_attended,
            recorded_by_name: self.recorded_by_name,
            created_at: self.created_at.0,
        })
    }
}
