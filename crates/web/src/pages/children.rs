//! The caseload, a child's page, and the forms that change a child's record.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::children::{ChildRecord, NewChildInput};
use resettle_app::storage::{CaseloadQuery, CaseloadSort};
use resettle_app::triage::Whose;
use resettle_app::{AppError, Ctx};
use resettle_domain::child::{CarerInput, ChildDetailsInput, Gender, Language, LegalStatus, age_on};
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::org::{OrgKind, Organisation, Role};
use resettle_domain::team::TeamMemberInput;
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, date_from_parts, date_parts, render};
use super::{app_err, child_id, some};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

// ---------------------------------------------------------------------------------------------
// Caseload

/// Query string of the caseload page. Unknown or malformed values fall back to defaults.
#[derive(Deserialize, Default)]
pub struct CaseloadParams {
    view: Option<String>,
    organisation_id: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    q: Option<String>,
}

/// A column header of the caseload table.
pub struct Column {
    label: &'static str,
    sortable: bool,
    href: String,
    aria_sort: &'static str,
    next_direction: &'static str,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    chrome: Chrome,
    total: u64,
    lines: Vec<super::caseload::Line>,
    shown: super::caseload::Shown,
    organisations: Vec<(OrgId, String)>,
    organisation_id: String,
    filtered: bool,
    mine: bool,
    mine_href: String,
    /// The same list as a CSV file.
    csv_href: String,
    all_href: String,
    view: &'static str,
    sort: &'static str,
    dir: &'static str,
    columns: Vec<Column>,
    pagination: super::Pagination,
    /// The search typed, and why it could not be read.
    q: String,
    search_error: Option<String>,
}

/// The signed-in person's caseload: a case manager's own children first, each with what to
/// look at first (release, readiness, next deadline, what is late).
pub async fn caseload(
    State(state): State<AppState>,
    who: SignedIn,
    Query(p): Query<CaseloadParams>,
) -> Result<Response, PageError> {
    let whose = p.view.as_deref().and_then(Whose::parse).unwrap_or_else(|| Whose::default_for(&who.ctx));
    let organisation_id: Option<OrgId> = p.organisation_id.as_deref().and_then(|s| s.parse().ok());
    let sort = p.sort.as_deref().and_then(CaseloadSort::parse).unwrap_or_default();
    let descending = p.dir.as_deref() == Some("desc");
    let page = p.page.as_deref().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1);
    let query = CaseloadQuery { organisation_id, sort, descending, page, per_page: 50 };
    let search = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let (result, search_error) = match state.app.triage_caseload(&who.ctx, &query, whose, search).await {
        Ok(r) => (r, None),
        // A search that cannot be read (too long) shows the whole list with the reason.
        Err(AppError::Invalid(e)) => (
            state.app.triage_caseload(&who.ctx, &query, whose, None).await.map_err(app_err(&who.ctx))?,
            e.for_field("q").map(str::to_string),
        ),
        Err(e) => return Err(app_err(&who.ctx)(e)),
    };
    let dir = if descending { "desc" } else { "asc" };
    let view = whose.as_str();
    let mut filter = organisation_id.map(|o| format!("&organisation_id={o}")).unwrap_or_default();
    if let Some(q) = search {
        filter
            .push_str(&format!("&q={}", percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)));
    }
    let column = |label: &'static str, key: Option<CaseloadSort>| match key {
        None => Column { label, sortable: false, href: String::new(), aria_sort: "none", next_direction: "" },
        Some(k) => {
            let current = k == sort;
            let next_desc = current && !descending;
            Column {
                label,
                sortable: true,
                href: format!(
                    "/caseload?view={view}&sort={}&dir={}{filter}",
                    k.as_str(),
                    if next_desc { "desc" } else { "asc" }
                ),
                aria_sort: match (current, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                next_direction: if next_desc { "descending" } else { "ascending" },
            }
        }
    };
    let today = state.app.today();
    let lines = super::caseload::lines(&result, today);
    let shown = super::caseload::Shown::of(&lines);
    let mut columns = vec![column("Name", Some(CaseloadSort::Name))];
    if shown.yjs {
        columns.push(column("Youth justice service", None));
    }
    columns.push(column("Custody", Some(CaseloadSort::CustodySince)));
    if shown.triage {
        columns.push(column("Release or court date", None));
        columns.push(column("Readiness", None));
        columns.push(column("Next deadline", None));
        columns.push(column("Overdue", None));
    }
    let pagination = super::Pagination::new("Pages of the caseload", result.page.page, result.page.pages(), |n| {
        format!("/caseload?view={view}&sort={}&dir={dir}&page={n}{filter}", sort.as_str())
    });
    let page = CaseloadPage {
        chrome: Chrome::for_user(&who, "caseload"),
        total: result.page.total,
        lines,
        shown,
        organisations: result.organisations,
        organisation_id: organisation_id.map(|o| o.to_string()).unwrap_or_default(),
        filtered: organisation_id.is_some() || search.is_some(),
        q: search.unwrap_or_default().to_string(),
        search_error,
        mine: whose == Whose::Mine,
        mine_href: format!("/caseload?view=mine&sort={}&dir={dir}{filter}", sort.as_str()),
        csv_href: format!("/caseload.csv?view={view}&sort={}&dir={dir}{filter}", sort.as_str()),
        all_href: format!("/caseload?view=all&sort={}&dir={dir}{filter}", sort.as_str()),
        view,
        sort: sort.as_str(),
        dir,
        columns,
        pagination,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------
// A child's page

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    chrome: Chrome,
    record: ChildRecord,
    age: i16,
    notice: Option<&'static str>,
    key_dates: Option<super::custody::KeyDatesView>,
    deadlines: Vec<super::custody::DeadlineLine>,
    /// The next few deadlines still open, shown before "All planning deadlines".
    next_deadlines: Vec<super::custody::DeadlineLine>,
    remands: Vec<super::custody::RemandLine>,
    summary: super::child_summary::ChildSummary,
    can_record_sentence: bool,
    can_record_remand: bool,
    after_release: Option<super::after_release::AfterReleaseView>,
}

