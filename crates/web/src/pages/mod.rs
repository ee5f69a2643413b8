//! Pages for people: server-rendered HTML on the GOV.UK Design System, working without
//! JavaScript. Every form carries a CSRF token bound to the session.

pub(crate) mod about;
pub(crate) mod access;
pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod after_release;
pub(crate) mod auth;
pub(crate) mod caseload;
pub(crate) mod child_summary;
pub(crate) mod children;
pub(crate) mod community;
pub(crate) mod custody;
pub(crate) mod health;
pub(crate) mod health_chart;
pub(crate) mod notifications;
pub mod outcomes;
pub(crate) mod plan;
pub(crate) mod readiness;
pub(crate) mod subject_access;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use resettle_domain::org::Role;
use resettle_domain::policy::{Action, decide};

use crate::AppState;
use crate::error::{PageError, error_page};
use crate::session::SignedIn;

/// The page routes, made from the table in [`crate::routes::page_routes`] (each with its
/// declared policy).
pub fn router(state: AppState) -> Router {
    let mut by_path: Vec<(&'static str, axum::routing::MethodRouter<AppState>)> = Vec::new();
    for r in crate::routes::page_routes() {
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, m)) => *m = std::mem::take(m).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    by_path.into_iter().fold(Router::new(), |router, (path, m)| router.route(path, m)).with_state(state)
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
    /// Shows "Find a child" (emergency access).
    pub can_find_child: bool,
    /// Shows the emergency access report.
    pub can_see_break_glass: bool,
    /// Shows the figures across organisations.
    pub can_see_figures: bool,
    /// Shows the cohort outcomes report.
    pub can_see_outcomes: bool,
    /// Shows the subject access requests.
    pub can_answer_subject_access: bool,
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
            can_find_child: false,
            can_see_break_glass: false,
            can_see_figures: false,
            can_see_outcomes: false,
            can_answer_subject_access: false,
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
        }
    }

    /// For a signed-in person.
    pub fn for_user(who: &SignedIn, nav: &'static str) -> Self {
        Self::for_ctx(&who.ctx, &who.csrf, nav)
    }

    /// For the actor of `ctx`, with the session's form token.
    pub fn for_ctx(ctx: &resettle_app::Ctx, csrf: &str, nav: &'static str) -> Self {
        let a = &ctx.actor;
        Self {
            user_name: Some(a.name.clone()),
            csrf: crate::session::mask_token(csrf),
            nav,
            is_admin: a.has_role(Role::Admin),
            works_with_children: a.memberships.iter().any(|m| m.role.works_with_children()),
            can_add_child: a.has_role(Role::YjsCaseManager) || a.has_role(Role::YjsManager),
            is_manager: decide(a, Action::ViewOversight, None).is_allowed(),
            can_find_child: decide(a, Action::FindChildForBreakGlass, None).is_allowed(),
            can_see_break_glass: decide(a, Action::ViewBreakGlassReport, None).is_allowed(),
            can_see_figures: decide(a, Action::ViewAggregates, None).is_allowed(),
            can_see_outcomes: decide(a, Action::ViewCohortReport, None).is_allowed(),
            can_answer_subject_access: decide(a, Action::SubjectAccess, None).is_allowed(),
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
        }
    }

    /// The URL of a front-end file, with the version that lets browsers cache it for good.
    pub fn asset(&self, path: &str) -> String {
        crate::assets::url(path)
    }

    /// The same, marking the page as showing errors.
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    /// The sections of the service this person works in, each with the pages in it they may
    /// use, in the order the navigation shows them. One row of primary navigation holds a
    /// section each; a section's other pages are its sub-navigation.
    fn sections(&self) -> Vec<Section> {
        let children = self.works_with_children;
        let table: [(&'static str, Vec<Page>); 9] = [
            (
                "Caseload",
                vec![
                    ("caseload", "/caseload", "My caseload", children),
                    ("appointments", "/appointments", "Appointments", children),
                    ("actions", "/actions", "My actions", children),
                    ("add-child", "/children/new", "Add a child", self.can_add_child),
                ],
            ),
            (
                "Handovers",
                vec![
                    ("handovers", "/handovers", "Waiting for me", children),
                    ("handovers-sent", "/handovers/sent", "Sent by me", children),
                ],
            ),
            (
                "Readiness",
                vec![
                    ("readiness", "/readiness", "Release readiness", children),
                    ("gaps", "/gaps", "Readiness gaps", self.is_manager),
                    ("meetings", "/meetings/attention", "Meetings to chase", self.is_manager),
                ],
            ),
            (
                "Emergency access",
                vec![
                    ("break-glass", "/reports/emergency-access", "Emergency access report", self.can_see_break_glass),
                    ("find-child", "/find-a-child", "Find a child", self.can_find_child),
                ],
            ),
            ("Figures", vec![("figures", "/reports/figures", "Figures", self.can_see_figures)]),
            ("Outcomes", vec![("outcomes", "/reports/cohort", "Outcomes", self.can_see_outcomes)]),
            (
                "Subject access",
                vec![("subject-access", "/subject-access", "Subject access requests", self.can_answer_subject_access)],
            ),
            ("Users", vec![("users", "/admin/users", "Users", self.is_admin)]),
            (
                "Organisations",
                vec![
                    ("organisations", "/admin/organisations", "Organisations", self.is_admin),
                    ("bank-holidays", "/admin/bank-holidays", "Bank holidays", self.is_admin),
                ],
            ),
        ];
        table
            .into_iter()
            .filter_map(|(label, items)| {
                let items: Vec<NavItem> = items
                    .into_iter()
                    .filter(|(_, _, _, shown)| *shown)
                    .map(|(key, href, label, _)| NavItem { href, label, current: key == self.nav })
                    .collect();
                let href = items.first()?.href;
                Some(Section { label, href, items })
            })
            .collect()
    }

    /// The primary navigation: one link a section, the current section marked.
    pub fn primary_nav(&self) -> Vec<NavItem> {
        self.sections()
            .into_iter()
            .map(|s| NavItem { href: s.href, label: s.label, current: s.items.iter().any(|i| i.current) })
            .collect()
    }

    /// The current section's pages, when it has more than one.
    pub fn sub_nav(&self) -> Vec<NavItem> {
        self.sections()
            .into_iter()
            .find(|s| s.items.iter().any(|i| i.current) && s.items.len() > 1)
            .map_or_else(Vec::new, |s| s.items)
    }

    /// Where this person starts: the first page of their first section (the caseload for
    /// those who work with children, the figures for a strategic lead, the users for an
    /// administrator), or their sessions when the service has nothing else for them.
    pub fn start_page(&self) -> &'static str {
        self.sections().first().map_or("/account/sessions", |s| s.href)
    }

    /// The name of [`Chrome::start_page`], for a message that sends someone there.
    pub fn start_label(&self) -> &'static str {
        self.sections().first().map_or("Your sessions", |s| s.label)
    }
}

