//! The JSON API for machines: bearer tokens, `application/problem+json` errors, and an
//! OpenAPI 3.1 description at `/api/openapi.json` generated from the handlers themselves.

mod access;
mod children;
mod community;
mod custody;
mod fhir;
mod fields;
mod health;
pub(crate) mod outcomes;
mod paging;
mod plan;
pub(crate) mod readiness;
mod temporary_release;
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

/// The problem answer for an application error, carrying the request's id (for
/// `.map_err(err(&ctx))`).
pub(crate) fn err(ctx: &resettle_app::Ctx) -> impl Fn(resettle_app::AppError) -> ApiError + '_ {
    move |e| ApiError(e, ctx.request_id.clone())
}

/// An id from the path: one that does not parse names no record, so it is not found (404).
pub(crate) fn id<T: std::str::FromStr>(ctx: &resettle_app::Ctx, raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError(resettle_app::AppError::NotFound, ctx.request_id.clone()))
}

/// A child's id from the path (see [`id`]).
pub(crate) fn child_id(ctx: &resettle_app::Ctx, raw: &str) -> Result<resettle_domain::ids::ChildId, ApiError> {
    id(ctx, raw)
}
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
        .routes(routes!(temporary_release::list, temporary_release::record))
        .routes(routes!(temporary_release::record_outcome))
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
        .routes(routes!(community::discharge::get_discharge, community::discharge::put_discharge))
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
    let (api, mut spec) = parts();
    describe_errors(&mut spec);
    fields::describe_fields(&mut spec);
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

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 256 * 1024;

const TOO_LARGE: &str = "The body is over 256 KiB: send less in one request";

/// Every error answered under `/api/` is a problem document with the usual headers, whichever
/// layer produced it: a route that does not exist, a method the route does not take (the
/// `Allow` header kept), a body over the limit, a path that is not valid UTF-8. Errors the
/// handlers produce already are, and pass through untouched.
pub async fn problems_everywhere(req: Request, next: axum::middleware::Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let rid = request_id(req.headers());
    let response = next.run(req).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let detail = match status {
        StatusCode::NOT_FOUND => "There is no such API route: see /api/openapi.json".to_string(),
        // axum names the methods in the `Allow` header as the answer leaves the router.
        StatusCode::METHOD_NOT_ALLOWED => {
            "This route does not take that method: the Allow header lists those it takes".to_string()
        }
        StatusCode::PAYLOAD_TOO_LARGE => TOO_LARGE.to_string(),
        StatusCode::REQUEST_TIMEOUT => "The request took too long: try again".to_string(),
        // A path or query the router could not read, with its own words (no internals there).
        StatusCode::BAD_REQUEST if !text.is_empty() => format!("The request is not valid: {text}"),
        _ => status.canonical_reason().unwrap_or("Error").to_string(),
    };
    let mut fixed = problem(status, detail, vec![], None, rid);
    for name in [axum::http::header::ALLOW, axum::http::header::WWW_AUTHENTICATE, axum::http::header::RETRY_AFTER] {
        for v in parts.headers.get_all(&name).iter().filter(|v| !v.is_empty()) {
            fixed.headers_mut().append(name.clone(), v.clone());
        }
    }
    fixed
}

/// Says in the OpenAPI document what the service does: every error is
/// `application/problem+json`; every operation may answer 400 (a request it cannot read), 413 (a
/// body over the limit) and, with a body, 415 (not JSON); every operation behind a token may
/// answer 401.
fn describe_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem_response = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build(),
        )
    };
    for item in openapi.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for op in ops.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let (true, RefOr::T(r)) = (is_error, response)
                    && let Some(content) = r.content.shift_remove("application/json")
                {
                    r.content.insert("application/problem+json".to_string(), content);
                }
            }
            let public = op.security.as_ref().is_some_and(|s| s.iter().all(|r| r == &Default::default()));
            let mut add = |code: &str, why: &str| {
                op.responses.responses.entry(code.to_string()).or_insert_with(|| problem_response(why));
            };
            add("400", "The request could not be read (a path, query or body that is not valid)");
            if op.request_body.is_some() {
                add("413", "The body is over 256 KiB");
                add("415", "The body is not JSON");
            }
            if !public {
                add("401", "No valid API token");
            }
        }
    }
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
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                return problem(StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE.into(), vec![], None, rid.clone());
            }
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
