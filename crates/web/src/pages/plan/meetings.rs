//! Meeting pages: one meeting, its invitation, scheduling, adding, recording and cancelling it,
//! and the meetings that need a manager's attention.

use super::*;

// Meetings

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    detail: MeetingDetail,
    notice: Option<&'static str>,
}

/// A meeting: arrangements, agenda, invitees, record and actions.
pub async fn meeting_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: MeetingId = parse_id(&id)?;
    let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = MeetingPage { chrome: Chrome::for_user(&who, "caseload"), detail, notice: notice(&q) };
    Ok(render(StatusCode::OK, &page))
}

/// The meeting's invitation as an iCalendar download.
pub async fn meeting_invite(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: MeetingId = parse_id(&id)?;
    let ics = state.app.meeting_invite(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(crate::download::ics_response(ics, &format!("meeting-{id}.ics")))
}

/// The schedule form (and the add-a-meeting form), as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ScheduleForm {
    csrf_token: String,
    version: String,
    kind: String,
    #[serde(rename = "due_by-day")]
    due_day: String,
    #[serde(rename = "due_by-month")]
    due_month: String,
    #[serde(rename = "due_by-year")]
    due_year: String,
    #[serde(rename = "scheduled_for-day")]
    day: String,
    #[serde(rename = "scheduled_for-month")]
    month: String,
    #[serde(rename = "scheduled_for-year")]
    year: String,
    time: String,
    duration_minutes: String,
    location: String,
}

#[derive(Template)]
#[template(path = "meeting_schedule.html")]
struct SchedulePage {
    chrome: Chrome,
    child: Child,
    /// `None` when adding a meeting.
    meeting: Option<MeetingDetail>,
    form: ScheduleForm,
    errors: ValidationErrors,
    kind_options: Vec<(String, String)>,
    changed_since: Vec<String>,
}

fn schedule_form(d: &MeetingDetail) -> ScheduleForm {
    let m = &d.meeting.meeting;
    let local = m.scheduled_for.map(|t| t.to_zoned(london()));
    let (day, month, year) = date_parts(local.as_ref().map(|z| z.date()));
    ScheduleForm {
        version: m.version.to_string(),
        kind: m.kind.as_str().to_string(),
        day,
        month,
        year,
        time: local.map(|z| z.strftime("%H:%M").to_string()).unwrap_or_default(),
        duration_minutes: m.duration_minutes.to_string(),
        location: m.location.clone().unwrap_or_default(),
        ..Default::default()
    }
}

fn kind_options() -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "Choose the kind of meeting".to_string())];
    out.extend(MeetingKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())));
    out
}

/// The application checks the day and time together (`scheduled_for`, as the API names it):
/// once both have been read from the form, what it refuses (a time already past) is the time
/// box's to fix, so the error links there.
fn on_the_time_box(e: AppError) -> AppError {
    match e {
        AppError::Invalid(mut errors) => {
            for f in errors.0.iter_mut().filter(|f| f.field == "scheduled_for") {
                f.field = "time".into();
            }
            AppError::Invalid(errors)
        }
        other => other,
    }
}

fn scheduled_from(form: &ScheduleForm, errors: &mut ValidationErrors) -> Option<jiff::Timestamp> {
    let day = date_from_parts(&form.day, &form.month, &form.year);
    parse_local(errors, "scheduled_for", "time", day.as_deref(), Some(form.time.as_str()), &london())
}

fn duration(form: &ScheduleForm, errors: &mut ValidationErrors) -> Option<i32> {
    let s = form.duration_minutes.trim();
    if s.is_empty() {
        return None;
    }
    s.parse::<i32>().map_err(|_| errors.add("duration_minutes", "Enter the length in minutes, like 60")).ok()
}

