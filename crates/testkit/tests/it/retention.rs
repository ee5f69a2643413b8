//! Retention: the records kept as long as `[retention]` says are listed for review, by child
//! identifier, class and rule, on the day after their last day kept and not before; the
//! listing is audited. `retention apply --confirm` erases them: a youth justice record with
//! every row about the child, a health record alone; each erasure is one transaction with a
//! tombstone and an audit entry, and the audit chain still verifies.

use std::collections::BTreeMap;

use jiff::civil::Date;
use reqwest::StatusCode;
use resettle_app::Clock;
use resettle_app::subject_access::Officer;
use resettle_domain::child::CarerInput;
use resettle_domain::ids::ChildId;
use resettle_domain::retention::RecordClass;
use resettle_testkit::{Backend, TestDb};
use serde_json::json;
use uuid::Uuid;

use crate::audit::run_sql;
use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    records_are_due_the_day_after_their_last_day_kept,
    apply_erases_the_record_due_with_everything_about_the_child_and_nothing_else,
    a_health_record_due_alone_is_erased_alone,
    a_synthetic_population_is_erased_child_by_child,
    an_erasure_that_fails_part_way_leaves_the_record_whole,
);

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Tables reached from a child through a parent row (a sentence, need, episode, handover or
/// notification), with no `child_id` of their own.
const THROUGH_A_PARENT: &[&str] =
    &["key_date_revisions", "discharge_decisions", "need_updates", "placements", "handover_escalations", "outbox"];

/// Rows per (table, child) in every table with a `child_id` column — read from the schema, so
/// that a table added later is checked too — the audit details of each child's entries (as
/// `audit_details`) and the child's own row.
async fn rows_by_child(db: &TestDb) -> anyhow::Result<BTreeMap<(String, Uuid), i64>> {
    use sqlx::Connection;
    macro_rules! by_child {
        ($conn:expr, $tables:expr) => {{
            let tables: Vec<String> = sqlx::query_scalar($tables).fetch_all(&mut $conn).await?;
            assert!(tables.len() > 20, "{tables:?}");
            let mut out = BTreeMap::new();
            for t in tables {
                let rows: Vec<(Option<Uuid>, i64)> =
                    sqlx::query_as(&format!("SELECT child_id, COUNT(*) FROM {t} GROUP BY child_id"))
                        .fetch_all(&mut $conn)
                        .await?;
                out.extend(rows.into_iter().filter_map(|(c, n)| Some(((t.clone(), c?), n))));
            }
            let details: Vec<(Option<Uuid>, i64)> = sqlx::query_as(
                "SELECT l.child_id, COUNT(*) FROM audit_details d JOIN audit_log l ON l.seq = d.seq GROUP BY l.child_id",
            )
            .fetch_all(&mut $conn)
            .await?;
            out.extend(details.into_iter().filter_map(|(c, n)| Some((("audit_details".to_string(), c?), n))));
            let children: Vec<(Uuid, i64)> =
                sqlx::query_as("SELECT id, COUNT(*) FROM children GROUP BY id").fetch_all(&mut $conn).await?;
            out.extend(children.into_iter().map(|(c, n)| (("children".to_string(), c), n)));
            $conn.close().await?;
            out
        }};
    }
    Ok(match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await?;
            by_child!(
                c,
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND p.name = 'child_id' ORDER BY m.name"
            )
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await?;
            by_child!(
                c,
                "SELECT table_name::text FROM information_schema.columns \
                 WHERE column_name = 'child_id' AND table_schema = current_schema() ORDER BY 1"
            )
        }
    })
}

/// Rows in each table, for the tables reached through a parent.
async fn totals(db: &TestDb) -> anyhow::Result<BTreeMap<&'static str, i64>> {
    let mut out = BTreeMap::new();
    for t in THROUGH_A_PARENT {
        out.insert(*t, db.count(t).await?);
    }
    Ok(out)
}

