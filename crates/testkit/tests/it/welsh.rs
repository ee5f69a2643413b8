//! Welsh and English (issue 18): the language is chosen by `?lang=`, remembered in a cookie,
//! or taken from the browser's `Accept-Language`; a Welsh page says so (`<html lang="cy">`),
//! offers English, and shows none of the English catalogue's words where it is translated.

use reqwest::{Method, StatusCode};
use resettle_testkit::Backend;
use serde_json::json;

#[allow(unused_imports)]
use resettle_app::storage::{ChildrenStorage, Storage};

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    the_language_follows_the_link_the_cookie_and_the_browser,
    a_welsh_page_shows_no_english_interface_words,
    my_plan_for_release_day_is_in_the_childs_language,
);

/// The months in Welsh, January first.
const WELSH_MONTHS: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

fn html_lang(body: &str) -> &str {
    let start = body.find("<html lang=\"").map_or(0, |i| i + "<html lang=\"".len());
    body.get(start..start + 2).unwrap_or("")
}

async fn the_language_follows_the_link_the_cookie_and_the_browser(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let browser = w.t.browser()?;
    // English unless asked.
    let page = browser.get("/sign-in").await?;
    assert_eq!(html_lang(&page.body), "en");
    assert!(page.body.contains("Sign in to Resettle"));
    assert!(page.body.contains("href=\"/sign-in?lang=cy\""), "the switch offers Welsh on the same page");
    // ?lang=cy: Welsh, remembered.
    let page = browser.get("/sign-in?lang=cy").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(html_lang(&page.body), "cy");
    assert!(page.body.contains("Mewngofnodi i Resettle"), "{}", page.body);
    assert!(page.body.contains("href=\"/sign-in?lang=en\""), "the switch offers English");
    assert_eq!(browser.cookie("resettle_lang").as_deref(), Some("cy"));
    let page = browser.get("/sign-in").await?;
    assert_eq!(html_lang(&page.body), "cy", "the cookie remembers the choice");
    // Signed in, the pages and their dates stay Welsh; switching back is remembered too.
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let child = w.child("Gwen", "Morgan").await?;
    let page = browser.get(&format!("/children/{}", child["id"].as_str().unwrap_or(""))).await?;
    assert_eq!(html_lang(&page.body), "cy");
    assert!(page.body.contains("Neidio i&#39;r prif gynnwys") && page.body.contains("Allgofnodi"), "{}", page.body);
    let month = w.t.app.today().month();
    let welsh_month = WELSH_MONTHS[usize::try_from(month - 1)?];
    assert!(page.body.contains(welsh_month), "dates in Welsh ({welsh_month}): {}", page.body);
    let page = browser.get("/caseload?lang=en").await?;
    assert_eq!(html_lang(&page.body), "en");
    assert!(page.body.contains("Sign out"));
    assert_eq!(browser.cookie("resettle_lang").as_deref(), Some("en"));

    // A browser that prefers Welsh, with no choice made yet, gets Welsh; one that prefers
    // English or a language the service does not speak gets English.
    for (accept, lang) in [("cy", "cy"), ("cy-GB,en;q=0.8", "cy"), ("en-GB,cy;q=0.5", "en"), ("fr", "en")] {
        let fresh = w.t.browser()?;
        let page = fresh.send(fresh.builder(Method::GET, "/sign-in")?.header("Accept-Language", accept)).await?;
        assert_eq!(html_lang(&page.body), lang, "Accept-Language: {accept}");
    }
    // A language it does not speak, asked by name, is ignored.
    let fresh = w.t.browser()?;
    let page = fresh.get("/sign-in?lang=fr").await?;
    assert_eq!((page.status, html_lang(&page.body)), (StatusCode::OK, "en"));
    assert_eq!(fresh.cookie("resettle_lang"), None);
    Ok(())
}

/// The English catalogue's values of a few words or more.
fn english_phrases() -> Vec<String> {
    let ftl = include_str!("../../../web/locales/en/resettle.ftl");
    ftl.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && !l.contains('$'))
        .filter_map(|l| l.split_once(" = ").map(|(_, v)| v.trim().to_string()))
        .filter(|v| v.split_whitespace().count() >= 2)
        // As the page escapes it, too.
        .flat_map(|v| {
            let escaped = v.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&quot;");
            [v, escaped]
        })
        .collect()
}

