//! Who is calling: a signed-in browser session (cookie) for pages, a bearer token for the API.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use resettle_app::storage::PendingStep;
use resettle_app::{AppError, Ctx};
use resettle_domain::policy::Credential;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, PageError};

/// The session cookie's name: `__Host-` prefixed when cookies are `Secure`, which binds it to
/// this host and path `/`. Browsers refuse `__Host-` cookies without `Secure`, so plain-HTTP
/// development uses the bare name.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-resettle_session" } else { "resettle_session" }
}

/// The cookie holding the sign-in form's CSRF token (before there is a session).
pub fn signin_csrf_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-resettle_csrf" } else { "resettle_csrf" }
}

/// A cookie with the attributes every Resettle cookie has.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(secure);
    c
}

/// The request id set by the request-id layer.
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get(&crate::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_string()
}

fn client_ip(parts: &Parts) -> Option<String> {
    crate::client::ip_of(parts)
}

/// Whether this request's cookies are `Secure` with the `__Host-` prefix (see
/// [`crate::client::is_secure`]).
pub struct Secure(pub bool);

impl FromRequestParts<AppState> for Secure {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Secure(crate::client::is_secure(state.config.secure_cookies, parts.extensions.get())))
    }
}

/// Compares two tokens in constant time.
pub fn tokens_match(a: &str, b: &str) -> bool {
    if a.is_empty() {
        return false;
    }
    let plain = a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()));
    let masked = unmask_token(b).is_some_and(|t| t.len() == a.len() && bool::from(t.as_slice().ct_eq(a.as_bytes())));
    plain || masked
}

/// A token as a page carries it: a fresh random pad, then the token XORed with the pad, both
/// in hex. The same secret never appears twice in the pages a session is sent, so compressing
/// them cannot reveal it byte by byte (the BREACH attack); [`tokens_match`] takes it back.
pub fn mask_token(token: &str) -> String {
    use rand::RngCore;
    let bytes = token.as_bytes();
    let mut pad = vec![0u8; bytes.len()];
    rand::rng().fill_bytes(&mut pad);
    let masked: Vec<u8> = bytes.iter().zip(&pad).map(|(t, p)| t ^ p).collect();
    format!("{}{}", hex::encode(&pad), hex::encode(masked))
}

/// The token inside a [`mask_token`] value.
fn unmask_token(masked: &str) -> Option<Vec<u8>> {
    let bytes = hex::decode(masked).ok()?;
    if bytes.is_empty() || bytes.len() % 2 != 0 {
        return None;
    }
    let (pad, token) = bytes.split_at(bytes.len() / 2);
    Some(token.iter().zip(pad).map(|(t, p)| t ^ p).collect())
}

/// A signed-in person on a page request. Without a valid session, pages redirect to
/// `/sign-in`.
pub struct SignedIn {
    /// Who, on which request.
    pub ctx: Ctx,
    /// The token forms must carry.
    pub csrf: String,
    /// The session cookie's value (to end it on sign-out).
    pub token: String,
}

impl SignedIn {
    /// Checks a submitted form's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        if tokens_match(&self.csrf, submitted) { Ok(()) } else { Err(PageError::Csrf) }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let half = HalfSignedIn::from_request_parts(parts, state).await?;
        // A half-signed-in session may do nothing but finish signing in.
        match half.pending {
            None => Ok(SignedIn { ctx: half.ctx, csrf: half.csrf, token: half.token }),
            Some(step) => Err(Redirect::to(step_path(step)).into_response()),
        }
    }
}

/// Where a half-signed-in session finishes signing in.
pub fn step_path(step: PendingStep) -> &'static str {
    match step {
        PendingStep::TotpCode => "/sign-in/code",
        PendingStep::TotpEnrolment => "/account/authenticator",
    }
}

/// Any valid session, including one still half signed in (its password was right but its
/// second factor is still to come): only the pages that finish signing in take this.
pub struct HalfSignedIn {
    /// Who, on which request.
    pub ctx: Ctx,
    /// The token forms must carry.
    pub csrf: String,
    /// The session cookie's value.
    pub token: String,
    /// The step still to do, if any.
    pub pending: Option<PendingStep>,
}

impl HalfSignedIn {
    /// Checks a submitted form's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        if tokens_match(&self.csrf, submitted) { Ok(()) } else { Err(PageError::Csrf) }
    }
}

impl FromRequestParts<AppState> for HalfSignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let name = session_cookie_name(crate::client::is_secure(state.config.secure_cookies, parts.extensions.get()));
        let Some(token) = jar.get(name).map(|c| c.value().to_string()) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        match state.app.session_actor(&token).await {
            Ok(Some((actor, session))) => Ok(HalfSignedIn {
                ctx: Ctx {
                    actor,
                    request_id: request_id(&parts.headers),
                    ip: client_ip(parts),
                    credential: Credential::Session,
                },
                csrf: session.csrf_token,
                token,
                pending: session.pending,
            }),
            Ok(None) => Err(Redirect::to("/sign-in").into_response()),
            Err(e) => Err(PageError::App(e, request_id(&parts.headers)).into_response()),
        }
    }
}

/// A caller of the JSON API, identified by `Authorization: Bearer <token>`.
pub struct ApiCaller(pub Ctx);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let rid = request_id(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // The scheme is case-insensitive (RFC 9110 §11.1).
            .and_then(|v| v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")))
            .map(|(_, token)| token.trim());
        let Some(token) = token else {
            return Err(ApiError(AppError::Unauthenticated, rid));
        };
        match state.app.token_actor(token).await {
            Ok(Some(actor)) => {
                Ok(ApiCaller(Ctx { actor, request_id: rid, ip: client_ip(parts), credential: Credential::BearerToken }))
            }
            Ok(None) => Err(ApiError(AppError::Unauthenticated, rid)),
            Err(e) => Err(ApiError(e, rid)),
        }
    }
}

/// The client's address, when the server was started with connection info.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::{mask_token, tokens_match};

    #[test]
    fn a_masked_token_differs_each_time_and_still_matches() {
        let secret = "c0ffee00c0ffee00c0ffee00c0ffee00";
        let (a, b) = (mask_token(secret), mask_token(secret));
        assert_ne!(a, b);
        assert!(!a.contains(secret));
        assert!(tokens_match(secret, &a) && tokens_match(secret, &b) && tokens_match(secret, secret));
        assert!(!tokens_match(secret, &mask_token("c0ffee00c0ffee00c0ffee00c0ffee01")));
        assert!(!tokens_match("", &mask_token("")), "an empty secret matches nothing");
        assert!(!tokens_match(secret, "zz"));
    }
}
