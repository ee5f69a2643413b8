//! Welsh and English: the message catalogues (`crates/web/locales/{en,cy}/*.ftl`, Fluent,
//! embedded in the binary) and the language of each request.
//!
//! The language is chosen once a request, in this order: `?lang=cy|en` (which also sets the
//! `resettle_lang` cookie, so the choice is remembered), the cookie, the browser's
//! `Accept-Language`, then English. [`negotiate`] runs the rest of the request inside that
//! choice, so a page, a macro or an error page asks [`t`] (or [`current`]) without the
//! language being passed down through every handler.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

use crate::AppState;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Pages are HTML: no Unicode isolation marks around arguments.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers a person's choice of language.
pub const LANG_COOKIE: &str = "resettle_lang";

/// A language the service speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Cymraeg.
    Cy,
}

static EN: LanguageIdentifier = langid!("en");
static CY: LanguageIdentifier = langid!("cy");

impl Lang {
    /// Both, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];

    /// The code in `lang` attributes, `?lang=` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    /// The language named by `code` (`en`, `cy`, any case), if the service speaks it.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }

    /// The other language: the one the switch on every page offers.
    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }

    /// The language's name in itself ("English", "Cymraeg"), as a language switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Cymraeg",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Cy => &CY,
        }
    }

    /// Message `id` in this language.
    pub fn t(self, id: &str) -> String {
        LOCALES.lookup(self.id(), id)
    }

    /// Message `id` with its arguments (numbers are passed as numbers, so plurals follow the
    /// language's own rules: Welsh has six forms).
    pub fn t_args(self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Text(s) => FluentValue::from(s.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES.lookup_with_args(self.id(), id, &map)
    }

    /// The first language of an `Accept-Language` header the service speaks, by the order
    /// of the browser's preference (`q`).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::parse(primary)?;
                let q = bits
                    .filter_map(|b| b.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|(_, l)| *l)
    }
}

/// A message argument.
#[derive(Clone, Debug)]
pub enum Arg {
    /// Words.
    Text(String),
    /// A count.
    Number(i64),
}

/// The language of the request being answered, and its address without `lang=` (for the
/// language switch).
#[derive(Clone, Debug)]
struct Current {
    lang: Lang,
    path: String,
    /// The language the request named itself (`?lang=`), if it did.
    asked: Option<Lang>,
}

tokio::task_local! {
    static CURRENT: Current;
}

/// The language of the request being answered (English outside a request).
pub fn current() -> Lang {
    CURRENT.try_with(|c| c.lang).unwrap_or_default()
}

/// The language the request named itself with `?lang=`, if it did: a page written for someone
/// in their own language (a child's "my plan") follows it over their language.
pub fn asked() -> Option<Lang> {
    CURRENT.try_with(|c| c.asked).ok().flatten()
}

/// Runs `work` answering in `lang` (the same page, another language): for a page written in
/// the language of the person it is for.
pub async fn within<F: std::future::Future>(lang: Lang, work: F) -> F::Output {
    let path = CURRENT.try_with(|c| c.path.clone()).unwrap_or_else(|_| "/".to_string());
    let asked = asked();
    CURRENT.scope(Current { lang, path, asked }, work).await
}

/// Message `id` in the language of the request being answered.
pub fn t(id: &str) -> String {
    current().t(id)
}

/// Message `id` with one argument, in the language of the request being answered.
pub fn t1(id: &str, name: &'static str, value: &str) -> String {
    current().t_args(id, &[(name, Arg::Text(value.to_string()))])
}

/// Message `id` with a count, in the language of the request being answered.
pub fn tn(id: &str, count: i64) -> String {
    current().t_args(id, &[("count", Arg::Number(count))])
}

/// This page in `lang`: the address of the request being answered with `lang=` set.
pub fn switch_href(lang: Lang) -> String {
    let path = CURRENT.try_with(|c| c.path.clone()).unwrap_or_else(|_| "/".to_string());
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={}", lang.code())
}

/// The path and query of `req` without any `lang=` parameter, and the language it names.
fn split_lang(req: &Request) -> (String, Option<Lang>) {
    let path = req.uri().path().to_string();
    let Some(query) = req.uri().query() else { return (path, None) };
    let mut named = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("lang=") {
            Some(code) => {
                named = Lang::parse(code).or(named);
                false
            }
            None => !pair.is_empty(),
        })
        .collect();
    if kept.is_empty() { (path, named) } else { (format!("{path}?{}", kept.join("&")), named) }
}