async fn a_welsh_page_shows_no_english_interface_words(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let phrases = english_phrases();
    assert!(phrases.len() > 10, "{phrases:?}");
    let browser = w.t.browser()?;
    // The sign-in page, with its errors, is translated whole.
    let page = browser.get("/sign-in?lang=cy").await?;
    let csrf = page.csrf_token().unwrap_or_default();
    let refused = browser.post_form("/sign-in", &[("csrf_token", &csrf), ("email", ""), ("password", "")]).await?;
    assert_eq!(html_lang(&refused.body), "cy");
    assert!(refused.body.contains("Mae problem wedi codi"), "{}", refused.body);
    for body in [&page.body, &refused.body] {
        for phrase in &phrases {
            assert!(!body.contains(phrase.as_str()), "English on a Welsh page: {phrase:?}");
        }
    }
    // The accessibility statement is translated whole.
    let statement = browser.get("/accessibility?lang=cy").await?;
    assert_eq!(html_lang(&statement.body), "cy");
    assert!(statement.body.contains("Datganiad hygyrchedd ar gyfer Resettle"), "{}", statement.body);
    for phrase in &phrases {
        assert!(!statement.body.contains(phrase.as_str()), "English on the Welsh statement: {phrase:?}");
    }
    browser.get("/sign-in?lang=cy").await?;
    // Signed in, the frame of every page (header, navigation, footer) is Welsh.
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get("/caseload").await?;
    assert_eq!(html_lang(&page.body), "cy");
    // The frame: everything outside <main> but the page's own title.
    let head_end = page.body.find("</title>").unwrap_or(0);
    let main = (page.body.find("<main").unwrap_or(0), page.body.find("</main>").unwrap_or(0));
    let frame: String = [&page.body[head_end..main.0], &page.body[main.1..]].concat();
    for phrase in &phrases {
        assert!(!frame.contains(phrase.as_str()), "English in the frame of a Welsh page: {phrase:?}");
    }
    assert!(frame.contains("Fy llwyth achosion") || frame.contains("Llwyth achosion"), "{frame}");
    Ok(())
}

/// The words of the catalogue of `lang` for message `id` (as the page escapes them).
fn message(lang: &str, id: &str) -> String {
    let ftl = match lang {
        "cy" => include_str!("../../../web/locales/cy/resettle.ftl"),
        _ => include_str!("../../../web/locales/en/resettle.ftl"),
    };
    ftl.lines()
        .find_map(|l| l.strip_prefix(&format!("{id} = ")))
        .unwrap_or_default()
        .replace('&', "&#38;")
        .replace('\'', "&#39;")
}

