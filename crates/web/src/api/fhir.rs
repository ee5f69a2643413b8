//! The child's health record as FHIR R4 (4.0.1), for health systems.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use resettle_app::AppError;
use resettle_domain::fhir::MEDIA_TYPE;
use resettle_domain::ids::ChildId;

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;

/// The child's health record as a FHIR R4 (4.0.1) `Bundle` of type `collection`: the child as
/// `Patient` (NHS number under `https://fhir.nhs.uk/Id/nhs-number`), the team as `CareTeam`
/// with its `Organization`s and `Practitioner`s, the plan's health and substance-misuse needs
/// as `Condition`s, the health pathway as a `CarePlan`, outcome measures as `Observation`s and
/// consent and sharing decisions as `Consent`s; `urn:uuid:` fullUrls and references.
///
/// Health content: only health roles (YJS health worker, custody healthcare) held in an
/// organisation on the child's team get it; others on the team get 403, anyone else 404.
/// Every export is recorded in the child's audit trail.
#[utoipa::path(get, path = "/api/v1/children/{id}/health/fhir", tag = "health", params(("id" = String, Path)),
    responses((status = 200, description = "A FHIR R4 Bundle (see hl7.org/fhir/R4/bundle.html)",
               content_type = "application/fhir+json", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn health_fhir(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let rid = ctx.request_id.clone();
    let id: ChildId = raw.parse().map_err(|_| ApiError(AppError::NotFound, rid.clone()))?;
    let bundle = state.app.health_fhir(&ctx, id).await.map_err(|e| ApiError(e, rid.clone()))?;
    let body = serde_json::to_vec(&bundle).map_err(|e| ApiError(AppError::Internal(e.to_string()), rid))?;
    Ok(([(header::CONTENT_TYPE, MEDIA_TYPE)], body).into_response())
}
