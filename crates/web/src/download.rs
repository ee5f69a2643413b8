//! Answers that are files to download, for the API and the pages alike.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A `text/calendar` download.
pub fn ics_response(ics: String, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        ics,
    )
        .into_response()
}

/// A `text/csv` download.
pub fn csv_response(csv: String, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        csv,
    )
        .into_response()
}

/// Quotes a CSV field (RFC 4180) and defuses spreadsheet formulas: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is read by a spreadsheet as a formula (OWASP CSV
/// injection), so it is prefixed with an apostrophe.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// One CSV line of `fields`, ended with CRLF.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(super::csv_field("plain"), "plain");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(super::csv_field("-1"), "'-1");
        assert_eq!(super::csv_field("\t=SUM(A1)"), "'\t=SUM(A1)");
        assert!(super::csv_field("\r=1+2").starts_with("\"'\r"), "{}", super::csv_field("\r=1+2"));
        assert_eq!(super::csv_line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }
}
