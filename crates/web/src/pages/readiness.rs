//! Release readiness pages: the readiness caseload ("My children" / "My organisation") with
//! filters as a GET form and sortable headers, the release arrangements form, and the gaps
//! across the children a manager oversees. Every page works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use resettle_app::AppError;
use resettle_app::readiness::{CaseloadLine, Gap, PER_PAGE, ReadinessCaseload, ReadinessSort, StatusCounts};
use resettle_domain::child::Child;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::plan::Pathway;
use resettle_domain::readiness::{
    ItemKey, Progress, RagStatus, Readiness, ReadinessItem, ReleaseArrangements, ReleaseArrangementsInput,
};
use resettle_domain::validation::ValidationErrors;

use super::{Chrome, date_from_parts, date_parts, render};
use super::{app_err, parse_id};
use crate::AppState;
use crate::caseload_filter::{ReadinessCaseloadParams, parse_filter};
use crate::error::PageError;
use crate::session::SignedIn;

/// An item's tag: its words and colour ("Done" green, "On track" blue, red only when late).
pub fn item_tag(i: &ReadinessItem) -> (&'static str, &'static str) {
    let p = Progress::of(i);
    (p.label(), p.tag_class())
}

/// A child's tag, from their items.
pub fn child_tag(items: &[ReadinessItem]) -> (&'static str, &'static str) {
    Progress::of_items(items).map_or(("Not assessed", "govuk-tag--grey"), |p| (p.child_label(), p.tag_class()))
}

/// The items that need someone to act (not done, and due soon, late or without a date),
/// latest first.
pub fn needing_action(items: &[ReadinessItem]) -> Vec<&ReadinessItem> {
    let mut v: Vec<&ReadinessItem> = items.iter().filter(|i| i.status != RagStatus::Green).collect();
    v.sort_by_key(|i| (std::cmp::Reverse(Progress::of(i)), i.due_by));
    v
}

/// A sortable column header.
pub struct SortLink {
    label: &'static str,
    href: String,
    aria_sort: &'static str,
}

#[derive(Template)]
#[template(path = "readiness_caseload.html")]
struct CaseloadPage {
    chrome: Chrome,
    mine: bool,
    counts: StatusCounts,
    children: Vec<CaseloadLine>,
    errors: ValidationErrors,
    params: ShownParams,
    organisations: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    pathways: Vec<(String, String)>,
    columns: Vec<SortLink>,
    mine_href: String,
    /// Every child listed, as a CSV file.
    csv_href: String,
    organisation_href: String,
    /// Children listed across every page.
    listed: usize,
    /// This page (1-based) and how many there are.
    page: usize,
    pages: usize,
    pagination: super::Pagination,
}

/// The filters as typed, to show them again.
#[derive(Default)]
struct ShownParams {
    organisation: String,
    status: String,
    release_within_days: String,
    pathway: String,
}

/// The query string of the filters (without `view` and `sort`).
fn filter_query(p: &ShownParams) -> String {
    let mut q = String::new();
    for (k, v) in [
        ("organisation", &p.organisation),
        ("status", &p.status),
        ("release_within_days", &p.release_within_days),
        ("pathway", &p.pathway),
    ] {
        if !v.is_empty() {
            q.push_str(&format!("&{k}={}", urlencode(v)));
        }
    }
    q
}

/// A query value, percent-encoded (UTF-8, so a name with accents survives the round trip).
fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `/readiness.csv`: the readiness caseload with the page's filters and order, every child
/// (not one page), as a dated CSV for a spreadsheet; the read is audited as the page's is.
pub async fn caseload_csv(
    State(state): State<AppState>,
    who: SignedIn,
    Query(p): Query<ReadinessCaseloadParams>,
) -> Result<Response, PageError> {
    let filter = parse_filter(&p).map_err(|e| PageError::App(AppError::Invalid(e), who.ctx.request_id.clone()))?;
    let every = resettle_app::readiness::CaseloadFilter { page: 1, per_page: usize::MAX, ..filter };
    let result = state.app.readiness_caseload(&who.ctx, &every).await.map_err(app_err(&who.ctx))?;
    let mut out = crate::download::csv_line(&[
        "given_name",
        "family_name",
        "youth_justice_service",
        "custody",
        "readiness",
        "release_or_court_date",
        "days_to_release",
        "next_deadline",
        "next_deadline_due",
        "overdue_actions",
        "handovers_waiting",
        "reasons",
    ]);
    for l in &result.children {
        let progress = Progress::of_items(&l.items).map(|p| p.child_label()).unwrap_or_default();
        out.push_str(&crate::download::csv_line(&[
            l.given_name.clone(),
            l.family_name.clone(),
            l.yjs_name.clone(),
            l.custody.as_str().to_string(),
            progress.to_string(),
            l.release_date.map(|d| d.to_string()).unwrap_or_default(),
            l.days_to_release.map(|d| d.to_string()).unwrap_or_default(),
            l.next_deadline.map(|(k, _)| k.label().to_string()).unwrap_or_default(),
            l.next_deadline.map(|(_, d)| d.to_string()).unwrap_or_default(),
            l.overdue_actions.to_string(),
            l.unacknowledged_handovers.map(|n| n.to_string()).unwrap_or_default(),
            l.items.iter().filter(|i| !i.done).map(|i| i.short.clone()).collect::<Vec<_>>().join("; "),
        ]));
    }
    Ok(crate::download::csv_response(out, &format!("readiness-{}.csv", state.app.today())))
}

