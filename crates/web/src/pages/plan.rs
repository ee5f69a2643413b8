//! The resettlement plan's pages: the plan (a task list of pathways), needs with their update
//! log, the child's own words, "my plan" for the child and carers, meetings (schedule,
//! record, cancel, invitation), actions, "my actions" and the managers' meetings list.
//!
//! Every change form carries the version it was opened at. When someone else saved first,
//! the form comes back with what changed since, what the person typed kept, and nothing saved.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use resettle_app::plan::{ActionView, MeetingDetail, NeedView, PathwayView, PlanRecord};
use resettle_app::storage::{ActionRow, MeetingRow};
use resettle_app::{AppError, Ctx};
use resettle_domain::action_item::{ActionInput, ActionPatch, ActionStatus};
use resettle_domain::child::Child;
use resettle_domain::ids::{ActionItemId, ChildId, MeetingId, NeedId};
use resettle_domain::meeting::{
    Attendance, MeetingKind, MeetingPatch, MeetingStatus, NewMeetingInput, Presence, parse_local,
};
use resettle_domain::plan::{NeedInput, NeedPatch, NeedStatus, Pathway, Plan, PlanViewsInput, catalogue};
use resettle_domain::validation::ValidationErrors;

use super::{Chrome, date_from_parts, date_parts, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

fn app_err(ctx: &Ctx) -> impl Fn(AppError) -> PageError + '_ {
    move |e| PageError::App(e, ctx.request_id.clone())
}

fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse().map_err(|_| PageError::App(AppError::NotFound, String::new()))
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn london() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// What a query string may say about the page: a success notice.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
    pathway: Option<String>,
    meeting_id: Option<String>,
    need_id: Option<String>,
    all: Option<String>,
}

fn notice(p: &NoticeParams) -> Option<&'static str> {
    match p.notice.as_deref()? {
        "need" => Some("Need added to the plan"),
        "need-updated" => Some("Need updated"),
        "views" => Some("The plan is updated"),
        "meeting" => Some("Meeting added"),
        "scheduled" => Some("Meeting arrangements saved"),
        "recorded" => Some("Meeting record saved"),
        "cancelled" => Some("Meeting cancelled"),
        "action" => Some("Action added"),
        "action-updated" => Some("Action updated"),
        _ => None,
    }
}

/// A tag's words and colour.
pub struct Tag {
    pub(crate) text: String,
    pub(crate) class: &'static str,
}

fn due_tag(due: Option<Date>, open: bool, today: Date) -> Option<Tag> {
    let d = due?;
    if !open {
        return None;
    }
    if d < today {
        Some(Tag { text: "Overdue".into(), class: "govuk-tag--red" })
    } else if (d - today).get_days() <= 7 {
        Some(Tag { text: "Due soon".into(), class: "govuk-tag--yellow" })
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// The plan

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    record: PlanRecord,
    today: Date,
    notice: Option<&'static str>,
}

impl PlanPage {
    fn pathway_tag(&self, p: &PathwayView) -> Tag {
        match p.state() {
            "Not started" => Tag { text: "Not started".into(), class: "govuk-tag--grey" },
            "In progress" if p.overdue() > 0 => {
                Tag { text: format!("{} overdue", p.overdue()), class: "govuk-tag--red" }
            }
            "In progress" => Tag { text: "In progress".into(), class: "govuk-tag--light-blue" },
            _ => Tag { text: "Completed".into(), class: "" },
        }
    }

    fn action_tag(&self, a: &ActionView) -> Option<Tag> {
        due_tag(a.action.due_by, a.action.status == ActionStatus::Open, self.today)
    }
}

/// The plan: every pathway as a task list, the child's words, meetings and actions.
pub async fn plan_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page =
        PlanPage { chrome: Chrome::for_user(&who, "caseload"), record, today: state.app.today(), notice: notice(&q) };
    Ok(render(StatusCode::OK, &page))
}

