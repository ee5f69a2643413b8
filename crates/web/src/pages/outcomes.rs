//! The cohort outcomes report as a page (`/reports/cohort`: filters, the measures as a table
//! and as SVG bar charts each beside a table of its numbers, trends by quarter of release) and
//! as CSV (`/reports/cohort.csv`, the same query). Who sees what is decided by the application
//! (`App::cohort_report`); the filters offered follow the policy's `cohort_reach`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use resettle_app::AppError;
use resettle_app::outcomes::{CohortFilters, CohortReport, MeasureView};
use resettle_domain::org::{OrgKind, Organisation};
use resettle_domain::outcomes::Measure;
use resettle_domain::policy::{CohortReach, cohort_reach};
use resettle_domain::validation::ValidationErrors;

use super::{Chrome, render};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

/// The measures drawn by quarter of release.
const TREND_KEYS: &[&str] = &[
    "fully_complied",
    "arrested_within_follow_up",
    "arrested_within_4_weeks",
    "proven_reoffending",
    "mental_health_not_improved",
];

/// A bar of a chart: its label, its numbers and its rate.
pub struct Bar {
    /// What it is.
    pub label: String,
    /// "12 of 40", or "withheld".
    pub counts: String,
    /// The proportion, when shown.
    pub rate: Option<f64>,
    /// The 2015 inspection's figure, when there is one.
    pub reference: Option<f64>,
}

impl Bar {
    /// The rate in words ("30%"), or a dash.
    pub fn percent(&self) -> String {
        percent(self.rate)
    }

    /// The reference in words, or empty.
    pub fn reference_percent(&self) -> String {
        self.reference.map(|r| percent(Some(r))).unwrap_or_default()
    }
}

/// A chart with the table that carries its numbers.
pub struct Chart {
    /// Element id.
    pub id: String,
    /// Heading and SVG title.
    pub title: String,
    /// The SVG (drawn here; every string in it is ours or escaped).
    pub svg: String,
    /// The bars, for the table beside it.
    pub bars: Vec<Bar>,
    /// The header of the label column.
    pub label_header: &'static str,
}

fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.0}%", r * 100.0),
        None => "–".to_string(),
    }
}

fn counts(m: &Measure) -> String {
    match (m.numerator, m.denominator) {
        (Some(n), Some(d)) => format!("{n} of {d}"),
        (None, Some(d)) => format!("withheld, of {d}"),
        _ => "withheld".to_string(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal bar chart as SVG: a bar per row (its rate), a dashed line at the 2015
/// inspection's figure where there is one. It is an image with a title and a description; the
/// table beside it carries every number.
pub fn bar_chart_svg(id: &str, title: &str, bars: &[Bar]) -> String {
    const LABEL_W: f64 = 300.0;
    const BAR_W: f64 = 280.0;
    const ROW_H: f64 = 28.0;
    let height = ROW_H * bars.len() as f64 + 30.0;
    let width = LABEL_W + BAR_W + 60.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"app-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">Bars show each proportion; a dashed line marks the 2015 inspection's figure where \
         there is one. The table beside the chart gives every number.</desc>",
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW_H * i as f64 + 4.0;
        let w = b.rate.unwrap_or(0.0).clamp(0.0, 1.0) * BAR_W;
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">{}</text>",
            LABEL_W - 8.0,
            y + 15.0,
            escape(&b.label)
        ));
        svg.push_str(&format!(
            "<rect x=\"{LABEL_W}\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"#1d70b8\"/>",
            ROW_H - 10.0
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\" fill=\"#0b0c0c\">{}</text>",
            LABEL_W + w + 4.0,
            y + 14.0,
            escape(&b.percent())
        ));
        if let Some(r) = b.reference {
            let x = LABEL_W + r.clamp(0.0, 1.0) * BAR_W;
            svg.push_str(&format!(
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.0}\" y2=\"{:.0}\" stroke=\"#d4351c\" stroke-width=\"2\" \
                 stroke-dasharray=\"4 3\"/>",
                y - 2.0,
                y + ROW_H - 6.0
            ));
        }
    }
    let axis_y = ROW_H * bars.len() as f64 + 8.0;
    svg.push_str(&format!(
        "<line x1=\"{LABEL_W}\" x2=\"{:.0}\" y1=\"{axis_y:.0}\" y2=\"{axis_y:.0}\" stroke=\"#505a5f\"/>\
         <text x=\"{LABEL_W}\" y=\"{:.0}\" font-size=\"11\" fill=\"#505a5f\">0%</text>\
         <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"11\" fill=\"#505a5f\" text-anchor=\"end\">100%</text></svg>",
        LABEL_W + BAR_W,
        axis_y + 14.0,
        LABEL_W + BAR_W,
        axis_y + 14.0
    ));
    svg
}