/// `/readiness`: children in custody with their readiness, for the caller ("My children") or
/// their organisations ("My organisation"), filtered by a GET form and sorted by the headers.
pub async fn caseload_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(p): Query<ReadinessCaseloadParams>,
) -> Result<Response, PageError> {
    let shown = ShownParams {
        organisation: p.organisation.clone().unwrap_or_default(),
        status: p.status.clone().unwrap_or_default(),
        release_within_days: p.release_within_days.clone().unwrap_or_default(),
        pathway: p.pathway.clone().unwrap_or_default(),
    };
    let (filter, errors) = match parse_filter(&p) {
        Ok(f) => (Some(f), ValidationErrors::new()),
        Err(e) => (None, e),
    };
    let mine = filter.as_ref().map_or(p.view.as_deref() == Some("mine"), |f| f.mine);
    let sort = filter.as_ref().map_or(ReadinessSort::DaysToRelease, |f| f.sort);
    let result = match &filter {
        Some(f) => state.app.readiness_caseload(&who.ctx, f).await.map_err(app_err(&who.ctx))?,
        None => ReadinessCaseload {
            counts: StatusCounts::default(),
            children: Vec::new(),
            listed: 0,
            page: 1,
            per_page: PER_PAGE,
        },
    };
    let my_orgs: Vec<OrgId> = who.ctx.actor.memberships.iter().map(|m| m.organisation_id).collect();
    let mut organisations = vec![(String::new(), "Any organisation".to_string())];
    organisations.extend(
        state
            .app
            .organisations()
            .await
            .map_err(app_err(&who.ctx))?
            .into_iter()
            .filter(|o| my_orgs.contains(&o.id))
            .map(|o| (o.id.to_string(), o.name)),
    );
    let mut statuses = vec![(String::new(), "Any status".to_string())];
    statuses.extend(RagStatus::ALL.iter().rev().map(|s| (s.as_str().to_string(), s.label().to_string())));
    let mut pathways = vec![(String::new(), "Any pathway".to_string())];
    pathways.extend(Pathway::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())));
    let view = if mine { "mine" } else { "organisation" };
    let filters = filter_query(&shown);
    let columns = [
        ("Child", Some(ReadinessSort::Name)),
        ("Readiness", Some(ReadinessSort::Status)),
        ("Release", Some(ReadinessSort::DaysToRelease)),
    ]
    .into_iter()
    .map(|(label, key)| {
        let key = key.unwrap_or_default();
        SortLink {
            label,
            href: format!("/readiness?view={view}&sort={}{filters}", key.as_str()),
            aria_sort: if key == sort { "ascending" } else { "none" },
        }
    })
    .collect();
    let (listed, page) = (result.listed, result.page);
    let pages = listed.div_ceil(result.per_page.max(1)).max(1);
    let list_query = format!("view={view}&sort={}{filters}", sort.as_str());
    let page = CaseloadPage {
        chrome: Chrome::for_user(&who, "readiness").with_errors(!errors.is_empty()),
        mine,
        counts: result.counts,
        children: result.children,
        listed,
        page,
        pages,
        pagination: super::Pagination::new(
            "Pages of the readiness caseload",
            u32::try_from(page).unwrap_or(u32::MAX),
            u32::try_from(pages).unwrap_or(u32::MAX),
            |n| format!("/readiness?{list_query}&page={n}"),
        ),
        errors,
        mine_href: format!("/readiness?view=mine&sort={}{filters}", sort.as_str()),
        csv_href: format!(
            "/readiness.csv?view={}&sort={}{filters}",
            if mine { "mine" } else { "organisation" },
            sort.as_str()
        ),
        organisation_href: format!("/readiness?view=organisation&sort={}{filters}", sort.as_str()),
        params: shown,
        organisations,
        statuses,
        pathways,
        columns,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The release arrangements form, as typed. A field the form did not show is absent (and so
/// unchanged); a field shown and left blank is cleared.
#[derive(Deserialize, Default, Clone)]
pub struct ArrangementsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    version: String,
    accommodation_address: Option<String>,
    #[serde(rename = "accommodation_confirmed_on-day")]
    acc_day: Option<String>,
    #[serde(rename = "accommodation_confirmed_on-month")]
    acc_month: Option<String>,
    #[serde(rename = "accommodation_confirmed_on-year")]
    acc_year: Option<String>,
    accommodation_confirmed_by: Option<String>,
    ete_arrangement: Option<String>,
    #[serde(rename = "ete_starts_on-day")]
    ete_day: Option<String>,
    #[serde(rename = "ete_starts_on-month")]
    ete_month: Option<String>,
    #[serde(rename = "ete_starts_on-year")]
    ete_year: Option<String>,
    constructive_activity: Option<String>,
    gp_practice: Option<String>,
    #[serde(rename = "gp_registered_on-day")]
    gp_day: Option<String>,
    #[serde(rename = "gp_registered_on-month")]
    gp_month: Option<String>,
    #[serde(rename = "gp_registered_on-year")]
    gp_year: Option<String>,
    #[serde(rename = "first_appointment_on-day")]
    appt_day: Option<String>,
    #[serde(rename = "first_appointment_on-month")]
    appt_month: Option<String>,
    #[serde(rename = "first_appointment_on-year")]
    appt_year: Option<String>,
    first_appointment_time: Option<String>,
    first_appointment_place: Option<String>,
    first_appointment_with: Option<String>,
    gate_met_by: Option<String>,
    transport: Option<String>,
    court_plan: Option<String>,
    bail_accommodation: Option<String>,
}

fn date_field(d: &Option<String>, m: &Option<String>, y: &Option<String>) -> Option<String> {
    if d.is_none() && m.is_none() && y.is_none() {
        return None;
    }
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    Some(date_from_parts(&s(d), &s(m), &s(y)).unwrap_or_default())
}

impl ArrangementsForm {
    fn input(&self) -> ReleaseArrangementsInput {
        ReleaseArrangementsInput {
            version: self.version.trim().parse().ok(),
            accommodation_address: self.accommodation_address.clone(),
            accommodation_confirmed_on: date_field(&self.acc_day, &self.acc_month, &self.acc_year),
            accommodation_confirmed_by: self.accommodation_confirmed_by.clone(),
            ete_arrangement: self.ete_arrangement.clone(),
            ete_starts_on: date_field(&self.ete_day, &self.ete_month, &self.ete_year),
            constructive_activity: self.constructive_activity.clone(),
            gp_practice: self.gp_practice.clone(),
            gp_registered_on: date_field(&self.gp_day, &self.gp_month, &self.gp_year),
            first_appointment_on: date_field(&self.appt_day, &self.appt_month, &self.appt_year),
            first_appointment_time: self.first_appointment_time.clone(),
            first_appointment_place: self.first_appointment_place.clone(),
            first_appointment_with: self.first_appointment_with.clone(),
            gate_met_by: self.gate_met_by.clone(),
            transport: self.transport.clone(),
            court_plan: self.court_plan.clone(),
            bail_accommodation: self.bail_accommodation.clone(),
        }
    }

    fn from_record(a: &ReleaseArrangements) -> Self {
        let parts = |d| {
            let (d, m, y) = date_parts(d);
            (Some(d), Some(m), Some(y))
        };
        let (acc_day, acc_month, acc_year) = parts(a.accommodation_confirmed_on);
        let (ete_day, ete_month, ete_year) = parts(a.ete_starts_on);
        let (gp_day, gp_month, gp_year) = parts(a.gp_registered_on);
        let (appt_day, appt_month, appt_year) = parts(a.first_appointment_on);
        Self {
            csrf_token: String::new(),
            version: a.version.to_string(),
            accommodation_address: a.accommodation_address.clone(),
            acc_day,
            acc_month,
            acc_year,
            accommodation_confirmed_by: a.accommodation_confirmed_by.clone(),
            ete_arrangement: a.ete_arrangement.clone(),
            ete_day,
            ete_month,
            ete_year,
            constructive_activity: a.constructive_activity.clone(),
            gp_practice: a.gp_practice.clone(),
            gp_day,
            gp_month,
            gp_year,
            appt_day,
            appt_month,
            appt_year,
            first_appointment_time: a.first_appointment_time.clone(),
            first_appointment_place: a.first_appointment_place.clone(),
            first_appointment_with: a.first_appointment_with.clone(),
            gate_met_by: a.gate_met_by.clone(),
            transport: a.transport.clone(),
            court_plan: a.court_plan.clone(),
            bail_accommodation: a.bail_accommodation.clone(),
        }
    }

    /// A field's text for the form.
    pub fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "release_arrangements.html")]
