//! Organisations and users, for administrators.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::admin::NewUserInput;
use resettle_app::{AppError, Principal};
use resettle_domain::org::{OrgKind, Role};
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::{Secure, SignedIn};

/// Query string carrying a notice after a redirect.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

/// The add-organisation form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OrgForm {
    csrf_token: String,
    code: String,
    name: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrgsPage {
    chrome: Chrome,
    organisations: Vec<resettle_domain::org::Organisation>,
    form: OrgForm,
    errors: ValidationErrors,
    kind_options: Vec<(String, String)>,
    notice: Option<&'static str>,
}

async fn orgs_page(
    state: &AppState,
    who: &SignedIn,
    form: OrgForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<OrgsPage, PageError> {
    if !who.ctx.actor.has_role(Role::Admin) {
        return Err(PageError::App(
            AppError::Forbidden("only administrators manage organisations and users"),
            who.ctx.request_id.clone(),
        ));
    }
    let organisations = state.app.organisations().await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let mut kind_options = vec![(String::new(), "Choose a kind".to_string())];
    kind_options.extend(OrgKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())));
    Ok(OrgsPage {
        chrome: Chrome::for_user(who, "organisations").with_errors(!errors.is_empty()),
        organisations,
        form,
        errors,
        kind_options,
        notice,
    })
}

