//! Subject access requests: the data protection officer's pages (find the child, record the
//! request, export the copy) and the health professional's review of the health content on
//! the child's health page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::AppError;
use resettle_app::subject_access::{HealthChoice, Officer};
use resettle_domain::child::Child;
use resettle_domain::ids::ChildId;
use resettle_domain::subject_access::{ReviewDecision, SarId, SubjectAccessRequest};
use resettle_domain::validation::{ValidationErrors, parse_day};
use serde::Deserialize;

use super::{Chrome, date_from_parts, long_date, long_time, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// Refuses anyone but a data protection officer, before anything is read.
fn officer(state: &AppState, who: &SignedIn) -> Result<(), PageError> {
    state.app.may_answer_subject_access(&who.ctx).map_err(|e| PageError::App(e, who.ctx.request_id.clone()))
}

fn not_found(who: &SignedIn) -> PageError {
    PageError::App(AppError::NotFound, who.ctx.request_id.clone())
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct ListPage {
    chrome: Chrome,
    errors: ValidationErrors,
    requests: Vec<(SubjectAccessRequest, Child)>,
    find: FindForm,
    found: Option<Vec<Child>>,
    start: StartForm,
}

impl ListPage {
    fn due(&self, r: &SubjectAccessRequest) -> String {
        long_date(r.due_on())
    }
    fn received(&self, r: &SubjectAccessRequest) -> String {
        long_date(r.received_on)
    }
    fn born(&self, c: &Child) -> String {
        long_date(c.details.date_of_birth)
    }
    fn status(&self, r: &SubjectAccessRequest) -> &'static str {
        match (&r.health_review, r.export_count) {
            (_, n) if n > 0 => "Exported",
            (None, _) => "Waiting for health review",
            (Some(_), _) => "Ready to export",
        }
    }
}

/// The "find the child" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FindForm {
    #[serde(default)]
    family_name: String,
    #[serde(default, rename = "born_on-day")]
    day: String,
    #[serde(default, rename = "born_on-month")]
    month: String,
    #[serde(default, rename = "born_on-year")]
    year: String,
    #[serde(default)]
    csrf_token: String,
}

/// The "record the request" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    child_id: String,
    #[serde(default)]
    reference: String,
    #[serde(default, rename = "received_on-day")]
    day: String,
    #[serde(default, rename = "received_on-month")]
    month: String,
    #[serde(default, rename = "received_on-year")]
    year: String,
    #[serde(default)]
    csrf_token: String,
}

async fn list_page(
    state: &AppState,
    who: &SignedIn,
    errors: ValidationErrors,
    find: FindForm,
    found: Option<Vec<Child>>,
    start: StartForm,
) -> Result<Response, PageError> {
    let requests =
        state.app.subject_access_requests(&who.ctx).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ListPage {
        chrome: Chrome::for_user(who, "subject-access").with_errors(!errors.is_empty()),
        errors,
        requests,
        find,
        found,
        start,
    };
    Ok(render(status, &page))
}

/// The officer's requests, and the form to find a child for a new one.
pub async fn requests_page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    officer(&state, &who)?;
    list_page(&state, &who, ValidationErrors::new(), FindForm::default(), None, StartForm::default()).await
}

/// A day from the three boxes, or the error against `field`.
fn day(field: &str, parts: (&str, &str, &str), missing: &str) -> Result<jiff::civil::Date, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    match date_from_parts(parts.0, parts.1, parts.2) {
        None => errors.add(field, missing),
        Some(s) => match parse_day(&s) {
            Ok(d) => return Ok(d),
            Err(_) => errors.add(field, "Enter a real date, with the day, month and year"),
        },
    }
    Err(errors)
}

