//! The readiness caseload's filters, as the API's query and the pages' form both send them, and
//! their check: one parser, so the two cannot drift apart.

use serde::Deserialize;
use utoipa::IntoParams;

use resettle_app::readiness::{CaseloadFilter, PER_PAGE, ReadinessSort};
use resettle_domain::ids::OrgId;
use resettle_domain::plan::Pathway;
use resettle_domain::readiness::RagStatus;
use resettle_domain::validation::ValidationErrors;

/// Filters and order of the readiness caseload.
#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadinessCaseloadParams {
    /// `mine` (children on whose team the caller is named) or `organisation` (default: every
    /// child of the caller's organisations).
    pub view: Option<String>,
    /// Only children with this organisation (id) on their team.
    pub organisation: Option<String>,
    /// Only children whose status is `green`, `amber` or `red`.
    pub status: Option<String>,
    /// Only children released (or next in court) within this many days (0–3650).
    pub release_within_days: Option<String>,
    /// Only children with an open need on this pathway (`accommodation`, `ete`, …).
    pub pathway: Option<String>,
    /// `days_to_release` (default), `status` (worst first) or `name`.
    pub sort: Option<String>,
    /// A 1-based page (default 1; past the last page, the last page). The counts are always of
    /// every child listed.
    pub page: Option<String>,
    /// Children on a page, 1–200 (default 50).
    pub per_page: Option<String>,
}

/// The filter as typed, checked: every bad parameter is named at once.
pub fn parse_filter(p: &ReadinessCaseloadParams) -> Result<CaseloadFilter, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mine = match given(&p.view).as_deref() {
        None | Some("organisation") => false,
        Some("mine") => true,
        Some(_) => {
            e.add("view", "view must be mine or organisation");
            false
        }
    };
    let organisation = given(&p.organisation).and_then(|s| {
        s.parse::<OrgId>().map_err(|_| e.add("organisation", "organisation must be an organisation's id")).ok()
    });
    let status = given(&p.status).and_then(|s| {
        RagStatus::parse(&s).or_else(|| {
            e.add("status", "status must be green, amber or red");
            None
        })
    });
    let release_within_days = given(&p.release_within_days).and_then(|s| match s.parse::<i64>() {
        Ok(n) if (0..=3650).contains(&n) => Some(n),
        _ => {
            e.add("release_within_days", "release_within_days must be a whole number of days from 0 to 3650");
            None
        }
    });
    let pathway = given(&p.pathway)
        .and_then(|s| s.parse::<Pathway>().map_err(|_| e.add("pathway", "Choose a pathway from the list")).ok());
    let sort = match given(&p.sort) {
        None => ReadinessSort::DaysToRelease,
        Some(s) => ReadinessSort::parse(&s).unwrap_or_else(|| {
            e.add("sort", "sort must be days_to_release, status or name");
            ReadinessSort::DaysToRelease
        }),
    };
    let page = given(&p.page).map_or(1, |s| match s.parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => n,
        _ => {
            e.add("page", "page must be a whole number from 1 to 100000");
            1
        }
    });
    let per_page = given(&p.per_page).map_or(PER_PAGE, |s| match s.parse::<usize>() {
        Ok(n) if (1..=200).contains(&n) => n,
        _ => {
            e.add("per_page", "per_page must be a whole number from 1 to 200");
            PER_PAGE
        }
    });
    e.into_result(CaseloadFilter { mine, organisation, status, release_within_days, pathway, sort, page, per_page })
}
