//! After release: the post-release period, appointments, enforcement, offences, living
//! arrangements and ETE placements. Dates are `YYYY-MM-DD`, times RFC 3339.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use resettle_app::community::PostRelease;
use resettle_domain::community::{
    Appointment, AppointmentInput, AppointmentOutcomeInput, Enforcement, EnforcementInput, EtePlacement,
    EtePlacementInput, LivingArrangement, LivingArrangementInput, Offence, OffenceInput, ProbationTransfer,
    ProbationTransferInput, SchedulePhase,
};
use resettle_domain::ids::{AppointmentId, ChildId, OffenceId, SentenceId};

use super::ApiJson;
use super::{err, id};
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;

pub mod discharge;

fn day(d: Option<jiff::civil::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A supervision appointment.
#[derive(Serialize, ToSchema)]
pub struct AppointmentJson {
    /// Id.
    pub id: Uuid,
    /// `yjs_supervision`, `health`, `education`, `intervention`, `reparation` or `other`.
    pub kind: String,
    /// RFC 3339.
    pub starts_at: String,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with: Option<String>,
    /// `attended`, `acceptable_absence`, `unacceptable_absence`, `cancelled_by_service` or
    /// `rescheduled`; null until recorded.
    pub outcome: Option<String>,
    /// Why.
    pub outcome_reason: Option<String>,
    /// The new time, when rescheduled.
    pub rescheduled_to: Option<String>,
    /// Send back when changing; stale versions get 409.
    pub version: i64,
}

impl From<&Appointment> for AppointmentJson {
    fn from(a: &Appointment) -> Self {
        Self {
            id: a.id.0,
            kind: a.kind.as_str().into(),
            starts_at: a.starts_at.to_string(),
            location: a.location.clone(),
            with: a.with_whom.clone(),
            outcome: a.outcome.map(|o| o.as_str().into()),
            outcome_reason: a.outcome_reason.clone(),
            rescheduled_to: a.rescheduled_to.map(|t| t.to_string()),
            version: a.version,
        }
    }
}

/// A warning, breach or recall.
#[derive(Serialize, ToSchema)]
pub struct EnforcementJson {
    /// Id.
    pub id: Uuid,
    /// `warning`, `final_warning`, `breach` or `recall`.
    pub kind: String,
    /// The day.
    pub on: String,
    /// Why.
    pub reason: String,
    /// A breach's court date.
    pub court_on: Option<String>,
    /// A breach's outcome: `no_action`, `fine`, `further_supervision` or `further_detention`.
    pub outcome: Option<String>,
}

impl From<&Enforcement> for EnforcementJson {
    fn from(e: &Enforcement) -> Self {
        Self {
            id: e.id.0,
            kind: e.kind.as_str().into(),
            on: e.on.to_string(),
            reason: e.reason.clone(),
            court_on: day(e.court_on),
            outcome: e.outcome.map(|o| o.as_str().into()),
        }
    }
}

/// An arrest or offence.
#[derive(Serialize, ToSchema)]
pub struct OffenceJson {
    /// Id.
    pub id: Uuid,
    /// The day of arrest.
    pub arrested_on: Option<String>,
    /// The day of the offence.
    pub offence_on: Option<String>,
    /// The offence group, e.g. `theft`.
    pub category: String,
    /// Where it has got to, e.g. `pending`, `convicted`.
    pub outcome: String,
    /// The day of the outcome.
    pub outcome_on: Option<String>,
    /// The custody episode (remand or sentence) recorded for it, when one was.
    pub custody_episode_id: Option<Uuid>,
    /// Send back when changing; stale versions get 409.
    pub version: i64,
}

impl From<&Offence> for OffenceJson {
    fn from(o: &Offence) -> Self {
        Self {
            id: o.id.0,
            arrested_on: day(o.arrested_on),
            offence_on: day(o.offence_on),
            category: o.category.as_str().into(),
            outcome: o.outcome.as_str().into(),
            outcome_on: day(o.outcome_on),
            custody_episode_id: o.episode_id.map(|e| e.0),
            version: o.version,
        }
    }
}

/// Where the child lives, from a day.
#[derive(Serialize, ToSchema)]
pub struct LivingArrangementJson {
    /// Id.
    pub id: Uuid,
    /// From.
    pub from: String,
    /// e.g. `family_home`, `supported_accommodation`, `no_fixed_abode`.
    pub kind: String,
    /// Whether suitable.
    pub suitable: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The address.
    pub address: Option<String>,
}

impl From<&LivingArrangement> for LivingArrangementJson {
    fn from(l: &LivingArrangement) -> Self {
        Self {
            id: l.id.0,
            from: l.from.to_string(),
            kind: l.kind.as_str().into(),
            suitable: l.suitable,
            reason: l.reason.clone(),
            address: l.address.clone(),
        }
    }
}

/// Education, training or employment, from a day.
#[derive(Serialize, ToSchema)]
pub struct EtePlacementJson {
    /// Id.
    pub id: Uuid,
    /// From.
    pub from: String,
    /// e.g. `school`, `college`, `apprenticeship`, `none`.
    pub kind: String,
    /// Hours offered a week.
    pub hours_offered: f64,
    /// Hours attended a week.
    pub hours_attended: Option<f64>,
}

impl From<&EtePlacement> for EtePlacementJson {
    fn from(p: &EtePlacement) -> Self {
        Self {
            id: p.id.0,
            from: p.from.to_string(),
            kind: p.kind.as_str().into(),
            hours_offered: p.hours_offered,
            hours_attended: p.hours_attended,
        }
    }
}

/// Compliance with supervision.
#[derive(Serialize, ToSchema)]
pub struct ComplianceJson {
    /// `complying`, `warned`, `breach` or `recalled`.
    pub status: String,
    /// Unacceptable absences in the supervision period.
    pub unacceptable_absences: u32,
    /// Warnings and final warnings.
    pub warnings: u32,
    /// Breaches.
    pub breaches: u32,
    /// Recalls.
    pub recalls: u32,
    /// None of the above during the supervision period.
    pub fully_complied: bool,
}

/// The post-release period of the child's latest release.
#[derive(Serialize, ToSchema)]
pub struct PostReleaseJson {
    /// The day of release; null when the child has not been released (and so are the dates
    /// that follow from it, and `compliance`).
    pub released_on: Option<String>,
    /// How the child left (null when not recorded).
    pub release_kind: Option<String>,
    /// The expected day of discharge of the sentence (null on remand).
    pub discharge_on: Option<String>,
    /// The last day of the follow-up (`[outcomes] follow_up_months` from release).
    pub follow_up_ends_on: Option<String>,
    /// The last day of supervision (null on remand).
    pub supervision_ends_on: Option<String>,
    /// Days since release.
    pub days_since_release: Option<i64>,
    /// Compliance over the supervision period.
    pub compliance: Option<ComplianceJson>,
    /// Appointments, soonest first.
    pub appointments: Vec<AppointmentJson>,
    /// Warnings, breaches and recalls.
    pub enforcement: Vec<EnforcementJson>,
    /// Arrests and offences.
    pub offences: Vec<OffenceJson>,
    /// Living arrangements, oldest first.
    pub living_arrangements: Vec<LivingArrangementJson>,
    /// ETE placements, oldest first.
    pub ete_placements: Vec<EtePlacementJson>,
    /// The child's 18th birthday.
    pub turns_18_on: String,
    /// Whether the child turns 18 while under supervision.
    pub turns_18_during_supervision: bool,
    /// Transfers of supervision to the Probation Service.
    pub probation_transfers: Vec<ProbationTransferJson>,
    /// Outcome measures (SDQ, HoNOSCA) due at release and 3, 6 and 12 months after;
    /// `recorded` is null for people who may not see health information.
    pub measures_due: Vec<MeasureDueJson>,
}

/// A transfer of supervision to the Probation Service.
#[derive(Serialize, ToSchema)]
pub struct ProbationTransferJson {
    /// Id.
    pub id: Uuid,
    /// `YYYY-MM-DD`.
    pub transferred_on: String,
    /// The receiving probation delivery unit.
    pub probation_delivery_unit: String,
    /// What was shared.
    pub shared: String,
}

impl From<&ProbationTransfer> for ProbationTransferJson {
    fn from(t: &ProbationTransfer) -> Self {
        Self {
            id: t.id.0,
            transferred_on: t.transferred_on.to_string(),
            probation_delivery_unit: t.probation_delivery_unit.clone(),
            shared: t.shared.clone(),
        }
    }
}

/// An outcome measurement due after release.
#[derive(Serialize, ToSchema)]
pub struct MeasureDueJson {
    /// Months after release (0: at release).
    pub months: i8,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// Whether a measure was recorded within a month either side (null when not visible).
    pub recorded: Option<bool>,
}

impl From<&PostRelease> for PostReleaseJson {
    fn from(p: &PostRelease) -> Self {
        Self {
            released_on: day(p.released_on),
            release_kind: p.release_kind.map(|k| k.as_str().into()),
            discharge_on: day(p.discharge_on),
            follow_up_ends_on: day(p.follow_up_ends_on),
            supervision_ends_on: day(p.supervision_ends_on),
            days_since_release: p.days_since_release,
            compliance: p.compliance.as_ref().map(|c| ComplianceJson {
                status: c.status.as_str().into(),
                unacceptable_absences: c.unacceptable_absences,
                warnings: c.warnings,
                breaches: c.breaches,
                recalls: c.recalls,
                fully_complied: c.fully_complied,
            }),
            appointments: p.appointments.iter().map(AppointmentJson::from).collect(),
            enforcement: p.enforcement.iter().map(EnforcementJson::from).collect(),
            offences: p.offences.iter().map(OffenceJson::from).collect(),
            living_arrangements: p.living_arrangements.iter().map(LivingArrangementJson::from).collect(),
            ete_placements: p.ete_placements.iter().map(EtePlacementJson::from).collect(),
            turns_18_on: p.turns_18_on.to_string(),
            turns_18_during_supervision: p.turns_18_during_supervision,
            probation_transfers: p.probation_transfers.iter().map(ProbationTransferJson::from).collect(),
            measures_due: p
                .measures_due
                .iter()
                .map(|m| MeasureDueJson { months: m.months, due_on: m.due_on.to_string(), recorded: m.recorded })
                .collect(),
        }
    }
}

/// The post-release period: days since release, the day of discharge, supervision and
/// follow-up, compliance, and everything recorded after release.
#[utoipa::path(get, path = "/api/v1/children/{id}/post-release", tag = "after release", params(("id" = String, Path)),
    responses((status = 200, body = PostReleaseJson), (status = 404, body = Problem)))]
