//! The custody health assessment as a page: health staff on the team start it (pre-filled from
//! the community health assessment and the open health needs), then confirm, change or close
//! each carried-over answer and need, add what they found, and complete it. Until now only the
//! API could.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::AppError;
use resettle_domain::health::{Assessment, AssessmentStatus, NeedFindingInput, Review, Section, SectionInput};
use resettle_domain::ids::{AssessmentId, ChildId};
use resettle_domain::plan::Pathway;
use resettle_domain::validation::ValidationErrors;

use super::{Chrome, app_err, child_id, parse_id, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// Starts the custody health assessment and opens it to review.
pub async fn start(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    who.check_csrf(form.get("csrf_token").map(String::as_str).unwrap_or_default())?;
    let id: ChildId = child_id(&id)?;
    let a = state.app.start_custody_assessment(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(Redirect::to(&format!("/health/assessments/{}", a.id)).into_response())
}

/// One answer or need as the page shows it: its index, what it is, the words, whether it was
/// carried over, and the review chosen.
struct Line {
    index: usize,
    label: String,
    text: String,
    carried: bool,
    review: String,
    close_reason: String,
}

#[derive(Template)]
#[template(path = "health_assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    assessment_id: AssessmentId,
    child_id: ChildId,
    child_name: String,
    complete: bool,
    version: i64,
    sections: Vec<Line>,
    /// Sections not in the draft yet: (key, label, typed findings).
    more_sections: Vec<(String, String, String)>,
    needs: Vec<Line>,
    /// The index a new need takes, and what was typed for it.
    new_need: (usize, String, String),
    pathways: Vec<(String, String)>,
    errors: ValidationErrors,
}

impl AssessmentPage {
    /// What a carried-over answer or need may become.
    fn reviews(&self) -> Vec<(String, String)> {
        [(Review::Confirmed, "Still right"), (Review::Changed, "Changed"), (Review::Closed, "No longer applies")]
            .iter()
            .map(|(r, words)| (r.as_str().to_string(), words.to_string()))
            .collect()
    }
}

fn page_for(
    who: &SignedIn,
    a: &Assessment,
    child_name: String,
    typed: &HashMap<String, String>,
    errors: ValidationErrors,
) -> AssessmentPage {
    let get = |k: String, or: &str| typed.get(&k).cloned().unwrap_or_else(|| or.to_string());
    let sections: Vec<Line> = a
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| Line {
            index: i,
            label: s.section.label().to_string(),
            text: get(format!("sections[{i}].findings"), &s.findings),
            carried: s.carried_from.is_some(),
            review: get(
                format!("sections[{i}].review"),
                if s.review == Review::CarriedOver { "" } else { s.review.as_str() },
            ),
            close_reason: get(format!("sections[{i}].close_reason"), s.close_reason.as_deref().unwrap_or_default()),
        })
        .collect();
    let more_sections = Section::ALL
        .iter()
        .filter(|k| !a.sections.iter().any(|s| s.section == **k))
        .map(|k| (k.as_str().to_string(), k.label().to_string(), get(format!("new.{}", k.as_str()), "")))
        .collect();
    let needs: Vec<Line> = a
        .needs
        .iter()
        .enumerate()
        .map(|(i, n)| Line {
            index: i,
            label: n.pathway.label().to_string(),
            text: get(format!("needs[{i}].description"), &n.description),
            carried: n.review != Review::New,
            review: get(
                format!("needs[{i}].review"),
                if n.review == Review::CarriedOver { "" } else { n.review.as_str() },
            ),
            close_reason: get(format!("needs[{i}].close_reason"), n.close_reason.as_deref().unwrap_or_default()),
        })
        .collect();
    let n = a.needs.len();
    AssessmentPage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        assessment_id: a.id,
        child_id: a.child_id,
        child_name,
        complete: a.status == AssessmentStatus::Complete,
        version: a.version,
        sections,
        more_sections,
        needs,
        new_need: (n, get(format!("needs[{n}].pathway"), ""), get(format!("needs[{n}].description"), "")),
        pathways: [Pathway::Health, Pathway::SubstanceMisuse]
            .iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string()))
            .collect(),
        errors,
    }
}

/// The draft to review and complete (or the completed assessment, read only).
pub async fn page(State(state): State<AppState>, who: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: AssessmentId = parse_id(&id)?;
    let (a, child) = state.app.assessment_to_review(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let page = page_for(&who, &a, child.display_name(), &HashMap::new(), ValidationErrors::new());
    Ok(render(StatusCode::OK, &page))
}

/// The review as typed: `sections[i].…`, `needs[i].…`, `new.{section}` and `version`.
fn review_of(typed: &HashMap<String, String>, a: &Assessment) -> (Vec<SectionInput>, Vec<NeedFindingInput>) {
    let v = |k: String| typed.get(&k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut sections: Vec<SectionInput> = a
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionInput {
            section: Some(s.section.as_str().to_string()),
            findings: v(format!("sections[{i}].findings")),
            review: if s.carried_from.is_some() { v(format!("sections[{i}].review")) } else { None },
            close_reason: v(format!("sections[{i}].close_reason")),
        })
        .collect();
    for k in Section::ALL.iter().filter(|k| !a.sections.iter().any(|s| s.section == **k)) {
        if let Some(findings) = v(format!("new.{}", k.as_str())) {
            sections.push(SectionInput {
                section: Some(k.as_str().to_string()),
                findings: Some(findings),
                review: None,
                close_reason: None,
            });
        }
    }
    let mut needs: Vec<NeedFindingInput> = a
        .needs
        .iter()
        .enumerate()
        .map(|(i, n)| NeedFindingInput {
            pathway: Some(n.pathway.as_str().to_string()),
            description: v(format!("needs[{i}].description")),
            review: if n.review == Review::New { None } else { v(format!("needs[{i}].review")) },
            close_reason: v(format!("needs[{i}].close_reason")),
        })
        .collect();
    let n = a.needs.len();
    if let Some(description) = v(format!("needs[{n}].description")) {
        needs.push(NeedFindingInput {
            pathway: v(format!("needs[{n}].pathway")),
            description: Some(description),
            review: None,
            close_reason: None,
        });
    }
    (sections, needs)
}

/// Completes the assessment, or shows it again with what to fix and what was typed.
pub async fn complete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed: HashMap<String, String> = form.into_iter().collect();
    who.check_csrf(typed.get("csrf_token").map(String::as_str).unwrap_or_default())?;
    let id: AssessmentId = parse_id(&id)?;
    let (a, child) = state.app.assessment_to_review(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let (sections, needs) = review_of(&typed, &a);
    let version = typed.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    match state.app.complete_assessment(&who.ctx, id, version, &sections, &needs).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{}/health?assessment=1", a.child_id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = page_for(&who, &a, child.display_name(), &typed, errors);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
