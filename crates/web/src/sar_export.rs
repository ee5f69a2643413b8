//! A subject access export written out: one zip holding everything held about the child as
//! JSON (`record.json`, and the health record as FHIR R4 when released), a readable copy
//! (`record.html`, which opens in any browser without the service) and a short `README.txt`.

use std::io::Write;

use askama::Template;
use resettle_app::subject_access::{AccessRecord, SubjectAccessExport};
use resettle_domain::subject_access::{YES_NO_COLUMNS, column_label, stored_label, table_title};
use serde_json::Value;

use crate::words::{long_date, long_time, resource_label};

/// One table of the readable copy.
pub struct Section {
    /// What it holds, in words.
    pub title: &'static str,
    /// Each row as labelled values.
    pub rows: Vec<Vec<(String, String)>>,
}

/// One line of "who looked at or changed the record".
pub struct AccessLine {
    /// When, in words.
    pub at: String,
    /// What they did, in words.
    pub what: String,
    /// Organisation.
    pub organisation: String,
    /// Role, and name when staff are named.
    pub who: String,
}

#[derive(Template)]
#[template(path = "sar_export.html")]
struct ReadableCopy<'a> {
    name: String,
    reference: &'a str,
    received: String,
    exported: String,
    health_note: &'a str,
    sections: Vec<Section>,
    access: Vec<AccessLine>,
    staff_names: bool,
}

/// Columns that are the record's own machinery, not information about the child.
fn hidden(column: &str) -> bool {
    matches!(column, "version" | "seq" | "dedupe_key" | "catalogue_version" | "item_id" | "based_on" | "link")
}

/// Columns naming an organisation by identifier: shown by name.
fn organisation_column(column: &str) -> bool {
    column == "yjs_id"
        || column == "establishment_id"
        || column.ends_with("organisation_id")
        || column == "recipient_org_id"
}

/// `recorded_by_name` → "Recorded by name" → "Recorded by".
fn label(column: &str) -> String {
    if let Some(words) = column_label(column) {
        return words.to_string();
    }
    let trimmed = column.strip_suffix("_name").filter(|c| c.ends_with("_by")).unwrap_or(column);
    let trimmed = trimmed.strip_suffix("_id").unwrap_or(trimmed);
    sentence_case(trimmed)
}

/// `yjs_case_manager` → "Yjs case manager": a stored name as words, first letter capital.
fn sentence_case(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn looks_like_key(s: &str) -> bool {
    s.contains('_') && s.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// A stored value in words: days and times written out, keys as words, identifiers left out
/// (`None`).
fn words(table: &str, column: &str, value: &Value, export: &SubjectAccessExport) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(if *b { "Yes" } else { "No" }.into()),
        Value::Number(n) if YES_NO_COLUMNS.contains(&column) => {
            Some(if n.as_i64() == Some(0) { "No" } else { "Yes" }.into())
        }
        Value::String(s) if stored_label(table, column, s).is_some() => stored_label(table, column, s),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if organisation_column(column) => {
            Some(export.organisations.get(s).cloned().unwrap_or_else(|| "An organisation".into()))
        }
        Value::String(s) if looks_like_uuid(s) => None,
        Value::String(s) => {
            if let Ok(d) = s.parse::<jiff::civil::Date>()
                && s.len() == 10
            {
                return Some(long_date(d));
            }
            if let Ok(t) = s.parse::<jiff::Timestamp>() {
                return Some(long_time(t));
            }
            if looks_like_key(s) {
                return Some(sentence_case(s));
            }
            Some(s.clone())
        }
        other => Some(other.to_string()),
    }
}

fn sections(export: &SubjectAccessExport) -> Vec<Section> {
    export
        .tables
        .iter()
        .map(|t| Section {
            title: table_title(&t.table),
            rows: t
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .filter(|(c, _)| !hidden(c) && c.as_str() != "id" && c.as_str() != "child_id")
                        // The timeline's kind is a key; its summary says the same in words.
                        .filter(|(c, _)| !(t.table == "timeline_entries" && c.as_str() == "kind"))
                        .filter_map(|(c, v)| words(&t.table, c, v, export).map(|w| (label(c), w)))
                        .collect()
                })
                .collect(),
        })
        .collect()
}

