//! Health handovers after they are written: the lists of handovers waiting and sent,
//! acknowledging one, the handovers the service sends when a child is placed, moved or released,
//! notifications, and the sweep that escalates overdue handovers and runs the other escalations
//! and reminders.

use super::*;

impl App {
    /// Handovers waiting for the actor: addressed to them, or to a role they hold there. The
    /// list is an audited read of each child's record it names.
    pub async fn handovers_waiting(&self, ctx: &Ctx) -> AppResult<Vec<HandoverLine>> {
        let today = self.today();
        let rows = self.store.handovers_waiting(ctx.actor.user_id, &Self::roles_of(ctx)).await?;
        self.audit_children(ctx, "read", "handover", rows.iter().map(|r| r.handover.child_id)).await?;
        Ok(rows.into_iter().map(|row| HandoverLine { status: row.handover.status(today), row }).collect())
    }

    /// Handovers the actor sent that are not yet acknowledged: that each was sent, to whom and
    /// when. Its content only where the actor may read the child's health content now (the
    /// service writes handovers in the name of whoever recorded custody, who may not be health
    /// staff). The list is an audited read of each child's record it names.
    pub async fn handovers_sent(&self, ctx: &Ctx) -> AppResult<Vec<HandoverLine>> {
        let today = self.today();
        let rows = self.store.handovers_sent_open(ctx.actor.user_id).await?;
        let mut visible: std::collections::HashMap<ChildId, bool> = std::collections::HashMap::new();
        for row in &rows {
            let child = row.handover.child_id;
            if let std::collections::hash_map::Entry::Vacant(slot) = visible.entry(child) {
                slot.insert(self.may_read_health_of(ctx, child).await?);
            }
        }
        self.audit_children(ctx, "read", "handover", rows.iter().map(|r| r.handover.child_id)).await?;
        Ok(rows
            .into_iter()
            .map(|mut row| {
                if !visible.get(&row.handover.child_id).copied().unwrap_or(false) {
                    row.handover = withhold(row.handover);
                }
                HandoverLine { status: row.handover.status(today), row }
            })
            .collect())
    }