/// How many open planning deadlines the child's page shows before the whole table.
const NEXT_DEADLINES: usize = 3;

/// Query string of the child's page.
#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

/// The child's page.
pub async fn child_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let record = state.app.child_record(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let notice = match q.notice.as_deref() {
        Some("created") => Some("Child added"),
        Some("updated") => Some("Personal details saved"),
        Some("team") => Some("Added to the team"),
        Some("carer") => Some("Parent or carer added"),
        Some("sentence") => Some("Sentence recorded: key dates and planning deadlines set"),
        Some("remand") => Some("Remand recorded: the remand planning deadline is set"),
        Some("recalculated") => Some("Key dates recalculated"),
        Some("transferred") => Some("Transfer recorded"),
        Some("released") => Some("Release recorded"),
        Some("emergency") => Some("Emergency access granted: this is recorded and reported"),
        _ => None,
    };
    let today = state.app.today();
    let age = age_on(record.child.details.date_of_birth, today);
    let calendar = state.app.calendar().await.map_err(app_err(&who.ctx))?;
    let (key_dates, deadlines) =
        super::custody::key_dates_view(&state, &record.key_dates, &record.meetings, &calendar, today);
    let open = record.custody.iter().find(|e| e.episode.ended_on.is_none());
    let can_record_remand = open.is_none();
    let can_record_sentence = open.is_none_or(|e| e.episode.kind == resettle_domain::custody::EpisodeKind::Remand);
    let after_release = record
        .post_release
        .as_ref()
        .and_then(|p| super::after_release::AfterReleaseView::new(p, today, state.app.now()));
    let readiness = match open {
        Some(_) => Some(state.app.readiness(&who.ctx, id).await.map_err(app_err(&who.ctx))?),
        None => None,
    };
    let health_visible = state.app.health_content_visible(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let summary = super::child_summary::ChildSummary::new(&super::child_summary::SummaryFacts {
        record: &record,
        readiness: readiness.as_ref(),
        after_release: after_release.as_ref(),
        health_visible,
        today,
        now: state.app.now(),
    });
    // The next few open deadlines show; the whole table is one click away.
    let next_deadlines: Vec<_> = deadlines.iter().filter(|d| d.open).take(NEXT_DEADLINES).cloned().collect();
    let remands = super::custody::remand_lines(&record);
    Ok(render(
        StatusCode::OK,
        &ChildPage {
            chrome: Chrome::for_user(&who, "caseload"),
            record,
            age,
            notice,
            key_dates,
            deadlines,
            next_deadlines,
            remands,
            summary,
            can_record_sentence,
            can_record_remand,
            after_release,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Add and edit a child

/// The add/edit child form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ChildForm {
    csrf_token: String,
    version: String,
    given_name: String,
    family_name: String,
    preferred_name: String,
    #[serde(rename = "date_of_birth-day")]
    dob_day: String,
    #[serde(rename = "date_of_birth-month")]
    dob_month: String,
    #[serde(rename = "date_of_birth-year")]
    dob_year: String,
    nhs_number: String,
    pnc_id: String,
    gender: String,
    ethnicity: String,
    first_language: String,
    preferred_language: String,
    legal_status: String,
    yjs_id: String,
    carer_name: String,
    carer_relationship: String,
    carer_phone: String,
    carer_email: String,
    reason: String,
}

impl ChildForm {
    fn details(&self) -> ChildDetailsInput {
        ChildDetailsInput {
            given_name: some(&self.given_name),
            family_name: some(&self.family_name),
            preferred_name: some(&self.preferred_name),
            date_of_birth: date_from_parts(&self.dob_day, &self.dob_month, &self.dob_year),
            nhs_number: some(&self.nhs_number),
            pnc_id: some(&self.pnc_id),
            gender: some(&self.gender),
            ethnicity: some(&self.ethnicity),
            first_language: some(&self.first_language),
            preferred_language: some(&self.preferred_language),
            legal_status: some(&self.legal_status),
        }
    }

    fn from_child(c: &resettle_domain::child::Child) -> Self {
        let d = &c.details;
        let (dob_day, dob_month, dob_year) = date_parts(Some(d.date_of_birth));
        Self {
            version: c.version.to_string(),
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            preferred_name: d.preferred_name.clone().unwrap_or_default(),
            dob_day,
            dob_month,
            dob_year,
            nhs_number: d.nhs_number.as_ref().map(|n| n.display_spaced()).unwrap_or_default(),
            pnc_id: d.pnc_id.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            gender: d.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
            ethnicity: d.ethnicity.clone().unwrap_or_default(),
            first_language: d.first_language.clone().unwrap_or_default(),
            preferred_language: d.preferred_language.as_str().to_string(),
            legal_status: d.legal_status.as_str().to_string(),
            ..Default::default()
        }
    }
}

/// Rewords date errors for the three-box date input.
fn for_date_boxes(mut e: ValidationErrors) -> ValidationErrors {
    for fe in &mut e.0 {
        if fe.field == "date_of_birth" && fe.message.contains("real date") {
            fe.message = "Date of birth must be a real date, for example 27 3 2010".into();
        }
    }
    e
}

#[derive(Template)]
#[template(path = "child_form.html")]
struct ChildFormPage {
    chrome: Chrome,
    child_id: Option<ChildId>,
    form: ChildForm,
    errors: ValidationErrors,
    conflict: bool,
    gender_options: Vec<(String, String)>,
    legal_status_options: Vec<(String, String)>,
    language_options: Vec<(String, String)>,
    yjs_options: Vec<(String, String)>,
}

/// English and Welsh, for a preferred language.
fn language_options() -> Vec<(String, String)> {
    Language::ALL.iter().map(|l| (l.as_str().to_string(), l.label().to_string())).collect()
}

impl ChildFormPage {
    fn new(chrome: Chrome, child_id: Option<ChildId>, form: ChildForm, errors: ValidationErrors) -> Self {
        Self {
            chrome: chrome.with_errors(!errors.is_empty()),
            child_id,
            form,
            errors,
            conflict: false,
            gender_options: Gender::ALL.iter().map(|g| (g.as_str().to_string(), g.label().to_string())).collect(),
            legal_status_options: LegalStatus::ALL
                .iter()
                .map(|g| (g.as_str().to_string(), g.label().to_string()))
                .collect(),
            language_options: language_options(),
            yjs_options: Vec::new(),
        }
    }
}

/// The services for which the actor may add children.
async fn yjs_options(state: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let orgs = state.app.open_organisations().await.map_err(app_err(ctx))?;
    Ok(orgs
        .into_iter()
        .filter(|o| o.kind == OrgKind::Yjs)
        .filter(|o| ctx.actor.has_role_in(Role::YjsCaseManager, o.id) || ctx.actor.has_role_in(Role::YjsManager, o.id))
        .map(|o| (o.id.to_string(), o.name))
        .collect())
}

/// The add-child form.
pub async fn new_child_page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    let options = yjs_options(&state, &who.ctx).await?;
    if options.is_empty() {
        return Err(PageError::App(
            AppError::Forbidden("only case managers and managers of a youth justice service can add children"),
            who.ctx.request_id.clone(),
        ));
    }
    let form =
        ChildForm { legal_status: "not_looked_after".into(), yjs_id: options[0].0.clone(), ..Default::default() };
    let mut page = ChildFormPage::new(Chrome::for_user(&who, "add-child"), None, form, ValidationErrors::new());
    page.yjs_options = options;
    Ok(render(StatusCode::OK, &page))
}

/// Adds the child, or shows the form again with what to fix.
pub async fn new_child(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<ChildForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let carer = CarerInput {
        name: some(&form.carer_name),
        relationship: some(&form.carer_relationship),
        phone: some(&form.carer_phone),
        email: some(&form.carer_email),
        ..Default::default()
    };
    let carer = carer.is_given().then_some(carer);
    let input = NewChildInput { details: form.details(), yjs_id: some(&form.yjs_id), carer };
    let result = state.app.create_child(&who.ctx, &input).await;
    match result {
        Ok(child) => Ok(Redirect::to(&format!("/children/{}?notice=created", child.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = ChildFormPage::new(Chrome::for_user(&who, "add-child"), None, form, for_date_boxes(errors));
            page.yjs_options = yjs_options(&state, &who.ctx).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The edit form, filled with the current details.
pub async fn edit_child_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = ChildFormPage::new(
        Chrome::for_user(&who, "caseload"),
        Some(id),
        ChildForm::from_child(&child),
        ValidationErrors::new(),
    );
    Ok(render(StatusCode::OK, &page))
}

/// Saves the details if nobody else changed them meanwhile.
pub async fn edit_child(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ChildForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let version: i64 = form.version.trim().parse().unwrap_or(0);
    match state.app.update_child(&who.ctx, id, version, &form.details(), some(&form.reason)).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=updated")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = ChildFormPage::new(Chrome::for_user(&who, "caseload"), Some(id), form, for_date_boxes(errors));
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { .. }) => {
            let latest = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let mut page = ChildFormPage::new(
                Chrome::for_user(&who, "caseload"),
                Some(id),
                ChildForm { reason: form.reason.clone(), ..ChildForm::from_child(&latest) },
                ValidationErrors::new(),
            );
            page.conflict = true;
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Team around the child

/// Query string of the add-team-member page.
#[derive(Deserialize, Default)]
pub struct TeamParams {
    organisation_id: Option<String>,
}

/// The add-team-member form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TeamForm {
    csrf_token: String,
    organisation_id: String,
    role: String,
    user_id: String,
    responsibility: String,
    #[serde(rename = "started_on-day")]
    start_day: String,
    #[serde(rename = "started_on-month")]
    start_month: String,
    #[serde(rename = "started_on-year")]
    start_year: String,
}

#[derive(Template)]
#[template(path = "team_new.html")]
struct TeamPage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    organisation: Option<Organisation>,
    organisation_options: Vec<(String, String)>,
    role_options: Vec<(String, String)>,
    people_options: Vec<(String, String)>,
    form: TeamForm,
    errors: ValidationErrors,
}

async fn team_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    org: Option<OrgId>,
    form: TeamForm,
    errors: ValidationErrors,
) -> Result<TeamPage, PageError> {
    let child = state.app.child_for_team_change(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let a = &who.ctx.actor;
    // The youth justice service adds anyone; local authority staff, their own colleagues.
    let adds_anyone =
        a.has_role_in(Role::YjsCaseManager, child.yjs_id) || a.has_role_in(Role::YjsManager, child.yjs_id);
    let own: Vec<OrgId> =
        a.memberships.iter().filter(|m| m.role.names_colleagues()).map(|m| m.organisation_id).collect();
    let orgs: Vec<_> = state
        .app
        .open_organisations()
        .await
        .map_err(app_err(&who.ctx))?
        .into_iter()
        .filter(|o| adds_anyone || own.contains(&o.id))
        .collect();
    let organisation = org.and_then(|o| orgs.iter().find(|x| x.id == o).cloned());
    let people = match &organisation {
        Some(o) => state.app.users_in_organisation(o.id).await.map_err(app_err(&who.ctx))?,
        None => Vec::new(),
    };
    let mut organisation_options = vec![(String::new(), "Choose an organisation".to_string())];
    organisation_options.extend(orgs.iter().map(|o| (o.id.to_string(), format!("{} ({})", o.name, o.kind.label()))));
    let mut role_options = vec![(String::new(), "Choose a role".to_string())];
    role_options.extend(
        Role::ALL
            .iter()
            .filter(|r| r.works_with_children() && (adds_anyone || r.names_colleagues()))
            .map(|r| (r.as_str().to_string(), r.label().to_string())),
    );
    let mut people_options = vec![(String::new(), "No named person".to_string())];
    people_options.extend(people.into_iter().map(|u| (u.id.to_string(), u.name)));
    Ok(TeamPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: child.display_name(),
        organisation,
        organisation_options,
        role_options,
        people_options,
        form,
        errors,
    })
}

/// Step 1 chooses the organisation (a GET form, so it works without JavaScript); step 2 the
/// role, person and responsibility.
pub async fn team_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<TeamParams>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let raw = q.organisation_id.unwrap_or_default();
    let org = raw.parse::<OrgId>().ok();
    let errors = if !raw.is_empty() && org.is_none() {
        ValidationErrors::one("organisation_id", "Choose an organisation from the list")
    } else {
        ValidationErrors::new()
    };
    let page = team_page_for(&state, &who, id, org, TeamForm::default(), errors).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Adds the team member, or shows the form again.
pub async fn add_team_member(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = TeamMemberInput {
        organisation_id: some(&form.organisation_id),
        user_id: some(&form.user_id),
        role: some(&form.role),
        responsibility: some(&form.responsibility),
        started_on: date_from_parts(&form.start_day, &form.start_month, &form.start_year),
        ended_on: None,
    };
    match state.app.add_team_member(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=team#team")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let org = form.organisation_id.parse::<OrgId>().ok();
            let page = team_page_for(&state, &who, id, org, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Parents and carers

/// The add-carer form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CarerForm {
    csrf_token: String,
    name: String,
    relationship: String,
    phone: String,
    email: String,
    address: String,
    parental_responsibility: String,
    preferred_language: String,
}

#[derive(Template)]
#[template(path = "carer_new.html")]
struct CarerPage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    form: CarerForm,
    errors: ValidationErrors,
    yes_no: Vec<(String, String)>,
    language_options: Vec<(String, String)>,
}

fn carer_page_for(who: &SignedIn, id: ChildId, name: String, form: CarerForm, errors: ValidationErrors) -> CarerPage {
    CarerPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: name,
        form,
        errors,
        yes_no: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
        language_options: language_options(),
    }
}

/// The add-carer form.
pub async fn carer_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = carer_page_for(&who, id, child.display_name(), CarerForm::default(), ValidationErrors::new());
    Ok(render(StatusCode::OK, &page))
}

/// Adds the carer, or shows the form again.
pub async fn add_carer(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CarerForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = CarerInput {
        name: some(&form.name),
        relationship: some(&form.relationship),
        phone: some(&form.phone),
        email: some(&form.email),
        address: some(&form.address),
        parental_responsibility: Some(form.parental_responsibility == "yes"),
        preferred_language: some(&form.preferred_language),
    };
    match state.app.add_carer(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=carer")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
            let page = carer_page_for(&who, id, child.display_name(), form, errors);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// `/caseload.csv`: the caseload page's list (the same view, filter, search and order, every
/// page) as CSV, dated, for a spreadsheet; audited as an export.
pub async fn caseload_csv(
    State(state): State<AppState>,
    who: SignedIn,
    Query(p): Query<CaseloadParams>,
) -> Result<Response, PageError> {
    let whose = p.view.as_deref().and_then(Whose::parse).unwrap_or_else(|| Whose::default_for(&who.ctx));
    let organisation_id: Option<OrgId> = p.organisation_id.as_deref().and_then(|s| s.parse().ok());
    let sort = p.sort.as_deref().and_then(CaseloadSort::parse).unwrap_or_default();
    let descending = p.dir.as_deref() == Some("desc");
    let query = CaseloadQuery { organisation_id, sort, descending, page: 1, per_page: 200 };
    let search = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let rows = state.app.caseload_export(&who.ctx, &query, whose, search).await.map_err(app_err(&who.ctx))?;
    let mut out = crate::download::csv_line(&[
        "given_name",
        "family_name",
        "date_of_birth",
        "youth_justice_service",
        "custody",
        "in_custody_since",
        "establishment",
        "released_on",
    ]);
    for r in &rows {
        let custody = r.custody.as_ref();
        out.push_str(&crate::download::csv_line(&[
            r.given_name.clone(),
            r.family_name.clone(),
            r.date_of_birth.to_string(),
            r.yjs_name.clone(),
            custody.map(|c| c.kind.as_str().to_string()).unwrap_or_default(),
            custody.map(|c| c.started_on.to_string()).unwrap_or_default(),
            custody.and_then(|c| c.establishment_name.clone()).unwrap_or_default(),
            r.released_on.map(|d| d.to_string()).unwrap_or_default(),
        ]));
    }
    Ok(crate::download::csv_response(out, &format!("caseload-{}.csv", state.app.today())))
}

/// The child's whole record of access as CSV (case managers and managers).
pub async fn audit_csv(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let lines = state.app.child_access_log(&who.ctx, id, 100_000).await.map_err(app_err(&who.ctx))?;
    let mut out = String::from("seq,when_utc,who,organisation,action,resource,purpose,request_id,ip\r\n");
    for l in &lines {
        let e = &l.entry;
        let row = [
            e.seq.to_string(),
            e.at.to_string(),
            l.name.clone(),
            l.organisation.clone(),
            e.action.clone(),
            e.resource.clone(),
            e.purpose.clone(),
            e.request_id.clone(),
            e.ip.clone().unwrap_or_default(),
        ];
        out.push_str(&crate::download::csv_line(&row));
    }
    Ok(crate::download::csv_response(out, &format!("access-{id}.csv")))
}
