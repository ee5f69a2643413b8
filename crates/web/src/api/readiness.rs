//! Release readiness over JSON: a child's readiness, their release arrangements (versioned),
//! and the readiness caseload with filters, sorting and counts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use resettle_app::AppError;
use resettle_app::readiness::{CaseloadLine, ChildReadiness, StatusCounts};
use resettle_domain::readiness::{Readiness, ReadinessItem, ReleaseArrangements, ReleaseArrangementsInput};

use super::{ApiJson, ApiQuery};
use super::{child_id, err};
use crate::AppState;
pub use crate::caseload_filter::{ReadinessCaseloadParams, parse_filter};
use crate::error::{ApiError, Problem, problem};
use crate::session::ApiCaller;

/// One readiness item.
#[derive(Serialize, ToSchema)]
pub struct ReadinessItemJson {
    /// `accommodation`, `ete`, `constructive_activity`, `health_handover`, `gp_registration`,
    /// `first_appointment`, `release_day`, `plan_shared`; on remand `next_court_date_plan` and
    /// `bail_accommodation`.
    pub key: String,
    /// `green`, `amber` or `red`.
    pub status: String,
    /// Why, in words a practitioner can act on.
    pub reason: String,
    /// The deadline, `YYYY-MM-DD` (`null` when no date to count back from is known).
    pub due_by: Option<String>,
    /// Whether it is done.
    pub done: bool,
}

impl From<&ReadinessItem> for ReadinessItemJson {
    fn from(i: &ReadinessItem) -> Self {
        Self {
            key: i.key.as_str().into(),
            status: i.status.as_str().into(),
            reason: i.reason.clone(),
            due_by: i.due_by.map(|d| d.to_string()),
            done: i.done,
        }
    }
}

/// A child's release readiness.
#[derive(Serialize, ToSchema)]
pub struct ReadinessJson {
    /// `green`, `amber` or `red` (the worst item); `not_applicable` when not in custody.
    pub status: String,
    /// Why `not_applicable`, when it is.
    pub explanation: Option<String>,
    /// `remand` or `sentence`.
    pub custody: Option<String>,
    /// Release date (sentenced) or next court date (remand) the deadlines count back from.
    pub release_date: Option<String>,
    /// Days from today to `release_date`.
    pub days_to_release: Option<i64>,
    /// Every item.
    pub items: Vec<ReadinessItemJson>,
}

impl From<&ChildReadiness> for ReadinessJson {
    fn from(r: &ChildReadiness) -> Self {
        match &r.readiness {
            Readiness::NotApplicable => Self {
                status: "not_applicable".into(),
                explanation: Some(
                    "The child is not in custody, so there is no release to be ready for: readiness applies from \
                     remand or sentence until release"
                        .into(),
                ),
                custody: None,
                release_date: None,
                days_to_release: None,
                items: Vec::new(),
            },
            Readiness::Assessed { status, items, target, days_to_target } => Self {
                status: status.as_str().into(),
                explanation: None,
                custody: r.row.as_ref().map(|row| row.kind.as_str().to_string()),
                release_date: target.map(|d| d.to_string()),
                days_to_release: *days_to_target,
                items: items.iter().map(ReadinessItemJson::from).collect(),
            },
        }
    }
}