fn access_line(a: &AccessRecord) -> AccessLine {
    let verb = match a.action.as_str() {
        "read" => "Looked at",
        "write" => "Changed",
        "refused" => "Was refused",
        _ => "Used",
    };
    let who = match &a.name {
        Some(n) => format!("{n}, {}", a.role),
        None => a.role.clone(),
    };
    AccessLine {
        at: long_time(a.at),
        what: format!("{verb} {}", resource_label(&a.resource)),
        organisation: a.organisation.clone(),
        who,
    }
}

/// The readable copy, as HTML.
pub fn readable(export: &SubjectAccessExport) -> Result<String, askama::Error> {
    let d = &export.child.details;
    ReadableCopy {
        name: format!("{} {}", d.given_name, d.family_name),
        reference: &export.request.reference,
        received: long_date(export.request.received_on),
        exported: long_time(export.exported_at),
        health_note: &export.health_note,
        sections: sections(export),
        access: export.access.iter().map(access_line).collect(),
        staff_names: export.staff_names,
    }
    .render()
}

/// What the zip holds, in words.
fn readme(export: &SubjectAccessExport) -> String {
    format!(
        "Subject access request {reference}\n\
         Received on {received}; this copy made on {exported}.\n\n\
         record.html   everything Resettle holds about the child, to read in a browser\n\
         record.json   the same, as stored, for a computer to read\n\
         {fhir}\
         \n{health}\n\n\
         Other people's contact details are removed where the service's settings say so, and \
         staff are {staff}.\n",
        reference = export.request.reference,
        received = long_date(export.request.received_on),
        exported = long_time(export.exported_at),
        fhir = if export.fhir.is_some() {
            "health-record.fhir.json   the health record as FHIR R4, for health systems\n"
        } else {
            ""
        },
        health = export.health_note,
        staff = if export.staff_names { "named" } else { "named by role and organisation only" },
    )
}

/// The zip: `README.txt`, `record.html`, `record.json` and, when released,
/// `health-record.fhir.json`.
pub fn zip(export: &SubjectAccessExport) -> Result<Vec<u8>, String> {
    let html = readable(export).map_err(|e| format!("cannot write the readable copy: {e}"))?;
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "reference": export.request.reference,
        "request": export.request,
        "exported_at": export.exported_at,
        "child": export.child,
        "health_included": export.health_included,
        "health_note": export.health_note,
        "tables": export
            .tables
            .iter()
            .map(|t| (t.table.clone(), Value::Array(t.rows.iter().cloned().map(Value::Object).collect())))
            .collect::<serde_json::Map<String, Value>>(),
        "access": export.access,
    }))
    .map_err(|e| format!("cannot write the record: {e}"))?;
    let mut files: Vec<(&str, Vec<u8>)> =
        vec![("README.txt", readme(export).into_bytes()), ("record.html", html.into_bytes()), ("record.json", json)];
    if let Some(bundle) = &export.fhir {
        files.push((
            "health-record.fhir.json",
            serde_json::to_vec_pretty(bundle).map_err(|e| format!("cannot write the health record: {e}"))?,
        ));
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(name, options).map_err(|e| format!("cannot write {name}: {e}"))?;
        out.write_all(&bytes).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let cursor = out.finish().map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_read_as_words() {
        assert_eq!(label("recorded_by_name"), "Recorded by");
        assert_eq!(label("owner_organisation_id"), "Owner organisation");
        assert_eq!(label("date_of_birth"), "Date of birth");
        assert!(looks_like_key("yjs_case_manager"));
        assert!(!looks_like_key("Lives with her aunt"));
    }
}
