//! Recording sentences and remands, and recalculating key dates.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use resettle_app::custody::{KeyDatesRecord, RecalculationInput};
use resettle_app::{AppError, Ctx};
use resettle_domain::ids::{ChildId, SentenceId};
use resettle_domain::sentence::{KeyDates, KeyDatesRevision, RemandInput, SentenceInput, SentenceKind};
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::{Chrome, date_from_parts, date_parts, render};
use super::{app_err, child_id, some};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// The current sentence's key dates, as the child's page shows them.
pub struct KeyDatesView {
    pub(crate) sentence_id: SentenceId,
    pub(crate) kind_label: &'static str,
    pub(crate) term: Option<String>,
    pub(crate) sentence_date: Date,
    pub(crate) remand_days: u32,
    pub(crate) dates: KeyDates,
    /// The expected day of discharge (after s.23(3) and any decision).
    pub(crate) discharge_on: Date,
    /// Why the day of discharge was decided, when it was.
    pub(crate) discharge_reason: Option<String>,
    pub(crate) explanation: Vec<String>,
    pub(crate) history: Vec<KeyDatesRevision>,
    pub(crate) can_recalculate: bool,
}

/// A remand on the child's page: when it began and where, and how it ended.
pub struct RemandLine {
    /// First day on remand.
    pub started_on: Date,
    /// The establishment, by name.
    pub establishment: Option<String>,
    /// The next court date, while on remand.
    pub next_court_date: Option<Date>,
    /// The court's date, when the remand has ended.
    pub ended_on: Option<Date>,
    /// How it ended, in words.
    pub how: &'static str,
}

/// The child's remands, newest first, with how each ended.
pub fn remand_lines(record: &resettle_app::children::ChildRecord) -> Vec<RemandLine> {
    let k = &record.key_dates;
    k.remands
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let end = k.remand_ends.get(i).copied().flatten();
            RemandLine {
                started_on: r.started_on,
                establishment: record
                    .custody
                    .iter()
                    .flat_map(|e| e.placements.iter())
                    .find(|p| p.placement.establishment_id == r.establishment_id)
                    .map(|p| p.establishment_name.clone()),
                next_court_date: r.next_court_date.filter(|_| end.is_none()),
                ended_on: end.map(|e| e.on),
                how: end.and_then(|e| e.outcome).map_or("how it ended was not recorded", |o| o.label()),
            }
        })
        .collect()
}

/// A deadline line on the child's page.
#[derive(Clone)]
pub struct DeadlineLine {
    pub(crate) label: &'static str,
    pub(crate) due_by: Date,
    pub(crate) rule: String,
    pub(crate) status: String,
    pub(crate) tag_class: &'static str,
    /// Not yet met, held or cancelled.
    pub(crate) open: bool,
}

/// Builds the key-dates part of the child's page.
pub fn key_dates_view(
    state: &AppState,
    record: &KeyDatesRecord,
    meetings: &[resettle_domain::meeting::Meeting],
    calendar: &resettle_domain::calendar::Calendar,
    today: Date,
) -> (Option<KeyDatesView>, Vec<DeadlineLine>) {
    let view = record.sentences.first().and_then(|s| {
        let current = s.revisions.last()?;
        Some(KeyDatesView {
            sentence_id: s.sentence.id,
            kind_label: s.sentence.kind.label(),
            term: s.sentence.term_months.map(|m| format!("{m} months")),
            sentence_date: s.sentence.sentence_date,
            remand_days: s.sentence.remand_days,
            discharge_on: resettle_domain::discharge::discharge_with(
                calendar,
                &current.dates,
                record.decision(s.sentence.id),
            ),
            discharge_reason: record.decision(s.sentence.id).map(|d| d.reason.clone()),
            dates: current.dates.clone(),
            explanation: state.app.explain_key_dates(&s.sentence, current),
            history: s.revisions.clone(),
            can_recalculate: s.sentence.kind == SentenceKind::Dto,
        })
    });
    let deadlines = record
        .deadlines
        .iter()
        .map(|d| {
            let progress = resettle_domain::timescales::deadline_progress(d.kind, d.due_by, meetings, today);
            DeadlineLine {
                label: d.kind.label(),
                due_by: d.due_by,
                rule: d.rule.clone(),
                status: progress.words(),
                tag_class: progress.tag_class(),
                open: matches!(
                    progress,
                    resettle_domain::timescales::DeadlineProgress::Overdue
                        | resettle_domain::timescales::DeadlineProgress::DueSoon
                        | resettle_domain::timescales::DeadlineProgress::Upcoming
                ),
            }
        })
        .collect();
    (view, deadlines)
}