/// A child's readiness for release: each item green, amber or red with a reason and deadline.
#[utoipa::path(get, path = "/api/v1/children/{id}/readiness", tag = "readiness", params(("id" = String, Path)),
    responses((status = 200, body = ReadinessJson), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_readiness(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<ReadinessJson>, ApiError> {
    let child = child_id(&ctx, &raw)?;
    let r = state.app.readiness(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(ReadinessJson::from(&r)))
}

/// The release arrangements of the child's current custody episode.
#[derive(Serialize, ToSchema)]
pub struct ReleaseArrangementsJson {
    /// Version: send it back with a change (0 before anything is recorded).
    pub version: i64,
    /// Address the child will live at.
    pub accommodation_address: Option<String>,
    /// The day accommodation was confirmed, `YYYY-MM-DD`.
    pub accommodation_confirmed_on: Option<String>,
    /// Who confirmed it.
    pub accommodation_confirmed_by: Option<String>,
    /// Education, training or employment provider or arrangement.
    pub ete_arrangement: Option<String>,
    /// The day it starts.
    pub ete_starts_on: Option<String>,
    /// A constructive activity for the first week.
    pub constructive_activity: Option<String>,
    /// GP practice.
    pub gp_practice: Option<String>,
    /// The day registration was confirmed.
    pub gp_registered_on: Option<String>,
    /// The day of the first supervision appointment.
    pub first_appointment_on: Option<String>,
    /// Its time, `HH:MM`.
    pub first_appointment_time: Option<String>,
    /// Where.
    pub first_appointment_place: Option<String>,
    /// With whom.
    pub first_appointment_with: Option<String>,
    /// Who meets the child at the gate.
    pub gate_met_by: Option<String>,
    /// Transport from the gate.
    pub transport: Option<String>,
    /// On remand: the plan for the next court date.
    pub court_plan: Option<String>,
    /// On remand: a bail address.
    pub bail_accommodation: Option<String>,
    /// The day the plan was shared with the child and carers (recorded on the plan).
    pub plan_shared_on: Option<String>,
}

fn arrangements_json(a: &ReleaseArrangements, plan_shared_on: Option<jiff::civil::Date>) -> ReleaseArrangementsJson {
    let d = |o: Option<jiff::civil::Date>| o.map(|d| d.to_string());
    ReleaseArrangementsJson {
        version: a.version,
        accommodation_address: a.accommodation_address.clone(),
        accommodation_confirmed_on: d(a.accommodation_confirmed_on),
        accommodation_confirmed_by: a.accommodation_confirmed_by.clone(),
        ete_arrangement: a.ete_arrangement.clone(),
        ete_starts_on: d(a.ete_starts_on),
        constructive_activity: a.constructive_activity.clone(),
        gp_practice: a.gp_practice.clone(),
        gp_registered_on: d(a.gp_registered_on),
        first_appointment_on: d(a.first_appointment_on),
        first_appointment_time: a.first_appointment_time.clone(),
        first_appointment_place: a.first_appointment_place.clone(),
        first_appointment_with: a.first_appointment_with.clone(),
        gate_met_by: a.gate_met_by.clone(),
        transport: a.transport.clone(),
        court_plan: a.court_plan.clone(),
        bail_accommodation: a.bail_accommodation.clone(),
        plan_shared_on: d(plan_shared_on),
    }
}

const NOT_IN_CUSTODY: &str =
    "This child is not in custody: release arrangements are recorded while a child is in custody";

/// The release arrangements of the child's current custody episode (404 when not in custody).
#[utoipa::path(get, path = "/api/v1/children/{id}/release-arrangements", tag = "readiness",
    params(("id" = String, Path)),
    responses((status = 200, body = ReleaseArrangementsJson), (status = 401, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_release_arrangements(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<ReleaseArrangementsJson>, ApiError> {
    let child = child_id(&ctx, &raw)?;
    let r = state.app.readiness(&ctx, child).await.map_err(err(&ctx))?;
    let row = r.row.ok_or_else(|| ApiError(AppError::Missing(NOT_IN_CUSTODY), ctx.request_id.clone()))?;
    Ok(Json(arrangements_json(&row.arrangements, row.plan_shared_on)))
}

/// Absent stays absent; `null` becomes `Some(None)` (clear the field).
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A change to the release arrangements: fields left out are unchanged; `null` or `""` clears.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchReleaseArrangements {
    /// The version the change was made against (0 before anything is recorded).
    pub version: i64,
    /// Address.
    #[serde(default, deserialize_with = "nullable")]
    pub accommodation_address: Option<Option<String>>,
    /// `YYYY-MM-DD`, today or earlier.
    #[serde(default, deserialize_with = "nullable")]
    pub accommodation_confirmed_on: Option<Option<String>>,
    /// Who confirmed it.
    #[serde(default, deserialize_with = "nullable")]
    pub accommodation_confirmed_by: Option<Option<String>>,
    /// Provider or arrangement.
    #[serde(default, deserialize_with = "nullable")]
    pub ete_arrangement: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable")]
    pub ete_starts_on: Option<Option<String>>,
    /// First week's activity.
    #[serde(default, deserialize_with = "nullable")]
    pub constructive_activity: Option<Option<String>>,
    /// GP practice.
    #[serde(default, deserialize_with = "nullable")]
    pub gp_practice: Option<Option<String>>,
    /// `YYYY-MM-DD`, today or earlier.
    #[serde(default, deserialize_with = "nullable")]
    pub gp_registered_on: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable")]
    pub first_appointment_on: Option<Option<String>>,
    /// `HH:MM`.
    #[serde(default, deserialize_with = "nullable")]
    pub first_appointment_time: Option<Option<String>>,
    /// Where.
    #[serde(default, deserialize_with = "nullable")]
    pub first_appointment_place: Option<Option<String>>,
    /// With whom.
    #[serde(default, deserialize_with = "nullable")]
    pub first_appointment_with: Option<Option<String>>,
    /// Who meets the child at the gate.
    #[serde(default, deserialize_with = "nullable")]
    pub gate_met_by: Option<Option<String>>,
    /// Transport from the gate.
    #[serde(default, deserialize_with = "nullable")]
    pub transport: Option<Option<String>>,
    /// On remand: plan for the next court date.
    #[serde(default, deserialize_with = "nullable")]
    pub court_plan: Option<Option<String>>,
    /// On remand: bail address.
    #[serde(default, deserialize_with = "nullable")]
    pub bail_accommodation: Option<Option<String>>,
}

fn clearable(v: Option<Option<String>>) -> Option<String> {
    v.map(|inner| inner.unwrap_or_default())
}

impl From<PatchReleaseArrangements> for ReleaseArrangementsInput {
    fn from(b: PatchReleaseArrangements) -> Self {
        Self {
            version: Some(b.version),
            accommodation_address: clearable(b.accommodation_address),
            accommodation_confirmed_on: clearable(b.accommodation_confirmed_on),
            accommodation_confirmed_by: clearable(b.accommodation_confirmed_by),
            ete_arrangement: clearable(b.ete_arrangement),
            ete_starts_on: clearable(b.ete_starts_on),
            constructive_activity: clearable(b.constructive_activity),
            gp_practice: clearable(b.gp_practice),
            gp_registered_on: clearable(b.gp_registered_on),
            first_appointment_on: clearable(b.first_appointment_on),
            first_appointment_time: clearable(b.first_appointment_time),
            first_appointment_place: clearable(b.first_appointment_place),
            first_appointment_with: clearable(b.first_appointment_with),
            gate_met_by: clearable(b.gate_met_by),
            transport: clearable(b.transport),
            court_plan: clearable(b.court_plan),
            bail_accommodation: clearable(b.bail_accommodation),
        }
    }
}

/// Records release arrangements (accommodation, ETE, GP, first appointment, release day…).
/// A stale `version` is refused with 409 and the current version.
#[utoipa::path(patch, path = "/api/v1/children/{id}/release-arrangements", tag = "readiness",
    params(("id" = String, Path)), request_body = PatchReleaseArrangements,
    responses((status = 200, body = ReleaseArrangementsJson), (status = 400, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_release_arrangements(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchReleaseArrangements>,
) -> Result<Json<ReleaseArrangementsJson>, ApiError> {
    let child = child_id(&ctx, &raw)?;
    let input = ReleaseArrangementsInput::from(body);
    state.app.update_release_arrangements(&ctx, child, &input).await.map_err(err(&ctx))?;
    let r = state.app.readiness(&ctx, child).await.map_err(err(&ctx))?;
    let row = r.row.ok_or_else(|| ApiError(AppError::Missing(NOT_IN_CUSTODY), ctx.request_id.clone()))?;
    Ok(Json(arrangements_json(&row.arrangements, row.plan_shared_on)))
}

/// One child on the readiness caseload.
#[derive(Serialize, ToSchema)]
pub struct ReadinessCaseloadItem {
    /// The child's id.
    pub id: Uuid,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The youth justice service.
    pub yjs_name: String,
    /// `remand` or `sentence`.
    pub custody: String,
    /// `green`, `amber` or `red`.
    pub status: String,
    /// The reasons of the items not green.
    pub reasons: Vec<String>,
    /// Every item.
    pub items: Vec<ReadinessItemJson>,
    /// Release date (or next court date on remand).
    pub release_date: Option<String>,
    /// Days to release.
    pub days_to_release: Option<i64>,
    /// The earliest deadline of an item not done.
    pub next_deadline: Option<NextDeadlineJson>,
    /// Open actions past their due date.
    pub overdue_actions: i64,
    /// Health handovers waiting for acknowledgement (`null` until health handovers are recorded).
    pub unacknowledged_handovers: Option<i64>,
}

/// A deadline.
#[derive(Serialize, ToSchema)]
pub struct NextDeadlineJson {
    /// The item.
    pub key: String,
    /// `YYYY-MM-DD`.
    pub due_by: String,
}

/// Children by status.
#[derive(Serialize, ToSchema)]
pub struct StatusCountsJson {
    /// Children listed.
    pub total: usize,
    /// Green.
    pub green: usize,
    /// Amber.
    pub amber: usize,
    /// Red.
    pub red: usize,
    /// Of the green, the children with every item done.
    pub done: usize,
}

impl From<StatusCounts> for StatusCountsJson {
    fn from(c: StatusCounts) -> Self {
        Self { total: c.total, green: c.green, amber: c.amber, red: c.red, done: c.done }
    }
}

/// The readiness caseload: one page of it, with the counts and the total of every child the
/// filters list.
#[derive(Serialize, ToSchema)]
pub struct ReadinessCaseloadJson {
    /// Counts of the children listed (across every page), by status.
    pub counts: StatusCountsJson,
    /// The children in custody on this page, filtered and sorted.
    pub children: Vec<ReadinessCaseloadItem>,
    /// Children the filters list, across every page.
    pub total: u64,
    /// This page, from 1 (the last page when a later one was asked for).
    pub page: u32,
    /// Children on a page.
    pub per_page: u32,
}

impl From<&CaseloadLine> for ReadinessCaseloadItem {
    fn from(l: &CaseloadLine) -> Self {
        Self {
            id: l.child_id.0,
            given_name: l.given_name.clone(),
            family_name: l.family_name.clone(),
            yjs_name: l.yjs_name.clone(),
            custody: l.custody.as_str().into(),
            status: l.status.as_str().into(),
            reasons: l.reasons.clone(),
            items: l.items.iter().map(ReadinessItemJson::from).collect(),
            release_date: l.release_date.map(|d| d.to_string()),
            days_to_release: l.days_to_release,
            next_deadline: l
                .next_deadline
                .map(|(k, d)| NextDeadlineJson { key: k.as_str().into(), due_by: d.to_string() }),
            overdue_actions: l.overdue_actions,
            unacknowledged_handovers: l.unacknowledged_handovers,
        }
    }
}

/// Children in custody in the caller's scope with their readiness, days to release, next
/// deadline, overdue actions and handovers, with counts by status: one page at a time (`page`,
/// `per_page`, default 50, at most 200) with the `total`. Bad filter values answer 400 naming
/// the parameter.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "readiness", params(ReadinessCaseloadParams),
    responses((status = 200, body = ReadinessCaseloadJson), (status = 400, body = Problem),
              (status = 401, body = Problem)))]
pub async fn readiness_caseload(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<ReadinessCaseloadParams>,
) -> Result<Json<ReadinessCaseloadJson>, Response> {
    let filter = parse_filter(&p)
        .map_err(|e| problem(StatusCode::BAD_REQUEST, e.summary(), e.0, None, ctx.request_id.clone()))?;
    let c = state.app.readiness_caseload(&ctx, &filter).await.map_err(|e| err(&ctx)(e).into_response())?;
    Ok(Json(ReadinessCaseloadJson {
        counts: c.counts.into(),
        children: c.children.iter().map(ReadinessCaseloadItem::from).collect(),
        total: u64::try_from(c.listed).unwrap_or(u64::MAX),
        page: u32::try_from(c.page).unwrap_or(u32::MAX),
        per_page: u32::try_from(c.per_page).unwrap_or(u32::MAX),
    }))
}
