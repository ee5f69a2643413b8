//! Access beyond the team: break-glass (emergency access by a YJS manager, with a reason, for a
//! limited time, reported to the child's youth justice service) and the strategic lead's
//! figures across organisations (counts only).

use jiff::ToSpan;
use jiff::civil::Date;
use resettle_domain::audit::AuditEvent;
use resettle_domain::child::PncId;
use resettle_domain::ids::{ChildId, GrantId, OrgId};
use resettle_domain::nhs::NhsNumber;
use resettle_domain::org::Role;
use resettle_domain::policy::{Action, Decision, decide, decide_with};
use resettle_domain::validation::ValidationErrors;
use serde::Serialize;

use crate::storage::{BreakGlassGrant, BreakGlassLine, OrganisationFigures};
use crate::{App, AppError, AppResult, Ctx};

/// The shortest reason accepted for emergency access.
pub const REASON_MIN_CHARS: usize = 10;
/// The longest.
pub const REASON_MAX_CHARS: usize = 1000;
/// How many lines the break-glass report shows.
pub const REPORT_LINES: u32 = 200;
/// Releases are "due" within this many days from today.
pub const RELEASE_WINDOW_DAYS: i64 = 28;

/// What a search by identifier found, without any detail of the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "found", content = "child_id", rename_all = "snake_case")]
pub enum Found {
    /// No record has that identifier.
    Nothing,
    /// A child already on the searcher's team (open the record as usual).
    OnYourTeam(ChildId),
    /// A record exists outside the searcher's team: emergency access can open it.
    OutsideYourTeam(ChildId),
}

/// The strategic lead's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// The day they were counted on.
    pub today: Date,
    /// The last day of the release window.
    pub releases_until: Date,
    /// One row per youth justice service and secure establishment.
    pub organisations: Vec<OrganisationFigures>,
    /// Release readiness by youth justice service, and open needs by pathway.
    pub readiness: crate::readiness::ReadinessFigures,
}

fn denied_as_forbidden(d: Decision) -> AppResult<()> {
    match d {
        Decision::Allow(_) => Ok(()),
        Decision::Deny(why) => Err(AppError::Forbidden(why)),
    }
}

impl App {
    /// Finds a child by NHS number or PNC id for a YJS manager who may need emergency access.
    /// Says only whether a record exists (and whether it is on their team); the look-up is
    /// audited against the child found.
    pub async fn find_child_for_break_glass(&self, ctx: &Ctx, nhs_number: &str, pnc_id: &str) -> AppResult<Found> {
        denied_as_forbidden(decide_with(&ctx.actor, ctx.credential, Action::FindChildForBreakGlass, None))?;
        let mut errors = ValidationErrors::new();
        let (nhs_number, pnc_id) = (nhs_number.trim(), pnc_id.trim());
        if nhs_number.is_empty() && pnc_id.is_empty() {
            errors.add("nhs_number", "Enter the child's NHS number or PNC id");
        }
        let nhs = (!nhs_number.is_empty())
            .then(|| NhsNumber::parse(nhs_number).map_err(|e| errors.add("nhs_number", e.to_string())).ok())
            .flatten();
        let pnc =
            (!pnc_id.is_empty()).then(|| PncId::parse(pnc_id).map_err(|m| errors.add("pnc_id", m)).ok()).flatten();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let found =
            self.store.child_by_identifier(nhs.as_ref().map(|n| n.as_str()), pnc.as_ref().map(|p| p.as_str())).await?;
        let Some(id) = found else {
            self.audit(ctx, "search", "child.identifier", None).await?;
            return Ok(Found::Nothing);
        };
        self.audit(ctx, "search", "child.identifier", Some(id)).await?;
        let on_team = self.store.child(id, &self.scope(&ctx.actor)).await?.is_some();
        Ok(if on_team { Found::OnYourTeam(id) } else { Found::OutsideYourTeam(id) })
    }

    /// Whether the actor may ask for emergency access to `child`: `Ok(())` for a YJS manager
    /// and a child outside their team; not found when there is no such child.
    pub async fn may_break_glass(&self, ctx: &Ctx, child: ChildId) -> AppResult<()> {
        denied_as_forbidden(decide_with(&ctx.actor, ctx.credential, Action::FindChildForBreakGlass, None))?;
        if self.store.child_owner(child).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let on_team = self.store.child(child, &self.scope(&ctx.actor)).await?.is_some();
        match decide_with(&ctx.actor, ctx.credential, Action::BreakGlass, Some(on_team)) {
            Decision::Allow(_) => Ok(()),
            Decision::Deny(why) => Err(AppError::invalid("reason", format!("Emergency access is not needed: {why}"))),
        }
    }

