//! Custody: remands and sentences, their key dates and history, the deadlines they create,
//! and the calendar those deadlines are counted in.

use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::calendar::{BankHoliday, Calendar, long_date};
use resettle_domain::child::{Child, LegalStatus};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement, PlacementReason};
use resettle_domain::dto::{DtoInput, dto_key_dates, explain};
use resettle_domain::ids::{
    ChildId, DeadlineId, EpisodeId, KeyDatesId, OrgId, PlacementId, RemandId, SentenceId, TeamMemberId,
};
use resettle_domain::meeting::meetings_on_release;
use resettle_domain::org::Organisation;
use resettle_domain::org::Role;
use resettle_domain::policy::{Action, Decision, Purpose};
use resettle_domain::sentence::{
    KeyDates, KeyDatesRevision, KeyDatesSource, Remand, RemandInput, Sentence, SentenceInput, SentenceKind,
    StoredDeadline,
};
use resettle_domain::team::TeamMember;
use resettle_domain::timescales::custody_deadlines;
use resettle_domain::validation::ValidationErrors;

use crate::storage::{
    EpisodeChange, EpisodeView, NewRemand, NewSentence, PlanChanges, Release, SentenceView, Transfer,
};
use crate::{App, AppError, AppResult, Ctx, Principal};

/// Why the service adds the establishment to the team when custody begins (its audit purpose).
const ESTABLISHMENT_JOINED: &str = "the establishment joined the team as custody began";
/// A sentence just recorded or recalculated.
#[derive(Clone, Debug, Serialize)]
pub struct SentenceRecorded {
    /// The sentence.
    pub sentence: Sentence,
    /// Its current key dates.
    pub key_dates: KeyDates,
    /// The deadlines now in force for the episode.
    pub deadlines: Vec<StoredDeadline>,
}

/// A remand just recorded.
#[derive(Clone, Debug, Serialize)]
pub struct RemandRecorded {
    /// The remand.
    pub remand: Remand,
    /// The deadlines it created.
    pub deadlines: Vec<StoredDeadline>,
}

/// A child's key dates: every sentence with its history, remands and deadlines.
#[derive(Clone, Debug, Serialize)]
pub struct KeyDatesRecord {
    /// Sentences, newest first, each with every revision of its key dates.
    pub sentences: Vec<SentenceView>,
    /// Remands, newest first.
    pub remands: Vec<Remand>,
    /// Deadlines, soonest first.
    pub deadlines: Vec<StoredDeadline>,
    /// Decisions about the sentences' days of release.
    pub discharge_decisions: Vec<resettle_domain::discharge::DischargeDecision>,
    /// How each remand ended, in the order of `remands`; `None` while it goes on.
    pub remand_ends: Vec<Option<resettle_domain::sentence::RemandEnd>>,
}

impl KeyDatesRecord {
    /// The discharge decision about `sentence`, if any.
    pub fn decision(&self, sentence: SentenceId) -> Option<&resettle_domain::discharge::DischargeDecision> {
        self.discharge_decisions.iter().find(|d| d.sentence_id == sentence)
    }
}

/// A change to a sentence's inputs, with the reason for it.
#[derive(Clone, Debug, Default)]
pub struct RecalculationInput {
    /// The sentence version the change was made against.
    pub version: i64,
    /// Corrected sentence date, `YYYY-MM-DD`.
    pub sentence_date: Option<String>,
    /// Corrected term in months.
    pub term_months: Option<String>,
    /// Remand credit now known, in days.
    pub remand_days: Option<String>,
    /// Why (required): "12 more days of remand found in the PNC record".
    pub reason: Option<String>,
}

impl App {
    /// The England and Wales calendar with the bank holidays administrators have added.
    pub async fn calendar(&self) -> AppResult<Calendar> {
        let extra = self.store.extra_bank_holidays().await?;
        Ok(Calendar::england_and_wales().with_extra_holidays(extra))
    }

    /// Bank holidays in `year`, including those added by administrators.
    pub async fn bank_holidays(&self, year: i16) -> AppResult<Vec<BankHoliday>> {
        self.calendar().await?.bank_holidays(year).map_err(|e| AppError::invalid("year", e.to_string()))
    }