async fn my_plan_for_release_day_is_in_the_childs_language(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let yoi = w.t.org_named("YOI-P", "Parcfield YOI", "yoi").await?;
    let api = w.api();
    let mut body = w.child_body("Ffion", "Llwyd");
    body["preferred_language"] = json!("cy");
    body["preferred_name"] = json!("Ffi");
    let (s, child) = api.post("/api/v1/children", &body).await?;
    assert_eq!((s, &child["preferred_language"]), (StatusCode::CREATED, &json!("cy")), "{child}");
    let id = child["id"].as_str().unwrap_or_default().to_string();
    // Sentenced four months ago to a four-month order: she leaves within days.
    let today = w.t.app.today();
    let start = today.checked_sub(jiff::Span::new().months(2))?;
    let body = json!({"kind": "dto", "sentence_date": start.to_string(), "term_months": 4, "establishment_id": yoi.id.to_string()});
    let (s, sentence) = api.post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{sentence}");
    let leaving = sentence["key_dates"]["discharge_on"].as_str().unwrap_or_default().parse::<jiff::civil::Date>()?;
    let first = leaving.checked_add(jiff::Span::new().days(1))?;
    let body = json!({"version": 0, "accommodation_address": "7 Heol y Bont, Aberwen", "gate_met_by": "Mam a Casey",
        "transport": "Car Casey", "first_appointment_on": first.to_string(), "first_appointment_time": "10:00",
        "first_appointment_place": "Swyddfa'r Gwasanaeth Cyfiawnder Ieuenctid", "first_appointment_with": "Casey",
        "ete_arrangement": "Coleg Aberwen", "gp_practice": "Meddygfa'r Bont"});
    let (s, r) = api.patch(&format!("/api/v1/children/{id}/release-arrangements"), &body).await?;
    assert_eq!(s, StatusCode::OK, "{r}");
    let body = json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": w.yjs.id.to_string()});
    let (s, r) = api.post(&format!("/api/v1/children/{id}/plan/needs"), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // The case manager reads English pages; the child's plan is in Welsh.
    let browser = w.t.browser()?;
    browser.sign_in_ok(w.cm.email.as_str()).await?;
    let page = browser.get(&format!("/children/{id}/my-plan")).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(html_lang(&page.body), "cy");
    let month = WELSH_MONTHS[usize::try_from(leaving.month() - 1)?];
    let day_words = format!("{} {month} {}", leaving.day(), leaving.year());
    // Where, who, when and whom to call, in her language.
    for expected in [
        message("cy", "myplan-title"),
        message("cy", "myplan-leaving-heading"),
        day_words.clone(),
        "7 Heol y Bont, Aberwen".to_string(),
        "Mam a Casey".to_string(),
        message("cy", "myplan-appointment-heading"),
        "10:00".to_string(),
        message("cy", "myplan-call-heading"),
        "0113 496 0000".to_string(),
        message("cy", "need-plain-accommodation_address"),
        message("cy", "status-plain-identified"),
        "Ffi".to_string(),
    ] {
        assert!(page.body.contains(&expected), "{expected:?} missing from the Welsh plan");
    }
    let main = &page.body[page.body.find("<main").unwrap_or(0)..page.body.find("</main>").unwrap_or(0)];
    for id in ["myplan-leaving-heading", "myplan-call-heading", "myplan-steps-heading", "myplan-gate"] {
        assert!(!main.contains(&message("en", id)), "English {id} on the Welsh plan");
    }
    // Asked for in English, it is in English.
    let english = browser.get(&format!("/children/{id}/my-plan?lang=en")).await?;
    assert_eq!(html_lang(&english.body), "en");
    assert!(english.body.contains(&message("en", "myplan-call-heading")), "{}", english.body);
    // An English-speaking child's plan is in English even for a reader who chose Welsh.
    let other = w.child("Sam", "Smith").await?;
    let body = json!({"kind": "dto", "sentence_date": start.to_string(), "term_months": 4, "establishment_id": yoi.id.to_string()});
    let (s, r) =
        api.post(&format!("/api/v1/children/{}/sentences", other["id"].as_str().unwrap_or_default()), &body).await?;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let reader = w.t.browser()?;
    reader.sign_in_ok(w.cm.email.as_str()).await?;
    reader.get("/caseload?lang=cy").await?;
    let page = reader.get(&format!("/children/{}/my-plan", other["id"].as_str().unwrap_or_default())).await?;
    assert_eq!((page.status, html_lang(&page.body)), (StatusCode::OK, "en"));
    // A carer's language is kept too.
    let form = browser.get(&format!("/children/{id}/carers/new")).await?;
    let csrf = form.csrf_token().unwrap_or_default();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Mair Llwyd"),
        ("relationship", "Mam"),
        ("preferred_language", "cy"),
        ("parental_responsibility", "yes"),
    ];
    let added = browser.post_form(&format!("/children/{id}/carers"), &fields).await?;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let carers = w.t.app.store().carers(id.parse()?).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(carers[0].preferred_language, resettle_domain::child::Language::Cy);
    let bad = [("csrf_token", csrf.as_str()), ("name", "Huw"), ("relationship", "Tad"), ("preferred_language", "fr")];
    let refused = browser.post_form(&format!("/children/{id}/carers"), &bad).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}
