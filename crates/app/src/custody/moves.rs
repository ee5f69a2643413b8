//! Moves in and out of custody: transfers between establishments and releases (with the
//! looked-after status a remand gave ending with it), and what custody brings onto the team.

use jiff::civil::Date;

use resettle_domain::calendar::long_date;
use resettle_domain::child::{Child, LegalStatus};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement, PlacementReason};
use resettle_domain::ids::{ChildId, EpisodeId, OrgId, PlacementId, TeamMemberId};
use resettle_domain::meeting::meetings_on_release;
use resettle_domain::org::Role;
use resettle_domain::policy::Purpose;
use resettle_domain::team::TeamMember;
use resettle_domain::validation::ValidationErrors;

use crate::storage::{EpisodeView, PlanChanges, Release, Transfer};
use crate::{App, AppError, AppResult, Ctx};

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
    pub(super) async fn establishment_joins(
        &self,
        child: ChildId,
        est: OrgId,
        from: Date,
    ) -> AppResult<Option<TeamMember>> {
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

    pub(super) async fn open_episode(&self, child: ChildId) -> AppResult<EpisodeView> {
        self.store
            .custody(child)
            .await?
            .into_iter()
            .find(|e| e.episode.ended_on.is_none())
            .ok_or_else(|| AppError::invalid("date", "The child is not in custody"))
    }

    pub(super) fn move_date(
        &self,
        e: &mut ValidationErrors,
        raw: Option<&str>,
        not_before: Date,
        what: &str,
    ) -> Option<Date> {
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
    pub(super) async fn remand_local_authority(
        &self,
        child_id: ChildId,
        named: Option<&str>,
    ) -> AppResult<Option<OrgId>> {
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
    pub(super) async fn looked_after_ends(
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
