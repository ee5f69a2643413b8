//! Administration for a real service (issue 17, item 10): administrators find people page by
//! page, correct names and roles, deactivate a leaver (whose sessions and API tokens end at
//! once), reset a password only by a one-time link that expires, and rename, close and reopen
//! organisations. Nobody else can do any of it.

use reqwest::StatusCode;
use resettle_app::Clock;
use resettle_testkit::{Backend, Browser};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    an_administrator_deactivates_a_leaver_whose_token_and_session_end_at_once,
    a_reset_link_works_once_and_expires_and_names_and_roles_are_corrected,
    organisations_are_renamed_and_closed_and_only_administrators_manage_any_of_it,
    an_operator_deactivates_a_leaver_from_the_command_line,
    a_closed_establishment_takes_no_new_placements_but_keeps_its_history,
);

/// An administrator of `YJS-A`, signed in.
async fn admin(w: &Yjs, email: &str) -> anyhow::Result<(resettle_domain::org::User, Browser)> {
    let (admin, _) = w.t.user(email, "YJS-A", "admin").await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(admin.email.as_str()).await?;
    Ok((admin, browser))
}

/// The audit entries of administration whose purpose contains `words`.
async fn admin_entries(w: &Yjs, words: &str) -> anyhow::Result<usize> {
    let (head, _) = w.t.app.store().audit_head().await?;
    let all = w.t.app.store().audit_entries(0, u32::try_from(head)?).await?;
    Ok(all.iter().filter(|e| e.action == "admin" && e.purpose.contains(words)).count())
}

async fn an_administrator_deactivates_a_leaver_whose_token_and_session_end_at_once(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let (admin, browser) = admin(&w, "ada.deactivates@yjs-a.example.org").await?;
    // Casey, the case manager, is signed in and has an API token in use.
    let casey = w.t.browser()?;
    casey.sign_in_ok(w.cm.email.as_str()).await?;
    assert_eq!(casey.get("/caseload").await?.status, StatusCode::OK);
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::OK);

    // The administrator finds Casey by part of her name, and not by a name she does not have.
    let found = browser.get("/admin/users?q=CASEY").await?;
    assert_eq!(found.status, StatusCode::OK);
    let casey_page = format!("/admin/users/{}", w.cm.id);
    assert!(found.body.contains(&casey_page), "{}", found.body);
    assert!(found.body.contains("1 person found"), "{}", found.body);
    let none = browser.get("/admin/users?q=nobody-by-this-name").await?;
    assert!(!none.body.contains(&casey_page) && none.body.contains("Nobody matches"));

    // Without the box ticked, nothing happens.
    let page = browser.get(&casey_page).await?;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf_token().unwrap();
    let deactivate = format!("{casey_page}/deactivate");
    let r = browser.post_form(&deactivate, &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#confirm\"") && r.body.contains("Confirm that"), "{}", r.body);
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::OK, "refused: nothing ended");

    let r = browser.post_form(&deactivate, &[("csrf_token", &csrf), ("confirm", "yes")]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // At once: her very next request with the token is refused, her session is over, and
    // her password no longer signs her in.
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::UNAUTHORIZED);
    assert_eq!(casey.get("/caseload").await?.location(), Some("/sign-in"));
    let again = w.t.browser()?.sign_in(w.cm.email.as_str(), resettle_testkit::PASSWORD).await?;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The administrator is told so; the list and her page say she is deactivated, and when.
    let done = browser.get(r.location().unwrap()).await?;
    assert!(done.body.contains("is deactivated"), "{}", done.body);
    let today = resettle_web::pages::long_date(w.t.app.today());
    assert!(done.body.contains(&format!("deactivated on {today}")), "{}", done.body);
    assert!(browser.get("/admin/users").await?.body.contains("Deactivated"));
    // The audit trail keeps who did it.
    assert_eq!(admin_entries(&w, &format!("deactivated user {}", w.cm.id)).await?, 1);
    // A second deactivation, or deactivating oneself, is refused in words.
    let own = format!("/admin/users/{}/deactivate", admin.id);
    let r = browser.post_form(&own, &[("csrf_token", &csrf), ("confirm", "yes")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("You cannot deactivate yourself"), "{}", r.body);
    // No new link for a deactivated person until they are reactivated; then a link works.
    let link = [("csrf_token", csrf.as_str()), ("user", &w.cm.id.to_string())];
    let r = browser.post_form("/admin/users/password-link", &link).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = browser.post_form(&format!("{casey_page}/reactivate"), &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = w.t.browser()?.sign_in(w.cm.email.as_str(), resettle_testkit::PASSWORD).await?;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "the old password stays forgotten");
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::UNAUTHORIZED, "the old token stays revoked");
    let r = browser.post_form("/admin/users/password-link", &link).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    Ok(())
}

