//! Health pages: a child's health (notes, assessments, the measures chart with its table,
//! consent decisions, handovers, the share log, and a form to record health information),
//! "Handovers waiting for me", "Handovers I sent", and notifications.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use resettle_app::AppError;
use resettle_app::health::{HandoverLine, HealthView};
use resettle_domain::health::{
    Capacity, ConsentDecision, ConsentInput, HealthCategory, HealthRecordInput, LawfulBasis, MeasureInput, MeasureKind,
    Rater,
};
use resettle_domain::ids::{ChildId, HandoverId};
use resettle_domain::mail::EmailPreference;
use resettle_domain::org::Role;
use resettle_domain::validation::ValidationErrors;
use serde::Deserialize;

use super::parse_id;
use super::{Chrome, date_from_parts, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "health.html")]
struct HealthPage {
    chrome: Chrome,
    view: HealthView,
    /// The outcome measures chart, when there are scores.
    chart: Option<super::health_chart::MeasuresChart>,
    errors: ValidationErrors,
    category: String,
    summary: String,
    detail: String,
    /// The outcome-measure form, as typed.
    measure: MeasureForm,
    /// The consent form, as typed.
    consent: ConsentForm,
    /// Subject access requests waiting for this health professional's review.
    sar_reviews: Vec<resettle_domain::subject_access::SubjectAccessRequest>,
    /// The review's reasons, as typed.
    review_note: String,
    /// A review was just recorded.
    reviewed: bool,
    /// What was just saved, for the success banner.
    notice: Option<&'static str>,
    /// The reader holds a health role: they may start and complete assessments (the
    /// application decides for the team).
    health_staff: bool,
}

impl HealthPage {
    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        HealthCategory::ALL.iter().map(|c| (c.as_str(), c.label())).collect()
    }

    fn measure_kinds(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "Choose")).chain(MeasureKind::ALL.iter().map(|k| (k.as_str(), k.label()))).collect()
    }

    fn raters(&self) -> Vec<(&'static str, &'static str)> {
        Rater::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
    }

    /// The page with empty forms.
    fn new(chrome: Chrome, view: HealthView) -> Self {
        Self {
            chrome,
            chart: super::health_chart::measures_chart(&view.measures),
            view,
            errors: ValidationErrors::new(),
            category: String::new(),
            summary: String::new(),
            detail: String::new(),
            measure: MeasureForm::default(),
            consent: ConsentForm::default(),
            sar_reviews: Vec::new(),
            review_note: String::new(),
            reviewed: false,
            notice: None,
            health_staff: false,
        }
    }

    fn decisions(&self) -> Vec<(&'static str, &'static str)> {
        ConsentDecision::ALL.iter().map(|d| (d.as_str(), d.label())).collect()
    }

    fn capacities(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "Aged 16 or 17: presumed (no assessment)"))
            .chain(Capacity::ALL.iter().filter(|c| **c != Capacity::Presumed).map(|c| (c.as_str(), c.label())))
            .collect()
    }

    fn organisations(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), "Choose".to_string()))
            .chain(self.view.team_organisations.iter().map(|(id, name)| (id.to_string(), name.clone())))
            .collect()
    }

    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "Everyone in the organisation"))
            .chain(Role::ALL.iter().filter(|r| r.works_with_children()).map(|r| (r.as_str(), r.label())))
            .collect()
    }

    fn bases(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "None: shared with consent"))
            .chain(LawfulBasis::ALL.iter().map(|b| (b.as_str(), b.label())))
            .collect()
    }
}

/// The "record a consent or sharing decision" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    decided_by: String,
    #[serde(default)]
    share_with_organisation_id: String,
    #[serde(default)]
    share_with_role: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    lawful_basis: String,
    #[serde(default, rename = "decided_on-day")]
    decided_day: String,
    #[serde(default, rename = "decided_on-month")]
    decided_month: String,
    #[serde(default, rename = "decided_on-year")]
    decided_year: String,
    #[serde(default)]
    csrf_token: String,
}