/// Checks that every row about the `erased` children is gone (their audit entries stay, with
/// only the erasure's own text) and every row about the others is as it was.
fn check_erased(
    before: &BTreeMap<(String, Uuid), i64>,
    after: &BTreeMap<(String, Uuid), i64>,
    erased: &[Uuid],
    erasures_each: i64,
) {
    for ((table, child), n) in before {
        let now = after.get(&(table.clone(), *child)).copied().unwrap_or(0);
        if !erased.contains(child) {
            assert_eq!(now, *n, "{table} about a child kept");
        } else if table == "audit_log" {
            assert_eq!(now, n + erasures_each, "the audit entries stay, with the erasure's");
        } else if table == "audit_details" {
            assert_eq!(now, erasures_each, "only the erasure's own audit text stays");
        } else {
            assert_eq!(now, 0, "{table} still holds rows about an erased child");
        }
    }
    for (table, child) in after.keys() {
        if erased.contains(child) {
            assert!(["audit_log", "audit_details", "erasures"].contains(&table.as_str()), "{table}");
        }
    }
}

async fn records_are_due_the_day_after_their_last_day_kept(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let mut body = w.child_body("Remy", "Kept");
    body["date_of_birth"] = json!("2008-06-15");
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    let id = c["id"].as_str().unwrap().to_string();
    let young = w.child("Yara", "Young").await?;

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

/// A child born on 15 June 2008 with a record on 2 March 2026: reads, a change, a carer, a
/// subject access request and a health record handed over (with its notification). Returns the
/// child's id.
async fn remy(w: &Yjs) -> anyhow::Result<Uuid> {
    w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let mut body = w.child_body("Remy", "Kept");
    body["date_of_birth"] = json!("2008-06-15");
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    let id = c["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let (s, _) = w.api().get(&format!("/api/v1/children/{id}")).await?;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, r) =
        w.api().patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "first_language": "Welsh"})).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    let carer = CarerInput {
        name: Some("Rita Kept".into()),
        relationship: Some("Mother".into()),
        phone: Some("01632 960123".into()),
        ..Default::default()
    };
    w.t.app.add_carer(&w.t.ctx(&w.cm).await?, id.parse()?, &carer).await?;
    w.t.app.start_subject_access(Officer::Operator, id.parse()?, "SAR-2026-001", w.t.app.today()).await?;
    let note = json!({"category": "mental_health", "summary": "Low mood since the move", "source": "Remy"});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/health/records"), &note).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    Ok(id.parse()?)
}