    /// Adds a bank holiday (a proclamation): deadlines counted from now on skip it.
    pub async fn add_bank_holiday(&self, who: Principal<'_>, day: &str, name: &str) -> AppResult<()> {
        if let Some(Decision::Deny(why)) = who.decide(Action::ManageOrganisations) {
            return Err(AppError::Forbidden(why));
        }
        let mut e = ValidationErrors::new();
        let day = resettle_domain::team::parse_date(&mut e, "date", "Date", Some(day));
        if day.is_none() && e.is_empty() {
            e.add("date", "Enter the date of the bank holiday");
        }
        let name = resettle_domain::validation::required_line(&mut e, "name", "Name", Some(name), 100);
        if let Some(d) = day
            && (d.year() < resettle_domain::calendar::FIRST_SUPPORTED_YEAR
                || d.year() > resettle_domain::calendar::LAST_SUPPORTED_YEAR)
        {
            e.add("date", "The date must be between 1990 and 2100");
        }
        if let Some(d) = day
            && Calendar::england_and_wales().is_bank_holiday(d)
        {
            e.add("date", "That day is already a bank holiday");
        }
        let Some(day) = day.filter(|_| e.is_empty()) else {
            return Err(AppError::Invalid(e));
        };
        let by = match who {
            Principal::User(a) | Principal::Token(a) => Some(a.user_id),
            Principal::Operator => None,
        };
        let audit = [self.admin_event(who, "bank_holiday", &format!("added the bank holiday {day}"))];
        self.store.insert_bank_holiday(day, &name, by, &audit).await?;
        Ok(())
    }

    /// The secure establishment a placement from `from` is at. One that had closed by that
    /// day is refused; history from before it closed is recorded as it was.
    async fn establishment(&self, id: OrgId, from: Option<Date>) -> AppResult<Organisation> {
        let est = self.store.organisation(id).await?.filter(|o| o.kind.is_secure_establishment()).ok_or_else(|| {
            AppError::invalid("establishment_id", "Choose a secure establishment (a YOI, STC, SCH or secure school)")
        })?;
        if let (Some(from), Some(closed)) = (from, self.closed_organisations().await?.get(&id)) {
            let closed_on = closed.to_zoned(crate::london()).date();
            if closed_on <= from {
                return Err(AppError::invalid(
                    "establishment_id",
                    format!("{} closed on {}: choose another establishment", est.name, long_date(closed_on)),
                ));
            }
        }
        Ok(est)
    }

    async fn deadlines_for(
        &self,
        child: ChildId,
        episode: EpisodeId,
        start: Date,
        release: Option<Date>,
        term_months: Option<u8>,
    ) -> AppResult<Vec<StoredDeadline>> {
        let calendar = self.calendar().await?;
        // Deadlines before release count back from the day of discharge.
        let release = release.map(|r| resettle_domain::discharge::discharge_on(&calendar, r, true));
        let list = custody_deadlines(&calendar, &self.config.timescales, start, release, term_months)
            .map_err(|e| AppError::invalid("sentence_date", e.to_string()))?;
        Ok(list
            .into_iter()
            .map(|d| StoredDeadline {
                id: DeadlineId::random(),
                child_id: child,
                episode_id: episode,
                kind: d.kind,
                due_by: d.due_by,
                rule: d.rule,
            })
            .collect())
    }