/// The form to schedule or move a meeting.
pub async fn schedule_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: MeetingId = parse_id(&id)?;
    let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = SchedulePage {
        chrome: Chrome::for_user(&who, "caseload"),
        child: detail.child.clone(),
        form: schedule_form(&detail),
        meeting: Some(detail),
        errors: ValidationErrors::new(),
        kind_options: kind_options(),
        changed_since: Vec::new(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Saves the meeting's time and place.
pub async fn save_schedule(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: MeetingId = parse_id(&id)?;
    let mut errors = ValidationErrors::new();
    let scheduled = scheduled_from(&form, &mut errors);
    let minutes = duration(&form, &mut errors);
    let result = if errors.is_empty() {
        let patch = MeetingPatch {
            version: form.version.trim().parse().ok(),
            duration_minutes: minutes,
            location: Some(form.location.clone()),
            ..Default::default()
        };
        state.app.update_meeting(&who.ctx, id, &patch, Some(scheduled)).await.map_err(on_the_time_box)
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?notice=scheduled")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let current = schedule_form(&detail);
            let (status, errors, changed_since, form) = match e {
                AppError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), form),
                _ => {
                    let when = detail
                        .meeting
                        .meeting
                        .scheduled_for
                        .map(crate::pages::long_time)
                        .unwrap_or_else(|| "not set".into());
                    let place = detail.meeting.meeting.location.clone().unwrap_or_else(|| "not set".into());
                    (
                        StatusCode::CONFLICT,
                        ValidationErrors::new(),
                        vec![format!("The time is now {when}"), format!("The place is now {place}")],
                        ScheduleForm { version: current.version, ..form },
                    )
                }
            };
            let page = SchedulePage {
                chrome: Chrome::for_user(&who, "caseload").with_errors(!errors.is_empty()),
                child: detail.child.clone(),
                meeting: Some(detail),
                form,
                errors,
                kind_options: kind_options(),
                changed_since,
            };
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The add-a-meeting form.
pub async fn meeting_new_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let child = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?.child;
    let page = SchedulePage {
        chrome: Chrome::for_user(&who, "caseload"),
        child,
        meeting: None,
        form: ScheduleForm { kind: "review".into(), duration_minutes: "60".into(), ..Default::default() },
        errors: ValidationErrors::new(),
        kind_options: kind_options(),
        changed_since: Vec::new(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Adds a meeting, or shows the form again.
pub async fn add_meeting(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let mut errors = ValidationErrors::new();
    let scheduled = scheduled_from(&form, &mut errors);
    let minutes = duration(&form, &mut errors);
    let result = if errors.is_empty() {
        let input = NewMeetingInput {
            kind: some(&form.kind),
            due_by: date_from_parts(&form.due_day, &form.due_month, &form.due_year),
            scheduled_for: None,
            duration_minutes: minutes,
            location: some(&form.location),
        };
        state.app.add_meeting(&who.ctx, id, &input, scheduled).await.map_err(on_the_time_box)
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}?notice=meeting", m.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let child = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?.child;
            let page = SchedulePage {
                chrome: Chrome::for_user(&who, "caseload").with_errors(true),
                child,
                meeting: None,
                form,
                errors,
                kind_options: kind_options(),
                changed_since: Vec::new(),
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// One line of the attendance list on the record form.
pub struct AttendeeLine {
    pub(crate) index: usize,
    pub(crate) name: String,
    pub(crate) capacity: String,
    pub(crate) presence: String,
}

#[derive(Template)]
#[template(path = "meeting_record.html")]
struct RecordPage {
    chrome: Chrome,
    detail: MeetingDetail,
    version: String,
    held: (String, String, String),
    attendees: Vec<AttendeeLine>,
    child_views: String,
    carer_views: String,
    decisions: String,
    no_actions_agreed: bool,
    errors: ValidationErrors,
    changed_since: Vec<String>,
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn record_page(who: &SignedIn, detail: MeetingDetail, form: Option<&[(String, String)]>) -> RecordPage {
    let m = &detail.meeting.meeting;
    match form {
        None => {
            let mut attendees: Vec<AttendeeLine> = m
                .attendance
                .iter()
                .enumerate()
                .map(|(index, a)| AttendeeLine {
                    index,
                    name: a.name.clone(),
                    capacity: a.capacity.clone(),
                    presence: a.presence.as_str().to_string(),
                })
                .collect();
            for i in &detail.invitees {
                if !attendees.iter().any(|a| a.name == i.name) {
                    attendees.push(AttendeeLine {
                        index: attendees.len(),
                        name: i.name.clone(),
                        capacity: i.capacity.clone(),
                        presence: String::new(),
                    });
                }
            }
            RecordPage {
                chrome: Chrome::for_user(who, "caseload"),
                version: m.version.to_string(),
                held: date_parts(m.held_on),
                attendees,
                child_views: m.child_views.clone().unwrap_or_default(),
                carer_views: m.carer_views.clone().unwrap_or_default(),
                decisions: m.decisions.clone().unwrap_or_default(),
                no_actions_agreed: m.no_actions_agreed,
                errors: ValidationErrors::new(),
                changed_since: Vec::new(),
                detail,
            }
        }
        Some(f) => {
            let count: usize = field(f, "attendee_count").parse().unwrap_or(0).min(200);
            let attendees = (0..count)
                .map(|i| AttendeeLine {
                    index: i,
                    name: field(f, &format!("attendee-{i}-name")).to_string(),
                    capacity: field(f, &format!("attendee-{i}-capacity")).to_string(),
                    presence: field(f, &format!("attendee-{i}-presence")).to_string(),
                })
                .collect();
            RecordPage {
                chrome: Chrome::for_user(who, "caseload"),
                version: field(f, "version").to_string(),
                held: (
                    field(f, "held_on-day").to_string(),
                    field(f, "held_on-month").to_string(),
                    field(f, "held_on-year").to_string(),
                ),
                attendees,
                child_views: field(f, "child_views").to_string(),
                carer_views: field(f, "carer_views").to_string(),
                decisions: field(f, "decisions").to_string(),
                no_actions_agreed: field(f, "no_actions_agreed") == "yes",
                errors: ValidationErrors::new(),
                changed_since: Vec::new(),
                detail,
            }
        }
    }
}

/// The form to record a meeting: attendance, the child's and carers' views, decisions.
pub async fn record_meeting_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: MeetingId = parse_id(&id)?;
    let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(render(StatusCode::OK, &record_page(&who, detail, None)))
}

/// Saves the meeting's record, or shows the form again.
pub async fn record_meeting(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    who.check_csrf(field(&form, "csrf_token"))?;
    let id: MeetingId = parse_id(&id)?;
    let mut errors = ValidationErrors::new();
    let count: usize = field(&form, "attendee_count").parse().unwrap_or(0).min(200);
    let mut attendance = Vec::new();
    for i in 0..count {
        let presence = field(&form, &format!("attendee-{i}-presence"));
        if presence.is_empty() {
            continue;
        }
        match presence.parse::<Presence>() {
            Ok(p) => attendance.push(Attendance {
                name: field(&form, &format!("attendee-{i}-name")).to_string(),
                capacity: field(&form, &format!("attendee-{i}-capacity")).to_string(),
                presence: p,
            }),
            Err(m) => errors.add(format!("attendee-{i}-presence"), m),
        }
    }
    let held =
        date_from_parts(field(&form, "held_on-day"), field(&form, "held_on-month"), field(&form, "held_on-year"));
    if held.is_none() {
        errors.add("held_on", "Enter the day the meeting was held");
    }
    let result = if errors.is_empty() {
        let patch = MeetingPatch {
            version: field(&form, "version").trim().parse().ok(),
            held_on: held,
            attendance: Some(attendance),
            child_views: Some(field(&form, "child_views").to_string()),
            carer_views: Some(field(&form, "carer_views").to_string()),
            decisions: Some(field(&form, "decisions").to_string()),
            no_actions_agreed: Some(field(&form, "no_actions_agreed") == "yes"),
            ..Default::default()
        };
        state.app.update_meeting(&who.ctx, id, &patch, None).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?notice=recorded")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let mut page = record_page(&who, detail, Some(&form));
            page.chrome = page.chrome.with_errors(true);
            page.errors = errors;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { current_version }) => {
            let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let current = detail.meeting.meeting.clone();
            let mut page = record_page(&who, detail, Some(&form));
            page.version = current_version.to_string();
            page.changed_since = vec![
                format!("Status is now: {}", current.status.label()),
                format!("The child's views now read: “{}”", current.child_views.unwrap_or_default()),
                format!("Decisions now read: “{}”", current.decisions.unwrap_or_default()),
            ];
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The cancel form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CancelForm {
    csrf_token: String,
    version: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "meeting_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    detail: MeetingDetail,
    form: CancelForm,
    errors: ValidationErrors,
}

/// The form to cancel a meeting.
pub async fn cancel_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: MeetingId = parse_id(&id)?;
    let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let form = CancelForm { version: detail.meeting.meeting.version.to_string(), ..Default::default() };
    let page = CancelPage { chrome: Chrome::for_user(&who, "caseload"), detail, form, errors: ValidationErrors::new() };
    Ok(render(StatusCode::OK, &page))
}

/// Cancels the meeting, or shows the form again.
pub async fn cancel_meeting(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: MeetingId = parse_id(&id)?;
    let patch = MeetingPatch {
        version: form.version.trim().parse().ok(),
        status: Some("cancelled".into()),
        decisions: Some(form.reason.clone()),
        ..Default::default()
    };
    match state.app.update_meeting(&who.ctx, id, &patch, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?notice=cancelled")).into_response()),
        Err(AppError::Invalid(mut errors)) => {
            // The reason is stored as the meeting's decisions; the form calls it the reason.
            for e in &mut errors.0 {
                if e.field == "decisions" {
                    e.field = "reason".into();
                }
            }
            let detail = state.app.meeting(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let page =
                CancelPage { chrome: Chrome::for_user(&who, "caseload").with_errors(true), detail, form, errors };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "meetings_attention.html")]
struct AttentionPage {
    chrome: Chrome,
    late: Vec<MeetingRow>,
    incomplete: Vec<MeetingRow>,
}

/// For managers: late meetings, and held meetings whose record is incomplete.
pub async fn attention_page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    let rows = state.app.meetings_needing_attention(&who.ctx).await.map_err(app_err(&who.ctx))?;
    let (incomplete, late): (Vec<MeetingRow>, Vec<MeetingRow>) =
        rows.into_iter().partition(|r| r.meeting.is_incomplete());
    let page = AttentionPage { chrome: Chrome::for_user(&who, "meetings"), late, incomplete };
    Ok(render(StatusCode::OK, &page))
}
