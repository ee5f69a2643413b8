//! Action pages: adding and changing an action, and a person's own actions.

use super::*;

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
        let when = m.meeting.held_on.or(m.meeting.due_by).map(crate::pages::long_date).unwrap_or_default();
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
                            action.action.due_by.map(crate::pages::long_date).unwrap_or_else(|| "none".into())
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
