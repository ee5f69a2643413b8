//! Sentences, remands, key dates and the calendar, over JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use resettle_app::custody::{RecalculationInput, SentenceRecorded};
use resettle_app::{AppError, Principal};
use resettle_domain::calendar::Calendar;
use resettle_domain::ids::SentenceId;
use resettle_domain::sentence::{
    KeyDates, KeyDatesRevision, Remand, RemandEnd, RemandInput, Sentence, SentenceInput, StoredDeadline,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiJson, ApiQuery};
use super::{child_id, err};
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;

/// Key dates as the API shows them (dates `YYYY-MM-DD`; `etd`/`ltd` null when not eligible).
#[derive(Serialize, ToSchema)]
pub struct KeyDatesJson {
    /// Days in the whole term (DTO), else null.
    pub term_days: Option<i32>,
    /// Days in custody before release (DTO), else null.
    pub custody_days: Option<i32>,
    /// Mid-term date: the release date.
    pub mtd: String,
    /// Earliest release date, where eligible.
    pub etd: Option<String>,
    /// Latest release date, where eligible.
    pub ltd: Option<String>,
    /// Sentence and licence expiry date.
    pub sled: String,
    /// The expected day of discharge: the release date moved back past a weekend, Christmas
    /// Day, Good Friday or a bank holiday in England and Wales (Criminal Justice Act 1961
    /// s.23(3)).
    pub discharge_on: String,
}

impl KeyDatesJson {
    fn new(d: &KeyDates, calendar: &Calendar) -> Self {
        Self::decided(d, calendar, None)
    }

    /// With the decision about the day of release, for the current key dates.
    fn decided(
        d: &KeyDates,
        calendar: &Calendar,
        decision: Option<&resettle_domain::discharge::DischargeDecision>,
    ) -> Self {
        Self {
            discharge_on: resettle_domain::discharge::discharge_with(calendar, d, decision).to_string(),
            term_days: d.term_days,
            custody_days: d.custody_days,
            mtd: d.mtd.to_string(),
            etd: d.etd.map(|d| d.to_string()),
            ltd: d.ltd.map(|d| d.to_string()),
            sled: d.sled.to_string(),
        }
    }
}

/// A deadline created by the key-dates rules.
#[derive(Serialize, ToSchema)]
pub struct DeadlineJson {
    /// `initial_planning_meeting`, `review_meeting`, `pre_release_meeting` or `pre_release_plan`.
    pub kind: String,
    /// Due by (`YYYY-MM-DD`).
    pub due_by: String,
    /// How the date was worked out.
    pub rule: String,
}

impl From<&StoredDeadline> for DeadlineJson {
    fn from(d: &StoredDeadline) -> Self {
        Self { kind: d.kind.as_str().into(), due_by: d.due_by.to_string(), rule: d.rule.clone() }
    }
}

/// One revision of the key dates.
#[derive(Serialize, ToSchema)]
pub struct RevisionJson {
    /// 1, 2, 3…
    pub revision: i32,
    /// The dates.
    #[serde(flatten)]
    pub key_dates: KeyDatesJson,
    /// The sentence date used.
    pub sentence_date: String,
    /// The term used (DTO).
    pub term_months: Option<u8>,
    /// The remand credit used.
    pub remand_days: u32,
    /// `calculated` or `entered`.
    pub source: String,
    /// Why this revision exists.
    pub reason: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// Who.
    pub recorded_by: String,
}

impl RevisionJson {
    fn new(r: &KeyDatesRevision, calendar: &Calendar) -> Self {
        Self {
            revision: r.revision,
            key_dates: KeyDatesJson::new(&r.dates, calendar),
            sentence_date: r.sentence_date.to_string(),
            term_months: r.term_months,
            remand_days: r.remand_days,
            source: r.source.as_str().into(),
            reason: r.reason.clone(),
            recorded_at: r.recorded_at.to_string(),
            recorded_by: r.recorded_by_name.clone(),
        }
    }
}