pub async fn post_release(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<PostReleaseJson>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let p = state.app.post_release(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(PostReleaseJson::from(&p)))
}

/// A new appointment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointment {
    /// `yjs_supervision`, `health`, `education`, `intervention`, `reparation` or `other`.
    pub kind: String,
    /// RFC 3339, e.g. `2026-11-02T14:30:00Z`.
    pub starts_at: String,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with: Option<String>,
}

/// Adds a supervision appointment (past ones too: back-recording is normal).
#[utoipa::path(post, path = "/api/v1/children/{id}/appointments", tag = "after release", params(("id" = String, Path)),
    request_body = NewAppointment,
    responses((status = 201, body = AppointmentJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_appointment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewAppointment>,
) -> Result<(StatusCode, Json<AppointmentJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = AppointmentInput {
        kind: Some(body.kind),
        starts_at: Some(body.starts_at),
        location: body.location,
        with: body.with,
    };
    let a = state.app.add_appointment(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(AppointmentJson::from(&a))))
}

/// A repeating schedule of appointments.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointmentSeries {
    /// `yjs_supervision`, `health`, `education`, `intervention`, `reparation` or `other`.
    pub kind: String,
    /// The first appointment, RFC 3339; the others at the same local time.
    pub starts_at: String,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with: Option<String>,
    /// Phases such as `[{"every_weeks": 1, "count": 12}, {"every_weeks": 2, "count": 14}]`;
    /// the service's default (`[outcomes] appointment_schedule`) when absent.
    pub schedule: Option<Vec<SchedulePhaseJson>>,
    /// `YYYY-MM-DD`: no appointment after this day (nor after supervision ends).
    pub until: Option<String>,
}