async fn establishment_options(state: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let orgs = state.app.open_organisations().await.map_err(app_err(ctx))?;
    let mut options = vec![(String::new(), "Choose an establishment".to_string())];
    options.extend(
        orgs.into_iter()
            .filter(|o| o.kind.is_secure_establishment())
            .map(|o| (o.id.to_string(), format!("{} ({})", o.name, o.kind.label()))),
    );
    Ok(options)
}

// ---------------------------------------------------------------------------------------------
// Sentence

/// The record-a-sentence form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SentenceForm {
    csrf_token: String,
    kind: String,
    #[serde(rename = "sentence_date-day")]
    sentence_day: String,
    #[serde(rename = "sentence_date-month")]
    sentence_month: String,
    #[serde(rename = "sentence_date-year")]
    sentence_year: String,
    term_months: String,
    remand_days: String,
    curfew_days: String,
    establishment_id: String,
    court: String,
    #[serde(rename = "release_date-day")]
    release_day: String,
    #[serde(rename = "release_date-month")]
    release_month: String,
    #[serde(rename = "release_date-year")]
    release_year: String,
    #[serde(rename = "sled-day")]
    sled_day: String,
    #[serde(rename = "sled-month")]
    sled_month: String,
    #[serde(rename = "sled-year")]
    sled_year: String,
    key_dates_source: String,
}

#[derive(Template)]
#[template(path = "sentence_new.html")]
struct SentencePage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    form: SentenceForm,
    errors: ValidationErrors,
    kind_options: Vec<(String, String)>,
    establishment_options: Vec<(String, String)>,
}

async fn sentence_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    form: SentenceForm,
    errors: ValidationErrors,
) -> Result<SentencePage, PageError> {
    let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(SentencePage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: child.display_name(),
        form,
        errors,
        kind_options: SentenceKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect(),
        establishment_options: establishment_options(state, &who.ctx).await?,
    })
}

/// The local authorities a remanded child may be looked after by; blank is the one on the team.
async fn local_authority_options(state: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let orgs = state.app.open_organisations().await.map_err(app_err(ctx))?;
    let mut options = vec![(String::new(), "The local authority on the child's team".to_string())];
    options.extend(
        orgs.into_iter()
            .filter(|o| o.kind == resettle_domain::org::OrgKind::LocalAuthority)
            .map(|o| (o.id.to_string(), o.name)),
    );
    Ok(options)
}