/// Records a consent, capacity and sharing decision from the page; a mistake comes back with
/// what was typed.
pub async fn record_consent(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ConsentForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.trim().is_empty());
    let input = ConsentInput {
        decision: some(&form.decision),
        capacity: some(&form.capacity),
        decided_by: some(&form.decided_by),
        share_with_organisation_id: some(&form.share_with_organisation_id),
        share_with_role: some(&form.share_with_role),
        purpose: some(&form.purpose),
        lawful_basis: some(&form.lawful_basis),
        decided_on: date_from_parts(&form.decided_day, &form.decided_month, &form.decided_year),
    };
    match state.app.record_consent(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/health?consent=1#consents")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view =
                state.app.health(&who.ctx, id).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let page = HealthPage {
                errors,
                consent: form,
                ..HealthPage::new(Chrome::for_user(&who, "caseload").with_errors(true), view)
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The "record an outcome score" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MeasureForm {
    #[serde(default)]
    measure: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    rater: String,
    #[serde(default, rename = "measured_on-day")]
    measured_day: String,
    #[serde(default, rename = "measured_on-month")]
    measured_month: String,
    #[serde(default, rename = "measured_on-year")]
    measured_year: String,
    #[serde(default)]
    csrf_token: String,
}

/// Records an SDQ or HoNOSCA score from the page (health staff, or those a sharing decision
/// names); a mistake comes back with what was typed.
pub async fn record_measure(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<MeasureForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let input = MeasureInput {
        measure: Some(form.measure.clone()),
        score: Some(form.score.clone()),
        rater: Some(form.rater.clone()),
        measured_on: date_from_parts(&form.measured_day, &form.measured_month, &form.measured_year),
    };
    match state.app.record_measure(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/health?measured=1#measures")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view =
                state.app.health(&who.ctx, id).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let page = HealthPage {
                errors,
                measure: form,
                ..HealthPage::new(Chrome::for_user(&who, "caseload").with_errors(true), view)
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The child's health page. Everyone on the team sees that handovers exist and their status;
/// the content only those the policy lets read it. After a form is saved, a banner says what
/// happened.
pub async fn health_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let (view, sar_reviews) = health_and_reviews(&state, &who, id).await?;
    let notice = if q.contains_key("recorded") {
        Some("Health information recorded")
    } else if q.contains_key("measured") {
        Some("Score recorded")
    } else if q.contains_key("consent") {
        Some("Decision recorded")
    } else if q.contains_key("assessment") {
        Some("Custody health assessment completed: its needs are on the plan")
    } else {
        None
    };
    let page = HealthPage {
        notice,
        sar_reviews,
        reviewed: q.contains_key("reviewed"),
        health_staff: who.ctx.actor.memberships.iter().any(|m| m.role.is_health()),
        ..HealthPage::new(Chrome::for_user(&who, "caseload"), view)
    };
    Ok(render(StatusCode::OK, &page))
}

/// The child's health, and the subject access requests waiting for this person's review.
async fn health_and_reviews(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
) -> Result<(HealthView, Vec<resettle_domain::subject_access::SubjectAccessRequest>), PageError> {
    let fail = |e| PageError::App(e, who.ctx.request_id.clone());
    let view = state.app.health(&who.ctx, id).await.map_err(fail)?;
    let reviews = state.app.subject_access_reviews_waiting(&who.ctx, id).await.map_err(fail)?;
    Ok((view, reviews))
}

/// The health page again with a mistake in the subject access review form.
pub(crate) async fn page_with_review_errors(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    errors: ValidationErrors,
    note: &str,
) -> Result<Response, PageError> {
    let (view, sar_reviews) = health_and_reviews(state, who, id).await?;
    let page = HealthPage {
        errors,
        sar_reviews,
        review_note: note.to_string(),
        ..HealthPage::new(Chrome::for_user(who, "caseload").with_errors(true), view)
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The "record health information" form.
#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    csrf_token: String,
}

/// Records health information from the page; it goes to the YJS health worker.
pub async fn record_health(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: ChildId = parse_id(&id)?;
    let input = HealthRecordInput {
        category: Some(form.category.clone()),
        summary: Some(form.summary.clone()),
        detail: Some(form.detail.clone()),
        source: None,
    };
    match state.app.record_health(&who.ctx, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}/health?recorded=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view =
                state.app.health(&who.ctx, id).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let page = HealthPage {
                errors,
                category: form.category,
                summary: form.summary,
                detail: form.detail,
                ..HealthPage::new(Chrome::for_user(&who, "caseload").with_errors(true), view)
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "handovers.html")]
struct HandoversPage {
    chrome: Chrome,
    sent: bool,
    rows: Vec<HandoverLine>,
    errors: ValidationErrors,
    /// What was just saved, for the success banner.
    notice: Option<&'static str>,
}

/// "Handovers waiting for me": addressed to me, or to a role I hold there; after an
/// acknowledgement, a banner says it was made.
pub async fn waiting_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let rows =
        state.app.handovers_waiting(&who.ctx).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let page = HandoversPage {
        chrome: Chrome::for_user(&who, "handovers"),
        sent: false,
        rows,
        errors: ValidationErrors::new(),
        notice: q.contains_key("acknowledged").then_some("Handover acknowledged: the sender can see that you have it"),
    };
    Ok(render(StatusCode::OK, &page))
}

/// "Handovers I sent that are unacknowledged".
pub async fn sent_page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PageError> {
    let rows = state.app.handovers_sent(&who.ctx).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let page = HandoversPage {
        chrome: Chrome::for_user(&who, "handovers-sent"),
        sent: true,
        rows,
        errors: ValidationErrors::new(),
        notice: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The acknowledgement form.
#[derive(Deserialize)]
pub struct AckForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    csrf_token: String,
}

/// Acknowledges a handover with an optional note.
pub async fn acknowledge(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<AckForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    let id: HandoverId = parse_id(&id)?;
    match state.app.acknowledge_handover(&who.ctx, id, Some(&form.note)).await {
        Ok(_) => Ok(Redirect::to("/handovers?acknowledged=1").into_response()),
        Err(AppError::Invalid(errors)) => {
            let rows = state
                .app
                .handovers_waiting(&who.ctx)
                .await
                .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
            let page = HandoversPage {
                chrome: Chrome::for_user(&who, "handovers").with_errors(true),
                sent: false,
                rows,
                errors,
                notice: None,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    groups: Vec<super::notifications::GroupLine>,
    /// The page shown (1-based), for the group forms to come back to.
    page: u32,
    pagination: super::Pagination,
    preference: String,
    /// What was just saved, for the success banner.
    notice: Option<&'static str>,
    errors: ValidationErrors,
}

impl NotificationsPage {
    fn preferences(&self) -> Vec<(&'static str, &'static str)> {
        EmailPreference::ALL.iter().map(|p| (p.as_str(), p.label())).collect()
    }

    async fn build(
        state: &AppState,
        who: &SignedIn,
        page: u32,
        preference: Option<String>,
        notice: Option<&'static str>,
        errors: ValidationErrors,
    ) -> Result<Self, PageError> {
        let err = |e| PageError::App(e, who.ctx.request_id.clone());
        let found = state.app.notification_groups(&who.ctx, page).await.map_err(err)?;
        let preference = match preference {
            Some(p) => p,
            None => state.app.email_preference(&who.ctx).await.map_err(err)?.as_str().to_string(),
        };
        let pages = found.pages();
        Ok(Self {
            chrome: Chrome::for_user(who, "notifications").with_errors(!errors.is_empty()),
            page: found.page,
            pagination: super::Pagination::new("Pages of notifications", found.page.min(pages), pages, |n| {
                format!("/notifications?page={n}")
            }),
            groups: found.items.iter().map(super::notifications::GroupLine::from).collect(),
            preference,
            notice,
            errors,
        })
    }
}

/// The "how you get emails" form.
#[derive(Deserialize)]
pub struct PreferenceForm {
    #[serde(default)]
    email_preference: String,
    #[serde(default)]
    csrf_token: String,
}

/// Saves how the signed-in person wants notifications by email.
pub async fn set_email_preference(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<PreferenceForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    match state.app.set_email_preference(&who.ctx, &form.email_preference).await {
        Ok(_) => Ok(Redirect::to("/notifications?saved=1").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = NotificationsPage::build(&state, &who, 1, Some(form.email_preference), None, errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}

/// The signed-in user's notifications, in groups, a page at a time.
pub async fn notifications_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let page = q.get("page").and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).max(1);
    let notice = if q.contains_key("saved") {
        Some("How you get emails is saved.")
    } else {
        match q.get("read").map(String::as_str) {
            Some("group") => Some("Those notifications are marked as read."),
            Some(_) => Some("Every notification is marked as read."),
            None => None,
        }
    };
    let page = NotificationsPage::build(&state, &who, page, None, notice, ValidationErrors::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The "mark as read" forms: all (no `kind`), or one group (`child` and `kind`).
#[derive(Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    child: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: String,
}

/// Marks the user's notifications read: every one, or one group, in one change.
pub async fn mark_read(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<ReadForm>,
) -> Result<Response, PageError> {
    who.check_csrf(&form.csrf_token)?;
    state
        .app
        .mark_notifications_read(&who.ctx, &form.child, &form.kind)
        .await
        .map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    if form.kind.trim().is_empty() {
        return Ok(Redirect::to("/notifications?read=1").into_response());
    }
    let page = form.page.trim().parse::<u32>().unwrap_or(1).max(1);
    Ok(Redirect::to(&format!("/notifications?read=group&page={page}")).into_response())
}
