//! The cohort outcomes report: who may run it for which part of the country (the policy's
//! `ViewCohortReport` and `cohort_reach`), the filters checked, the cohort's facts from
//! storage, the measures from the domain, and what each reader may see of them — the children
//! behind a count for YJS managers (and, for measures built on health information, only for
//! health workers), counts only for establishments, and counts with small cells withheld for
//! strategic leads. Every run is audited; every child named in a drill-down list is an audited
//! read of that child.

use jiff::civil::Date;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::outcomes::{self, CohortChild, Measure, Params};
use resettle_domain::policy::{Action, CohortReach, Decision, cohort_reach, decide};
use resettle_domain::team::parse_date;
use resettle_domain::validation::ValidationErrors;
use serde::Serialize;

use crate::storage::CohortQuery;
use crate::{App, AppError, AppResult, Ctx, Principal};

/// A report's filters, as sent (query string, form or command line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CohortFilters {
    /// `YYYY-MM-DD`, required.
    pub released_from: Option<String>,
    /// `YYYY-MM-DD`, required, inclusive.
    pub released_to: Option<String>,
    /// Youth justice services (identifiers), several allowed.
    pub yjs_ids: Vec<String>,
    /// A secure establishment (identifier).
    pub establishment_id: Option<String>,
    /// Youngest age at release.
    pub age_min: Option<String>,
    /// Oldest age at release.
    pub age_max: Option<String>,
    /// Gender as recorded.
    pub sex: Option<String>,
    /// Ethnicity as recorded.
    pub ethnicity: Option<String>,
    /// `true` or `false`.
    pub looked_after: Option<String>,
}

impl CohortFilters {
    /// The filters from query-string pairs (`yjs_id` may repeat). Form fields for a GOV.UK
    /// date input (`released_from-day`, `-month`, `-year`) stand in for a missing `YYYY-MM-DD`.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
        let date = |k: &str| {
            one(k).or_else(|| {
                let part = |p: &str| one(&format!("{k}-{p}")).map(|v| v.trim().to_string());
                match (part("year"), part("month"), part("day")) {
                    (None, None, None) => None,
                    (y, m, d) => {
                        let pad = |v: Option<String>| v.map(|v| format!("{v:0>2}")).unwrap_or_default();
                        Some(format!("{}-{}-{}", y.unwrap_or_default(), pad(m), pad(d)))
                    }
                }
            })
        };
        Self {
            released_from: date("released_from"),
            released_to: date("released_to"),
            yjs_ids: pairs.iter().filter(|(k, v)| k == "yjs_id" && !v.is_empty()).map(|(_, v)| v.clone()).collect(),
            establishment_id: one("establishment_id"),
            age_min: one("age_min"),
            age_max: one("age_max"),
            sex: one("sex"),
            ethnicity: one("ethnicity"),
            looked_after: one("looked_after"),
        }
    }

    /// The same filters as query-string pairs, `YYYY-MM-DD` dates (for links: the CSV download).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        };
        push("released_from", &self.released_from);
        push("released_to", &self.released_to);
        push("establishment_id", &self.establishment_id);
        push("age_min", &self.age_min);
        push("age_max", &self.age_max);
        push("sex", &self.sex);
        push("ethnicity", &self.ethnicity);
        push("looked_after", &self.looked_after);
        out.extend(self.yjs_ids.iter().map(|v| ("yjs_id", v.clone())));
        out
    }

    /// Whether any filter was given (a page with none shows the form only).
    pub fn is_empty(&self) -> bool {
        self.to_pairs().is_empty()
    }
}

/// A child behind a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedChild {
    /// Identifier.
    pub id: ChildId,
    /// Name.
    pub name: String,
}

/// One measure as its reader may see it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeasureView {
    /// The measure (counts possibly withheld).
    #[serde(flatten)]
    pub measure: Measure,
    /// The children counted in the numerator, when the reader may see them.
    pub children: Option<Vec<NamedChild>>,
}

/// The cohort's counts for one quarter of release.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quarter {
    /// "2026 Q1".
    pub quarter: String,
    /// Children released in it (null when withheld).
    pub children: Option<u32>,
    /// The measures for those children.
    pub measures: Vec<Measure>,
}

