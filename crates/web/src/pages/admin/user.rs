//! One person, for administrators: their name and telephone, their roles, a one-time link to
//! set a new password, an authenticator code, and deactivating them when they leave. Every
//! handler asks the application first (`App::account` and the rest go through the access
//! policy), so a person who is not an administrator is refused before anything is checked.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::storage::AccountLine;
use resettle_app::{AppError, Principal};
use resettle_domain::ids::UserId;
use resettle_domain::policy::role_requires_second_factor;
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{IssuedLink, link_url, open_organisation_options, role_options};
use crate::AppState;
use crate::error::PageError;
use crate::pages::{Chrome, long_date, render};
use crate::session::{Secure, SignedIn};

/// The name-and-telephone form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DetailsForm {
    csrf_token: String,
    name: String,
    phone: String,
}

/// The add-a-role form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RoleForm {
    csrf_token: String,
    organisation: String,
    role: String,
}

/// The remove-a-role and deactivate forms, and the link and code buttons.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ChoiceForm {
    csrf_token: String,
    /// The role to remove.
    membership: String,
    /// The box confirming a deactivation.
    confirm: String,
    /// The person a link or code is for (the link and code forms).
    user: String,
}

/// One role, as shown.
pub struct RoleLine {
    membership_id: String,
    role: &'static str,
    organisation: String,
}

/// Query string carrying what was just done.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserParams {
    notice: String,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    chrome: Chrome,
    id: String,
    name: String,
    email: String,
    active: bool,
    /// The day they were deactivated, in words.
    deactivated_on: Option<String>,
    needs_second_factor: bool,
    /// The administrator looking at their own account.
    is_self: bool,
    roles: Vec<RoleLine>,
    details: DetailsForm,
    role_form: RoleForm,
    organisation_options: Vec<(String, String)>,
    role_options: Vec<(String, String)>,
    errors: ValidationErrors,
    notice: Option<String>,
    issued: Option<IssuedLink>,
}

fn user_id(raw: &str, rid: &str) -> Result<UserId, PageError> {
    raw.trim().parse().map_err(|_| PageError::App(AppError::NotFound, rid.to_string()))
}

/// The person, through the policy: administrators only (403), a known person (404).
async fn load(state: &AppState, who: &SignedIn, raw: &str) -> Result<AccountLine, PageError> {
    let rid = who.ctx.request_id.clone();
    let principal = Principal::User(&who.ctx.actor);
    // Ask the policy before looking at the address, so that a non-administrator is refused
    // the same way whatever they ask for.
    let id = match user_id(raw, &rid) {
        Ok(id) => id,
        Err(e) => {
            state.app.find_users(principal, "", "", 1).await.map_err(|e| PageError::App(e, rid.clone()))?;
            return Err(e);
        }
    };
    state.app.account(principal, id).await.map_err(|e| PageError::App(e, rid))
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    account: AccountLine,
    details: Option<DetailsForm>,
    role_form: RoleForm,
    errors: ValidationErrors,
) -> Result<UserPage, PageError> {
    let rid = who.ctx.request_id.clone();
    let orgs = state.app.organisations_shared().await.map_err(|e| PageError::App(e, rid.clone()))?;
    let user = &account.record.user;
    let roles = account
        .record
        .memberships
        .iter()
        .map(|m| RoleLine {
            membership_id: m.id.to_string(),
            role: m.role.label(),
            organisation: orgs.iter().find(|o| o.id == m.organisation_id).map(|o| o.name.clone()).unwrap_or_default(),
        })
        .collect();
    Ok(UserPage {
        chrome: Chrome::for_user(who, "users").with_errors(!errors.is_empty()),
        id: user.id.to_string(),
        name: user.name.clone(),
        email: user.email.to_string(),
        active: user.active,
        deactivated_on: account.deactivated_at.map(long_date),
        needs_second_factor: account.record.memberships.iter().any(|m| role_requires_second_factor(m.role)),
        is_self: user.id == who.ctx.actor.user_id,
        roles,
        details: details.unwrap_or_else(|| DetailsForm {
            csrf_token: String::new(),
            name: user.name.clone(),
            phone: user.phone.clone().unwrap_or_default(),
        }),
        role_form,
        organisation_options: open_organisation_options(state, &rid, "Choose an organisation").await?,
        role_options: role_options(),
        errors,
        notice: None,
        issued: None,
    })
}

