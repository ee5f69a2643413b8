//! The resettlement plan over JSON: pathways and needs, meetings (with iCalendar
//! invitations) and actions. Every change sends the `version` it was made against; a stale
//! one is refused with 409 and the current version.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use resettle_app::plan::{ActionView, MeetingView, NeedView, PlanRecord};
use resettle_app::storage::ActionRow;
use resettle_app::{AppError, Ctx};
use resettle_domain::action_item::{ActionInput, ActionItem, ActionPatch};
use resettle_domain::ids::{ActionItemId, ChildId, MeetingId, NeedId};
use resettle_domain::meeting::{Attendance, Meeting, MeetingPatch, NewMeetingInput};
use resettle_domain::plan::{NeedInput, NeedPatch, PlanViewsInput, catalogue};

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;

fn err(ctx: &Ctx) -> impl Fn(AppError) -> ApiError + '_ {
    move |e| ApiError(e, ctx.request_id.clone())
}

fn id<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError(AppError::NotFound, ctx.request_id.clone()))
}

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

/// Someone's attendance at a meeting.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceJson {
    /// Name.
    pub name: String,
    /// In what capacity.
    #[serde(default)]
    pub capacity: String,
    /// `attended`, `apologies` or `absent`.
    pub presence: String,
}

/// A planning meeting.
#[derive(Serialize, ToSchema)]
pub struct MeetingJson {
    /// Id.
    pub id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// `remand_planning`, `initial_planning`, `review`, `pre_release`, `release_day` or
    /// `post_release_review`.
    pub kind: String,
    /// "Review meeting 2".
    pub title: String,
    /// Due by (from the key-dates rules), `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// Start (RFC 3339, UTC).
    pub scheduled_for: Option<String>,
    /// Length in minutes.
    pub duration_minutes: i32,
    /// Where.
    pub location: Option<String>,
    /// `not_scheduled`, `scheduled`, `held`, `complete` or `cancelled`.
    pub status: String,
    /// Not held by its due date.
    pub late: bool,
    /// What is still to record once held.
    pub missing: Vec<String>,
    /// Day held.
    pub held_on: Option<String>,
    /// Who came and who sent apologies.
    pub attendance: Vec<AttendanceJson>,
    /// The child's views in their own words.
    pub child_views: Option<String>,
    /// Carers' views.
    pub carer_views: Option<String>,
    /// Decisions.
    pub decisions: Option<String>,
    /// The meeting agreed no actions.
    pub no_actions_agreed: bool,
    /// Actions agreed at it.
    pub actions: usize,
    /// Send this back when changing it.
    pub version: i64,
}

impl From<&MeetingView> for MeetingJson {
    fn from(v: &MeetingView) -> Self {
        let m: &Meeting = &v.meeting;
        Self {
            id: m.id.0,
            child_id: m.child_id.0,
            kind: m.kind.as_str().into(),
            title: v.title.clone(),
            due_by: m.due_by.map(|d| d.to_string()),
            scheduled_for: m.scheduled_for.map(|t| t.to_string()),
            duration_minutes: m.duration_minutes,
            location: m.location.clone(),
            status: m.status.as_str().into(),
            late: v.late,
            missing: v.missing.iter().map(|s| s.to_string()).collect(),
            held_on: m.held_on.map(|d| d.to_string()),
            attendance: m
                .attendance
                .iter()
                .map(|a| AttendanceJson {
                    name: a.name.clone(),
                    capacity: a.capacity.clone(),
                    presence: a.presence.as_str().into(),
                })
                .collect(),
            child_views: m.child_views.clone(),
            carer_views: m.carer_views.clone(),
            decisions: m.decisions.clone(),
            no_actions_agreed: m.no_actions_agreed,
            actions: v.actions,
            version: m.version,
        }
    }
}

/// A child's meetings, by due date.
#[utoipa::path(get, path = "/api/v1/children/{id}/meetings", tag = "meetings", params(("id" = String, Path)),
    responses((status = 200, body = [MeetingJson]), (status = 404, body = Problem)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<Vec<MeetingJson>>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let list = state.app.meetings(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(list.iter().map(MeetingJson::from).collect()))
}

