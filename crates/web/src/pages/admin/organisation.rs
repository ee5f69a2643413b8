//! One organisation, for administrators: renaming it, closing it and reopening it. A closed organisation is
//! no longer offered in forms; the records that name it keep it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::{AppError, Principal};
use resettle_domain::ids::OrgId;
use resettle_domain::org::Organisation;
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::pages::{Chrome, long_date, render};
use crate::session::SignedIn;

/// The rename and close forms.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OrganisationForm {
    csrf_token: String,
    /// The new name.
    name: String,
    /// The box confirming a closure.
    confirm: String,
}

/// Query string carrying what was just done.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganisationParams {
    notice: String,
}

#[derive(Template)]
#[template(path = "admin_organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    organisation: Organisation,
    /// The day it closed, in words.
    closed_on: Option<String>,
    /// The name, as typed.
    name: String,
    errors: ValidationErrors,
    notice: Option<&'static str>,
}

/// The organisation, through the policy: administrators only (403), a known one (404).
async fn load(state: &AppState, who: &SignedIn, raw: &str) -> Result<OrganisationPage, PageError> {
    let rid = who.ctx.request_id.clone();
    let principal = Principal::User(&who.ctx.actor);
    let id = raw.trim().parse::<OrgId>().ok();
    let (organisation, closed_at) =
        state.app.organisation_to_manage(principal, id).await.map_err(|e| PageError::App(e, rid))?;
    Ok(OrganisationPage {
        chrome: Chrome::for_user(who, "organisations"),
        name: organisation.name.clone(),
        organisation,
        closed_on: closed_at.map(long_date),
        errors: ValidationErrors::new(),
        notice: None,
    })
}

fn refused(mut page: OrganisationPage, errors: ValidationErrors, name: Option<String>) -> Response {
    page.chrome = page.chrome.with_errors(true);
    page.errors = errors;
    if let Some(name) = name {
        page.name = name;
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// One organisation's page.
pub async fn organisation_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrganisationParams>,
) -> Result<Response, PageError> {
    let mut page = load(&state, &who, &raw).await?;
    page.notice = match q.notice.as_str() {
        "renamed" => Some("The new name is saved"),
        "closed" => Some("The organisation is closed: forms no longer offer it"),
        "reopened" => Some("The organisation is open again: forms offer it"),
        _ => None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Renames the organisation.
pub async fn rename_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let page = load(&state, &who, &raw).await?;
    match state.app.rename_organisation(Principal::User(&who.ctx.actor), page.organisation.id, &form.name).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organisations/{raw}?notice=renamed")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(refused(page, errors, Some(form.name))),
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Closes the organisation, once confirmed.
pub async fn close_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let page = load(&state, &who, &raw).await?;
    let principal = Principal::User(&who.ctx.actor);
    match state.app.close_organisation(principal, page.organisation.id, form.confirm == "yes").await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organisations/{raw}?notice=closed")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(refused(page, errors, None)),
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Reopens a closed organisation.
pub async fn reopen_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let page = load(&state, &who, &raw).await?;
    match state.app.reopen_organisation(Principal::User(&who.ctx.actor), page.organisation.id).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organisations/{raw}?notice=reopened")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(refused(page, errors, None)),
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
