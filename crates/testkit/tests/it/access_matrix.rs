//! Every role × every route × (child on their team / not on their team), with real requests,
//! on every backend. The routes come from `resettle_web::routes::all_routes()` — the table the
//! page router is built from and the API is checked against — so a new route without a case
//! here fails [`every_route_has_a_case`].
//!
//! Beside the roles, the people a security review was about (issue 13): staff of an
//! organisation a team member added, named in a health-sharing decision but not health staff
//! (they may read the health content shared with them, and decide nothing about it); and the
//! case manager, who is also the sender of the child's custody-placement handover (sending it
//! shows them nothing of its content: see `security.rs`). Bearer tokens of roles that need a
//! second factor are the API side of every role.
//!
//! Writes are sent with an empty body: a caller the policy allows gets "fix your input" (422,
//! or a 303 back to a form), a caller it refuses gets 404 (child out of scope) or 403 (role),
//! and nothing changes either way (checked by counting rows before and after). Successful
//! writes are covered by the scenario tests of each feature.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use resettle_testkit::{Api, Backend, Browser, TestApp, spawn_app};
use resettle_web::routes::{RoutePolicy, Surface, all_routes};
use serde_json::json;

use crate::support::{on_every_backend, years_ago};

on_every_backend!(every_role_on_every_route_gets_what_the_policy_says);

/// The roles, each with the organisation its test user works in.
const ROLES: &[(&str, &str)] = &[
    ("yjs_case_manager", "YJS-A"),
    ("yjs_health_worker", "YJS-A"),
    ("yjs_manager", "YJS-A"),
    ("secure_practitioner", "YOI-A"),
    ("secure_manager", "YOI-A"),
    ("custody_health", "YOI-A"),
    ("accommodation_officer", "LA-A"),
    ("social_worker", "LA-A"),
    ("ete_coordinator", "EDU-A"),
    ("strategic_lead", "BOARD"),
    ("admin", "BOARD"),
    ("data_protection_officer", "YJS-A"),
];

/// The ETE coordinator of EDU-B: their organisation was added to the child's team by the case
/// manager, and a health worker's sharing decision names them.
const NAMED_IN_CONSENT: &str = "named_in_consent";

/// Who is asking: a role's user, a person named in a sharing decision, nobody, or a manager
/// whose password was right but who has not given their code yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Role(&'static str),
    NamedInConsent,
    Anonymous,
    HalfSignedIn,
}

impl Caller {
    fn role(self) -> Option<&'static str> {
        match self {
            Caller::Role(r) => Some(r),
            Caller::NamedInConsent => Some("ete_coordinator"),
            _ => None,
        }
    }

    /// The key of the caller's browser and API client.
    fn key(self) -> &'static str {
        match self {
            Caller::NamedInConsent => NAMED_IN_CONSENT,
            other => other.role().unwrap_or_default(),
        }
    }
}

fn works_with_children(role: &str) -> bool {
    !matches!(role, "admin" | "strategic_lead" | "data_protection_officer")
}

/// What we expect: a status, or (for the sign-in steps and public routes, whose answer depends
/// on the session's state more than on the role) any answer that is not a refusal or a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Status(StatusCode),
    RedirectTo(&'static str),
    NotRefused,
}