/// One phase of a schedule.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchedulePhaseJson {
    /// Weeks between appointments (1 to 8).
    pub every_weeks: u8,
    /// Appointments in the phase (1 to 52).
    pub count: u8,
}

/// The appointments a schedule created.
#[derive(Serialize, ToSchema)]
pub struct AppointmentSeriesJson {
    /// Soonest first.
    pub appointments: Vec<AppointmentJson>,
}

/// Adds a repeating schedule of supervision appointments (weekly, then fortnightly, by
/// default), ending with supervision. All or none are added.
#[utoipa::path(post, path = "/api/v1/children/{id}/appointments/series", tag = "after release",
    params(("id" = String, Path)), request_body = NewAppointmentSeries,
    responses((status = 201, body = AppointmentSeriesJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_appointment_series(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewAppointmentSeries>,
) -> Result<(StatusCode, Json<AppointmentSeriesJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = AppointmentInput {
        kind: Some(body.kind),
        starts_at: Some(body.starts_at),
        location: body.location,
        with: body.with,
    };
    let phases: Option<Vec<SchedulePhase>> = body
        .schedule
        .map(|s| s.into_iter().map(|p| SchedulePhase { every_weeks: p.every_weeks, count: p.count }).collect());
    let list = state
        .app
        .add_appointment_series(&ctx, child, &input, phases.as_deref(), body.until.as_deref())
        .await
        .map_err(err(&ctx))?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentSeriesJson { appointments: list.iter().map(AppointmentJson::from).collect() }),
    ))
}

