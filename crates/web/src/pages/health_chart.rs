//! The outcome measures chart on a child's health page: SVG drawn on the server (readable
//! without JavaScript), with axes of dates and scores, one line for each measure and rater —
//! a clinician's ratings and the child's own are never joined into one line, since they are
//! not comparable — and a legend made from the same list of lines, so it matches what is
//! drawn. The table beside it carries every number.

use jiff::civil::Date;
use resettle_domain::health::{Measure, MeasureKind, Rater};

/// One line: a measure as one rater gave it, oldest first.
pub struct Series {
    /// Words for the legend: "HoNOSCA total, rated by a clinician".
    pub label: String,
    /// `measure/rater`, for tests to find a line (never shown).
    pub key: String,
    /// Its look.
    pub style: Style,
    /// The scores, oldest first.
    pub points: Vec<(Date, u8)>,
}

/// How a line is drawn: each rater its own colour and marker (the chart does not rely on
/// colour alone), each measure its own dash.
#[derive(Clone, Copy)]
pub struct Style {
    colour: &'static str,
    marker: Marker,
    dash: Option<&'static str>,
}

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// The drawn chart and its legend.
pub struct MeasuresChart {
    /// The SVG.
    pub svg: String,
    /// One entry for each line: a small sample of the line (SVG) and its words.
    pub legend: Vec<(String, String)>,
}

// Small enough that its text stays readable when the chart fills half a page.
const WIDTH: f64 = 440.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 52.0;

fn rater_look(r: Rater) -> (&'static str, Marker) {
    match r {
        Rater::Clinician => ("#1d70b8", Marker::Circle),
        Rater::SelfReport => ("#4c2c92", Marker::Square),
        Rater::Parent => ("#005a30", Marker::Triangle),
        Rater::Teacher => ("#6f3700", Marker::Diamond),
    }
}

fn rated_by(r: Rater) -> &'static str {
    match r {
        Rater::Clinician => "rated by a clinician",
        Rater::SelfReport => "rated by the child",
        Rater::Parent => "rated by a parent or carer",
        Rater::Teacher => "rated by a teacher",
    }
}

/// The lines to draw: one for each measure and rater with at least one score.
pub fn series(measures: &[Measure]) -> Vec<Series> {
    let mut out = Vec::new();
    for kind in MeasureKind::ALL.iter().copied() {
        for rater in Rater::ALL.iter().copied() {
            let mut points: Vec<(Date, u8)> = measures
                .iter()
                .filter(|m| m.kind == kind && m.rater == rater)
                .map(|m| (m.measured_on, m.score))
                .collect();
            if points.is_empty() {
                continue;
            }
            points.sort_by_key(|p| p.0);
            let (colour, marker) = rater_look(rater);
            let dash = (kind == MeasureKind::HonoscaTotal).then_some("8 5");
            out.push(Series {
                label: format!("{}, {}", kind.label(), rated_by(rater)),
                key: format!("{}/{}", kind.as_str(), rater.as_str()),
                style: Style { colour, marker, dash },
                points,
            });
        }
    }
    out
}

fn marker_svg(m: Marker, x: f64, y: f64, colour: &str) -> String {
    match m {
        Marker::Circle => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{colour}\"/>"),
        Marker::Square => {
            format!("<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>", x - 5.0, y - 5.0)
        }
        Marker::Triangle => format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{colour}\"/>",
            y - 6.0,
            x - 6.0,
            y + 5.0,
            x + 6.0,
            y + 5.0
        ),
        Marker::Diamond => format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"{colour}\"/>",
            y - 6.0,
            x + 6.0,
            y + 6.0,
            x - 6.0
        ),
    }
}

fn line_svg(style: Style, points: &str) -> String {
    let dash = style.dash.map(|d| format!(" stroke-dasharray=\"{d}\"")).unwrap_or_default();
    format!("<polyline points=\"{points}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{dash}/>", style.colour)
}