    /// Records a sentence. A child already on remand stays in the same custody episode, now
    /// sentenced; otherwise a new episode begins at the establishment. The key dates and the
    /// planning deadlines are created at once.
    pub async fn record_sentence(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &SentenceInput,
    ) -> AppResult<SentenceRecorded> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let checked = input.validate(self.today())?;
        let est = self.establishment(checked.establishment_id, Some(checked.sentence_date)).await?;
        let offence_id = self.offence_for_custody(child_id, input.offence_id.as_deref(), checked.sentence_date).await?;
        let open = self.store.custody(child_id).await?.into_iter().find(|e| e.episode.ended_on.is_none());
        // Custody that begins with this sentence begins for a child (one that continues a
        // remand began with the remand, checked then).
        if open.is_none() && !resettle_domain::child::child_on(child.details.date_of_birth, checked.sentence_date) {
            return Err(AppError::invalid(
                "sentence_date",
                "The child must have been 10 to 17 on the date of sentence: check the date, or the date of birth",
            ));
        }
        let (episode_id, change) = match &open {
            Some(e) if e.episode.kind == EpisodeKind::Remand => {
                (e.episode.id, EpisodeChange::Continue { episode_id: e.episode.id, kind: EpisodeKind::Sentence })
            }
            Some(_) => {
                return Err(AppError::invalid(
                    "kind",
                    "The child is already serving a sentence: record the release, or correct the key dates of the current sentence",
                ));
            }
            None => {
                let episode = CustodyEpisode {
                    id: EpisodeId::random(),
                    child_id,
                    kind: EpisodeKind::Sentence,
                    started_on: checked.sentence_date,
                    ended_on: None,
                    recorded_at: Some(self.now()),
                };
                let placement = Placement {
                    id: PlacementId::random(),
                    episode_id: episode.id,
                    establishment_id: est.id,
                    started_on: checked.sentence_date,
                    ended_on: None,
                    reason: PlacementReason::Admission,
                };
                (episode.id, EpisodeChange::Open { episode, placement })
            }
        };
        let sentence = Sentence {
            id: SentenceId::random(),
            child_id,
            episode_id,
            kind: checked.kind,
            sentence_date: checked.sentence_date,
            term_months: checked.term_months,
            remand_days: checked.remand_days,
            court: checked.court.clone(),
            version: 1,
        };
        let revision = KeyDatesRevision {
            id: KeyDatesId::random(),
            sentence_id: sentence.id,
            revision: 1,
            dates: checked.dates.clone(),
            sentence_date: checked.sentence_date,
            term_months: checked.term_months,
            remand_days: checked.remand_days,
            source: checked.source,
            reason: checked.reason.clone(),
            recorded_at: self.now(),
            recorded_by: Some(ctx.actor.user_id),
            recorded_by_name: ctx.actor.name.clone(),
        };
        let deadlines = self
            .deadlines_for(child_id, episode_id, checked.sentence_date, Some(checked.dates.mtd), checked.term_months)
            .await?;
        let plan = self
            .plan_changes(child_id, episode_id, false, checked.sentence_date, &deadlines, Some(checked.dates.mtd))
            .await?;
        let what = match checked.term_months {
            Some(m) => format!("{} of {m} months", checked.kind.label()),
            None => checked.kind.label().to_string(),
        };
        let entry = self.entry_for(
            ctx,
            child_id,
            "sentence.recorded",
            format!(
                "Sentenced on {}: {what}, at {}; release date {}{}",
                long_date(checked.sentence_date),
                est.name,
                long_date(checked.dates.mtd),
                if plan.open.is_some() { "; resettlement plan opened" } else { "" }
            ),
            None,
        );
        let team_added = match &change {
            EpisodeChange::Open { .. } => self.establishment_joins(child_id, est.id, checked.sentence_date).await?,
            EpisodeChange::Continue { .. } => None,
        };
        let child_change = match &change {
            EpisodeChange::Continue { episode_id, .. } => {
                self.looked_after_ends(ctx, &child, *episode_id, checked.sentence_date, "with a custodial sentence")
                    .await?
            }
            EpisodeChange::Open { .. } => None,
        };
        let custody_begins = matches!(change, EpisodeChange::Open { .. });
        let mut audit = vec![self.write_event(ctx, "sentence", child_id)];
        if child_change.is_some() {
            audit.push(self.write_event(ctx, "child", child_id));
        }
        if team_added.is_some() {
            audit.push(self.service_event(ctx, "child.team", child_id, ESTABLISHMENT_JOINED));
        }
        self.store
            .insert_sentence(&NewSentence {
                sentence: sentence.clone(),
                revision,
                episode: change,
                deadlines: deadlines.clone(),
                team_added,
                offence_id,
                plan,
                entry,
                child_change,
                audit,
            })
            .await?;
        if custody_begins {
            self.hand_over_on_placement(
                ctx,
                child_id,
                est.id,
                crate::health::item::CUSTODY_PLACEMENT,
                checked.sentence_date,
            )
            .await?;
        }
        tracing::info!(child_id = %child_id, sentence_id = %sentence.id, "sentence recorded");
        Ok(SentenceRecorded { sentence, key_dates: checked.dates, deadlines })
    }

    /// The offence a new remand or sentence is for, checked: one of this child's recorded
    /// offences, not already linked to custody, and not after the day custody begins.
    async fn offence_for_custody(
        &self,
        child_id: ChildId,
        raw: Option<&str>,
        starts_on: jiff::civil::Date,
    ) -> AppResult<Option<resettle_domain::ids::OffenceId>> {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
        const FIELD: &str = "offence_id";
        let wrong = || AppError::invalid(FIELD, "Choose one of this child's recorded offences");
        let id: resettle_domain::ids::OffenceId = raw.parse().map_err(|_| wrong())?;
        let offence = self.store.offence(id).await?.filter(|o| o.child_id == child_id).ok_or_else(wrong)?;
        if offence.episode_id.is_some() {
            return Err(AppError::invalid(FIELD, "That offence is already linked to a remand or sentence"));
        }
        if offence.counted_on().is_some_and(|d| d > starts_on) {
            return Err(AppError::invalid(
                FIELD,
                "That offence is dated after custody began: check the dates, or choose another offence",
            ));
        }
        Ok(Some(id))
    }

    /// Records a remand to youth detention accommodation: a new custody episode, the remand
    /// planning deadline, and the child becomes looked after.
    pub async fn record_remand(&self, ctx: &Ctx, child_id: ChildId, input: &RemandInput) -> AppResult<RemandRecorded> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let checked = input.validate(self.today())?;
        if !resettle_domain::child::child_on(child.details.date_of_birth, checked.started_on) {
            return Err(AppError::invalid(
                "start_date",
                "The child must have been 10 to 17 on the day of remand: check the date, or the date of birth",
            ));
        }
        let est = self.establishment(checked.establishment_id, Some(checked.started_on)).await?;
        let offence_id = self.offence_for_custody(child_id, input.offence_id.as_deref(), checked.started_on).await?;
        if self.store.custody(child_id).await?.iter().any(|e| e.episode.ended_on.is_none()) {
            return Err(AppError::invalid("start_date", "The child is already in custody: record the release first"));
        }
        let episode = CustodyEpisode {
            id: EpisodeId::random(),
            child_id,
            kind: EpisodeKind::Remand,
            started_on: checked.started_on,
            ended_on: None,
            recorded_at: Some(self.now()),
        };
        let placement = Placement {
            id: PlacementId::random(),
            episode_id: episode.id,
            establishment_id: est.id,
            started_on: checked.started_on,
            ended_on: None,
            reason: PlacementReason::Admission,
        };
        let local_authority_id = self.remand_local_authority(child_id, input.local_authority_id.as_deref()).await?;
        let remand = Remand {
            id: RemandId::random(),
            child_id,
            episode_id: episode.id,
            started_on: checked.started_on,
            establishment_id: est.id,
            next_court_date: checked.next_court_date,
            court: checked.court.clone(),
            local_authority_id,
            made_looked_after: child.details.legal_status == LegalStatus::NotLookedAfter,
        };
        let deadlines = self.deadlines_for(child_id, episode.id, checked.started_on, None, None).await?;
        let plan = self.plan_changes(child_id, episode.id, true, checked.started_on, &deadlines, None).await?;
        let mut entries = vec![self.entry_for(
            ctx,
            child_id,
            "remand.recorded",
            format!(
                "Remanded to youth detention accommodation on {} at {}{}{}",
                long_date(checked.started_on),
                est.name,
                checked.next_court_date.map(|d| format!("; next court date {}", long_date(d))).unwrap_or_default(),
                if plan.open.is_some() { "; resettlement plan opened" } else { "" }
            ),
            None,
        )];
        // A child remanded to youth detention accommodation is looked after by the local
        // authority (LASPO Act 2012 s.104).
        let became_looked_after = (child.details.legal_status == LegalStatus::NotLookedAfter).then(|| {
            let mut details = child.details.clone();
            details.legal_status = LegalStatus::LookedAfter;
            (Child { details, version: child.version + 1, updated_at: self.now(), ..(*child).clone() }, child.version)
        });
        if became_looked_after.is_some() {
            entries.push(self.entry_for(
                ctx,
                child_id,
                "child.updated",
                "Changed legal status to looked after (remanded to youth detention accommodation)".into(),
                None,
            ));
        }
        let team_added = self.establishment_joins(child_id, est.id, checked.started_on).await?;
        let mut audit = vec![self.write_event(ctx, "remand", child_id)];
        if team_added.is_some() {
            audit.push(self.service_event(ctx, "child.team", child_id, ESTABLISHMENT_JOINED));
        }
        self.store
            .insert_remand(&NewRemand {
                remand: remand.clone(),
                episode,
                placement,
                deadlines: deadlines.clone(),
                team_added,
                child: became_looked_after,
                offence_id,
                plan,
                entries,
                audit,
            })
            .await?;
        self.hand_over_on_placement(ctx, child_id, est.id, crate::health::item::CUSTODY_PLACEMENT, checked.started_on)
            .await?;
        Ok(RemandRecorded { remand, deadlines })
    }

    /// A child's sentences with the history of their key dates, remands and deadlines.
    pub async fn key_dates(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<KeyDatesRecord> {
        self.child_for(ctx, child_id, Purpose::Read).await?;
        self.audit(ctx, "read", "key_dates", Some(child_id)).await?;
        self.key_dates_record(child_id).await
    }

    /// A child's key dates as stored, with how each remand ended (no access check: callers
    /// have admitted the reader to the child's record).
    pub(crate) async fn key_dates_record(&self, child_id: ChildId) -> AppResult<KeyDatesRecord> {
        let sentences = self.store.sentences(child_id).await?;
        let remands = self.store.remands(child_id).await?;
        let releases = self.store.releases(child_id).await?;
        let plain: Vec<Sentence> = sentences.iter().map(|s| s.sentence.clone()).collect();
        let remand_ends = remands
            .iter()
            .map(|r| {
                let released = releases.iter().find(|x| x.episode_id == r.episode_id);
                resettle_domain::sentence::remand_end(r, &plain, released.map(|x| (x.released_on, x.release_kind)))
            })
            .collect();
        Ok(KeyDatesRecord {
            sentences,
            remands,
            deadlines: self.store.deadlines(child_id).await?,
            discharge_decisions: self.store.discharge_decisions(child_id).await?,
            remand_ends,
        })
    }

    /// How the current key dates of a Detention and Training Order were reached, in words.
    pub fn explain_key_dates(&self, sentence: &Sentence, revision: &KeyDatesRevision) -> Vec<String> {
        match (sentence.kind, revision.term_months) {
            (SentenceKind::Dto, Some(term_months)) => {
                let input =
                    DtoInput { sentence_date: revision.sentence_date, term_months, remand_days: revision.remand_days };
                match dto_key_dates(&input) {
                    Ok(d) => explain(&input, &d),
                    Err(e) => vec![e.to_string()],
                }
            }
            _ => vec![format!(
                "{}: {} (recorded by {})",
                revision.source.label(),
                revision.reason,
                revision.recorded_by_name
            )],
        }
    }

    /// Recalculates a Detention and Training Order's key dates after a correction (more
    /// remand credit found, a corrected sentence date or term). The previous dates stay in
    /// the history with the reason; the deadlines follow the new dates.
    pub async fn recalculate_sentence(
        &self,
        ctx: &Ctx,
        sentence_id: SentenceId,
        input: &RecalculationInput,
    ) -> AppResult<SentenceRecorded> {
        let current = self.store.sentence(sentence_id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, current.child_id, Purpose::Change).await?;
        let mut e = ValidationErrors::new();
        let reason = resettle_domain::validation::required_text(
            &mut e,
            "reason",
            "Reason for the recalculation",
            input.reason.as_deref(),
            500,
        );
        if current.kind != SentenceKind::Dto {
            e.add("kind", "Only Detention and Training Orders are calculated here; record the establishment's new dates as a new sentence record instead");
        }
        let merged = SentenceInput {
            kind: Some(current.kind.as_str().into()),
            sentence_date: Some(input.sentence_date.clone().unwrap_or_else(|| current.sentence_date.to_string())),
            term_months: Some(
                input
                    .term_months
                    .clone()
                    .unwrap_or_else(|| current.term_months.map(|m| m.to_string()).unwrap_or_default()),
            ),
            remand_days: Some(input.remand_days.clone().unwrap_or_else(|| current.remand_days.to_string())),
            establishment_id: Some(OrgId::random().to_string()),
            ..Default::default()
        };
        let checked = match merged.validate(self.today()) {
            Ok(c) if e.is_empty() => c,
            Ok(_) => return Err(AppError::Invalid(e)),
            Err(more) => {
                e.0.extend(more.0);
                return Err(AppError::Invalid(e));
            }
        };
        if input.version != current.version {
            return Err(AppError::Conflict { current_version: current.version });
        }
        let history = self.store.sentences(current.child_id).await?;
        let last_revision = history
            .iter()
            .find(|s| s.sentence.id == sentence_id)
            .and_then(|s| s.revisions.last().map(|r| r.revision))
            .unwrap_or(0);
        let updated = Sentence {
            sentence_date: checked.sentence_date,
            term_months: checked.term_months,
            remand_days: checked.remand_days,
            version: current.version + 1,
            ..current.clone()
        };
        let revision = KeyDatesRevision {
            id: KeyDatesId::random(),
            sentence_id,
            revision: last_revision + 1,
            dates: checked.dates.clone(),
            sentence_date: checked.sentence_date,
            term_months: checked.term_months,
            remand_days: checked.remand_days,
            source: KeyDatesSource::Calculated,
            reason: reason.clone(),
            recorded_at: self.now(),
            recorded_by: Some(ctx.actor.user_id),
            recorded_by_name: ctx.actor.name.clone(),
        };
        let deadlines = self
            .deadlines_for(
                current.child_id,
                current.episode_id,
                checked.sentence_date,
                Some(checked.dates.mtd),
                checked.term_months,
            )
            .await?;
        let entry = self.entry_for(
            ctx,
            current.child_id,
            "sentence.recalculated",
            format!("Key dates recalculated: release date now {}", long_date(checked.dates.mtd)),
            Some(reason),
        );
        let plan = self
            .plan_changes(
                current.child_id,
                current.episode_id,
                false,
                checked.sentence_date,
                &deadlines,
                Some(checked.dates.mtd),
            )
            .await?;
        let audit = [self.write_event(ctx, "sentence", current.child_id)];
        self.store
            .recalculate_sentence(&updated, current.version, &revision, &deadlines, &plan, &entry, &audit)
            .await?;
        Ok(SentenceRecorded { sentence: updated, key_dates: checked.dates, deadlines })
    }
}

