//! After-release pages: the child's year after release with forms to record each event, and a
//! case manager's appointments this week with their outcomes recorded several at once.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use resettle_app::AppError;
use resettle_app::community::ListedAppointment;
use resettle_domain::child::Child;
use resettle_domain::community::{
    AppointmentInput, AppointmentKind, AppointmentOutcome, AppointmentOutcomeInput, BreachOutcome, EnforcementInput,
    EnforcementKind, EteKind, EtePlacementInput, LivingArrangementInput, LivingKind, OffenceCategory, OffenceInput,
    OffenceOutcome, ProbationTransferInput,
};
use resettle_domain::ids::{AppointmentId, ChildId};
use resettle_domain::policy::Purpose;
use resettle_domain::validation::ValidationErrors;

use super::after_release::AfterReleaseView;
use super::{Chrome, date_from_parts, long_date, long_time, render};
use super::{app_err, child_id};
use crate::AppState;
use crate::error::PageError;
use crate::session::SignedIn;

fn options<T: Copy>(all: &[T], key: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Choose".to_string()))
        .chain(all.iter().map(|&k| (key(k).to_string(), label(k).to_string())))
        .collect()
}

/// A form as typed: every field by name (the after-release forms share one page).
type Fields = HashMap<String, String>;

fn field(f: &Fields, name: &str) -> Option<String> {
    f.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn date_field(f: &Fields, name: &str) -> Option<String> {
    let part = |p: &str| f.get(&format!("{name}-{p}")).map(String::as_str).unwrap_or_default().to_string();
    date_from_parts(&part("day"), &part("month"), &part("year"))
}

/// A time in London from a date input and a `HH:MM` box, as RFC 3339 (or the typed text, for
/// the check to refuse).
fn local_instant(f: &Fields, errors: &mut ValidationErrors, name: &str) -> Option<String> {
    let day = date_field(f, name);
    let time = field(f, &format!("{name}-time"));
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    let time_field = format!("{name}-time");
    resettle_domain::meeting::parse_local(errors, name, &time_field, day.as_deref(), time.as_deref(), &tz)
        .map(|t| t.to_string())
}

/// One appointment awaiting its outcome, in the bulk form.
pub struct OutcomeRow {
    id: String,
    version: i64,
    when: String,
    what: String,
    child: String,
    child_href: String,
    selected: String,
    reason: String,
    error: Option<String>,
}

fn outcome_rows(
    list: &[(resettle_domain::community::Appointment, String)],
    f: &Fields,
    e: &ValidationErrors,
) -> Vec<OutcomeRow> {
    list.iter()
        .map(|(a, child)| {
            let id = a.id.to_string();
            OutcomeRow {
                when: long_time(a.starts_at),
                what: match (&a.location, &a.with_whom) {
                    (Some(l), Some(w)) => format!("{}, at {l} with {w}", a.kind.label()),
                    (Some(l), None) => format!("{}, at {l}", a.kind.label()),
                    (None, Some(w)) => format!("{}, with {w}", a.kind.label()),
                    (None, None) => a.kind.label().to_string(),
                },
                child: child.clone(),
                child_href: format!("/children/{}/after-release", a.child_id),
                selected: f.get(&format!("outcome-{id}")).cloned().unwrap_or_default(),
                reason: f.get(&format!("reason-{id}")).cloned().unwrap_or_default(),
                error: e.for_field(&format!("outcome-{id}")).map(str::to_string),
                version: a.version,
                id,
            }
        })
        .collect()
}

fn outcome_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Not recorded yet".to_string()))
        .chain(
            AppointmentOutcome::ALL
                .iter()
                .filter(|o| **o != AppointmentOutcome::Rescheduled)
                .map(|o| (o.as_str().to_string(), o.label().to_string())),
        )
        .collect()
}

/// The outcomes chosen in a bulk form: rows left "not recorded yet" are skipped.
fn chosen_outcomes(f: &Fields) -> Vec<(AppointmentId, AppointmentOutcomeInput)> {
    f.iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("outcome-")?;
            let outcome = v.trim();
            if outcome.is_empty() {
                return None;
            }
            let parsed: AppointmentId = id.parse().ok()?;
            Some((
                parsed,
                AppointmentOutcomeInput {
                    version: f.get(&format!("version-{id}")).and_then(|v| v.parse().ok()),
                    outcome: Some(outcome.to_string()),
                    outcome_reason: field(f, &format!("reason-{id}")),
                    rescheduled_to: None,
                },
            ))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "after_release.html")]