    /// Whether the actor may read the child's health content now: the child is within their
    /// reading scope and the health policy allows it.
    async fn may_read_health_of(&self, ctx: &Ctx, child: ChildId) -> AppResult<bool> {
        match self.admitted(ctx, child, Purpose::Read).await {
            Ok(_) => self.health_content_visible(ctx, child).await,
            Err(AppError::NotFound) | Err(AppError::Forbidden(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Acknowledges a handover. Only a recipient may; someone who cannot see the child gets
    /// "not found"; a second acknowledgement is a conflict.
    pub async fn acknowledge_handover(&self, ctx: &Ctx, id: HandoverId, note: Option<&str>) -> AppResult<Handover> {
        let h = self.store.handover(id).await?.ok_or(AppError::NotFound)?;
        let recipient = Self::is_recipient(ctx, &h.recipient);
        if !recipient {
            self.child_for(ctx, h.child_id, Purpose::Read).await?;
            return Err(AppError::Forbidden("Only the person or team the handover is addressed to can acknowledge it"));
        }
        let mut e = ValidationErrors::new();
        let note = optional_text(&mut e, "note", "Note", note, 1000);
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        if h.acknowledged_at.is_some() {
            return Err(AppError::Conflict { current_version: 2 });
        }
        let now = self.now();
        let entry = self.entry_for(
            ctx,
            h.child_id,
            "handover.acknowledged",
            format!("Handover from {} acknowledged", h.sender_name),
            note.clone(),
        );
        if !self
            .store
            .acknowledge_handover(
                id,
                ctx.actor.user_id,
                &ctx.actor.name,
                now,
                note.as_deref(),
                &entry,
                &[self.write_event(ctx, "handover", h.child_id)],
            )
            .await?
        {
            return Err(AppError::Conflict { current_version: 2 });
        }
        Ok(Handover {
            acknowledged_at: Some(now),
            acknowledged_by_name: Some(ctx.actor.name.clone()),
            acknowledgement_note: note,
            ..h
        })
    }

    /// Who an overdue handover escalates to: the recipient organisation's managers (YJS
    /// managers for a YJS, secure establishment managers for an establishment); an
    /// organisation with no managers escalates to the child's YJS managers.
    async fn escalation_targets(&self, h: &HandoverRow) -> AppResult<Vec<UserId>> {
        let users = self.managers_of_org(h.handover.recipient.organisation_id).await?;
        if users.is_empty() {
            return self.managers_of_org(h.yjs_id).await;
        }
        Ok(users)
    }

    /// One sweep: every unacknowledged handover past its due day is escalated once to the
    /// recipient's manager (a notification each and a timeline entry). Idempotent: the
    /// escalation row is unique per handover and level, and notifications per dedupe key.
    pub async fn sweep(&self, now: Timestamp) -> AppResult<SweepReport> {
        let today = now.to_zoned(crate::london()).date();
        let mut report = SweepReport::default();
        // The change count before anything here writes: the steps below are skipped when
        // neither it nor the day has moved since they last ran (see `sweep_step_due`).
        let changes = self.store.changes().await?;
        let step = std::time::Instant::now();
        for h in self.store.overdue_handovers(today, 1).await? {
            // Sent for custody or a release recorded as history, already past its day when
            // sent: late, but not new work to chase.
            if h.handover.due_on < h.handover.sent_at.to_zoned(crate::london()).date() {
                continue;
            }
            let targets = self.escalation_targets(&h).await?;
            let message = format!(
                "A health handover for {} {} sent by {} on {} was due by {} and has not been acknowledged",
                h.child_given_name,
                h.child_family_name,
                h.handover.sender_name,
                resettle_domain::calendar::long_date(h.handover.sent_at.to_zoned(crate::london()).date()),
                resettle_domain::calendar::long_date(h.handover.due_on)
            );
            let notifications: Vec<Notification> = targets
                .iter()
                .map(|u| Notification {
                    id: NotificationId::random(),
                    user_id: *u,
                    child_id: Some(h.handover.child_id),
                    kind: "handover.overdue".into(),
                    message: message.clone(),
                    link: Some(format!("/children/{}/health", h.handover.child_id)),
                    created_at: now,
                    read_at: None,
                    dedupe_key: format!("handover:{}:1:{}", h.handover.id, u),
                })
                .collect();
            let entry = TimelineEntry {
                id: TimelineEntryId::random(),
                child_id: h.handover.child_id,
                at: now,
                actor_id: None,
                actor_name: "Resettle".into(),
                kind: "handover.escalated".into(),
                summary: format!(
                    "Handover to {} not acknowledged by {}, so escalated to {} manager{}",
                    h.recipient_organisation_name,
                    resettle_domain::calendar::long_date(h.handover.due_on),
                    notifications.len(),
                    if notifications.len() == 1 { "" } else { "s" }
                ),
                reason: None,
            };
            if self.store.escalate_handover(h.handover.id, 1, now, &notifications, &entry).await? {
                report.escalated += 1;
                report.notifications += notifications.len();
            }
        }
        // Each step's time, for finding where a slow sweep spends it
        // (`RESETTLE_LOG=info,resettle_app=debug`).
        let took = |name: &str, step: &mut std::time::Instant| {
            tracing::debug!(step = name, took_ms = step.elapsed().as_millis() as u64, "sweep step");
            *step = std::time::Instant::now();
        };
        let mut step = step;
        took("handovers", &mut step);
        if self.sweep_step_due(SweepStep::Readiness, today, changes).await? {
            report.readiness_notifications = self.escalate_readiness(now).await?;
            self.store.set_sweep_mark(SweepStep::Readiness.name(), today, changes).await?;
        } else {
            report.steps_unchanged += 1;
        }
        took("readiness", &mut step);
        if self.sweep_step_due(SweepStep::Actions, today, changes).await? {
            report.action_notifications = self.escalate_overdue_actions(now).await?;
            self.store.set_sweep_mark(SweepStep::Actions.name(), today, changes).await?;
        } else {
            report.steps_unchanged += 1;
        }
        took("actions", &mut step);
        if self.sweep_step_due(SweepStep::Appointments, today, changes).await? {
            report.appointment_reminders = self.remind_appointment_outcomes(now).await?;
            self.store.set_sweep_mark(SweepStep::Appointments.name(), today, changes).await?;
        } else {
            report.steps_unchanged += 1;
        }
        took("appointments", &mut step);
        if self.sweep_step_due(SweepStep::Turning18, today, changes).await? {
            report.turning_18_alerts = self.alert_turning_18(now).await?;
            self.store.set_sweep_mark(SweepStep::Turning18.name(), today, changes).await?;
        } else {
            report.steps_unchanged += 1;
        }
        took("turning 18", &mut step);
        report.digests = self.queue_digests(now).await?;
        took("digests", &mut step);
        let delivery = self.deliver_email().await?;
        took("email", &mut step);
        report.emails_sent = delivery.sent;
        report.emails_failed = delivery.failed;
        if let Err(e) = self.publish_audit_checkpoint().await {
            tracing::warn!(error = %e, "audit checkpoint not published");
        }
        if report.escalated > 0 {
            tracing::info!(
                escalated = report.escalated,
                notifications = report.notifications,
                "sweep escalated handovers"
            );
        }
        Ok(report)
    }

    /// Whether a step of the sweep could find anything new: it has not run yet, or the day has
    /// moved on since (something may have fallen due), or a change was made since the change
    /// count it last ran at. Each step's answer depends only on the records and the day, so a
    /// step with neither moved would only read the whole country again to write nothing.
    async fn sweep_step_due(&self, step: SweepStep, today: Date, changes: u64) -> AppResult<bool> {
        let mark = self.store.sweep_mark(step.name()).await?;
        Ok(mark.is_none_or(|(day, seen)| day != today || seen != changes))
    }

    /// The signed-in user's notifications, newest first.
    pub async fn notifications(&self, ctx: &Ctx) -> AppResult<Vec<Notification>> {
        let list = self.store.notifications(ctx.actor.user_id, 100).await?;
        self.audit_children(ctx, "read", "notification", list.iter().filter_map(|n| n.child_id)).await?;
        Ok(list)
    }

    /// Marks one of the user's notifications read.
    pub async fn mark_notification_read(&self, ctx: &Ctx, id: NotificationId) -> AppResult<()> {
        self.store.mark_notification_read(id, ctx.actor.user_id, self.now()).await?;
        Ok(())
    }

    /// Custody began at `establishment`: the latest community health assessment and the open
    /// health needs are handed over to the establishment's healthcare team.
    pub(crate) async fn hand_over_on_placement(
        &self,
        ctx: &Ctx,
        child: ChildId,
        establishment: OrgId,
        kind: &str,
        on: Date,
    ) -> AppResult<()> {
        let list = self.store.assessments(child).await?;
        let community = Self::latest_of(&list, AssessmentKind::CommunityHealthAssessment);
        let needs = self.open_health_needs(child).await?;
        let summary = health_picture(community, &needs, "community health assessment");
        let why = if kind == item::TRANSFER {
            "Transfer between establishments: the receiving healthcare team needs the child's health picture"
        } else {
            "Placed in custody: the establishment's healthcare team needs the community health picture"
        };
        let (h, s) = self
            .handover_to(
                Some(ctx),
                child,
                kind,
                community.map(|a| a.id.0),
                summary,
                Recipient { user_id: None, organisation_id: establishment, role: Some(Role::CustodyHealth) },
                why,
                Some(on),
            )
            .await?;
        let entry = self.entry_for(
            ctx,
            child,
            "handover.sent",
            "Health picture handed over to the establishment's healthcare team".into(),
            None,
        );
        self.store
            .write_health(&HealthWrite {
                handovers: vec![h],
                shares: vec![s],
                entries: vec![entry],
                audit: vec![self.service_event(
                    ctx,
                    "handover",
                    child,
                    "a health handover sent as the child was placed",
                )],
                ..Default::default()
            })
            .await?;
        Ok(())
    }

    /// The child was released: the release health summary (or, without one, the open health
    /// needs and latest assessment) is handed over to the YJS health worker.
    pub(crate) async fn hand_over_on_release(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        kind: &str,
        on: Date,
    ) -> AppResult<()> {
        let child = self.store.child(child_id, &self.scope(&ctx.actor)).await?.ok_or(AppError::NotFound)?;
        let list = self.store.assessments(child_id).await?;
        let summary_doc = Self::latest_of(&list, AssessmentKind::ReleaseHealthSummary);
        let latest = summary_doc.or_else(|| list.iter().find(|a| a.status == AssessmentStatus::Complete));
        let needs = self.open_health_needs(child_id).await?;
        let summary = match summary_doc {
            Some(_) => health_picture(summary_doc, &needs, "release health summary"),
            None => format!(
                "No release health summary was written. {}",
                health_picture(latest, &needs, "latest assessment")
            ),
        };
        let recipient = self.yjs_health_worker(&child).await?;
        let (h, s) = self
            .handover_to(
                Some(ctx),
                child_id,
                kind,
                latest.map(|a| a.id.0),
                summary,
                recipient,
                if kind == item::TRANSFER {
                    "Transfer between establishments: the YJS health worker keeps the child's health picture"
                } else {
                    "Released from custody: the YJS health worker picks up the child's health care"
                },
                Some(on),
            )
            .await?;
        let entry = self.entry_for(
            ctx,
            child_id,
            "handover.sent",
            "Release health summary handed over to the YJS health worker".into(),
            None,
        );
        self.store
            .write_health(&HealthWrite {
                handovers: vec![h],
                shares: vec![s],
                entries: vec![entry],
                audit: vec![self.service_event(ctx, "handover", child_id, "a health handover sent as the child left")],
                ..Default::default()
            })
            .await?;
        Ok(())
    }
}