/// A sentence with its current key dates.
#[derive(Serialize, ToSchema)]
pub struct SentenceJson {
    /// Id.
    pub id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// `dto`, `s250`, `extended` or `other`.
    pub kind: String,
    /// Date of sentence.
    pub sentence_date: String,
    /// Term in months (DTO).
    pub term_months: Option<u8>,
    /// Remand days credited.
    pub remand_days: u32,
    /// Court.
    pub court: Option<String>,
    /// Send back when recalculating; stale versions are refused with 409.
    pub version: i64,
    /// Current key dates.
    pub key_dates: KeyDatesJson,
    /// Deadlines now in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<Vec<DeadlineJson>>,
    /// Every revision of the key dates, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<RevisionJson>>,
}

fn sentence_json(s: &Sentence, dates: &KeyDates, calendar: &Calendar) -> SentenceJson {
    SentenceJson {
        id: s.id.0,
        child_id: s.child_id.0,
        kind: s.kind.as_str().into(),
        sentence_date: s.sentence_date.to_string(),
        term_months: s.term_months,
        remand_days: s.remand_days,
        court: s.court.clone(),
        version: s.version,
        key_dates: KeyDatesJson::new(dates, calendar),
        deadlines: None,
        history: None,
    }
}

fn recorded_json(r: &SentenceRecorded, calendar: &Calendar) -> SentenceJson {
    SentenceJson {
        deadlines: Some(r.deadlines.iter().map(DeadlineJson::from).collect()),
        ..sentence_json(&r.sentence, &r.key_dates, calendar)
    }
}

/// A sentence to record. For a Detention and Training Order (`dto`) the key dates are
/// calculated from `sentence_date`, `term_months` and `remand_days`; for other kinds give
/// `release_date`, `sled` and `key_dates_source` from the establishment's calculation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordSentence {
    /// `dto`, `s250`, `extended` or `other`.
    pub kind: String,
    /// `YYYY-MM-DD`, today or earlier.
    pub sentence_date: String,
    /// 4 to 24 (DTO).
    pub term_months: Option<i64>,
    /// Days on remand to credit (default 0).
    pub remand_days: Option<i64>,
    /// Days on bail with a qualifying curfew and electronic tag (default 0): half of them,
    /// rounded up, are credited as well, and `remand_days` in the answer is the total credit.
    pub curfew_days: Option<i64>,
    /// The secure establishment.
    pub establishment_id: String,
    /// The sentencing court.
    pub court: Option<String>,
    /// Release date from the establishment's calculation (not DTO).
    pub release_date: Option<String>,
    /// Sentence and licence expiry from the establishment's calculation (not DTO).
    pub sled: Option<String>,
    /// Where those dates come from (not DTO).
    pub key_dates_source: Option<String>,
    /// The recorded offence of this child (`POST .../offences`) the sentence is for.
    pub offence_id: Option<String>,
}

/// Records a sentence; the key dates and planning deadlines are created at once.
#[utoipa::path(post, path = "/api/v1/children/{id}/sentences", tag = "key dates", params(("id" = String, Path)),
    request_body = RecordSentence,
    responses((status = 201, body = SentenceJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn record_sentence(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecordSentence>,
) -> Result<(StatusCode, Json<SentenceJson>), ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = SentenceInput {
        kind: Some(body.kind),
        sentence_date: Some(body.sentence_date),
        term_months: body.term_months.map(|m| m.to_string()),
        remand_days: body.remand_days.map(|d| d.to_string()),
        curfew_days: body.curfew_days.map(|d| d.to_string()),
        establishment_id: Some(body.establishment_id),
        court: body.court,
        release_date: body.release_date,
        sled: body.sled,
        key_dates_source: body.key_dates_source,
        offence_id: body.offence_id,
    };
    let recorded = state.app.record_sentence(&ctx, id, &input).await.map_err(err(&ctx))?;
    let calendar = state.app.calendar().await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(recorded_json(&recorded, &calendar))))
}

