//! Storage conformance, continued: custody, the timeline, writes that fail whole, exact
//! round trips and the synthetic loader (fixtures in `storage.rs`).

use jiff::Timestamp;
use jiff::civil::date;
use resettle_app::storage::{CaseloadQuery, StorageError, SyntheticBatch};
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, OrgId, UserId};
use resettle_domain::org::{OrgKind, Role};
use resettle_testkit::Backend;

use crate::storage::*;
use crate::support::on_every_backend;

on_every_backend!(
    a_custody_episode_is_stored_with_its_placement,
    a_second_open_custody_episode_is_refused_and_writes_nothing,
    the_timeline_is_newest_first_and_limited,
    insert_child_writes_nothing_when_the_team_fails,
    insert_child_writes_nothing_when_the_timeline_entry_fails,
    every_change_writes_nothing_when_its_timeline_entry_fails,
    timestamps_and_dates_round_trip_exactly,
    a_synthetic_batch_is_loaded_whole_or_not_at_all,
);

async fn a_custody_episode_is_stored_with_its_placement(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let yoi = add_org(s, "YOI-1", "Wetherby", OrgKind::Yoi).await;
    let sch = add_org(s, "SCH-1", "Aycliffe", OrgKind::Sch).await;
    let c = add_child(s, yjs.id, "Fay", "Ng", date(2011, 2, 2)).await;

    // An earlier, ended episode, then the current one.
    let (mut old, mut old_pl) = open_episode(c.id, EpisodeKind::Remand, date(2025, 3, 1), sch.id);
    old.ended_on = Some(date(2025, 4, 1));
    old_pl.ended_on = Some(date(2025, 4, 1));
    s.insert_episode(&old, &old_pl, &entry(c.id, at("2025-03-01T09:00:00Z"), "custody.started")).await?;
    let (ep, pl) = open_episode(c.id, EpisodeKind::Sentence, date(2026, 2, 1), yoi.id);
    s.insert_episode(&ep, &pl, &entry(c.id, at("2026-02-01T09:00:00Z"), "custody.started")).await?;

    let custody = s.custody(c.id).await?;
    assert_eq!(custody.len(), 2);
    assert_eq!(custody[0].episode, ep, "newest first");
    assert_eq!(custody[0].placements.len(), 1);
    assert_eq!(custody[0].placements[0].placement, pl);
    assert_eq!(custody[0].placements[0].establishment_name, "Wetherby");
    assert_eq!(custody[1].episode, old);
    assert_eq!(custody[1].placements[0].placement, old_pl);
    assert_eq!(custody[1].placements[0].establishment_name, "Aycliffe");

    let row = s.caseload(&anyone_in(&[yjs.id]), &CaseloadQuery::default()).await?.items.remove(0);
    let now = row.custody.expect("in custody");
    assert_eq!((now.kind, now.started_on), (EpisodeKind::Sentence, date(2026, 2, 1)));
    assert_eq!(now.establishment_name.as_deref(), Some("Wetherby"));
    Ok(())
}

async fn a_second_open_custody_episode_is_refused_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let yoi = add_org(s, "YOI-1", "Wetherby", OrgKind::Yoi).await;
    let c = add_child(s, yjs.id, "Gus", "Ray", date(2011, 2, 2)).await;
    let (ep, pl) = open_episode(c.id, EpisodeKind::Remand, date(2026, 2, 1), yoi.id);
    s.insert_episode(&ep, &pl, &entry(c.id, at("2026-02-01T09:00:00Z"), "custody.started")).await?;
    let before =
        (db.count("custody_episodes").await?, db.count("placements").await?, db.count("timeline_entries").await?);

    let (ep2, pl2) = open_episode(c.id, EpisodeKind::Sentence, date(2026, 3, 1), yoi.id);
    match s.insert_episode(&ep2, &pl2, &entry(c.id, at("2026-03-01T09:00:00Z"), "custody.started")).await {
        Err(StorageError::Duplicate { field, .. }) => assert_eq!(field, "kind"),
        other => panic!("expected Duplicate on kind, got {other:?}"),
    }
    let after =
        (db.count("custody_episodes").await?, db.count("placements").await?, db.count("timeline_entries").await?);
    assert_eq!(after, before, "nothing written");
    assert_eq!(s.custody(c.id).await?.len(), 1);

    // Another child may be in custody at the same time: the index is per child.
    let other = add_child(s, yjs.id, "Hal", "Ray", date(2011, 2, 2)).await;
    let (ep3, pl3) = open_episode(other.id, EpisodeKind::Remand, date(2026, 2, 1), yoi.id);
    s.insert_episode(&ep3, &pl3, &entry(other.id, at("2026-02-01T09:00:00Z"), "custody.started")).await?;
    Ok(())
}

