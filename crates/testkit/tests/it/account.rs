//! The signed-in person's own sessions.

use reqwest::StatusCode;
use resettle_testkit::Backend;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(people_see_their_sessions_and_sign_out_everywhere_else, a_revoked_token_is_refused_at_once);

async fn people_see_their_sessions_and_sign_out_everywhere_else(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let laptop = w.t.browser()?;
    laptop.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let phone = w.t.browser()?;
    phone.sign_in_ok("casey.manager@yjs-a.example.org").await?;

    let page = laptop.get("/account/sessions").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("This session").count(), 1, "{}", page.body);
    assert!(page.body.contains("Sign out everywhere else"));

    // Another person's session cannot be ended by naming it.
    let other = w.t.browser()?;
    w.t.user("someone@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    other.sign_in_ok("someone@yjs-a.example.org").await?;
    let sessions = w.t.app.my_sessions(w.cm.id, "no such token").await?;
    assert_eq!(sessions.len(), 2, "both of casey's sessions, and nobody else's");
    let token = other.csrf_token("/account/sessions").await?;
    let r = other
        .post_form("/account/sessions/end", &[("csrf_token", &token), ("session", &sessions[0].0.id_hash)])
        .await?;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(w.t.app.my_sessions(w.cm.id, "x").await?.len(), 2);

    let token = laptop.csrf_token("/account/sessions").await?;
    let r = laptop.post_form("/account/sessions/end-others", &[("csrf_token", &token)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/caseload").await?.status, StatusCode::OK, "this session goes on");
    let r = phone.get("/caseload").await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the other session was ended on the server");
    assert_eq!(r.location(), Some("/sign-in"));
    Ok(())
}

async fn a_revoked_token_is_refused_at_once(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (status, _) = w.api().get("/api/v1/me").await?;
    assert_eq!(status, StatusCode::OK);
    let tokens = w.t.app.api_tokens("casey.manager@yjs-a.example.org").await?;
    assert_eq!(tokens.len(), 1);
    w.t.app.revoke_api_token(&tokens[0].id.to_string()).await?;
    let (status, _) = w.api().get("/api/v1/me").await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(w.t.app.revoke_api_token(&tokens[0].id.to_string()).await.is_err(), "revoking twice is refused");
    Ok(())
}