/// The organisations list and add form.
pub async fn organisations(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("Organisation added");
    let page = orgs_page(&state, &who, OrgForm::default(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds an organisation.
pub async fn add_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<OrgForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    match state.app.create_organisation(Principal::User(&who.ctx.actor), &form.code, &form.name, &form.kind).await {
        Ok(_) => Ok(Redirect::to("/admin/organisations?notice=added").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = orgs_page(&state, &who, form, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The add-user form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    csrf_token: String,
    email: String,
    name: String,
    phone: String,
    organisation: String,
    role: String,
}

/// A set-password link or an enrolment code just issued, to show once.
pub struct IssuedLink {
    /// Whom it is for.
    name: String,
    /// The whole link, or the code.
    url: String,
    /// An enrolment code rather than a link.
    code: bool,
}

/// A user as listed.
pub struct UserLine {
    id: String,
    name: String,
    needs_second_factor: bool,
    email: String,
    active: bool,
    roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserLine>,
    form: UserForm,
    errors: ValidationErrors,
    organisation_options: Vec<(String, String)>,
    role_options: Vec<(String, String)>,
    notice: Option<&'static str>,
    issued: Option<IssuedLink>,
}

async fn users_page(
    state: &AppState,
    who: &SignedIn,
    form: UserForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<UsersPage, PageError> {
    let rid = who.ctx.request_id.clone();
    let records = state.app.users(Principal::User(&who.ctx.actor)).await.map_err(|e| PageError::App(e, rid.clone()))?;
    let orgs = state.app.organisations().await.map_err(|e| PageError::App(e, rid.clone()))?;
    let org_name = |id| orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let users = records
        .into_iter()
        .map(|r| UserLine {
            id: r.user.id.to_string(),
            needs_second_factor: r
                .memberships
                .iter()
                .any(|m| resettle_domain::policy::role_requires_second_factor(m.role)),
            name: r.user.name,
            email: r.user.email.to_string(),
            active: r.user.active,
            roles: r
                .memberships
                .iter()
                .map(|m| format!("{} at {}", m.role.label(), org_name(m.organisation_id)))
                .collect(),
        })
        .collect();
    let mut organisation_options = vec![(String::new(), "Choose an organisation".to_string())];
    organisation_options.extend(orgs.iter().map(|o| (o.id.to_string(), o.name.clone())));
    let mut role_options = vec![(String::new(), "Choose a role".to_string())];
    role_options.extend(Role::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())));
    Ok(UsersPage {
        chrome: Chrome::for_user(who, "users").with_errors(!errors.is_empty()),
        users,
        form,
        errors,
        organisation_options,
        role_options,
        notice,
        issued: None,
    })
}

/// The users list and add form.
pub async fn users(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("User added");
    let page = users_page(&state, &who, UserForm::default(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The whole address of a set-password link, as this request reached the service.
fn link_url(headers: &HeaderMap, secure: bool, secret: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}/set-password/{secret}", if secure { "https" } else { "http" })
}

/// Adds a user — without a password: the page shows a one-time link for them to set their
/// own, to send to them.
pub async fn add_user(
    State(state): State<AppState>,
    who: SignedIn,
    Secure(secure): Secure,
    headers: HeaderMap,
    Form(form): Form<UserForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let input = NewUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        phone: Some(form.phone.clone()),
        organisation: form.organisation.clone(),
        role: form.role.clone(),
        password: String::new(),
    };
    let principal = Principal::User(&who.ctx.actor);
    match state.app.create_user(principal, &input).await {
        Ok(user) => {
            let secret = state
                .app
                .issue_password_link(principal, &user.id.to_string())
                .await
                .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let mut page =
                users_page(&state, &who, UserForm::default(), ValidationErrors::new(), Some("User added")).await?;
            page.issued = Some(IssuedLink { name: user.name, url: link_url(&headers, secure, &secret), code: false });
            Ok(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            let page = users_page(&state, &who, form, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The form asking for a new set-password link.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    csrf_token: String,
    user: String,
}

/// Issues a one-time link for a person to set a new password (a reset): the administrator
/// never types or sees it.
pub async fn password_link(
    State(state): State<AppState>,
    who: SignedIn,
    Secure(secure): Secure,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    match state.app.issue_password_link(Principal::User(&who.ctx.actor), &form.user).await {
        Ok(secret) => {
            let records = state
                .app
                .users(Principal::User(&who.ctx.actor))
                .await
                .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let name = records
                .iter()
                .find(|r| r.user.id.to_string() == form.user.trim())
                .map(|r| r.user.name.clone())
                .unwrap_or_default();
            let mut page = users_page(&state, &who, UserForm::default(), ValidationErrors::new(), None).await?;
            page.issued = Some(IssuedLink { name, url: link_url(&headers, secure, &secret), code: false });
            Ok(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            let page = users_page(&state, &who, UserForm::default(), errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Issues a one-time code with which a person who signs in with a second factor (an
/// administrator or a manager) sets up their authenticator.
pub async fn enrolment_code(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let rid = who.ctx.request_id.clone();
    let principal = Principal::User(&who.ctx.actor);
    let records = state.app.users(principal).await.map_err(|e| PageError::App(e, rid.clone()))?;
    let Some(record) = records.iter().find(|r| r.user.id.to_string() == form.user.trim()) else {
        let errors = ValidationErrors::one("user", "Choose the person to give a code to");
        let page = users_page(&state, &who, UserForm::default(), errors, None).await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let code = state.app.issue_enrolment_code(principal, record.user.id).await.map_err(|e| PageError::App(e, rid))?;
    let mut page = users_page(&state, &who, UserForm::default(), ValidationErrors::new(), None).await?;
    page.issued = Some(IssuedLink { name: record.user.name.clone(), url: code, code: true });
    Ok(render(StatusCode::OK, &page))
}

/// The add-bank-holiday form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct HolidayForm {
    csrf_token: String,
    #[serde(rename = "date-day")]
    day: String,
    #[serde(rename = "date-month")]
    month: String,
    #[serde(rename = "date-year")]
    year: String,
    name: String,
}

#[derive(Template)]
#[template(path = "admin_bank_holidays.html")]
struct HolidaysPage {
    chrome: Chrome,
    years: Vec<(i16, Vec<resettle_domain::calendar::BankHoliday>)>,
    form: HolidayForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
}

async fn holidays_page(
    state: &AppState,
    who: &SignedIn,
    form: HolidayForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<HolidaysPage, PageError> {
    let rid = who.ctx.request_id.clone();
    if !who.ctx.actor.has_role(Role::Admin) {
        return Err(PageError::App(AppError::Forbidden("only administrators manage the calendar"), rid));
    }
    let this_year = state.app.today().year();
    let mut years = Vec::new();
    for y in [this_year, this_year + 1] {
        years.push((y, state.app.bank_holidays(y).await.map_err(|e| PageError::App(e, rid.clone()))?));
    }
    Ok(HolidaysPage {
        chrome: Chrome::for_user(who, "bank-holidays").with_errors(!errors.is_empty()),
        years,
        form,
        errors,
        notice,
    })
}

/// This year's and next year's bank holidays, and the form to add one.
pub async fn bank_holidays(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("Bank holiday added");
    let page = holidays_page(&state, &who, HolidayForm::default(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds a bank holiday.
pub async fn add_bank_holiday(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HolidayForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let day = super::date_from_parts(&form.day, &form.month, &form.year).unwrap_or_default();
    match state.app.add_bank_holiday(Principal::User(&who.ctx.actor), &day, &form.name).await {
        Ok(()) => Ok(Redirect::to("/admin/bank-holidays?notice=added").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = holidays_page(&state, &who, form, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
