//! Pages for people: server-rendered HTML on the GOV.UK Design System, working without
//! JavaScript. Every form carries a CSRF token bound to the session.

mod account;
mod admin;
mod auth;
mod children;
mod custody;
mod plan;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::Date;
use resettle_domain::org::Role;

use crate::AppState;
use crate::error::{PageError, error_page};
use crate::session::SignedIn;

/// The page routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/caseload", get(children::caseload))
        .route("/children/new", get(children::new_child_page).post(children::new_child))
        .route("/children/{id}", get(children::child_page))
        .route("/children/{id}/audit.csv", get(children::audit_csv))
        .route("/children/{id}/edit", get(children::edit_child_page).post(children::edit_child))
        .route("/children/{id}/team/new", get(children::team_page))
        .route("/children/{id}/team", post(children::add_team_member))
        .route("/children/{id}/carers/new", get(children::carer_page))
        .route("/children/{id}/carers", post(children::add_carer))
        .route("/children/{id}/sentences/new", get(custody::sentence_page).post(custody::record_sentence))
        .route("/children/{id}/remands/new", get(custody::remand_page).post(custody::record_remand))
        .route("/children/{id}/custody/transfer", get(custody::transfer_page).post(custody::record_transfer))
        .route("/children/{id}/custody/release", get(custody::release_page).post(custody::record_release))
        .route("/sentences/{id}/recalculate", get(custody::recalculate_page).post(custody::recalculate))
        .route("/children/{id}/plan", get(plan::plan_page))
        .route("/children/{id}/my-plan", get(plan::my_plan_page))
        .route("/children/{id}/plan/views", get(plan::views_page).post(plan::save_views))
        .route("/children/{id}/plan/needs/new", get(plan::need_new_page).post(plan::add_need))
        .route("/needs/{id}", get(plan::need_view_page).post(plan::update_need))
        .route("/children/{id}/meetings/new", get(plan::meeting_new_page).post(plan::add_meeting))
        .route("/meetings/{id}", get(plan::meeting_page))
        .route("/meetings/{id}/invite.ics", get(plan::meeting_invite))
        .route("/meetings/{id}/schedule", get(plan::schedule_page).post(plan::save_schedule))
        .route("/meetings/{id}/record", get(plan::record_meeting_page).post(plan::record_meeting))
        .route("/meetings/{id}/cancel", get(plan::cancel_page).post(plan::cancel_meeting))
        .route("/meetings/attention", get(plan::attention_page))
        .route("/children/{id}/actions/new", get(plan::action_new_page).post(plan::add_action))
        .route("/actions/{id}", get(plan::action_page).post(plan::update_action))
        .route("/actions", get(plan::my_actions_page))
        .route("/admin/bank-holidays", get(admin::bank_holidays).post(admin::add_bank_holiday))
        .route("/account/sessions", get(account::sessions))
        .route("/account/sessions/end", post(account::end_session))
        .route("/account/sessions/end-others", post(account::end_other_sessions))
        .route("/admin/organisations", get(admin::organisations).post(admin::add_organisation))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .with_state(state)
}

/// What the layout needs on every page.
#[derive(Clone, Debug)]
pub struct Chrome {
    /// The signed-in person's name.
    pub user_name: Option<String>,
    /// The session's CSRF token, for the sign-out form and the page's own forms.
    pub csrf: String,
    /// Which navigation item is current.
    pub nav: &'static str,
    /// Shows the administration links.
    pub is_admin: bool,
    /// Shows the caseload link.
    pub works_with_children: bool,
    /// Shows "Add a child".
    pub can_add_child: bool,
    /// Shows the managers' lists.
    pub is_manager: bool,
    /// Prefixes the title with "Error:".
    pub has_errors: bool,
    /// The inline body-class script (allowed by its hash in the CSP).
    pub body_script: &'static str,
}

impl Chrome {
    /// For pages shown to someone not signed in.
    pub fn anonymous() -> Self {
        Self {
            user_name: None,
            csrf: String::new(),
            nav: "",
            is_admin: false,
            works_with_children: false,
            can_add_child: false,
            is_manager: false,
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
        }
    }

    /// For a signed-in person.
    pub fn for_user(who: &SignedIn, nav: &'static str) -> Self {
        let a = &who.ctx.actor;
        Self {
            user_name: Some(a.name.clone()),
            csrf: who.csrf.clone(),
            nav,
            is_admin: a.has_role(Role::Admin),
            works_with_children: a.memberships.iter().any(|m| m.role.works_with_children()),
            can_add_child: a.has_role(Role::YjsCaseManager) || a.has_role(Role::YjsManager),
            is_manager: a.has_role(Role::YjsManager),
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
        }
    }

