//! Navigation that fits the role: each role starts on a page it can use, its primary
//! navigation is one short row (a link a section, the section's other pages as its
//! sub-navigation), and the account's links (notifications, sessions, signing out) sit apart.

use reqwest::StatusCode;
use resettle_testkit::Backend;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(each_role_starts_on_a_page_it_can_use_under_one_row_of_navigation);

/// The most sections a role's primary navigation shows: more would wrap onto a second row.
const MOST_SECTIONS: usize = 6;

/// The primary navigation's links (href, words) and the account's links on a page.
fn navigation(html: &str) -> (Vec<(String, String)>, String) {
    let primary = html
        .split("id=\"navigation\"")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .unwrap_or_default()
        .split("govuk-service-navigation__link\" href=\"")
        .skip(1)
        .map(|item| {
            let href = item.split('"').next().unwrap_or_default().to_string();
            let words = item.split('>').nth(1).and_then(|s| s.split('<').next()).unwrap_or_default().trim().to_string();
            (href, words)
        })
        .collect();
    let account = html
        .split("aria-label=\"Your account\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .unwrap_or_default()
        .to_string();
    (primary, account)
}

async fn each_role_starts_on_a_page_it_can_use_under_one_row_of_navigation(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.org("YOI-A", "yoi").await?;
    w.t.org("BOARD", "other").await?;
    let people = [
        ("casey.manager@yjs-a.example.org", None, "/caseload"),
        ("hana.health@yjs-a.example.org", Some(("YJS-A", "yjs_health_worker")), "/caseload"),
        ("mo.manager@yjs-a.example.org", Some(("YJS-A", "yjs_manager")), "/caseload"),
        ("sam.secure@yoi-a.example.org", Some(("YOI-A", "secure_practitioner")), "/caseload"),
        ("lee.lead@board.example.org", Some(("BOARD", "strategic_lead")), "/reports/figures"),
        ("ada.admin@board.example.org", Some(("BOARD", "admin")), "/admin/users"),
    ];
    for (email, role, start) in people {
        if let Some((org, role)) = role {
            w.t.user(email, org, role).await?;
        }
        let browser = w.t.browser()?;
        browser.sign_in_ok(email).await?;
        let r = browser.get("/").await?;
        assert_eq!(r.location(), Some(start), "{email} starts on {:?}", r.location());
        let page = browser.get(start).await?;
        assert_eq!(page.status, StatusCode::OK, "{email}: {start} is a page they can use: {}", page.body);
        let (primary, account) = navigation(&page.body);
        assert!(!primary.is_empty() && primary.len() <= MOST_SECTIONS, "{email}: {primary:?}");
        assert!(
            primary.iter().all(|(href, words)| !href.starts_with("/account") && words != "Sign out"),
            "{email}: account links are apart from the service's navigation: {primary:?}"
        );
        assert!(primary.iter().any(|(href, _)| href == start), "{email}: the start page is in the navigation");
        assert!(account.contains("href=\"/account/sessions\"") && account.contains("Sign out"), "{email}: {account}");
        // A caseload is no place for someone who does not work with children: it says where to go.
        if !start.starts_with("/caseload") {
            let caseload = browser.get("/caseload").await?;
            assert!(
                caseload.body.contains(&format!("Your work is in <a class=\"govuk-link\" href=\"{start}\">")),
                "{email}"
            );
        }
    }

    // The case manager's caseload section carries its other pages as sub-navigation; the
    // handovers they sent are a page of the handovers section.
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let caseload = browser.get("/caseload").await?;
    let (primary, _) = navigation(&caseload.body);
    let words: Vec<&str> = primary.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(words.first(), Some(&"Caseload"), "{words:?}");
    assert!(words.contains(&"Handovers") && words.contains(&"Readiness"), "{words:?}");
    let sub = caseload.body.split("aria-label=\"In this section\"").nth(1).unwrap_or_default();
    assert!(sub.contains("href=\"/appointments\"") && sub.contains("href=\"/actions\""), "{}", caseload.body);
    assert!(sub.contains("href=\"/children/new\""), "adding a child is part of the caseload");
    let sent = browser.get("/handovers/sent").await?;
    assert!(sent.body.contains(r#"<a class="moj-sub-navigation__link" href="/handovers/sent" aria-current="page">"#));
    Ok(())
}
