//! Health over JSON: notes of health information (which hand over to the YJS health worker),
//! assessments, measures, consent decisions, and closed-loop handovers. Health content is
//! withheld from callers the policy does not let read it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use resettle_app::AppError;
use resettle_app::health::{HandoverLine, HandoverView, HealthView};
use resettle_domain::health::{
    Assessment, AssessmentInput, ConsentInput, Handover, HealthRecordInput, MeasureInput, NeedFindingInput,
    SectionInput,
};
use resettle_domain::ids::{AssessmentId, ChildId, HandoverId};

use super::{ApiJson, ApiQuery};
use super::{err, id};
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;

/// A handover.
#[derive(Serialize, ToSchema)]
pub struct HandoverJson {
    /// Id.
    pub id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// `health_record`, `assessment`, `custody_placement`, `transfer` or `release`.
    pub item_kind: String,
    /// The item's id, when it is one record.
    pub item_id: Option<Uuid>,
    /// What is handed over (withheld from those who may not read health content).
    pub summary: String,
    /// Sender's name.
    pub sender_name: String,
    /// Addressed to this person, if one.
    pub recipient_user_id: Option<Uuid>,
    /// In this organisation.
    pub recipient_organisation_id: Uuid,
    /// In this role.
    pub recipient_role: Option<String>,
    /// Sent (RFC 3339, UTC).
    pub sent_at: String,
    /// To be acknowledged by the end of this day, `YYYY-MM-DD`.
    pub due_on: String,
    /// `pending`, `acknowledged` or `overdue`.
    pub status: String,
    /// Acknowledged (RFC 3339, UTC).
    pub acknowledged_at: Option<String>,
    /// By whom.
    pub acknowledged_by: Option<String>,
    /// Their note.
    pub note: Option<String>,
}

impl HandoverJson {
    fn new(h: &Handover, status: &str) -> Self {
        Self {
            id: h.id.0,
            child_id: h.child_id.0,
            item_kind: h.item_kind.clone(),
            item_id: h.item_id,
            summary: h.summary.clone(),
            sender_name: h.sender_name.clone(),
            recipient_user_id: h.recipient.user_id.map(|u| u.0),
            recipient_organisation_id: h.recipient.organisation_id.0,
            recipient_role: h.recipient.role.map(|r| r.as_str().to_string()),
            sent_at: h.sent_at.to_string(),
            due_on: h.due_on.to_string(),
            status: status.to_string(),
            acknowledged_at: h.acknowledged_at.map(|t| t.to_string()),
            acknowledged_by: h.acknowledged_by_name.clone(),
            note: h.acknowledgement_note.clone(),
        }
    }
}

impl From<&HandoverView> for HandoverJson {
    fn from(v: &HandoverView) -> Self {
        Self::new(&v.handover, v.status.as_str())
    }
}

impl From<&HandoverLine> for HandoverJson {
    fn from(v: &HandoverLine) -> Self {
        Self::new(&v.row.handover, v.status.as_str())
    }
}

/// A child's health record as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct HealthJson {
    /// The child.
    pub child_id: Uuid,
    /// Whether the caller may read health content. When false, only the handovers (without
    /// their content) and the share log (without what was shared) are given.
    pub content_visible: bool,
    /// Notes of health information, newest first.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
    /// Assessments, newest first, with findings per section and identified needs.
    #[schema(value_type = Vec<Object>)]
    pub assessments: Vec<serde_json::Value>,
    /// Outcome measures, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub measures: Vec<serde_json::Value>,
    /// Consent and sharing decisions, newest first.
    #[schema(value_type = Vec<Object>)]
    pub consents: Vec<serde_json::Value>,
    /// Handovers, newest first.
    pub handovers: Vec<HandoverJson>,
    /// Share log, newest first.
    #[schema(value_type = Vec<Object>)]
    pub share_log: Vec<serde_json::Value>,
}

fn values<T: Serialize>(list: &[T]) -> Vec<serde_json::Value> {
    list.iter().filter_map(|x| serde_json::to_value(x).ok()).collect()
}

impl From<&HealthView> for HealthJson {
    fn from(v: &HealthView) -> Self {
        Self {
            child_id: v.child.id.0,
            content_visible: v.content_visible,
            records: values(&v.records),
            assessments: values(&v.assessments),
            measures: values(&v.measures),
            consents: values(&v.consents),
            handovers: v.handovers.iter().map(HandoverJson::from).collect(),
            share_log: values(&v.shares),
        }
    }
}

/// A child's health: notes, assessments, measures, consent decisions, handovers and the share
/// log. Anyone on the team sees that handovers exist and their status; the content only health
/// staff on the team, or those a recorded consent or sharing decision names.
#[utoipa::path(get, path = "/api/v1/children/{id}/health", tag = "health", params(("id" = String, Path)),
    responses((status = 200, body = HealthJson), (status = 404, body = Problem)))]
pub async fn get_health(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<HealthJson>, ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let view = state.app.health(&ctx, child).await.map_err(err(&ctx))?;
    Ok(Json(HealthJson::from(&view)))
}

