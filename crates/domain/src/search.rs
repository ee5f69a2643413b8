//! Finding a child by what a practitioner knows: a name (accents and case folded, a typo
//! forgiven in a longer name), a date of birth, an NHS number, a PNC ID or the record's own
//! reference. Search only ever narrows what the caller may already see: the caller's scope is
//! applied first, by the application.

use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::child::PncId;
use crate::ids::ChildId;
use crate::nhs::NhsNumber;

/// The longest search text accepted.
pub const MAX_QUERY: usize = 100;

/// What a search text asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildSearch {
    /// Every word must match a word of the child's name (folded, see [`fold`]).
    Name(Vec<String>),
    /// Born on this day.
    DateOfBirth(Date),
    /// This NHS number (ten digits).
    Nhs(String),
    /// This PNC ID (upper case).
    Pnc(String),
    /// The record with this reference (its id).
    Record(ChildId),
}

impl ChildSearch {
    /// Reads a search text; an empty or overlong one is refused in words.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("Enter a name, date of birth, NHS number or PNC ID".into());
        }
        if t.chars().count() > MAX_QUERY {
            return Err(format!("Search with {MAX_QUERY} characters or fewer"));
        }
        if let Ok(id) = t.parse::<ChildId>() {
            return Ok(Self::Record(id));
        }
        if let Some(day) = date_of_birth(t) {
            return Ok(Self::DateOfBirth(day));
        }
        if let Ok(n) = NhsNumber::parse(t) {
            return Ok(Self::Nhs(n.as_str().to_string()));
        }
        if let Ok(p) = PncId::parse(t) {
            return Ok(Self::Pnc(p.as_str().to_string()));
        }
        let words: Vec<String> = fold(t).split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            return Err("Enter a name, date of birth, NHS number or PNC ID".into());
        }
        Ok(Self::Name(words))
    }

    /// Whether a child with these names (and the name they prefer, if any) matches a name
    /// search (other searches are matched on their identifiers by the caller).
    pub fn matches_name(&self, given: &str, family: &str, preferred: Option<&str>) -> bool {
        let Self::Name(words) = self else { return false };
        let all = format!("{given} {family} {}", preferred.unwrap_or_default());
        let names: Vec<String> = fold(&all).split_whitespace().map(str::to_string).collect();
        words.iter().all(|w| names.iter().any(|n| word_matches(w, n)))
    }
}

/// Lower case, accents removed ("Zoë" and "ZOE" both read "zoe"), and anything but letters,
/// digits, spaces, hyphens and apostrophes turned into spaces.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() || c == '\'' { c } else { ' ' })
        .collect()
}

/// A word of the search matches a word of a name: the same, the start of it (two letters or
/// more), or — for a word of five letters or more — one letter added, lost, changed or two
/// swapped.
fn word_matches(query: &str, name: &str) -> bool {
    let q = query.chars().count();
    query == name || (q >= 2 && name.starts_with(query)) || (q >= 5 && within_one_edit(query, name))
}

/// Whether `a` becomes `b` by at most one insertion, deletion, substitution or swap of
/// neighbouring letters.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra.iter().rev().zip(rb.iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&ra[..ra.len() - suffix.min(ra.len())], &rb[..rb.len() - suffix.min(rb.len())]);
    match (ma.len(), mb.len()) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => ma.first() == mb.get(1) && ma.get(1) == mb.first(),
        _ => false,
    }
}

/// A date of birth as people write it: `2011-03-09`, `9/3/2011` or `9 March 2011`.
fn date_of_birth(t: &str) -> Option<Date> {
    if let Ok(d) = t.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', ' ', '.', '-']).filter(|p| !p.is_empty()).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let day: i8 = day.parse().ok()?;
    let year: i16 = year.parse().ok().filter(|y| *y >= 1900)?;
    let month: i8 = match month.parse::<i8>() {
        Ok(m) => m,
        Err(_) => {
            let m = fold(month);
            const MONTHS: [&str; 12] = [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ];
            let found = MONTHS.iter().position(|name| m.len() >= 3 && name.starts_with(m.as_str()))?;
            i8::try_from(found + 1).ok()?
        }
    };
    Date::new(year, month, day).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn name(q: &str, given: &str, family: &str) -> bool {
        ChildSearch::parse(q).unwrap().matches_name(given, family, None)
    }

    #[test]
    fn the_name_a_child_prefers_is_found_too() {
        let q = ChildSearch::parse("Jay Okafor").unwrap();
        assert!(q.matches_name("Jayden", "Okafor", None), "the start of the given name");
        let q = ChildSearch::parse("Bex Okafor").unwrap();
        assert!(!q.matches_name("Rebecca", "Okafor", None));
        assert!(q.matches_name("Rebecca", "Okafor", Some("Bex")));
        assert!(ChildSearch::parse("bex").unwrap().matches_name("Rebecca", "Okafor", Some("Bex")));
    }

    #[test]
    fn names_match_without_accents_case_or_a_small_typo() {
        assert!(name("zoe", "Zoë", "Ápple"));
        assert!(name("ZOË", "Zoe", "Apple"));
        assert!(name("apple zoe", "Zoë", "Apple"));
        assert!(name("Ap", "Zoë", "Apple"), "the start of a name");
        assert!(name("Lindqvsit", "Cole", "Lindqvist"), "two letters swapped");
        assert!(name("Lindquist", "Cole", "Lindqvist"), "one letter changed");
        assert!(name("Lindqist", "Cole", "Lindqvist"), "one letter lost");
        assert!(!name("Zoa", "Zoë", "Apple"), "a short name needs its letters");
        assert!(!name("Lindkvst", "Cole", "Lindqvist"), "two changes are too many");
        assert!(!name("Cole Smith", "Cole", "Lindqvist"), "every word must match");
        assert!(name("Ffion Llŷr", "Ffion", "Llyr"), "Welsh accents fold too");
    }

    #[test]
    fn dates_numbers_and_references_are_recognised() {
        let d = date(2011, 3, 9);
        for q in ["2011-03-09", "9/3/2011", "09/03/2011", "9 March 2011", "9 mar 2011"] {
            assert_eq!(ChildSearch::parse(q), Ok(ChildSearch::DateOfBirth(d)), "{q}");
        }
        assert_eq!(ChildSearch::parse("943 476 5919"), Ok(ChildSearch::Nhs("9434765919".into())));
        assert_eq!(ChildSearch::parse("2019/0012345a"), Ok(ChildSearch::Pnc("2019/0012345A".into())));
        let id = ChildId::random();
        assert_eq!(ChildSearch::parse(&format!(" {id} ")), Ok(ChildSearch::Record(id)));
        assert!(matches!(ChildSearch::parse("31/2/2011"), Ok(ChildSearch::Name(_))), "no such day: a name");
        assert!(ChildSearch::parse("  ").is_err());
        assert!(ChildSearch::parse(&"a".repeat(101)).is_err());
    }
}