/// A page of a section: its `nav` key, address, words, and whether this person may use it.
type Page = (&'static str, &'static str, &'static str, bool);

/// A part of the service, in the primary navigation.
struct Section {
    label: &'static str,
    href: &'static str,
    items: Vec<NavItem>,
}

/// One link of the navigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its words.
    pub label: &'static str,
    /// Whether the page shown is (in) it.
    pub current: bool,
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
        "child.identifier" => "whether a record exists (search by identifier)",
        "key_dates" => "key dates",
        "sentence" => "the sentence",
        "remand" => "the remand",
        "custody" => "custody",
        "plan" => "the resettlement plan",
        "plan.need" => "a support need",
        "plan.meeting" | "plan.meetings" => "meetings",
        "plan.action" => "an action",
        "post_release" => "the period after release",
        "appointment" => "an appointment",
        "enforcement" => "a warning, breach or recall",
        "offence" => "an arrest or offence",
        "living_arrangement" => "where the child lives",
        "ete_placement" => "education, training or employment",
        "subject_access.request" | "subject_access.find" => "a request for a copy of the record",
        "subject_access.health_review" => "the health review of a request for a copy",
        "subject_access.export" => "the record, to make a copy for a request",
        _ => "the record",
    }
}

/// Whether two strings are equal, whatever mix of `String` and `&str` a template holds.
pub fn same(a: impl AsRef<str>, b: impl AsRef<str>) -> bool {
    a.as_ref() == b.as_ref()
}

