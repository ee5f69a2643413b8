//! People's words, not the machine's: every page a person reads gives dates as "30 November
//! 2026" and names things by their labels, never `2026-11-30` or `sdq_total`; the JSON API
//! keeps its ISO dates and keys. Checked by walking every page each role can reach from the
//! navigation of a service with a child in custody, with health records, handovers, actions and
//! escalations.

use std::collections::{HashSet, VecDeque};

use reqwest::StatusCode;
use resettle_domain::org::User;
use resettle_testkit::{Backend, Browser};
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(every_page_gives_dates_in_words_and_no_machine_keys, page_errors_are_in_words,);

/// Thursday 3 December 2026, midday.
const NOW: &str = "2026-12-03T12:00:00Z";

/// What a person reads on a page: the text between tags, without scripts, styles and
/// drawings (attributes, such as a form's `value` or a link, are for machines).
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let skip_to = ["script", "style", "svg"].iter().find_map(|name| {
            let starts = tag.get(1..=name.len()).is_some_and(|t| t.eq_ignore_ascii_case(name));
            starts.then(|| tag.find(&format!("</{name}>")).map(|end| end + name.len() + 3))
        });
        let consumed = match skip_to {
            Some(Some(end)) => end,
            _ => tag.find('>').map_or(tag.len(), |end| end + 1),
        };
        rest = &tag[consumed..];
    }
    out.push_str(rest);
    out
}

