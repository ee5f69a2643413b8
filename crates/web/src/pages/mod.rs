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
pub(crate) mod health_assessment;
pub(crate) mod health_chart;
pub(crate) mod my_plan;
pub(crate) mod notifications;
pub mod outcomes;
pub(crate) mod plan;
pub(crate) mod readiness;
pub(crate) mod subject_access;
pub(crate) mod temporary_release;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;

use crate::error::{PageError, error_page};
use crate::session::SignedIn;

pub use crate::chrome::{Chrome, NavItem};

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

pub use crate::words::{Temporal, long_date, long_time, resource_label};

/// The error page for an application error, carrying the request's id (for
/// `.map_err(app_err(&who.ctx))`).
pub(crate) fn app_err(ctx: &resettle_app::Ctx) -> impl Fn(resettle_app::AppError) -> PageError + '_ {
    move |e| PageError::App(e, ctx.request_id.clone())
}

/// An id from the path: one that does not parse names no record, so it is not found.
pub(crate) fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse().map_err(|_| PageError::App(resettle_app::AppError::NotFound, String::new()))
}

/// A child's id from the path (see [`parse_id`]).
pub(crate) fn child_id(raw: &str) -> Result<resettle_domain::ids::ChildId, PageError> {
    parse_id(raw)
}

/// A form field as the application takes it: trimmed, and `None` when blank.
pub(crate) fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
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
