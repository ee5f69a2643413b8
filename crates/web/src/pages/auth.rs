//! Sign in and sign out.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use resettle_app::{AppError, secrets};
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::{
    ClientIp, SignedIn, cookie, request_id, session_cookie_name, signin_csrf_cookie_name, tokens_match,
};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf: String,
    email: String,
    errors: ValidationErrors,
}

/// The sign-in form. A fresh CSRF token goes in a cookie and in the form (double submit):
/// there is no session yet to bind it to.
pub async fn sign_in_page(State(state): State<AppState>, jar: CookieJar) -> Response {
    let secure = state.config.secure_cookies;
    let csrf = secrets::random_token();
    let jar = jar.add(cookie(signin_csrf_cookie_name(secure), csrf.clone(), secure));
    let page = SignInPage { chrome: Chrome::anonymous(), csrf, email: String::new(), errors: ValidationErrors::new() };
    (jar, render(StatusCode::OK, &page)).into_response()
}

/// The submitted sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

/// Checks the credentials, opens a session and goes to the caseload.
pub async fn sign_in(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<SignInForm>,
) -> Response {
    let secure = state.config.secure_cookies;
    let expected = jar.get(signin_csrf_cookie_name(secure)).map(|c| c.value().to_string()).unwrap_or_default();
    if !tokens_match(&expected, &form.csrf_token) {
        return PageError::Csrf.into_response();
    }
    let again = |errors: ValidationErrors, jar: CookieJar| {
        let page = SignInPage {
            chrome: Chrome::anonymous().with_errors(true),
            csrf: expected.clone(),
            email: form.email.clone(),
            errors,
        };
        (jar, render(StatusCode::UNPROCESSABLE_ENTITY, &page)).into_response()
    };
    let mut errors = ValidationErrors::new();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return again(errors, jar);
    }
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    match state.app.sign_in_request(&form.email, &form.password, ip, ua, &request_id(&headers)).await {
        Ok((actor, session)) => {
            tracing::info!(user_id = %actor.user_id, "signed in");
            let jar = jar.remove(cookie(signin_csrf_cookie_name(secure), String::new(), secure)).add(cookie(
                session_cookie_name(secure),
                session.token,
                secure,
            ));
            (jar, Redirect::to("/")).into_response()
        }
        Err(AppError::BadCredentials) => {
            tracing::info!("sign-in refused");
            again(ValidationErrors::one("email", "Enter a correct email address and password"), jar)
        }
        Err(e @ AppError::Throttled { retry_after_secs }) => {
            tracing::warn!("sign-in throttled");
            let mut response = again(ValidationErrors::one("email", e.to_string()), jar);
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
        Err(e) => PageError::App(e, request_id(&headers)).into_response(),
    }
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Ends the session on the server and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    who: SignedIn,
    jar: CookieJar,
    Form(form): Form<SignOutForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    state.app.sign_out(&who.token).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let secure = state.config.secure_cookies;
    let jar = jar.remove(cookie(session_cookie_name(secure), String::new(), secure));
    Ok((jar, Redirect::to("/sign-in")).into_response())
}