/// A transfer of supervision to the Probation Service.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProbationTransfer {
    /// `YYYY-MM-DD`.
    pub transferred_on: String,
    /// The receiving probation delivery unit.
    pub probation_delivery_unit: String,
    /// What was shared with probation.
    pub shared: String,
}

/// Records the transfer of a young adult's supervision to the Probation Service; the record
/// stays open for the follow-up.
#[utoipa::path(post, path = "/api/v1/children/{id}/probation-transfers", tag = "after release",
    params(("id" = String, Path)), request_body = NewProbationTransfer,
    responses((status = 201, body = ProbationTransferJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_probation_transfer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewProbationTransfer>,
) -> Result<(StatusCode, Json<ProbationTransferJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = ProbationTransferInput {
        transferred_on: Some(body.transferred_on),
        probation_delivery_unit: Some(body.probation_delivery_unit),
        shared: Some(body.shared),
    };
    let t = state.app.record_probation_transfer(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(ProbationTransferJson::from(&t))))
}

/// An appointment's outcome.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAppointment {
    /// The version read.
    pub version: i64,
    /// `attended`, `acceptable_absence` (with a reason), `unacceptable_absence`,
    /// `cancelled_by_service` or `rescheduled` (with `rescheduled_to`).
    pub outcome: String,
    /// Why.
    pub outcome_reason: Option<String>,
    /// RFC 3339: the new time.
    pub rescheduled_to: Option<String>,
}

/// Records how an appointment went (409 when the version is stale).
#[utoipa::path(patch, path = "/api/v1/appointments/{id}", tag = "after release", params(("id" = String, Path)),
    request_body = PatchAppointment,
    responses((status = 200, body = AppointmentJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn patch_appointment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchAppointment>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let appointment: AppointmentId = id(&ctx, &raw)?;
    let input = AppointmentOutcomeInput {
        version: Some(body.version),
        outcome: Some(body.outcome),
        outcome_reason: body.outcome_reason,
        rescheduled_to: body.rescheduled_to,
    };
    let a = state.app.record_appointment_outcome(&ctx, appointment, &input).await.map_err(err(&ctx))?;
    Ok(Json(AppointmentJson::from(&a)))
}

/// The appointment as an iCalendar invitation (the child by initials only).
#[utoipa::path(get, path = "/api/v1/appointments/{id}/invite.ics", tag = "after release", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem)))]
pub async fn appointment_invite(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let appointment: AppointmentId = id(&ctx, &raw)?;
    let ics = state.app.appointment_invite(&ctx, appointment).await.map_err(err(&ctx))?;
    Ok(crate::download::ics_response(ics, &format!("appointment-{appointment}.ics")))
}

/// A warning, breach or recall.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnforcement {
    /// `warning`, `final_warning`, `breach` or `recall`.
    pub kind: String,
    /// The day, `YYYY-MM-DD`.
    pub on: String,
    /// Why.
    pub reason: String,
    /// A breach's court date.
    pub court_on: Option<String>,
    /// A breach's outcome.
    pub outcome: Option<String>,
}

/// Records a warning, breach or recall.
#[utoipa::path(post, path = "/api/v1/children/{id}/enforcement", tag = "after release", params(("id" = String, Path)),
    request_body = NewEnforcement,
    responses((status = 201, body = EnforcementJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_enforcement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewEnforcement>,
) -> Result<(StatusCode, Json<EnforcementJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = EnforcementInput {
        kind: Some(body.kind),
        on: Some(body.on),
        reason: Some(body.reason),
        court_on: body.court_on,
        outcome: body.outcome,
    };
    let e = state.app.add_enforcement(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(EnforcementJson::from(&e))))
}