/// The cohort outcomes report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CohortReport {
    /// The first day of release.
    pub released_from: Date,
    /// The last day of release (inclusive).
    pub released_to: Date,
    /// Months each child is followed for.
    pub follow_up_months: i32,
    /// Children in the cohort (null when withheld).
    pub children: Option<u32>,
    /// The counts under this were withheld (counts-only readers across services), else null.
    pub min_cell: Option<u32>,
    /// The services the cohort covers (empty: every service).
    pub yjs_ids: Vec<OrgId>,
    /// The establishments the cohort covers (empty: every establishment).
    pub establishment_ids: Vec<OrgId>,
    /// The day it was counted on.
    pub today: Date,
    /// The measures.
    pub measures: Vec<MeasureView>,
    /// The same by quarter of release.
    pub trends: Vec<Quarter>,
}

struct Checked {
    query: CohortQuery,
    from: Date,
    to: Date,
    age_min: Option<i16>,
    age_max: Option<i16>,
}

fn check(f: &CohortFilters) -> Result<Checked, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let from = parse_date(&mut e, "released_from", "The first day of release", f.released_from.as_deref());
    let to = parse_date(&mut e, "released_to", "The last day of release", f.released_to.as_deref());
    if from.is_none() && e.for_field("released_from").is_none() {
        e.add("released_from", "Enter the first day of release");
    }
    if to.is_none() && e.for_field("released_to").is_none() {
        e.add("released_to", "Enter the last day of release");
    }
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        e.add("released_to", "The last day of release must be on or after the first");
    }
    let org = |e: &mut ValidationErrors, field: &str, s: &str| -> Option<OrgId> {
        let id = s.trim().parse::<uuid::Uuid>().ok().map(OrgId);
        if id.is_none() {
            e.add(field, "Choose an organisation from the list");
        }
        id
    };
    let yjs_ids: Vec<OrgId> =
        f.yjs_ids.iter().filter(|s| !s.trim().is_empty()).filter_map(|s| org(&mut e, "yjs_id", s)).collect();
    let establishment_ids: Vec<OrgId> = f
        .establishment_id
        .iter()
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| org(&mut e, "establishment_id", s))
        .collect();
    let age = |e: &mut ValidationErrors, field: &str, s: &Option<String>| -> Option<i16> {
        let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match s.parse::<i16>() {
            Ok(n) if (10..=25).contains(&n) => Some(n),
            _ => {
                e.add(field, "Enter an age from 10 to 25");
                None
            }
        }
    };
    let age_min = age(&mut e, "age_min", &f.age_min);
    let age_max = age(&mut e, "age_max", &f.age_max);
    if let (Some(a), Some(b)) = (age_min, age_max)
        && a > b
    {
        e.add("age_max", "The oldest age must be at least the youngest");
    }
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let looked_after = match text(&f.looked_after).as_deref() {
        None => None,
        Some("true" | "yes") => Some(true),
        Some("false" | "no") => Some(false),
        Some(_) => {
            e.add("looked_after", "Choose looked after or not looked after");
            None
        }
    };
    let query = CohortQuery {
        released_from: from,
        released_to: to,
        yjs_ids,
        establishment_ids,
        sex: text(&f.sex),
        ethnicity: text(&f.ethnicity),
        looked_after,
    };
    match (from, to) {
        (Some(from), Some(to)) if e.is_empty() => Ok(Checked { query, from, to, age_min, age_max }),
        _ => Err(e),
    }
}

/// How much of the report the reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sight {
    /// Counts, and the children behind the measures the policy allows.
    Children,
    /// Counts only.
    Counts,
    /// Counts only, small cells withheld.
    Suppressed,
}