/// The oracle: what the access rules of issue 4 say each caller gets. Written independently of
/// the policy code on purpose.
fn expected(surface: Surface, method: &str, path: &str, policy: RoutePolicy, caller: Caller, on_team: bool) -> Expect {
    use Expect::*;
    use RoutePolicy as P;
    let read = method == "GET";
    // A refusal for someone not signed in.
    match caller {
        Caller::Anonymous if policy != P::Public => {
            return match surface {
                Surface::Api => Status(StatusCode::UNAUTHORIZED),
                Surface::Page => RedirectTo("/sign-in"),
            };
        }
        Caller::HalfSignedIn if !matches!(policy, P::Public | P::SignInStep) => {
            return match surface {
                // The API takes bearer tokens, never a half-signed-in cookie.
                Surface::Api => Status(StatusCode::UNAUTHORIZED),
                Surface::Page => RedirectTo("/sign-in/code"),
            };
        }
        _ => {}
    }
    if matches!(policy, P::Public | P::SignInStep) {
        return NotRefused;
    }
    let Some(role) = caller.role() else { return NotRefused };
    let ok = if read { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let forbidden = Status(StatusCode::FORBIDDEN);
    let in_scope = works_with_children(role) && on_team;
    match policy {
        P::Public | P::SignInStep => NotRefused,
        P::SignedIn | P::Caseload => {
            if path == "/notifications/read" {
                RedirectTo("/notifications?read=1")
            } else if path == "/account/sessions/end" {
                // Ending a session that is not the caller's: not found, whoever asks.
                Status(StatusCode::NOT_FOUND)
            } else if path == "/account/sessions/end-others" {
                RedirectTo("/account/sessions?notice=others")
            } else {
                Status(ok)
            }
        }
        P::ChildRead => Status(if in_scope { StatusCode::OK } else { StatusCode::NOT_FOUND }),
        P::ChildChange => Status(if in_scope { ok } else { StatusCode::NOT_FOUND }),
        // YJS-A is the child's responsible service.
        P::TeamChange => match (in_scope, role) {
            // Local authority staff on the team name their own colleagues (LA-A is on it).
            (true, "yjs_case_manager" | "yjs_manager" | "social_worker" | "accommodation_officer") => Status(ok),
            (true, _) => forbidden,
            (false, _) => Status(StatusCode::NOT_FOUND),
        },
        P::ChildAudit => match (in_scope, role) {
            (true, "yjs_case_manager" | "yjs_manager") => Status(StatusCode::OK),
            (true, _) => forbidden,
            (false, _) => Status(StatusCode::NOT_FOUND),
        },
        P::ChildHealth => match (in_scope, role) {
            // YJS-A and YOI-A (the establishment) are on the team: their health roles.
            (true, "yjs_health_worker" | "custody_health") => Status(StatusCode::OK),
            // A sharing decision lets the person it names read, nothing more.
            (true, _) if caller == Caller::NamedInConsent => Status(StatusCode::OK),
            (true, _) => forbidden,
            (false, _) => Status(StatusCode::NOT_FOUND),
        },
        P::AddChild => match role {
            "yjs_case_manager" | "yjs_manager" => Status(ok),
            _ => forbidden,
        },
        // A bearer token never stands in for the second factor these need (issue 13).
        P::BreakGlass | P::Admin if surface == Surface::Api => forbidden,
        P::BreakGlass => match role {
            "yjs_manager" if path == "/children/{id}/break-glass" && read && on_team => {
                // No emergency: already on the team, so the form sends them to the record.
                RedirectTo("")
            }
            "yjs_manager" => Status(ok),
            _ => forbidden,
        },
        P::BreakGlassReport => match role {
            "yjs_case_manager" | "yjs_manager" => Status(ok),
            _ => forbidden,
        },
        P::Aggregates => match role {
            "strategic_lead" => Status(ok),
            _ => forbidden,
        },
        P::Oversight => match role {
            "yjs_manager" | "secure_manager" => Status(ok),
            _ => forbidden,
        },
        // Managers and health workers of a service, an establishment's staff, strategic leads.
        P::CohortReport => match role {
            "yjs_manager"
            | "yjs_health_worker"
            | "secure_practitioner"
            | "secure_manager"
            | "custody_health"
            | "strategic_lead" => Status(ok),
            _ => forbidden,
        },
        P::Admin => match role {
            "admin" => Status(ok),
            _ => forbidden,
        },
        // YJS-A's officer answers requests about YJS-A's children only (the child off the
        // team belongs to YJS-B): others are refused whatever the request.
        P::SubjectAccess => match role {
            "data_protection_officer" if path.contains("{id}") && !on_team => Status(StatusCode::NOT_FOUND),
            "data_protection_officer" => Status(ok),
            _ => forbidden,
        },
        P::HealthContent => match (in_scope, role) {
            // Starting the pre-filled custody assessment needs no input: it is created.
            (true, "yjs_health_worker" | "custody_health") if path.ends_with("/assessments/custody") => match surface {
                // The page starts it and opens it to review.
                Surface::Page => RedirectTo(""),
                Surface::Api => Status(StatusCode::CREATED),
            },
            (true, "yjs_health_worker" | "custody_health") => Status(ok),
            // Someone a sharing decision names may record a score the child or a parent gave
            // (the empty body is then refused as input); only health staff decide the rest.
            (true, _) if caller == Caller::NamedInConsent && path.ends_with("/health/measures") => Status(ok),
            (true, _) => forbidden,
            (false, _) => Status(StatusCode::NOT_FOUND),
        },
        // The world's handovers are the custody placement's, to the establishment's healthcare.
        P::HandoverRecipient => match (in_scope, role) {
            (true, "custody_health") => match surface {
                // The form posts no note: acknowledged.
                Surface::Page => RedirectTo("/handovers?acknowledged=1"),
                Surface::Api => Status(ok),
            },
            (true, _) => forbidden,
            (false, _) => Status(StatusCode::NOT_FOUND),
        },
    }
}

/// The world the matrix runs in.
struct World {
    t: TestApp,
    /// Each role's browser (fully signed in) and API client.
    callers: BTreeMap<&'static str, (Browser, Api)>,
    half: Browser,
    /// A person and an organisation for the administration pages (`{user}`, `{org}`).
    user_id: String,
    org_id: String,
    /// The child whose team holds every organisation the roles work in, and one whose team
    /// holds none of them; each with a sentence.
    on: Child,
    off: Child,
}

struct Child {
    id: String,
    sentence_id: String,
    need_id: String,
    meeting_id: String,
    action_id: String,
    handover_id: String,
    assessment_id: String,
    appointment_id: String,
    offence_id: String,
    /// A subject access request about the child, recorded at the command line.
    sar_id: String,
    /// A period out of custody planned for the child (ROTL).
    release_id: String,
}

/// Names and identifiers of both children: none may appear in a refusal.
const SECRETS: &[&str] = &["Oona", "Teamson", "Otto", "Elsewhere", "943 476 5919", "9434765919"];

async fn world(b: Backend) -> anyhow::Result<World> {
    let t = spawn_app(b).await?;
    for (code, kind) in
        [("YJS-A", "yjs"), ("YJS-B", "yjs"), ("YOI-A", "yoi"), ("YOI-B", "yoi"), ("LA-A", "local_authority")]
            .into_iter()
            .chain([("EDU-A", "education"), ("BOARD", "other")])
    {
        t.org(code, kind).await?;
    }
    t.org("EDU-B", "education").await?;
    let orgs = t.app.organisations().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let org = |code: &str| orgs.iter().find(|o| o.code.as_str() == code).map(|o| o.id.to_string()).unwrap_or_default();
    let mut callers = BTreeMap::new();
    let mut tokens = BTreeMap::new();
    for (role, code) in ROLES {
        let email = format!("{role}@matrix.example.org");
        let (_, token) = t.user(&email, code, role).await?;
        tokens.insert(*role, token);
    }
    let (_, other_cm) = t.user("cm@yjs-b.example.org", "YJS-B", "yjs_case_manager").await?;
    let (_, other_hw) = t.user("hw@yjs-b.example.org", "YJS-B", "yjs_health_worker").await?;
    let named_email = format!("{NAMED_IN_CONSENT}@matrix.example.org");
    let (_, named_token) = t.user(&named_email, "EDU-B", "ete_coordinator").await?;
    let (half_user, _) = t.user("half@matrix.example.org", "YJS-A", "yjs_manager").await?;

    let cm = t.api(&tokens["yjs_case_manager"]);
    let make = |api: Api, hw: Api, given: &'static str, family: &'static str, yjs: String, yoi: String| {
        let today = t.app.today();
        let app = t.app.clone();
        async move {
            let body = json!({"given_name": given, "family_name": family, "nhs_number": "943 476 5919",
                "date_of_birth": years_ago(today, 15).to_string(), "yjs_id": yjs.clone()});
            let (s, c) = api.post("/api/v1/children", &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {c}");
            let id = c["id"].as_str().unwrap_or_default().to_string();
            let body =
                json!({"kind": "dto", "sentence_date": today.to_string(), "term_months": 8, "establishment_id": yoi});
            let (s, sentence) = api.post(&format!("/api/v1/children/{id}/sentences"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {sentence}");
            let sentence_id = sentence["id"].as_str().unwrap_or_default().to_string();
            // Time out planned once the child may go out (half-way through the time in custody).
            let out = today.checked_add(jiff::Span::new().days(70))?.to_string();
            let body = json!({"purpose": "accommodation", "starts_on": out, "ends_on": out, "address": "Home"});
            let (s, period) = api.post(&format!("/api/v1/children/{id}/temporary-releases"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {period}");
            // The plan opened with the sentence: a need, its first meeting and an action.
            let body =
                json!({"pathway": "accommodation", "need": "accommodation_address", "owner_organisation_id": yjs});
            let (s, need) = api.post(&format!("/api/v1/children/{id}/plan/needs"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {need}");
            let (s, meetings) = api.get(&format!("/api/v1/children/{id}/meetings")).await?;
            anyhow::ensure!(s == StatusCode::OK, "{s} {meetings}");
            let body = json!({"description": "Book the housing panel", "owner_organisation_id": yjs});
            let (s, action) = api.post(&format!("/api/v1/children/{id}/actions"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {action}");
            // After release: an appointment and an arrest (recorded ahead of any release, as
            // a service bringing its history may).
            let body = json!({"kind": "yjs_supervision", "starts_at": "2026-01-05T10:00:00Z"});
            let (s, appointment) = api.post(&format!("/api/v1/children/{id}/appointments"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {appointment}");
            let body = json!({"arrested_on": today.to_string(), "category": "theft"});
            let (s, offence) = api.post(&format!("/api/v1/children/{id}/offences"), &body).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {offence}");
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            // Custody began: a handover to the establishment's healthcare team; and a draft
            // custody assessment by the YJS health worker.
            let (s, health) = api.get(&format!("/api/v1/children/{id}/health")).await?;
            anyhow::ensure!(s == StatusCode::OK, "{s} {health}");
            let (s, draft) = hw.post(&format!("/api/v1/children/{id}/health/assessments/custody"), &json!({})).await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{s} {draft}");
            let sar = app
                .start_subject_access(
                    resettle_app::subject_access::Officer::Operator,
                    id.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?,
                    "SAR-MATRIX",
                    today,
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let child = Child {
                sar_id: sar.id.to_string(),
                release_id: text(&period["id"]),
                handover_id: text(&health["handovers"][0]["id"]),
                assessment_id: text(&draft["id"]),
                id,
                sentence_id,
                need_id: text(&need["id"]),
                meeting_id: text(&meetings["items"][0]["id"]),
                action_id: text(&action["id"]),
                appointment_id: text(&appointment["id"]),
                offence_id: text(&offence["id"]),
            };
            Ok::<_, anyhow::Error>((api, child))
        }
    };
    let (cm, on) = make(cm, t.api(&tokens["yjs_health_worker"]), "Oona", "Teamson", org("YJS-A"), org("YOI-A")).await?;
    for (code, role) in [("LA-A", "accommodation_officer"), ("EDU-A", "ete_coordinator")] {
        let body = json!({"organisation_id": org(code), "role": role, "responsibility": "Their pathway"});
        let (s, r) = cm.post(&format!("/api/v1/children/{}/team", on.id), &body).await?;
        anyhow::ensure!(s == StatusCode::CREATED, "{s} {r}");
    }
    // The case manager adds EDU-B to the team; the health worker shares with its ETE
    // coordinator.
    let body = json!({"organisation_id": org("EDU-B"), "role": "ete_coordinator", "responsibility": "Education"});
    let (s, r) = cm.post(&format!("/api/v1/children/{}/team", on.id), &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {r}");
    let body = json!({"decision": "consent_given", "share_with_organisation_id": org("EDU-B"),
        "share_with_role": "ete_coordinator", "capacity": "assessed_competent", "purpose": "Support in college"});
    let hw = t.api(&tokens["yjs_health_worker"]);
    let (s, r) = hw.post(&format!("/api/v1/children/{}/health/consents", on.id), &body).await?;
    anyhow::ensure!(s == StatusCode::CREATED, "{s} {r}");
    let (_, off) = make(t.api(&other_cm), t.api(&other_hw), "Otto", "Elsewhere", org("YJS-B"), org("YOI-B")).await?;

    for (role, _) in ROLES {
        let browser = t.browser()?;
        browser.sign_in_ok(&format!("{role}@matrix.example.org")).await?;
        callers.insert(*role, (browser, t.api(&tokens[role])));
    }
    let browser = t.browser()?;
    browser.sign_in_ok(&named_email).await?;
    callers.insert(NAMED_IN_CONSENT, (browser, t.api(&named_token)));
    let half = t.browser()?;
    half.sign_in_half("half@matrix.example.org").await?;
    let (user_id, org_id) = (half_user.id.to_string(), org("EDU-B"));
    Ok(World { t, callers, half, user_id, org_id, on, off })
}

/// The concrete path for a pattern, for the child on or off the team.
fn concrete(pattern: &str, child: &Child, (user, org): (&str, &str)) -> String {
    let pattern = &pattern.replace("{user}", user).replace("{org}", org);
    // The cohort report needs its period (without one the answer is "fix your input").
    if pattern.ends_with("/reports/cohort") || pattern.ends_with("/reports/cohort.csv") {
        return format!("{pattern}?released_from=2025-01-01&released_to=2026-12-31");
    }
    pattern
        .replace("/sentences/{id}", &format!("/sentences/{}", child.sentence_id))
        .replace("/needs/{id}", &format!("/needs/{}", child.need_id))
        .replace("/meetings/{id}", &format!("/meetings/{}", child.meeting_id))
        .replace("/actions/{id}", &format!("/actions/{}", child.action_id))
        .replace("/handovers/{id}", &format!("/handovers/{}", child.handover_id))
        .replace("/assessments/{id}", &format!("/assessments/{}", child.assessment_id))
        .replace("/appointments/{id}", &format!("/appointments/{}", child.appointment_id))
        .replace("/offences/{id}", &format!("/offences/{}", child.offence_id))
        .replace("/subject-access/{id}", &format!("/subject-access/{}", child.sar_id))
        .replace("{request}", &child.sar_id)
        .replace("{release}", &child.release_id)
        .replace("{id}", &child.id)
        .replace("{what}", "living")
        .replace("{*path}", "resettle.css")
        .replace("{token}", "rsp_not-a-real-link")
        .replace("/calendar/bank-holidays", "/calendar/bank-holidays?year=2027")
}

/// An API body of the right shape with nothing valid in it: the JSON layer accepts it, so the
/// answer comes from the policy (refusal) or from the application's checks (422).
fn api_body(path: &str) -> serde_json::Value {
    if path.ends_with("/sentences") {
        json!({"kind": "", "sentence_date": "", "establishment_id": ""})
    } else if path.ends_with("/temporary-releases") {
        json!({"purpose": "", "starts_on": "", "ends_on": "", "address": ""})
    } else if path.ends_with("/temporary-releases/{release}/outcome") || path.contains("/temporary-releases/") {
        json!({"version": 0, "outcome": ""})
    } else if path.ends_with("/remands") {
        json!({"start_date": "", "establishment_id": ""})
    } else if path.ends_with("/recalculate") {
        json!({"version": 0, "reason": ""})
    } else if path.ends_with("/transfers") {
        json!({"establishment_id": "", "date": ""})
    } else if path.ends_with("/release") {
        json!({"date": ""})
    } else if path.ends_with("/plan/needs") {
        json!({"pathway": "", "need": "", "owner_organisation_id": ""})
    } else if path.ends_with("/release-arrangements") {
        json!({"version": 0, "accommodation_confirmed_on": "not a date"})
    } else if path.ends_with("/plan") {
        json!({"version": 0, "shared_on": "not a date"})
    } else if path.ends_with("/meetings") {
        json!({"kind": ""})
    } else if path.ends_with("/actions") {
        json!({"description": "", "owner_organisation_id": ""})
    } else if path.starts_with("/api/v1/needs/")
        || path.starts_with("/api/v1/meetings/")
        || path.starts_with("/api/v1/actions/")
    {
        json!({"version": 0, "status": "not-a-status"})
    } else if path.ends_with("/discharge") {
        json!({"version": 0, "reason": ""})
    } else if path.ends_with("/appointments") || path.ends_with("/appointments/series") {
        json!({"kind": "", "starts_at": ""})
    } else if path.ends_with("/probation-transfers") {
        json!({"transferred_on": "", "probation_delivery_unit": "", "shared": ""})
    } else if path.starts_with("/api/v1/appointments/") {
        json!({"version": 0, "outcome": "not-an-outcome"})
    } else if path.ends_with("/enforcement") {
        json!({"kind": "", "on": "", "reason": ""})
    } else if path.ends_with("/offences") {
        json!({"category": ""})
    } else if path.starts_with("/api/v1/offences/") {
        json!({"version": 0, "category": "not-a-category"})
    } else if path.ends_with("/living-arrangements") {
        json!({"from": "", "kind": "", "suitable": true})
    } else if path.ends_with("/ete-placements") {
        json!({"from": "", "kind": "", "hours_offered": 0})
    } else if path.ends_with("/acknowledge") {
        json!({"note": "x".repeat(1001)})
    } else if path.ends_with("/health/records") {
        json!({"category": "", "summary": ""})
    } else if path.ends_with("/health/measures") {
        json!({"measure": "", "score": 0, "rater": "", "measured_on": ""})
    } else if path.ends_with("/health/consents") {
        json!({"decision": "", "share_with_organisation_id": "", "purpose": ""})
    } else if path.ends_with("/health/assessments") {
        json!({"kind": ""})
    } else if path.ends_with("/team") {
        json!({"organisation_id": "", "role": "", "responsibility": ""})
    } else if path.contains("/bank-holidays") {
        json!({"date": "", "name": ""})
    } else if path == "/api/v1/children" {
        json!({"given_name": "", "family_name": "", "date_of_birth": "", "yjs_id": ""})
    } else if path.starts_with("/api/v1/children/") && path.matches('/').count() == 4 {
        // PATCH: a stale version and an empty name.
        json!({"version": 0, "given_name": ""})
    } else {
        json!({})
    }
}

/// The status (and redirect target) of one request by `caller`.
async fn send(
    w: &World,
    caller: Caller,
    surface: Surface,
    method: &str,
    path: &str,
) -> anyhow::Result<(StatusCode, Option<String>, String)> {
    let method: Method = method.parse()?;
    match surface {
        Surface::Api => {
            let api = match caller {
                Caller::Role(_) | Caller::NamedInConsent => w.callers[caller.key()].1.clone(),
                _ => w.t.anonymous_api(),
            };
            let body = (method != Method::GET).then(|| api_body(path));
            let r = api.request(method, path, body.as_ref()).await?;
            let text = r.body.to_string();
            Ok((r.status, r.header("location").map(str::to_string), text))
        }
        Surface::Page => {
            let anonymous;
            let browser = match caller {
                Caller::Role(_) | Caller::NamedInConsent => &w.callers[caller.key()].0,
                Caller::HalfSignedIn => &w.half,
                Caller::Anonymous => {
                    anonymous = w.t.browser()?;
                    &anonymous
                }
            };
            let r = if method == Method::GET {
                browser.get(path).await?
            } else {
                // A real form post: the session's own CSRF token, no other field.
                let csrf = match caller {
                    Caller::Role(_) | Caller::NamedInConsent => browser.csrf_token("/account/sessions").await?,
                    Caller::HalfSignedIn => browser.csrf_token("/sign-in/code").await?,
                    Caller::Anonymous => String::new(),
                };
                browser.post_form(path, &[("csrf_token", &csrf)]).await?
            };
            Ok((r.status, r.location().map(str::to_string), r.body))
        }
    }
}

/// Rows that a refused or invalid request must not change.
const TABLES: &[&str] = &[
    "organisations",
    "users",
    "children",
    "carers",
    "team_members",
    "sentences",
    "remands",
    "custody_episodes",
    "break_glass_grants",
    "extra_bank_holidays",
    "release_arrangements",
    "health_consents",
    "health_measures",
    "appointments",
    "enforcement",
    "offences",
    "living_arrangements",
    "ete_placements",
    "discharge_decisions",
    "probation_transfers",
    "subject_access_requests",
    "temporary_releases",
];

async fn every_role_on_every_route_gets_what_the_policy_says(b: Backend) -> anyhow::Result<()> {
    let w = world(b).await?;
    let mut before = Vec::new();
    for table in TABLES {
        before.push(w.t.db.count(table).await?);
    }
    let mut callers: Vec<Caller> = ROLES.iter().map(|(r, _)| Caller::Role(r)).collect();
    callers.push(Caller::NamedInConsent);
    callers.push(Caller::Anonymous);
    callers.push(Caller::HalfSignedIn);
    let mut routes = all_routes();
    // Signing out ends the session the rest of the matrix uses: last.
    routes.sort_by_key(|r| r.2 == "/sign-out");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (surface, method, pattern, policy) in &routes {
        // A route that names no child is the same on and off the team: tried once.
        let sides: &[bool] = if pattern.contains("{id}") { &[true, false] } else { &[true] };
        for &on_team in sides {
            let child = if on_team { &w.on } else { &w.off };
            let path = concrete(pattern, child, (&w.user_id, &w.org_id));
            let mut public_answers = Vec::new();
            for caller in &callers {
                let (status, location, body) = send(&w, *caller, *surface, method, &path)
                    .await
                    .map_err(|e| anyhow::anyhow!("{caller:?} {method} {path}: {e}"))?;
                checked += 1;
                let what = format!("{caller:?} {method} {path} ({pattern}, {policy:?}, on team: {on_team})");
                if status.is_server_error() {
                    failures.push(format!("{what}: {status}"));
                    continue;
                }
                if status == StatusCode::NOT_FOUND
                    && let Some(s) = SECRETS.iter().find(|s| body.contains(*s))
                {
                    failures.push(format!("{what}: the 404 shows {s:?}"));
                }
                match expected(*surface, method, pattern, *policy, *caller, on_team) {
                    Expect::Status(want) if want != status => {
                        failures.push(format!("{what}: got {status} (to {location:?}), want {want}"));
                    }
                    Expect::RedirectTo(to) => {
                        let here = location.as_deref().unwrap_or("");
                        let ok = status == StatusCode::SEE_OTHER && (to.is_empty() || here == to);
                        if !ok {
                            failures.push(format!("{what}: got {status} to {location:?}, want 303 to {to:?}"));
                        }
                    }
                    Expect::NotRefused => {
                        if *policy == RoutePolicy::Public {
                            public_answers.push((*caller, status));
                        } else if matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                            failures.push(format!("{what}: refused with {status}"));
                        }
                    }
                    Expect::Status(_) => {}
                }
            }
            // A public route answers everyone alike (signed in or not), apart from "/", which
            // sends each person where they start.
            if *pattern != "/" && *policy == RoutePolicy::Public {
                let first = public_answers.first().map(|a| a.1);
                for (caller, status) in &public_answers {
                    if Some(*status) != first && !(method == "POST" && *pattern == "/sign-in") {
                        failures.push(format!(
                            "{caller:?} {method} {path}: public route answered {status}, others {first:?}"
                        ));
                    }
                }
            }
        }
    }
    for (table, n) in TABLES.iter().zip(before) {
        let now = w.t.db.count(table).await?;
        if now != n {
            failures.push(format!(
                "{table}: {n} rows before the matrix, {now} after: a refused or empty request changed something"
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {checked} requests wrong:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 1000, "only {checked} requests made");
    Ok(())
}

#[test]
fn every_route_has_a_case() {
    // Each route's class must have an oracle answer for every caller and must be reachable
    // with the concrete paths above (no pattern left unfilled).
    let child = Child {
        id: "c".into(),
        sentence_id: "s".into(),
        need_id: "n".into(),
        meeting_id: "m".into(),
        action_id: "a".into(),
        handover_id: "h".into(),
        assessment_id: "x".into(),
        appointment_id: "p".into(),
        offence_id: "o".into(),
        sar_id: "r".into(),
        release_id: "t".into(),
    };
    for (surface, method, pattern, policy) in all_routes() {
        let path = concrete(pattern, &child, ("u", "o"));
        assert!(!path.contains('{'), "{method} {pattern}: no concrete path for this pattern");
        for (role, _) in ROLES {
            let _ = expected(surface, &method, pattern, policy, Caller::Role(role), true);
        }
        let _ = expected(surface, &method, pattern, policy, Caller::NamedInConsent, true);
    }
}