    /// Opens a child outside the actor's team in an emergency: a grant for reading the record
    /// until the configured time has passed, a timeline entry on the child (so the child's
    /// team sees it) and an audit entry carrying the reason, in one transaction.
    pub async fn break_glass(&self, ctx: &Ctx, child: ChildId, reason: &str) -> AppResult<BreakGlassGrant> {
        self.may_break_glass(ctx, child).await?;
        // The longest reason counts what was sent; the shortest, what is left once trimmed.
        let sent = reason.chars().count();
        let reason = reason.trim();
        let n = reason.chars().count();
        if n < REASON_MIN_CHARS && sent <= REASON_MAX_CHARS {
            return Err(AppError::invalid(
                "reason",
                format!("Enter why you need emergency access, in at least {REASON_MIN_CHARS} characters"),
            ));
        }
        if sent > REASON_MAX_CHARS {
            return Err(AppError::invalid(
                "reason",
                format!("The reason must be {REASON_MAX_CHARS} characters or fewer"),
            ));
        }
        let now = self.now();
        let grant = BreakGlassGrant {
            id: GrantId::random(),
            user_id: ctx.actor.user_id,
            child_id: child,
            reason: reason.to_string(),
            granted_at: now,
            expires_at: now.saturating_add(self.config.break_glass).unwrap_or(now),
        };
        let until = grant.expires_at.to_zoned(crate::london()).strftime("%-d %B %Y at %H:%M");
        let entry = self.entry_for(
            ctx,
            child,
            "access.break_glass",
            format!("{} opened the record with emergency access, until {until}", ctx.actor.name),
            Some(grant.reason.clone()),
        );
        let membership_id = ctx.actor.memberships.iter().find(|m| m.role == Role::YjsManager).map(|m| m.id);
        let event = AuditEvent {
            at: now,
            user_id: Some(ctx.actor.user_id),
            membership_id,
            action: "break_glass",
            resource: "child",
            child_id: Some(child),
            purpose: format!("emergency access: {}", grant.reason),
            request_id: ctx.request_id.clone(),
            ip: ctx.ip.clone(),
        };
        self.store.insert_break_glass(&grant, &entry, &[event]).await?;
        tracing::warn!(child_id = %child, user_id = %ctx.actor.user_id, request_id = %ctx.request_id, "break-glass access granted");
        Ok(grant)
    }

    /// Emergency accesses to the children whose cases the actor's youth justice services own
    /// (where the actor is a manager or case manager), newest first.
    pub async fn break_glass_report(&self, ctx: &Ctx) -> AppResult<Vec<BreakGlassLine>> {
        denied_as_forbidden(decide(&ctx.actor, Action::ViewBreakGlassReport, None))?;
        let mut yjs: Vec<OrgId> = ctx
            .actor
            .memberships
            .iter()
            .filter(|m| matches!(m.role, Role::YjsManager | Role::YjsCaseManager))
            .map(|m| m.organisation_id)
            .collect();
        yjs.sort();
        yjs.dedup();
        let lines = self.store.break_glass_report(&yjs, REPORT_LINES).await?;
        self.audit(ctx, "read", "break_glass.report", None).await?;
        Ok(lines)
    }

    /// Counts by organisation for strategic leads: caseloads, custody on remand and on
    /// sentence, and releases due in the next four weeks. No names, no identifiers.
    pub async fn figures(&self, ctx: &Ctx) -> AppResult<Figures> {
        denied_as_forbidden(decide(&ctx.actor, Action::ViewAggregates, None))?;
        let today = self.today();
        let releases_until = today.checked_add(RELEASE_WINDOW_DAYS.days()).unwrap_or(today);
        let organisations = self.store.organisation_figures(today, releases_until).await?;
        let readiness = self.readiness_figures(ctx).await?;
        self.audit(ctx, "read", "aggregates", None).await?;
        Ok(Figures { today, releases_until, organisations, readiness })
    }
}
