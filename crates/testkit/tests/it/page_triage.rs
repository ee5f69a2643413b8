//! Pages a practitioner can triage from (issue 17, items 3 and 4), on every backend: the
//! caseload shows each child's release date, readiness, next deadline and what is late, and
//! agrees with the child's page; a case manager lands on their own children; the organisation
//! filter offers only organisations that matter; readiness shows short reasons with the detail
//! one click away, and "done" apart from "on track"; the child's page starts with a summary.
//!
//! The clock is stopped at noon on Monday 1 February 2027. A child released on Monday
//! 22 February 2027 is past the accommodation deadline (Monday 25 January 2027).

use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::json;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    the_caseload_shows_release_readiness_next_deadline_and_overdue_as_the_childs_page_does,
    a_case_manager_lands_on_their_own_children_and_can_see_all,
    readiness_reads_short_with_the_detail_a_click_away_and_done_apart_from_on_track,
);

const NOW: &str = "2027-02-01T12:00:00Z";
const RELEASE: &str = "2027-02-22";

/// A child sentenced (section 250) with the establishment's release date `release`.
async fn sentenced(w: &Yjs, est: &str, given: &str, family: &str, release: &str) -> anyhow::Result<String> {
    let id = w.child(given, family).await?["id"].as_str().unwrap_or_default().to_string();
    let body = json!({"kind": "s250", "sentence_date": "2026-06-01", "establishment_id": est,
        "release_date": release, "sled": "2028-06-01", "key_dates_source": "YOI calculation sheet"});
    let (status, reply) = w.api().post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {reply}");
    Ok(id)
}

