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