/// The person's page after a choice: with the outcome's banner when it was made, or again with
/// what was refused.
async fn answered<T>(
    state: &AppState,
    who: &SignedIn,
    raw: &str,
    account: AccountLine,
    result: resettle_app::AppResult<T>,
    outcome: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(done(raw, outcome)),
        Err(AppError::Invalid(errors)) => refused(state, who, account, None, RoleForm::default(), errors).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The page again with the errors of a refused form.
async fn refused(
    state: &AppState,
    who: &SignedIn,
    account: AccountLine,
    details: Option<DetailsForm>,
    role_form: RoleForm,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let p = page(state, who, account, details, role_form, errors).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

fn done(id: &str, notice: &str) -> Response {
    Redirect::to(&format!("/admin/users/{id}?notice={notice}")).into_response()
}

/// One person's page.
pub async fn user_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<UserParams>,
) -> Result<Response, PageError> {
    let account = load(&state, &who, &raw).await?;
    let name = account.record.user.name.clone();
    let mut p = page(&state, &who, account, None, RoleForm::default(), ValidationErrors::new()).await?;
    p.notice = match q.notice.as_str() {
        "details" => Some(format!("{name}'s details are saved")),
        "role-added" => Some(format!("{name} has the new role")),
        "role-removed" => Some(format!("The role is removed from {name}")),
        "deactivated" => {
            Some(format!("{name} is deactivated: they are signed out everywhere and their API tokens no longer work"))
        }
        "reactivated" => Some(format!("{name} can sign in again. Send them a new password link.")),
        _ => None,
    };
    Ok(render(StatusCode::OK, &p))
}

/// Corrects the person's name and telephone.
pub async fn update_details(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<DetailsForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let account = load(&state, &who, &raw).await?;
    let id = account.record.user.id;
    let principal = Principal::User(&who.ctx.actor);
    match state.app.update_user_details(principal, id, &form.name, &form.phone).await {
        Ok(()) => Ok(done(&raw, "details")),
        Err(AppError::Invalid(errors)) => refused(&state, &who, account, Some(form), RoleForm::default(), errors).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Gives the person another role, in an open organisation.
pub async fn add_role(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let account = load(&state, &who, &raw).await?;
    let id = account.record.user.id;
    let principal = Principal::User(&who.ctx.actor);
    let Ok(org) = form.organisation.trim().parse() else {
        let mut errors = ValidationErrors::one("organisation", "Choose an organisation");
        if form.role.trim().is_empty() {
            errors.add("role", "Choose a role");
        }
        return refused(&state, &who, account, None, form, errors).await;
    };
    match state.app.add_membership(principal, id, org, &form.role).await {
        Ok(_) => Ok(done(&raw, "role-added")),
        Err(AppError::Invalid(errors)) => refused(&state, &who, account, None, form, errors).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Removes one of the person's roles.
pub async fn remove_role(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let account = load(&state, &who, &raw).await?;
    let id = account.record.user.id;
    let result = state.app.remove_membership(Principal::User(&who.ctx.actor), id, &form.membership).await;
    answered(&state, &who, &raw, account, result, "role-removed").await
}

/// Deactivates a person who has left: signed out everywhere and their API tokens revoked, at
/// once.
pub async fn deactivate(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let account = load(&state, &who, &raw).await?;
    let id = account.record.user.id;
    let confirmed = form.confirm == "yes";
    let result = state.app.deactivate_user(Principal::User(&who.ctx.actor), id, confirmed).await;
    answered(&state, &who, &raw, account, result, "deactivated").await
}

/// Lets a deactivated person sign in again.
pub async fn reactivate(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let account = load(&state, &who, &raw).await?;
    let id = account.record.user.id;
    let result = state.app.reactivate_user(Principal::User(&who.ctx.actor), id).await;
    answered(&state, &who, &raw, account, result, "reactivated").await
}

/// The person a link or code form names, if it names one (`None` for nobody or a stranger).
async fn chosen(state: &AppState, who: &SignedIn, raw: &str) -> Result<Option<AccountLine>, PageError> {
    match load(state, who, raw).await {
        Ok(a) => Ok(Some(a)),
        Err(PageError::App(AppError::NotFound, _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The list of people again, with the error against the person to choose.
async fn list_refused(state: &AppState, who: &SignedIn, message: &str) -> Result<Response, PageError> {
    let errors = ValidationErrors::one("user", message);
    let p =
        super::users_page(state, who, super::UserForm::default(), errors, None, super::UsersQuery::default()).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// Issues a one-time link for a person to set a new password (a reset): the administrator
/// never types or sees it. The person's page shows it, once.
pub async fn password_link(
    State(state): State<AppState>,
    who: SignedIn,
    Secure(secure): Secure,
    headers: HeaderMap,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let Some(account) = chosen(&state, &who, &form.user).await? else {
        return list_refused(&state, &who, "Choose the person to send a link to").await;
    };
    match state.app.issue_password_link(Principal::User(&who.ctx.actor), &form.user).await {
        Ok(secret) => {
            let name = account.record.user.name.clone();
            let mut p = page(&state, &who, account, None, RoleForm::default(), ValidationErrors::new()).await?;
            p.issued = Some(IssuedLink { name, url: link_url(&headers, secure, &secret), code: false });
            Ok(render(StatusCode::OK, &p))
        }
        Err(AppError::Invalid(errors)) => refused(&state, &who, account, None, RoleForm::default(), errors).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Issues a one-time code with which a person who signs in with a second factor (an
/// administrator or a manager) sets up their authenticator.
pub async fn enrolment_code(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let rid = who.ctx.request_id.clone();
    let Some(account) = chosen(&state, &who, &form.user).await? else {
        return list_refused(&state, &who, "Choose the person to give a code to").await;
    };
    let principal = Principal::User(&who.ctx.actor);
    let code =
        state.app.issue_enrolment_code(principal, account.record.user.id).await.map_err(|e| PageError::App(e, rid))?;
    let name = account.record.user.name.clone();
    let mut p = page(&state, &who, account, None, RoleForm::default(), ValidationErrors::new()).await?;
    p.issued = Some(IssuedLink { name, url: code, code: true });
    Ok(render(StatusCode::OK, &p))
}
