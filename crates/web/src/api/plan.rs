//! The resettlement plan over JSON: pathways and needs, meetings (with iCalendar
//! invitations) and actions. Every change sends the `version` it was made against; a stale
//! one is refused with 409 and the current version.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use resettle_app::AppError;
use resettle_app::plan::{ActionView, MeetingView, NeedView, PlanRecord};
use resettle_app::storage::ActionRow;
use resettle_domain::action_item::{ActionInput, ActionItem, ActionPatch};
use resettle_domain::ids::{ActionItemId, ChildId, MeetingId, NeedId};
use resettle_domain::meeting::{Attendance, Meeting, MeetingPatch, NewMeetingInput};
use resettle_domain::plan::{NeedInput, NeedPatch, PlanViewsInput, catalogue};

use super::paging::{Paged, Paging};
use super::{ApiJson, ApiQuery};
use super::{err, id};
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;

mod actions;
mod meetings;

pub use actions::*;
pub use meetings::*;

/// Absent stays absent; `null` becomes `Some(None)` (clear the field).
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn clearable(v: Option<Option<String>>) -> Option<String> {
    v.map(|inner| inner.unwrap_or_default())
}

/// One entry of a need's update log.
#[derive(Serialize, ToSchema)]
pub struct NeedUpdateJson {
    /// The need's version after the change.
    pub version: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub by: String,
    /// What changed.
    pub changes: String,
    /// Their note.
    pub note: Option<String>,
}

/// A support need.
#[derive(Serialize, ToSchema)]
pub struct NeedJson {
    /// Id.
    pub id: Uuid,
    /// Pathway key.
    pub pathway: String,
    /// Catalogue key or `other` (`health_need` when health details are withheld from the caller).
    pub need: String,
    /// Its name.
    pub title: String,
    /// Words about it.
    pub description: Option<String>,
    /// `identified`, `in_progress`, `met`, `declined` or `not_required`.
    pub status: String,
    /// The statuses it may move to next.
    pub allowed_next: Vec<String>,
    /// The organisation that owns it.
    pub owner_organisation_id: Uuid,
    /// Its name.
    pub owner_organisation_name: String,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
    /// Send this back when changing it.
    pub version: i64,
    /// Health details withheld from the caller (only health staff on the team see them).
    pub withheld: bool,
    /// The update log, oldest first.
    pub updates: Vec<NeedUpdateJson>,
}

impl From<&NeedView> for NeedJson {
    fn from(v: &NeedView) -> Self {
        let n = &v.need;
        Self {
            id: n.id.0,
            pathway: n.pathway.as_str().into(),
            need: n.need.clone(),
            title: v.title.clone(),
            description: n.description.clone(),
            status: n.status.as_str().into(),
            allowed_next: n.status.next().iter().map(|s| s.as_str().to_string()).collect(),
            owner_organisation_id: n.owner_organisation_id.0,
            owner_organisation_name: v.owner_name.clone(),
            due_by: n.due_by.map(|d| d.to_string()),
            overdue: v.overdue,
            version: n.version,
            withheld: v.withheld,
            updates: v
                .updates
                .iter()
                .map(|u| NeedUpdateJson {
                    version: u.version,
                    at: u.at.to_string(),
                    by: u.actor_name.clone(),
                    changes: u.changes.clone(),
                    note: u.note.clone(),
                })
                .collect(),
        }
    }
}

/// A pathway with its needs.
#[derive(Serialize, ToSchema)]
pub struct PathwayJson {
    /// Key, e.g. `accommodation`.
    pub key: String,
    /// Name.
    pub label: String,
    /// `not_started`, `in_progress` or `completed`.
    pub state: String,
    /// Its needs, oldest first.
    pub needs: Vec<NeedJson>,
}

/// A child's resettlement plan.
#[derive(Serialize, ToSchema)]
pub struct PlanJson {
    /// The child.
    pub child_id: Uuid,
    /// The day the plan opened.
    pub opened_on: String,
    /// Send this back when changing the plan's words.
    pub version: i64,
    /// The child's goals in their own words.
    pub child_goals: Option<String>,
    /// Anything else the child wants said.
    pub child_words: Option<String>,
    /// Parents' or carers' views.
    pub carer_views: Option<String>,
    /// The day the plan was shared with the child and carers.
    pub shared_on: Option<String>,
    /// The nine pathways, in order.
    pub pathways: Vec<PathwayJson>,
}

impl From<&PlanRecord> for PlanJson {
    fn from(r: &PlanRecord) -> Self {
        let p = &r.plan;
        Self {
            child_id: p.child_id.0,
            opened_on: p.opened_on.to_string(),
            version: p.version,
            child_goals: p.child_goals.clone(),
            child_words: p.child_words.clone(),
            carer_views: p.carer_views.clone(),
            shared_on: p.shared_on.map(|d| d.to_string()),
            pathways: r
                .pathways
                .iter()
                .map(|pw| PathwayJson {
                    key: pw.pathway.as_str().into(),
                    label: pw.pathway.label().into(),
                    state: pw.state().to_lowercase().replace(' ', "_"),
                    needs: pw.needs.iter().map(NeedJson::from).collect(),
                })
                .collect(),
        }
    }
}

/// The child's plan: every pathway with its needs. Health details are withheld from callers
/// who are not health staff on the team.
#[utoipa::path(get, path = "/api/v1/children/{id}/plan", tag = "plan", params(("id" = String, Path)),
    responses((status = 200, body = PlanJson), (status = 404, body = Problem)))]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<PlanJson>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let record = state.app.plan(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(PlanJson::from(&record)))
}

