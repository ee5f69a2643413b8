//! Access beyond the team: finding a child outside it and opening their record in an
//! emergency (break-glass), the report of emergency accesses, and the strategic lead's figures.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::AppError;
use resettle_app::access::{Figures, Found};
use resettle_app::storage::BreakGlassLine;
use resettle_domain::ids::ChildId;
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::child_id;
use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "find_child.html")]
struct FindChildPage {
    chrome: Chrome,
    errors: ValidationErrors,
    nhs_number: String,
    pnc_id: String,
    found: Option<Found>,
}

/// "Find a child by NHS number or PNC id", for YJS managers.
pub async fn find_child_page(who: SignedIn) -> Result<Response, PageError> {
    // Ask the policy before showing the form: others get the same refusal as from the search.
    if let resettle_domain::policy::Decision::Deny(why) =
        resettle_domain::policy::decide(&who.ctx.actor, resettle_domain::policy::Action::FindChildForBreakGlass, None)
    {
        return Err(PageError::App(AppError::Forbidden(why), who.ctx.request_id.clone()));
    }
    let page = FindChildPage {
        chrome: Chrome::for_user(&who, "find-child"),
        errors: ValidationErrors::new(),
        nhs_number: String::new(),
        pnc_id: String::new(),
        found: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The search form (posted, so that identifiers never appear in a URL).
#[derive(Deserialize)]
pub struct FindChildForm {
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    pnc_id: String,
    #[serde(default)]
    csrf_token: String,
}

/// Says whether a record exists, and offers emergency access when it is outside the team.
pub async fn find_child(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<FindChildForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let (found, errors, status) =
        match state.app.find_child_for_break_glass(&who.ctx, &form.nhs_number, &form.pnc_id).await {
            Ok(found) => (Some(found), ValidationErrors::new(), StatusCode::OK),
            Err(AppError::Invalid(errors)) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
            Err(e) => return Err(PageError::App(e, who.ctx.request_id.clone())),
        };
    let page = FindChildPage {
        chrome: Chrome::for_user(&who, "find-child").with_errors(!errors.is_empty()),
        errors,
        nhs_number: form.nhs_number,
        pnc_id: form.pnc_id,
        found,
    };
    Ok(render(status, &page))
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    chrome: Chrome,
    errors: ValidationErrors,
    child_id: ChildId,
    reason: String,
    hours: i64,
}

/// The emergency access form: a reason, and a warning of what will be recorded. Shows no
/// detail of the child.
pub async fn break_glass_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    match state.app.may_break_glass(&who.ctx, id).await {
        Ok(()) => {}
        // Already on the team: no emergency, open the record.
        Err(AppError::Invalid(_)) => return Ok(Redirect::to(&format!("/children/{id}")).into_response()),
        Err(e) => return Err(PageError::App(e, who.ctx.request_id.clone())),
    }
    let page = BreakGlassPage {
        chrome: Chrome::for_user(&who, "find-child"),
        errors: ValidationErrors::new(),
        child_id: id,
        reason: String::new(),
        hours: state.app.config().break_glass.as_hours(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The emergency access form posted.
#[derive(Deserialize)]
pub struct BreakGlassForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf_token: String,
}

/// Grants emergency access and opens the record.
pub async fn break_glass(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<BreakGlassForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    match state.app.break_glass(&who.ctx, id, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=emergency")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = BreakGlassPage {
                chrome: Chrome::for_user(&who, "find-child").with_errors(true),
                errors,
                child_id: id,
                reason: form.reason,
                hours: state.app.config().break_glass.as_hours(),
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "emergency_access.html")]
struct ReportPage {
    chrome: Chrome,
    lines: Vec<BreakGlassLine>,
}

/// Emergency accesses to the children of the viewer's youth justice service.
pub async fn break_glass_report(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    let lines =
        state.app.break_glass_report(&who.ctx).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    Ok(render(StatusCode::OK, &ReportPage { chrome: Chrome::for_user(&who, "break-glass"), lines }))
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    chrome: Chrome,
    figures: Figures,
}

impl FiguresPage {
    /// The cohort report of the children released in the two years before today, whose
    /// trends by quarter of release show how outcomes are moving.
    fn outcomes_link(&self) -> String {
        use jiff::ToSpan;
        let today = self.figures.today;
        let from = today.checked_sub(2.years()).unwrap_or(today);
        let to = today.yesterday().unwrap_or(today);
        format!("/reports/cohort?released_from={from}&released_to={to}#cohort")
    }
}

/// Counts by organisation for strategic leads: no names, no identifiers.
pub async fn figures(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    let figures = state.app.figures(&who.ctx).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    Ok(render(StatusCode::OK, &FiguresPage { chrome: Chrome::for_user(&who, "figures"), figures }))
}