async fn apply_erases_the_record_due_with_everything_about_the_child_and_nothing_else(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let remy = remy(&w).await?;
    let yara: Uuid = w.child("Yara", "Young").await?["id"].as_str().unwrap().parse()?;
    let on = day("2033-06-16");
    let before = rows_by_child(&w.t.db).await?;
    for table in [
        "children",
        "carers",
        "team_members",
        "timeline_entries",
        "health_records",
        "handovers",
        "subject_access_requests",
        "audit_log",
    ] {
        assert!(before.contains_key(&(table.to_string(), remy)), "the test child has no {table}");
    }

    // Without --confirm: refused, saying how many; nothing changes.
    let mut out = Vec::new();
    let refused = resettle_cli::retention::apply(&w.t.app, on, false, false, &mut out).await.unwrap_err().to_string();
    assert!(refused.contains("would erase 1 record(s)") && refused.contains("--confirm"), "{refused}");
    assert_eq!(rows_by_child(&w.t.db).await?, before);
    assert_eq!(w.t.db.count("erasures").await?, 0);

    // With it: Remy's record goes, Yara's stays.
    let through_before = totals(&w.t.db).await?;
    let done = resettle_cli::retention::apply(&w.t.app, on, true, false, &mut out).await?;
    let text = String::from_utf8(out)?;
    assert_eq!(done.len(), 1, "{done:?}");
    let e = &done[0];
    assert_eq!((e.child_id, e.class, e.keep_until), (ChildId(remy), RecordClass::YouthJustice, day("2033-06-15")));
    assert!(text.contains(&remy.to_string()) && text.contains("Youth justice case record"), "{text}");
    assert!(!text.contains("Remy") && !text.contains("Kept") && !text.contains(&yara.to_string()), "{text}");
    let after = rows_by_child(&w.t.db).await?;
    check_erased(&before, &after, &[remy], 1);
    // The tombstone counts what went, table by table; the tables reached through a parent
    // lost exactly what it says.
    for ((table, child), n) in &before {
        if *child == remy && !table.starts_with("audit_") {
            assert_eq!(e.removed_from(table), *n, "{table}");
        }
    }
    assert_eq!(e.removed_from("audit_details"), before[&("audit_details".to_string(), remy)]);
    for (table, n) in totals(&w.t.db).await? {
        assert_eq!(n, through_before[table] - e.removed_from(table), "{table}");
    }
    assert_eq!(w.t.app.store().erasures().await?, done);

    // The erasure is on the audit trail, as the operator's, and the chain still verifies.
    let last = w.t.app.store().child_audit(ChildId(remy), 1).await?;
    assert_eq!((last[0].action.as_str(), last[0].resource.as_str()), ("write", "retention.erase"));
    assert_eq!(last[0].user_id, None);
    assert!(last[0].purpose.contains("youth justice case record"), "{}", last[0].purpose);
    assert!(matches!(w.t.app.verify_audit().await?, Ok(n) if n > 5));

    // Nothing more is due; the database refuses to remove a child, or audit text, any other way.
    let mut out = Vec::new();
    assert!(resettle_cli::retention::apply(&w.t.app, on, true, false, &mut out).await?.is_empty());
    assert!(resettle_cli::retention::apply(&w.t.app, on, false, false, &mut out).await?.is_empty());
    assert!(String::from_utf8(out)?.contains("nothing"));
    assert_eq!(w.t.db.count("erasures").await?, 1);
    assert!(run_sql(&w.t.db, "DELETE FROM children").await.is_err());
    assert!(run_sql(&w.t.db, "DELETE FROM audit_details").await.is_err());
    assert_eq!(w.t.db.count("children").await?, 1);
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn a_health_record_due_alone_is_erased_alone(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    // Health recorded at 17: kept to the 26th birthday, 15 June 2034.
    let remy = remy(&w).await?;
    // A change to the case record in 2030 keeps it 6 years more, to 2 January 2036.
    let later = w.t.app.clone().with_clock(Clock::Fixed("2030-01-02T12:00:00Z".parse()?));
    let ctx = w.t.ctx(&w.cm).await?;
    let carer = CarerInput { name: Some("Ray Kept".into()), relationship: Some("Father".into()), ..Default::default() };
    later.add_carer(&ctx, ChildId(remy), &carer).await?;

    let on = day("2034-06-16");
    let due = w.t.app.retention_report(on).await?;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!((due[0].class, due[0].keep_until), (RecordClass::Health, day("2034-06-15")));
    let before = rows_by_child(&w.t.db).await?;
    let done = w.t.app.retention_apply(on, |_| {}).await?;
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0].class, RecordClass::Health);
    assert_eq!(done[0].removed_from("health_records"), 1);
    assert_eq!(done[0].removed_from("children"), 0);
    let after = rows_by_child(&w.t.db).await?;
    for ((table, child), n) in &before {
        let now = after.get(&(table.clone(), *child)).copied().unwrap_or(0);
        match table.as_str() {
            "health_records" | "health_assessments" | "health_measures" | "health_consents" | "handovers"
            | "share_log" => assert_eq!(now, 0, "{table}"),
            "timeline_entries" => assert_eq!(now, n - done[0].removed_from(table)),
            "notifications" => assert_eq!(now, n - done[0].removed_from(table)),
            "audit_log" | "audit_details" => assert_eq!(now, n + 1, "{table}: the erasure's own entry"),
            _ => assert_eq!(now, *n, "{table} is part of the case record"),
        }
    }
    assert!(done[0].removed_from("timeline_entries") > 0);
    assert_eq!(w.t.db.count("timeline_entries WHERE kind LIKE 'health.%'").await?, 0);
    assert!(w.t.app.verify_audit().await?.is_ok());
    // Done once; the case record goes when its own day comes.
    assert!(w.t.app.retention_apply(on, |_| {}).await?.is_empty());
    let done = w.t.app.retention_apply(day("2036-01-03"), |_| {}).await?;
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!((done[0].class, done[0].removed_from("children")), (RecordClass::YouthJustice, 1));
    assert_eq!(w.t.app.store().erasures().await?.len(), 2);
    assert_eq!(w.t.db.count("children").await?, 0);
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}