/// The text of the element starting at the first `marker`, up to `end`, without tags and with
/// spaces collapsed.
fn text_after(html: &str, marker: &str, end: &str) -> String {
    let Some(at) = html.find(marker) else { return String::new() };
    let rest = &html[at + marker.len()..];
    let part = &rest[..rest.find(end).unwrap_or(rest.len())];
    let mut out = String::new();
    let mut in_tag = false;
    for c in part.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The summary row of the child's page with this key.
fn summary_row(html: &str, key: &str) -> String {
    let summary = &html[html.find("id=\"summary\"").unwrap_or(0)..];
    text_after(summary, &format!("<dt class=\"govuk-summary-list__key\">{key}</dt>"), "</dd>")
}

async fn the_caseload_shows_release_readiness_next_deadline_and_overdue_as_the_childs_page_does(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let est = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    let id = sentenced(&w, &est, "Rhea", "Redfern", RELEASE).await?;
    w.child("Ada", "Lovelace").await?;
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;

    let page = browser.get("/caseload").await?;
    assert_eq!(page.status, StatusCode::OK);
    let row = text_after(&page.body, &format!("href=\"/children/{id}\""), "</tr>");
    assert!(row.contains("Redfern, Rhea"), "{row}");
    assert!(row.contains("22 February 2027") && row.contains("in 21 days"), "the release date in words: {row}");
    let release_row = &page.body[page.body.find(&format!("href=\"/children/{id}\"")).unwrap_or(0)..];
    let release_row = &release_row[..release_row.find("</tr>").unwrap_or(0)];
    assert!(release_row.contains("govuk-tag--red\">Overdue</strong>"), "accommodation is late: {release_row}");
    let overdue: i64 = text_after(release_row, "app-overdue\">", "</td>").parse()?;
    assert!(overdue >= 1, "at least the accommodation is late: {row}");
    let next = text_after(release_row, "app-next-deadline\">", "</td>");
    assert!(!next.is_empty() && next != "None", "{row}");
    // A child not in custody has no triage, and nothing red.
    let ada = text_after(&page.body, "Lovelace, Ada", "</tr>");
    assert!(ada.contains("In the community") && !ada.contains("Overdue"), "{ada}");
    // One service on every row: said once above the table, not in a column.
    assert!(!page.body.contains(">Youth justice service</th>"), "the column is the same on every row");
    assert!(text_after(&page.body, "id=\"caseload-service\">", "<").contains("Aireborough YJS"));
    assert!(page.body.contains("class=\"app-table-scroll\""), "the table scrolls in its own box");

    // The child's page starts with the same facts.
    let child = browser.get(&format!("/children/{id}")).await?;
    assert_eq!(child.status, StatusCode::OK);
    let summary_at = child.body.find("id=\"summary\"").expect("a summary");
    assert!(summary_at < child.body.find("Personal details").unwrap_or(0), "the summary comes first");
    assert!(summary_row(&child.body, "Release date").contains("22 February 2027"), "{}", child.body);
    assert!(summary_row(&child.body, "Readiness for release").starts_with("Overdue No confirmed address"));
    assert_eq!(summary_row(&child.body, "Next deadline"), next, "the caseload and the child's page agree");
    let words = if overdue == 1 { "1 thing overdue".to_string() } else { format!("{overdue} things overdue") };
    assert_eq!(summary_row(&child.body, "Overdue"), format!("Overdue {words}"));
    assert!(summary_row(&child.body, "Next meeting").contains("not yet arranged"), "{}", child.body);
    // Links to the child's other pages near the top; health only for those who may see it.
    let nav = text_after(&child.body, "aria-label=\"This child's record\">", "</nav>");
    assert!(nav.contains("Resettlement plan") && nav.contains("Meetings") && nav.contains("Readiness"), "{nav}");
    assert!(!nav.contains("Health"), "a case manager does not see health content: {nav}");
    // The deadlines table is collapsed after the next few (a <details>, without JavaScript).
    let next_few = text_after(&child.body, "id=\"deadlines-next\"", "</table>");
    assert!(next_few.matches("Due by").count() == 1 && !next_few.contains("Rule"), "{next_few}");
    assert!(child.body.contains("<details class=\"govuk-details\" id=\"all-deadlines\">"));
    Ok(())
}

async fn a_case_manager_lands_on_their_own_children_and_can_see_all(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    w.child("Ada", "Lovelace").await?;
    // A colleague's child: the service is on its team, Casey is not named.
    let (_, colleague) = w.t.user("cole.manager@yjs-a.example.org", "YJS-A", "yjs_case_manager").await?;
    let (status, r) = w.t.api(&colleague).post("/api/v1/children", &w.child_body("Bob", "Babbage")).await?;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    w.t.org_named("ETE-Z", "Faraway College", "education").await?;

    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let mine = browser.get("/caseload").await?;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Lovelace, Ada"), "{}", mine.body);
    assert!(!mine.body.contains("Babbage"), "only the children Casey is named for: {}", mine.body);
    assert!(text_after(&mine.body, "aria-label=\"Whose children\">", "</nav>").contains("My children"));
    assert!(mine.body.contains("href=\"/caseload?view=mine&#38;sort=name&#38;dir=asc\" aria-current=\"page\""));
    assert!(mine.body.contains("1 child on your teams, where you are named"), "{}", mine.body);

    let all = browser.get("/caseload?view=all").await?;
    assert!(all.body.contains("Lovelace, Ada") && all.body.contains("Babbage, Bob"), "{}", all.body);
    assert!(all.body.contains("2 children on your teams"), "{}", all.body);
    // The filter offers the organisations that matter to Casey, not every one.
    let filter = text_after(&all.body, "<select class=\"govuk-select\" id=\"organisation_id\"", "</select>");
    assert!(filter.contains("Aireborough YJS"), "{filter}");
    assert!(!filter.contains("Faraway College"), "an organisation with nothing to do with Casey: {filter}");
    // Sorting keeps the view.
    assert!(all.body.contains("href=\"/caseload?view=all&#38;sort=name&#38;dir=desc\""), "{}", all.body);

    // Anyone else who works with children lands on every child they may see.
    let (tutor, _) = w.t.user("tia.tutor@college.example.org", "YJS-A", "yjs_health_worker").await?;
    let other = w.t.browser()?;
    other.sign_in_ok(tutor.email.as_str()).await?;
    let page = other.get("/caseload").await?;
    assert!(page.body.contains("Babbage, Bob") && page.body.contains("Lovelace, Ada"), "{}", page.body);
    Ok(())
}

async fn readiness_reads_short_with_the_detail_a_click_away_and_done_apart_from_on_track(
    b: Backend,
) -> anyhow::Result<()> {
    let w = Yjs::start_at(b, NOW.parse()?).await?;
    let est = w.t.org_named("YOI-A", "Wetherby Lane YOI", "yoi").await?.id.to_string();
    let late = sentenced(&w, &est, "Rhea", "Redfern", RELEASE).await?;
    // Released in June: nothing is near its deadline; the address is confirmed.
    let calm = sentenced(&w, &est, "Carl", "Calmly", "2027-06-01").await?;
    let body = json!({"version": 0, "accommodation_address": "1 High Street, Leeds",
        "accommodation_confirmed_on": "2027-01-20"});
    let (status, r) = w.api().patch(&format!("/api/v1/children/{calm}/release-arrangements"), &body).await?;
    assert_eq!(status, StatusCode::OK, "{r}");

    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get("/readiness?view=mine").await?;
    assert_eq!(page.status, StatusCode::OK);
    let row = &page.body[page.body.find(&format!("/children/{late}/release-arrangements")).unwrap_or(0)..];
    let row = &row[..row.find("</tr>").unwrap_or(0)];
    // The short reason shows; the full one is inside a closed <details>.
    assert!(row.contains("<li>No confirmed address: 7 days late</li>"), "{row}");
    let details = text_after(row, "<details", "</details>");
    assert!(details.contains("accommodation was due 20 working days before release on 22 February 2027"), "{details}");
    for reason in row.split("<li>").skip(1).map(|l| &l[..l.find("</li>").unwrap_or(0)]) {
        if !details.contains(reason) {
            assert!(reason.split_whitespace().count() <= 12, "a short reason is about ten words: {reason}");
        }
    }

    // Done is green and says so; on track is not the same colour; nothing on track is red.
    let form = browser.get(&format!("/children/{calm}/release-arrangements")).await?;
    let items = text_after(&form.body, "id=\"readiness\"", "</dl>");
    assert!(items.contains("Accommodation Done"), "{items}");
    assert!(items.contains("Education, training or employment On track"), "{items}");
    let raw = &form.body[form.body.find("id=\"readiness\"").unwrap_or(0)..];
    let raw = &raw[..raw.find("</dl>").unwrap_or(0)];
    assert!(raw.contains("govuk-tag--green\">Done<") && raw.contains("govuk-tag--blue\">On track<"), "{raw}");
    assert!(!raw.contains("govuk-tag--red"), "nothing is late: {raw}");
    Ok(())
}