/// A meeting added by hand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    /// Kind key.
    pub kind: String,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// Start, RFC 3339.
    pub scheduled_for: Option<String>,
    /// Length in minutes (default 60).
    pub duration_minutes: Option<i32>,
    /// Where.
    pub location: Option<String>,
}

/// Adds a meeting (an extra review, or one the rules do not date).
#[utoipa::path(post, path = "/api/v1/children/{id}/meetings", tag = "meetings", params(("id" = String, Path)),
    request_body = NewMeeting,
    responses((status = 201, body = MeetingJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewMeeting>,
) -> Result<(StatusCode, Json<MeetingJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = NewMeetingInput {
        kind: Some(body.kind),
        due_by: body.due_by,
        scheduled_for: body.scheduled_for,
        duration_minutes: body.duration_minutes,
        location: body.location,
    };
    let m = state.app.add_meeting(&ctx, child, &input, None).await.map_err(err(&ctx))?;
    let detail = state.app.meeting(&ctx, m.id).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(MeetingJson::from(&detail.meeting))))
}

/// An agenda item.
#[derive(Serialize, ToSchema)]
pub struct AgendaJson {
    /// Pathway key, if the item is about one.
    pub pathway: Option<String>,
    /// What to discuss.
    pub text: String,
}

/// Someone invited.
#[derive(Serialize, ToSchema)]
pub struct InviteeJson {
    /// Name.
    pub name: String,
    /// Capacity.
    pub capacity: String,
    /// Email, when known.
    pub email: Option<String>,
}

/// A meeting with its agenda and invitees.
#[derive(Serialize, ToSchema)]
pub struct MeetingDetailJson {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: MeetingJson,
    /// The agenda, from the plan's open gaps.
    pub agenda: Vec<AgendaJson>,
    /// Who is invited: the team, the child and carers.
    pub invitees: Vec<InviteeJson>,
}

/// One meeting with its agenda and invitees.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = String, Path)),
    responses((status = 200, body = MeetingDetailJson), (status = 404, body = Problem)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<MeetingDetailJson>, ApiError> {
    let mid: MeetingId = id(&ctx, &raw)?;
    let d = state.app.meeting(&ctx, mid).await.map_err(err(&ctx))?;
    Ok(Json(MeetingDetailJson {
        meeting: MeetingJson::from(&d.meeting),
        agenda: d
            .agenda
            .iter()
            .map(|a| AgendaJson { pathway: a.pathway.map(|p| p.as_str().into()), text: a.text.clone() })
            .collect(),
        invitees: d
            .invitees
            .iter()
            .map(|i| InviteeJson { name: i.name.clone(), capacity: i.capacity.clone(), email: i.email.clone() })
            .collect(),
    }))
}

/// A change to a meeting: arrangements, the record, or cancellation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchMeeting {
    /// The version the change was made against.
    pub version: i64,
    /// Start, RFC 3339 (`null` clears it).
    #[serde(default, deserialize_with = "nullable")]
    pub scheduled_for: Option<Option<String>>,
    /// Length in minutes (15–480).
    pub duration_minutes: Option<i32>,
    /// Where (`null` clears it).
    #[serde(default, deserialize_with = "nullable")]
    pub location: Option<Option<String>>,
    /// `cancelled` to cancel (with `decisions` saying why).
    pub status: Option<String>,
    /// Day held, `YYYY-MM-DD`.
    pub held_on: Option<String>,
    /// Attendance (replaces the list).
    pub attendance: Option<Vec<AttendanceJson>>,
    /// The child's views in their own words.
    pub child_views: Option<String>,
    /// Carers' views.
    pub carer_views: Option<String>,
    /// Decisions.
    pub decisions: Option<String>,
    /// The meeting agreed no actions.
    pub no_actions_agreed: Option<bool>,
}