struct ArrangementsPage {
    chrome: Chrome,
    child: Child,
    on_remand: bool,
    items: Vec<ReadinessItem>,
    form: ArrangementsForm,
    errors: ValidationErrors,
    changed_since: Vec<String>,
    notice: Option<&'static str>,
}

/// A success notice named in the query string.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

async fn arrangements_page(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    form: Option<ArrangementsForm>,
    errors: ValidationErrors,
    changed_since: Vec<String>,
) -> Result<ArrangementsPage, PageError> {
    let r = state.app.readiness(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let Some(row) = r.row else {
        return Err(PageError::App(
            AppError::Missing(
                "This child is not in custody: release arrangements are recorded while a child is in custody",
            ),
            who.ctx.request_id.clone(),
        ));
    };
    let items = match r.readiness {
        Readiness::Assessed { items, .. } => items,
        Readiness::NotApplicable => Vec::new(),
    };
    let on_remand = row.kind == EpisodeKind::Remand && !items.iter().any(|i| i.key == ItemKey::Accommodation);
    Ok(ArrangementsPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child: r.child,
        on_remand,
        items,
        form: form.unwrap_or_else(|| ArrangementsForm::from_record(&row.arrangements)),
        errors,
        changed_since,
        notice: None,
    })
}

/// `GET /children/{id}/release-arrangements`: what is arranged, and the readiness it gives.
pub async fn arrangements_form(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(n): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let mut page = arrangements_page(&state, &who, id, None, ValidationErrors::new(), Vec::new()).await?;
    page.notice = (n.notice.as_deref() == Some("saved")).then_some("Release arrangements saved");
    Ok(render(StatusCode::OK, &page))
}

