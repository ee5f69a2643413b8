//! Errors that say, field by field, what to fix.

use serde::Serialize;

/// The earliest year a date may have: nothing about a child in custody today happened before it.
pub const FIRST_YEAR: i16 = 1900;
/// The latest year a date may have.
pub const LAST_YEAR: i16 = 2100;

/// Why a day was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayError {
    /// Not written `YYYY-MM-DD`.
    Shape,
    /// Written so, but no such day (e.g. 2026-02-30).
    NotReal,
    /// Before [`FIRST_YEAR`] or after [`LAST_YEAR`].
    OutOfRange,
}

impl DayError {
    /// The message for a field labelled `label`. Only a badly written day shows `example` (a
    /// correct value, for the API's clients); pages send their date boxes written correctly,
    /// so people read words alone ("must be a real date", as GOV.UK says).
    pub fn message(self, label: &str, example: &str) -> String {
        match self {
            DayError::Shape => format!("{label} must be written YYYY-MM-DD, like {example}"),
            DayError::NotReal => format!("{label} must be a real date"),
            DayError::OutOfRange => format!("{label} must be between {FIRST_YEAR} and {LAST_YEAR}"),
        }
    }
}

/// A day written exactly `YYYY-MM-DD`, real, and between [`FIRST_YEAR`] and [`LAST_YEAR`]: the
/// one form a date is accepted in (not `+002026-…`, `20261102` or year 0000 or 9999).
pub fn parse_day(s: &str) -> Result<jiff::civil::Date, DayError> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shaped {
        return Err(DayError::Shape);
    }
    let d = s.parse::<jiff::civil::Date>().map_err(|_| DayError::NotReal)?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        return Err(DayError::OutOfRange);
    }
    Ok(d)
}

/// True when `t` falls within [`FIRST_YEAR`] to [`LAST_YEAR`] (in UTC).
pub fn instant_in_range(t: jiff::Timestamp) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&t.to_zoned(jiff::tz::TimeZone::UTC).year())
}

/// One problem with one field of the input, worded for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input's field name (as in the form or JSON body), e.g. `nhs_number`.
    pub field: String,
    /// What is wrong and how to put it right.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Every problem found in one input. Never empty when returned as an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.summary())]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Record a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// A single problem.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was wrong, otherwise the problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }

    /// The message for one field, if any.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// All messages joined, for one-line contexts such as the API's `detail`.
    pub fn summary(&self) -> String {
        self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
    }
}

/// Trims `value`; `None` when empty. Refuses text longer than `max` characters as sent
/// (spaces around it count: the API's description gives `max` as the field's `maxLength`).
pub fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    if value.is_some_and(|v| v.chars().count() > max) {
        errors.add(field, format!("{label} must be {max} characters or fewer"));
        return None;
    }
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.add(field, format!("{label} must not contain control characters"));
        return None;
    }
    Some(v.to_string())
}

/// Like [`optional_text`], for a field that is one line (a name, a telephone number, a
/// place): line breaks, tabs and every other control character are refused, so that nothing
/// typed can start a new line in an iCalendar file or an email header built from it.
pub fn optional_line(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    if value.is_some_and(|v| v.trim().chars().any(char::is_control)) {
        errors.add(field, format!("{label} must be one line, without line breaks or tabs"));
        return None;
    }
    optional_text(errors, field, label, value, max)
}

/// Like [`optional_line`] but the value must be present.
pub fn required_line(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> String {
    let present = value.map(str::trim).is_some_and(|v| !v.is_empty());
    if !present && value.is_none_or(|v| v.chars().count() <= max) {
        errors.add(field, format!("Enter {}", label.to_lowercase()));
        return String::new();
    }
    optional_line(errors, field, label, value, max).unwrap_or_default()
}

/// Like [`optional_text`] but the value must be present.
pub fn required_text(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> String {
    let present = value.map(str::trim).is_some_and(|v| !v.is_empty());
    if !present && value.is_none_or(|v| v.chars().count() <= max) {
        errors.add(field, format!("Enter {}", label.to_lowercase()));
        return String::new();
    }
    optional_text(errors, field, label, value, max).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_single_line_refuses_line_breaks_tabs_and_nul_and_says_so() {
        for bad in ["Ada\r\nBCC: x@example.org", "Ada\nLovelace", "Ada\tL", "Ada\0"] {
            let mut e = ValidationErrors::new();
            assert_eq!(optional_line(&mut e, "name", "Name", Some(bad), 100), None, "{bad:?}");
            assert!(e.for_field("name").is_some_and(|m| m.contains("one line")), "{bad:?}");
        }
        let mut e = ValidationErrors::new();
        assert_eq!(required_line(&mut e, "name", "Name", Some("  Ada Lovelace "), 100), "Ada Lovelace");
        assert!(e.is_empty());
        // The length counts what was sent, spaces around it too (as the API's maxLength does).
        let padded = format!("  {}  ", "a".repeat(99));
        assert_eq!(optional_text(&mut e, "note", "Note", Some(&padded), 100), None);
        assert_eq!(e.for_field("note"), Some("Note must be 100 characters or fewer"));
        let mut e = ValidationErrors::new();
        assert_eq!(required_line(&mut e, "name", "Name", Some(&" ".repeat(101)), 100), "");
        assert_eq!(e.for_field("name"), Some("Name must be 100 characters or fewer"));
        let mut e = ValidationErrors::new();
        // Multi-line text keeps its line breaks.
        assert_eq!(optional_text(&mut e, "note", "Note", Some("one\ntwo"), 100).as_deref(), Some("one\ntwo"));
    }

    #[test]
    fn a_day_is_yyyy_mm_dd_real_and_between_1900_and_2100() {
        assert_eq!(parse_day("2026-11-02"), Ok(jiff::civil::date(2026, 11, 2)));
        assert_eq!(parse_day("1900-01-01"), Ok(jiff::civil::date(1900, 1, 1)));
        assert_eq!(parse_day("2100-12-31"), Ok(jiff::civil::date(2100, 12, 31)));
        for shape in ["20261102", "2026-1-2", "+002026-11-02", " 2026-11-02", "2026/11/02", "", "２０２６-11-02"] {
            assert_eq!(parse_day(shape), Err(DayError::Shape), "{shape:?}");
        }
        assert_eq!(parse_day("2026-02-29"), Err(DayError::NotReal));
        for far in ["0000-01-01", "1899-12-31", "2101-01-01", "9999-12-31"] {
            assert_eq!(parse_day(far), Err(DayError::OutOfRange), "{far}");
        }
        assert!(DayError::OutOfRange.message("Date of birth", "2010-04-27").contains("between 1900 and 2100"));
        // What pages show is in words: the example is only for a badly written day (the API).
        assert_eq!(DayError::NotReal.message("Date of birth", "2010-04-27"), "Date of birth must be a real date");
        assert!(DayError::Shape.message("Date of birth", "2010-04-27").contains("YYYY-MM-DD, like 2010-04-27"));
    }
}
