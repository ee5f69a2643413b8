//! Welsh and English (issue 18): the language is chosen by `?lang=`, remembered in a cookie,
//! or taken from the browser's `Accept-Language`; a Welsh page says so (`<html lang="cy">`),
//! offers English, and shows none of the English catalogue's words where it is translated.

use reqwest::{Method, StatusCode};
use resettle_testkit::Backend;

use crate::support::{Yjs, on_every_backend};

on_every_backend!(
    the_language_follows_the_link_the_cookie_and_the_browser,
    a_welsh_page_shows_no_english_interface_words,
);

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
    let welsh_month = [
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
    ][usize::try_from(month - 1)?];
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