/// Schedules, moves, records or cancels a meeting. The status follows from what is
/// recorded: `complete` once attendance, the child's and carers' views, decisions and actions
/// are all there.
#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = String, Path)),
    request_body = PatchMeeting,
    responses((status = 200, body = MeetingJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn patch_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PatchMeeting>,
) -> Result<Json<MeetingJson>, ApiError> {
    let mid: MeetingId = id(&ctx, &raw)?;
    let attendance = match body.attendance {
        None => None,
        Some(list) => {
            let mut out = Vec::with_capacity(list.len());
            for (i, a) in list.into_iter().enumerate() {
                let presence = a.presence.parse().map_err(|m: String| {
                    ApiError(AppError::invalid(&format!("attendance[{i}].presence"), m), ctx.request_id.clone())
                })?;
                out.push(Attendance { name: a.name, capacity: a.capacity, presence });
            }
            Some(out)
        }
    };
    let patch = MeetingPatch {
        version: Some(body.version),
        scheduled_for: clearable(body.scheduled_for),
        duration_minutes: body.duration_minutes,
        location: clearable(body.location),
        status: body.status,
        held_on: body.held_on,
        attendance,
        child_views: body.child_views,
        carer_views: body.carer_views,
        decisions: body.decisions,
        no_actions_agreed: body.no_actions_agreed,
    };
    state.app.update_meeting(&ctx, mid, &patch, None).await.map_err(err(&ctx))?;
    let d = state.app.meeting(&ctx, mid).await.map_err(err(&ctx))?;
    Ok(Json(MeetingJson::from(&d.meeting)))
}

/// The meeting's invitation as an iCalendar file (RFC 5545), for calendar software. The
/// child appears by initials only; health details never appear.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/invite.ics", tag = "meetings", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn meeting_invite(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let mid: MeetingId = id(&ctx, &raw)?;
    let ics = state.app.meeting_invite(&ctx, mid).await.map_err(err(&ctx))?;
    Ok(ics_response(ics, mid))
}

/// A `text/calendar` download.
pub fn ics_response(ics: String, id: MeetingId) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"meeting-{id}.ics\"")),
        ],
        ics,
    )
        .into_response()
}

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
#[utoipa::path(get, path = "/api/v1/children/{id}/actions", tag = "actions", params(("id" = String, Path)),
    responses((status = 200, body = [ActionJson]), (status = 404, body = Problem)))]
pub async fn child_actions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<Vec<ActionJson>>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let record = state.app.plan(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(record.actions.iter().map(ActionJson::from).collect()))
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
}

/// "My actions" across every child on the caller's caseload, soonest due first.
#[utoipa::path(get, path = "/api/v1/actions", tag = "actions", params(ActionsParams),
    responses((status = 200, body = [ActionJson]), (status = 422, body = Problem)))]
pub async fn my_actions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<ActionsParams>,
) -> Result<Json<Vec<ActionJson>>, ApiError> {
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
    Ok(Json(rows.iter().map(|r: &ActionRow| row_json(r, today)).collect()))
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

/// A meeting that needs a manager's attention.
#[derive(Serialize, ToSchema)]
pub struct AttentionJson {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: MeetingJson,
    /// The child's given name.
    pub child_given_name: String,
    /// The child's family name.
    pub child_family_name: String,
}

/// Late meetings, and held meetings not fully recorded, across the manager's caseload.
#[utoipa::path(get, path = "/api/v1/oversight/meetings", tag = "meetings",
    responses((status = 200, body = [AttentionJson]), (status = 403, body = Problem)))]
pub async fn meetings_needing_attention(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<Vec<AttentionJson>>, ApiError> {
    let rows = state.app.meetings_needing_attention(&ctx).await.map_err(err(&ctx))?;
    let today = state.app.today();
    Ok(Json(
        rows.into_iter()
            .map(|r| {
                let view = MeetingView {
                    title: r.meeting.title(),
                    late: r.meeting.is_late(today),
                    missing: if r.meeting.is_incomplete() { r.meeting.missing(0) } else { Vec::new() },
                    actions: 0,
                    meeting: r.meeting,
                };
                AttentionJson {
                    meeting: MeetingJson::from(&view),
                    child_given_name: r.child_given_name,
                    child_family_name: r.child_family_name,
                }
            })
            .collect(),
    ))
}
