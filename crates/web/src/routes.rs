//! Every route and the access policy that governs it, in one table.
//!
//! The page router is built from [`page_routes`], so a page cannot exist without a declared
//! policy; the API's routes come from its handlers' OpenAPI annotations, and a test checks
//! that [`API_ROUTES`] names exactly those. The role × route integration test
//! (`crates/testkit/tests/it/access_matrix.rs`) walks [`all_routes`] and fails on a route it
//! has no request for, so a new route cannot go untested either.
//!
//! The declaration says which policy decision applies; the decision itself is taken by
//! `resettle_domain::policy::decide` in the application services, never here.

use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

use crate::AppState;
use crate::pages::{
    about, access, account, admin, auth, children, community, custody, health, health_assessment, my_plan, outcomes,
    plan, readiness, subject_access, temporary_release,
};

/// The policy class of a route: which decision of `resettle_domain::policy` governs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoutePolicy {
    /// Anyone, signed in or not: the sign-in form, health check, OpenAPI document, assets.
    Public,
    /// A session whose password was right, second factor done or not: finishing sign-in,
    /// setting up an authenticator, signing out.
    SignInStep,
    /// Anyone fully signed in: their own account and sessions, their own identity.
    SignedIn,
    /// Anyone fully signed in; the list is filtered in the query by `ChildScope` (empty for
    /// administrators and strategic leads).
    Caseload,
    /// `Action::ViewChild` on the child named in the path: the team, or a valid break-glass
    /// grant; 404 otherwise.
    ChildRead,
    /// `Action::EditChild` on the child named in the path (or the sentence's child): the team
    /// only; 404 otherwise.
    ChildChange,
    /// `Action::ManageTeam` on the child named in the path (local authority staff on the team
    /// for their own colleagues, `policy::may_add_member`): case managers and managers of the
    /// responsible youth justice service (403 for others on the team, 404 off it).
    TeamChange,
    /// `Action::ViewHealthContent` on the child named in the path: health roles held in an
    /// organisation on the team (403 for others on the team, 404 off it).
    ChildHealth,
    /// `Action::ViewAuditTrail`: case managers and managers on the team (403 for others on
    /// the team, 404 off it).
    ChildAudit,
    /// `Action::CreateChild`: case managers and managers of the owning youth justice service.
    AddChild,
    /// `Action::FindChildForBreakGlass` and `Action::BreakGlass`: YJS managers, for a child
    /// outside their team (403 for other roles).
    BreakGlass,
    /// `Action::ViewBreakGlassReport`: YJS managers and case managers.
    BreakGlassReport,
    /// `Action::ViewAggregates`: strategic leads.
    Aggregates,
    /// `Action::ViewCohortReport`: YJS managers and health workers (their own service), secure
    /// establishment staff (the children they released) and strategic leads (every service,
    /// small cells withheld); 403 for other roles. The children behind a count follow
    /// `Action::ViewCohortChildren`.
    CohortReport,
    /// `Action::ViewOversight`: YJS managers (late and incomplete meetings across their
    /// caseload; 403 for other roles).
    Oversight,
    /// `Action::ManageOrganisations` / `Action::ManageUsers`: administrators.
    Admin,
    /// `Action::SubjectAccess`: data protection officers, for the children of their own youth
    /// justice service (404 for others), with a second factor proved in the session.
    SubjectAccess,
    /// Deciding about health content on the child named in the path (or the assessment's
    /// child): assessments, consents and clinicians' scores by health staff on the team only;
    /// a score the child or a parent gave also by those a sharing decision names (403 for
    /// others on the team, 404 off it).
    HealthContent,
    /// Acknowledging a handover: its recipient (the person, or a holder of the role in the
    /// organisation) only; 403 for others on the child's team, 404 for anyone else.
    HandoverRecipient,
}

