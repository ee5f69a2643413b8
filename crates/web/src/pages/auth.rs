//! Sign in and sign out.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use resettle_app::totp::StepRequest;
use resettle_app::{AppError, secrets};
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::{
    ClientIp, HalfSignedIn, Secure, cookie, request_id, session_cookie_name, signin_csrf_cookie_name, step_path,
    tokens_match,
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
pub async fn sign_in_page(Secure(secure): Secure, jar: CookieJar) -> Response {
    let csrf = secrets::random_token();
    let jar = jar.add(cookie(signin_csrf_cookie_name(secure), csrf.clone(), secure));
    let page = SignInPage {
        chrome: Chrome::anonymous(),
        csrf: crate::session::mask_token(&csrf),
        email: String::new(),
        errors: ValidationErrors::new(),
    };
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
    Secure(secure): Secure,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = jar.get(signin_csrf_cookie_name(secure)).map(|c| c.value().to_string()).unwrap_or_default();
    if !tokens_match(&expected, &form.csrf_token) {
        return PageError::Csrf.into_response();
    }
    let again = |errors: ValidationErrors, jar: CookieJar| {
        let page = SignInPage {
            chrome: Chrome::anonymous().with_errors(true),
            csrf: crate::session::mask_token(&expected),
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
            tracing::info!(user_id = %actor.user_id, pending = ?session.record.pending, "password accepted");
            let next = session.record.pending.map_or("/", step_path);
            let jar = jar.remove(cookie(signin_csrf_cookie_name(secure), String::new(), secure)).add(cookie(
                session_cookie_name(secure),
                session.token,
                secure,
            ));
            (jar, Redirect::to(next)).into_response()
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

/// Ends the session on the server and clears the cookie. A half-signed-in session may sign
/// out too (giving up on the second step).
pub async fn sign_out(
    State(state): State<AppState>,
    who: HalfSignedIn,
    Secure(secure): Secure,
    jar: CookieJar,
    Form(form): Form<SignOutForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    state.app.sign_out(&who.token).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let jar = jar.remove(cookie(session_cookie_name(secure), String::new(), secure));
    Ok((jar, Redirect::to("/sign-in")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The second factor

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    chrome: Chrome,
    errors: ValidationErrors,
}

#[derive(Template)]
#[template(path = "authenticator.html")]
struct AuthenticatorPage {
    chrome: Chrome,
    errors: ValidationErrors,
    secret: String,
    uri: String,
    qr_svg: Option<String>,
}

/// A half-signed-in person's chrome: no navigation (there is nowhere else to go yet), but the
/// form token.
fn step_chrome(who: &HalfSignedIn) -> Chrome {
    Chrome { csrf: crate::session::mask_token(&who.csrf), ..Chrome::anonymous() }
}

/// The code form posted.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    /// On the authenticator set-up form: the code an administrator issued.
    #[serde(default)]
    enrolment_code: String,
    #[serde(default)]
    csrf_token: String,
}

/// Asks for the code from the authenticator app, after a correct password.
pub async fn code_page(who: HalfSignedIn) -> Response {
    match who.pending {
        Some(resettle_app::storage::PendingStep::TotpCode) => {
            render(StatusCode::OK, &CodePage { chrome: step_chrome(&who), errors: ValidationErrors::new() })
        }
        Some(other) => Redirect::to(step_path(other)).into_response(),
        None => Redirect::to("/").into_response(),
    }
}

/// A finished second step: the session continues under a new token (a new session id when
/// the privilege changes).
fn signed_in(secure: bool, jar: CookieJar, new_token: String) -> Response {
    let jar = jar.add(cookie(session_cookie_name(secure), new_token, secure));
    (jar, Redirect::to("/")).into_response()
}

/// A refused code: the form again with the error, or 429 with `Retry-After` when throttled.
fn refused(who: &HalfSignedIn, e: AppError, page: impl Fn(ValidationErrors) -> Response) -> Response {
    match e {
        AppError::Invalid(errors) => {
            let mut r = page(errors);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        AppError::Throttled { retry_after_secs } => {
            let message = format!("Too many wrong codes. Wait {} minutes and try again.", (retry_after_secs + 59) / 60);
            let mut r = page(ValidationErrors::one("code", message));
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        other => PageError::App(other, who.ctx.request_id.clone()).into_response(),
    }
}

/// Checks the code; on success the session is fully signed in.
pub async fn check_code(
    State(state): State<AppState>,
    Secure(secure): Secure,
    who: HalfSignedIn,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    if who.pending != Some(resettle_app::storage::PendingStep::TotpCode) {
        return Ok(Redirect::to(who.pending.map_or("/", step_path)).into_response());
    }
    let req = StepRequest {
        user: who.ctx.actor.user_id,
        session_token: &who.token,
        ip: who.ctx.ip.as_deref(),
        request_id: &who.ctx.request_id,
    };
    Ok(match state.app.verify_totp(&req, &form.code).await {
        Ok(token) => signed_in(secure, jar, token),
        Err(e) => refused(&who, e, |errors| {
            render(StatusCode::OK, &CodePage { chrome: step_chrome(&who).with_errors(true), errors })
        }),
    })
}

/// The QR code of an `otpauth://` URI, as inline SVG (no script, no image request).
fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#0b0c0c"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// Setting up an authenticator app: required before anything else for administrators and YJS
/// managers who have none; open to anyone signed in who wants one.
pub async fn authenticator_page(State(state): State<AppState>, who: HalfSignedIn) -> Result<Response, PageError> {
    if who.pending == Some(resettle_app::storage::PendingStep::TotpCode) {
        return Ok(Redirect::to("/sign-in/code").into_response());
    }
    authenticator_form(&state, &who, ValidationErrors::new(), StatusCode::OK).await
}

async fn authenticator_form(
    state: &AppState,
    who: &HalfSignedIn,
    errors: ValidationErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let enrolment = match state.app.begin_totp_enrolment(who.ctx.actor.user_id).await {
        Ok(e) => e,
        // Already set up: nothing to do here.
        Err(AppError::Invalid(_)) => return Ok(Redirect::to("/account/sessions").into_response()),
        Err(e) => return Err(PageError::App(e, who.ctx.request_id.clone())),
    };
    let chrome = match who.pending {
        None => Chrome::for_ctx(&who.ctx, &who.csrf, "sessions"),
        Some(_) => step_chrome(who),
    };
    let page = AuthenticatorPage {
        chrome: chrome.with_errors(!errors.is_empty()),
        errors,
        qr_svg: qr_svg(&enrolment.uri),
        secret: enrolment.secret,
        uri: enrolment.uri,
    };
    Ok(render(status, &page))
}

/// Confirms the authenticator with a code from it.
pub async fn confirm_authenticator(
    State(state): State<AppState>,
    Secure(secure): Secure,
    who: HalfSignedIn,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    if who.pending == Some(resettle_app::storage::PendingStep::TotpCode) {
        return Ok(Redirect::to("/sign-in/code").into_response());
    }
    let req = StepRequest {
        user: who.ctx.actor.user_id,
        session_token: &who.token,
        ip: who.ctx.ip.as_deref(),
        request_id: &who.ctx.request_id,
    };
    match state.app.confirm_totp_enrolment(&req, &form.code, &form.enrolment_code).await {
        Ok(token) => Ok(signed_in(secure, jar, token)),
        Err(AppError::Invalid(errors)) => {
            authenticator_form(&state, &who, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => {
            let page = |errors: ValidationErrors| {
                render(StatusCode::OK, &CodePage { chrome: step_chrome(&who).with_errors(true), errors })
            };
            Ok(refused(&who, e, page))
        }
    }
}

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    chrome: Chrome,
    secret: String,
    valid: bool,
    errors: ValidationErrors,
}

/// The form behind a one-time set-password link.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetPasswordForm {
    password: String,
}

/// The page a one-time set-password link opens: the form, or why the link no longer works.
pub async fn set_password_page(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    let valid = state.app.password_link_valid(&secret).await.unwrap_or(false);
    let page = SetPasswordPage { chrome: Chrome::anonymous(), secret, valid, errors: ValidationErrors::new() };
    render(if valid { StatusCode::OK } else { StatusCode::GONE }, &page)
}

/// Sets the password with a one-time link, then goes to sign in.
pub async fn set_password(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    ClientIp(ip): ClientIp,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, PageError> {
    match state.app.set_password_with_link(&secret, &form.password, ip.as_deref()).await {
        Ok(()) => Ok(Redirect::to("/sign-in").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = SetPasswordPage { chrome: Chrome::anonymous().with_errors(true), secret, valid: true, errors };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::NotFound) => {
            let page =
                SetPasswordPage { chrome: Chrome::anonymous(), secret, valid: false, errors: ValidationErrors::new() };
            Ok(render(StatusCode::GONE, &page))
        }
        Err(e) => Err(PageError::App(e, "-".into())),
    }
}
