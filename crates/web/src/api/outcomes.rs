//! The cohort outcomes report over JSON: `GET /api/v1/reports/cohort`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use resettle_app::outcomes::{CohortFilters, CohortReport, MeasureView};
use serde::Serialize;
use utoipa::ToSchema;

use super::err;
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiCaller;

/// The cohort.
#[derive(Serialize, ToSchema)]
pub struct CohortJson {
    /// First day of release.
    pub released_from: String,
    /// Last day of release (inclusive).
    pub released_to: String,
    /// Months each child is followed for from the day of release.
    pub follow_up_months: i32,
    /// Children in the cohort (null when withheld as a small number).
    pub children: Option<u32>,
    /// Counts under this are withheld (null when nothing is withheld for this reader).
    pub min_cell: Option<u32>,
    /// The youth justice services covered (empty: all).
    pub yjs_ids: Vec<uuid::Uuid>,
    /// The secure establishments covered (empty: all).
    pub establishment_ids: Vec<uuid::Uuid>,
    /// The day the report was counted on.
    pub counted_on: String,
}

/// A child behind a count.
#[derive(Serialize, ToSchema)]
pub struct CohortChildJson {
    /// The child.
    pub id: uuid::Uuid,
    /// Their name.
    pub name: String,
}

/// One measure.
#[derive(Serialize, ToSchema)]
pub struct MeasureJson {
    /// Stable key.
    pub key: String,
    /// Plain label.
    pub label: String,
    /// Children counted (null when withheld).
    pub numerator: Option<u32>,
    /// Children counted over (null when withheld).
    pub denominator: Option<u32>,
    /// Whether every child's window has closed.
    pub complete: bool,
    /// The rule, in words.
    pub rule: String,
    /// Whether small counts were withheld.
    pub suppressed: bool,
    /// Built on health information (its children are for health roles only).
    pub health: bool,
    /// The 2015 joint inspection's figure, as a proportion, where there is one.
    pub reference_2015: Option<f64>,
    /// The measure's own extra counts (`not_measured`, `proven_offences`, `frequency`,
    /// `offered`, `at_end_of_supervision`, `hours_offered`, `hours_attended`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: BTreeMap<String, Option<f64>>,
    /// The children counted, for readers who may see them (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<CohortChildJson>>,
}

/// One quarter of release.
#[derive(Serialize, ToSchema)]
pub struct QuarterJson {
    /// "2026 Q1".
    pub quarter: String,
    /// Children released in it (null when withheld).
    pub children: Option<u32>,
    /// The measures for those children.
    pub measures: Vec<MeasureJson>,
}

/// The cohort outcomes report.
#[derive(Serialize, ToSchema)]
pub struct CohortReportJson {
    /// The cohort.
    pub cohort: CohortJson,
    /// The measures.
    pub measures: Vec<MeasureJson>,
    /// The measures by quarter of release.
    pub trends: Vec<QuarterJson>,
}

fn measure_json(
    m: &resettle_domain::outcomes::Measure,
    children: Option<&Vec<resettle_app::outcomes::NamedChild>>,
) -> MeasureJson {
    MeasureJson {
        key: m.key.to_string(),
        label: m.label.to_string(),
        numerator: m.numerator,
        denominator: m.denominator,
        complete: m.complete,
        rule: m.rule.to_string(),
        suppressed: m.suppressed,
        health: m.health,
        reference_2015: m.reference,
        extra: m.extra.iter().map(|(k, v)| ((*k).to_string(), *v)).collect(),
        children: children.map(|cs| cs.iter().map(|c| CohortChildJson { id: c.id.0, name: c.name.clone() }).collect()),
    }
}

/// The report as JSON (the page's CSV download uses the same shape).
pub fn report_json(r: &CohortReport) -> CohortReportJson {
    CohortReportJson {
        cohort: CohortJson {
            released_from: r.released_from.to_string(),
            released_to: r.released_to.to_string(),
            follow_up_months: r.follow_up_months,
            children: r.children,
            min_cell: r.min_cell,
            yjs_ids: r.yjs_ids.iter().map(|o| o.0).collect(),
            establishment_ids: r.establishment_ids.iter().map(|o| o.0).collect(),
            counted_on: r.today.to_string(),
        },
        measures: r
            .measures
            .iter()
            .map(|MeasureView { measure, children }| measure_json(measure, children.as_ref()))
            .collect(),
        trends: r
            .trends
            .iter()
            .map(|q| QuarterJson {
                quarter: q.quarter.clone(),
                children: q.children,
                measures: q.measures.iter().map(|m| measure_json(m, None)).collect(),
            })
            .collect(),
    }
}

/// The cohort outcomes report: the children released from custody between two days (inclusive),
/// each followed for `[outcomes] follow_up_months` from release, and the inspection's, the
/// Ministry of Justice's and the YJS key performance indicators' measures over them. YJS managers
/// and health workers see their own service (with the children behind each count, as the policy
/// allows), secure establishment staff the children their establishment released (counts), and
/// strategic leads every service (counts, with small cells withheld). Every run is audited.
#[utoipa::path(get, path = "/api/v1/reports/cohort", tag = "reports",
    params(
        ("released_from" = String, Query, description = "First day of release, YYYY-MM-DD"),
        ("released_to" = String, Query, description = "Last day of release (inclusive), YYYY-MM-DD"),
        ("yjs_id" = Option<Vec<String>>, Query, description = "A youth justice service; repeat for several"),
        ("establishment_id" = Option<String>, Query, description = "A secure establishment"),
        ("age_min" = Option<u8>, Query, description = "Youngest age at release"),
        ("age_max" = Option<u8>, Query, description = "Oldest age at release"),
        ("sex" = Option<String>, Query, description = "Gender as recorded"),
        ("ethnicity" = Option<String>, Query, description = "Ethnicity as recorded"),
        ("looked_after" = Option<bool>, Query, description = "Looked after (true) or not (false)"),
    ),
    responses((status = 200, body = CohortReportJson), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn cohort_report(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<CohortReportJson>, ApiError> {
    let filters = CohortFilters::from_pairs(&pairs);
    let report = state.app.cohort_report(&ctx, &filters).await.map_err(err(&ctx))?;
    Ok(Json(report_json(&report)))
}