/// A change to the plan's words.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchPlan {
    /// The version the change was made against.
    pub version: i64,
    /// The child's goals (`null` or empty clears).
    #[serde(default, deserialize_with = "nullable")]
    pub child_goals: Option<Option<String>>,
    /// The child's words.
    #[serde(default, deserialize_with = "nullable")]
    pub child_words: Option<Option<String>>,
    /// Carers' views.
    #[serde(default, deserialize_with = "nullable")]
    pub carer_views: Option<Option<String>>,
    /// Day shared with the child and carers, `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable")]
    pub shared_on: Option<Option<String>>,
}

/// Records the child's goals and words, carers' views, or the day the plan was shared.
#[utoipa::path(patch, path = "/api/v1/children/{id}/plan", tag = "plan", params(("id" = String, Path)),
    request_body = PatchPlan,
    responses((status = 200, body = PlanJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn patch_plan(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchPlan>,
) -> Result<Json<PlanJson>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let current = state.app.plan(&ctx, child).await.map_err(err(&ctx))?.plan;
    let keep = |new: Option<Option<String>>, old: Option<String>| match new {
        None => old,
        Some(v) => v,
    };
    let input = PlanViewsInput {
        version: Some(body.version),
        child_goals: keep(body.child_goals, current.child_goals),
        child_words: keep(body.child_words, current.child_words),
        carer_views: keep(body.carer_views, current.carer_views),
        shared_on: keep(body.shared_on, current.shared_on.map(|d| d.to_string())),
    };
    state.app.update_plan_views(&ctx, child, &input).await.map_err(err(&ctx))?;
    let record = state.app.plan(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(PlanJson::from(&record)))
}

/// A new support need.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNeed {
    /// Pathway key.
    pub pathway: String,
    /// A catalogue key (see `GET /api/v1/catalogue/needs`), or `other`.
    pub need: String,
    /// Words (required for `other`).
    pub description: Option<String>,
    /// The organisation that owns it; one not yet on the team joins it.
    pub owner_organisation_id: String,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
}

/// Adds a support need to a pathway, with status `identified`.
#[utoipa::path(post, path = "/api/v1/children/{id}/plan/needs", tag = "plan", params(("id" = String, Path)),
    request_body = NewNeed,
    responses((status = 201, body = NeedJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_need(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewNeed>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = NeedInput {
        pathway: Some(body.pathway),
        need: Some(body.need),
        description: body.description,
        owner_organisation_id: Some(body.owner_organisation_id),
        due_by: body.due_by,
    };
    let view = state.app.add_need(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(NeedJson::from(&view))))
}

/// One need with its update log.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "plan", params(("id" = String, Path)),
    responses((status = 200, body = NeedJson), (status = 404, body = Problem)))]
pub async fn get_need(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<NeedJson>, ApiError> {
    let need: NeedId = id(&ctx, &raw)?;
    let (_, _, view) = state.app.need(&ctx, need).await.map_err(err(&ctx))?;
    Ok(Json(NeedJson::from(&view)))
}

/// A change to a need.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchNeed {
    /// The version the change was made against.
    pub version: i64,
    /// New status: one of the need's `allowed_next`.
    pub status: Option<String>,
    /// A note for the update log (required when declining or marking not required).
    pub note: Option<String>,
    /// New owning organisation.
    pub owner_organisation_id: Option<String>,
    /// New due date (`null` clears it).
    #[serde(default, deserialize_with = "nullable")]
    pub due_by: Option<Option<String>>,
    /// New description.
    pub description: Option<String>,
}

/// Changes a need's status, owner, due date or description, or adds a note.
#[utoipa::path(patch, path = "/api/v1/needs/{id}", tag = "plan", params(("id" = String, Path)),
    request_body = PatchNeed,
    responses((status = 200, body = NeedJson), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_need(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchNeed>,
) -> Result<Json<NeedJson>, ApiError> {
    let need: NeedId = id(&ctx, &raw)?;
    let patch = NeedPatch {
        version: Some(body.version),
        status: body.status,
        note: body.note,
        owner_organisation_id: body.owner_organisation_id,
        due_by: clearable(body.due_by),
        description: body.description,
    };
    let view = state.app.update_need(&ctx, need, &patch).await.map_err(err(&ctx))?;
    Ok(Json(NeedJson::from(&view)))
}

/// One entry of the needs catalogue.
#[derive(Serialize, ToSchema)]
pub struct CatalogueEntryJson {
    /// Key to send as `need`.
    pub key: String,
    /// Pathway key.
    pub pathway: String,
    /// Name.
    pub label: String,
}

/// The needs catalogue.
#[derive(Serialize, ToSchema)]
pub struct CatalogueJson {
    /// Catalogue version.
    pub version: u32,
    /// Entries offered for new needs (plus `other` on every pathway).
    pub needs: Vec<CatalogueEntryJson>,
}

/// The catalogue of support needs, by pathway.
#[utoipa::path(get, path = "/api/v1/catalogue/needs", tag = "plan",
    responses((status = 200, body = CatalogueJson), (status = 401, body = Problem)))]
pub async fn needs_catalogue(ApiCaller(_ctx): ApiCaller) -> Json<CatalogueJson> {
    Json(CatalogueJson {
        version: catalogue::VERSION,
        needs: catalogue::CATALOGUE
            .iter()
            .filter(|c| c.is_current())
            .map(|c| CatalogueEntryJson {
                key: c.key.into(),
                pathway: c.pathway.as_str().into(),
                label: c.label.into(),
            })
            .collect(),
    })
}