/// A remand to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRemand {
    /// First day on remand, `YYYY-MM-DD`.
    #[serde(alias = "remand_date", alias = "started_on")]
    pub start_date: String,
    /// The secure establishment.
    pub establishment_id: String,
    /// Next court date, `YYYY-MM-DD`.
    pub next_court_date: Option<String>,
    /// The remanding court.
    pub court: Option<String>,
    /// The recorded offence of this child (`POST .../offences`) the remand is for.
    pub offence_id: Option<String>,
    /// The local authority the child is looked after by while on remand (LASPO Act 2012
    /// s.104); by default the local authority on the child's team.
    pub local_authority_id: Option<String>,
}

/// A recorded remand.
#[derive(Serialize, ToSchema)]
pub struct RemandJson {
    /// Id.
    pub id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// First day.
    pub start_date: String,
    /// Establishment.
    pub establishment_id: Uuid,
    /// Next court date.
    pub next_court_date: Option<String>,
    /// Court.
    pub court: Option<String>,
    /// The day the remand ended (the day of sentence or of release); absent while it goes on.
    pub ended_on: Option<String>,
    /// How it ended: `custodial_sentence` (the custody goes on as a sentence, with the same
    /// plan), or the release kind `remand_bail`, `remand_acquitted` or
    /// `remand_non_custodial_sentence`; absent while it goes on or when the release was recorded
    /// without its kind.
    pub outcome: Option<String>,
    /// The outcome in words (in the language asked for).
    pub outcome_label: Option<String>,
    /// The local authority the child is looked after by while on remand, when known.
    pub local_authority_id: Option<Uuid>,
    /// Whether this remand made the child looked after; that status then ends with the remand
    /// (a status with another basis, such as a care order, does not).
    pub made_looked_after: bool,
    /// Deadlines created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<Vec<DeadlineJson>>,
}

impl RemandJson {
    fn new(r: &Remand, end: Option<RemandEnd>, deadlines: Option<Vec<DeadlineJson>>) -> Self {
        let outcome = end.and_then(|e| e.outcome);
        Self {
            id: r.id.0,
            child_id: r.child_id.0,
            start_date: r.started_on.to_string(),
            establishment_id: r.establishment_id.0,
            next_court_date: r.next_court_date.map(|d| d.to_string()),
            court: r.court.clone(),
            ended_on: end.map(|e| e.on.to_string()),
            outcome: outcome.map(|o| o.as_str().to_string()),
            outcome_label: outcome.map(|o| o.label().to_string()),
            local_authority_id: r.local_authority_id.map(|o| o.0),
            made_looked_after: r.made_looked_after,
            deadlines,
        }
    }
}

/// Records a remand to youth detention accommodation: the child becomes looked after and the
/// planning deadline is created at once.
#[utoipa::path(post, path = "/api/v1/children/{id}/remands", tag = "key dates", params(("id" = String, Path)),
    request_body = RecordRemand,
    responses((status = 201, body = RemandJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn record_remand(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecordRemand>,
) -> Result<(StatusCode, Json<RemandJson>), ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = RemandInput {
        start_date: Some(body.start_date),
        establishment_id: Some(body.establishment_id),
        next_court_date: body.next_court_date,
        court: body.court,
        offence_id: body.offence_id,
        local_authority_id: body.local_authority_id,
    };
    let r = state.app.record_remand(&ctx, id, &input).await.map_err(err(&ctx))?;
    Ok((
        StatusCode::CREATED,
        Json(RemandJson::new(&r.remand, None, Some(r.deadlines.iter().map(DeadlineJson::from).collect()))),
    ))
}

/// A child's key dates.
#[derive(Serialize, ToSchema)]
pub struct KeyDatesResponse {
    /// The current key dates of the latest sentence, or null.
    pub key_dates: Option<KeyDatesJson>,
    /// Every revision of the latest sentence's key dates, oldest first.
    pub history: Vec<RevisionJson>,
    /// Every sentence, newest first, each with its history.
    pub sentences: Vec<SentenceJson>,
    /// Remands, newest first.
    pub remands: Vec<RemandJson>,
    /// Deadlines, soonest first.
    pub deadlines: Vec<DeadlineJson>,
}

/// A child's key dates with their history of recalculations, remands and deadlines.
#[utoipa::path(get, path = "/api/v1/children/{id}/key-dates", tag = "key dates", params(("id" = String, Path)),
    responses((status = 200, body = KeyDatesResponse), (status = 404, body = crate::error::Problem)))]
