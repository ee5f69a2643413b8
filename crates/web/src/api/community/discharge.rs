//! A sentence's day of discharge and the decision behind it.

use super::*;

/// A sentence's day of discharge and the decision behind it.
#[derive(Serialize, ToSchema)]
pub struct DischargeJson {
    /// The sentence.
    pub sentence_id: Uuid,
    /// The expected day of discharge.
    pub discharge_on: String,
    /// The mid-term date.
    pub mtd: String,
    /// The decided release date (the early or late release date), when decided.
    pub release_on: Option<String>,
    /// The eligible working day the release was brought forward to, if it was.
    pub brought_forward_to: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Send back when changing (0 when there is no decision yet); stale versions get 409.
    pub version: i64,
    /// The eligible working days the release may be brought forward to (s.23(3B)), nearest
    /// first; empty when it may not be.
    pub bring_forward_options: Vec<String>,
}

impl From<&resettle_app::community::DischargeView> for DischargeJson {
    fn from(v: &resettle_app::community::DischargeView) -> Self {
        Self {
            sentence_id: v.sentence_id.0,
            discharge_on: v.discharge_on.to_string(),
            mtd: v.dates.mtd.to_string(),
            release_on: v.decision.as_ref().and_then(|d| day(d.release_on)),
            brought_forward_to: v.decision.as_ref().and_then(|d| day(d.brought_forward_to)),
            reason: v.decision.as_ref().map(|d| d.reason.clone()),
            version: v.decision.as_ref().map_or(0, |d| d.version),
            bring_forward_options: v.options.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// A sentence's day of discharge, with the days it could be brought forward to.
#[utoipa::path(get, path = "/api/v1/sentences/{id}/discharge", tag = "key dates", params(("id" = String, Path)),
    responses((status = 200, body = DischargeJson), (status = 404, body = Problem)))]
pub async fn get_discharge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<DischargeJson>, ApiError> {
    let sentence: SentenceId = id(&ctx, &raw)?;
    let v = state.app.discharge(&ctx, sentence).await.map_err(err(&ctx))?;
    Ok(Json(DischargeJson::from(&v)))
}

/// The decision about a sentence's day of release.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutDischarge {
    /// The version read (0 when there is no decision yet).
    pub version: i64,
    /// The decided release date: the early or late release date (or the mid-term date).
    pub release_on: Option<String>,
    /// One of `bring_forward_options`: the release brought forward under s.23(3B).
    pub brought_forward_to: Option<String>,
    /// Why.
    pub reason: String,
}

/// Records the decision about a sentence's day of release: the early or late release date
/// once decided, and a release on a Friday or before a bank holiday brought forward by up to
/// two eligible working days (Criminal Justice Act 1961 s.23(3B)–(3D)), with why.
#[utoipa::path(put, path = "/api/v1/sentences/{id}/discharge", tag = "key dates", params(("id" = String, Path)),
    request_body = PutDischarge,
    responses((status = 200, body = DischargeJson), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_discharge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PutDischarge>,
) -> Result<Json<DischargeJson>, ApiError> {
    let sentence: SentenceId = id(&ctx, &raw)?;
    let input = resettle_app::community::DischargeInput {
        version: Some(body.version),
        release_on: body.release_on,
        brought_forward_to: body.brought_forward_to,
        reason: Some(body.reason),
    };
    let v = state.app.decide_discharge(&ctx, sentence, &input).await.map_err(err(&ctx))?;
    Ok(Json(DischargeJson::from(&v)))
}
