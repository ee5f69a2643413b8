//! Meetings in the API: the child's meetings, one meeting with its agenda and invitees, its
//! changes and invitation, and the meetings that need a manager's attention.

use super::*;

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
#[utoipa::path(get, path = "/api/v1/children/{id}/meetings", tag = "meetings", params(("id" = String, Path), Paging),
    responses((status = 200, body = Paged<MeetingJson>), (status = 404, body = Problem),
    (status = 422, body = Problem)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Paged<MeetingJson>>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let page = paging.checked().map_err(err(&ctx))?;
    let list = state.app.meetings(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(Paged::of(list.iter().map(MeetingJson::from), page)))
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
    Ok(crate::download::ics_response(ics, &format!("meeting-{mid}.ics")))
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
#[utoipa::path(get, path = "/api/v1/oversight/meetings", tag = "meetings", params(Paging),
    responses((status = 200, body = Paged<AttentionJson>), (status = 403, body = Problem),
    (status = 422, body = Problem)))]
pub async fn meetings_needing_attention(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Paged<AttentionJson>>, ApiError> {
    let page = paging.checked().map_err(err(&ctx))?;
    let rows = state.app.meetings_needing_attention(&ctx).await.map_err(err(&ctx))?;
    let today = state.app.today();
    Ok(Json(Paged::of(
        rows.into_iter().map(|r| {
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
        }),
        page,
    )))
}
