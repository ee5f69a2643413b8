//! Notifications a person can act on (issue 17, item 8): grouped by child and kind, the newest
//! group first, paged, repeats collapsed into one line, and marked read a group or all at once.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use resettle_app::storage::Notification;
use resettle_domain::ids::{ChildId, NotificationId, UserId};
use resettle_testkit::Backend;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(notifications_come_in_groups_a_page_at_a_time_and_are_marked_read_together);

fn note(user: UserId, child: Option<ChildId>, kind: &str, message: &str, at: Timestamp) -> Notification {
    Notification {
        id: NotificationId::random(),
        user_id: user,
        child_id: child,
        kind: kind.into(),
        message: message.into(),
        link: child.map(|c| format!("/children/{c}")),
        created_at: at,
        read_at: None,
        dedupe_key: format!("test:{}", uuid::Uuid::new_v4()),
    }
}

async fn notifications_come_in_groups_a_page_at_a_time_and_are_marked_read_together(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let oona: ChildId = w.child("Oona", "Ashdown").await?["id"].as_str().unwrap().parse().unwrap();
    let mut body = w.child_body("Piet", "Brennan");
    body["nhs_number"] = serde_json::Value::Null;
    let (s, piet) = w.api().post("/api/v1/children", &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{piet}");
    let piet: ChildId = piet["id"].as_str().unwrap().parse().unwrap();
    let now = w.t.app.now();
    let ago = |mins: i64| now.checked_sub(SignedDuration::from_mins(mins)).unwrap();
    let me = w.cm.id;
    let mut notes = vec![
        // Three reminders about Oona's handover, the latest an hour ago.
        note(me, Some(oona), "handover.overdue", "Oona's handover: first reminder", ago(300)),
        note(me, Some(oona), "handover.overdue", "Oona's handover: second reminder", ago(200)),
        note(me, Some(oona), "handover.overdue", "Oona's handover: latest reminder", ago(60)),
        // An action about Oona: another kind, another group.
        note(me, Some(oona), "action.overdue", "Oona's action is late", ago(120)),
        // Piet's, the newest of all.
        note(me, Some(piet), "action.overdue", "Piet's action is late", ago(5)),
    ];
    // Twenty older groups about no child, so that the list runs to a second page.
    for i in 0..20 {
        notes.push(note(me, None, &format!("test.kind{i}"), &format!("Older notice {i}"), ago(1000 + i)));
    }
    w.t.app.store().insert_notifications(&notes).await?;

    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get("/notifications").await?;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    // Oona's three reminders are one line, with the latest day in words and only the latest
    // message shown.
    // The latest reminder's own day (an hour ago is yesterday just after midnight).
    let latest = resettle_web::pages::long_date(ago(60));
    let collapsed = format!("3 reminders about an overdue health handover, latest {latest}");
    assert!(body.contains(&collapsed), "{body}");
    assert!(body.contains("Oona&#39;s handover: latest reminder") || body.contains("Oona's handover: latest reminder"));
    assert!(!body.contains("first reminder") && !body.contains("second reminder"), "{body}");
    assert!(body.contains("3 new"), "{body}");
    // Newest group first: Piet's, then Oona's handover, then Oona's action.
    let at = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s} missing: {body}"));
    assert!(at("Piet Brennan") < at(&collapsed));
    assert!(
        at(&collapsed) < at("Oona&#39;s action is late").min(body.find("Oona's action is late").unwrap_or(usize::MAX))
    );
    // Twenty groups to a page: the oldest is on page 2.
    assert!(body.contains("govuk-pagination") && body.contains("/notifications?page=2"), "{body}");
    assert!(!body.contains("Older notice 19"));
    let second = browser.get("/notifications?page=2").await?;
    assert!(second.body.contains("Older notice 19"), "{}", second.body);

    // One group is marked read at once: only its three.
    let csrf = page.csrf_token().unwrap();
    let form =
        [("csrf_token", csrf.as_str()), ("child", &oona.to_string()), ("kind", "handover.overdue"), ("page", "1")];
    let r = browser.post_form("/notifications/read", &form).await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/notifications?read=group&page=1"));
    let unread = |list: &[Notification]| list.iter().filter(|n| n.read_at.is_none()).count();
    let all = w.t.app.store().notifications(me, 100).await?;
    assert_eq!(unread(&all), notes.len() - 3);
    assert!(all.iter().filter(|n| n.kind == "handover.overdue").all(|n| n.read_at.is_some()));
    let after = browser.get(r.location().unwrap()).await?;
    assert!(after.body.contains("Those notifications are marked as read"), "{}", after.body);
    // Then all of them, in one go.
    let r = browser.post_form("/notifications/read", &[("csrf_token", &csrf)]).await?;
    assert_eq!(r.location(), Some("/notifications?read=1"));
    assert_eq!(unread(&w.t.app.store().notifications(me, 100).await?), 0);
    let after = browser.get("/notifications?read=1").await?;
    assert!(after.body.contains("Every notification is marked as read") && !after.body.contains(" new</strong>"));
    // Someone else's notifications are untouched by any of it.
    let (other, _) = w.t.user("nia.other@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    w.t.app.store().insert_notifications(&[note(other.id, Some(oona), "handover.overdue", "Hers", now)]).await?;
    browser.post_form("/notifications/read", &[("csrf_token", &csrf)]).await?;
    assert_eq!(unread(&w.t.app.store().notifications(other.id, 10).await?), 1);
    Ok(())
}
