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

use resettle_app::AppError;
use resettle_app::plan::{ActionView, MeetingDetail, NeedView, PathwayView, PlanRecord};
use resettle_app::storage::{ActionRow, MeetingRow};
use resettle_domain::action_item::{ActionInput, ActionPatch, ActionStatus};
use resettle_domain::child::Child;
use resettle_domain::ids::{ActionItemId, ChildId, MeetingId, NeedId};
use resettle_domain::meeting::{Attendance, MeetingKind, MeetingPatch, NewMeetingInput, Presence, parse_local};
use resettle_domain::plan::{NeedInput, NeedPatch, Pathway, Plan, PlanViewsInput, catalogue};
use resettle_domain::validation::ValidationErrors;

use super::{Chrome, date_from_parts, date_parts, render};
use super::{app_err, parse_id, some};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

mod actions;
mod meetings;

pub use actions::*;
pub use meetings::*;

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
    let orgs = state.app.open_organisations().await.map_err(app_err(&who.ctx))?;
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
