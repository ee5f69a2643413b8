//! Search (issue 19): staff find a child they may see by name (accents and typos forgiven),
//! date of birth, NHS number, PNC ID or the record's reference; a child of another service is
//! never found nor counted.

use reqwest::StatusCode;
use resettle_testkit::Backend;
use serde_json::{Value, json};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(a_search_finds_only_children_the_caller_may_see,);

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().map(|c| c["id"].as_str().unwrap_or("").to_string()).collect())
}

async fn a_search_finds_only_children_the_caller_may_see(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let api = w.api();
    let mut body = w.child_body("Zoë", "Lindqvist");
    body["date_of_birth"] = json!("2011-03-09");
    body["pnc_id"] = json!("2024/0012345A");
    body["nhs_number"] = json!("485 777 3457");
    let (status, zoe) = api.post("/api/v1/children", &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{zoe}");
    let zoe = zoe["id"].as_str().unwrap_or("").to_string();
    let other_here = w.child("Aled", "Morgan").await?["id"].as_str().unwrap_or("").to_string();

    // Another service's child with the same name and date of birth.
    let yjs_b = w.t.org("YJS-B", "yjs").await?;
    let (_, token_b) = w.t.user("bryn.other@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let api_b = w.t.api(&token_b);
    let body_b = json!({"given_name": "Zoe", "family_name": "Lindqvist", "date_of_birth": "2011-03-09",
        "nhs_number": "401 023 2137", "yjs_id": yjs_b.id.to_string()});
    let (status, theirs) = api_b.post("/api/v1/children", &body_b).await?;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap_or("").to_string();

    for q in [
        "zoe",
        "ZOË",
        "Lindqvist",
        "lindqvsit",
        "Zoe Lindquist",
        "2011-03-09",
        "9/3/2011",
        "9 March 2011",
        "485 777 3457",
        "4857773457",
        "2024/0012345a",
        zoe.as_str(),
    ] {
        let (status, found) = api.get(&format!("/api/v1/children?q={}", urlencode(q))).await?;
        assert_eq!(status, StatusCode::OK, "{q}: {found}");
        assert_eq!(ids(&found), vec![zoe.clone()], "{q}: {found}");
        assert_eq!(found["total"], 1, "{q}: the other service's Zoe is not counted");
    }
    // Nothing found is an empty page, not an error; the other service's own identifiers and
    // record find nothing here either.
    for q in ["Nobody", "401 023 2137", theirs.as_str(), "Lindkvst"] {
        let (status, found) = api.get(&format!("/api/v1/children?q={}", urlencode(q))).await?;
        assert_eq!(status, StatusCode::OK, "{q}: {found}");
        assert_eq!((ids(&found).len(), &found["total"]), (0, &json!(0)), "{q}: {found}");
    }
    // Their case manager finds theirs, and only theirs.
    let (_, found) = api_b.get("/api/v1/children?q=zoe").await?;
    assert_eq!(ids(&found), vec![theirs.clone()]);
    // An empty search is refused naming `q`; the list without one is the whole caseload.
    let (status, p) = api.get("/api/v1/children?q=%20").await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "q", "{p}");
    let (_, all) = api.get("/api/v1/children").await?;
    assert_eq!(all["total"], 2, "{all}");
    assert!(ids(&all).contains(&other_here));

    // On the caseload page: the same search, kept on the sort links; nothing found says why.
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get("/caseload?view=all&q=lindqvsit").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("/children/{zoe}")) && !page.body.contains(&format!("/children/{other_here}")));
    assert!(page.body.contains("1 child on your teams found by your search"), "{}", page.body);
    assert!(page.body.matches("q=lindqvsit").count() >= 2, "the search stays on the sort and view links");
    // The same list as a CSV download, dated, with the search kept.
    let csv = browser.get("/caseload.csv?view=all&q=lindqvsit").await?;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
    let today = w.t.app.today();
    assert!(csv.header("content-disposition").is_some_and(|d| d.contains(&format!("caseload-{today}.csv"))));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "a header and Zoë: {}", csv.body);
    assert!(
        lines[0].starts_with("given_name,family_name,date_of_birth")
            && lines[1].starts_with("Zoë,Lindqvist,2011-03-09")
    );
    let everyone = browser.get("/caseload.csv?view=all").await?;
    assert_eq!(everyone.body.lines().count(), 3, "{}", everyone.body);
    let none = browser.get("/caseload?view=all&q=Nobody").await?;
    assert!(none.body.contains("Only your own caseload is searched"), "{}", none.body);
    let long = browser.get(&format!("/caseload?view=all&q={}", "x".repeat(101))).await?;
    assert_eq!(long.status, StatusCode::OK);
    assert!(long.body.contains("100 characters or fewer") && long.body.contains(&format!("/children/{other_here}")));

    // The name a child prefers finds them too.
    let mut body = w.child_body("Rebecca", "Okafor");
    body["preferred_name"] = json!("Bex");
    body["nhs_number"] = json!("401 023 2137");
    let (status, bex) = api.post("/api/v1/children", &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{bex}");
    let (_, found) = api.get("/api/v1/children?q=bex").await?;
    assert_eq!(ids(&found), vec![bex["id"].as_str().unwrap_or("").to_string()], "{found}");

    // Every page of someone who works with children carries the search, which looks through
    // their whole caseload, not only the children they are named for.
    let other_page = browser.get(&format!("/children/{zoe}")).await?;
    assert!(
        other_page.body.contains(r#"action="/caseload" class="app-header-search" role="search""#)
            && other_page.body.contains(r#"name="view" value="all""#),
        "the search box is on the child's page"
    );
    let admin = w.t.browser()?;
    w.t.user("ada.admin@board.example.org", "YJS-A", "admin").await?;
    admin.sign_in_ok("ada.admin@board.example.org").await?;
    assert!(
        !admin.get("/admin/users").await?.body.contains("app-header-search"),
        "no search for those who see no child"
    );
    Ok(())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
