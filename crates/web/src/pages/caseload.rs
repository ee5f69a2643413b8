//! The caseload's lines as people read them, and which columns are worth showing: a column
//! that says the same on every row (one youth justice service) is left out and said once
//! above the table instead.

use jiff::civil::Date;
use resettle_app::triage::TriagedCaseload;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::ChildId;
use resettle_domain::readiness::relative;

use super::long_date;

/// One child on the caseload, in words.
pub struct Line {
    /// The child.
    pub id: ChildId,
    /// "Family, Given".
    pub name: String,
    /// "Born 3 March 2010".
    pub born: String,
    /// The youth justice service.
    pub yjs: String,
    /// The custody tag: words and colour.
    pub custody: (&'static str, &'static str),
    /// Since when, and where.
    pub custody_detail: String,
    /// Triage, for a child in custody.
    pub triage: Option<TriageLine>,
}

/// What a child in custody needs looked at, in words.
pub struct TriageLine {
    /// The release date or next court date ("Not known" when there is none).
    pub release: String,
    /// "Next court date", "in 12 days", or nothing.
    pub release_hint: String,
    /// Readiness: words and tag colour.
    pub readiness: Option<(&'static str, &'static str)>,
    /// The next deadline: what, and the day.
    pub next: Option<(&'static str, String)>,
    /// "3 days late", "due in 4 days".
    pub next_when: String,
    /// How many things are late.
    pub overdue: i64,
}

/// Which of the optional columns are shown.
pub struct Shown {
    /// Youth justice service: only when the rows name more than one.
    pub yjs: bool,
    /// The one service every row names, said once above the table.
    pub only_yjs: Option<String>,
    /// Release, readiness, next deadline and overdue: only when a child listed is in custody.
    pub triage: bool,
}

impl Shown {
    /// The columns worth showing for these lines.
    pub fn of(lines: &[Line]) -> Self {
        let first = lines.first().map(|l| l.yjs.clone());
        let one_yjs = lines.iter().all(|l| Some(&l.yjs) == first.as_ref());
        Shown {
            yjs: !one_yjs,
            only_yjs: if one_yjs { first } else { None },
            triage: lines.iter().any(|l| l.triage.is_some()),
        }
    }
}

fn days(n: i64) -> String {
    if n == 1 { "in 1 day".into() } else { format!("in {n} days") }
}

/// The page's children in words.
pub fn lines(c: &TriagedCaseload, today: Date) -> Vec<Line> {
    c.page
        .items
        .iter()
        .zip(c.triage.iter())
        .map(|(r, t)| {
            let (custody, custody_detail) = match &r.custody {
                Some(cu) if cu.kind == EpisodeKind::Remand => (("Remand", "govuk-tag--blue"), since(cu)),
                Some(cu) => (("Sentenced", "govuk-tag--blue"), since(cu)),
                None => (
                    ("In the community", "govuk-tag--grey"),
                    r.released_on.map(|d| format!("released {}", long_date(d))).unwrap_or_default(),
                ),
            };
            let triage = t.as_ref().map(|t| {
                let (release, release_hint) = match t.release_on {
                    Some(d) if t.on_remand => (long_date(d), "Next court date".to_string()),
                    Some(d) => {
                        let n = resettle_domain::readiness::days_between(today, d);
                        (long_date(d), if n >= 0 { days(n) } else { String::new() })
                    }
                    None => ("Not known".to_string(), String::new()),
                };
                TriageLine {
                    release,
                    release_hint,
                    readiness: t.progress.map(|p| (p.child_label(), p.tag_class())),
                    next: t.attention.next.as_ref().map(|n| (n.what, long_date(n.due_by))),
                    next_when: t.attention.next.as_ref().map(|n| relative(n.due_by, today)).unwrap_or_default(),
                    overdue: t.attention.overdue,
                }
            });
            Line {
                id: r.id,
                name: format!("{}, {}", r.family_name, r.given_name),
                born: format!("Born {}", long_date(r.date_of_birth)),
                yjs: r.yjs_name.clone(),
                custody,
                custody_detail,
                triage,
            }
        })
        .collect()
}

fn since(cu: &resettle_app::storage::CurrentCustody) -> String {
    let mut s = format!("since {}", long_date(cu.started_on));
    if let Some(e) = &cu.establishment_name {
        s.push_str(", ");
        s.push_str(e);
    }
    s
}
