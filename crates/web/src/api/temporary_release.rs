//! Time out of custody before release: release on temporary licence (ROTL) and mobility.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use resettle_app::temporary_release::{OutcomeInput, TemporaryReleases};
use resettle_domain::temporary_release::{TemporaryRelease, TemporaryReleaseInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::paging::{Paged, Paging};
use super::{ApiJson, ApiQuery};
use super::{child_id, err};
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;

/// A period out of custody.
#[derive(Serialize, ToSchema)]
pub struct TemporaryReleaseJson {
    /// Id.
    pub id: Uuid,
    /// `rotl` (a young offender institution) or `mobility` (other secure establishments).
    pub kind: String,
    /// `accommodation`, `education_training`, `family`, `health`, `resettlement_meeting` or
    /// `other`.
    pub purpose: String,
    /// The purpose in words.
    pub purpose_label: String,
    /// First day out (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Day back (`YYYY-MM-DD`).
    pub ends_on: String,
    /// Where the child will be.
    pub address: String,
    /// The conditions set.
    pub conditions: Option<String>,
    /// `completed`, `conditions_broken`, `failed_to_return` or `cancelled`; null until recorded.
    pub outcome: Option<String>,
    /// What happened.
    pub outcome_note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// Send back when recording the outcome; a stale version is refused with 409.
    pub version: i64,
}

impl From<&TemporaryRelease> for TemporaryReleaseJson {
    fn from(r: &TemporaryRelease) -> Self {
        Self {
            id: r.id.0,
            kind: r.kind.as_str().into(),
            purpose: r.purpose.as_str().into(),
            purpose_label: r.purpose.label().into(),
            starts_on: r.starts_on.to_string(),
            ends_on: r.ends_on.to_string(),
            address: r.address.clone(),
            conditions: r.conditions.clone(),
            outcome: r.outcome.map(|o| o.as_str().to_string()),
            outcome_note: r.outcome_note.clone(),
            recorded_by: r.recorded_by_name.clone(),
            version: r.version,
        }
    }
}

/// A child's time out of custody.
#[derive(Serialize, ToSchema)]
pub struct TemporaryReleasesJson {
    /// `rotl` or `mobility` while the child serves a sentence in custody; null otherwise.
    pub kind: Option<String>,
    /// The earliest day out (ROTL); null for mobility, which the establishment decides.
    pub eligible_from: Option<String>,
    /// The rule for the earliest day, with its source.
    pub rule: Option<String>,
    /// The release date every period out comes before.
    pub release_on: Option<String>,
    /// Why no period can be recorded now (not in custody, on remand); null when one can.
    pub not_now: Option<String>,
    /// The periods on this page, the latest first.
    pub items: Vec<TemporaryReleaseJson>,
    /// Periods across all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u32,
    /// Periods per page.
    pub per_page: u32,
}

impl TemporaryReleasesJson {
    fn new(t: &TemporaryReleases, paging: (u32, u32)) -> Self {
        let page = Paged::of(t.items.iter().map(TemporaryReleaseJson::from), paging);
        Self {
            kind: t.eligibility.as_ref().map(|e| e.kind.as_str().to_string()),
            eligible_from: t.eligibility.as_ref().and_then(|e| e.eligible_from).map(|d| d.to_string()),
            rule: t.eligibility.as_ref().map(|e| e.rule.clone()),
            release_on: t.release_on.map(|d| d.to_string()),
            not_now: t.why_not.map(str::to_string),
            items: page.items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

/// A period out to record: planned, or after the fact with its outcome.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemporaryRelease {
    /// `accommodation`, `education_training`, `family`, `health`, `resettlement_meeting` or
    /// `other`.
    pub purpose: String,
    /// First day out, `YYYY-MM-DD`: on or after the earliest day, before release.
    pub starts_on: String,
    /// Day back, `YYYY-MM-DD`: at most 14 days after the first.
    pub ends_on: String,
    /// Where the child will be.
    pub address: String,
    /// The conditions set.
    pub conditions: Option<String>,
    /// How it went, for a period that has started.
    pub outcome: Option<String>,
    /// What happened (needed for any outcome but `completed`).
    pub outcome_note: Option<String>,
}

/// How a period out went.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemporaryReleaseOutcomeJson {
    /// The version read.
    pub version: i64,
    /// `completed`, `conditions_broken`, `failed_to_return` or `cancelled`.
    pub outcome: String,
    /// What happened (needed for any outcome but `completed`).
    pub outcome_note: Option<String>,
}

/// A child's time out of custody before release: the scheme (ROTL from a young offender
/// institution, mobility from other establishments), the earliest day and every period.
#[utoipa::path(get, path = "/api/v1/children/{id}/temporary-releases", tag = "custody",
    params(("id" = String, Path), Paging),
    responses((status = 200, body = TemporaryReleasesJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<TemporaryReleasesJson>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let paging = paging.checked().map_err(err(&ctx))?;
    let t = state.app.temporary_releases(&ctx, id).await.map_err(err(&ctx))?;
    Ok(Json(TemporaryReleasesJson::new(&t, paging)))
}

/// Records a period out of custody: planned ahead, or after the fact with how it went.
#[utoipa::path(post, path = "/api/v1/children/{id}/temporary-releases", tag = "custody", params(("id" = String, Path)),
    request_body = NewTemporaryRelease,
    responses((status = 201, body = TemporaryReleaseJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn record(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewTemporaryRelease>,
) -> Result<(StatusCode, Json<TemporaryReleaseJson>), ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = TemporaryReleaseInput {
        purpose: Some(body.purpose),
        starts_on: Some(body.starts_on),
        ends_on: Some(body.ends_on),
        address: Some(body.address),
        conditions: body.conditions,
        outcome: body.outcome,
        outcome_note: body.outcome_note,
    };
    let r = state.app.record_temporary_release(&ctx, id, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(TemporaryReleaseJson::from(&r))))
}

/// Records how a period out went.
#[utoipa::path(post, path = "/api/v1/children/{id}/temporary-releases/{release}/outcome", tag = "custody",
    params(("id" = String, Path), ("release" = String, Path)),
    request_body = TemporaryReleaseOutcomeJson,
    responses((status = 200, body = TemporaryReleaseJson), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record_outcome(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, release)): Path<(String, String)>,
    ApiJson(body): ApiJson<TemporaryReleaseOutcomeJson>,
) -> Result<Json<TemporaryReleaseJson>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let release = super::id(&ctx, &release)?;
    let input = OutcomeInput { version: body.version, outcome: Some(body.outcome), outcome_note: body.outcome_note };
    let r = state.app.record_temporary_release_outcome(&ctx, id, release, &input).await.map_err(err(&ctx))?;
    Ok(Json(TemporaryReleaseJson::from(&r)))
}