/// Input for a transfer or a release, as typed.
#[derive(Clone, Debug, Default)]
pub struct MoveInput {
    /// The day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The receiving establishment (transfers).
    pub establishment_id: Option<String>,
    /// Why (transfers), e.g. "placement review".
    pub reason: Option<String>,
    /// How the child left (releases): a `ReleaseKind` name.
    pub kind: Option<String>,
}

impl App {
    /// The establishment's place on the team when custody begins there, unless it is on the
    /// team already.
    async fn establishment_joins(&self, child: ChildId, est: OrgId, from: Date) -> AppResult<Option<TeamMember>> {
        let today = self.today();
        let already =
            self.store.team(child).await?.iter().any(|t| t.member.organisation_id == est && t.member.is_current(today));
        Ok((!already).then(|| TeamMember {
            id: TeamMemberId::random(),
            child_id: child,
            organisation_id: est,
            user_id: None,
            role: Role::SecurePractitioner,
            responsibility: "The custody part of the plan, and release day".into(),
            started_on: from,
            ended_on: None,
        }))
    }

    async fn open_episode(&self, child: ChildId) -> AppResult<EpisodeView> {
        self.store
            .custody(child)
            .await?
            .into_iter()
            .find(|e| e.episode.ended_on.is_none())
            .ok_or_else(|| AppError::invalid("date", "The child is not in custody"))
    }

