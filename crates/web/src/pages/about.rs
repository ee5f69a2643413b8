//! The pages every footer links to: the accessibility statement, the privacy notice and the
//! cookies page. Open to anyone; a signed-in person keeps their navigation.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Chrome, render};
use crate::session::SignedIn;

fn chrome(who: Result<SignedIn, Response>) -> Chrome {
    match who {
        Ok(w) => Chrome::for_user(&w, ""),
        Err(_) => Chrome::anonymous(),
    }
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "cookies.html")]
struct CookiesPage {
    chrome: Chrome,
}

/// The accessibility statement.
pub async fn accessibility(who: Result<SignedIn, Response>) -> Response {
    render(StatusCode::OK, &AccessibilityPage { chrome: chrome(who) })
}

/// The privacy notice.
pub async fn privacy(who: Result<SignedIn, Response>) -> Response {
    render(StatusCode::OK, &PrivacyPage { chrome: chrome(who) })
}

/// The cookies page.
pub async fn cookies(who: Result<SignedIn, Response>) -> Response {
    render(StatusCode::OK, &CookiesPage { chrome: chrome(who) })
}