/// A note of health information.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHealthRecord {
    /// `physical_health`, `mental_health`, `substance_use`, `neurodisability`,
    /// `speech_language_communication` or `other`.
    pub category: String,
    /// One line.
    pub summary: String,
    /// More words.
    pub detail: Option<String>,
    /// Where the information came from.
    pub source: Option<String>,
}

/// The note recorded, with the handovers it created.
#[derive(Serialize, ToSchema)]
pub struct RecordedHealthJson {
    /// The note's id.
    pub id: Uuid,
    /// Handovers sent (to the child's YJS health worker, unless they recorded it).
    pub handovers: Vec<HandoverJson>,
}

/// Records health information. Anyone on the team may; it is handed over to the child's YJS
/// health worker (the named one on the team, else anyone with that role in the YJS).
#[utoipa::path(post, path = "/api/v1/children/{id}/health/records", tag = "health", params(("id" = String, Path)),
    request_body = NewHealthRecord,
    responses((status = 201, body = RecordedHealthJson), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_record(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewHealthRecord>,
) -> Result<(StatusCode, Json<RecordedHealthJson>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = HealthRecordInput {
        category: Some(body.category),
        summary: Some(body.summary),
        detail: body.detail,
        source: body.source,
    };
    let done = state.app.record_health(&ctx, child, &input).await.map_err(err(&ctx))?;
    let today = state.app.today();
    Ok((
        StatusCode::CREATED,
        Json(RecordedHealthJson {
            id: done.record.id.0,
            handovers: done.handovers.iter().map(|h| HandoverJson::new(h, h.status(today).as_str())).collect(),
        }),
    ))
}

/// One section of an assessment.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionBody {
    /// `physical_health`, `mental_health`, `substance_use` or `neurodisability`.
    pub section: Option<String>,
    /// Findings.
    pub findings: Option<String>,
    /// For a carried-over answer: `confirmed`, `changed` or `closed`.
    pub review: Option<String>,
    /// Why a carried-over answer is closed.
    pub close_reason: Option<String>,
}

/// One identified need.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    /// `health` or `substance_misuse`.
    pub pathway: Option<String>,
    /// In words.
    pub description: Option<String>,
    /// For a carried-over need: `confirmed`, `changed` or `closed`.
    pub review: Option<String>,
    /// Why a carried-over need is closed.
    pub close_reason: Option<String>,
}

fn sections(list: Vec<SectionBody>) -> Vec<SectionInput> {
    list.into_iter()
        .map(|s| SectionInput {
            section: s.section,
            findings: s.findings,
            review: s.review,
            close_reason: s.close_reason,
        })
        .collect()
}

fn needs(list: Vec<NeedBody>) -> Vec<NeedFindingInput> {
    list.into_iter()
        .map(|n| NeedFindingInput {
            pathway: n.pathway,
            description: n.description,
            review: n.review,
            close_reason: n.close_reason,
        })
        .collect()
}

/// A complete assessment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// `community_health_assessment`, `custody_reception_screen`,
    /// `comprehensive_custody_assessment` or `release_health_summary`.
    pub kind: String,
    /// `YYYY-MM-DD`; today when absent.
    pub assessed_on: Option<String>,
    /// Findings per section.
    #[serde(default)]
    pub sections: Vec<SectionBody>,
    /// Needs identified (they go on the plan's health and substance-misuse pathways).
    #[serde(default)]
    pub needs: Vec<NeedBody>,
}

fn assessment_json(a: &Assessment) -> serde_json::Value {
    serde_json::to_value(a).unwrap_or_default()
}

/// Records a complete assessment (health staff on the team). Its needs go on the plan.
#[utoipa::path(post, path = "/api/v1/children/{id}/health/assessments", tag = "health", params(("id" = String, Path)),
    request_body = NewAssessment,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_assessment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewAssessment>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = AssessmentInput {
        kind: Some(body.kind),
        assessed_on: body.assessed_on,
        sections: sections(body.sections),
        needs: needs(body.needs),
    };
    let a = state.app.record_assessment(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(assessment_json(&a))))
}

/// Starts a comprehensive custody assessment pre-filled from the latest community health
/// assessment and the open health needs (health staff on the team). Each carried-over answer
/// and need has `review: carried_over` until confirmed, changed or closed.
#[utoipa::path(post, path = "/api/v1/children/{id}/health/assessments/custody", tag = "health",
    params(("id" = String, Path)),
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn start_custody_assessment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let a = state.app.start_custody_assessment(&ctx, child).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(assessment_json(&a))))
}

/// The review that completes a draft assessment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteAssessment {
    /// The draft's version.
    pub version: Option<i64>,
    /// Sections reviewed, changed or added (by section key).
    #[serde(default)]
    pub sections: Vec<SectionBody>,
    /// Needs, by position in the draft's list (carried-over ones first); extra ones are new.
    #[serde(default)]
    pub needs: Vec<NeedBody>,
}

