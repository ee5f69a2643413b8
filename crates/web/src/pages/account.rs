//! The signed-in person's own account: their sessions and their password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// A session as listed.
pub struct SessionLine {
    id: String,
    created_at: jiff::Timestamp,
    last_seen_at: jiff::Timestamp,
    ip: String,
    browser: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<SessionLine>,
    notice: Option<&'static str>,
}

/// Query string with a notice.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

/// A short description of a browser from its user agent.
fn browser(ua: Option<&str>) -> String {
    let ua = ua.unwrap_or("");
    let name = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|n| ua.contains(*n))
        .map(|n| match *n {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        })
        .unwrap_or("Unknown browser");
    let os =
        ["Windows", "Mac OS", "Android", "iPhone", "Linux"].iter().find(|o| ua.contains(*o)).copied().unwrap_or("");
    if os.is_empty() { name.to_string() } else { format!("{name} on {os}") }
}

/// The list of the person's sessions.
pub async fn sessions(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let list = state
        .app
        .my_sessions(who.ctx.actor.user_id, &who.token)
        .await
        .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let sessions = list
        .into_iter()
        .map(|(s, current)| SessionLine {
            id: s.id_hash,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip.unwrap_or_else(|| "Unknown address".into()),
            browser: browser(s.user_agent.as_deref()),
            current,
        })
        .collect();
    let notice = match q.notice.as_deref() {
        Some("ended") => Some("Session signed out"),
        Some("others") => Some("Signed out everywhere else"),
        Some("password") => Some("Password changed. You are signed out everywhere else."),
        _ => None,
    };
    Ok(render(StatusCode::OK, &SessionsPage { chrome: Chrome::for_user(&who, "sessions"), sessions, notice }))
}

/// The form ending one session.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    csrf_token: String,
    session: String,
}

/// Ends one of the person's other sessions.
pub async fn end_session(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    state
        .app
        .end_my_session(who.ctx.actor.user_id, &form.session)
        .await
        .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    Ok(Redirect::to("/account/sessions?notice=ended").into_response())
}

/// The form ending all other sessions.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

/// Signs the person out everywhere else.
pub async fn end_other_sessions(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    state
        .app
        .sign_out_elsewhere(who.ctx.actor.user_id, &who.token)
        .await
        .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    Ok(Redirect::to("/account/sessions?notice=others").into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: resettle_domain::validation::ValidationErrors,
}

/// The form changing one's password.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
}

/// The form to change one's own password.
pub async fn password_page(who: SignedIn) -> Response {
    let page = PasswordPage {
        chrome: Chrome::for_user(&who, "sessions"),
        errors: resettle_domain::validation::ValidationErrors::new(),
    };
    render(StatusCode::OK, &page)
}

/// Changes the person's own password, or shows the form again saying what to fix (never
/// with the passwords typed).
pub async fn change_password(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    match state.app.change_password(&who.ctx, &who.token, &form.current_password, &form.new_password).await {
        Ok(()) => Ok(Redirect::to("/account/sessions?notice=password").into_response()),
        Err(resettle_app::AppError::Invalid(errors)) => {
            let page = PasswordPage { chrome: Chrome::for_user(&who, "sessions").with_errors(true), errors };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
