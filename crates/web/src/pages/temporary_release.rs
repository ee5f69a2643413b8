//! The child's "Time out before release" page: the scheme (ROTL or mobility) and the earliest
//! day out, every period recorded, a form for a new one (planned, or after the fact with how
//! it went) and a form for how a period went.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use resettle_app::AppError;
use resettle_app::temporary_release::{OutcomeInput, TemporaryReleases};
use resettle_domain::ids::ChildId;
use resettle_domain::temporary_release::{
    TemporaryRelease, TemporaryReleaseInput, TemporaryReleaseOutcome, TemporaryReleasePurpose,
};
use resettle_domain::validation::{FieldError, ValidationErrors};
use serde::Deserialize;

use super::{Chrome, date_from_parts, render};
use super::{app_err, child_id, some};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// A new period out, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PeriodForm {
    csrf_token: String,
    purpose: String,
    #[serde(rename = "starts_on-day")]
    start_day: String,
    #[serde(rename = "starts_on-month")]
    start_month: String,
    #[serde(rename = "starts_on-year")]
    start_year: String,
    #[serde(rename = "ends_on-day")]
    end_day: String,
    #[serde(rename = "ends_on-month")]
    end_month: String,
    #[serde(rename = "ends_on-year")]
    end_year: String,
    address: String,
    conditions: String,
    outcome: String,
    outcome_note: String,
}

/// How a period went, as typed: `release` is the period's id and the version read.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ResultForm {
    csrf_token: String,
    release: String,
    result: String,
    result_note: String,
}

/// One period as the page lists it.
struct PeriodLine {
    days: String,
    purpose: &'static str,
    address: String,
    conditions: Option<String>,
    how: String,
}

#[derive(Template)]
#[template(path = "temporary_release.html")]
struct TemporaryReleasePage {
    chrome: Chrome,
    child_id: ChildId,
    child_name: String,
    notice: Option<&'static str>,
    heading: &'static str,
    eligible_from: Option<Date>,
    rule: Option<String>,
    release_on: Option<Date>,
    why_not: Option<&'static str>,
    periods: Vec<PeriodLine>,
    /// Periods started with no outcome yet: (`id:version`, words).
    awaiting: Vec<(String, String)>,
    purpose_options: Vec<(String, String)>,
    outcome_options: Vec<(String, String)>,
    form: PeriodForm,
    result: ResultForm,
    errors: ValidationErrors,
}

fn days(r: &TemporaryRelease) -> String {
    if r.starts_on == r.ends_on {
        super::long_date(r.starts_on)
    } else {
        format!("{} to {}", super::long_date(r.starts_on), super::long_date(r.ends_on))
    }
}

async fn page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    (form, result, errors): (PeriodForm, ResultForm, ValidationErrors),
    notice: Option<&'static str>,
) -> Result<TemporaryReleasePage, PageError> {
    let child = state.app.child(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let t: TemporaryReleases = state.app.temporary_releases(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let today = state.app.today();
    let heading = match t.eligibility.as_ref().map(|e| e.kind) {
        Some(resettle_domain::temporary_release::TemporaryReleaseKind::Rotl) => "Release on temporary licence",
        Some(resettle_domain::temporary_release::TemporaryReleaseKind::Mobility) => "Mobility",
        None => "Time out before release",
    };
    let periods = t
        .items
        .iter()
        .map(|r| PeriodLine {
            days: days(r),
            purpose: r.purpose.label(),
            address: r.address.clone(),
            conditions: r.conditions.clone(),
            how: match (r.outcome, &r.outcome_note) {
                (Some(o), Some(note)) => format!("{}: {note}", o.label()),
                (Some(o), None) => o.label().to_string(),
                (None, _) if r.starts_on > today => "Planned".to_string(),
                (None, _) => "How it went is not recorded yet".to_string(),
            },
        })
        .collect();
    let awaiting = t
        .items
        .iter()
        .filter(|r| r.outcome.is_none() && r.starts_on <= today)
        .map(|r| (format!("{}:{}", r.id, r.version), format!("{} ({})", days(r), r.purpose.label().to_lowercase())))
        .collect();
    Ok(TemporaryReleasePage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        child_id: id,
        child_name: child.display_name(),
        notice,
        heading,
        eligible_from: t.eligibility.as_ref().and_then(|e| e.eligible_from),
        rule: t.eligibility.as_ref().map(|e| e.rule.clone()),
        release_on: t.release_on,
        why_not: t.why_not,
        periods,
        awaiting,
        purpose_options: TemporaryReleasePurpose::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string()))
            .collect(),
        outcome_options: TemporaryReleaseOutcome::ALL
            .iter()
            .map(|o| (o.as_str().to_string(), o.label().to_string()))
            .collect(),
        form,
        result,
        errors,
    })
}

/// `?notice=` on the page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: String,
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let id = child_id(&id)?;
    let notice = match q.notice.as_str() {
        "recorded" => Some("Time out recorded"),
        "outcome" => Some("How the time out went is recorded"),
        _ => None,
    };
    let blank = (PeriodForm::default(), ResultForm::default(), ValidationErrors::new());
    Ok(render(StatusCode::OK, &page_for(&state, &who, id, blank, notice).await?))
}

/// Records a period out, or shows the page again with what to fix.
pub async fn record(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<PeriodForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id = child_id(&id)?;
    let input = TemporaryReleaseInput {
        purpose: some(&form.purpose),
        starts_on: date_from_parts(&form.start_day, &form.start_month, &form.start_year),
        ends_on: date_from_parts(&form.end_day, &form.end_month, &form.end_year),
        address: some(&form.address),
        conditions: some(&form.conditions),
        outcome: some(&form.outcome),
        outcome_note: some(&form.outcome_note),
    };
    match state.app.record_temporary_release(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/temporary-release?notice=recorded")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = page_for(&state, &who, id, (form, ResultForm::default(), errors), None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// Records how a period went, or shows the page again with what to fix.
pub async fn record_result(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(result): Form<ResultForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&result.csrf_token)?;
    let id = child_id(&id)?;
    let chosen = result.release.split_once(':').and_then(|(r, v)| Some((r.parse().ok()?, v.parse::<i64>().ok()?)));
    let outcome = match chosen {
        None => Err(AppError::invalid("release", "Choose the time out")),
        Some((release, version)) => {
            let input =
                OutcomeInput { version, outcome: some(&result.result), outcome_note: some(&result.result_note) };
            state.app.record_temporary_release_outcome(&who.ctx, id, release, &input).await.map(|_| ())
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/children/{id}/temporary-release?notice=outcome")).into_response()),
        Err(AppError::Invalid(errors)) => {
            // The page's own names for the fields of this form (the new-period form has its
            // own "outcome").
            let errors = ValidationErrors(
                errors
                    .0
                    .into_iter()
                    .map(|e| match e.field.as_str() {
                        "outcome" => FieldError::new("result", e.message),
                        "outcome_note" => FieldError::new("result_note", e.message),
                        _ => e,
                    })
                    .collect(),
            );
            let page = page_for(&state, &who, id, (PeriodForm::default(), result, errors), None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
