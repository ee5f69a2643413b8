//! "My plan": the plan written for the child, in plain words and in the language they prefer
//! (English or Welsh; `?lang=` shows it in the other), printable on one or two pages. It answers
//! what a child asks on the day they leave: when, where I will live, who meets me, my first
//! appointment, my school, college or work, my GP, whom to call, and what I said I want. It
//! shows only what the reader may see: health needs stay with the health worker unless consent
//! or the health professionals on the team allow it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;

use resettle_app::plan::{NeedView, PlanRecord};
use resettle_domain::child::Language;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::ChildId;
use resettle_domain::meeting::MeetingStatus;
use resettle_domain::readiness::ReleaseArrangements;

use super::{Chrome, app_err, parse_id, render};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::{self, Lang, t};
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "my_plan.html")]
struct MyPlanPage {
    chrome: Chrome,
    child_id: ChildId,
    /// The name the child is called by.
    name: String,
    /// The day the child leaves custody, when fixed.
    leaving_on: Option<Date>,
    /// In custody: what is arranged for release.
    arrangements: Option<ReleaseArrangements>,
    /// The first appointment: when (in words), where, with whom.
    first_appointment: Option<(String, Option<String>, Option<String>)>,
    /// Whom to call: name, what they do, telephone.
    contacts: Vec<(String, String, Option<String>)>,
    goals: Option<String>,
    carer_views: Option<String>,
    /// Each pathway with needs: heading, and each need with its status, in plain words.
    sections: Vec<(String, Vec<(String, String)>)>,
    /// Meetings booked: what, when, where.
    meetings: Vec<(String, String, String)>,
}

/// The language "my plan" is written in: the one the request asked for with `?lang=`, else
/// the child's.
fn language_for(child: Language) -> Lang {
    i18n::asked().unwrap_or(match child {
        Language::En => Lang::En,
        Language::Cy => Lang::Cy,
    })
}

fn need_line(v: &NeedView) -> (String, String) {
    let what = if v.withheld {
        t("myplan-withheld")
    } else if resettle_domain::plan::catalogue::find(&v.need.need).is_some() {
        t(&format!("need-plain-{}", v.need.need))
    } else {
        // The team's own words for a need not in the catalogue.
        v.need.description.clone().unwrap_or_else(|| t("myplan-something-else"))
    };
    (what, t(&format!("status-plain-{}", v.need.status.as_str())))
}

/// The printable "my plan", in the child's language.
pub async fn page(State(state): State<AppState>, who: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: ChildId = parse_id(&id)?;
    let record: PlanRecord = state.app.plan(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let readiness = state.app.readiness(&who.ctx, id).await.map_err(app_err(&who.ctx))?;
    let calendar = state.app.calendar().await.map_err(app_err(&who.ctx))?;
    let today = state.app.today();
    let now = state.app.now();
    let lang = language_for(record.child.details.preferred_language);
    let response = i18n::within(lang, async {
        let row = readiness.row.as_ref();
        let leaving_on = row.and_then(|r| match (r.kind, r.release_on) {
            (EpisodeKind::Sentence, Some(release)) => Some(
                r.brought_forward_to
                    .unwrap_or_else(|| resettle_domain::discharge::discharge_on(&calendar, release, true)),
            ),
            _ => None,
        });
        let arrangements = row.map(|r| r.arrangements.clone());
        let first_appointment = arrangements.as_ref().and_then(|a| {
            let day = a.first_appointment_on?;
            let when = match &a.first_appointment_time {
                Some(time) => format!("{}, {time}", super::long_date(day)),
                None => super::long_date(day),
            };
            Some((when, a.first_appointment_place.clone(), a.first_appointment_with.clone()))
        });
        let contacts = record
            .team
            .iter()
            .filter(|m| m.member.is_current(today))
            .map(|m| {
                let name = m.user_name.clone().unwrap_or_else(|| m.organisation_name.clone());
                let role = format!("{} ({})", t(&format!("role-{}", m.member.role.as_str())), m.organisation_name);
                (name, role, m.user_phone.clone())
            })
            .collect();
        let sections = record
            .pathways
            .iter()
            .filter(|p| !p.needs.is_empty())
            .map(|p| (t(&format!("pathway-plain-{}", p.pathway.as_str())), p.needs.iter().map(need_line).collect()))
            .collect();
        let meetings = record
            .meetings
            .iter()
            .filter(|m| m.meeting.status == MeetingStatus::Scheduled)
            .filter_map(|m| {
                let at = m.meeting.scheduled_for.filter(|t| *t >= now)?;
                let what = t(&format!("meeting-{}", m.meeting.kind.as_str()));
                Some((what, super::long_time(at), m.meeting.location.clone().unwrap_or_default()))
            })
            .collect();
        let d = &record.child.details;
        let page = MyPlanPage {
            chrome: Chrome::for_user(&who, "caseload"),
            child_id: id,
            name: d.preferred_name.clone().unwrap_or_else(|| d.given_name.clone()),
            leaving_on,
            arrangements,
            first_appointment,
            contacts,
            goals: record.plan.child_goals.clone(),
            carer_views: record.plan.carer_views.clone(),
            sections,
            meetings,
        };
        // Rendered here, so that every word and date is in the plan's language.
        render(StatusCode::OK, &page)
    })
    .await;
    Ok(response)
}