/// The record-a-sentence form.
pub async fn sentence_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let form = SentenceForm { kind: "dto".into(), ..Default::default() };
    let page = sentence_page_for(&state, &who, id, form, ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Records the sentence, or shows the form again with what to fix.
pub async fn record_sentence(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<SentenceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = SentenceInput {
        kind: some(&form.kind),
        sentence_date: date_from_parts(&form.sentence_day, &form.sentence_month, &form.sentence_year),
        term_months: some(&form.term_months),
        remand_days: some(&form.remand_days),
        curfew_days: some(&form.curfew_days),
        establishment_id: some(&form.establishment_id),
        court: some(&form.court),
        release_date: date_from_parts(&form.release_day, &form.release_month, &form.release_year),
        sled: date_from_parts(&form.sled_day, &form.sled_month, &form.sled_year),
        key_dates_source: some(&form.key_dates_source),
        offence_id: None,
    };
    match state.app.record_sentence(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=sentence#key-dates")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = sentence_page_for(&state, &who, id, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Remand

/// The record-a-remand form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RemandForm {
    csrf_token: String,
    #[serde(rename = "start_date-day")]
    start_day: String,
    #[serde(rename = "start_date-month")]
    start_month: String,
    #[serde(rename = "start_date-year")]
    start_year: String,
    establishment_id: String,
    #[serde(rename = "next_court_date-day")]
    court_day: String,
    #[serde(rename = "next_court_date-month")]
    court_month: String,
    #[serde(rename = "next_court_date-year")]
    court_year: String,
    court: String,
    local_authority_id: String,
}

#[derive(Template)]
#[template(path = "remand_new.html")]
struct RemandPage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    form: RemandForm,
    errors: ValidationErrors,
    establishment_options: Vec<(String, String)>,
    local_authority_options: Vec<(String, String)>,
}

async fn remand_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    form: RemandForm,
    errors: ValidationErrors,
) -> Result<RemandPage, PageError> {
    let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(RemandPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: child.display_name(),
        form,
        errors,
        establishment_options: establishment_options(state, &who.ctx).await?,
        local_authority_options: local_authority_options(state, &who.ctx).await?,
    })
}

/// The record-a-remand form.
pub async fn remand_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let page = remand_page_for(&state, &who, id, RemandForm::default(), ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Records the remand, or shows the form again.
pub async fn record_remand(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RemandForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = RemandInput {
        start_date: date_from_parts(&form.start_day, &form.start_month, &form.start_year),
        establishment_id: some(&form.establishment_id),
        next_court_date: date_from_parts(&form.court_day, &form.court_month, &form.court_year),
        court: some(&form.court),
        offence_id: None,
        local_authority_id: some(&form.local_authority_id),
    };
    match state.app.record_remand(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?notice=remand#key-dates")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = remand_page_for(&state, &who, id, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Recalculation

/// The recalculation form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RecalculationForm {
    csrf_token: String,
    version: String,
    #[serde(rename = "sentence_date-day")]
    sentence_day: String,
    #[serde(rename = "sentence_date-month")]
    sentence_month: String,
    #[serde(rename = "sentence_date-year")]
    sentence_year: String,
    term_months: String,
    remand_days: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "recalculate.html")]
struct RecalculationPage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    form: RecalculationForm,
    errors: ValidationErrors,
    conflict: bool,
}

async fn current_form(
    state: &AppState,
    who: &SignedIn,
    id: SentenceId,
) -> Result<(ChildId, String, RecalculationForm), PageError> {
    let not_found = || PageError::App(AppError::NotFound, who.ctx.request_id.clone());
    let sentence = state
        .app
        .store()
        .sentence(id)
        .await
        .map_err(|e| PageError::App(e.into(), who.ctx.request_id.clone()))?
        .ok_or_else(not_found)?;
    // Reading the child applies the access policy: outside the team, the sentence is not found.
    let child = state.app.child(&who.ctx, sentence.child_id).await.map_err(app_err(&who.ctx))?;
    let (d, m, y) = date_parts(Some(sentence.sentence_date));
    Ok((
        child.id,
        child.display_name(),
        RecalculationForm {
            version: sentence.version.to_string(),
            sentence_day: d,
            sentence_month: m,
            sentence_year: y,
            term_months: sentence.term_months.map(|t| t.to_string()).unwrap_or_default(),
            remand_days: sentence.remand_days.to_string(),
            ..Default::default()
        },
    ))
}