struct AfterReleasePage {
    chrome: Chrome,
    child: Child,
    view: Option<AfterReleaseView>,
    awaiting: Vec<OutcomeRow>,
    upcoming: Vec<(String, String, String)>,
    history: Vec<(String, String)>,
    fields: Fields,
    errors: ValidationErrors,
    open: &'static str,
    notice: Option<&'static str>,
    can_change: bool,
    /// The transfer to probation is offered when the child turns 18 under supervision, is 18
    /// already, or has a transfer recorded.
    show_probation: bool,
}

impl AfterReleasePage {
    fn v(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn e(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    fn appointment_kinds(&self) -> Vec<(String, String)> {
        options(AppointmentKind::ALL, AppointmentKind::as_str, AppointmentKind::label)
    }
    fn enforcement_kinds(&self) -> Vec<(String, String)> {
        options(EnforcementKind::ALL, EnforcementKind::as_str, EnforcementKind::label)
    }
    fn breach_outcomes(&self) -> Vec<(String, String)> {
        options(BreachOutcome::ALL, BreachOutcome::as_str, BreachOutcome::label)
    }
    fn offence_categories(&self) -> Vec<(String, String)> {
        options(OffenceCategory::ALL, OffenceCategory::as_str, OffenceCategory::label)
    }
    fn offence_outcomes(&self) -> Vec<(String, String)> {
        options(OffenceOutcome::ALL, OffenceOutcome::as_str, OffenceOutcome::label)
    }
    fn living_kinds(&self) -> Vec<(String, String)> {
        options(LivingKind::ALL, LivingKind::as_str, LivingKind::label)
    }
    fn ete_kinds(&self) -> Vec<(String, String)> {
        options(EteKind::ALL, EteKind::as_str, EteKind::label)
    }
    fn outcome_options(&self) -> Vec<(String, String)> {
        outcome_options()
    }
    fn yes_no(&self) -> Vec<(String, String)> {
        vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
    }
    fn repeat_options(&self) -> Vec<(String, String)> {
        vec![
            ("once".into(), "Just this one".into()),
            ("schedule".into(), "Repeat: weekly for 12 weeks, then fortnightly, until supervision ends".into()),
        ]
    }
}

fn notice_words(n: Option<&str>) -> Option<&'static str> {
    Some(match n? {
        "appointments" => "Appointments booked",
        "outcomes" => "Outcomes recorded",
        "enforcement" => "Recorded",
        "offence" => "Arrest or offence recorded",
        "living" => "Living arrangement recorded",
        "ete" => "Education, training or employment recorded",
        "probation" => "Transfer to probation recorded",
        _ => return None,
    })
}

/// What the query string may say.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn page_for(
    state: &AppState,
    who: &SignedIn,
    id: ChildId,
    fields: Fields,
    errors: ValidationErrors,
    open: &'static str,
    notice: Option<&'static str>,
) -> Result<AfterReleasePage, PageError> {
    let p = state.app.post_release(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let child = state.app.child_for(&who.ctx, id, Purpose::Read).await.map_err(app_err(&who.ctx))?.into_inner();
    let can_change = state.app.may_change(&who.ctx, id).await;
    let show_probation =
        p.turns_18_during_supervision || p.turns_18_on <= state.app.today() || !p.probation_transfers.is_empty();
    let now = state.app.now();
    let name = child.display_name();
    let past: Vec<_> = p
        .appointments
        .iter()
        .filter(|a| a.outcome.is_none() && a.starts_at <= now)
        .map(|a| (a.clone(), name.clone()))
        .collect();
    let upcoming = p
        .appointments
        .iter()
        .filter(|a| a.outcome.is_none() && a.starts_at > now)
        .take(10)
        .map(|a| (long_time(a.starts_at), a.kind.label().to_string(), a.id.to_string()))
        .collect();
    let history = p
        .appointments
        .iter()
        .filter(|a| a.outcome.is_some())
        .rev()
        .take(20)
        .map(|a| {
            let outcome = a.outcome.map(|o| o.label()).unwrap_or_default();
            let reason = a.outcome_reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            (long_time(a.starts_at), format!("{}: {outcome}{reason}", a.kind.label()))
        })
        .collect();
    Ok(AfterReleasePage {
        chrome: Chrome::for_user(who, "caseload").with_errors(!errors.is_empty()),
        view: AfterReleaseView::new(&p, state.app.today(), now),
        awaiting: outcome_rows(&past, &fields, &errors),
        upcoming,
        history,
        child,
        fields,
        errors,
        open,
        notice,
        can_change,
        show_probation,
    })
}

/// The appointment's invitation as an iCalendar download.
pub async fn appointment_invite(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id: AppointmentId = raw.parse().map_err(|_| PageError::App(AppError::NotFound, String::new()))?;
    let ics = state.app.appointment_invite(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    Ok(crate::download::ics_response(ics, &format!("appointment-{id}.ics")))
}

/// The child's year after release.
pub async fn after_release_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let id = child_id(&raw)?;
    let page =
        page_for(&state, &who, id, Fields::new(), ValidationErrors::new(), "", notice_words(q.notice.as_deref()))
            .await?;
    Ok(render(StatusCode::OK, &page))
}

/// Records one after-release event from the child's page, or shows the page again with what
/// to fix (the form that failed open, with what was typed).
pub async fn record_after_release(
    State(state): State<AppState>,
    who: SignedIn,
    Path((raw, what)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    who.check_csrf(f.get("csrf_token").map(String::as_str).unwrap_or_default())?;
    let id = child_id(&raw)?;
    let ctx = &who.ctx;
    let app = &state.app;
    let (open, result): (&'static str, Result<(), AppError>) = match what.as_str() {
        "appointments" => {
            let mut errors = ValidationErrors::new();
            let starts_at = local_instant(&f, &mut errors, "starts_at");
            let input = AppointmentInput {
                kind: field(&f, "kind"),
                starts_at: starts_at.or_else(|| date_field(&f, "starts_at")),
                location: field(&f, "location"),
                with: field(&f, "with"),
            };
            let r = if !errors.is_empty() {
                Err(AppError::Invalid(errors))
            } else if field(&f, "repeat").as_deref() == Some("schedule") {
                app.add_appointment_series(ctx, id, &input, None, None).await.map(|_| ())
            } else {
                app.add_appointment(ctx, id, &input).await.map(|_| ())
            };
            ("appointments", r)
        }
        "outcomes" => {
            let chosen = chosen_outcomes(&f);
            let r = if chosen.is_empty() {
                Err(AppError::invalid("outcomes", "Choose how at least one appointment went"))
            } else {
                app.record_appointment_outcomes(ctx, &chosen).await.map(|_| ())
            };
            ("outcomes", r)
        }
        "enforcement" => {
            let input = EnforcementInput {
                kind: field(&f, "enforcement_kind"),
                on: date_field(&f, "on"),
                reason: field(&f, "reason"),
                court_on: date_field(&f, "court_on"),
                outcome: field(&f, "breach_outcome"),
            };
            ("enforcement", app.add_enforcement(ctx, id, &input).await.map(|_| ()))
        }
        "offences" => {
            let input = OffenceInput {
                version: None,
                arrested_on: date_field(&f, "arrested_on"),
                offence_on: date_field(&f, "offence_on"),
                category: field(&f, "category"),
                outcome: field(&f, "offence_outcome"),
                outcome_on: date_field(&f, "outcome_on"),
            };
            ("offence", app.add_offence(ctx, id, &input).await.map(|_| ()))
        }
        "living" => {
            let input = LivingArrangementInput {
                from: date_field(&f, "living_from"),
                kind: field(&f, "living_kind"),
                suitable: field(&f, "suitable").map(|s| s == "yes"),
                reason: field(&f, "unsuitable_reason"),
                address: field(&f, "address"),
            };
            ("living", app.add_living_arrangement(ctx, id, &input).await.map(|_| ()))
        }
        "ete" => {
            let hours = |name: &str| field(&f, name).map(|h| h.parse::<f64>().unwrap_or(f64::NAN));
            let input = EtePlacementInput {
                from: date_field(&f, "ete_from"),
                kind: field(&f, "ete_kind"),
                hours_offered: hours("hours_offered"),
                hours_attended: hours("hours_attended"),
            };
            ("ete", app.add_ete_placement(ctx, id, &input).await.map(|_| ()))
        }
        "probation" => {
            let input = ProbationTransferInput {
                transferred_on: date_field(&f, "transferred_on"),
                probation_delivery_unit: field(&f, "probation_delivery_unit"),
                shared: field(&f, "shared"),
            };
            ("probation", app.record_probation_transfer(ctx, id, &input).await.map(|_| ()))
        }
        _ => return Err(PageError::App(AppError::NotFound, ctx.request_id.clone())),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/children/{id}/after-release?notice={open}#{open}")).into_response()),
        Err(AppError::Invalid(mut errors)) => {
            rename_fields(&mut errors, open);
            let page = page_for(&state, &who, id, f, errors, open, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, ctx.request_id.clone())),
    }
}

/// The application names fields as the API does; the page's forms share one page, so some
/// carry their form's name.
fn rename_fields(errors: &mut ValidationErrors, form: &str) {
    for e in &mut errors.0 {
        let renamed = match (form, e.field.as_str()) {
            ("appointments", "until" | "schedule") => "repeat",
            ("enforcement", "kind") => "enforcement_kind",
            ("enforcement", "outcome") => "breach_outcome",
            ("offence", "outcome") => "offence_outcome",
            ("living", "from") => "living_from",
            ("living", "kind") => "living_kind",
            ("living", "reason") => "unsuitable_reason",
            ("ete", "from") => "ete_from",
            ("ete", "kind") => "ete_kind",
            _ => continue,
        };
        e.field = renamed.to_string();
    }
}

#[derive(Template)]
#[template(path = "appointments.html")]
struct AppointmentsPage {
    chrome: Chrome,
    week: String,
    this_week: String,
    previous: String,
    next: String,
    awaiting: Vec<OutcomeRow>,
    rest: Vec<(String, String, String, String, String, String)>,
    errors: ValidationErrors,
    notice: Option<&'static str>,
}

impl AppointmentsPage {
    fn outcome_options(&self) -> Vec<(String, String)> {
        outcome_options()
    }
}

/// Which week.
#[derive(Deserialize, Default)]
pub struct WeekQuery {
    week: Option<String>,
    notice: Option<String>,
}

fn monday_of(day: jiff::civil::Date) -> jiff::civil::Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.saturating_sub(jiff::Span::new().days(back))
}

async fn appointments_for(
    state: &AppState,
    who: &SignedIn,
    week: Option<&str>,
    fields: &Fields,
    errors: ValidationErrors,
    notice: Option<&'static str>,
) -> Result<AppointmentsPage, PageError> {
    let today = state.app.today();
    let monday = monday_of(week.and_then(|w| w.parse().ok()).unwrap_or(today));
    let sunday = monday.saturating_add(jiff::Span::new().days(6));
    let list: Vec<ListedAppointment> =
        state.app.my_appointments(&who.ctx, monday, sunday).await.map_err(app_err(&who.ctx))?;
    let now = state.app.now();
    let (past, later): (Vec<_>, Vec<_>) =
        list.into_iter().partition(|l| l.appointment.outcome.is_none() && l.appointment.starts_at <= now);
    let past: Vec<_> = past.into_iter().map(|l| (l.appointment, l.child_name)).collect();
    let rest = later
        .into_iter()
        .map(|l| {
            let a = &l.appointment;
            (
                long_time(a.starts_at),
                l.child_name.clone(),
                format!("/children/{}/after-release", a.child_id),
                a.kind.label().to_string(),
                a.outcome.map_or_else(|| "Booked".to_string(), |o| o.label().to_string()),
                a.id.to_string(),
            )
        })
        .collect();
    Ok(AppointmentsPage {
        chrome: Chrome::for_user(who, "appointments").with_errors(!errors.is_empty()),
        week: format!("{} to {}", long_date(monday), long_date(sunday)),
        this_week: monday.to_string(),
        previous: monday.saturating_sub(jiff::Span::new().days(7)).to_string(),
        next: monday.saturating_add(jiff::Span::new().days(7)).to_string(),
        awaiting: outcome_rows(&past, fields, &errors),
        rest,
        errors,
        notice,
    })
}

/// A case manager's appointments this week (or another week), with the outcomes still to
/// record first.
pub async fn appointments_page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    let notice = (q.notice.as_deref() == Some("outcomes")).then_some("Outcomes recorded");
    let page =
        appointments_for(&state, &who, q.week.as_deref(), &Fields::new(), ValidationErrors::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Records the outcomes chosen on the week's page, all or none.
pub async fn record_outcomes(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    who.check_csrf(f.get("csrf_token").map(String::as_str).unwrap_or_default())?;
    let chosen = chosen_outcomes(&f);
    let week = field(&f, "week");
    let result = if chosen.is_empty() {
        Err(AppError::invalid("outcomes", "Choose how at least one appointment went"))
    } else {
        state.app.record_appointment_outcomes(&who.ctx, &chosen).await.map(|_| ())
    };
    match result {
        Ok(()) => {
            let week = week.map(|w| format!("week={w}&")).unwrap_or_default();
            Ok(Redirect::to(&format!("/appointments?{week}notice=outcomes")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = appointments_for(&state, &who, week.as_deref(), &f, errors, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::App(e, who.ctx.request_id.clone())),
    }
}