async fn the_timeline_is_newest_first_and_limited(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let c = add_child(s, yjs.id, "Ivy", "Cole", date(2011, 2, 2)).await; // entry at 2026-01-05T10:00
    let other = add_child(s, yjs.id, "Jo", "Cole", date(2011, 2, 2)).await;
    // Written out of order, a microsecond apart in places.
    let times = ["2026-03-01T10:00:00.000002Z", "2026-02-01T10:00:00Z", "2026-03-01T10:00:00.000001Z"];
    for t in times {
        s.insert_carer(&carer(c.id, t), &entry(c.id, at(t), "carer.added"), &[]).await?;
    }
    let all = s.timeline(c.id, 10).await?;
    let got: Vec<Timestamp> = all.iter().map(|e| e.at).collect();
    assert_eq!(
        got,
        [
            at("2026-03-01T10:00:00.000002Z"),
            at("2026-03-01T10:00:00.000001Z"),
            at("2026-02-01T10:00:00Z"),
            at("2026-01-05T10:00:00Z"),
        ]
    );
    assert!(all.iter().all(|e| e.child_id == c.id), "only this child's entries");
    let two = s.timeline(c.id, 2).await?;
    assert_eq!(two.iter().map(|e| e.at).collect::<Vec<_>>(), got[..2]);
    assert_eq!(s.timeline(other.id, 10).await?.len(), 1);
    Ok(())
}

async fn insert_child_writes_nothing_when_the_team_fails(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let c = child(yjs.id, "Kit", "Lane", date(2011, 2, 2), at("2026-01-05T10:00:00Z"));
    let good = member(c.id, yjs.id, None, date(2026, 1, 1), None);
    // The second team member's organisation does not exist: a foreign-key violation after
    // the child and its carer are written.
    let bad = member(c.id, OrgId::random(), None, date(2026, 1, 1), None);
    let result = s
        .insert_child(
            &c,
            &[carer(c.id, "Lou Lane")],
            &[good.clone(), bad],
            &entry(c.id, c.created_at, "child.created"),
            &[],
        )
        .await;
    assert!(result.is_err(), "the insert must fail: {result:?}");
    for table in ["children", "carers", "team_members", "timeline_entries"] {
        assert_eq!(db.count(table).await?, 0, "{table} after a failed insert_child");
    }
    assert_eq!(s.child(c.id, &anyone_in(&[yjs.id])).await?, None);

    // The same child with a good team goes in: nothing of the first attempt was left behind.
    s.insert_child(&c, &[carer(c.id, "Lou Lane")], &[good], &entry(c.id, c.created_at, "child.created"), &[]).await?;
    assert_eq!(s.child(c.id, &anyone_in(&[yjs.id])).await?, Some(c));
    assert_eq!(db.count("children").await?, 1);
    Ok(())
}

async fn insert_child_writes_nothing_when_the_timeline_entry_fails(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let c = child(yjs.id, "Max", "Lane", date(2011, 2, 2), at("2026-01-05T10:00:00Z"));
    let mut e = entry(c.id, c.created_at, "child.created");
    e.actor_id = Some(UserId::random()); // no such user: the last statement fails
    let result = s.insert_child(&c, &[], &[member(c.id, yjs.id, None, date(2026, 1, 1), None)], &e, &[]).await;
    assert!(result.is_err(), "the insert must fail: {result:?}");
    for table in ["children", "team_members", "timeline_entries"] {
        assert_eq!(db.count(table).await?, 0, "{table} after a failed insert_child");
    }
    Ok(())
}

