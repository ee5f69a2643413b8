//! Organisations and users, for administrators.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::admin::NewUserInput;
use resettle_app::{AppError, Principal};
use resettle_domain::org::{OrgKind, Role};
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::{Secure, SignedIn};

mod organisation;
mod user;

pub use organisation::{close_organisation, organisation_page, rename_organisation, reopen_organisation};
pub use user::{
    add_role, deactivate, enrolment_code, password_link, reactivate, remove_role, update_details, user_page,
};

/// Query string carrying a notice after a redirect.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

/// The add-organisation form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OrgForm {
    csrf_token: String,
    code: String,
    name: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrgsPage {
    chrome: Chrome,
    /// Each organisation, with the day it closed if it has.
    organisations: Vec<(resettle_domain::org::Organisation, Option<String>)>,
    form: OrgForm,
    errors: ValidationErrors,
    kind_options: Vec<(String, String)>,
    notice: Option<&'static str>,
}

async fn orgs_page(
    state: &AppState,
    who: &SignedIn,
    form: OrgForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<OrgsPage, PageError> {
    if !who.ctx.actor.has_role(Role::Admin) {
        return Err(PageError::App(
            AppError::Forbidden("only administrators manage organisations and users"),
            who.ctx.request_id.clone(),
        ));
    }
    let rid = who.ctx.request_id.clone();
    let closed = state.app.closed_organisations().await.map_err(|e| PageError::App(e, rid.clone()))?;
    let organisations = state
        .app
        .organisations()
        .await
        .map_err(|e| PageError::App(e, rid))?
        .into_iter()
        .map(|o| {
            let closed_on = closed.get(&o.id).map(super::long_date);
            (o, closed_on)
        })
        .collect();
    let mut kind_options = vec![(String::new(), "Choose a kind".to_string())];
    kind_options.extend(OrgKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())));
    Ok(OrgsPage {
        chrome: Chrome::for_user(who, "organisations").with_errors(!errors.is_empty()),
        organisations,
        form,
        errors,
        kind_options,
        notice,
    })
}

