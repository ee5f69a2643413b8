//! Retention: the records kept as long as `[retention]` says are listed for review, by child
//! identifier, class and rule, on the day after their last day kept and not before; the
//! listing is audited.

use reqwest::StatusCode;
use resettle_domain::retention::RecordClass;
use resettle_testkit::Backend;
use serde_json::json;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(records_are_due_the_day_after_their_last_day_kept);

async fn records_are_due_the_day_after_their_last_day_kept(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let mut body = w.child_body("Remy", "Kept");
    body["date_of_birth"] = json!("2008-06-15");
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    let id = c["id"].as_str().unwrap().to_string();
    let young = w.child("Yara", "Young").await?;

    let day = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    // Kept to the 25th birthday (15 June 2033), later than 6 years after the last entry.
    assert!(w.t.app.retention_report(day("2033-06-15")).await?.is_empty());
    let due = w.t.app.retention_report(day("2033-06-16")).await?;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].child_id.to_string(), id);
    assert_eq!(due[0].class, RecordClass::YouthJustice);
    assert_eq!(due[0].keep_until, day("2033-06-15"));
    assert!(due[0].rule.contains("25th birthday"), "{}", due[0].rule);
    // No health record was made, so none is listed; the 14-year-old's comes years later.
    let later = w.t.app.retention_report(day("2040-01-01")).await?;
    assert!(later.iter().all(|d| d.class == RecordClass::YouthJustice));
    assert!(later.iter().any(|d| d.child_id.to_string() == young["id"].as_str().unwrap()), "{later:?}");
    assert_eq!(w.t.db.count("audit_log WHERE resource = 'retention.report'").await?, 3);
    Ok(())
}