async fn a_reset_link_works_once_and_expires_and_names_and_roles_are_corrected(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.org_named("YJS-B", "Bramley YJS", "yjs").await?;
    let (_, browser) = admin(&w, "ada.resets@yjs-a.example.org").await?;
    let casey_page = format!("/admin/users/{}", w.cm.id);
    let csrf = browser.csrf_token(&casey_page).await?;
    let cm_id = w.cm.id.to_string();

    // A reset: the administrator gets a link to send, never a password box.
    let page = browser.get(&casey_page).await?;
    assert!(!page.body.contains("type=\"password\""), "no password field for someone else");
    let r = browser.post_form("/admin/users/password-link", &[("csrf_token", &csrf), ("user", &cm_id)]).await?;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = r.body.find("/set-password/").expect("the link, shown once");
    let path: String = r.body[start..].chars().take_while(|c| !matches!(c, '<' | '"' | ' ')).collect();
    let casey = w.t.browser()?;
    casey.sign_in_ok(w.cm.email.as_str()).await?;
    let new = "a fresh phrase for casey";
    let r = w.t.browser()?.post_form(&path, &[("password", new)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(casey.get("/caseload").await?.location(), Some("/sign-in"), "her sessions ended");
    // Once only.
    assert_eq!(
        w.t.browser()?.post_form(&path, &[("password", "yet another phrase here")]).await?.status,
        StatusCode::GONE
    );
    assert_eq!(w.t.browser()?.sign_in(w.cm.email.as_str(), new).await?.status, StatusCode::SEE_OTHER);
    // A link not used in time no longer works: 72 hours and a minute later it is refused.
    let secret = w.t.app.issue_password_link(resettle_app::Principal::Operator, &cm_id).await.unwrap();
    let later = w.t.app.now().checked_add(jiff::SignedDuration::from_hours(72 + 1))?;
    let late = w.t.app.clone().with_clock(Clock::Fixed(later));
    assert!(w.t.app.password_link_valid(&secret).await.unwrap());
    assert!(!late.password_link_valid(&secret).await.unwrap());
    assert!(late.set_password_with_link(&secret, "too late for this phrase", None).await.is_err());

    // Her name is corrected; an empty one is refused and changes nothing.
    let r = browser.post_form(&casey_page, &[("csrf_token", &csrf), ("name", "  "), ("phone", "")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter full name"), "{}", r.body);
    let r = browser
        .post_form(&casey_page, &[("csrf_token", &csrf), ("name", "Casey Manager-Jones"), ("phone", "0113 496 0001")])
        .await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = browser.get(r.location().unwrap()).await?;
    assert!(page.body.contains("Casey Manager-Jones") && page.body.contains("details are saved"), "{}", page.body);
    assert_eq!(admin_entries(&w, &format!("changed the name or telephone of user {cm_id}")).await?, 1);

    // She moves to Bramley: the new role first, then the old one goes.
    let bramley = w.t.app.find_organisation("YJS-B").await.unwrap().unwrap();
    let roles = format!("{casey_page}/roles");
    let r = browser.post_form(&roles, &[("csrf_token", &csrf), ("organisation", ""), ("role", "")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose an organisation"), "{}", r.body);
    let form = [("csrf_token", csrf.as_str()), ("organisation", &bramley.id.to_string()), ("role", "yjs_case_manager")];
    let r = browser.post_form(&roles, &form).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let record = w.t.app.store().user(w.cm.id).await?.unwrap();
    assert_eq!(record.memberships.len(), 2);
    let old = record.memberships.iter().find(|m| m.organisation_id == w.yjs.id).unwrap().id.to_string();
    let remove = format!("{casey_page}/roles/remove");
    let r = browser.post_form(&remove, &[("csrf_token", &csrf), ("membership", &old)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let record = w.t.app.store().user(w.cm.id).await?.unwrap();
    assert_eq!(record.memberships.len(), 1);
    assert_eq!(record.memberships[0].organisation_id, bramley.id);
    // Her last role cannot go: deactivating is how someone leaves.
    let last = record.memberships[0].id.to_string();
    let r = browser.post_form(&remove, &[("csrf_token", &csrf), ("membership", &last)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("deactivate them instead"), "{}", r.body);
    assert_eq!(w.t.app.store().user(w.cm.id).await?.unwrap().memberships.len(), 1);
    Ok(())
}

async fn organisations_are_renamed_and_closed_and_only_administrators_manage_any_of_it(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let college = w.t.org_named("EDU-C", "Old College", "education").await?;
    let (admin, browser) = admin(&w, "ada.closes@yjs-a.example.org").await?;
    let page = format!("/admin/organisations/{}", college.id);
    let csrf = browser.csrf_token(&page).await?;

    // Nobody else may do any of it: each refused, and nothing changes.
    let casey = w.t.browser()?;
    casey.sign_in_ok(w.cm.email.as_str()).await?;
    let theirs = casey.csrf_token("/caseload").await?;
    let admin_page = format!("/admin/users/{}", admin.id);
    for path in ["/admin/users".to_string(), admin_page.clone(), page.clone()] {
        assert_eq!(casey.get(&path).await?.status, StatusCode::FORBIDDEN, "{path}");
    }
    for (path, form) in [
        (format!("{admin_page}/deactivate"), vec![("confirm", "yes")]),
        (format!("{admin_page}/roles/remove"), vec![]),
        (admin_page.clone(), vec![("name", "Taken Over")]),
        (format!("{page}/close"), vec![("confirm", "yes")]),
        (format!("{page}/reopen"), vec![]),
        (page.clone(), vec![("name", "Hijacked College")]),
        ("/admin/users/password-link".to_string(), vec![("user", "")]),
    ] {
        let mut fields = vec![("csrf_token", theirs.as_str())];
        fields.extend(form.iter().copied());
        let r = casey.post_form(&path, &fields).await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path}: {}", r.body);
    }
    assert!(w.t.app.store().user(admin.id).await?.unwrap().user.active);
    assert_eq!(w.t.app.store().user(admin.id).await?.unwrap().user.name, admin.name);
    assert!(w.t.app.closed_organisations().await.unwrap().is_empty());
    assert_eq!(w.t.app.organisation(college.id).await.unwrap().name, "Old College");

    // The administrator renames it.
    let r = browser.post_form(&page, &[("csrf_token", &csrf), ("name", "")]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = browser.post_form(&page, &[("csrf_token", &csrf), ("name", "New College")]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(browser.get("/admin/organisations").await?.body.contains("New College"));

    // A team member from the college, before it closes, keeps it afterwards.
    let child = w.child("Cole", "Lindqvist").await?;
    let child_id = child["id"].as_str().unwrap().to_string();
    let body = serde_json::json!({"organisation_id": college.id.to_string(), "role": "ete_coordinator",
        "responsibility": "Education"});
    let (s, r) = w.api().post(&format!("/api/v1/children/{child_id}/team"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // Closing needs the box ticked.
    let close = format!("{page}/close");
    let r = browser.post_form(&close, &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Confirm that New College has closed"), "{}", r.body);
    let r = browser.post_form(&close, &[("csrf_token", &csrf), ("confirm", "yes")]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(admin_entries(&w, &format!("closed organisation {}", college.id)).await?, 1);
    let list = browser.get("/admin/organisations").await?;
    assert!(list.body.contains("Closed"), "{}", list.body);
    // No longer offered: not for a new role, not for the team; and refused if sent anyway.
    let option = format!("value=\"{}\"", college.id);
    assert!(!browser.get(&admin_page).await?.body.contains(&option), "not offered for a role");
    let team = casey.get(&format!("/children/{child_id}/team/new")).await?;
    assert_eq!(team.status, StatusCode::OK);
    assert!(!team.body.contains(&option), "not offered for the team");
    let form = [("csrf_token", csrf.as_str()), ("organisation", &college.id.to_string()), ("role", "ete_coordinator")];
    let r = browser.post_form(&format!("{admin_page}/roles"), &form).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("has closed"), "{}", r.body);
    // The record that names it keeps it.
    let record = casey.get(&format!("/children/{child_id}")).await?;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("New College"), "{}", record.body);

    // Closed by mistake: the administrator reopens it, and forms offer it again; reopening
    // an open one is refused in words.
    let reopen = format!("{page}/reopen");
    assert!(browser.get(&page).await?.body.contains("Reopen New College"));
    let r = browser.post_form(&reopen, &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(admin_entries(&w, &format!("reopened organisation {}", college.id)).await?, 1);
    assert!(w.t.app.closed_organisations().await.unwrap().is_empty());
    assert!(browser.get(&admin_page).await?.body.contains(&option), "offered for a role again");
    let r = browser.post_form(&reopen, &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("New College is open"), "{}", r.body);
    Ok(())
}

async fn an_operator_deactivates_a_leaver_from_the_command_line(b: Backend) -> anyhow::Result<()> {
    use resettle_cli::users::{UserCommand, run};
    let w = Yjs::start(b).await?;
    let db = || resettle_cli::Db { database_url: w.t.db.url.clone(), config: None };
    let email = w.cm.email.as_str().to_string();
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::OK);
    // Without --confirm, it says what would happen and changes nothing.
    let mut out = Vec::new();
    run(&w.t.app, UserCommand::Deactivate { db: db(), email: email.clone(), confirm: false }, &mut out).await?;
    assert!(String::from_utf8(out)?.contains("run again with --confirm"));
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::OK, "nothing ended");
    // With it, the token fails at once, and the audit names the operator's act.
    let mut out = Vec::new();
    run(&w.t.app, UserCommand::Deactivate { db: db(), email: email.clone(), confirm: true }, &mut out).await?;
    assert!(String::from_utf8(out)?.contains("1 API token(s) revoked"));
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::UNAUTHORIZED);
    assert_eq!(admin_entries(&w, &format!("deactivated user {}", w.cm.id)).await?, 1);
    // A second time is refused in words; an unknown address is named.
    let again =
        run(&w.t.app, UserCommand::Deactivate { db: db(), email: email.clone(), confirm: true }, &mut Vec::new())
            .await
            .unwrap_err()
            .to_string();
    assert!(again.contains("already deactivated"), "{again}");
    let unknown =
        run(&w.t.app, UserCommand::Reactivate { db: db(), email: "nobody@yjs-a.example.org".into() }, &mut Vec::new())
            .await
            .unwrap_err()
            .to_string();
    assert!(unknown.contains("no user has that email address"), "{unknown}");
    // Reactivated, they may sign in again once they set a password (the old token stays revoked).
    run(&w.t.app, UserCommand::Reactivate { db: db(), email: email.clone() }, &mut Vec::new()).await?;
    assert!(w.t.app.store().user(w.cm.id).await?.unwrap().user.active);
    assert_eq!(w.api().get("/api/v1/children").await?.0, StatusCode::UNAUTHORIZED);
    Ok(())
}

async fn a_closed_establishment_takes_no_new_placements_but_keeps_its_history(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-SHUT", "Shutdown YOI", "yoi").await?;
    w.t.app.close_organisation(resettle_app::Principal::Operator, yoi.id, true).await?;
    let today = w.t.app.today();
    let child = w.child("Ciaran", "Closedown").await?;
    let path = format!("/api/v1/children/{}/remands", child["id"].as_str().unwrap());
    // From today: refused, naming the day it closed, and nothing is written.
    let body = serde_json::json!({"start_date": today.to_string(), "establishment_id": yoi.id.to_string()});
    let (status, r) = w.api().post(&path, &body).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("Shutdown YOI closed on"), "{r}");
    assert_eq!(w.t.db.count("custody_episodes").await?, 0);
    // A year ago, before it closed: history is recorded as it was.
    let year_ago = today.checked_sub(jiff::Span::new().years(1))?;
    let body = serde_json::json!({"start_date": year_ago.to_string(), "establishment_id": yoi.id.to_string()});
    let (status, r) = w.api().post(&path, &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    Ok(())
}
