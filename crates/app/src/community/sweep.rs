//! The sweep's after-release work: reminders of appointment outcomes not recorded, and the
//! alert before a child under supervision turns 18.

use super::*;

impl App {
    /// Reminds the case managers on the team of each appointment whose outcome was not
    /// recorded by the next working day after it, once. An appointment recorded after that day
    /// had already passed (history) is not chased.
    pub async fn remind_appointment_outcomes(&self, now: jiff::Timestamp) -> AppResult<usize> {
        let calendar = self.calendar().await?;
        let today = now.to_zoned(crate::london()).date();
        let mut notices = crate::readiness::Notices::default();
        for a in self.store.appointments_awaiting_outcome(now).await? {
            let day = a.starts_at.to_zoned(crate::london()).date();
            let Ok(due) = calendar.add_working_days(day, 1) else { continue };
            let recorded_on = a.created_at.to_zoned(crate::london()).date();
            if today <= due || recorded_on > due {
                continue;
            }
            let case_managers: Vec<_> = self
                .store
                .team(a.child_id)
                .await?
                .into_iter()
                .filter(|t| t.member.role == resettle_domain::org::Role::YjsCaseManager && t.member.is_current(today))
                .filter_map(|t| t.member.user_id)
                .collect();
            let message = format!(
                "How did the {} appointment on {} go? Record its outcome: it was due by {}",
                a.kind.label().to_lowercase(),
                long_date(day),
                long_date(due)
            );
            let notice = crate::readiness::Notice {
                child_id: a.child_id,
                kind: "appointment.outcome_due",
                timeline_kind: "appointment.reminded",
                message,
                link: format!("/children/{}#after-release", a.child_id),
                dedupe: format!("appointment:{}", a.id),
                summary: format!(
                    "Case manager reminded to record the outcome of the appointment on {}",
                    long_date(day)
                ),
                reason: None,
            };
            notices.push(case_managers, notice);
        }
        self.send_notices(notices, now).await
    }

    /// Alerts the case managers on the team, once, when a released child under supervision is
    /// within [`TURNING_18_ALERT_MONTHS`] of turning 18 and no transfer to probation is
    /// recorded. The number of notifications written.
    pub async fn alert_turning_18(&self, now: jiff::Timestamp) -> AppResult<usize> {
        let today = now.to_zoned(crate::london()).date();
        let adult_from = |d: Date| d.saturating_sub(jiff::Span::new().years(18));
        let soonest = adult_from(today).saturating_sub(jiff::Span::new().days(1));
        let latest = adult_from(today.saturating_add(jiff::Span::new().months(TURNING_18_ALERT_MONTHS)));
        let mut notices = crate::readiness::Notices::default();
        for (child_id, born_on) in self.store.released_children_born_between(soonest, latest).await? {
            let p = self.post_release_for(child_id, born_on).await?;
            let (true, Some(end)) = (p.turns_18_during_supervision, p.supervision_ends_on) else { continue };
            if today > end || today > p.turns_18_on {
                continue;
            }
            let case_managers: Vec<_> = self
                .store
                .team(child_id)
                .await?
                .into_iter()
                .filter(|t| t.member.role == resettle_domain::org::Role::YjsCaseManager && t.member.is_current(today))
                .filter_map(|t| t.member.user_id)
                .collect();
            let notice = crate::readiness::Notice {
                child_id,
                kind: "child.turning_18",
                timeline_kind: "child.turning_18",
                message: format!(
                    "A child you supervise turns 18 on {}, before supervision ends on {}: plan the transfer to the Probation Service",
                    long_date(p.turns_18_on),
                    long_date(end)
                ),
                link: format!("/children/{child_id}#after-release"),
                dedupe: format!("turning18:{child_id}:{}", p.turns_18_on),
                summary: format!(
                    "Case manager alerted: the child turns 18 on {} during supervision",
                    long_date(p.turns_18_on)
                ),
                reason: None,
            };
            notices.push(case_managers, notice);
        }
        self.send_notices(notices, now).await
    }
}