/// `2 Dec 2026`.
fn short_date(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// The chart, or `None` when there are no scores.
pub fn measures_chart(measures: &[Measure]) -> Option<MeasuresChart> {
    let lines = series(measures);
    let first = measures.iter().map(|m| m.measured_on).min()?;
    let last = measures.iter().map(|m| m.measured_on).max()?;
    // One day of scores still gets an axis: a fortnight either side.
    let (first, last) = if first == last {
        (first.saturating_sub(jiff::Span::new().days(14)), last.saturating_add(jiff::Span::new().days(14)))
    } else {
        (first, last)
    };
    let span = f64::from((last - first).get_days().max(1));
    let top_score = measures.iter().map(|m| m.kind.range().1).max().unwrap_or(52);
    let y_max = f64::from(top_score.div_ceil(10) * 10);
    let (pw, ph) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |d: Date| LEFT + pw * f64::from((d - first).get_days()) / span;
    let y = |s: u8| TOP + ph - ph * f64::from(s) / y_max;

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"app-chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"100%\" font-family=\"system-ui, arial, sans-serif\" focusable=\"false\" aria-labelledby=\"measures-chart-title measures-chart-desc\">\
         <title id=\"measures-chart-title\">Outcome scores over time</title>\
         <desc id=\"measures-chart-desc\">One line for each measure and rater, from {} to {}. Lower scores are \
         better. The table beside the chart gives every score.</desc>",
        super::long_date(first),
        super::long_date(last)
    );
    // Scores: gridlines and labels every 10.
    let mut s = 0u8;
    while f64::from(s) <= y_max {
        let yy = y(s);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#0b0c0c\" text-anchor=\"end\">{s}</text>",
            LEFT + pw,
            LEFT - 8.0,
            yy + 5.0
        ));
        s = s.saturating_add(10);
        if s == u8::MAX {
            break;
        }
    }
    // Dates: the first, the middle and the last (more would not fit in words).
    for i in 0..3 {
        let offset = (span * f64::from(i) / 2.0).round() as i64;
        let d = first.saturating_add(jiff::Span::new().days(offset));
        let xx = x(d);
        let anchor = match i {
            0 => "start",
            2 => "end",
            _ => "middle",
        };
        svg.push_str(&format!(
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#0b0c0c\" stroke-width=\"1\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#0b0c0c\" text-anchor=\"{anchor}\">{}</text>",
            TOP + ph,
            TOP + ph + 6.0,
            TOP + ph + 22.0,
            short_date(d)
        ));
    }
    // The axes and their titles.
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{:.1}\" stroke=\"#0b0c0c\" stroke-width=\"1.5\"/>\
         <line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#0b0c0c\" stroke-width=\"1.5\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#0b0c0c\" text-anchor=\"middle\">Date measured</text>\
         <text x=\"12\" y=\"{:.1}\" font-size=\"13\" fill=\"#0b0c0c\" text-anchor=\"middle\" \
         transform=\"rotate(-90 12 {:.1})\">Score</text>",
        TOP + ph,
        LEFT + pw,
        TOP + ph,
        TOP + ph,
        LEFT + pw / 2.0,
        HEIGHT - 10.0,
        TOP + ph / 2.0,
        TOP + ph / 2.0
    ));
    let mut legend = Vec::new();
    for line in &lines {
        let points: Vec<(f64, f64)> = line.points.iter().map(|(d, s)| (x(*d), y(*s))).collect();
        svg.push_str(&format!("<g data-series=\"{}\">", line.key));
        if points.len() > 1 {
            let joined = points.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect::<Vec<_>>().join(" ");
            svg.push_str(&line_svg(line.style, &joined));
        }
        for (px, py) in &points {
            svg.push_str(&marker_svg(line.style.marker, *px, *py, line.style.colour));
        }
        svg.push_str("</g>");
        let sample = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"app-chart-key\" width=\"44\" height=\"16\" \
             viewBox=\"0 0 44 16\" aria-hidden=\"true\" focusable=\"false\">{}{}</svg>",
            line_svg(line.style, "2,8 42,8"),
            marker_svg(line.style.marker, 22.0, 8.0, line.style.colour)
        );
        legend.push((sample, line.label.clone()));
    }
    svg.push_str("</svg>");
    Some(MeasuresChart { svg, legend })
}

#[cfg(test)]
mod tests {
    use super::*;
    use resettle_domain::ids::{ChildId, MeasureId};

    fn m(kind: MeasureKind, rater: Rater, on: &str, score: u8) -> Measure {
        Measure {
            id: MeasureId::random(),
            child_id: ChildId::random(),
            kind,
            score,
            rater,
            measured_on: on.parse().unwrap_or_default(),
            recorded_by_name: "Hana".into(),
            recorded_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_clinicians_ratings_and_the_childs_are_separate_lines_each_in_the_legend() {
        let measures = [
            m(MeasureKind::HonoscaTotal, Rater::Clinician, "2026-06-01", 30),
            m(MeasureKind::HonoscaTotal, Rater::SelfReport, "2026-06-01", 36),
            m(MeasureKind::HonoscaTotal, Rater::Clinician, "2026-09-01", 22),
            m(MeasureKind::HonoscaTotal, Rater::SelfReport, "2026-09-01", 18),
            m(MeasureKind::SdqTotal, Rater::SelfReport, "2026-07-01", 20),
        ];
        let lines = series(&measures);
        let keys: Vec<&str> = lines.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["sdq_total/self", "honosca_total/self", "honosca_total/clinician"]);
        let chart = measures_chart(&measures).unwrap_or_else(|| MeasuresChart { svg: String::new(), legend: vec![] });
        // Two HoNOSCA lines of two points each, the SDQ score a lone marker: no line joins
        // different raters.
        assert_eq!(chart.svg.matches("<polyline").count(), 2);
        assert_eq!(chart.legend.len(), 3);
        assert_eq!(chart.legend[2].1, "HoNOSCA total, rated by a clinician");
        // Axes with dates and scores.
        assert!(chart.svg.contains(">1 Jun 2026<") && chart.svg.contains(">1 Sep 2026<"), "{}", chart.svg);
        assert!(chart.svg.contains(">60<") && chart.svg.contains(">0<") && chart.svg.contains("Date measured"));
    }
}