/// Completes a draft assessment: refused (422) while any carried-over answer or need is still
/// unreviewed; closed carried-over needs are closed on the plan with the reason.
#[utoipa::path(post, path = "/api/v1/health/assessments/{id}/complete", tag = "health",
    params(("id" = String, Path)), request_body = CompleteAssessment,
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn complete_assessment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CompleteAssessment>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a: AssessmentId = id(&ctx, &raw)?;
    let done = state
        .app
        .complete_assessment(&ctx, a, body.version, &sections(body.sections), &needs(body.needs))
        .await
        .map_err(err(&ctx))?;
    Ok(Json(assessment_json(&done)))
}

/// An outcome measure score.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeasure {
    /// `sdq_total` (0–40) or `honosca_total` (0–52).
    pub measure: String,
    /// The total score.
    pub score: i64,
    /// `self`, `parent`, `teacher` or `clinician` (SDQ scores are compared only between the
    /// same rater).
    pub rater: String,
    /// `YYYY-MM-DD`.
    pub measured_on: String,
}

/// Records an outcome measure score (health staff on the team).
#[utoipa::path(post, path = "/api/v1/children/{id}/health/measures", tag = "health", params(("id" = String, Path)),
    request_body = NewMeasure,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_measure(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewMeasure>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = MeasureInput {
        measure: Some(body.measure),
        score: Some(body.score.to_string()),
        rater: Some(body.rater),
        measured_on: Some(body.measured_on),
    };
    let m = state.app.record_measure(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(&m).unwrap_or_default())))
}

/// A consent, capacity and sharing decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConsent {
    /// `consent_given`, `consent_refused` or `share_without_consent`.
    pub decision: String,
    /// Under 16: `assessed_competent` or `lacks_capacity` (16–17 are presumed to have capacity).
    pub capacity: Option<String>,
    /// Who decided for a child who could not.
    pub decided_by: Option<String>,
    /// The organisation it may be shared with.
    pub share_with_organisation_id: String,
    /// The role in it; every role when absent.
    pub share_with_role: Option<String>,
    /// What may be shared, and for what.
    pub purpose: String,
    /// Required to share without consent: `safeguarding`, `vital_interests` or `health_care`.
    pub lawful_basis: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub decided_on: Option<String>,
}

/// Records a consent or sharing decision (health staff on the team). One that allows sharing
/// lets the named organisation (and role) read the child's health content, and is logged.
#[utoipa::path(post, path = "/api/v1/children/{id}/health/consents", tag = "health", params(("id" = String, Path)),
    request_body = NewConsent,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_consent(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewConsent>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let child: ChildId = id(&ctx, &raw)?;
    let input = ConsentInput {
        decision: Some(body.decision),
        capacity: body.capacity,
        decided_by: body.decided_by,
        share_with_organisation_id: Some(body.share_with_organisation_id),
        share_with_role: body.share_with_role,
        purpose: Some(body.purpose),
        lawful_basis: body.lawful_basis,
        decided_on: body.decided_on,
    };
    let c = state.app.record_consent(&ctx, child, &input).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(&c).unwrap_or_default())))
}

/// Which handovers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HandoverQuery {
    /// `pending` (default): waiting for the caller (addressed to them, or to a role they hold
    /// there), overdue ones included; `sent`: the caller's own, not yet acknowledged.
    pub status: Option<String>,
    /// Page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100_000)]
    pub page: Option<u32>,
    /// Handovers per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The caller's handovers: waiting for them, or sent by them and not yet acknowledged.
#[utoipa::path(get, path = "/api/v1/handovers", tag = "health", params(HandoverQuery),
    responses((status = 200, body = super::paging::Paged<HandoverJson>), (status = 422, body = Problem)))]
pub async fn list_handovers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<HandoverQuery>,
) -> Result<Json<super::paging::Paged<HandoverJson>>, ApiError> {
    let page = super::paging::checked(q.page, q.per_page).map_err(err(&ctx))?;
    let lines = match q.status.as_deref().unwrap_or("pending") {
        "pending" => state.app.handovers_waiting(&ctx).await,
        "sent" => state.app.handovers_sent(&ctx).await,
        _ => Err(AppError::invalid("status", "status must be one of: pending, sent")),
    }
    .map_err(err(&ctx))?;
    Ok(Json(super::paging::Paged::of(lines.iter().map(HandoverJson::from), page)))
}

/// An acknowledgement.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledge {
    /// What the recipient will do.
    pub note: Option<String>,
}

/// Acknowledges a handover: only a recipient may (403 for others on the team, 404 for anyone
/// else); 409 when it is already acknowledged.
#[utoipa::path(post, path = "/api/v1/handovers/{id}/acknowledge", tag = "health", params(("id" = String, Path)),
    request_body = Acknowledge,
    responses((status = 200, body = HandoverJson), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<Acknowledge>,
) -> Result<Json<HandoverJson>, ApiError> {
    let h: HandoverId = id(&ctx, &raw)?;
    let done = state.app.acknowledge_handover(&ctx, h, body.note.as_deref()).await.map_err(err(&ctx))?;
    Ok(Json(HandoverJson::new(&done, "acknowledged")))
}