pub async fn key_dates(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<KeyDatesResponse>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let record = state.app.key_dates(&ctx, id).await.map_err(err(&ctx))?;
    let calendar = state.app.calendar().await.map_err(err(&ctx))?;
    let sentences: Vec<SentenceJson> = record
        .sentences
        .iter()
        .filter_map(|s| {
            let current = s.revisions.last()?;
            Some(SentenceJson {
                history: Some(s.revisions.iter().map(|r| RevisionJson::new(r, &calendar)).collect()),
                key_dates: KeyDatesJson::decided(&current.dates, &calendar, record.decision(s.sentence.id)),
                ..sentence_json(&s.sentence, &current.dates, &calendar)
            })
        })
        .collect();
    let latest = record.sentences.first();
    Ok(Json(KeyDatesResponse {
        key_dates: latest
            .and_then(|s| s.revisions.last().map(|r| (s, r)))
            .map(|(s, r)| KeyDatesJson::decided(&r.dates, &calendar, record.decision(s.sentence.id))),
        history: latest
            .map(|s| s.revisions.iter().map(|r| RevisionJson::new(r, &calendar)).collect())
            .unwrap_or_default(),
        sentences,
        remands: record
            .remands
            .iter()
            .enumerate()
            .map(|(i, r)| RemandJson::new(r, record.remand_ends.get(i).copied().flatten(), None))
            .collect(),
        deadlines: record.deadlines.iter().map(DeadlineJson::from).collect(),
    }))
}

/// A correction to a Detention and Training Order, with its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recalculate {
    /// The sentence version the correction was made against.
    pub version: i64,
    /// Why (kept in the history), e.g. "12 more days of remand found".
    pub reason: String,
    /// Corrected remand credit, in days.
    pub remand_days: Option<i64>,
    /// Corrected sentence date.
    pub sentence_date: Option<String>,
    /// Corrected term.
    pub term_months: Option<i64>,
}

/// Recalculates a Detention and Training Order's key dates; the previous dates stay in the
/// history with the reason, and the deadlines follow the new dates.
#[utoipa::path(post, path = "/api/v1/sentences/{id}/recalculate", tag = "key dates", params(("id" = String, Path)),
    request_body = Recalculate,
    responses((status = 200, body = SentenceJson), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn recalculate(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Recalculate>,
) -> Result<Json<SentenceJson>, ApiError> {
    let id: SentenceId = super::id(&ctx, &id)?;
    let input = RecalculationInput {
        version: body.version,
        reason: Some(body.reason),
        remand_days: body.remand_days.map(|d| d.to_string()),
        sentence_date: body.sentence_date,
        term_months: body.term_months.map(|m| m.to_string()),
    };
    let r = state.app.recalculate_sentence(&ctx, id, &input).await.map_err(err(&ctx))?;
    let calendar = state.app.calendar().await.map_err(err(&ctx))?;
    Ok(Json(recorded_json(&r, &calendar)))
}

/// Query of the bank-holiday list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParam {
    /// Year, 1990 to 2100.
    pub year: Option<String>,
}

/// A bank holiday.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankHolidayJson {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Its name.
    pub name: String,
}

/// Bank holidays in England and Wales in a year: the rules, the historic exceptions and any
/// added by administrators.
#[utoipa::path(get, path = "/api/v1/calendar/bank-holidays", tag = "key dates", params(YearParam),
    responses((status = 200, body = [BankHolidayJson]), (status = 422, body = crate::error::Problem)))]
pub async fn bank_holidays(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<YearParam>,
) -> Result<Json<Vec<BankHolidayJson>>, ApiError> {
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i16>().ok()).ok_or_else(|| {
        ApiError(AppError::invalid("year", "Give the year as ?year=YYYY (1990 to 2100)"), ctx.request_id.clone())
    })?;
    let days = state.app.bank_holidays(year).await.map_err(err(&ctx))?;
    Ok(Json(days.into_iter().map(|d| BankHolidayJson { date: d.date.to_string(), name: d.name }).collect()))
}