/// "My plan": the plan in plain words for the child and their carers, to print.
#[derive(Template)]
#[template(path = "my_plan.html")]
struct MyPlanPage {
    chrome: Chrome,
    record: PlanRecord,
    sections: Vec<MyPlanSection>,
    helpers: Vec<(String, String)>,
    appointments: Vec<(String, String, String)>,
}

struct MyPlanSection {
    heading: &'static str,
    lines: Vec<(String, &'static str)>,
}

fn plain_status(s: NeedStatus) -> &'static str {
    match s {
        NeedStatus::Identified => "We will sort this out",
        NeedStatus::InProgress => "Being worked on",
        NeedStatus::Met => "Sorted",
        NeedStatus::Declined => "You said no to this",
        NeedStatus::NotRequired => "Not needed",
    }
}

fn plain_title(v: &NeedView) -> String {
    if v.withheld { "Your health worker will talk to you about this".into() } else { v.need.plain_title() }
}

/// "My plan", printable.
pub async fn my_plan_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let sections = record
        .pathways
        .iter()
        .filter(|p| !p.needs.is_empty())
        .map(|p| MyPlanSection {
            heading: p.pathway.plain_heading(),
            lines: p.needs.iter().map(|n| (plain_title(n), plain_status(n.need.status))).collect(),
        })
        .collect();
    let today = state.app.today();
    let helpers = record
        .team
        .iter()
        .filter(|t| t.member.is_current(today))
        .map(|t| {
            let who = t.user_name.clone().unwrap_or_else(|| t.organisation_name.clone());
            (who, format!("{} – {}", t.member.role.label(), t.member.responsibility))
        })
        .collect();
    let now = state.app.now();
    let appointments = record
        .meetings
        .iter()
        .filter(|m| m.meeting.status == MeetingStatus::Scheduled)
        .filter_map(|m| {
            let at = m.meeting.scheduled_for.filter(|t| *t >= now)?;
            Some((m.title.clone(), super::long_time(at), m.meeting.location.clone().unwrap_or_default()))
        })
        .collect();
    let page = MyPlanPage { chrome: Chrome::for_user(&who, "caseload"), record, sections, helpers, appointments };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------
// The child's words

/// The child's-words form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ViewsForm {
    csrf_token: String,
    version: String,
    child_goals: String,
    child_words: String,
    carer_views: String,
    #[serde(rename = "shared_on-day")]
    shared_day: String,
    #[serde(rename = "shared_on-month")]
    shared_month: String,
    #[serde(rename = "shared_on-year")]
    shared_year: String,
}

#[derive(Template)]
#[template(path = "plan_views.html")]
struct ViewsPage {
    chrome: Chrome,
    child: Child,
    form: ViewsForm,
    errors: ValidationErrors,
    changed_since: Vec<String>,
}

fn views_form(p: &Plan) -> ViewsForm {
    let (d, m, y) = date_parts(p.shared_on);
    ViewsForm {
        csrf_token: String::new(),
        version: p.version.to_string(),
        child_goals: p.child_goals.clone().unwrap_or_default(),
        child_words: p.child_words.clone().unwrap_or_default(),
        carer_views: p.carer_views.clone().unwrap_or_default(),
        shared_day: d,
        shared_month: m,
        shared_year: y,
    }
}

