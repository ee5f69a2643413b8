//! Several servers over one database behave as one (issue 16): a write through one is on the
//! other's very next answer (their read caches count changes in the database), sign-in limits
//! hold across them (the failures are kept in the database), and the sweep escalates once
//! however many servers run it, and a sweep with nothing new neither writes nor reads the
//! country again.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use resettle_testkit::{Backend, PASSWORD};
use serde_json::json;

use crate::support::{Yjs, caseload_ids, on_every_backend};

on_every_backend!(
    servers_show_a_write_through_one_on_the_next_request_to_the_other,
    servers_share_the_sign_in_limits,
    servers_sweeping_together_escalate_once,
    a_sweep_with_nothing_new_writes_nothing_and_skips_what_cannot_have_moved,
);

async fn servers_show_a_write_through_one_on_the_next_request_to_the_other(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let other = w.t.another_server().await?;
    let (one, two) = (w.api(), other.api(&w.token));
    let first = w.child("Ada", "Byron").await?;
    let id = first["id"].as_str().unwrap_or_default().to_string();

    // Both servers have built (and cached) the caseload and the record.
    assert_eq!(caseload_ids(&two).await?, vec![id.clone()]);
    let (s, record) = two.get(&format!("/api/v1/children/{id}")).await?;
    assert_eq!(s, StatusCode::OK, "{record}");
    caseload_ids(&one).await?;

    // A new child through the first server: on the second's very next caseload.
    let second = w.child("Grace", "Hopper").await?;
    let ids = caseload_ids(&two).await?;
    assert!(ids.contains(&second["id"].as_str().unwrap_or_default().to_string()), "{ids:?}");
    assert_eq!(ids.len(), 2);

    // A change to the record through the second server: on the first's next answer.
    let (s, r) = two.patch(&format!("/api/v1/children/{id}"), &json!({"version": 1, "given_name": "Augusta"})).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, body) = one.get("/api/v1/children?per_page=200").await?;
    let names: Vec<&str> =
        body["items"].as_array().into_iter().flatten().filter_map(|c| c["given_name"].as_str()).collect();
    assert!(names.contains(&"Augusta"), "{body}");

    Ok(())
}

async fn servers_share_the_sign_in_limits(b: Backend) -> anyhow::Result<()> {
    let t = resettle_testkit::spawn_app(b).await?;
    t.org("YJS-T", "yjs").await?;
    t.user("real@yjs-t.example.org", "YJS-T", "yjs_case_manager").await?;
    let other = t.another_server().await?;
    // Failures spread over both servers count together.
    for i in 0..resettle_app::throttle::PER_ACCOUNT {
        let server = if i % 2 == 0 { &t } else { &other };
        let r = server.browser()?.sign_in("real@yjs-t.example.org", "not the password at all").await?;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    for server in [&t, &other] {
        let r = server.browser()?.sign_in("real@yjs-t.example.org", PASSWORD).await?;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "locked on {}", server.base);
        assert!(r.header("retry-after").is_some());
    }
    // No email address is kept in the clear.
    assert!(t.db.count("sign_in_failures").await? >= 5);
    Ok(())
}

/// Monday 2 March 2026, 10:00 UK time.
fn monday() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

async fn servers_sweeping_together_escalate_once(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    w.t.user("mina.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap_or_default();
    let body = json!({"category": "mental_health", "summary": "Low mood", "source": "home visit"});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/health/records"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // Overdue by Thursday: three servers sweep at the same moment.
    let thursday = monday() + SignedDuration::from_hours(72);
    let (two, three) = (w.t.another_server().await?, w.t.another_server().await?);
    let (a, b2, c) = tokio::join!(w.t.app.sweep(thursday), two.app.sweep(thursday), three.app.sweep(thursday));
    let escalated: usize = [a, b2, c]
        .into_iter()
        .map(|r| r.map(|r| r.escalated).map_err(|e| anyhow::anyhow!("{e:?}")))
        .sum::<anyhow::Result<usize>>()?;
    assert_eq!(escalated, 1, "one escalation however many servers sweep");
    assert_eq!(w.t.db.count("handover_escalations").await?, 1);
    assert_eq!(w.t.db.count("notifications").await?, 1);
    assert_eq!(w.t.db.count("outbox").await?, 1);
    Ok(())
}

async fn a_sweep_with_nothing_new_writes_nothing_and_skips_what_cannot_have_moved(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, monday()).await?;
    w.t.user("mina.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let child = w.child("Rhea", "Quill").await?;
    let id = child["id"].as_str().unwrap_or_default().to_string();
    let action = |description: &str| json!({"description": description, "owner_organisation_id": w.yjs.id.to_string(), "due_by": "2026-03-03"});
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/actions"), &action("Book the interview")).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let sweep = |at: Timestamp| {
        let app = w.t.app.clone();
        async move { app.sweep(at).await.map_err(|e| anyhow::anyhow!("{e:?}")) }
    };
    let store = w.t.app.store();
    let changes = || async move { store.changes().await.map_err(|e| anyhow::anyhow!("{e:?}")) };

    // Thursday: the action is late, and its escalation is written.
    let thursday = monday() + SignedDuration::from_hours(72);
    let first = sweep(thursday).await?;
    assert_eq!(first.action_notifications, 1, "{first:?}");
    assert_eq!(first.steps_unchanged, 0, "{first:?}");
    // Again: its own writes moved the change count, so every step looks again, finds nothing
    // new, and writes nothing (not even a change to count).
    let before = changes().await?;
    let second = sweep(thursday + SignedDuration::from_mins(5)).await?;
    assert_eq!((second.action_notifications, second.steps_unchanged), (0, 0), "{second:?}");
    assert_eq!(changes().await?, before, "a sweep that sends nothing counts no change");
    // And again: nothing moved since, so the steps across every child are skipped.
    let third = sweep(thursday + SignedDuration::from_mins(10)).await?;
    assert_eq!(third.steps_unchanged, 4, "{third:?}");
    assert_eq!(w.t.db.count("notifications").await?, 1);

    // A change: another late action, found by the next sweep the same day.
    let (s, r) = w.api().post(&format!("/api/v1/children/{id}/actions"), &action("Confirm the tenancy")).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let fourth = sweep(thursday + SignedDuration::from_mins(15)).await?;
    assert_eq!((fourth.action_notifications, fourth.steps_unchanged), (1, 0), "{fourth:?}");
    let fifth = sweep(thursday + SignedDuration::from_mins(20)).await?;
    assert_eq!(fifth.steps_unchanged, 0, "the fourth sweep wrote: {fifth:?}");
    assert_eq!(sweep(thursday + SignedDuration::from_mins(25)).await?.steps_unchanged, 4);
    // The next day: something may have fallen due, so every step looks again.
    let friday = sweep(thursday + SignedDuration::from_hours(24)).await?;
    assert_eq!(friday.steps_unchanged, 0, "{friday:?}");
    assert_eq!(w.t.db.count("notifications").await?, 2);
    Ok(())
}