/// One page route: method, path pattern, policy, handler.
pub struct PageRoute {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, axum syntax (`/children/{id}`).
    pub path: &'static str,
    /// The policy that governs it.
    pub policy: RoutePolicy,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

fn page(method: Method, path: &'static str, policy: RoutePolicy, handler: MethodRouter<AppState>) -> PageRoute {
    PageRoute { method, path, policy, handler }
}

/// The page routes, made from the table in [`page_routes`] (each with its
/// declared policy).
pub fn page_router(state: AppState) -> axum::Router {
    let mut by_path: Vec<(&'static str, axum::routing::MethodRouter<AppState>)> = Vec::new();
    for r in page_routes() {
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, m)) => *m = std::mem::take(m).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    by_path.into_iter().fold(axum::Router::new(), |router, (path, m)| router.route(path, m)).with_state(state)
}

/// Every page route. The page router is made from this list and nothing else.
pub fn page_routes() -> Vec<PageRoute> {
    use RoutePolicy::*;
    let (g, p) = (Method::GET, Method::POST);
    vec![
        page(g.clone(), "/", Public, get(crate::pages::index)),
        page(g.clone(), "/sign-in", Public, get(auth::sign_in_page)),
        page(g.clone(), "/accessibility", Public, get(about::accessibility)),
        page(g.clone(), "/privacy", Public, get(about::privacy)),
        page(g.clone(), "/cookies", Public, get(about::cookies)),
        page(p.clone(), "/sign-in", Public, post(auth::sign_in)),
        page(g.clone(), "/sign-in/code", SignInStep, get(auth::code_page)),
        page(p.clone(), "/sign-in/code", SignInStep, post(auth::check_code)),
        page(g.clone(), "/account/authenticator", SignInStep, get(auth::authenticator_page)),
        page(p.clone(), "/account/authenticator", SignInStep, post(auth::confirm_authenticator)),
        page(p.clone(), "/sign-out", SignInStep, post(auth::sign_out)),
        page(g.clone(), "/set-password/{token}", Public, get(auth::set_password_page)),
        page(p.clone(), "/set-password/{token}", Public, post(auth::set_password)),
        page(g.clone(), "/caseload", Caseload, get(children::caseload)),
        page(g.clone(), "/caseload.csv", Caseload, get(children::caseload_csv)),
        page(g.clone(), "/children/new", AddChild, get(children::new_child_page)),
        page(p.clone(), "/children/new", AddChild, post(children::new_child)),
        page(g.clone(), "/children/{id}", ChildRead, get(children::child_page)),
        page(g.clone(), "/children/{id}/audit.csv", ChildAudit, get(children::audit_csv)),
        page(g.clone(), "/children/{id}/edit", ChildChange, get(children::edit_child_page)),
        page(p.clone(), "/children/{id}/edit", ChildChange, post(children::edit_child)),
        page(g.clone(), "/children/{id}/team/new", TeamChange, get(children::team_page)),
        page(p.clone(), "/children/{id}/team", TeamChange, post(children::add_team_member)),
        page(g.clone(), "/children/{id}/carers/new", ChildChange, get(children::carer_page)),
        page(p.clone(), "/children/{id}/carers", ChildChange, post(children::add_carer)),
        page(g.clone(), "/children/{id}/sentences/new", ChildChange, get(custody::sentence_page)),
        page(p.clone(), "/children/{id}/sentences/new", ChildChange, post(custody::record_sentence)),
        page(g.clone(), "/children/{id}/remands/new", ChildChange, get(custody::remand_page)),
        page(p.clone(), "/children/{id}/remands/new", ChildChange, post(custody::record_remand)),
        page(g.clone(), "/children/{id}/custody/transfer", ChildChange, get(custody::transfer_page)),
        page(p.clone(), "/children/{id}/custody/transfer", ChildChange, post(custody::record_transfer)),
        page(g.clone(), "/children/{id}/custody/release", ChildChange, get(custody::release_page)),
        page(p.clone(), "/children/{id}/custody/release", ChildChange, post(custody::record_release)),
        page(g.clone(), "/children/{id}/temporary-release", ChildRead, get(temporary_release::page)),
        page(p.clone(), "/children/{id}/temporary-release", ChildChange, post(temporary_release::record)),
        page(
            p.clone(),
            "/children/{id}/temporary-release/outcome",
            ChildChange,
            post(temporary_release::record_result),
        ),
        page(g.clone(), "/sentences/{id}/recalculate", ChildChange, get(custody::recalculate_page)),
        page(p.clone(), "/sentences/{id}/recalculate", ChildChange, post(custody::recalculate)),
        page(g.clone(), "/children/{id}/plan", ChildRead, get(plan::plan_page)),
        page(g.clone(), "/children/{id}/my-plan", ChildRead, get(my_plan::page)),
        page(g.clone(), "/children/{id}/plan/views", ChildRead, get(plan::views_page)),
        page(p.clone(), "/children/{id}/plan/views", ChildChange, post(plan::save_views)),
        page(g.clone(), "/children/{id}/plan/needs/new", ChildRead, get(plan::need_new_page)),
        page(p.clone(), "/children/{id}/plan/needs/new", ChildChange, post(plan::add_need)),
        page(g.clone(), "/needs/{id}", ChildRead, get(plan::need_view_page)),
        page(p.clone(), "/needs/{id}", ChildChange, post(plan::update_need)),
        page(g.clone(), "/children/{id}/meetings/new", ChildRead, get(plan::meeting_new_page)),
        page(p.clone(), "/children/{id}/meetings/new", ChildChange, post(plan::add_meeting)),
        page(g.clone(), "/meetings/{id}", ChildRead, get(plan::meeting_page)),
        page(g.clone(), "/meetings/{id}/invite.ics", ChildRead, get(plan::meeting_invite)),
        page(g.clone(), "/meetings/{id}/schedule", ChildRead, get(plan::schedule_page)),
        page(p.clone(), "/meetings/{id}/schedule", ChildChange, post(plan::save_schedule)),
        page(g.clone(), "/meetings/{id}/record", ChildRead, get(plan::record_meeting_page)),
        page(p.clone(), "/meetings/{id}/record", ChildChange, post(plan::record_meeting)),
        page(g.clone(), "/meetings/{id}/cancel", ChildRead, get(plan::cancel_page)),
        page(p.clone(), "/meetings/{id}/cancel", ChildChange, post(plan::cancel_meeting)),
        page(g.clone(), "/meetings/attention", Oversight, get(plan::attention_page)),
        page(g.clone(), "/children/{id}/actions/new", ChildRead, get(plan::action_new_page)),
        page(p.clone(), "/children/{id}/actions/new", ChildChange, post(plan::add_action)),
        page(g.clone(), "/actions/{id}", ChildRead, get(plan::action_page)),
        page(p.clone(), "/actions/{id}", ChildChange, post(plan::update_action)),
        page(g.clone(), "/actions", Caseload, get(plan::my_actions_page)),
        page(g.clone(), "/children/{id}/after-release", ChildRead, get(community::after_release_page)),
        page(p.clone(), "/children/{id}/after-release/{what}", ChildChange, post(community::record_after_release)),
        page(g.clone(), "/appointments", Caseload, get(community::appointments_page)),
        page(g.clone(), "/appointments/{id}/invite.ics", ChildRead, get(community::appointment_invite)),
        page(p.clone(), "/appointments", Caseload, post(community::record_outcomes)),
        page(g.clone(), "/children/{id}/health", ChildRead, get(health::health_page)),
        page(p.clone(), "/children/{id}/health/records", ChildChange, post(health::record_health)),
        page(p.clone(), "/children/{id}/health/measures", HealthContent, post(health::record_measure)),
        page(p.clone(), "/children/{id}/health/consents", HealthContent, post(health::record_consent)),
        page(p.clone(), "/children/{id}/health/assessments/custody", HealthContent, post(health_assessment::start)),
        page(g.clone(), "/health/assessments/{id}", HealthContent, get(health_assessment::page)),
        page(p.clone(), "/health/assessments/{id}", HealthContent, post(health_assessment::complete)),
        page(p.clone(), "/children/{id}/health/subject-access/{request}", HealthContent, post(subject_access::review)),
        page(g.clone(), "/handovers", SignedIn, get(health::waiting_page)),
        page(g.clone(), "/handovers/sent", SignedIn, get(health::sent_page)),
        page(p.clone(), "/handovers/{id}/acknowledge", HandoverRecipient, post(health::acknowledge)),
        page(g.clone(), "/notifications", SignedIn, get(health::notifications_page)),
        page(p.clone(), "/notifications/read", SignedIn, post(health::mark_read)),
        page(p.clone(), "/notifications/email", SignedIn, post(health::set_email_preference)),
        page(g.clone(), "/readiness", Caseload, get(readiness::caseload_page)),
        page(g.clone(), "/readiness.csv", Caseload, get(readiness::caseload_csv)),
        page(g.clone(), "/gaps", Oversight, get(readiness::gaps_page)),
        page(g.clone(), "/children/{id}/release-arrangements", ChildRead, get(readiness::arrangements_form)),
        page(p.clone(), "/children/{id}/release-arrangements", ChildChange, post(readiness::save_arrangements)),
        page(g.clone(), "/find-a-child", BreakGlass, get(access::find_child_page)),
        page(p.clone(), "/find-a-child", BreakGlass, post(access::find_child)),
        page(g.clone(), "/children/{id}/break-glass", BreakGlass, get(access::break_glass_page)),
        page(p.clone(), "/children/{id}/break-glass", BreakGlass, post(access::break_glass)),
        page(g.clone(), "/reports/emergency-access", BreakGlassReport, get(access::break_glass_report)),
        page(g.clone(), "/reports/figures", Aggregates, get(access::figures)),
        page(g.clone(), "/reports/cohort", CohortReport, get(outcomes::cohort_page)),
        page(g.clone(), "/reports/cohort.csv", CohortReport, get(outcomes::cohort_csv)),
        page(g.clone(), "/account/sessions", SignedIn, get(account::sessions)),
        page(g.clone(), "/account/password", SignedIn, get(account::password_page)),
        page(p.clone(), "/account/password", SignedIn, post(account::change_password)),
        page(p.clone(), "/account/sessions/end", SignedIn, post(account::end_session)),
        page(p.clone(), "/account/sessions/end-others", SignedIn, post(account::end_other_sessions)),
        page(g.clone(), "/subject-access", SubjectAccess, get(subject_access::requests_page)),
        page(p.clone(), "/subject-access", SubjectAccess, post(subject_access::start)),
        page(p.clone(), "/subject-access/find", SubjectAccess, post(subject_access::find)),
        page(g.clone(), "/subject-access/{id}", SubjectAccess, get(subject_access::request_page)),
        page(p.clone(), "/subject-access/{id}/export", SubjectAccess, post(subject_access::export)),
        page(g.clone(), "/admin/organisations", Admin, get(admin::organisations)),
        page(p.clone(), "/admin/organisations", Admin, post(admin::add_organisation)),
        page(g.clone(), "/admin/users", Admin, get(admin::users)),
        page(p.clone(), "/admin/users", Admin, post(admin::add_user)),
        page(p.clone(), "/admin/users/password-link", Admin, post(admin::password_link)),
        page(p.clone(), "/admin/users/enrolment-code", Admin, post(admin::enrolment_code)),
        page(g.clone(), "/admin/users/{user}", Admin, get(admin::user_page)),
        page(p.clone(), "/admin/users/{user}", Admin, post(admin::update_details)),
        page(p.clone(), "/admin/users/{user}/roles", Admin, post(admin::add_role)),
        page(p.clone(), "/admin/users/{user}/roles/remove", Admin, post(admin::remove_role)),
        page(p.clone(), "/admin/users/{user}/deactivate", Admin, post(admin::deactivate)),
        page(p.clone(), "/admin/users/{user}/reactivate", Admin, post(admin::reactivate)),
        page(g.clone(), "/admin/organisations/{org}", Admin, get(admin::organisation_page)),
        page(p.clone(), "/admin/organisations/{org}", Admin, post(admin::rename_organisation)),
        page(p.clone(), "/admin/organisations/{org}/close", Admin, post(admin::close_organisation)),
        page(p.clone(), "/admin/organisations/{org}/reopen", Admin, post(admin::reopen_organisation)),
        page(g.clone(), "/admin/bank-holidays", Admin, get(admin::bank_holidays)),
        page(p, "/admin/bank-holidays", Admin, post(admin::add_bank_holiday)),
    ]
}

/// Every API route (as its handler's OpenAPI annotation names it) with its policy.
pub const API_ROUTES: &[(&str, &str, RoutePolicy)] = &[
    ("GET", "/healthz", RoutePolicy::Public),
    ("GET", "/livez", RoutePolicy::Public),
    ("GET", "/readyz", RoutePolicy::Public),
    ("GET", "/api/openapi.json", RoutePolicy::Public),
    ("GET", "/api/v1/me", RoutePolicy::SignedIn),
    ("GET", "/api/v1/children", RoutePolicy::Caseload),
    ("POST", "/api/v1/children", RoutePolicy::AddChild),
    ("GET", "/api/v1/children/{id}", RoutePolicy::ChildRead),
    ("PATCH", "/api/v1/children/{id}", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/team", RoutePolicy::TeamChange),
    ("GET", "/api/v1/children/{id}/audit", RoutePolicy::ChildAudit),
    ("POST", "/api/v1/children/{id}/sentences", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/remands", RoutePolicy::ChildChange),
    ("GET", "/api/v1/children/{id}/temporary-releases", RoutePolicy::ChildRead),
    ("POST", "/api/v1/children/{id}/temporary-releases", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/temporary-releases/{release}/outcome", RoutePolicy::ChildChange),
    ("GET", "/api/v1/children/{id}/key-dates", RoutePolicy::ChildRead),
    ("POST", "/api/v1/sentences/{id}/recalculate", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/custody/transfers", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/custody/release", RoutePolicy::ChildChange),
    // Reading the calendar is for anyone signed in; adding a day is for administrators.
    ("GET", "/api/v1/calendar/bank-holidays", RoutePolicy::SignedIn),
    ("POST", "/api/v1/calendar/bank-holidays", RoutePolicy::Admin),
    ("POST", "/api/v1/children/{id}/break-glass", RoutePolicy::BreakGlass),
    ("GET", "/api/v1/break-glass", RoutePolicy::BreakGlassReport),
    ("GET", "/api/v1/aggregates", RoutePolicy::Aggregates),
    ("GET", "/api/v1/reports/cohort", RoutePolicy::CohortReport),
    ("GET", "/api/v1/children/{id}/plan", RoutePolicy::ChildRead),
    ("PATCH", "/api/v1/children/{id}/plan", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/plan/needs", RoutePolicy::ChildChange),
    ("GET", "/api/v1/needs/{id}", RoutePolicy::ChildRead),
    ("PATCH", "/api/v1/needs/{id}", RoutePolicy::ChildChange),
    ("GET", "/api/v1/catalogue/needs", RoutePolicy::SignedIn),
    ("GET", "/api/v1/children/{id}/meetings", RoutePolicy::ChildRead),
    ("POST", "/api/v1/children/{id}/meetings", RoutePolicy::ChildChange),
    ("GET", "/api/v1/meetings/{id}", RoutePolicy::ChildRead),
    ("PATCH", "/api/v1/meetings/{id}", RoutePolicy::ChildChange),
    ("GET", "/api/v1/meetings/{id}/invite.ics", RoutePolicy::ChildRead),
    ("GET", "/api/v1/children/{id}/actions", RoutePolicy::ChildRead),
    ("POST", "/api/v1/children/{id}/actions", RoutePolicy::ChildChange),
    ("PATCH", "/api/v1/actions/{id}", RoutePolicy::ChildChange),
    ("GET", "/api/v1/actions", RoutePolicy::Caseload),
    ("GET", "/api/v1/oversight/meetings", RoutePolicy::Oversight),
    ("GET", "/api/v1/children/{id}/health", RoutePolicy::ChildRead),
    // Anyone on the team records health information (it goes to the health worker).
    ("POST", "/api/v1/children/{id}/health/records", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/health/assessments", RoutePolicy::HealthContent),
    ("POST", "/api/v1/children/{id}/health/assessments/custody", RoutePolicy::HealthContent),
    ("POST", "/api/v1/health/assessments/{id}/complete", RoutePolicy::HealthContent),
    ("POST", "/api/v1/children/{id}/health/measures", RoutePolicy::HealthContent),
    ("POST", "/api/v1/children/{id}/health/consents", RoutePolicy::HealthContent),
    ("GET", "/api/v1/handovers", RoutePolicy::SignedIn),
    ("POST", "/api/v1/handovers/{id}/acknowledge", RoutePolicy::HandoverRecipient),
    ("GET", "/api/v1/children/{id}/health/fhir", RoutePolicy::ChildHealth),
    ("GET", "/api/v1/children/{id}/readiness", RoutePolicy::ChildRead),
    ("GET", "/api/v1/children/{id}/post-release", RoutePolicy::ChildRead),
    ("GET", "/api/v1/sentences/{id}/discharge", RoutePolicy::ChildRead),
    ("PUT", "/api/v1/sentences/{id}/discharge", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/appointments", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/appointments/series", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/probation-transfers", RoutePolicy::ChildChange),
    ("PATCH", "/api/v1/appointments/{id}", RoutePolicy::ChildChange),
    ("GET", "/api/v1/appointments/{id}/invite.ics", RoutePolicy::ChildRead),
    ("POST", "/api/v1/children/{id}/enforcement", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/offences", RoutePolicy::ChildChange),
    ("PATCH", "/api/v1/offences/{id}", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/living-arrangements", RoutePolicy::ChildChange),
    ("POST", "/api/v1/children/{id}/ete-placements", RoutePolicy::ChildChange),
    ("GET", "/api/v1/children/{id}/release-arrangements", RoutePolicy::ChildRead),
    ("PATCH", "/api/v1/children/{id}/release-arrangements", RoutePolicy::ChildChange),
    ("GET", "/api/v1/caseload", RoutePolicy::Caseload),
];

/// Routes served outside both tables, with their policy: the front-end files.
pub const ASSET_ROUTES: &[(&str, &str, RoutePolicy)] =
    &[("GET", "/static/{*path}", RoutePolicy::Public), ("GET", "/assets/{*path}", RoutePolicy::Public)];

/// Whether a route is part of the JSON API (bearer tokens) or a page (session cookie).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Surface {
    /// Pages and assets.
    Page,
    /// The JSON API.
    Api,
}

/// Every route the service answers: `(surface, method, path pattern, policy)`.
pub fn all_routes() -> Vec<(Surface, String, &'static str, RoutePolicy)> {
    let mut all: Vec<_> =
        page_routes().into_iter().map(|r| (Surface::Page, r.method.to_string(), r.path, r.policy)).collect();
    all.extend(API_ROUTES.iter().map(|(m, p, pol)| (Surface::Api, m.to_string(), *p, *pol)));
    all.extend(ASSET_ROUTES.iter().map(|(m, p, pol)| (Surface::Page, m.to_string(), *p, *pol)));
    all
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_api_route_has_a_policy_and_every_policy_a_route() {
        let (_, spec) = crate::api::parts();
        let mut served = BTreeSet::new();
        for (path, item) in &spec.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if op.is_some() {
                    served.insert((method.to_string(), path.clone()));
                }
            }
        }
        // The OpenAPI document itself is served beside the annotated handlers.
        served.insert(("GET".into(), "/api/openapi.json".into()));
        let declared: BTreeSet<_> = API_ROUTES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
        let undeclared: Vec<_> = served.difference(&declared).collect();
        assert!(undeclared.is_empty(), "API routes with no policy in routes::API_ROUTES: {undeclared:?}");
        let stale: Vec<_> = declared.difference(&served).collect();
        assert!(stale.is_empty(), "routes::API_ROUTES names routes the API does not serve: {stale:?}");
    }

    #[test]
    fn page_routes_are_unique() {
        let mut seen = BTreeSet::new();
        for r in page_routes() {
            assert!(seen.insert((r.method.to_string(), r.path)), "{} {} declared twice", r.method, r.path);
        }
    }

    #[test]
    fn only_the_sign_in_pages_the_footer_pages_and_assets_are_public() {
        let public: BTreeSet<_> = all_routes()
            .into_iter()
            .filter(|r| r.3 == RoutePolicy::Public)
            .map(|r| format!("{} {}", r.1, r.2))
            .collect();
        let expected: BTreeSet<String> = [
            "GET /",
            "GET /sign-in",
            "POST /sign-in",
            // A one-time link to set a password: its secret is the credential.
            "GET /set-password/{token}",
            "POST /set-password/{token}",
            "GET /healthz",
            "GET /livez",
            "GET /readyz",
            "GET /api/openapi.json",
            "GET /static/{*path}",
            "GET /assets/{*path}",
            // The footer's pages: no child's data, read before signing in.
            "GET /accessibility",
            "GET /privacy",
            "GET /cookies",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(public, expected);
    }
}