/// The form for the child's goals and words and carers' views.
pub async fn views_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = ViewsPage {
        chrome: Chrome::for_user(&who, "caseload"),
        form: views_form(&record.plan),
        child: record.child,
        errors: ValidationErrors::new(),
        changed_since: Vec::new(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Saves the child's words, or shows the form again.
pub async fn save_views(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ViewsForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let input = PlanViewsInput {
        version: form.version.trim().parse().ok(),
        child_goals: Some(form.child_goals.clone()),
        child_words: Some(form.child_words.clone()),
        carer_views: Some(form.carer_views.clone()),
        shared_on: date_from_parts(&form.shared_day, &form.shared_month, &form.shared_year),
    };
    match state.app.update_plan_views(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/plan?notice=views")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let page = ViewsPage {
                chrome: Chrome::for_user(&who, "caseload").with_errors(true),
                child: record.child,
                form,
                errors,
                changed_since: Vec::new(),
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { .. }) => {
            let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let current = views_form(&record.plan);
            let mut changed_since = Vec::new();
            for (label, now, yours) in [
                ("The child's goals", &current.child_goals, &form.child_goals),
                ("The child's words", &current.child_words, &form.child_words),
                ("Carers' views", &current.carer_views, &form.carer_views),
            ] {
                if now.trim() != yours.trim() {
                    let now = if now.is_empty() { "(blank)" } else { now.as_str() };
                    changed_since.push(format!("{label} now read: “{now}”"));
                }
            }
            let page = ViewsPage {
                chrome: Chrome::for_user(&who, "caseload"),
                child: record.child,
                form: ViewsForm { version: current.version, ..form },
                errors: ValidationErrors::new(),
                changed_since,
            };
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Needs

/// The add-a-need form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NeedForm {
    csrf_token: String,
    pathway: String,
    need: String,
    description: String,
    owner_organisation_id: String,
    #[serde(rename = "due_by-day")]
    due_day: String,
    #[serde(rename = "due_by-month")]
    due_month: String,
    #[serde(rename = "due_by-year")]
    due_year: String,
}

/// A group of options under a heading (`<optgroup>`).
pub struct OptionGroup {
    pub(crate) label: &'static str,
    pub(crate) options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "need_new.html")]
struct NeedNewPage {
    chrome: Chrome,
    child: Child,
    form: NeedForm,
    errors: ValidationErrors,
    pathway_options: Vec<(String, String)>,
    need_groups: Vec<OptionGroup>,
    owner_options: Vec<(String, String)>,
}

/// Organisations to offer as owners: those on the team first, then the others that can join.
async fn owner_options(
    state: &AppState,
    who: &SignedIn,
    record: &PlanRecord,
) -> Result<Vec<(String, String)>, PageError> {
    let today = state.app.today();
    let mut out = vec![(String::new(), "Choose an organisation".to_string())];
    let mut on_team = Vec::new();
    for t in record.team.iter().filter(|t| t.member.is_current(today)) {
        if !on_team.contains(&t.member.organisation_id) {
            on_team.push(t.member.organisation_id);
            out.push((t.member.organisation_id.to_string(), format!("{} (on the team)", t.organisation_name)));
        }
    }
    let orgs = state.app.organisations().await.map_err(app_err(&who.ctx))?;
    for o in orgs.into_iter().filter(|o| !on_team.contains(&o.id)) {
        use resettle_domain::org::OrgKind;
        if matches!(o.kind, OrgKind::LocalAuthority | OrgKind::Education) {
            out.push((o.id.to_string(), format!("{} ({}; joins the team)", o.name, o.kind.label())));
        }
    }
    Ok(out)
}

fn need_groups() -> Vec<OptionGroup> {
    let mut groups: Vec<OptionGroup> = Pathway::ALL
        .iter()
        .map(|p| OptionGroup {
            label: p.label(),
            options: catalogue::for_pathway(*p).map(|c| (c.key.to_string(), c.label.to_string())).collect(),
        })
        .collect();
    groups.push(OptionGroup {
        label: "Something else",
        options: vec![(catalogue::OTHER.to_string(), "Other (describe it below)".to_string())],
    });
    groups
}

async fn need_new_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    form: NeedForm,
    errors: ValidationErrors,
) -> Result<NeedNewPage, PageError> {
    let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let mut pathway_options = vec![(String::new(), "Choose a pathway".to_string())];
    pathway_options.extend(Pathway::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())));
    Ok(NeedNewPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        owner_options: owner_options(state, who, &record).await?,
        child: record.child,
        form,
        errors,
        pathway_options,
        need_groups: need_groups(),
    })
}

