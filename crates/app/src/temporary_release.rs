//! Time out of custody before release, to prepare for it: release on temporary licence (ROTL)
//! from a young offender institution and mobility from other secure establishments. The
//! scheme follows the establishment the child is in, the earliest day follows the key dates
//! (`resettle_domain::temporary_release::eligibility`), and each period out is recorded with
//! its purpose, address and conditions — planned ahead, or after the fact with how it went.

use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::calendar::long_date;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, EpisodeId, TemporaryReleaseId};
use resettle_domain::policy::Purpose;
use resettle_domain::temporary_release::{
    Eligibility, TemporaryRelease, TemporaryReleaseInput, TemporaryReleaseKind, TemporaryReleaseOutcome, check_outcome,
    eligibility,
};
use resettle_domain::validation::ValidationErrors;

use crate::{App, AppError, AppResult, Ctx};

/// A child's time out of custody: whether a period can be recorded now, under which scheme
/// and from when, and every period recorded.
#[derive(Clone, Debug, Serialize)]
pub struct TemporaryReleases {
    /// The scheme and earliest day, while the child is serving a sentence in custody.
    pub eligibility: Option<Eligibility>,
    /// Why no period can be recorded now, in words (not in custody, on remand).
    pub why_not: Option<&'static str>,
    /// The release date periods out come before.
    pub release_on: Option<Date>,
    /// Every period, the latest first.
    pub items: Vec<TemporaryRelease>,
}

/// How a period out went, as typed.
#[derive(Clone, Debug, Default)]
pub struct OutcomeInput {
    /// The version of the period the outcome was written against.
    pub version: i64,
    /// An outcome key.
    pub outcome: Option<String>,
    /// What happened.
    pub outcome_note: Option<String>,
}

/// What a period out must fit: the custody it comes in.
struct Custody {
    episode_id: EpisodeId,
    started_on: Date,
    release_on: Date,
    eligibility: Eligibility,
}

/// Why a child cannot go out now.
const NOT_IN_CUSTODY: &str = "The child is not in custody";
const ON_REMAND: &str = "Release on temporary licence and mobility are for children serving a sentence: the \
     child is on remand";
const NO_ESTABLISHMENT: &str = "The child's establishment is not recorded";

impl App {
    /// A child's periods out and whether one can be recorded now (for readers of the record).
    pub async fn temporary_releases(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<TemporaryReleases> {
        self.child_for(ctx, child_id, Purpose::Read).await?;
        let items = self.store.temporary_releases(child_id).await?;
        let custody = self.custody_for_time_out(child_id).await?;
        self.audit(ctx, "read", "temporary_releases", Some(child_id)).await?;
        Ok(match custody {
            Ok(c) => TemporaryReleases {
                eligibility: Some(c.eligibility),
                why_not: None,
                release_on: Some(c.release_on),
                items,
            },
            Err(why) => TemporaryReleases { eligibility: None, why_not: Some(why), release_on: None, items },
        })
    }

    /// Records a period out: planned, or after the fact with how it went. Refused when the
    /// child is not serving a sentence in custody, or the days do not fit the rules.
    pub async fn record_temporary_release(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &TemporaryReleaseInput,
    ) -> AppResult<TemporaryRelease> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let custody = self.custody_for_time_out(child_id).await?.map_err(|why| AppError::invalid("starts_on", why))?;
        let checked = input.validate(&custody.eligibility, custody.started_on, custody.release_on, self.today())?;
        let release = TemporaryRelease {
            id: TemporaryReleaseId::random(),
            child_id,
            episode_id: custody.episode_id,
            kind: custody.eligibility.kind,
            purpose: checked.purpose,
            starts_on: checked.starts_on,
            ends_on: checked.ends_on,
            address: checked.address,
            conditions: checked.conditions,
            outcome: checked.outcome,
            outcome_note: checked.outcome_note,
            recorded_at: self.now(),
            recorded_by_name: ctx.actor.name.clone(),
            version: 1,
        };
        let entry = self.entry_for(ctx, child_id, "custody.time_out", sentence(&release), release.outcome_note.clone());
        let audit = [self.write_event(ctx, "temporary_release", child_id)];
        self.store.insert_temporary_release(&release, &entry, &audit).await?;
        Ok(release)
    }