/// Finds the children of the officer's services with that last name and date of birth.
pub async fn find(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<FindForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    officer(&state, &who)?;
    let born_on = match day("born_on", (&form.day, &form.month, &form.year), "Enter the child's date of birth") {
        Ok(d) => d,
        Err(mut errors) => {
            if form.family_name.trim().is_empty() {
                errors.add("family_name", "Enter the child's last name");
            }
            return list_page(&state, &who, errors, form, None, StartForm::default()).await;
        }
    };
    match state.app.subject_access_find(&who.ctx, &form.family_name, born_on).await {
        Ok(found) => list_page(&state, &who, ValidationErrors::new(), form, Some(found), StartForm::default()).await,
        Err(AppError::Invalid(errors)) => list_page(&state, &who, errors, form, None, StartForm::default()).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Records a request about the child chosen.
pub async fn start(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    officer(&state, &who)?;
    let Ok(child) = form.child_id.parse::<ChildId>() else {
        let errors = ValidationErrors::one("family_name", "Find the child the request is about first");
        return list_page(&state, &who, errors, FindForm::default(), None, StartForm::default()).await;
    };
    let again = |state: AppState, who: SignedIn, errors: ValidationErrors, form: StartForm| async move {
        // Show the child chosen again, with the mistake against its field.
        let found = match state.app.subject_access_request_child(Officer::Session(&who.ctx), child).await {
            Ok(c) => Some(vec![c]),
            Err(_) => None,
        };
        list_page(&state, &who, errors, FindForm::default(), found, form).await
    };
    let received_on =
        match day("received_on", (&form.day, &form.month, &form.year), "Enter the day the request was received") {
            Ok(d) => d,
            Err(errors) => return again(state, who, errors, form).await,
        };
    match state.app.start_subject_access(Officer::Session(&who.ctx), child, &form.reference, received_on).await {
        Ok(r) => Ok(Redirect::to(&format!("/subject-access/{}?started=1", r.id)).into_response()),
        Err(AppError::Invalid(errors)) => again(state, who, errors, form).await,
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "subject_access_request.html")]
struct RequestPage {
    chrome: Chrome,
    errors: ValidationErrors,
    request: SubjectAccessRequest,
    child: Child,
    has_health: bool,
    started: bool,
}

impl RequestPage {
    fn received(&self) -> String {
        long_date(self.request.received_on)
    }
    fn due(&self) -> String {
        long_date(self.request.due_on())
    }
    fn born(&self) -> String {
        long_date(self.child.details.date_of_birth)
    }
    fn reviewed(&self) -> String {
        self.request.health_review.as_ref().map(|r| long_time(r.reviewed_at)).unwrap_or_default()
    }
    fn exported(&self) -> String {
        self.request.last_exported_at.map(long_time).unwrap_or_default()
    }
}

fn sar_id(who: &SignedIn, raw: &str) -> Result<SarId, PageError> {
    raw.parse().map_err(|_| not_found(who))
}

/// One request: its child, the health review, and the export.
pub async fn request_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    officer(&state, &who)?;
    let id = sar_id(&who, &id)?;
    request_view(&state, &who, id, ValidationErrors::new(), q.contains_key("started")).await
}

async fn request_view(
    state: &AppState,
    who: &SignedIn,
    id: SarId,
    errors: ValidationErrors,
    started: bool,
) -> Result<Response, PageError> {
    let (request, child, has_health) = state
        .app
        .subject_access_request(Officer::Session(&who.ctx), id)
        .await
        .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RequestPage {
        chrome: Chrome::for_user(who, "subject-access").with_errors(!errors.is_empty()),
        errors,
        request,
        child,
        has_health,
        started,
    };
    Ok(render(status, &page))
}

/// The export button's form.
#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    health: String,
    #[serde(default)]
    csrf_token: String,
}

/// The copy, as a zip to download.
pub async fn export(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ExportForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    officer(&state, &who)?;
    let id = sar_id(&who, &id)?;
    let choice = if form.health == "leave-out" { HealthChoice::LeaveOut } else { HealthChoice::AsReviewed };
    let export = match state.app.subject_access_export(Officer::Session(&who.ctx), id, choice).await {
        Ok(e) => e,
        Err(AppError::Invalid(errors)) => return request_view(&state, &who, id, errors, false).await,
        Err(e) => return Err(PageError::App(e, who.ctx.request_id.clone())),
    };
    let bytes = crate::sar_export::zip(&export)
        .map_err(|e| PageError::App(AppError::Internal(e), who.ctx.request_id.clone()))?;
    let name = format!("subject-access-{}.zip", safe_file_name(&export.request.reference));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A reference as part of a file name: letters, digits and hyphens.
pub fn safe_file_name(reference: &str) -> String {
    reference.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

/// The health review form on the child's health page.
#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    csrf_token: String,
}

/// Records the health professional's review of a request's health content.
pub async fn review(
    State(state): State<AppState>,
    who: SignedIn,
    Path((child, id)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let child: ChildId = child.parse().map_err(|_| not_found(&who))?;
    let id = id.parse::<SarId>().ok();
    match state.app.review_subject_access(&who.ctx, child, id, ReviewDecision::parse(&form.decision), &form.note).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{child}/health?reviewed=1#subject-access")).into_response()),
        Err(AppError::Invalid(errors)) => {
            super::health::page_with_review_errors(&state, &who, child, errors, &form.note).await
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