    fn move_date(&self, e: &mut ValidationErrors, raw: Option<&str>, not_before: Date, what: &str) -> Option<Date> {
        let day = resettle_domain::team::parse_date(e, "date", "Date", raw);
        match day {
            None if e.for_field("date").is_none() => {
                e.add("date", format!("Enter the date of the {what}"));
                None
            }
            Some(d) if d > self.today() => {
                e.add("date", format!("The {what} date must be today or in the past"));
                None
            }
            Some(d) if d < not_before => {
                e.add("date", format!("The {what} date must be on or after {}", long_date(not_before)));
                None
            }
            other => other,
        }
    }

    /// Moves a child in custody to another secure establishment. The old establishment's
    /// part on the team ends and the new one joins.
    pub async fn transfer(&self, ctx: &Ctx, child_id: ChildId, input: &MoveInput) -> AppResult<Placement> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let episode = self.open_episode(child_id).await?;
        let current = episode
            .placements
            .iter()
            .find(|p| p.placement.ended_on.is_none())
            .ok_or_else(|| AppError::invalid("establishment_id", "The child has no current placement"))?;
        let mut e = ValidationErrors::new();
        let day = self.move_date(&mut e, input.date.as_deref(), current.placement.started_on, "transfer");
        let reason =
            resettle_domain::validation::optional_text(&mut e, "reason", "Reason", input.reason.as_deref(), 300);
        let est = match input.establishment_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("establishment_id", "Choose the establishment the child moves to");
                None
            }
            Some(s) => match s.parse::<OrgId>() {
                Err(_) => {
                    e.add("establishment_id", "establishment_id must be the id of a secure establishment");
                    None
                }
                Ok(id) if id == current.placement.establishment_id => {
                    e.add("establishment_id", "The child is already there: choose another establishment");
                    None
                }
                Ok(id) => match self.establishment(id, day).await {
                    Ok(o) => Some(o),
                    Err(AppError::Invalid(v)) => {
                        e.0.extend(v.0);
                        None
                    }
                    Err(other) => return Err(other),
                },
            },
        };
        let (Some(day), Some(est)) = (day, est) else { return Err(AppError::Invalid(e)) };
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let placement = Placement {
            id: PlacementId::random(),
            episode_id: episode.episode.id,
            establishment_id: est.id,
            started_on: day,
            ended_on: None,
            reason: PlacementReason::Transfer,
        };
        let team = self.store.team(child_id).await?;
        let team_ended = team
            .iter()
            .filter(|t| t.member.organisation_id == current.placement.establishment_id && t.member.ended_on.is_none())
            .map(|t| (t.member.id, day))
            .collect();
        let team_added = Some(TeamMember {
            id: TeamMemberId::random(),
            child_id,
            organisation_id: est.id,
            user_id: None,
            role: Role::SecurePractitioner,
            responsibility: "The custody part of the plan, and release day".into(),
            started_on: day,
            ended_on: None,
        });
        let entry = self.entry_for(
            ctx,
            child_id,
            "custody.transferred",
            format!("Transferred from {} to {} on {}", current.establishment_name, est.name, long_date(day)),
            reason,
        );
        self.store
            .transfer(&Transfer {
                ended_placement: (current.placement.id, day),
                placement: placement.clone(),
                team_ended,
                team_added,
                entry,
                audit: vec![
                    self.write_event(ctx, "custody", child_id),
                    self.service_event(
                        ctx,
                        "child.team",
                        child_id,
                        "the receiving establishment joined the team on transfer",
                    ),
                ],
            })
            .await?;
        self.hand_over_on_placement(ctx, child_id, est.id, crate::health::item::TRANSFER, day).await?;
        self.hand_over_on_release(ctx, child_id, crate::health::item::TRANSFER, day).await?;
        Ok(placement)
    }

    /// The local authority a remanded child is looked after by: the one named (which must be
    /// a local authority), else the one local authority on the child's team, else not known.
    async fn remand_local_authority(&self, child_id: ChildId, named: Option<&str>) -> AppResult<Option<OrgId>> {
        const FIELD: &str = "local_authority_id";
        if let Some(raw) = named.map(str::trim).filter(|s| !s.is_empty()) {
            let wrong = || AppError::invalid(FIELD, "Choose the local authority the child is looked after by");
            let id: OrgId = raw.parse().map_err(|_| wrong())?;
            let org = self.store.organisation(id).await?.ok_or_else(wrong)?;
            if org.kind != resettle_domain::org::OrgKind::LocalAuthority {
                return Err(wrong());
            }
            return Ok(Some(id));
        }
        let orgs = self.organisations_shared().await?;
        let today = self.today();
        let mut on_team: Vec<OrgId> = self
            .store
            .team(child_id)
            .await?
            .iter()
            .filter(|t| t.member.is_current(today))
            .map(|t| t.member.organisation_id)
            .filter(|o| orgs.iter().any(|x| x.id == *o && x.kind == resettle_domain::org::OrgKind::LocalAuthority))
            .collect();
        on_team.sort();
        on_team.dedup();
        Ok(match on_team.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
    }

    /// When the remand of `episode` is what made the child looked after (LASPO Act 2012 s.104),
    /// the change that ends the status as the remand ends on `on` (`how`, in words), with what
    /// happens next; `None` when the status had another basis or has changed since.
    async fn looked_after_ends(
        &self,
        ctx: &Ctx,
        child: &Child,
        episode: EpisodeId,
        on: Date,
        how: &str,
    ) -> AppResult<Option<crate::storage::ChildChange>> {
        let remands = self.store.remands(child.id).await?;
        let Some(remand) = remands.iter().filter(|r| r.episode_id == episode).max_by_key(|r| r.started_on) else {
            return Ok(None);
        };
        if !remand.made_looked_after || child.details.legal_status != LegalStatus::LookedAfter {
            return Ok(None);
        }
        let by = match remand.local_authority_id {
            Some(la) => self.store.organisation(la).await?.map(|o| o.name),
            None => None,
        };
        let mut details = child.details.clone();
        details.legal_status = LegalStatus::NotLookedAfter;
        let entry = self.entry_for(
            ctx,
            child.id,
            "child.updated",
            format!(
                "No longer looked after{} from {}: the remand ended {how}. Ask the local authority whether the \
                 child is owed leaving-care support for the time looked after, and whether they need \
                 accommodation under section 20",
                by.map(|n| format!(" by {n}")).unwrap_or_default(),
                long_date(on),
            ),
            None,
        );
        Ok(Some(crate::storage::ChildChange {
            child: Child { details, version: child.version + 1, updated_at: self.now(), ..child.clone() },
            expected_version: child.version,
            entry,
        }))
    }

    /// Records a child's release: the custody episode and placement end, the establishment's
    /// part on the team ends, and the custody deadlines close.
    pub async fn release(&self, ctx: &Ctx, child_id: ChildId, input: &MoveInput) -> AppResult<CustodyEpisode> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let episode = self.open_episode(child_id).await?;
        let mut e = ValidationErrors::new();
        let latest_start =
            episode.placements.iter().map(|p| p.placement.started_on).max().unwrap_or(episode.episode.started_on);
        let day = self.move_date(&mut e, input.date.as_deref(), latest_start, "release");
        let kind = release_kind(&mut e, input.kind.as_deref(), episode.episode.kind);
        let Some(day) = day.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
        let establishments: Vec<OrgId> = episode.placements.iter().map(|p| p.placement.establishment_id).collect();
        let team_ended = self
            .store
            .team(child_id)
            .await?
            .iter()
            .filter(|t| establishments.contains(&t.member.organisation_id) && t.member.ended_on.is_none())
            .map(|t| t.member.id)
            .collect();
        let n = i32::try_from(self.config.timescales.post_release_review_working_days).unwrap_or(i32::MAX);
        let post_release_due = self.calendar().await?.add_working_days(day, n).ok();
        let existing = self.store.meetings(child_id).await?;
        let plan = PlanChanges {
            open: None,
            meetings: meetings_on_release(&existing, episode.episode.id, day, post_release_due),
        };
        let entry = self.entry_for(ctx, child_id, "custody.ended", format!("Released on {}", long_date(day)), None);
        let child_change = match episode.episode.kind {
            EpisodeKind::Remand => {
                let how = match kind.and_then(|k| k.as_str().parse::<resettle_domain::sentence::RemandOutcome>().ok()) {
                    Some(o) => format!("({})", o.label().to_lowercase()),
                    None => "with the release".to_string(),
                };
                self.looked_after_ends(ctx, &child, episode.episode.id, day, &how).await?
            }
            EpisodeKind::Sentence => None,
        };
        let mut audit = vec![self.write_event(ctx, "custody", child_id)];
        if child_change.is_some() {
            audit.push(self.write_event(ctx, "child", child_id));
        }
        self.store
            .release(&Release {
                episode_id: episode.episode.id,
                date: day,
                kind,
                team_ended,
                plan,
                entry,
                child_change,
                audit,
            })
            .await?;
        self.hand_over_on_release(ctx, child_id, crate::health::item::RELEASE, day).await?;
        Ok(CustodyEpisode { ended_on: Some(day), ..episode.episode })
    }
}

/// The kind of a release, checked against the custody it ends: a remand ends on bail, on
/// acquittal or with a non-custodial sentence; a sentence at, before or after the half-way
/// point, or on licence; `other` either way.
fn release_kind(
    e: &mut ValidationErrors,
    value: Option<&str>,
    episode: resettle_domain::custody::EpisodeKind,
) -> Option<resettle_domain::post_release::ReleaseKind> {
    use resettle_domain::custody::EpisodeKind;
    use resettle_domain::post_release::ReleaseKind;
    let s = value.map(str::trim).filter(|s| !s.is_empty())?;
    let Some(kind) = ReleaseKind::parse(s) else {
        e.add("kind", "Choose how the custody ended from the list");
        return None;
    };
    let fits = kind == ReleaseKind::Other
        || match episode {
            EpisodeKind::Remand => !kind.is_from_sentence(),
            EpisodeKind::Sentence => kind.is_from_sentence(),
        };
    if !fits {
        let what = if episode == EpisodeKind::Remand { "a remand" } else { "a sentence" };
        e.add("kind", format!("That is not how {what} ends: choose another kind of release"));
        return None;
    }
    Some(kind)
}