fn chart(id: &str, title: String, label_header: &'static str, bars: Vec<Bar>) -> Chart {
    Chart { id: id.to_string(), svg: bar_chart_svg(id, &title, &bars), title, bars, label_header }
}

/// The charts of a report: every measure, then each trend measure by quarter.
pub fn charts(r: &CohortReport) -> (Chart, Vec<Chart>) {
    let bars = r
        .measures
        .iter()
        .map(|m| Bar {
            label: m.measure.label.to_string(),
            counts: counts(&m.measure),
            rate: m.measure.rate(),
            reference: m.measure.reference,
        })
        .collect();
    let all = chart("chart-measures", "Outcomes of the cohort".into(), "Measure", bars);
    let trends = TREND_KEYS
        .iter()
        .enumerate()
        .filter_map(|(i, key)| {
            let label = r.measures.iter().find(|m| m.measure.key == *key)?.measure.label;
            let bars: Vec<Bar> = r
                .trends
                .iter()
                .filter_map(|q| {
                    let m = q.measures.iter().find(|m| m.key == *key)?;
                    Some(Bar { label: q.quarter.clone(), counts: counts(m), rate: m.rate(), reference: m.reference })
                })
                .collect();
            (!bars.is_empty()).then(|| {
                chart(
                    &format!("chart-trend-{i}"),
                    format!("{label}, by quarter of release"),
                    "Quarter of release",
                    bars,
                )
            })
        })
        .collect();
    (all, trends)
}

/// An option list: value and text.
type Options = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "cohort.html")]
struct CohortPage {
    chrome: Chrome,
    errors: ValidationErrors,
    filters: CohortFilters,
    from: (String, String, String),
    to: (String, String, String),
    yjs_options: Options,
    establishment_options: Options,
    looked_after_options: Options,
    selected_yjs: String,
    report: Option<CohortReport>,
    chart: Option<Chart>,
    trends: Vec<Chart>,
    csv_link: String,
    names: Vec<(String, String)>,
}

impl CohortPage {
    fn org_name(&self, id: &resettle_domain::ids::OrgId) -> String {
        let id = id.to_string();
        self.names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
    }