/// Joins the three boxes of a GOV.UK date input into `YYYY-MM-DD` for the domain to check.
/// All blank gives `None`; anything not a number gives a day that does not exist, which the
/// domain refuses in words ("must be a real date"), never asking a person for `YYYY-MM-DD`.
pub fn date_from_parts(day: &str, month: &str, year: &str) -> Option<String> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return None;
    }
    match (d.parse::<u8>(), m.parse::<u8>(), y.parse::<u16>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1000 => Some(format!("{y:04}-{m:02}-{d:02}")),
        _ => Some("0000-00-00".to_string()),
    }
}

/// Splits a date back into the three boxes.
pub fn date_parts(d: Option<Date>) -> (String, String, String) {
    match d {
        Some(d) => (d.day().to_string(), d.month().to_string(), d.year().to_string()),
        None => (String::new(), String::new(), String::new()),
    }
}

/// `/`: where each person starts, a page their role can use ([`Chrome::start_page`]).
pub(crate) async fn index(who: Result<SignedIn, Response>) -> Response {
    match who {
        Ok(w) => Redirect::to(Chrome::for_user(&w, "").start_page()).into_response(),
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
        // Shaped like a day, so that the refusal is "must be a real date", never the format.
        let not_a_day = date_from_parts("x", "3", "2010").unwrap_or_default();
        assert_eq!(
            resettle_domain::validation::parse_day(&not_a_day),
            Err(resettle_domain::validation::DayError::NotReal)
        );
        assert_eq!(date_parts(Some(jiff::civil::date(2010, 3, 7))), ("7".into(), "3".into(), "2010".into()));
    }
}

/// The GOV.UK pagination component for a list: previous and next links, the first and last
/// pages and two either side of the current one, with gaps between. Empty for one page.
pub struct Pagination {
    /// The navigation's accessible name.
    pub label: &'static str,
    /// Previous page's link.
    pub prev: Option<String>,
    /// Next page's link.
    pub next: Option<String>,
    /// The numbered links; `None` marks a gap.
    pub items: Vec<Option<PageLink>>,
}

/// One numbered page link.
pub struct PageLink {
    /// The page number.
    pub number: u32,
    /// Its address.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

impl Pagination {
    /// Page `current` of `pages`, each page's address made by `href`.
    pub fn new(label: &'static str, current: u32, pages: u32, href: impl Fn(u32) -> String) -> Self {
        if pages <= 1 {
            return Self { label, prev: None, next: None, items: Vec::new() };
        }
        let items = page_numbers(current, pages)
            .into_iter()
            .map(|n| (n > 0).then(|| PageLink { number: n, href: href(n), current: n == current }))
            .collect();
        Self {
            label,
            prev: (current > 1).then(|| href(current - 1)),
            next: (current < pages).then(|| href(current + 1)),
            items,
        }
    }
}

/// Page numbers to show: first, last, and two either side of the current; 0 marks a gap.
fn page_numbers(current: u32, pages: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(current) <= 2 {
            out.push(n);
        } else if out.last() != Some(&0) {
            out.push(0);
        }
    }
    out
}

#[cfg(test)]
mod pagination_tests {
    use super::{Pagination, page_numbers};

    #[test]
    fn pagination_shows_ends_and_neighbours_with_gaps() {
        assert_eq!(page_numbers(1, 1), vec![1]);
        assert_eq!(page_numbers(1, 5), vec![1, 2, 3, 0, 5]);
        assert_eq!(page_numbers(10, 20), vec![1, 0, 8, 9, 10, 11, 12, 0, 20]);
    }

    #[test]
    fn pagination_links_neighbours_and_marks_the_current_page() {
        let one = Pagination::new("Pages", 1, 1, |n| format!("?page={n}"));
        assert!(one.items.is_empty() && one.prev.is_none() && one.next.is_none(), "one page: no navigation");
        let p = Pagination::new("Pages", 2, 5, |n| format!("?page={n}"));
        assert_eq!(p.prev.as_deref(), Some("?page=1"));
        assert_eq!(p.next.as_deref(), Some("?page=3"));
        let shown: Vec<(u32, bool)> =
            p.items.iter().map(|i| i.as_ref().map_or((0, false), |l| (l.number, l.current))).collect();
        assert_eq!(shown, [(1, false), (2, true), (3, false), (4, false), (5, false)]);
        let last = Pagination::new("Pages", 5, 5, |n| format!("?page={n}"));
        assert!(last.next.is_none());
        assert_eq!(last.items.get(1).map(Option::is_none), Some(true), "a gap after the first page");
    }
}
