//! Custody for a synthetic child: what happened (remand, sentence, transfers, release) decided
//! first, then written as episodes, sentences, key dates and deadlines.

use super::*;

/// What happened in custody, decided before the records are written.
pub(crate) struct CustodyPlan {
    pub(crate) start: Date,
    pub(crate) ended_on: Option<Date>,
    pub(crate) kind: EpisodeKind,
    pub(crate) remand: Option<(Date, Option<Date>)>,
    pub(crate) sentence: Option<PlannedSentence>,
}

pub(crate) struct PlannedSentence {
    pub(crate) kind: SentenceKind,
    pub(crate) sentence_date: Date,
    pub(crate) term_months: Option<u8>,
    pub(crate) remand_days: u32,
    pub(crate) dates: KeyDates,
}

pub(crate) fn dto(sentence_date: Date, term_months: u8, remand_days: u32) -> Option<KeyDates> {
    dto_key_dates(&DtoInput { sentence_date, term_months, remand_days }).ok().map(|d| KeyDates::from(&d))
}

/// Chooses dates consistent with the stage: a child still in custody is released in the
/// future, a released child was released on their mid-term date in the past.
pub(crate) fn plan_custody(rng: &mut SynthRng, today: Date, stage: &str, age: i64) -> Option<CustodyPlan> {
    match stage {
        "remand" => {
            let start = days_before(today, rng.random_range(3..150));
            let next_court = today.checked_add(rng.random_range(3..45).days()).ok();
            Some(CustodyPlan {
                start,
                ended_on: None,
                kind: EpisodeKind::Remand,
                remand: Some((start, next_court)),
                sentence: None,
            })
        }
        "sentence" => {
            if rng.random_bool(0.7) {
                let term = rng.random_range(4..=24u8);
                let custody_days = i64::from(dto(today, term, 0)?.custody_days.unwrap_or(60));
                let remand_days = if rng.random_bool(0.35) { rng.random_range(5..40u32) } else { 0 };
                let room = (custody_days - 2 - i64::from(remand_days)).max(2);
                let sentence_date = days_before(today, rng.random_range(1..room));
                let dates = dto(sentence_date, term, remand_days)?;
                let start = days_before(sentence_date, i64::from(remand_days));
                let remand = (remand_days > 0).then_some((start, Some(sentence_date)));
                Some(CustodyPlan {
                    start,
                    ended_on: None,
                    kind: EpisodeKind::Sentence,
                    remand,
                    sentence: Some(PlannedSentence {
                        kind: SentenceKind::Dto,
                        sentence_date,
                        term_months: Some(term),
                        remand_days,
                        dates,
                    }),
                })
            } else {
                let sentence_date = days_before(today, rng.random_range(7..420));
                let release = today.checked_add(rng.random_range(30..900).days()).ok()?;
                let sled = release.checked_add((release - sentence_date).get_days().days()).ok()?;
                let kind = if rng.random_bool(0.8) { SentenceKind::S250 } else { SentenceKind::Other };
                Some(CustodyPlan {
                    start: sentence_date,
                    ended_on: None,
                    kind: EpisodeKind::Sentence,
                    remand: None,
                    sentence: Some(PlannedSentence {
                        kind,
                        sentence_date,
                        term_months: None,
                        remand_days: 0,
                        dates: KeyDates {
                            term_days: None,
                            custody_days: None,
                            mtd: release,
                            etd: None,
                            ltd: None,
                            sled,
                        },
                    }),
                })
            }
        }
        "released" => {
            let term = rng.random_range(4..=24u8);
            let custody_days = i64::from(dto(today, term, 0)?.custody_days.unwrap_or(60));
            // Released within the last year, or the last two for children old enough to have
            // been sentenced at 13 or more then: the cohort report has windows that closed.
            let back = if age >= 15 { 730 } else { 365 };
            let mut sentence_date = days_before(today, custody_days + rng.random_range(1..back));
            let mut dates = dto(sentence_date, term, 0)?;
            if dates.mtd >= today {
                sentence_date = days_before(sentence_date, (dates.mtd - today).get_days() as i64 + 1);
                dates = dto(sentence_date, term, 0)?;
            }
            Some(CustodyPlan {
                start: sentence_date,
                ended_on: Some(dates.mtd),
                kind: EpisodeKind::Sentence,
                remand: None,
                sentence: Some(PlannedSentence {
                    kind: SentenceKind::Dto,
                    sentence_date,
                    term_months: Some(term),
                    remand_days: 0,
                    dates,
                }),
            })
        }
        _ => None,
    }
}