/// Adds a bank holiday announced by proclamation (administrators only). Deadlines counted
/// from then on skip it.
#[utoipa::path(post, path = "/api/v1/calendar/bank-holidays", tag = "key dates", request_body = BankHolidayJson,
    responses((status = 201, body = BankHolidayJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn add_bank_holiday(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(body): ApiJson<BankHolidayJson>,
) -> Result<(StatusCode, Json<BankHolidayJson>), ApiError> {
    state.app.add_bank_holiday(Principal::Token(&ctx.actor), &body.date, &body.name).await.map_err(err(&ctx))?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// A move to another secure establishment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordTransfer {
    /// The receiving establishment.
    pub establishment_id: String,
    /// The day of the move, `YYYY-MM-DD`.
    pub date: String,
    /// Why.
    pub reason: Option<String>,
}

/// A placement in a secure establishment.
#[derive(Serialize, ToSchema)]
pub struct PlacementJson {
    /// Id.
    pub id: Uuid,
    /// The custody episode.
    pub episode_id: Uuid,
    /// The establishment.
    pub establishment_id: Uuid,
    /// From.
    pub started_on: String,
    /// `admission` or `transfer`.
    pub reason: String,
}

/// Records a transfer between secure establishments: the old placement ends, the new
/// establishment joins the team.
#[utoipa::path(post, path = "/api/v1/children/{id}/custody/transfers", tag = "custody", params(("id" = String, Path)),
    request_body = RecordTransfer,
    responses((status = 201, body = PlacementJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn record_transfer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecordTransfer>,
) -> Result<(StatusCode, Json<PlacementJson>), ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = resettle_app::custody::MoveInput {
        date: Some(body.date),
        establishment_id: Some(body.establishment_id),
        reason: body.reason,
        kind: None,
    };
    let p = state.app.transfer(&ctx, id, &input).await.map_err(err(&ctx))?;
    Ok((
        StatusCode::CREATED,
        Json(PlacementJson {
            id: p.id.0,
            episode_id: p.episode_id.0,
            establishment_id: p.establishment_id.0,
            started_on: p.started_on.to_string(),
            reason: p.reason.as_str().into(),
        }),
    ))
}

/// A release from custody.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRelease {
    /// The day of release, `YYYY-MM-DD`.
    pub date: String,
    /// How the child left: `dto_mid_term`, `dto_early`, `dto_late`, `licence` (from a
    /// sentence), `remand_bail`, `remand_acquitted`, `remand_non_custodial_sentence` (from
    /// remand) or `other`.
    #[schema(nullable = false)]
    pub kind: Option<String>,
}

/// A custody episode.
#[derive(Serialize, ToSchema)]
pub struct EpisodeJson {
    /// Id.
    pub id: Uuid,
    /// `remand` or `sentence`.
    pub kind: String,
    /// First day.
    pub started_on: String,
    /// Day of release.
    pub ended_on: Option<String>,
}

/// Records a release: the custody episode and placement end, the establishment's part on the
/// team ends and the custody deadlines close.
#[utoipa::path(post, path = "/api/v1/children/{id}/custody/release", tag = "custody", params(("id" = String, Path)),
    request_body = RecordRelease,
    responses((status = 200, body = EpisodeJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn record_release(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecordRelease>,
) -> Result<Json<EpisodeJson>, ApiError> {
    let id = child_id(&ctx, &id)?;
    let input = resettle_app::custody::MoveInput { date: Some(body.date), kind: body.kind, ..Default::default() };
    let e = state.app.release(&ctx, id, &input).await.map_err(err(&ctx))?;
    Ok(Json(EpisodeJson {
        id: e.id.0,
        kind: e.kind.as_str().into(),
        started_on: e.started_on.to_string(),
        ended_on: e.ended_on.map(|d| d.to_string()),
    }))
}