async fn every_change_writes_nothing_when_its_timeline_entry_fails(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let yoi = add_org(s, "YOI-1", "Wetherby", OrgKind::Yoi).await;
    let c = add_child(s, yjs.id, "Ola", "Page", date(2011, 2, 2)).await;
    // An entry by a user who does not exist: the last statement of each change fails.
    let bad_entry = || {
        let mut e = entry(c.id, at("2026-06-01T10:00:00Z"), "bad");
        e.actor_id = Some(UserId::random());
        e
    };
    let counts = || async {
        let mut n = Vec::new();
        for table in ["children", "carers", "team_members", "custody_episodes", "placements", "timeline_entries"] {
            n.push(db.count(table).await.unwrap());
        }
        n
    };
    let before = counts().await;

    let mut changed = c.clone();
    changed.details.given_name = "Changed".into();
    changed.version = 2;
    assert!(s.update_child(&changed, 1, &bad_entry(), &[]).await.is_err());
    assert_eq!(s.child(c.id, &anyone_in(&[yjs.id])).await?, Some(c.clone()), "update_child rolled back");

    assert!(s.insert_carer(&carer(c.id, "Pip Page"), &bad_entry(), &[]).await.is_err());
    assert!(s.carers(c.id).await?.is_empty(), "insert_carer rolled back");

    let m = member(c.id, ete.id, None, date(2026, 1, 1), None);
    assert!(s.insert_team_member(&m, &bad_entry(), &[]).await.is_err());
    assert_eq!(s.team(c.id).await?.len(), 1, "insert_team_member rolled back");

    let (ep, pl) = open_episode(c.id, EpisodeKind::Remand, date(2026, 2, 1), yoi.id);
    assert!(s.insert_episode(&ep, &pl, &bad_entry()).await.is_err());
    assert!(s.custody(c.id).await?.is_empty(), "insert_episode rolled back");
    // And the partial index does not remember the episode that was rolled back.
    s.insert_episode(&ep, &pl, &entry(c.id, at("2026-02-01T09:00:00Z"), "custody.started")).await?;

    let mut after = counts().await;
    after[3] -= 1;
    after[4] -= 1;
    after[5] -= 1;
    assert_eq!(after, before, "nothing else was written");
    Ok(())
}

async fn timestamps_and_dates_round_trip_exactly(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let scope = anyone_in(&[yjs.id]);
    for (dob, created, updated) in [
        // A leap day; the last microsecond before the clocks go forward in the UK.
        (date(2012, 2, 29), "2026-03-29T00:59:59.999999Z", "2026-03-29T01:00:00.000001Z"),
        // Whole seconds; a date at the start of a year; before the epoch.
        (date(2010, 1, 1), "2026-10-25T01:30:00Z", "1969-12-31T23:59:59.5Z"),
        // The end of a year; far in the future.
        (date(2009, 12, 31), "2000-02-29T12:00:00.000100Z", "2199-12-31T23:59:59.999999Z"),
    ] {
        let mut c = child(yjs.id, "Time", "Check", dob, at(updated));
        c.created_at = at(created);
        c.details.preferred_name = Some("Tímé — ✓".into());
        c.details.first_language = Some("Cymraeg".into());
        let e = entry(c.id, at(updated), "child.created");
        s.insert_child(&c, &[], &[member(c.id, yjs.id, None, date(2026, 1, 1), None)], &e, &[]).await?;
        assert_eq!(s.child(c.id, &scope).await?, Some(c.clone()), "{dob} {created} {updated}");
        assert_eq!(s.timeline(c.id, 1).await?, vec![e]);
    }
    Ok(())
}

async fn a_synthetic_batch_is_loaded_whole_or_not_at_all(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let yjs = organisation("YJS-A", "YJS A", OrgKind::Yjs);
    let yoi = organisation("YOI-1", "Wetherby", OrgKind::Yoi);
    let u = user_record("cm@example.org", "Case Manager", &[(yjs.id, Role::YjsCaseManager)]);
    let c = child(yjs.id, "Nia", "Oak", date(2011, 2, 2), at("2026-01-05T10:00:00Z"));
    let (ep, pl) = open_episode(c.id, EpisodeKind::Remand, date(2026, 2, 1), yoi.id);
    let good = SyntheticBatch {
        organisations: vec![yjs.clone(), yoi.clone()],
        users: vec![u.clone()],
        children: vec![c.clone()],
        carers: vec![carer(c.id, "Pat Oak")],
        team: vec![member(c.id, yjs.id, Some(u.user.id), date(2026, 1, 1), None)],
        episodes: vec![ep],
        placements: vec![pl],
        timeline: vec![entry(c.id, c.created_at, "child.created")],
        ..SyntheticBatch::default()
    };
    // The same batch with one bad row at the very end.
    let mut bad = good.clone();
    bad.timeline.push(entry(ChildId::random(), c.created_at, "orphan"));
    assert!(s.load_synthetic(&bad).await.is_err());
    for table in [
        "organisations",
        "users",
        "memberships",
        "children",
        "carers",
        "team_members",
        "custody_episodes",
        "placements",
        "timeline_entries",
    ] {
        assert_eq!(db.count(table).await?, 0, "{table} after a failed batch");
    }

    s.load_synthetic(&good).await?;
    assert_eq!(s.child(c.id, &scope_of(u.user.id, &[])).await?, Some(c.clone()));
    assert_eq!(s.custody(c.id).await?.len(), 1);
    assert_eq!(s.user(u.user.id).await?.unwrap().memberships, u.memberships);
    assert_eq!(s.carers(c.id).await?.len(), 1);
    Ok(())
}