/// Each `YYYY-MM-DD` in `text`, with a little of what surrounds it.
pub fn iso_dates(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for i in 0..c.len().saturating_sub(9) {
        let shaped = (0..10).all(|k| if k == 4 || k == 7 { c[i + k] == '-' } else { c[i + k].is_ascii_digit() });
        let starts_a_word = i == 0 || !c[i - 1].is_alphanumeric();
        if shaped && starts_a_word {
            let around: String = c[i.saturating_sub(60)..(i + 40).min(c.len())].iter().collect();
            found.push(around.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    found
}

/// Fails when a person would read an ISO date on the page.
pub fn assert_no_iso_dates(html: &str) {
    let found = iso_dates(&visible_text(html));
    assert!(found.is_empty(), "ISO dates where a person reads: {found:#?}");
}

/// Words such as `sdq_total` or `yjs_case_manager` in what a person reads.
fn machine_keys(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.contains('_') && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|w| !w.starts_with('_') && !w.ends_with('_'))
        .map(str::to_string)
        .collect()
}

/// Every page reachable from `/` through links, at most `per_kind` of each kind of address
/// (the same page for another child or meeting says nothing new).
async fn walk(browser: &Browser, per_kind: usize) -> anyhow::Result<Vec<(String, String)>> {
    let kind_of = |path: &str| {
        path.split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .map(|part| if part.len() == 36 && part.matches('-').count() == 4 { "{id}" } else { part })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut seen = HashSet::new();
    let mut kinds: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut queue = VecDeque::from(["/".to_string()]);
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || pages.len() >= 200 {
            continue;
        }
        let mut reply = browser.get(&path).await?;
        if let (true, Some(to)) = (reply.status.is_redirection(), reply.location().map(str::to_string)) {
            reply = browser.get(&to).await?;
        }
        let is_html = reply.header("content-type").is_some_and(|t| t.starts_with("text/html"));
        if !is_html {
            continue;
        }
        for piece in reply.body.split("href=\"").skip(1) {
            let Some(link) = piece.split('"').next() else { continue };
            let link = link.split('#').next().unwrap_or_default().replace("&amp;", "&");
            // Not the language switch either: this walk reads the English pages.
            let machine = [".ics", ".csv", "/api/", "/static/", "/assets", "/sign-out", "lang="];
            if !link.starts_with('/') || link.starts_with("//") || machine.iter().any(|m| link.contains(m)) {
                continue;
            }
            let count = kinds.entry(kind_of(&link)).or_default();
            if *count < per_kind && !seen.contains(&link) {
                *count += 1;
                queue.push_back(link);
            }
        }
        pages.push((path, reply.body));
    }
    Ok(pages)
}

/// A 16-year-old sentenced in the autumn to a YOI, with a plan, an action now late, health
/// information handed over to the health worker (late too, and escalated), a score and a
/// consent decision; the YJS has a manager to escalate to.
async fn a_busy_service(b: Backend) -> anyhow::Result<(Yjs, String, User)> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let yoi = w.t.org("YOI-A", "yoi").await?;
    let (_, hw_token) = w.t.user("hana.health@yjs-a.example.org", "YJS-A", "yjs_health_worker").await?;
    let (manager, _) = w.t.user("mo.manager@yjs-a.example.org", "YJS-A", "yjs_manager").await?;
    let mut body = w.child_body("Rowan", "Words");
    body["date_of_birth"] = json!("2010-05-20");
    let (s, c) = w.api().post("/api/v1/children", &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (cm, hw) = (w.api(), w.t.api(&hw_token));
    let posts: [(&resettle_testkit::Api, String, Value); 6] = [
        (
            &cm,
            format!("/api/v1/children/{id}/sentences"),
            json!({"kind": "dto", "sentence_date": "2026-10-05", "term_months": 8, "establishment_id": yoi.id.to_string()}),
        ),
        (
            &cm,
            format!("/api/v1/children/{id}/actions"),
            json!({"description": "Book the college interview", "owner_organisation_id": w.yjs.id.to_string(), "due_by": "2026-12-04"}),
        ),
        (
            &cm,
            format!("/api/v1/children/{id}/health/records"),
            json!({"category": "neurodisability", "summary": "ADHD diagnosis, on methylphenidate"}),
        ),
        (
            &hw,
            format!("/api/v1/children/{id}/health/measures"),
            json!({"measure": "sdq_total", "score": 24, "rater": "clinician", "measured_on": "2026-11-27"}),
        ),
        (
            &hw,
            format!("/api/v1/children/{id}/health/assessments"),
            json!({"kind": "community_health_assessment", "assessed_on": "2026-11-20",
                "sections": [{"section": "mental_health", "findings": "Low mood; CAMHS referral made"}],
                "needs": [{"pathway": "health", "description": "CAMHS follow-up for low mood"}]}),
        ),
        (
            &hw,
            format!("/api/v1/children/{id}/health/consents"),
            json!({"decision": "consent_given", "capacity": "assessed_competent", "share_with_organisation_id": w.yjs.id.to_string(),
                "share_with_role": "yjs_case_manager", "purpose": "ADHD support in the resettlement plan", "decided_on": "2026-11-30"}),
        ),
    ];
    for (api, path, body) in posts {
        let (s, r) = api.post(&path, &body).await?;
        anyhow::ensure!(s == StatusCode::CREATED || s == StatusCode::OK, "POST {path}: {s} {r}");
    }
    // A fortnight on: the handover and the action are late, and escalated.
    w.t.app.sweep("2026-12-17T09:00:00Z".parse()?).await?;
    w.t.app.escalate_overdue_actions("2026-12-17T09:00:00Z".parse()?).await?;
    // The JSON API keeps its ISO dates.
    let (_, h) = w.api().get(&format!("/api/v1/children/{id}/health")).await?;
    assert!(h.to_string().contains("2026-11-27"), "{h}");
    Ok((w, id, manager))
}

async fn every_page_gives_dates_in_words_and_no_machine_keys(b: Backend) -> anyhow::Result<()> {
    let (w, id, manager) = a_busy_service(b).await?;
    // The manager's notifications (their pages need a second factor, on a clock of its own).
    let notes = w.t.app.notifications(&w.t.ctx(&manager).await?).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert!(!notes.is_empty(), "the manager was told");
    for n in &notes {
        assert!(iso_dates(&n.message).is_empty(), "{}", n.message);
    }
    for email in ["casey.manager@yjs-a.example.org", "hana.health@yjs-a.example.org"] {
        let browser = w.t.browser()?;
        browser.sign_in_ok(email).await?;
        let pages = walk(&browser, 2).await?;
        let walked: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
        for needed in [format!("/children/{id}"), format!("/children/{id}/health"), "/notifications".into()] {
            assert!(walked.contains(&needed.as_str()), "{email} did not reach {needed}: {walked:?}");
        }
        // What was recorded is there to read, in words.
        let page = |p: &str| pages.iter().find(|(path, _)| path == p).map(|(_, html)| visible_text(html));
        let child = page(&format!("/children/{id}")).unwrap_or_default();
        assert!(child.contains("escalated"), "{email}: no escalation on the timeline: {child}");
        if email.starts_with("hana") {
            let health = page(&format!("/children/{id}/health")).unwrap_or_default();
            assert!(health.contains("27 November 2026") && health.contains("20 November 2026"), "{health}");
        }

        let mut problems = Vec::new();
        for (path, html) in &pages {
            let text = visible_text(html);
            let dates = iso_dates(&text);
            if !dates.is_empty() {
                problems.push(format!("ISO dates on {path}: {dates:#?}"));
            }
            // The cookies page names the cookies as the browser shows them.
            let keys = machine_keys(&text);
            if !keys.is_empty() && path != "/cookies" {
                problems.push(format!("keys on {path}: {keys:?}"));
            }
            if text.contains(" 1 days") {
                problems.push(format!("'1 days' on {path}"));
            }
        }
        assert!(problems.is_empty(), "{email} reads the machine's words:\n{}", problems.join("\n"));
    }
    Ok(())
}

async fn page_errors_are_in_words(b: Backend) -> anyhow::Result<()> {
    let (w, id, _) = a_busy_service(b).await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok("hana.health@yjs-a.example.org").await?;
    let health = format!("/children/{id}/health");
    let csrf = browser.csrf_token(&health).await?;
    // Nothing chosen, and a date that is not one: words, each against its field.
    let r = browser
        .post_form(
            &format!("{health}/measures"),
            &[
                ("csrf_token", &csrf),
                ("score", "12"),
                ("rater", "self"),
                ("measured_on-day", "31"),
                ("measured_on-month", "11"),
                ("measured_on-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("SDQ total difficulties or HoNOSCA total"), "{}", r.body);
    assert!(r.body.contains(r##"<a href="#measured_on">Date must be a real date</a>"##), "{}", r.body);
    // What was typed stays in the boxes.
    assert!(r.body.contains(r#"name="measured_on-day" type="text" inputmode="numeric" value="31""#), "{}", r.body);
    let text = visible_text(&r.body);
    assert!(iso_dates(&text).is_empty() && machine_keys(&text).is_empty(), "{text}");
    let r = browser
        .post_form(
            &format!("{health}/consents"),
            &[
                ("csrf_token", &csrf),
                ("purpose", "Education"),
                ("decided_on-day", "x"),
                ("decided_on-month", "11"),
                ("decided_on-year", "2026"),
            ],
        )
        .await?;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("consent given, consent refused or shared without consent"), "{}", r.body);
    assert!(r.body.contains(r##"<a href="#decided_on">Date decided must be a real date</a>"##), "{}", r.body);
    let text = visible_text(&r.body);
    assert!(iso_dates(&text).is_empty() && machine_keys(&text).is_empty(), "{text}");
    // The API is for programs: its date errors still show the form it wants.
    let (s, r) = w
        .api()
        .post(
            &format!("/api/v1/children/{id}/actions"),
            &json!({"description": "x", "owner_organisation_id": w.yjs.id.to_string(), "due_by": "4 December 2026"}),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("YYYY-MM-DD"), "{r}");
    Ok(())
}

#[test]
fn visible_text_leaves_out_tags_attributes_and_scripts() {
    let html = r#"<p class="x"><input value="2026-11-30">On 30 November 2026<script>let d = "2026-01-01";</script></p><svg><text>2026-02-02</text></svg>due 2026-12-04"#;
    let text = visible_text(html);
    assert!(text.contains("On 30 November 2026"), "{text}");
    assert_eq!(iso_dates(&text), vec!["On 30 November 2026 due 2026-12-04".to_string()]);
    assert_eq!(machine_keys("Choose sdq_total or HoNOSCA; a_b_ C_d"), vec!["sdq_total".to_string()]);
}