/// The recalculation form, filled with the current figures.
pub async fn recalculate_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: SentenceId = id.parse().map_err(|_| PageError::App(AppError::NotFound, String::new()))?;
    let (child_id, child_name, form) = current_form(&state, &who, id).await?;
    let page = RecalculationPage {
        chrome: Chrome::for_user(&who, "caseload"),
        child_id,
        child_name,
        form,
        errors: ValidationErrors::new(),
        conflict: false,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Recalculates, or shows the form again.
pub async fn recalculate(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RecalculationForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: SentenceId = id.parse().map_err(|_| PageError::App(AppError::NotFound, String::new()))?;
    let input = RecalculationInput {
        version: form.version.trim().parse().unwrap_or(0),
        sentence_date: date_from_parts(&form.sentence_day, &form.sentence_month, &form.sentence_year),
        term_months: some(&form.term_months),
        remand_days: some(&form.remand_days),
        reason: some(&form.reason),
    };
    match state.app.recalculate_sentence(&who.ctx, id, &input).await {
        Ok(r) => {
            Ok(Redirect::to(&format!("/children/{}?notice=recalculated#key-dates", r.sentence.child_id))
                .into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let (child_id, child_name, _) = current_form(&state, &who, id).await?;
            let page = RecalculationPage {
                chrome: Chrome::for_user(&who, "caseload").with_errors(true),
                child_id,
                child_name,
                form,
                errors,
                conflict: false,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { .. }) => {
            let (child_id, child_name, latest) = current_form(&state, &who, id).await?;
            let page = RecalculationPage {
                chrome: Chrome::for_user(&who, "caseload"),
                child_id,
                child_name,
                form: RecalculationForm { reason: form.reason, ..latest },
                errors: ValidationErrors::new(),
                conflict: true,
            };
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Transfers and releases

/// The transfer or release form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MoveForm {
    csrf_token: String,
    #[serde(rename = "date-day")]
    day: String,
    #[serde(rename = "date-month")]
    month: String,
    #[serde(rename = "date-year")]
    year: String,
    establishment_id: String,
    reason: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "custody_move.html")]
struct MovePage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    current: String,
    transfer: bool,
    form: MoveForm,
    errors: ValidationErrors,
    establishment_options: Vec<(String, String)>,
    release_options: Vec<(String, String)>,
}

async fn move_page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    transfer: bool,
    form: MoveForm,
    errors: ValidationErrors,
) -> Result<MovePage, PageError> {
    let record = state.app.child_record(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let current = record
        .custody
        .iter()
        .find(|e| e.episode.ended_on.is_none())
        .and_then(|e| e.placements.iter().find(|p| p.placement.ended_on.is_none()))
        .map(|p| p.establishment_name.clone())
        .ok_or_else(|| {
            PageError::App(AppError::invalid("date", "The child is not in custody"), who.ctx.request_id.clone())
        })?;
    Ok(MovePage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: record.child.display_name(),
        current,
        transfer,
        form,
        errors,
        establishment_options: if transfer { establishment_options(state, &who.ctx).await? } else { Vec::new() },
        release_options: std::iter::once((String::new(), "Not known yet".to_string()))
            .chain(
                resettle_domain::post_release::ReleaseKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_string(), k.label().to_string())),
            )
            .collect(),
    })
}

async fn move_form(state: AppState, who: SignedIn, id: String, transfer: bool) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let page = move_page_for(&state, &who, id, transfer, MoveForm::default(), ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn move_submit(
    state: AppState,
    who: SignedIn,
    id: String,
    transfer: bool,
    form: MoveForm,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = resettle_app::custody::MoveInput {
        date: date_from_parts(&form.day, &form.month, &form.year),
        establishment_id: some(&form.establishment_id),
        reason: some(&form.reason),
        kind: if transfer { None } else { some(&form.kind) },
    };
    let result = if transfer {
        state.app.transfer(&who.ctx, id, &input).await.map(|_| "transferred")
    } else {
        state.app.release(&who.ctx, id, &input).await.map(|_| "released")
    };
    match result {
        Ok(notice) => Ok(Redirect::to(&format!("/children/{id}?notice={notice}#custody")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = move_page_for(&state, &who, id, transfer, form, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The transfer form.
pub async fn transfer_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    move_form(state, who, id, true).await
}

/// Records a transfer.
pub async fn record_transfer(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    move_submit(state, who, id, true, form).await
}

/// The release form.
pub async fn release_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    move_form(state, who, id, false).await
}

/// Records a release.
pub async fn record_release(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    move_submit(state, who, id, false, form).await
}