/// The language a cookie header remembers.
fn from_cookie(req: &Request) -> Option<Lang> {
    req.headers().get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|header| {
        header.split(';').find_map(|c| c.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('=').and_then(Lang::parse))
    })
}

/// Chooses the request's language and answers it in that language; `?lang=` is remembered in
/// a cookie for a year.
pub async fn negotiate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secure = crate::client::is_secure(state.config.secure_cookies, req.extensions().get());
    let (path, asked) = split_lang(&req);
    let accept =
        || req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    let lang = asked.or_else(|| from_cookie(&req)).or_else(accept).unwrap_or_default();
    let mut res = CURRENT.scope(Current { lang, path, asked }, next.run(req)).await;
    if let Some(chosen) = asked {
        let secure = if secure { "; Secure" } else { "" };
        let cookie =
            format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}", chosen.code());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Each message id of a catalogue with the variables it uses.
    fn messages(ftl: &str) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut last = None;
        for line in ftl.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ')
                && let Some((id, _)) = line.split_once('=')
            {
                let id = id.trim().to_string();
                out.entry(id.clone()).or_default();
                last = Some(id);
            }
            if let Some(id) = &last {
                let vars = out.entry(id.clone()).or_default();
                for part in line.split('$').skip(1) {
                    let name: String =
                        part.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
                    if !vars.contains(&name) {
                        vars.push(name);
                    }
                }
                vars.sort();
            }
        }
        out
    }

    #[test]
    fn every_message_is_in_both_languages_with_the_same_arguments() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut files: Vec<_> = std::fs::read_dir(dir.join("en")).unwrap().map(|e| e.unwrap().file_name()).collect();
        files.sort();
        assert!(!files.is_empty());
        let mut welsh: Vec<_> = std::fs::read_dir(dir.join("cy")).unwrap().map(|e| e.unwrap().file_name()).collect();
        welsh.sort();
        assert_eq!(files, welsh, "the same catalogue files in both languages");
        for f in files {
            let en = messages(&std::fs::read_to_string(dir.join("en").join(&f)).unwrap());
            let cy = messages(&std::fs::read_to_string(dir.join("cy").join(&f)).unwrap());
            let only_en: Vec<_> = en.keys().filter(|k| !cy.contains_key(*k)).collect();
            let only_cy: Vec<_> = cy.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(
                only_en.is_empty() && only_cy.is_empty(),
                "{f:?}: only English {only_en:?}, only Welsh {only_cy:?}"
            );
            for (id, vars) in &en {
                assert_eq!(Some(vars), cy.get(id), "{f:?} {id}: the arguments differ");
            }
        }
    }

    #[test]
    fn every_message_resolves_in_both_languages_and_welsh_differs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            // Messages with arguments are resolved with them where they are used (and by the
            // plural test below); the parity test checks they exist in both.
            for (id, _) in messages(&text).iter().filter(|(_, vars)| vars.is_empty()) {
                let en = Lang::En.t(id);
                let cy = Lang::Cy.t(id);
                assert!(!en.is_empty() && !cy.is_empty(), "{id}");
                assert!(!en.contains("Unknown localization") && !cy.contains("Unknown localization"), "{id}");
            }
        }
        assert_ne!(Lang::En.t("skip-link"), Lang::Cy.t("skip-link"));
    }

    #[test]
    fn welsh_counts_take_their_own_plural_forms() {
        let n = |lang: Lang, count| lang.t_args("days-late", &[("count", Arg::Number(count))]);
        assert_eq!(n(Lang::En, 1), "1 day late");
        assert_eq!(n(Lang::En, 3), "3 days late");
        assert_eq!(n(Lang::Cy, 1), "1 diwrnod yn hwyr");
        assert_eq!(n(Lang::Cy, 2), "2 ddiwrnod yn hwyr");
        assert_eq!(n(Lang::Cy, 3), "3 diwrnod yn hwyr");
    }

    #[test]
    fn the_browser_order_picks_the_language() {
        assert_eq!(Lang::from_accept_language("cy"), Some(Lang::Cy));
        assert_eq!(Lang::from_accept_language("cy-GB,en;q=0.8"), Some(Lang::Cy));
        assert_eq!(Lang::from_accept_language("en-GB,cy;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr, cy;q=0.3"), Some(Lang::Cy));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("cy;q=0"), None);
    }
}