impl App {
    /// The cohort outcomes report for `ctx`'s actor (see the module's documentation).
    pub async fn cohort_report(&self, ctx: &Ctx, filters: &CohortFilters) -> AppResult<CohortReport> {
        if let Decision::Deny(why) = decide(&ctx.actor, Action::ViewCohortReport, None) {
            return Err(AppError::Forbidden(why));
        }
        let reach = cohort_reach(&ctx.actor).ok_or(AppError::Forbidden("no cohort report for this role"))?;
        let mut checked = check(filters).map_err(AppError::Invalid)?;
        let sight = match &reach {
            CohortReach::National => Sight::Suppressed,
            CohortReach::Services(own) => {
                if checked.query.yjs_ids.iter().any(|id| !own.contains(id)) {
                    return Err(AppError::Forbidden("you see the cohort of your own youth justice service only"));
                }
                if checked.query.yjs_ids.is_empty() {
                    checked.query.yjs_ids.clone_from(own);
                }
                Sight::Children
            }
            CohortReach::Establishments(own) => {
                if checked.query.establishment_ids.iter().any(|id| !own.contains(id)) {
                    return Err(AppError::Forbidden("you see the children your own establishment released only"));
                }
                if checked.query.establishment_ids.is_empty() {
                    checked.query.establishment_ids.clone_from(own);
                }
                Sight::Counts
            }
        };
        let cohort = self.cohort_of(&checked).await?;
        let report = self.report_over(
            &checked,
            &cohort,
            |m| {
                sight == Sight::Children
                    && decide(&ctx.actor, Action::ViewCohortChildren { health: m.health }, None).is_allowed()
            },
            sight == Sight::Suppressed,
        );
        self.audit(ctx, "read", "report.cohort", None).await?;
        let named: Vec<ChildId> =
            report.measures.iter().flat_map(|m| m.children.iter().flatten().map(|c| c.id)).collect();
        if !named.is_empty() {
            self.audit_children(ctx, "read", "report.cohort", named).await?;
        }
        Ok(report)
    }

    /// The report for the operator at the command line (who holds the database): counts for
    /// the whole filter, no names, audited as an operator's read.
    pub async fn cohort_report_for_operator(&self, filters: &CohortFilters) -> AppResult<CohortReport> {
        let checked = check(filters).map_err(AppError::Invalid)?;
        let cohort = self.cohort_of(&checked).await?;
        let report = self.report_over(&checked, &cohort, |_| false, false);
        self.audit_admin(Principal::Operator, "report.cohort", "ran the cohort outcomes report").await?;
        Ok(report)
    }

    async fn cohort_of(&self, checked: &Checked) -> AppResult<Vec<CohortChild>> {
        let mut cohort = self.store.cohort(&checked.query).await?;
        cohort.retain(|c| {
            let age = c.age_at_release();
            checked.age_min.is_none_or(|a| age >= a) && checked.age_max.is_none_or(|a| age <= a)
        });
        Ok(cohort)
    }

    fn report_over(
        &self,
        checked: &Checked,
        cohort: &[CohortChild],
        names: impl Fn(&Measure) -> bool,
        suppressed: bool,
    ) -> CohortReport {
        let params = Params {
            today: self.today(),
            follow_up_months: self.config.follow_up_months,
            sdq_reliable_change: self.config.sdq_reliable_change,
            compliance: self.config.compliance,
        };
        let min_cell = self.config.min_cell;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let by_id: std::collections::HashMap<ChildId, &str> =
            cohort.iter().map(|c| (c.child_id, c.name.as_str())).collect();
        let show = |n: u32| (!suppressed || !outcomes::cohort_is_small(n, min_cell)).then_some(n);
        let measures = outcomes::measures(cohort, &params)
            .into_iter()
            .map(|mut m| {
                let children = names(&m).then(|| {
                    m.children
                        .iter()
                        .filter_map(|id| by_id.get(id).map(|name| NamedChild { id: *id, name: (*name).to_string() }))
                        .collect()
                });
                if suppressed {
                    outcomes::suppress(&mut m, min_cell);
                }
                MeasureView { measure: m, children }
            })
            .collect();
        let trends = outcomes::trends(cohort, &params)
            .into_iter()
            .map(|(quarter, n, mut ms)| {
                for m in &mut ms {
                    if suppressed {
                        outcomes::suppress(m, min_cell);
                    }
                }
                Quarter { quarter, children: show(n), measures: ms }
            })
            .collect();
        CohortReport {
            released_from: checked.from,
            released_to: checked.to,
            follow_up_months: self.config.follow_up_months,
            children: show(count(cohort.len())),
            min_cell: suppressed.then_some(min_cell),
            yjs_ids: checked.query.yjs_ids.clone(),
            establishment_ids: checked.query.establishment_ids.clone(),
            today: params.today,
            measures,
            trends,
        }
    }
}