/// `POST /children/{id}/release-arrangements`: saves, or shows the form again with what was typed.
pub async fn save_arrangements(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ArrangementsForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    match state.app.update_release_arrangements(&who.ctx, id, &form.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/release-arrangements?notice=saved")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = arrangements_page(&state, &who, id, Some(form), errors, Vec::new()).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { current_version }) => {
            let changed = vec![format!(
                "The release arrangements were saved by someone else (now version {current_version}): check them below"
            )];
            let form = ArrangementsForm { version: current_version.to_string(), ..form };
            let page = arrangements_page(&state, &who, id, Some(form), ValidationErrors::new(), changed).await?;
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(app_err(&who.ctx)(e)),
    }
}

/// The gaps page's filter.
#[derive(Deserialize, Default)]
pub struct GapsParams {
    organisation: Option<String>,
}

#[derive(Template)]
#[template(path = "readiness_gaps.html")]
struct GapsPage {
    chrome: Chrome,
    gaps: Vec<Gap>,
    organisation: String,
    organisations: Vec<(String, String)>,
    errors: ValidationErrors,
}

/// `/gaps`: every open red or amber readiness item across the children a manager oversees.
pub async fn gaps_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(p): Query<GapsParams>,
) -> Result<Response, PageError> {
    let raw = p.organisation.unwrap_or_default();
    let mut errors = ValidationErrors::new();
    let organisation = match raw.trim() {
        "" => None,
        s => s.parse::<OrgId>().map_err(|_| errors.add("organisation", "Choose an organisation from the list")).ok(),
    };
    let gaps = state.app.readiness_gaps(&who.ctx, organisation).await.map_err(app_err(&who.ctx))?;
    // The person's own organisations, as on the readiness caseload: not every organisation.
    let my_orgs: Vec<OrgId> = who.ctx.actor.memberships.iter().map(|m| m.organisation_id).collect();
    let mut organisations = vec![(String::new(), "Any organisation".to_string())];
    organisations.extend(
        state
            .app
            .organisations()
            .await
            .map_err(app_err(&who.ctx))?
            .into_iter()
            .filter(|o| my_orgs.contains(&o.id))
            .map(|o| (o.id.to_string(), o.name)),
    );
    let page = GapsPage {
        chrome: Chrome::for_user(&who, "gaps").with_errors(!errors.is_empty()),
        gaps,
        organisation: raw,
        organisations,
        errors,
    };
    Ok(render(StatusCode::OK, &page))
}