    /// The same, marking the page as showing errors.
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }
}

/// Renders a template with a status; a template failure becomes the error page.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later.".into(),
                None,
            )
        }
    }
}

/// A value a template can show as a date or time, however many references deep askama
/// hands it over.
pub trait Temporal {
    /// The date.
    fn date(&self) -> Date;
    /// The instant (midnight UTC for a date).
    fn timestamp(&self) -> Timestamp;
}

impl Temporal for Date {
    fn date(&self) -> Date {
        *self
    }
    fn timestamp(&self) -> Timestamp {
        self.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

impl Temporal for Timestamp {
    fn date(&self) -> Date {
        self.to_zoned(london()).date()
    }
    fn timestamp(&self) -> Timestamp {
        *self
    }
}

impl<T: Temporal + ?Sized> Temporal for &T {
    fn date(&self) -> Date {
        (**self).date()
    }
    fn timestamp(&self) -> Timestamp {
        (**self).timestamp()
    }
}

fn london() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// `27 March 2010`.
pub fn long_date(d: impl Temporal) -> String {
    d.date().strftime("%-d %B %Y").to_string()
}

/// `27 March 2026 at 14:05` in UK time.
pub fn long_time(t: impl Temporal) -> String {
    t.timestamp().to_zoned(london()).strftime("%-d %B %Y at %H:%M").to_string()
}

/// Words for an audited resource.
pub fn resource_label(resource: impl AsRef<str>) -> &'static str {
    match resource.as_ref() {
        "child" => "personal details",
        "child.record" => "the whole record",
        "child.team" => "the team around the child",
        "child.carers" => "parents and carers",
        "child.audit" => "who has viewed the record",
        "key_dates" => "key dates",
        "sentence" => "the sentence",
        "remand" => "the remand",
        "custody" => "custody",
        "plan" => "the resettlement plan",
        "plan.need" => "a support need",
        "plan.meeting" | "plan.meetings" => "meetings",
        "plan.action" => "an action",
        _ => "the record",
    }
}

/// Whether two strings are equal, whatever mix of `String` and `&str` a template holds.
pub fn same(a: impl AsRef<str>, b: impl AsRef<str>) -> bool {
    a.as_ref() == b.as_ref()
}

/// Joins the three boxes of a GOV.UK date input into `YYYY-MM-DD` for the domain to check.
/// All blank gives `None`; anything not a number gives a string the domain refuses.
pub fn date_from_parts(day: &str, month: &str, year: &str) -> Option<String> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return None;
    }
    match (d.parse::<u8>(), m.parse::<u8>(), y.parse::<u16>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1000 => Some(format!("{y:04}-{m:02}-{d:02}")),
        _ => Some(format!("{y}-{m}-{d} (not a date)")),
    }
}

/// Splits a date back into the three boxes.
pub fn date_parts(d: Option<Date>) -> (String, String, String) {
    match d {
        Some(d) => (d.day().to_string(), d.month().to_string(), d.year().to_string()),
        None => (String::new(), String::new(), String::new()),
    }
}

async fn index(who: Result<SignedIn, Response>) -> Response {
    match who {
        Ok(w) if w.ctx.actor.memberships.iter().any(|m| m.role.works_with_children()) => {
            Redirect::to("/caseload").into_response()
        }
        Ok(w) if w.ctx.actor.has_role(Role::Admin) => Redirect::to("/admin/users").into_response(),
        Ok(_) => Redirect::to("/caseload").into_response(),
        Err(_) => Redirect::to("/sign-in").into_response(),
    }
}

/// The 404 page for any unknown path.
pub async fn not_found() -> Response {
    PageError::App(resettle_app::AppError::NotFound, String::new()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_boxes_join_and_split() {
        assert_eq!(date_from_parts("7", "3", "2010").as_deref(), Some("2010-03-07"));
        assert_eq!(date_from_parts(" ", "", ""), None);
        assert!(date_from_parts("x", "3", "2010").is_some_and(|s| s.parse::<Date>().is_err()));
        assert_eq!(date_parts(Some(jiff::civil::date(2010, 3, 7))), ("7".into(), "3".into(), "2010".into()));
    }
}
