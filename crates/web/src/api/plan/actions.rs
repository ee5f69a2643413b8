//! Actions in the API: a child's actions, adding and changing one, and a person's own.

use super::*;

/// An action.
#[derive(Serialize, ToSchema)]
pub struct ActionJson {
    /// Id.
    pub id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// What is to be done.
    pub description: String,
    /// The organisation responsible.
    pub owner_organisation_id: Uuid,
    /// Its name.
    pub owner_organisation_name: Option<String>,
    /// The person responsible.
    pub owner_user_id: Option<Uuid>,
    /// Their name.
    pub owner_user_name: Option<String>,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// Open and past its due date.
    pub overdue: bool,
    /// The need it serves.
    pub need_id: Option<Uuid>,
    /// The meeting that agreed it.
    pub meeting_id: Option<Uuid>,
    /// Send this back when changing it.
    pub version: i64,
    /// The child's given name (in "my actions").
    pub child_given_name: Option<String>,
    /// The child's family name (in "my actions").
    pub child_family_name: Option<String>,
}

fn action_json(a: &ActionItem, overdue: bool) -> ActionJson {
    ActionJson {
        id: a.id.0,
        child_id: a.child_id.0,
        description: a.description.clone(),
        owner_organisation_id: a.owner_organisation_id.0,
        owner_organisation_name: None,
        owner_user_id: a.owner_user_id.map(|u| u.0),
        owner_user_name: None,
        due_by: a.due_by.map(|d| d.to_string()),
        status: a.status.as_str().into(),
        overdue,
        need_id: a.need_id.map(|n| n.0),
        meeting_id: a.meeting_id.map(|m| m.0),
        version: a.version,
        child_given_name: None,
        child_family_name: None,
    }
}

impl From<&ActionView> for ActionJson {
    fn from(v: &ActionView) -> Self {
        ActionJson {
            owner_organisation_name: Some(v.owner_name.clone()),
            owner_user_name: v.owner_user_name.clone(),
            ..action_json(&v.action, v.overdue)
        }
    }
}

/// A new action.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    /// What is to be done.
    pub description: String,
    /// The organisation responsible (one not yet on the team joins it).
    pub owner_organisation_id: String,
    /// The person responsible (someone in that organisation).
    pub owner_user_id: Option<String>,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// The need it serves.
    pub need_id: Option<String>,
    /// The meeting that agreed it.
    pub meeting_id: Option<String>,
}

/// Adds an action for a child.
#[utoipa::path(post, path = "/api/v1/children/{id}/actions", tag = "actions", params(("id" = String, Path)),
    request_body = NewAction,
    responses((status = 201, body = ActionJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_action(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewAction>,
) -> Result<(StatusCode, Json<ActionJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = ActionInput {
        description: Some(body.description),
        owner_organisation_id: Some(body.owner_organisation_id),
        owner_user_id: body.owner_user_id,
        due_by: body.due_by,
        need_id: body.need_id,
        meeting_id: body.meeting_id,
    };
    let a = state.app.add_action(&ctx, child, &input).await.map_err(err(&ctx))?;
    let overdue = a.is_overdue(state.app.today());
    Ok((StatusCode::CREATED, Json(action_json(&a, overdue))))
}

/// A change to an action.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAction {
    /// The version the change was made against.
    pub version: i64,
    /// `open`, `done` or `cancelled`.
    pub status: Option<String>,
    /// New due date (`null` clears it).
    #[serde(default, deserialize_with = "nullable")]
    pub due_by: Option<Option<String>>,
    /// New description.
    pub description: Option<String>,
    /// New owning organisation (on the team).
    pub owner_organisation_id: Option<String>,
    /// New owning person (`null`: the organisation).
    #[serde(default, deserialize_with = "nullable")]
    pub owner_user_id: Option<Option<String>>,
}

/// Changes an action: done, cancelled, a new date or owner.
#[utoipa::path(patch, path = "/api/v1/actions/{id}", tag = "actions", params(("id" = String, Path)),
    request_body = PatchAction,
    responses((status = 200, body = ActionJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn patch_action(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchAction>,
) -> Result<Json<ActionJson>, ApiError> {
    let aid: ActionItemId = id(&ctx, &raw)?;
    let patch = ActionPatch {
        version: Some(body.version),
        status: body.status,
        due_by: clearable(body.due_by),
        description: body.description,
        owner_organisation_id: body.owner_organisation_id,
        owner_user_id: clearable(body.owner_user_id),
    };
    let a = state.app.update_action(&ctx, aid, &patch).await.map_err(err(&ctx))?;
    let overdue = a.is_overdue(state.app.today());
    Ok(Json(action_json(&a, overdue)))
}

/// A child's actions, by due date.
#[utoipa::path(get, path = "/api/v1/children/{id}/actions", tag = "actions", params(("id" = String, Path), Paging),
    responses((status = 200, body = Paged<ActionJson>), (status = 404, body = Problem),
    (status = 422, body = Problem)))]
pub async fn child_actions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Paged<ActionJson>>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let page = paging.checked().map_err(err(&ctx))?;
    let record = state.app.plan(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(Paged::of(record.actions.iter().map(ActionJson::from), page)))
}

/// Which actions.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionsParams {
    /// `me`: actions owned by the caller, or by their organisations with no one named.
    pub owner: Option<String>,
    /// `open` (default) or `all`.
    pub status: Option<String>,
    /// Page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100_000)]
    pub page: Option<u32>,
    /// Actions per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// "My actions" across every child on the caller's caseload, soonest due first.
#[utoipa::path(get, path = "/api/v1/actions", tag = "actions", params(ActionsParams),
    responses((status = 200, body = Paged<ActionJson>), (status = 422, body = Problem)))]
pub async fn my_actions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<ActionsParams>,
) -> Result<Json<Paged<ActionJson>>, ApiError> {
    let page = crate::api::paging::checked(p.page, p.per_page).map_err(err(&ctx))?;
    if p.owner.as_deref().is_some_and(|o| o != "me") {
        return Err(ApiError(AppError::invalid("owner", "owner must be me"), ctx.request_id.clone()));
    }
    let include_closed = match p.status.as_deref() {
        None | Some("open") => false,
        Some("all") => true,
        Some(_) => {
            return Err(ApiError(AppError::invalid("status", "status must be open or all"), ctx.request_id.clone()));
        }
    };
    let rows = state.app.my_actions(&ctx, include_closed).await.map_err(err(&ctx))?;
    let today = state.app.today();
    Ok(Json(Paged::of(rows.iter().map(|r: &ActionRow| row_json(r, today)), page)))
}

fn row_json(r: &ActionRow, today: jiff::civil::Date) -> ActionJson {
    ActionJson {
        owner_organisation_name: Some(r.owner_organisation_name.clone()),
        owner_user_name: r.owner_user_name.clone(),
        child_given_name: Some(r.child_given_name.clone()),
        child_family_name: Some(r.child_family_name.clone()),
        ..action_json(&r.action, r.action.is_overdue(today))
    }
}
