//! Every failure mapped, in one place, to one status and words that say what to do. Internal
//! errors are logged with the request id and shown only as that reference.

use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use resettle_app::AppError;
use resettle_domain::validation::FieldError;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status's name.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong and what to fix.
    pub detail: String,
    /// Field-by-field problems, for invalid input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// On a conflict: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// The request's id, to quote when reporting a problem.
    pub request_id: String,
}

/// One field's problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field, as named in the request.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Builds a problem response.
pub fn problem(
    status: StatusCode,
    detail: String,
    errors: Vec<FieldError>,
    current_version: Option<i64>,
    request_id: String,
) -> Response {
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        errors: errors.into_iter().map(|e| ProblemField { field: e.field, message: e.message }).collect(),
        current_version,
        request_id,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    }
    response
}

/// An application error on an API request, with the request id.
#[derive(Debug)]
pub struct ApiError(pub AppError, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(error, rid) = self;
        match error {
            AppError::Invalid(e) => problem(StatusCode::UNPROCESSABLE_ENTITY, e.summary(), e.0, None, rid),
            AppError::NotFound => problem(StatusCode::NOT_FOUND, "No such record".into(), vec![], None, rid),
            AppError::Missing(why) => problem(StatusCode::NOT_FOUND, why.into(), vec![], None, rid),
            AppError::Forbidden(why) => problem(StatusCode::FORBIDDEN, capitalise(why), vec![], None, rid),
            AppError::Conflict { current_version } => problem(
                StatusCode::CONFLICT,
                format!(
                    "The record was changed by someone else: it is now at version {current_version}. \
                     Fetch it again, reapply your change and send the new version"
                ),
                vec![],
                Some(current_version),
                rid,
            ),
            AppError::Unauthenticated => problem(
                StatusCode::UNAUTHORIZED,
                "Send a valid API token as 'Authorization: Bearer <token>'".into(),
                vec![],
                None,
                rid,
            ),
            AppError::BadCredentials => {
                problem(StatusCode::UNAUTHORIZED, AppError::BadCredentials.to_string(), vec![], None, rid)
            }
            e @ AppError::Throttled { retry_after_secs } => {
                let mut r = problem(StatusCode::TOO_MANY_REQUESTS, e.to_string(), vec![], None, rid);
                if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            AppError::Internal(message) => {
                tracing::error!(request_id = %rid, error = %message, "internal error");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Something went wrong on our side. Quote reference {rid} if you report it"),
                    vec![],
                    None,
                    rid,
                )
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A failure on a page request.
#[derive(Debug)]
pub enum PageError {
    /// From the application, with the request id.
    App(AppError, String),
    /// The form's CSRF token was missing or wrong (usually an expired page).
    Csrf,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
    reference: Option<String>,
    chrome: crate::chrome::Chrome,
}

/// Renders the error page.
pub fn error_page(status: StatusCode, title: &'static str, message: String, reference: Option<String>) -> Response {
    let page = ErrorPage { title, message, reference, chrome: crate::chrome::Chrome::anonymous() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, title).into_response()
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "This page has expired",
                "The form was open too long or came from somewhere else. Go back, reload the page and try again."
                    .into(),
                None,
            ),
            PageError::App(e, rid) => match e {
                AppError::NotFound => error_page(
                    StatusCode::NOT_FOUND,
                    "Page not found",
                    "If you typed the web address, check it is correct. If you followed a link to a child's \
                     record, you may not be on the team around that child."
                        .into(),
                    None,
                ),
                AppError::Forbidden(why) => {
                    error_page(StatusCode::FORBIDDEN, "You cannot do this", capitalise(why), None)
                }
                AppError::Missing(why) => error_page(StatusCode::NOT_FOUND, "Not there yet", why.into(), None),
                AppError::Unauthenticated | AppError::BadCredentials => {
                    axum::response::Redirect::to("/sign-in").into_response()
                }
                e @ AppError::Throttled { retry_after_secs } => {
                    let mut r = error_page(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", e.to_string(), None);
                    if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                        r.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                    r
                }
                AppError::Invalid(errors) => {
                    error_page(StatusCode::UNPROCESSABLE_ENTITY, "There is a problem", errors.summary(), None)
                }
                AppError::Conflict { .. } => error_page(
                    StatusCode::CONFLICT,
                    "Someone else changed this record",
                    "Your change was not saved. Go back, reload the page to see the latest version and make your \
                     change again."
                        .into(),
                    None,
                ),
                AppError::Internal(message) => {
                    tracing::error!(request_id = %rid, error = %message, "internal error");
                    error_page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Sorry, there is a problem with the service",
                        "Try again later. Nothing you entered has been saved.".into(),
                        Some(rid),
                    )
                }
            },
        }
    }
}