    /// Records how a period out went, against the version read; a stale version is a
    /// conflict, a period of another child is not found.
    pub async fn record_temporary_release_outcome(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        id: TemporaryReleaseId,
        input: &OutcomeInput,
    ) -> AppResult<TemporaryRelease> {
        self.child_for(ctx, child_id, Purpose::Change).await?;
        let current =
            self.store.temporary_release(id).await?.filter(|r| r.child_id == child_id).ok_or(AppError::NotFound)?;
        let mut e = ValidationErrors::new();
        let (outcome, note) = check_outcome(
            &mut e,
            input.outcome.as_deref(),
            input.outcome_note.as_deref(),
            Some(current.starts_on),
            self.today(),
        );
        if outcome.is_none() && e.for_field("outcome").is_none() {
            e.add("outcome", "Choose how the time out went");
        }
        let Some(outcome) = outcome.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
        if input.version != current.version {
            return Err(AppError::Conflict { current_version: current.version });
        }
        let changed = TemporaryRelease {
            outcome: Some(outcome),
            outcome_note: note,
            version: current.version + 1,
            ..current.clone()
        };
        let entry = self.entry_for(ctx, child_id, "custody.time_out", sentence(&changed), changed.outcome_note.clone());
        let audit = [self.write_event(ctx, "temporary_release", child_id)];
        self.store.update_temporary_release(&changed, current.version, &entry, &audit).await?;
        Ok(changed)
    }

    /// The custody a period out must fit, or why there is none: a sentence being served in
    /// custody, at an establishment, with a release date.
    async fn custody_for_time_out(&self, child_id: ChildId) -> AppResult<Result<Custody, &'static str>> {
        let Some(open) = self.store.custody(child_id).await?.into_iter().find(|e| e.episode.ended_on.is_none()) else {
            return Ok(Err(NOT_IN_CUSTODY));
        };
        if open.episode.kind == EpisodeKind::Remand {
            return Ok(Err(ON_REMAND));
        }
        let Some(placement) = open.placements.iter().find(|p| p.placement.ended_on.is_none()) else {
            return Ok(Err(NO_ESTABLISHMENT));
        };
        let org = self.store.organisation(placement.placement.establishment_id).await?;
        let Some(kind) = org.and_then(|o| TemporaryReleaseKind::for_establishment(o.kind)) else {
            return Ok(Err(NO_ESTABLISHMENT));
        };
        let sentences = self.store.sentences(child_id).await?;
        let Some((sentence_date, release_on)) = sentences
            .iter()
            .filter(|s| s.sentence.episode_id == open.episode.id)
            .find_map(|s| s.revisions.last().map(|r| (s.sentence.sentence_date, r.dates.mtd)))
        else {
            return Ok(Err(ON_REMAND));
        };
        Ok(Ok(Custody {
            episode_id: open.episode.id,
            started_on: open.episode.started_on,
            release_on,
            eligibility: eligibility(kind, sentence_date, release_on),
        }))
    }
}

/// The timeline's sentence about a period out.
fn sentence(r: &TemporaryRelease) -> String {
    let scheme = match r.kind {
        TemporaryReleaseKind::Rotl => "Release on temporary licence",
        TemporaryReleaseKind::Mobility => "Mobility",
    };
    let days = if r.starts_on == r.ends_on {
        format!("on {}", long_date(r.starts_on))
    } else {
        format!("from {} to {}", long_date(r.starts_on), long_date(r.ends_on))
    };
    let how = match r.outcome {
        None => "planned".to_string(),
        Some(TemporaryReleaseOutcome::Completed) => "went as planned".to_string(),
        Some(o) => format!("— {}", o.label().to_lowercase()),
    };
    format!("{scheme} {days} ({}, at {}): {how}", r.purpose.label().to_lowercase(), r.address)
}
