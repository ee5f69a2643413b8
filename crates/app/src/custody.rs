//! Custody: remands and sentences, their key dates and history, the deadlines they create (moves
//! in and out of custody are in `custody/moves.rs`),
//! and the calendar those deadlines are counted in.

use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::calendar::{BankHoliday, Calendar, long_date};
use resettle_domain::child::{Child, LegalStatus};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement, PlacementReason};
use resettle_domain::dto::{DtoInput, dto_key_dates, explain};
use resettle_domain::ids::{ChildId, DeadlineId, EpisodeId, KeyDatesId, OrgId, PlacementId, RemandId, SentenceId};
use resettle_domain::org::Organisation;
use resettle_domain::policy::{Action, Decision, Purpose};
use resettle_domain::sentence::{
    KeyDates, KeyDatesRevision, KeyDatesSource, Remand, RemandInput, Sentence, SentenceInput, SentenceKind,
    StoredDeadline,
};
use resettle_domain::timescales::custody_deadlines;
use resettle_domain::validation::ValidationErrors;

use crate::storage::{EpisodeChange, NewRemand, NewSentence, SentenceView};
use crate::{App, AppError, AppResult, Ctx, Principal};

mod moves;

pub use moves::MoveInput;

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
    pub async fn calendar(&self) -> AppResult<std::sync::Arc<Calendar>> {
        self.caches
            .calendar
            .get_or_build(&(), self.store.changes().await?, self.now(), || async {
                let extra = self.store.extra_bank_holidays().await?;
                Ok::<_, AppError>(Calendar::england_and_wales().with_extra_holidays(extra))
            })
            .await
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