async fn a_synthetic_population_is_erased_child_by_child(b: Backend) -> anyhow::Result<()> {
    let t = resettle_testkit::spawn_app_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    let mut generator =
        resettle_synth::Generator::new(16, 40, t.app.today(), "synthetic-hash").map_err(|e| anyhow::anyhow!(e))?;
    t.app.store().load_synthetic(generator.base()).await?;
    for batch in generator.by_ref() {
        t.app.store().load_synthetic(&batch).await?;
    }
    // Judged on the day after the middle child's last day kept: about half are due.
    let mut days: Vec<Date> = t.app.retention_report(day("2100-01-01")).await?.iter().map(|d| d.keep_until).collect();
    days.sort();
    let on = days[days.len() / 2].tomorrow()?;
    let before = rows_by_child(&t.db).await?;
    let through_before = totals(&t.db).await?;
    let done = t.app.retention_apply(on, |_| {}).await?;
    let erased: Vec<Uuid> = done.iter().map(|e| e.child_id.0).collect();
    let children = t.db.count("children").await?;
    assert!(!erased.is_empty() && children > 0, "{} erased, {children} kept", erased.len());
    check_erased(&before, &rows_by_child(&t.db).await?, &erased, 1);
    let removed = |table: &str| done.iter().map(|e| e.removed_from(table)).sum::<i64>();
    for (table, n) in totals(&t.db).await? {
        assert_eq!(n, through_before[table] - removed(table), "{table}");
    }
    for table in ["sentences", "key_date_revisions", "placements", "needs", "meetings", "timeline_entries"] {
        assert!(removed(table) > 0, "the erased children had no {table}: {done:?}");
    }
    assert!(t.app.verify_audit().await?.is_ok());
    assert!(t.app.retention_apply(on, |_| {}).await?.is_empty());
    Ok(())
}

async fn an_erasure_that_fails_part_way_leaves_the_record_whole(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, "2026-03-02T12:00:00Z".parse()?).await?;
    remy(&w).await?;
    // Something refuses the removal of the carers, late in the erasure (after the health
    // record, the plan and the custody are gone inside the transaction).
    let refuse = match b {
        Backend::Sqlite => "CREATE TRIGGER carers_kept BEFORE DELETE ON carers BEGIN SELECT RAISE(ABORT, 'kept'); END;",
        Backend::Postgres => {
            "CREATE FUNCTION carers_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'kept'; END $$; \
             CREATE TRIGGER carers_kept BEFORE DELETE ON carers FOR EACH ROW EXECUTE FUNCTION carers_kept();"
        }
    };
    run_sql(&w.t.db, refuse).await?;
    let on = day("2033-06-16");
    let before = rows_by_child(&w.t.db).await?;
    let entries = w.t.db.count("audit_log").await?;
    assert!(w.t.app.retention_apply(on, |_| {}).await.is_err());
    assert_eq!(rows_by_child(&w.t.db).await?, before, "all or nothing");
    assert_eq!(w.t.db.count("erasures").await?, 0);
    // Only the listing was audited; the erasure's entry went with its transaction.
    assert_eq!(w.t.db.count("audit_log").await?, entries + 1);
    assert!(w.t.app.verify_audit().await?.is_ok());
    // Once nothing stands in the way, it goes through.
    let allow = match b {
        Backend::Sqlite => "DROP TRIGGER carers_kept",
        Backend::Postgres => "DROP TRIGGER carers_kept ON carers",
    };
    run_sql(&w.t.db, allow).await?;
    assert_eq!(w.t.app.retention_apply(on, |_| {}).await?.len(), 1);
    assert!(w.t.app.verify_audit().await?.is_ok());
    Ok(())
}