    fn extras(&self, m: &MeasureView) -> String {
        let words = |k: &str| match k {
            "not_measured" => "not measured",
            "proven_offences" => "proven offences",
            "frequency" => "proven offences per reoffender",
            "offered" => "offered an intervention",
            "at_end_of_supervision" => "at the end of supervision",
            "hours_offered" => "hours offered a week",
            "hours_attended" => "hours attended a week",
            _ => "",
        };
        m.measure
            .extra
            .iter()
            .map(|(k, v)| match v {
                Some(v) if v.fract() == 0.0 => format!("{}: {v:.0}", words(k)),
                Some(v) => format!("{}: {v:.2}", words(k)),
                None => format!("{}: withheld or not yet known", words(k)),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn split(d: &Option<String>) -> (String, String, String) {
    let s = d.clone().unwrap_or_default();
    let mut parts = s.splitn(3, '-');
    let y = parts.next().unwrap_or_default().to_string();
    let m = parts.next().unwrap_or_default().trim_start_matches('0').to_string();
    let day = parts.next().unwrap_or_default().trim_start_matches('0').to_string();
    (day, m, y)
}

/// `/reports/cohort`: the filters, and the report once dates are given.
pub async fn cohort_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ctx = &who.ctx;
    let reach = cohort_reach(&ctx.actor);
    if reach.is_none() {
        // Refused by the application, with its reason and its audit.
        let e = state.app.cohort_report(ctx, &CohortFilters::default()).await.err();
        return Err(PageError::App(
            e.unwrap_or(AppError::Forbidden("no cohort report for this role")),
            ctx.request_id.clone(),
        ));
    }
    let filters = CohortFilters::from_pairs(&pairs);
    let orgs = state.app.organisations().await.map_err(|e| PageError::App(e, ctx.request_id.clone()))?;
    let names: Vec<(String, String)> = orgs.iter().map(|o| (o.id.to_string(), o.name.clone())).collect();
    let may_yjs = |o: &Organisation| {
        o.kind == OrgKind::Yjs
            && match &reach {
                Some(CohortReach::Services(ids)) => ids.contains(&o.id),
                _ => true,
            }
    };
    let may_establishment = |o: &Organisation| {
        o.kind.is_secure_establishment()
            && match &reach {
                Some(CohortReach::Establishments(ids)) => ids.contains(&o.id),
                _ => true,
            }
    };
    let mut yjs_options: Options = vec![(String::new(), "Every service you can see".into())];
    yjs_options.extend(orgs.iter().filter(|o| may_yjs(o)).map(|o| (o.id.to_string(), o.name.clone())));
    let mut establishment_options: Options = vec![(String::new(), "Every establishment you can see".into())];
    establishment_options
        .extend(orgs.iter().filter(|o| may_establishment(o)).map(|o| (o.id.to_string(), o.name.clone())));
    let looked_after_options: Options = vec![
        (String::new(), "Any".into()),
        ("true".into(), "Looked after".into()),
        ("false".into(), "Not looked after".into()),
    ];
    let mut page = CohortPage {
        chrome: Chrome::for_user(&who, "outcomes"),
        errors: ValidationErrors::new(),
        from: split(&filters.released_from),
        to: split(&filters.released_to),
        selected_yjs: filters.yjs_ids.first().cloned().unwrap_or_default(),
        csv_link: format!("/reports/cohort.csv?{}", query_string(&filters)),
        filters,
        yjs_options,
        establishment_options,
        looked_after_options,
        report: None,
        chart: None,
        trends: Vec::new(),
        names,
    };
    if page.filters.is_empty() {
        return Ok(render(StatusCode::OK, &page));
    }
    match state.app.cohort_report(ctx, &page.filters).await {
        Ok(report) => {
            let (all, trends) = charts(&report);
            page.chart = Some(all);
            page.trends = trends;
            page.report = Some(report);
            Ok(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = errors;
            page.chrome = page.chrome.with_errors(true);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, ctx.request_id.clone())),
    }
}

fn query_string(f: &CohortFilters) -> String {
    f.to_pairs().into_iter().map(|(k, v)| format!("{k}={}", encode(&v))).collect::<Vec<_>>().join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The report as CSV: one line per measure (counts as the reader may see them; withheld
/// counts are empty), then one per measure and quarter of release.
pub fn report_csv(r: &CohortReport) -> String {
    let mut out = String::from(
        "quarter,key,label,numerator,denominator,complete,suppressed,reference_2015,released_from,released_to,children\r\n",
    );
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut line = |quarter: &str, m: &Measure, children: Option<u32>| {
        let row = [
            quarter.to_string(),
            m.key.to_string(),
            m.label.to_string(),
            n(m.numerator),
            n(m.denominator),
            m.complete.to_string(),
            m.suppressed.to_string(),
            m.reference.map(|r| format!("{r:.3}")).unwrap_or_default(),
            r.released_from.to_string(),
            r.released_to.to_string(),
            n(children),
        ];
        out.push_str(&crate::download::csv_line(&row));
    };
    for m in &r.measures {
        line("all", &m.measure, r.children);
    }
    for q in &r.trends {
        for m in &q.measures {
            line(&q.quarter, m, q.children);
        }
    }
    out
}

/// `/reports/cohort.csv`: the same query as the page, as CSV.
pub async fn cohort_csv(
    State(state): State<AppState>,
    who: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = CohortFilters::from_pairs(&pairs);
    let report =
        state.app.cohort_report(&who.ctx, &filters).await.map_err(|e| PageError::App(e, who.ctx.request_id.clone()))?;
    let name = format!("cohort-{}-{}.csv", report.released_from, report.released_to);
    Ok(crate::download::csv_response(report_csv(&report), &name))
}
