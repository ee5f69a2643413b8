//! The JSON API for machines: bearer tokens, `application/problem+json` errors, and an
//! OpenAPI 3.1 description at `/api/openapi.json` generated from the handlers themselves.

mod access;
mod children;
mod community;
mod custody;
mod fhir;
mod health;
pub(crate) mod outcomes;
mod plan;
pub(crate) mod readiness;
mod wire;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, problem};
use crate::session::{ApiCaller, request_id};

pub use outcomes::{CohortReportJson, report_json};
pub use plan::ics_response;
pub use wire::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Resettle API",
        description = "Case management for children leaving custody in England and Wales. Every request needs \
                       `Authorization: Bearer <token>` (create one with `resettle token create`). Errors are \
                       RFC 9457 problem documents whose `detail` says what to fix.",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::Problem))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes (not yet given their state) and the OpenAPI document describing them.
pub fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(livez))
        .routes(routes!(readyz))
        .routes(routes!(me))
        .routes(routes!(children::list_children, children::create_child))
        .routes(routes!(children::get_child, children::patch_child))
        .routes(routes!(children::add_team_member))
        .routes(routes!(children::child_audit))
        .routes(routes!(custody::record_sentence))
        .routes(routes!(custody::record_remand))
        .routes(routes!(custody::key_dates))
        .routes(routes!(custody::recalculate))
        .routes(routes!(custody::record_transfer))
        .routes(routes!(custody::record_release))
        .routes(routes!(custody::bank_holidays, custody::add_bank_holiday))
        .routes(routes!(plan::get_plan, plan::patch_plan))
        .routes(routes!(plan::add_need))
        .routes(routes!(plan::get_need, plan::patch_need))
        .routes(routes!(plan::needs_catalogue))
        .routes(routes!(plan::list_meetings, plan::add_meeting))
        .routes(routes!(plan::get_meeting, plan::patch_meeting))
        .routes(routes!(plan::meeting_invite))
        .routes(routes!(plan::child_actions, plan::add_action))
        .routes(routes!(plan::patch_action))
        .routes(routes!(plan::my_actions))
        .routes(routes!(plan::meetings_needing_attention))
        .routes(routes!(health::get_health))
        .routes(routes!(health::add_record))
        .routes(routes!(health::add_assessment))
        .routes(routes!(health::start_custody_assessment))
        .routes(routes!(health::complete_assessment))
        .routes(routes!(health::add_measure))
        .routes(routes!(health::add_consent))
        .routes(routes!(health::list_handovers))
        .routes(routes!(health::acknowledge))
        .routes(routes!(fhir::health_fhir))
        .routes(routes!(readiness::get_readiness))
        .routes(routes!(readiness::get_release_arrangements, readiness::patch_release_arrangements))
        .routes(routes!(readiness::readiness_caseload))
        .routes(routes!(access::break_glass))
        .routes(routes!(access::break_glass_report))
        .routes(routes!(access::aggregates))
        .routes(routes!(outcomes::cohort_report))
        .routes(routes!(community::post_release))
        .routes(routes!(community::get_discharge, community::put_discharge))
        .routes(routes!(community::add_appointment))
        .routes(routes!(community::add_appointment_series))
        .routes(routes!(community::add_probation_transfer))
        .routes(routes!(community::patch_appointment))
        .routes(routes!(community::appointment_invite))
        .routes(routes!(community::add_enforcement))
        .routes(routes!(community::add_offence))
        .routes(routes!(community::patch_offence))
        .routes(routes!(community::add_living_arrangement))
        .routes(routes!(community::add_ete_placement))
        .split_for_parts()
}

/// The API routes, the probes (`/healthz`, `/livez`, `/readyz`) and the OpenAPI document.
pub fn router(state: AppState) -> Router {
    let (api, spec) = parts();
    let api = api.with_state(state);
    let spec = std::sync::Arc::new(spec);
    api.route(
        "/api/openapi.json",
        axum::routing::get(move || {
            let spec = spec.clone();
            async move { Json(spec.as_ref().clone()) }
        }),
    )
}