/// The add-a-need form.
pub async fn need_new_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let form = NeedForm { pathway: q.pathway.unwrap_or_default(), ..Default::default() };
    let page = need_new_page_for(&state, &who, id, form, ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds the need, or shows the form again.
pub async fn add_need(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<NeedForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let input = NeedInput {
        pathway: some(&form.pathway),
        need: some(&form.need),
        description: some(&form.description),
        owner_organisation_id: some(&form.owner_organisation_id),
        due_by: date_from_parts(&form.due_day, &form.due_month, &form.due_year),
    };
    match state.app.add_need(&who.ctx, id, &input).await {
        Ok(v) => {
            Ok(Redirect::to(&format!("/children/{id}/plan?notice=need#{}", v.need.pathway.as_str())).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = need_new_page_for(&state, &who, id, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The update-a-need form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NeedUpdateForm {
    csrf_token: String,
    version: String,
    status: String,
    note: String,
    #[serde(rename = "due_by-day")]
    due_day: String,
    #[serde(rename = "due_by-month")]
    due_month: String,
    #[serde(rename = "due_by-year")]
    due_year: String,
}

#[derive(Template)]
#[template(path = "need.html")]
struct NeedPage {
    chrome: Chrome,
    child: Child,
    need: NeedView,
    form: NeedUpdateForm,
    errors: ValidationErrors,
    status_options: Vec<(String, String)>,
    changed_since: Vec<String>,
    notice: Option<&'static str>,
}

fn need_form(v: &NeedView) -> NeedUpdateForm {
    let (d, m, y) = date_parts(v.need.due_by);
    NeedUpdateForm {
        version: v.need.version.to_string(),
        status: v.need.status.as_str().to_string(),
        due_day: d,
        due_month: m,
        due_year: y,
        ..Default::default()
    }
}

fn status_options(v: &NeedView) -> Vec<(String, String)> {
    let current = v.need.status;
    let mut out = vec![(current.as_str().to_string(), format!("{} (no change)", current.label()))];
    out.extend(current.next().into_iter().map(|s| (s.as_str().to_string(), s.label().to_string())));
    out
}

#[allow(clippy::too_many_arguments)]
fn need_page(
    who: &SignedIn,
    child: Child,
    need: NeedView,
    form: NeedUpdateForm,
    errors: ValidationErrors,
    changed_since: Vec<String>,
    notice: Option<&'static str>,
) -> NeedPage {
    NeedPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        status_options: status_options(&need),
        child,
        need,
        form,
        errors,
        changed_since,
        notice,
    }
}

/// A need with its update log and the form to change it.
pub async fn need_view_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: NeedId = parse_id(&id)?;
    let (child, _, view) = state.app.need(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let form = need_form(&view);
    let page = need_page(&who, child, view, form, ValidationErrors::new(), Vec::new(), notice(&q));
    Ok(render(StatusCode::OK, &page))
}

/// Saves a change to a need, or shows the form again (with what changed since, when someone
/// else saved first).
pub async fn update_need(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<NeedUpdateForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: NeedId = parse_id(&id)?;
    let submitted_version: Option<i64> = form.version.trim().parse().ok();
    let patch = NeedPatch {
        version: submitted_version,
        status: some(&form.status),
        note: some(&form.note),
        owner_organisation_id: None,
        due_by: Some(date_from_parts(&form.due_day, &form.due_month, &form.due_year).unwrap_or_default()),
        description: None,
    };
    match state.app.update_need(&who.ctx, id, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/needs/{id}?notice=need-updated")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let (child, _, view) = state.app.need(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let page = need_page(&who, child, view, form, errors, Vec::new(), None);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { current_version }) => {
            let (child, _, view) = state.app.need(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let since = submitted_version.unwrap_or(0);
            let changed_since = view
                .updates
                .iter()
                .filter(|u| u.version > since)
                .map(|u| {
                    format!(
                        "{} at {}: {}{}",
                        u.actor_name,
                        super::long_time(u.at),
                        u.changes,
                        u.note.as_deref().map(|n| format!(" – “{n}”")).unwrap_or_default()
                    )
                })
                .collect();
            let form = NeedUpdateForm { version: current_version.to_string(), ..form };
            let page = need_page(&who, child, view, form, ValidationErrors::new(), changed_since, None);
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
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
    Ok(crate::api::ics_response(ics, id))
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

fn scheduled_from(form: &ScheduleForm, errors: &mut ValidationErrors) -> Option<jiff::Timestamp> {
    let day = date_from_parts(&form.day, &form.month, &form.year);
    parse_local(errors, "scheduled_for", day.as_deref(), Some(form.time.as_str()), &london())
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
        state.app.update_meeting(&who.ctx, id, &patch, Some(scheduled)).await
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
                    let when =
                        detail.meeting.meeting.scheduled_for.map(super::long_time).unwrap_or_else(|| "not set".into());
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
        state.app.add_meeting(&who.ctx, id, &input, scheduled).await
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

// ---------------------------------------------------------------------------------------------
// Actions

/// The add-an-action form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    csrf_token: String,
    description: String,
    owner: String,
    #[serde(rename = "due_by-day")]
    due_day: String,
    #[serde(rename = "due_by-month")]
    due_month: String,
    #[serde(rename = "due_by-year")]
    due_year: String,
    need_id: String,
    meeting_id: String,
}

#[derive(Template)]
#[template(path = "action_new.html")]
struct ActionNewPage {
    chrome: Chrome,
    child: Child,
    form: ActionForm,
    errors: ValidationErrors,
    owner_options: Vec<(String, String)>,
    need_options: Vec<(String, String)>,
    meeting_options: Vec<(String, String)>,
}

async fn action_new_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    form: ActionForm,
    errors: ValidationErrors,
) -> Result<ActionNewPage, PageError> {
    let record = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let today = state.app.today();
    let mut owner_options = vec![(String::new(), "Choose who will do it".to_string())];
    let mut seen_orgs = Vec::new();
    for t in record.team.iter().filter(|t| t.member.is_current(today)) {
        if let (Some(user), Some(name)) = (t.member.user_id, &t.user_name) {
            owner_options.push((
                format!("{}:{}", t.member.organisation_id, user),
                format!("{name}, {} ({})", t.organisation_name, t.member.role.label()),
            ));
        }
        if !seen_orgs.contains(&t.member.organisation_id) {
            seen_orgs.push(t.member.organisation_id);
        }
    }
    for org in seen_orgs {
        if let Some(t) = record.team.iter().find(|t| t.member.organisation_id == org) {
            owner_options.push((org.to_string(), format!("{} (anyone there)", t.organisation_name)));
        }
    }
    let mut need_options = vec![(String::new(), "Not linked to a need".to_string())];
    for p in &record.pathways {
        for n in &p.needs {
            need_options.push((n.need.id.to_string(), format!("{}: {}", p.pathway.label(), n.title)));
        }
    }
    let mut meeting_options = vec![(String::new(), "Not agreed at a meeting".to_string())];
    meeting_options.extend(record.meetings.iter().map(|m| {
        let when = m.meeting.held_on.or(m.meeting.due_by).map(super::long_date).unwrap_or_default();
        (m.meeting.id.to_string(), format!("{} ({when})", m.title))
    }));
    Ok(ActionNewPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child: record.child,
        form,
        errors,
        owner_options,
        need_options,
        meeting_options,
    })
}

/// The add-an-action form.
pub async fn action_new_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let form = ActionForm {
        meeting_id: q.meeting_id.unwrap_or_default(),
        need_id: q.need_id.unwrap_or_default(),
        ..Default::default()
    };
    let page = action_new_page_for(&state, &who, id, form, ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds the action, or shows the form again.
pub async fn add_action(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let (org, user) = match form.owner.split_once(':') {
        Some((o, u)) => (some(o), some(u)),
        None => (some(&form.owner), None),
    };
    let input = ActionInput {
        description: some(&form.description),
        owner_organisation_id: org,
        owner_user_id: user,
        due_by: date_from_parts(&form.due_day, &form.due_month, &form.due_year),
        need_id: some(&form.need_id),
        meeting_id: some(&form.meeting_id),
    };
    match state.app.add_action(&who.ctx, id, &input).await {
        Ok(a) => Ok(match a.meeting_id {
            Some(m) => Redirect::to(&format!("/meetings/{m}?notice=action#actions")),
            None => Redirect::to(&format!("/children/{id}/plan?notice=action#actions")),
        }
        .into_response()),
        Err(AppError::Invalid(mut errors)) => {
            for e in &mut errors.0 {
                if e.field == "owner_organisation_id" || e.field == "owner_user_id" {
                    e.field = "owner".into();
                }
            }
            let page = action_new_page_for(&state, &who, id, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The change-an-action form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionUpdateForm {
    csrf_token: String,
    version: String,
    status: String,
    #[serde(rename = "due_by-day")]
    due_day: String,
    #[serde(rename = "due_by-month")]
    due_month: String,
    #[serde(rename = "due_by-year")]
    due_year: String,
}

#[derive(Template)]
#[template(path = "action.html")]
struct ActionPage {
    chrome: Chrome,
    child: Child,
    action: ActionView,
    form: ActionUpdateForm,
    errors: ValidationErrors,
    status_options: Vec<(String, String)>,
    changed_since: Vec<String>,
    notice: Option<&'static str>,
}

fn action_form(a: &ActionView) -> ActionUpdateForm {
    let (d, m, y) = date_parts(a.action.due_by);
    ActionUpdateForm {
        version: a.action.version.to_string(),
        status: a.action.status.as_str().to_string(),
        due_day: d,
        due_month: m,
        due_year: y,
        ..Default::default()
    }
}

fn action_status_options() -> Vec<(String, String)> {
    ActionStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect()
}

/// An action and the form to change it.
pub async fn action_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: ActionItemId = parse_id(&id)?;
    let (child, action) = state.app.action(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = ActionPage {
        chrome: Chrome::for_user(&who, "actions"),
        child,
        form: action_form(&action),
        action,
        errors: ValidationErrors::new(),
        status_options: action_status_options(),
        changed_since: Vec::new(),
        notice: notice(&q),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Saves a change to an action, or shows the form again.
pub async fn update_action(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ActionUpdateForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ActionItemId = parse_id(&id)?;
    let patch = ActionPatch {
        version: form.version.trim().parse().ok(),
        status: some(&form.status),
        due_by: Some(date_from_parts(&form.due_day, &form.due_month, &form.due_year).unwrap_or_default()),
        ..Default::default()
    };
    match state.app.update_action(&who.ctx, id, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/actions/{id}?notice=action-updated")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let (child, action) = state.app.action(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let (status, errors, changed_since, form) = match e {
                AppError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), form),
                _ => (
                    StatusCode::CONFLICT,
                    ValidationErrors::new(),
                    vec![
                        format!("Status is now: {}", action.action.status.label()),
                        format!(
                            "Due date is now: {}",
                            action.action.due_by.map(super::long_date).unwrap_or_else(|| "none".into())
                        ),
                    ],
                    ActionUpdateForm { version: action.action.version.to_string(), ..form },
                ),
            };
            let page = ActionPage {
                chrome: Chrome::for_user(&who, "actions").with_errors(!errors.is_empty()),
                child,
                action,
                form,
                errors,
                status_options: action_status_options(),
                changed_since,
                notice: None,
            };
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "my_actions.html")]
struct MyActionsPage {
    chrome: Chrome,
    rows: Vec<ActionRow>,
    overdue: usize,
    all: bool,
    today: Date,
}

impl MyActionsPage {
    fn tag(&self, r: &ActionRow) -> Option<Tag> {
        due_tag(r.action.due_by, r.action.status == ActionStatus::Open, self.today)
    }

    fn overdue_row(&self, r: &ActionRow) -> bool {
        r.action.is_overdue(self.today)
    }
}

/// "My actions" across every child on my caseload.
pub async fn my_actions_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let all = q.all.as_deref() == Some("yes");
    let rows = state.app.my_actions(&who.ctx, all).await.map_err(app_err(&who.ctx))?;
    let today = state.app.today();
    let overdue = rows.iter().filter(|r| r.action.is_overdue(today)).count();
    let page = MyActionsPage { chrome: Chrome::for_user(&who, "actions"), rows, overdue, all, today };
    Ok(render(StatusCode::OK, &page))
}