impl Generator {
    /// The remand, sentence, key dates and deadlines of one custody episode.
    pub(crate) fn custody_records(
        &mut self,
        batch: &mut SyntheticBatch,
        child: ChildId,
        episode: &CustodyEpisode,
        plan: &CustodyPlan,
        establishment: OrgId,
        (case_manager, cm_name): (UserId, &str),
    ) {
        let rng = &mut self.rng;
        if let Some((started_on, next_court_date)) = plan.remand {
            batch.remands.push(Remand {
                id: RemandId(uuid(rng)),
                child_id: child,
                episode_id: episode.id,
                started_on,
                establishment_id: establishment,
                next_court_date,
                court: Some("Youth Court (synthetic)".into()),
                // Synthetic children on remand are made looked after when generated, so the
                // remand is not recorded as what made them so.
                local_authority_id: None,
                made_looked_after: false,
            });
        }
        let (start, release, term) = match &plan.sentence {
            Some(s) => (s.sentence_date, Some(s.dates.mtd), s.term_months),
            None => (plan.start, None, None),
        };
        if let Some(s) = &plan.sentence {
            let sentence = Sentence {
                id: SentenceId(uuid(rng)),
                child_id: child,
                episode_id: episode.id,
                kind: s.kind,
                sentence_date: s.sentence_date,
                term_months: s.term_months,
                remand_days: s.remand_days,
                court: Some("Youth Court (synthetic)".into()),
                version: 1,
            };
            let (source, reason) = match s.kind {
                SentenceKind::Dto => {
                    (KeyDatesSource::Calculated, "Sentence recorded; key dates calculated".to_string())
                }
                _ => (
                    KeyDatesSource::Entered,
                    "Sentence recorded; key dates from the establishment's calculation sheet (synthetic)".to_string(),
                ),
            };
            batch.revisions.push(KeyDatesRevision {
                id: KeyDatesId(uuid(rng)),
                sentence_id: sentence.id,
                revision: 1,
                dates: s.dates.clone(),
                sentence_date: s.sentence_date,
                term_months: s.term_months,
                remand_days: s.remand_days,
                source,
                reason,
                recorded_at: at(s.sentence_date, rng),
                recorded_by: Some(case_manager),
                recorded_by_name: cm_name.to_string(),
            });
            let what = match s.term_months {
                Some(m) => format!("{} of {m} months", s.kind.label()),
                None => s.kind.label().to_string(),
            };
            batch.timeline.push(TimelineEntry {
                id: TimelineEntryId(uuid(rng)),
                child_id: child,
                at: at(s.sentence_date, rng),
                actor_id: Some(case_manager),
                actor_name: cm_name.to_string(),
                kind: "sentence.recorded".into(),
                summary: format!(
                    "Sentenced on {}: {what}; release date {}",
                    long_date(s.sentence_date),
                    long_date(s.dates.mtd)
                ),
                reason: None,
            });
            batch.sentences.push(sentence);
        }
        // Deadlines belong to custody now; a released child's are history.
        if plan.ended_on.is_none()
            && let Ok(list) = custody_deadlines(&self.calendar, &self.timescales, start, release, term)
        {
            for d in list {
                batch.deadlines.push(StoredDeadline {
                    id: DeadlineId(uuid(&mut self.rng)),
                    child_id: child,
                    episode_id: episode.id,
                    kind: d.kind,
                    due_by: d.due_by,
                    rule: d.rule,
                });
            }
        }
    }
}