/// A JSON object body whose rejections become problem documents that say what to fix.
/// Only an object is accepted: serde would otherwise take a JSON array and fill the fields
/// by position.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let rid = request_id(req.headers());
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || (v.starts_with("application/") && v.ends_with("+json")));
        if !is_json {
            return Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON with 'Content-Type: application/json'".into(),
                vec![],
                None,
                rid,
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                format!("The request body could not be read: {}", e.body_text()),
                vec![],
                None,
                rid.clone(),
            )
        })?;
        let starts_with_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !starts_with_object {
            return Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The body must be a JSON object of named fields, like {\"given_name\": \"…\"}".into(),
                vec![],
                None,
                rid,
            ));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let status = match &rejection {
                    JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::BAD_REQUEST,
                };
                Err(problem(
                    status,
                    format!("The JSON body is not valid: {}", rejection.body_text()),
                    vec![],
                    None,
                    rid,
                ))
            }
        }
    }
}

/// A query string whose rejections become problem documents.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The query string is not valid: {}", rejection.body_text()),
                vec![],
                None,
                request_id(&parts.headers),
            )),
        }
    }
}

/// `{"status":"ok"}` once the database answers.
#[utoipa::path(get, path = "/healthz", tag = "service", security(()),
    responses((status = 200, description = "The service and its database are up", body = Health),
              (status = 503, description = "The database does not answer", body = Health)))]
async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.store().ping().await {
        Ok(()) => Json(Health { status: "ok".into() }).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable".into() })).into_response()
        }
    }
}

/// `{"status":"alive"}` whenever the process can answer: a liveness probe, which never asks
/// the database (restarting the process would not bring a database back).
#[utoipa::path(get, path = "/livez", tag = "service", security(()),
    responses((status = 200, description = "The process is running", body = Health)))]
async fn livez() -> Json<Health> {
    Json(Health { status: "alive".into() })
}

/// How long `/readyz` waits for the database.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);

/// `{"status":"ready"}` when the database answers and every migration this build knows is
/// applied: a readiness probe (send traffic here); otherwise 503 with a problem document.
#[utoipa::path(get, path = "/readyz", tag = "service", security(()),
    responses((status = 200, description = "The database answers and its schema is current", body = Health),
              (status = 503, description = "The database does not answer, or migrations are not applied",
               body = crate::error::Problem, content_type = "application/problem+json")))]
async fn readyz(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let unavailable = |detail: String| {
        let mut r = problem(StatusCode::SERVICE_UNAVAILABLE, detail, vec![], None, request_id(&headers));
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        r
    };
    // A probe must answer quickly: a database that takes longer than this is not ready.
    let answer = tokio::time::timeout(READY_WITHIN, state.app.store().schema_state()).await;
    match answer {
        Err(_) => unavailable(format!("The database did not answer within {} seconds", READY_WITHIN.as_secs())),
        Ok(Ok(s)) if s.current => Json(Health { status: "ready".into() }).into_response(),
        Ok(Ok(s)) => unavailable(format!(
            "The database schema is not current (migration {} applied, {} expected): run `resettle migrate`",
            s.applied, s.known
        )),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "readiness check failed");
            unavailable("The database does not answer".into())
        }
    }
}

/// The caller: who the token belongs to and their memberships.
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
async fn me(State(state): State<AppState>, ApiCaller(ctx): ApiCaller) -> Result<Json<Me>, ApiError> {
    let user = state
        .app
        .store()
        .user(ctx.actor.user_id)
        .await
        .map_err(|e| ApiError(e.into(), ctx.request_id.clone()))?
        .ok_or_else(|| ApiError(resettle_app::AppError::Unauthenticated, ctx.request_id.clone()))?;
    Ok(Json(Me {
        id: user.user.id.0,
        email: user.user.email.to_string(),
        name: user.user.name,
        memberships: user
            .memberships
            .iter()
            .map(|m| MembershipJson { id: m.id.0, organisation_id: m.organisation_id.0, role: m.role.as_str().into() })
            .collect(),
    }))
}
