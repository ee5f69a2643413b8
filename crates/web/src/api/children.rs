//! Children, their caseload and their team, over JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use resettle_app::AppError;
use resettle_app::children::NewChildInput;
use resettle_app::storage::{CaseloadQuery, CaseloadSort};
use resettle_domain::child::ChildDetailsInput;
use resettle_domain::ids::OrgId;
use resettle_domain::team::TeamMemberInput;

use super::wire::*;
use super::{ApiJson, ApiQuery};
use super::{child_id, err};
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;

/// The caller's caseload: children on whose team they or their organisation are; with `q`,
/// the ones a search finds among them.
#[utoipa::path(get, path = "/api/v1/children", tag = "children", params(CaseloadParams),
    responses((status = 200, body = Caseload), (status = 401, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn list_children(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<CaseloadParams>,
) -> Result<Json<Caseload>, ApiError> {
    let organisation_id = match p.organisation_id.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<OrgId>().map_err(|_| {
            ApiError(
                AppError::invalid("organisation_id", "organisation_id must be an organisation's id"),
                ctx.request_id.clone(),
            )
        })?),
    };
    let sort = match p.sort.as_deref() {
        None => CaseloadSort::Name,
        Some(s) => CaseloadSort::parse(s).ok_or_else(|| {
            ApiError(
                AppError::invalid("sort", "sort must be one of: name, date_of_birth, updated, custody_since"),
                ctx.request_id.clone(),
            )
        })?,
    };
    let descending = match p.dir.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(ApiError(AppError::invalid("dir", "dir must be asc or desc"), ctx.request_id.clone()));
        }
    };
    let (page, per_page) = super::paging::checked(p.page, p.per_page).map_err(err(&ctx))?;
    let query = CaseloadQuery { organisation_id, sort, descending, page, per_page };
    let page = match p.q.as_deref() {
        Some(text) => state.app.search_caseload(&ctx, &query, text).await,
        None => state.app.caseload(&ctx, &query).await,
    }
    .map_err(err(&ctx))?;
    Ok(Json(Caseload {
        items: page.items.iter().map(CaseloadItem::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Adds a child. The owning youth justice service joins the child's team at once.
#[utoipa::path(post, path = "/api/v1/children", tag = "children", request_body = CreateChild,
    responses((status = 201, body = ChildJson), (status = 400, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_child(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(body): ApiJson<CreateChild>,
) -> Result<(StatusCode, Json<ChildJson>), ApiError> {
    let input = NewChildInput {
        details: ChildDetailsInput {
            given_name: Some(body.given_name),
            family_name: Some(body.family_name),
            preferred_name: body.preferred_name,
            date_of_birth: Some(body.date_of_birth),
            nhs_number: body.nhs_number,
            pnc_id: body.pnc_id,
            gender: body.gender,
            ethnicity: body.ethnicity,
            first_language: body.first_language,
            preferred_language: body.preferred_language,
            legal_status: body.legal_status,
        },
        yjs_id: Some(body.yjs_id),
        carer: None,
    };
    let child = state.app.create_child(&ctx, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(ChildJson::from(&child))))
}

/// A child on the caller's team. Any other child answers 404, whether or not it exists.
#[utoipa::path(get, path = "/api/v1/children/{id}", tag = "children", params(("id" = String, Path)),
    responses((status = 200, body = ChildJson), (status = 404, body = crate::error::Problem)))]
pub async fn get_child(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ChildJson>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let child = state.app.child(&ctx, id).await.map_err(err(&ctx))?;
    Ok(Json(ChildJson::from(&child)))
}

/// Changes a child's details. Refused with 409 and the current version when `version` is
/// stale; nothing is written then, nor when any field is invalid.
#[utoipa::path(patch, path = "/api/v1/children/{id}", tag = "children", params(("id" = String, Path)),
    request_body = PatchChild,
    responses((status = 200, body = ChildJson), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn patch_child(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PatchChild>,
) -> Result<Json<ChildJson>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let current = state.app.child(&ctx, id).await.map_err(err(&ctx))?;
    let d = &current.details;
    // Absent keeps the current value; present (even empty) replaces it.
    let pick = |new: Option<String>, old: Option<String>| new.or(old);
    let input = ChildDetailsInput {
        given_name: pick(body.given_name, Some(d.given_name.clone())),
        family_name: pick(body.family_name, Some(d.family_name.clone())),
        preferred_name: pick(body.preferred_name, d.preferred_name.clone()),
        date_of_birth: pick(body.date_of_birth, Some(d.date_of_birth.to_string())),
        nhs_number: pick(body.nhs_number, d.nhs_number.as_ref().map(|n| n.as_str().to_string())),
        pnc_id: pick(body.pnc_id, d.pnc_id.as_ref().map(|p| p.as_str().to_string())),
        gender: pick(body.gender, d.gender.map(|g| g.as_str().to_string())),
        ethnicity: pick(body.ethnicity, d.ethnicity.clone()),
        first_language: pick(body.first_language, d.first_language.clone()),
        preferred_language: pick(body.preferred_language, Some(d.preferred_language.as_str().to_string())),
        legal_status: pick(body.legal_status, Some(d.legal_status.as_str().to_string())),
    };
    let child = state.app.update_child(&ctx, id, body.version, &input, body.reason).await.map_err(err(&ctx))?;
    Ok(Json(ChildJson::from(&child)))
}

/// Adds someone to the team around a child.
#[utoipa::path(post, path = "/api/v1/children/{id}/team", tag = "children", params(("id" = String, Path)),
    request_body = AddTeamMember,
    responses((status = 201, body = TeamMemberJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn add_team_member(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddTeamMember>,
) -> Result<(StatusCode, Json<TeamMemberJson>), ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = TeamMemberInput {
        organisation_id: Some(body.organisation_id),
        user_id: body.user_id,
        role: Some(body.role),
        responsibility: Some(body.responsibility),
        started_on: body.started_on,
        ended_on: body.ended_on,
    };
    let member = state.app.add_team_member(&ctx, id, &input).await.map_err(err(&ctx))?;
    Ok((
        StatusCode::CREATED,
        Json(TeamMemberJson {
            id: member.id.0,
            child_id: member.child_id.0,
            organisation_id: member.organisation_id.0,
            user_id: member.user_id.map(|u| u.0),
            role: member.role.as_str().to_string(),
            responsibility: member.responsibility.clone(),
            started_on: member.started_on.to_string(),
            ended_on: member.ended_on.map(|d| d.to_string()),
            organisation_name: None,
            user_name: None,
        }),
    ))
}

/// One read or change of a child's record.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AccessJson {
    /// Position in the audit trail.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The person.
    pub user_id: Option<uuid::Uuid>,
    /// Their name.
    pub name: String,
    /// The organisation they acted for.
    pub organisation: String,
    /// `read` or `write`.
    pub action: String,
    /// What was read or changed.
    pub resource: String,
    /// Why.
    pub purpose: String,
    /// The request's id.
    pub request_id: String,
}

/// Who has read or changed a child's record, newest first (case managers and managers on
/// the child's team). The export is itself audited.
#[utoipa::path(get, path = "/api/v1/children/{id}/audit", tag = "children", params(("id" = String, Path), super::paging::Paging),
    responses((status = 200, body = super::paging::Paged<AccessJson>), (status = 422, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
pub async fn child_audit(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<super::paging::Paging>,
) -> Result<Json<super::paging::Paged<AccessJson>>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let page = paging.checked().map_err(err(&ctx))?;
    let lines = state.app.child_access_log(&ctx, id, 100_000).await.map_err(err(&ctx))?;
    Ok(Json(super::paging::Paged::of(
        lines.into_iter().map(|l| AccessJson {
            seq: l.entry.seq,
            at: l.entry.at.to_string(),
            user_id: l.entry.user_id.map(|u| u.0),
            name: l.name,
            organisation: l.organisation,
            action: l.entry.action,
            resource: l.entry.resource,
            purpose: l.entry.purpose,
            request_id: l.entry.request_id,
        }),
        page,
    )))
}