/// An arrest or offence.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOffence {
    /// `YYYY-MM-DD`.
    pub arrested_on: Option<String>,
    /// `YYYY-MM-DD`; when unknown, the arrest date stands for it.
    pub offence_on: Option<String>,
    /// The offence group.
    pub category: String,
    /// Default `pending`.
    pub outcome: Option<String>,
    /// `YYYY-MM-DD`.
    pub outcome_on: Option<String>,
}

/// Records an arrest or offence.
#[utoipa::path(post, path = "/api/v1/children/{id}/offences", tag = "after release", params(("id" = String, Path)),
    request_body = NewOffence,
    responses((status = 201, body = OffenceJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_offence(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewOffence>,
) -> Result<(StatusCode, Json<OffenceJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = OffenceInput {
        version: None,
        arrested_on: body.arrested_on,
        offence_on: body.offence_on,
        category: Some(body.category),
        outcome: body.outcome,
        outcome_on: body.outcome_on,
    };
    let o = state.app.add_offence(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(OffenceJson::from(&o))))
}

/// A change to an arrest or offence: only the fields sent change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchOffence {
    /// The version read.
    pub version: i64,
    /// `YYYY-MM-DD`.
    pub arrested_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub offence_on: Option<String>,
    /// The offence group.
    pub category: Option<String>,
    /// Where it has got to.
    pub outcome: Option<String>,
    /// `YYYY-MM-DD`.
    pub outcome_on: Option<String>,
}

/// Changes an arrest or offence (409 when the version is stale).
#[utoipa::path(patch, path = "/api/v1/offences/{id}", tag = "after release", params(("id" = String, Path)),
    request_body = PatchOffence,
    responses((status = 200, body = OffenceJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn patch_offence(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchOffence>,
) -> Result<Json<OffenceJson>, ApiError> {
    let offence: OffenceId = id(&ctx, &raw)?;
    let input = OffenceInput {
        version: Some(body.version),
        arrested_on: body.arrested_on,
        offence_on: body.offence_on,
        category: body.category,
        outcome: body.outcome,
        outcome_on: body.outcome_on,
    };
    let o = state.app.update_offence(&ctx, offence, &input).await.map_err(err(&ctx))?;
    Ok(Json(OffenceJson::from(&o)))
}

/// Where the child lives, from a day.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLivingArrangement {
    /// `YYYY-MM-DD`.
    pub from: String,
    /// The kind of home.
    pub kind: String,
    /// Whether suitable.
    pub suitable: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The address.
    pub address: Option<String>,
}

/// Records where the child lives from a day.
#[utoipa::path(post, path = "/api/v1/children/{id}/living-arrangements", tag = "after release",
    params(("id" = String, Path)), request_body = NewLivingArrangement,
    responses((status = 201, body = LivingArrangementJson), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_living_arrangement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewLivingArrangement>,
) -> Result<(StatusCode, Json<LivingArrangementJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = LivingArrangementInput {
        from: Some(body.from),
        kind: Some(body.kind),
        suitable: Some(body.suitable),
        reason: body.reason,
        address: body.address,
    };
    let l = state.app.add_living_arrangement(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(LivingArrangementJson::from(&l))))
}

/// Education, training or employment, from a day.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEtePlacement {
    /// `YYYY-MM-DD`.
    pub from: String,
    /// The kind.
    pub kind: String,
    /// Hours offered a week (0 to 168).
    pub hours_offered: f64,
    /// Hours attended a week.
    pub hours_attended: Option<f64>,
}

/// Records education, training or employment from a day.
#[utoipa::path(post, path = "/api/v1/children/{id}/ete-placements", tag = "after release",
    params(("id" = String, Path)), request_body = NewEtePlacement,
    responses((status = 201, body = EtePlacementJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_ete_placement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewEtePlacement>,
) -> Result<(StatusCode, Json<EtePlacementJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = EtePlacementInput {
        from: Some(body.from),
        kind: Some(body.kind),
        hours_offered: Some(body.hours_offered),
        hours_attended: body.hours_attended,
    };
    let p = state.app.add_ete_placement(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(EtePlacementJson::from(&p))))
}
