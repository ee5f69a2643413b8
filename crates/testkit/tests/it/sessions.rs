//! Sign-in, sessions and API tokens over time: the application services on real storage, with
//! a fixed clock moved by hand.

use jiff::{SignedDuration, Timestamp};
use resettle_app::admin::NewUserInput;
use resettle_app::storage::{ApiTokenRecord, UserRecord};
use resettle_app::{App, AppError, Clock, Config, Principal, secrets};
use resettle_domain::ids::{MembershipId, TokenId, UserId};
use resettle_domain::org::{Email, Membership, Role, User};
use resettle_testkit::{Backend, PASSWORD, TestDb, fresh_db};

use crate::support::on_every_backend;

on_every_backend!(
    signing_in_checks_the_password_and_opens_a_new_session_each_time,
    a_session_ends_after_thirty_idle_minutes,
    a_session_ends_twelve_hours_after_sign_in_however_busy,
    signing_out_deletes_the_session,
    an_api_token_lasts_its_days_and_no_longer,
    revoked_tokens_and_inactive_users_are_refused,
    repeated_failed_sign_ins_are_throttled_without_revealing_the_account,
);

const EMAIL: &str = "casey@yjs-a.example.org";

fn t0() -> Timestamp {
    "2026-06-01T08:00:00Z".parse().unwrap()
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// The application on `db`, its clock stopped at `at`.
fn app_at(db: &TestDb, at: Timestamp) -> App {
    App::new(db.store.clone(), Config::default()).with_clock(Clock::Fixed(at))
}

/// A fresh database with a service and one case manager who signs in with [`PASSWORD`].
async fn setup(b: Backend) -> anyhow::Result<(TestDb, User)> {
    let db = fresh_db(b).await?;
    let app = app_at(&db, t0());
    app.create_organisation(Principal::Operator, "YJS-A", "YJS A", "yjs").await.unwrap();
    let user = app
        .create_user(
            Principal::Operator,
            &NewUserInput {
                email: EMAIL.into(),
                name: "Casey".into(),
                phone: None,
                organisation: "YJS-A".into(),
                role: "yjs_case_manager".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    Ok((db, user))
}

async fn signing_in_checks_the_password_and_opens_a_new_session_each_time(b: Backend) -> anyhow::Result<()> {
    let (db, user) = setup(b).await?;
    let app = app_at(&db, t0());
    for (email, password) in
        [(EMAIL, "wrong passphrase!"), ("nobody@example.org", PASSWORD), ("not an email", PASSWORD)]
    {
        match app.sign_in(email, password, None, None).await {
            Err(AppError::BadCredentials) => {}
            other => panic!("{email}/{password}: expected BadCredentials, got {other:?}"),
        }
    }
    let (actor, first) =
        app.sign_in("Casey@YJS-A.example.org", PASSWORD, Some("10.0.0.1".into()), Some("a".repeat(500))).await.unwrap();
    assert_eq!(actor.user_id, user.id);
    assert_eq!(actor.memberships.len(), 1);
    assert_eq!(first.record.id_hash, secrets::token_hash(&first.token), "only the hash is kept");
    assert_eq!(first.record.created_at, t0());
    assert_eq!(first.record.expires_at, t0() + SignedDuration::from_hours(12));
    let stored = db.store.session(&first.record.id_hash).await?.expect("stored");
    assert_eq!(stored.ip.as_deref(), Some("10.0.0.1"));
    assert_eq!(stored.user_agent.map(|ua| ua.chars().count()), Some(300), "user agent cut to 300");
    assert_eq!(stored.csrf_token, first.record.csrf_token);

    let (_, second) = app.sign_in(EMAIL, PASSWORD, None, None).await.unwrap();
    assert_ne!(second.token, first.token);
    assert_ne!(second.record.csrf_token, first.record.csrf_token);
    assert!(app.session_actor(&first.token).await.unwrap().is_some(), "the first session goes on");
    assert!(app.session_actor("made-up").await.unwrap().is_none());
    Ok(())
}

async fn a_session_ends_after_thirty_idle_minutes(b: Backend) -> anyhow::Result<()> {
    let (db, _) = setup(b).await?;
    let (_, s) = app_at(&db, t0()).sign_in(EMAIL, PASSWORD, None, None).await.unwrap();

    // Within a minute the session is not rewritten (no write on every request).
    assert!(app_at(&db, t0() + SignedDuration::from_secs(50)).session_actor(&s.token).await.unwrap().is_some());
    assert_eq!(db.store.session(&s.record.id_hash).await?.unwrap().last_seen_at, t0());
    // Activity at 29 minutes moves the idle deadline on.
    assert!(app_at(&db, t0() + mins(29)).session_actor(&s.token).await.unwrap().is_some());
    assert_eq!(db.store.session(&s.record.id_hash).await?.unwrap().last_seen_at, t0() + mins(29));
    assert!(app_at(&db, t0() + mins(58)).session_actor(&s.token).await.unwrap().is_some());
    // Thirty minutes after the last request it has ended, and is deleted.
    assert!(app_at(&db, t0() + mins(88)).session_actor(&s.token).await.unwrap().is_none());
    assert!(db.store.session(&s.record.id_hash).await?.is_none());
    // Going back in time does not bring it back.
    assert!(app_at(&db, t0() + mins(60)).session_actor(&s.token).await.unwrap().is_none());
    Ok(())
}

async fn a_session_ends_twelve_hours_after_sign_in_however_busy(b: Backend) -> anyhow::Result<()> {
    let (db, _) = setup(b).await?;
    let (_, s) = app_at(&db, t0()).sign_in(EMAIL, PASSWORD, None, None).await.unwrap();
    let mut at = t0();
    while at < t0() + SignedDuration::from_hours(12) - mins(20) {
        at += mins(20);
        assert!(app_at(&db, at).session_actor(&s.token).await.unwrap().is_some(), "at {at}");
    }
    let noon = t0() + SignedDuration::from_hours(12);
    assert!(app_at(&db, noon).session_actor(&s.token).await.unwrap().is_none(), "after 12 hours");
    assert!(db.store.session(&s.record.id_hash).await?.is_none());
    Ok(())
}

async fn signing_out_deletes_the_session(b: Backend) -> anyhow::Result<()> {
    let (db, _) = setup(b).await?;
    let app = app_at(&db, t0());
    let (_, s) = app.sign_in(EMAIL, PASSWORD, None, None).await.unwrap();
    let (_, other) = app.sign_in(EMAIL, PASSWORD, None, None).await.unwrap();
    app.sign_out(&s.token).await.unwrap();
    assert!(db.store.session(&s.record.id_hash).await?.is_none());
    assert!(app.session_actor(&s.token).await.unwrap().is_none());
    assert!(app.session_actor(&other.token).await.unwrap().is_some(), "other sessions go on");
    Ok(())
}

async fn an_api_token_lasts_its_days_and_no_longer(b: Backend) -> anyhow::Result<()> {
    let (db, user) = setup(b).await?;
    let app = app_at(&db, t0());
    let token = app.create_api_token(EMAIL, Some(1), "one day").await.unwrap();
    assert!(token.starts_with("rst_"));
    let stored = db.store.api_token(&secrets::token_hash(&token)).await?.expect("only the hash is stored");
    assert_eq!((stored.user_id, stored.label.as_str()), (user.id, "one day"));
    assert_eq!(stored.expires_at, t0() + SignedDuration::from_hours(24));

    let day = SignedDuration::from_hours(24);
    let actor = app_at(&db, t0() + day - SignedDuration::from_secs(1)).token_actor(&token).await.unwrap();
    assert_eq!(actor.map(|a| a.user_id), Some(user.id));
    assert!(app_at(&db, t0() + day).token_actor(&token).await.unwrap().is_none());

    // The default is 90 days.
    let long = app.create_api_token(EMAIL, None, "default").await.unwrap();
    let stored = db.store.api_token(&secrets::token_hash(&long)).await?.unwrap();
    assert_eq!(stored.expires_at, t0() + SignedDuration::from_hours(24 * 90));

    for (days, email, field) in [(Some(0), EMAIL, "days"), (Some(367), EMAIL, "days"), (None, "ghost@x.org", "email")] {
        match app.create_api_token(email, days, "bad").await {
            Err(AppError::Invalid(e)) => assert!(e.for_field(field).is_some(), "{days:?} {email}: {e:?}"),
            other => panic!("{days:?} {email}: expected Invalid, got {other:?}"),
        }
    }
    assert!(app.token_actor(&token.replacen("rst_", "xyz_", 1)).await.unwrap().is_none());
    Ok(())
}

async fn revoked_tokens_and_inactive_users_are_refused(b: Backend) -> anyhow::Result<()> {
    let (db, user) = setup(b).await?;
    let app = app_at(&db, t0());
    let revoked = format!("rst_{}", secrets::random_token());
    db.store
        .insert_api_token(
            &ApiTokenRecord {
                id: TokenId::random(),
                user_id: user.id,
                token_hash: secrets::token_hash(&revoked),
                label: "revoked".into(),
                created_at: t0(),
                expires_at: t0() + SignedDuration::from_hours(24),
                revoked_at: Some(t0()),
            },
            &[],
        )
        .await?;
    assert!(app.token_actor(&revoked).await.unwrap().is_none());

    // An account switched off: no sign-in, no token use.
    let id = UserId::random();
    let org = app.find_organisation("YJS-A").await.unwrap().unwrap();
    db.store
        .insert_user(
            &UserRecord {
                user: User {
                    id,
                    email: Email::parse("left@yjs-a.example.org").unwrap(),
                    name: "Left".into(),
                    phone: None,
                    active: false,
                },
                password_hash: Some(secrets::hash_password(PASSWORD).unwrap()),
                memberships: vec![Membership {
                    id: MembershipId::random(),
                    user_id: id,
                    organisation_id: org.id,
                    role: Role::YjsCaseManager,
                }],
            },
            &[],
        )
        .await?;
    match app.sign_in("left@yjs-a.example.org", PASSWORD, None, None).await {
        Err(AppError::BadCredentials) => {}
        other => panic!("inactive user signed in: {other:?}"),
    }
    let token = app.create_api_token("left@yjs-a.example.org", None, "x").await.unwrap();
    assert!(app.token_actor(&token).await.unwrap().is_none());
    Ok(())
}

async fn repeated_failed_sign_ins_are_throttled_without_revealing_the_account(b: Backend) -> anyhow::Result<()> {
    let t = resettle_testkit::spawn_app(b).await?;
    t.org("YJS-T", "yjs").await?;
    t.user("real@yjs-t.example.org", "YJS-T", "yjs_case_manager").await?;
    for email in ["real@yjs-t.example.org", "nobody@yjs-t.example.org"] {
        let browser = t.browser()?;
        for _ in 0..resettle_app::throttle::PER_ACCOUNT {
            let r = browser.sign_in(email, "not the password at all").await?;
            assert_eq!(r.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        }
        let r = browser.sign_in(email, "not the password at all").await?;
        assert_eq!(r.status, reqwest::StatusCode::TOO_MANY_REQUESTS, "{email}");
        let wait: i64 = r.header("retry-after").unwrap_or_default().parse()?;
        assert!((1..=900).contains(&wait), "{wait}");
        assert!(r.body.contains("Too many failed attempts to sign in"), "same words whether or not the account exists");
    }
    // Even the right password waits until the lock ends.
    let r = t.browser()?.sign_in("real@yjs-t.example.org", resettle_testkit::PASSWORD).await?;
    assert_eq!(r.status, reqwest::StatusCode::TOO_MANY_REQUESTS);
    Ok(())
}
