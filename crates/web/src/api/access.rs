//! Emergency access (break-glass) and the strategic lead's figures, over JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use resettle_domain::ids::ChildId;

use super::ApiJson;
use super::err;
use super::wire::*;
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;

/// Opens a child outside the caller's team in an emergency (YJS managers only): read access
/// for the configured hours, recorded with the reason and reported to the child's YJS.
#[utoipa::path(post, path = "/api/v1/children/{id}/break-glass", tag = "access", params(("id" = String, Path)),
    request_body = BreakGlassRequest,
    responses((status = 201, body = BreakGlassJson), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn break_glass(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BreakGlassRequest>,
) -> Result<(StatusCode, Json<BreakGlassJson>), ApiError> {
    let id: ChildId = super::id(&ctx, &id)?;
    let grant = state.app.break_glass(&ctx, id, &body.reason).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(BreakGlassJson::from(&grant))))
}

/// Emergency accesses to the children whose cases the caller's youth justice service owns
/// (YJS managers and case managers), newest first.
#[utoipa::path(get, path = "/api/v1/break-glass", tag = "access", params(super::paging::Paging),
    responses((status = 200, body = super::paging::Paged<BreakGlassLineJson>), (status = 422, body = crate::error::Problem), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem)))]
pub async fn break_glass_report(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    super::ApiQuery(paging): super::ApiQuery<super::paging::Paging>,
) -> Result<Json<super::paging::Paged<BreakGlassLineJson>>, ApiError> {
    let page = paging.checked().map_err(err(&ctx))?;
    let lines = state.app.break_glass_report(&ctx).await.map_err(err(&ctx))?;
    Ok(Json(super::paging::Paged::of(
        lines.into_iter().map(|l| BreakGlassLineJson {
            grant: BreakGlassJson::from(&l.grant),
            user_name: l.user_name,
            user_email: l.user_email,
            child_name: l.child_name,
            yjs_name: l.yjs_name,
        }),
        page,
    )))
}

/// Counts by organisation for strategic leads: children on caseload, in custody on remand and
/// on sentence, releases due in the next four weeks. No names or identifiers.
#[utoipa::path(get, path = "/api/v1/aggregates", tag = "access",
    responses((status = 200, body = FiguresJson), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem)))]
pub async fn aggregates(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<FiguresJson>, ApiError> {
    let f = state.app.figures(&ctx).await.map_err(err(&ctx))?;
    Ok(Json(FiguresJson {
        today: f.today.to_string(),
        releases_until: f.releases_until.to_string(),
        organisations: f
            .organisations
            .into_iter()
            .map(|o| OrganisationFiguresJson {
                organisation_id: o.organisation_id.0,
                name: o.name,
                kind: o.kind.as_str().to_string(),
                children: o.children,
                on_remand: o.on_remand,
                sentenced: o.sentenced,
                releases_due: o.releases_due,
            })
            .collect(),
        readiness: f
            .readiness
            .by_organisation
            .iter()
            .map(|o| OrganisationReadinessJson {
                organisation_id: o.organisation_id.0,
                name: o.name.clone(),
                total: o.counts.total,
                green: o.counts.green,
                amber: o.counts.amber,
                red: o.counts.red,
            })
            .collect(),
        open_needs: f
            .readiness
            .open_needs
            .iter()
            .map(|n| PathwayNeedsJson {
                organisation_id: n.organisation_id.0,
                organisation_name: n.organisation_name.clone(),
                pathway: n.pathway.as_str().to_string(),
                open_needs: n.open_needs,
            })
            .collect(),
    }))
}
