//! The caseload for triage: each child on a page of the caseload with what a practitioner
//! looks for first — the release date (or next court date), readiness, the next deadline and
//! how much is late — and the organisations worth filtering by.
//!
//! The facts come from the read caches behind the caseload and the readiness caseload (a few
//! set-based queries for the whole scope, never one per child), and the words from
//! `resettle_domain::readiness::{Progress, Attention}`, as on the child's page and the
//! readiness pages.

use std::collections::HashMap;

use jiff::civil::Date;

use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::org::Role;
use resettle_domain::policy::ChildScope;
use resettle_domain::readiness::{Attention, Progress, Readiness};

use crate::storage::{CaseloadQuery, CaseloadRow, Page, ReadinessQuery};
use crate::{App, AppResult, Ctx};

/// Whose children a caseload lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// Children on whose team the person is named.
    Mine,
    /// Every child the person may see (named, through their organisations, or with emergency
    /// access).
    All,
}

impl Whose {
    /// Where a person lands: a case manager on their own children, anyone else on every child
    /// they may see.
    pub fn default_for(ctx: &Ctx) -> Self {
        if ctx.actor.has_role(Role::YjsCaseManager) { Whose::Mine } else { Whose::All }
    }

    /// The query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Whose::Mine => "mine",
            Whose::All => "all",
        }
    }

    /// From the query string.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mine" => Some(Whose::Mine),
            "all" => Some(Whose::All),
            _ => None,
        }
    }
}

/// What a child in custody needs looked at.
#[derive(Clone, Debug)]
pub struct Triage {
    /// The day of discharge (sentenced) or the next court date (remand), when known.
    pub release_on: Option<Date>,
    /// Whether `release_on` is a court date.
    pub on_remand: bool,
    /// Readiness at a glance.
    pub progress: Option<Progress>,
    /// The next deadline and how much is late.
    pub attention: Attention,
}

/// A page of the caseload with each child's triage.
#[derive(Clone, Debug)]
pub struct TriagedCaseload {
    /// The page of children.
    pub page: Page<CaseloadRow>,
    /// Each child's triage, in the page's order (`None` when not in custody).
    pub triage: Vec<Option<Triage>>,
    /// The organisations worth filtering by: the person's own, and the youth justice services
    /// and establishments of the children listed, by name.
    pub organisations: Vec<(OrgId, String)>,
    /// Whose children were listed.
    pub whose: Whose,
}

impl App {
    /// A page of the caseload, for `whose` children, with each child's triage.
    pub async fn triage_caseload(
        &self,
        ctx: &Ctx,
        query: &CaseloadQuery,
        whose: Whose,
        search: Option<&str>,
    ) -> AppResult<TriagedCaseload> {
        let read = self.read_scope(&ctx.actor);
        let scope = match whose {
            Whose::All => read,
            Whose::Mine => ChildScope { organisation_ids: Vec::new(), emergency: None, ..read },
        };
        let all = self.caseload_list(&scope, query).await?;
        let page = match search {
            Some(text) => crate::children::page_of(&self.found_in(&all, text).await?, query),
            None => crate::children::page_of(&all, query),
        };
        // The organisations come from the whole list, not the filtered one, so the filter can be
        // changed without clearing it first.
        let unfiltered = match query.organisation_id {
            None => all,
            Some(_) => self.caseload_list(&scope, &CaseloadQuery { organisation_id: None, ..query.clone() }).await?,
        };
        let organisations = self.organisations_that_matter(ctx, &unfiltered).await?;

        let in_custody = page.items.iter().any(|r| r.custody.is_some());
        let triage = if in_custody {
            let q = ReadinessQuery { child: None, organisation_id: query.organisation_id, today: self.today() };
            let assessed = self.assessed(&scope, &q).await?;
            let by_child: HashMap<ChildId, &crate::readiness::Assessed> =
                assessed.iter().map(|a| (a.row.child_id, a)).collect();
            let today = self.today();
            page.items
                .iter()
                .map(|r| {
                    let a = by_child.get(&r.id)?;
                    let (release_on, on_remand) = match &a.readiness {
                        Readiness::Assessed { target, .. } => (*target, a.row.kind == EpisodeKind::Remand),
                        Readiness::NotApplicable => (None, false),
                    };
                    Some(Triage {
                        release_on,
                        on_remand,
                        progress: Progress::of_child(&a.readiness),
                        attention: Attention::of(&a.readiness, &a.row.open_meetings, a.row.overdue_actions, today),
                    })
                })
                .collect()
        } else {
            vec![None; page.items.len()]
        };
        // One entry for the list, as for the plain caseload (or the search).
        let resource = if search.is_some() { "caseload.search" } else { "caseload" };
        self.audit(ctx, "read", resource, None).await?;
        Ok(TriagedCaseload { page, triage, organisations, whose })
    }

    /// Every child of the caseload page's list (the same view, filter, search and order, every
    /// page), for a download; audited once as an export.
    pub async fn caseload_export(
        &self,
        ctx: &Ctx,
        query: &CaseloadQuery,
        whose: Whose,
        search: Option<&str>,
    ) -> AppResult<Vec<CaseloadRow>> {
        let read = self.read_scope(&ctx.actor);
        let scope = match whose {
            Whose::All => read,
            Whose::Mine => ChildScope { organisation_ids: Vec::new(), emergency: None, ..read },
        };
        let all = self.caseload_list(&scope, query).await?;
        let rows = match search {
            Some(text) => self.found_in(&all, text).await?,
            None => all.to_vec(),
        };
        self.audit(ctx, "export", "caseload", None).await?;
        Ok(rows)
    }

    async fn organisations_that_matter(&self, ctx: &Ctx, rows: &[CaseloadRow]) -> AppResult<Vec<(OrgId, String)>> {
        let mut ids: Vec<OrgId> = ctx.actor.memberships.iter().map(|m| m.organisation_id).collect();
        for r in rows {
            ids.push(r.yjs_id);
            if let Some(est) = r.custody.as_ref().and_then(|c| c.establishment_id) {
                ids.push(est);
            }
        }
        ids.sort();
        ids.dedup();
        let orgs = self.organisations_shared().await?;
        let mut named: Vec<(OrgId, String)> =
            orgs.iter().filter(|o| ids.binary_search(&o.id).is_ok()).map(|o| (o.id, o.name.clone())).collect();
        named.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(named)
    }
}