/// The organisations list and add form.
pub async fn organisations(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("Organisation added");
    let page = orgs_page(&state, &who, OrgForm::default(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds an organisation.
pub async fn add_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<OrgForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    match state.app.create_organisation(Principal::User(&who.ctx.actor), &form.code, &form.name, &form.kind).await {
        Ok(_) => Ok(Redirect::to("/admin/organisations?notice=added").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = orgs_page(&state, &who, form, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The add-user form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    csrf_token: String,
    email: String,
    name: String,
    phone: String,
    organisation: String,
    role: String,
}

/// A set-password link or an enrolment code just issued, to show once.
pub struct IssuedLink {
    /// Whom it is for.
    name: String,
    /// The whole link, or the code.
    url: String,
    /// An enrolment code rather than a link.
    code: bool,
}

/// A user as listed.
pub struct UserLine {
    id: String,
    name: String,
    email: String,
    active: bool,
    roles: Vec<String>,
}

/// The search of the users page, as typed (`page` as text, so a mistyped page is page 1).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UsersQuery {
    notice: Option<String>,
    q: String,
    /// The organisation searched in (`org`: the add form has its own `organisation`).
    org: String,
    page: String,
}

impl UsersQuery {
    fn page(&self) -> u32 {
        self.page.trim().parse().unwrap_or(1).max(1)
    }

    /// This search's address for page `n`.
    fn href(&self, n: u32) -> String {
        let mut out = format!("/admin/users?page={n}");
        for (key, value) in [("q", &self.q), ("org", &self.org)] {
            if !value.trim().is_empty() {
                out.push_str(&format!("&{key}={}", query_escape(value.trim())));
            }
        }
        out
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserLine>,
    /// People matching the search, on every page.
    total: u64,
    search: UsersQuery,
    /// Every organisation, closed ones too, to search by.
    filter_options: Vec<(String, String)>,
    pagination: super::Pagination,
    form: UserForm,
    errors: ValidationErrors,
    organisation_options: Vec<(String, String)>,
    role_options: Vec<(String, String)>,
    notice: Option<&'static str>,
    issued: Option<IssuedLink>,
}

/// The organisations a form offers (open ones), with a first "choose" line.
pub(crate) async fn open_organisation_options(
    state: &AppState,
    rid: &str,
    choose: &str,
) -> Result<Vec<(String, String)>, PageError> {
    let open = state.app.open_organisations().await.map_err(|e| PageError::App(e, rid.to_string()))?;
    Ok(std::iter::once((String::new(), choose.to_string()))
        .chain(open.into_iter().map(|o| (o.id.to_string(), o.name)))
        .collect())
}

/// Every role, with a first "choose" line.
pub(crate) fn role_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Choose a role".to_string()))
        .chain(Role::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())))
        .collect()
}

async fn users_page(
    state: &AppState,
    who: &SignedIn,
    form: UserForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
    search: UsersQuery,
) -> Result<UsersPage, PageError> {
    let rid = who.ctx.request_id.clone();
    let found = state
        .app
        .find_users(Principal::User(&who.ctx.actor), &search.q, &search.org, search.page())
        .await
        .map_err(|e| PageError::App(e, rid.clone()))?;
    let orgs = state.app.organisations_shared().await.map_err(|e| PageError::App(e, rid.clone()))?;
    let org_name = |id| orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let pages = found.pages();
    let users = found
        .items
        .into_iter()
        .map(|a| UserLine {
            id: a.record.user.id.to_string(),
            roles: a
                .record
                .memberships
                .iter()
                .map(|m| format!("{} at {}", m.role.label(), org_name(m.organisation_id)))
                .collect(),
            name: a.record.user.name,
            email: a.record.user.email.to_string(),
            active: a.record.user.active,
        })
        .collect();
    let filter_options = std::iter::once((String::new(), "All organisations".to_string()))
        .chain(orgs.iter().map(|o| (o.id.to_string(), o.name.clone())))
        .collect();
    let pagination = super::Pagination::new("Pages of people", found.page.min(pages), pages, |n| search.href(n));
    Ok(UsersPage {
        chrome: Chrome::for_user(who, "users").with_errors(!errors.is_empty()),
        users,
        total: found.total,
        filter_options,
        pagination,
        search,
        form,
        errors,
        organisation_options: open_organisation_options(state, &rid, "Choose an organisation").await?,
        role_options: role_options(),
        notice,
        issued: None,
    })
}

/// The users list (searched and paged) and the add form.
pub async fn users(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<UsersQuery>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("User added");
    let page = users_page(&state, &who, UserForm::default(), ValidationErrors::new(), notice, q).await?;
    Ok(render(StatusCode::OK, &page))
}

/// `text` percent-encoded for a query string (UTF-8 bytes).
fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The whole set-password link for `secret`, on the host the administrator is using.
fn link_url(headers: &HeaderMap, secure: bool, secret: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}/set-password/{secret}", if secure { "https" } else { "http" })
}

/// Adds a user — without a password: the page shows a one-time link for them to set their
/// own, to send to them.
pub async fn add_user(
    State(state): State<AppState>,
    who: SignedIn,
    Secure(secure): Secure,
    headers: HeaderMap,
    Form(form): Form<UserForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let input = NewUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        phone: Some(form.phone.clone()),
        organisation: form.organisation.clone(),
        role: form.role.clone(),
        password: String::new(),
    };
    let principal = Principal::User(&who.ctx.actor);
    match state.app.create_user(principal, &input).await {
        Ok(user) => {
            let secret = state
                .app
                .issue_password_link(principal, &user.id.to_string())
                .await
                .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let mut page = users_page(
                &state,
                &who,
                UserForm::default(),
                ValidationErrors::new(),
                Some("User added"),
                UsersQuery::default(),
            )
            .await?;
            page.issued = Some(IssuedLink { name: user.name, url: link_url(&headers, secure, &secret), code: false });
            Ok(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            let page = users_page(&state, &who, form, errors, None, UsersQuery::default()).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The add-bank-holiday form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct HolidayForm {
    csrf_token: String,
    #[serde(rename = "date-day")]
    day: String,
    #[serde(rename = "date-month")]
    month: String,
    #[serde(rename = "date-year")]
    year: String,
    name: String,
}

#[derive(Template)]
#[template(path = "admin_bank_holidays.html")]
struct HolidaysPage {
    chrome: Chrome,
    years: Vec<(i16, Vec<resettle_domain::calendar::BankHoliday>)>,
    form: HolidayForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
}

async fn holidays_page(
    state: &AppState,
    who: &SignedIn,
    form: HolidayForm,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<HolidaysPage, PageError> {
    let rid = who.ctx.request_id.clone();
    if !who.ctx.actor.has_role(Role::Admin) {
        return Err(PageError::App(AppError::Forbidden("only administrators manage the calendar"), rid));
    }
    let this_year = state.app.today().year();
    let mut years = Vec::new();
    for y in [this_year, this_year + 1] {
        years.push((y, state.app.bank_holidays(y).await.map_err(|e| PageError::App(e, rid.clone()))?));
    }
    Ok(HolidaysPage {
        chrome: Chrome::for_user(who, "bank-holidays").with_errors(!errors.is_empty()),
        years,
        form,
        errors,
        notice,
    })
}

/// This year's and next year's bank holidays, and the form to add one.
pub async fn bank_holidays(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("added")).then_some("Bank holiday added");
    let page = holidays_page(&state, &who, HolidayForm::default(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds a bank holiday.
pub async fn add_bank_holiday(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HolidayForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let day = super::date_from_parts(&form.day, &form.month, &form.year).unwrap_or_default();
    match state.app.add_bank_holiday(Principal::User(&who.ctx.actor), &day, &form.name).await {
        Ok(()) => Ok(Redirect::to("/admin/bank-holidays?notice=added").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = holidays_page(&state, &who, form, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
