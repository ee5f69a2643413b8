//! A realistic synthetic population for the demo, tests and benchmarks — never real people.
//!
//! Shaped on the published figures in `DOMAIN.md`: about 150 youth justice services, a few
//! dozen secure establishments, children mostly boys aged 15–17, about 40% of those in custody
//! on remand, children at every stage (remanded, sentenced, released, not yet in custody) with
//! histories on their timelines. Names come from built-in lists of common names, NHS numbers
//! from the 999 range reserved for testing (with valid check digits), addresses from a
//! "Test Street" pattern and phone numbers from the range Ofcom keeps for drama.
//!
//! Every child who has been in custody has a resettlement plan (see `plan.rs`): the meetings
//! the key-date rules call for, needs owned by organisations on the team, and actions.
//!
//! The output is deterministic for a seed and a reference day: the same `(seed, today)` gives
//! the same organisations, people, children and histories. Identifiers count up (see [`uuid`])
//! so that loading a large population appends to the database's indexes.

mod custody;
mod health;
mod names;
mod outcomes;
mod plan;
mod readiness;

use custody::{CustodyPlan, plan_custody};

use jiff::civil::Date;
use jiff::{Span, Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use resettle_domain::calendar::{Calendar, long_date};
use resettle_domain::child::{Carer, Child, ChildDetails, Gender, Language, LegalStatus, PncId};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement, PlacementReason};
use resettle_domain::dto::{DtoInput, dto_key_dates};
use resettle_domain::ids::*;
use resettle_domain::nhs::NhsNumber;
use resettle_domain::org::{Email, Membership, OrgCode, OrgKind, Organisation, Role, User};
use resettle_domain::post_release::dto_supervision_ends_on;
use resettle_domain::sentence::{
    KeyDates, KeyDatesRevision, KeyDatesSource, Remand, Sentence, SentenceKind, StoredDeadline,
};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_domain::timescales::{Timescales, custody_deadlines};
use resettle_storage::{SyntheticBatch, UserRecord};
use uuid::Uuid;

/// The password of every synthetic user. Demo only: the data is synthetic.
pub const DEMO_PASSWORD: &str = "demo-only-passphrase";

/// The domain of the demo sign-ins (`.test` is reserved and never resolves).
pub const DEMO_DOMAIN: &str = "demo.resettle.test";

/// Children generated per batch (and so per database transaction).
pub const CHILDREN_PER_BATCH: usize = 2_000;

/// A sign-in printed for the demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    /// The role it shows.
    pub role: Role,
    /// Sign-in address.
    pub email: String,
    /// Where the role is held.
    pub organisation: String,
}

#[derive(Clone, Debug)]
struct Service {
    yjs: OrgId,
    yjs_name: String,
    local_authority: OrgId,
    education: OrgId,
    case_managers: Vec<(UserId, String)>,
    health_workers: Vec<UserId>,
}

#[derive(Clone, Debug)]
struct Establishment {
    id: OrgId,
    kind: OrgKind,
    name: String,
}

/// The generator: organisations and people up front, children in batches.
pub struct Generator {
    rng: SynthRng,
    today: Date,
    services: Vec<Service>,
    establishments: Vec<Establishment>,
    base: SyntheticBatch,
    logins: Vec<DemoLogin>,
    remaining: usize,
    next_nhs: u32,
    next_pnc: u32,
    calendar: Calendar,
    timescales: Timescales,
    tz: jiff::tz::TimeZone,
}

fn weighted<'a, T>(rng: &mut SynthRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    &items[0].0
}

fn pick<'a>(rng: &mut SynthRng, items: &'a [&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// The generator's randomness, plus a count of the identifiers made so far.
struct SynthRng {
    rng: StdRng,
    ids: u64,
}

impl RngCore for SynthRng {
    fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        self.rng.fill_bytes(dst)
    }
}

/// A fixed instant (14 November 2023) that synthetic identifiers count up from.
const ID_EPOCH_MS: u64 = 1_700_000_000_000;

/// An identifier in the UUID version 7 layout: the next count as its "time", then random bits.
/// Each is greater than the last, so bulk loading appends to every index that leads with an
/// id instead of scattering writes across it (a large run stays fast as the database grows).
fn uuid(rng: &mut SynthRng) -> Uuid {
    rng.ids += 1;
    let random: [u8; 10] = rng.rng.random();
    uuid::Builder::from_unix_timestamp_millis(ID_EPOCH_MS + rng.ids, &random).into_uuid()
}

/// A code such as `YJS-MILTON-KEYNES-2`, cut to fit the 20 characters a code may have.
fn code_for(prefix: &str, place: &str, n: usize) -> Result<OrgCode, String> {
    let base = place.to_ascii_uppercase().replace(' ', "-");
    let suffix = if n == 0 { String::new() } else { format!("-{}", n + 1) };
    let head: String = format!("{prefix}-{base}").chars().take(20 - suffix.len()).collect();
    OrgCode::parse(&format!("{}{suffix}", head.trim_end_matches('-')))
}

fn at(day: Date, rng: &mut SynthRng) -> Timestamp {
    let t = day.at(rng.random_range(8..18), rng.random_range(0..60), 0, 0);
    t.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn days_before(day: Date, n: i64) -> Date {
    day.checked_sub(Span::new().days(n)).unwrap_or(day)
}

impl Generator {
    /// A population with `children` children, generated from `seed` as of `today`.
    /// `password_hash` is stored for every user (hashing once keeps large runs fast).
    pub fn new(seed: u64, children: usize, today: Date, password_hash: &str) -> Result<Self, String> {
        let mut rng = SynthRng { rng: StdRng::seed_from_u64(seed), ids: 0 };
        let mut base = SyntheticBatch::default();
        let mut logins = Vec::new();
        let services_n = (children / 60).clamp(3, 150);
        let per_service = children.div_ceil(services_n).max(1);

        let mut users_made = 0usize;
        let mut add_user = |rng: &mut SynthRng,
                            base: &mut SyntheticBatch,
                            logins: &mut Vec<DemoLogin>,
                            org: &Organisation,
                            role: Role,
                            demo_email: Option<&str>|
         -> Result<UserId, String> {
            users_made += 1;
            let id = UserId(uuid(rng));
            let first = if rng.random_bool(0.5) { pick(rng, names::GIRLS) } else { pick(rng, names::BOYS) };
            let last = pick(rng, names::SURNAMES);
            let address = match demo_email {
                Some(local) => format!("{local}@{DEMO_DOMAIN}"),
                None => format!(
                    "{}.{}.{users_made}@{}.test",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    org.code.as_str().to_lowercase()
                ),
            };
            if demo_email.is_some() {
                logins.push(DemoLogin { role, email: address.clone(), organisation: org.name.clone() });
            }
            base.users.push(UserRecord {
                user: User {
                    id,
                    email: Email::parse(&address)?,
                    name: format!("{first} {last}"),
                    phone: Some(format!("07700 900{:03}", rng.random_range(0..1000))),
                    active: true,
                },
                password_hash: Some(password_hash.to_string()),
                memberships: vec![Membership {
                    id: MembershipId(uuid(rng)),
                    user_id: id,
                    organisation_id: org.id,
                    role,
                }],
            });
            Ok(id)
        };

        let org = |rng: &mut SynthRng,
                   base: &mut SyntheticBatch,
                   code: Result<OrgCode, String>,
                   name: String,
                   kind: OrgKind| {
            let o = Organisation { id: OrgId(uuid(rng)), code: code?, name, kind };
            base.organisations.push(o.clone());
            Ok::<_, String>(o)
        };

        // The partnership board holds the strategic lead and the administrator.
        let board = org(
            &mut rng,
            &mut base,
            code_for("BOARD", "NATIONAL", 0),
            "Youth Justice Partnership Board (synthetic)".into(),
            OrgKind::Other,
        )?;

        // Secure establishments: fictional, named after towns, never the real ones.
        let mut establishments = Vec::new();
        let counts = [
            (OrgKind::Yoi, (children / 100).clamp(1, 4), "YOI", "Young Offender Institution"),
            (OrgKind::Stc, usize::from(children >= 200), "STC", "Secure Training Centre"),
            (OrgKind::Sch, (children / 300).clamp(1, 13), "SCH", "Secure Children's Home"),
            (OrgKind::SecureSchool, usize::from(children >= 500), "SS", "Secure School"),
        ];
        let mut place_i = 40;
        let mut establishment_orgs = Vec::new();
        for (kind, n, prefix, label) in counts {
            for i in 0..n {
                let place = names::PLACES[place_i % names::PLACES.len()];
                place_i += 7;
                let o =
                    org(&mut rng, &mut base, code_for(prefix, place, i), format!("{place} {label} (synthetic)"), kind)?;
                establishments.push(Establishment { id: o.id, kind, name: o.name.clone() });
                let first = establishments.len() == 1;
                for j in 0..3 {
                    let demo = (first && j == 0).then_some("secure.practitioner");
                    add_user(&mut rng, &mut base, &mut logins, &o, Role::SecurePractitioner, demo)?;
                }
                for j in 0..2 {
                    let demo = (first && j == 0).then_some("custody.health");
                    add_user(&mut rng, &mut base, &mut logins, &o, Role::CustodyHealth, demo)?;
                }
                establishment_orgs.push(o);
            }
        }

        let mut services = Vec::new();
        let mut first_yjs = None;
        let mut local_authorities = Vec::new();
        for i in 0..services_n {
            let place = names::PLACES[i % names::PLACES.len()];
            let round = i / names::PLACES.len();
            let suffix = if round == 0 { String::new() } else { format!(" {}", round + 1) };
            let yjs = org(
                &mut rng,
                &mut base,
                code_for("YJS", place, round),
                format!("{place}{suffix} Youth Justice Service"),
                OrgKind::Yjs,
            )?;
            let la = org(
                &mut rng,
                &mut base,
                code_for("LA", place, round),
                format!("{place}{suffix} Council Children's Services"),
                OrgKind::LocalAuthority,
            )?;
            let edu = org(
                &mut rng,
                &mut base,
                code_for("EDU", place, round),
                format!("{place}{suffix} College"),
                OrgKind::Education,
            )?;
            org(
                &mut rng,
                &mut base,
                code_for("NHS", place, round),
                format!("{place}{suffix} Children's Health Service"),
                OrgKind::Health,
            )?;
            let first = i == 0;
            if first {
                first_yjs = Some(yjs.clone());
            }
            let n_cm = (per_service / 15).clamp(2, 60);
            let mut case_managers = Vec::new();
            for j in 0..n_cm {
                let demo = (first && j == 0).then_some("case.manager");
                let id = add_user(&mut rng, &mut base, &mut logins, &yjs, Role::YjsCaseManager, demo)?;
                let name = base.users.last().map(|u| u.user.name.clone()).unwrap_or_default();
                case_managers.push((id, name));
            }
            let mut health_workers = Vec::new();
            for j in 0..(per_service / 100).clamp(1, 6) {
                let demo = (first && j == 0).then_some("health.worker");
                health_workers.push(add_user(&mut rng, &mut base, &mut logins, &yjs, Role::YjsHealthWorker, demo)?);
            }
            add_user(&mut rng, &mut base, &mut logins, &yjs, Role::YjsManager, first.then_some("yjs.manager"))?;
            for j in 0..2 {
                let demo = (first && j == 0).then_some("accommodation.officer");
                add_user(&mut rng, &mut base, &mut logins, &la, Role::AccommodationOfficer, demo)?;
            }
            add_user(&mut rng, &mut base, &mut logins, &edu, Role::EteCoordinator, first.then_some("ete.coordinator"))?;
            local_authorities.push(la.clone());
            services.push(Service {
                yjs: yjs.id,
                yjs_name: yjs.name.clone(),
                local_authority: la.id,
                education: edu.id,
                case_managers,
                health_workers,
            });
        }
        add_user(&mut rng, &mut base, &mut logins, &board, Role::StrategicLead, Some("strategic.lead"))?;
        add_user(&mut rng, &mut base, &mut logins, &board, Role::Admin, Some("admin"))?;
        // The first service's data protection officer, drawn from a generator of their own so
        // that the rest of the synthetic data stays as it was for the same seed.
        if let Some(yjs) = &first_yjs {
            let mut side = SynthRng { rng: StdRng::seed_from_u64(seed ^ 0x5a5a_5a5a), ids: u64::from(u32::MAX) };
            add_user(&mut side, &mut base, &mut logins, yjs, Role::DataProtectionOfficer, Some("data.protection"))?;
            // Each establishment's manager and each local authority's social worker, from the
            // same side generator.
            for (i, o) in establishment_orgs.iter().enumerate() {
                add_user(
                    &mut side,
                    &mut base,
                    &mut logins,
                    o,
                    Role::SecureManager,
                    (i == 0).then_some("secure.manager"),
                )?;
            }
            for (i, o) in local_authorities.iter().enumerate() {
                add_user(
                    &mut side,
                    &mut base,
                    &mut logins,
                    o,
                    Role::SocialWorker,
                    (i == 0).then_some("social.worker"),
                )?;
            }
        }

        Ok(Self {
            rng,
            today,
            services,
            establishments,
            base,
            logins,
            remaining: children,
            next_nhs: 999_000_000,
            next_pnc: 1,
            calendar: Calendar::england_and_wales(),
            timescales: Timescales::default(),
            tz: jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC),
        })
    }

    /// The organisations and users (load these first).
    pub fn base(&self) -> &SyntheticBatch {
        &self.base
    }

    /// The demo sign-ins, one per role.
    pub fn demo_logins(&self) -> &[DemoLogin] {
        &self.logins
    }

    fn nhs_number(&mut self) -> Option<NhsNumber> {
        loop {
            let n = self.next_nhs;
            self.next_nhs = self.next_nhs.saturating_add(1);
            if n > 999_999_999 {
                return None;
            }
            if let Some(valid) = NhsNumber::from_first_nine(n) {
                return Some(valid);
            }
        }
    }

    fn child(&mut self, batch: &mut SyntheticBatch) {
        let today = self.today;
        let rng = &mut self.rng;
        let service = self.services[rng.random_range(0..self.services.len())].clone();
        let girl = rng.random_bool(0.03);
        let given = if girl { pick(rng, names::GIRLS) } else { pick(rng, names::BOYS) };
        let family = pick(rng, names::SURNAMES);
        let age = *weighted(rng, &[(12i64, 2), (13, 5), (14, 13), (15, 25), (16, 30), (17, 25)]);
        let dob = days_before(today, age * 365 + rng.random_range(0..360));
        let id = ChildId(uuid(rng));

        // Stage: remanded, sentenced, released, or not (yet) in custody.
        let stage = *weighted(rng, &[("remand", 30), ("sentence", 35), ("released", 30), ("community", 5)]);
        let plan = plan_custody(rng, today, stage, age);
        let custody_start = plan.as_ref().map(|p| p.start);
        let release = plan.as_ref().and_then(|p| p.ended_on);
        let created_on = days_before(custody_start.unwrap_or(today), rng.random_range(1..40));
        let legal_status = if stage == "remand" {
            LegalStatus::LookedAfter
        } else {
            *weighted(
                rng,
                &[(LegalStatus::NotLookedAfter, 62), (LegalStatus::LookedAfter, 30), (LegalStatus::CareLeaver, 8)],
            )
        };
        let ethnicity = weighted(rng, names::ETHNICITIES).to_string();
        let language = weighted(rng, names::LANGUAGES).to_string();
        let pnc_serial = self.next_pnc;
        self.next_pnc += 1;
        let yy = (created_on.year() % 100) as u32;
        let letters = b"ZABCDEFGHJKLMNPQRTUVWXY";
        let check = letters[((yy as u64 * 10_000_000 + pnc_serial as u64) % 23) as usize] as char;
        let pnc = PncId::parse(&format!("{yy:02}/{pnc_serial:07}{check}")).ok();
        let nhs = if self.rng.random_bool(0.92) { self.nhs_number() } else { None };
        let rng = &mut self.rng;
        let created_at = at(created_on, rng);

        let (case_manager, cm_name) = service.case_managers[rng.random_range(0..service.case_managers.len())].clone();
        let mut timeline = vec![TimelineEntry {
            id: TimelineEntryId(uuid(rng)),
            child_id: id,
            at: created_at,
            actor_id: Some(case_manager),
            actor_name: cm_name.clone(),
            kind: "child.created".into(),
            summary: format!("Record created, with {} responsible", service.yjs_name),
            reason: None,
        }];
        let mut team = vec![TeamMember {
            id: TeamMemberId(uuid(rng)),
            child_id: id,
            organisation_id: service.yjs,
            user_id: Some(case_manager),
            role: Role::YjsCaseManager,
            responsibility: "Owns the case and coordinates the resettlement plan".into(),
            started_on: created_on,
            ended_on: None,
        }];
        let mut last = created_at;
        let mut in_custody: Option<(CustodyEpisode, String)> = None;

        if let Some(start) = custody_start {
            let kind = plan.as_ref().map(|p| p.kind).unwrap_or(EpisodeKind::Remand);
            let episode = CustodyEpisode {
                id: EpisodeId(uuid(rng)),
                child_id: id,
                kind,
                started_on: start,
                ended_on: release,
                recorded_at: None,
            };
            let est_weights: Vec<(usize, u32)> = self
                .establishments
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    (
                        i,
                        match e.kind {
                            OrgKind::Yoi => 70,
                            OrgKind::Sch => 20,
                            OrgKind::Stc => 5,
                            _ => 5,
                        },
                    )
                })
                .collect();
            let first = self.establishments[*weighted(rng, &est_weights)].clone();
            let transfer_on = (rng.random_bool(0.15)).then(|| {
                let end = release.unwrap_or(today);
                let span = (end - start).get_days().max(2);
                start.checked_add(rng.random_range(1..span).days()).unwrap_or(start)
            });
            let mut placements = vec![Placement {
                id: PlacementId(uuid(rng)),
                episode_id: episode.id,
                establishment_id: first.id,
                started_on: start,
                ended_on: transfer_on.or(release),
                reason: PlacementReason::Admission,
            }];
            let started_at = at(start, rng);
            timeline.push(TimelineEntry {
                id: TimelineEntryId(uuid(rng)),
                child_id: id,
                at: started_at,
                actor_id: Some(case_manager),
                actor_name: cm_name.clone(),
                kind: "custody.started".into(),
                summary: format!("{} from {} at {}", kind.label(), long_date(start), first.name),
                reason: None,
            });
            team.push(TeamMember {
                id: TeamMemberId(uuid(rng)),
                child_id: id,
                organisation_id: first.id,
                user_id: None,
                role: Role::SecurePractitioner,
                responsibility: "The custody part of the plan, and release day".into(),
                started_on: start,
                ended_on: transfer_on.or(release),
            });
            last = started_at;
            if let Some(moved) = transfer_on {
                let others: Vec<&Establishment> = self.establishments.iter().filter(|e| e.id != first.id).collect();
                if let Some(second) = (!others.is_empty()).then(|| others[rng.random_range(0..others.len())].clone()) {
                    placements.push(Placement {
                        id: PlacementId(uuid(rng)),
                        episode_id: episode.id,
                        establishment_id: second.id,
                        started_on: moved,
                        ended_on: release,
                        reason: PlacementReason::Transfer,
                    });
                    team.push(TeamMember {
                        id: TeamMemberId(uuid(rng)),
                        child_id: id,
                        organisation_id: second.id,
                        user_id: None,
                        role: Role::SecurePractitioner,
                        responsibility: "The custody part of the plan, and release day".into(),
                        started_on: moved,
                        ended_on: release,
                    });
                    last = at(moved, rng);
                    timeline.push(TimelineEntry {
                        id: TimelineEntryId(uuid(rng)),
                        child_id: id,
                        at: last,
                        actor_id: None,
                        actor_name: "Secure practitioner (synthetic)".into(),
                        kind: "custody.transferred".into(),
                        summary: format!("Transferred to {}", second.name),
                        reason: Some("Placement review".into()),
                    });
                } else {
                    placements[0].ended_on = release;
                    if let Some(t) = team.last_mut() {
                        t.ended_on = release;
                    }
                }
            }
            if let Some(end) = release {
                last = at(end, rng);
                timeline.push(TimelineEntry {
                    id: TimelineEntryId(uuid(rng)),
                    child_id: id,
                    at: last,
                    actor_id: Some(case_manager),
                    actor_name: cm_name.clone(),
                    kind: "custody.ended".into(),
                    summary: format!("Released on {}", long_date(end)),
                    reason: None,
                });
            }
            if let Some(plan) = &plan {
                self.custody_records(batch, id, &episode, plan, first.id, (case_manager, &cm_name));
            }
            in_custody = Some((episode.clone(), first.name.clone()));
            batch.episodes.push(episode);
            batch.placements.extend(placements);
        }

        let rng = &mut self.rng;
        let joined = custody_start.unwrap_or(created_on);
        if rng.random_bool(0.5) {
            team.push(TeamMember {
                id: TeamMemberId(uuid(rng)),
                child_id: id,
                organisation_id: service.local_authority,
                user_id: None,
                role: Role::AccommodationOfficer,
                responsibility: "Accommodation on release and looked-after status".into(),
                started_on: joined,
                ended_on: None,
            });
        }
        if rng.random_bool(0.45) {
            team.push(TeamMember {
                id: TeamMemberId(uuid(rng)),
                child_id: id,
                organisation_id: service.education,
                user_id: None,
                role: Role::EteCoordinator,
                responsibility: "Education or training place for release".into(),
                started_on: joined,
                ended_on: None,
            });
        }
        // Every child in custody has a YJS health worker to receive the health handover that
        // readiness asks for; other children have one 40% of the time. The ones added for
        // custody are picked without the generator, so the rest of the population stays the
        // same for a seed.
        let rolled = rng.random_bool(0.4);
        let in_custody_now = in_custody.as_ref().is_some_and(|(e, _)| e.ended_on.is_none());
        let health_worker = if rolled {
            let hw = service.health_workers[rng.random_range(0..service.health_workers.len())];
            Some((hw, TeamMemberId(uuid(rng))))
        } else if in_custody_now {
            let n = u128::try_from(service.health_workers.len()).unwrap_or(1).max(1);
            let k = usize::try_from(id.0.as_u128() % n).unwrap_or(0);
            let member = TeamMemberId(uuid::Uuid::from_u128(id.0.as_u128().rotate_left(17)));
            service.health_workers.get(k).map(|hw| (*hw, member))
        } else {
            None
        };
        if let Some((hw, member_id)) = health_worker {
            team.push(TeamMember {
                id: member_id,
                child_id: id,
                organisation_id: service.yjs,
                user_id: Some(hw),
                role: Role::YjsHealthWorker,
                responsibility: "Health pathway in the community; receives health information".into(),
                started_on: joined,
                ended_on: None,
            });
            if rolled && rng.random_bool(0.5) {
                health::records(
                    rng,
                    batch,
                    &health::HealthFor {
                        child: id,
                        today,
                        age,
                        yjs: service.yjs,
                        case_manager: (case_manager, &cm_name),
                        health_worker: hw,
                    },
                );
            }
        }

        let carers_from = batch.carers.len();
        let carers_n = if rng.random_bool(0.9) { if rng.random_bool(0.3) { 2 } else { 1 } } else { 0 };
        for k in 0..carers_n {
            let relationship = weighted(rng, names::RELATIONSHIPS).to_string();
            let cg = if relationship.contains("Father") || rng.random_bool(0.3) {
                pick(rng, names::BOYS)
            } else {
                pick(rng, names::GIRLS)
            };
            let surname = if k == 0 && rng.random_bool(0.7) { family } else { pick(rng, names::SURNAMES) };
            batch.carers.push(Carer {
                id: CarerId(uuid(rng)),
                child_id: id,
                name: format!("{cg} {surname}"),
                relationship: relationship.clone(),
                phone: Some(format!("07700 900{:03}", rng.random_range(0..1000))),
                email: rng
                    .random_bool(0.5)
                    .then(|| format!("{}.{}@example.org", cg.to_lowercase(), surname.to_lowercase())),
                address: Some(format!(
                    "{} Test Street, {}, ZZ{} {}XX",
                    rng.random_range(1..200),
                    pick(rng, names::PLACES),
                    rng.random_range(1..99),
                    rng.random_range(1..9)
                )),
                parental_responsibility: matches!(relationship.as_str(), "Mother" | "Father" | "Grandmother"),
                preferred_language: Language::En,
            });
        }

        if let (Some(custody), Some((episode, establishment))) = (&plan, &in_custody) {
            let carers: Vec<(String, String)> =
                batch.carers[carers_from..].iter().map(|c| (c.name.clone(), c.relationship.clone())).collect();
            self.plan_records(
                batch,
                &plan::PlanFor {
                    child: id,
                    given_name: given,
                    legal_status,
                    episode,
                    custody,
                    establishment,
                    service: &service,
                    case_manager: (case_manager, &cm_name),
                    team: &team,
                    carers: &carers,
                },
            );
        }

        if let Some(CustodyPlan { ended_on: Some(released_on), sentence: Some(s), .. }) = &plan {
            let supervision_ends_on = match s.term_months {
                Some(term) => dto_supervision_ends_on(dob, term, s.dates.mtd, s.dates.sled).unwrap_or(s.dates.sled),
                None => s.dates.sled,
            };
            outcomes::after_release(
                &mut self.rng,
                batch,
                &outcomes::OutcomesFor {
                    child: id,
                    episode: in_custody.as_ref().map(|(e, _)| e.id),
                    released_on: *released_on,
                    supervision_ends_on,
                    today,
                    recorder: &cm_name,
                },
            );
        }

        batch.children.push(Child {
            id,
            yjs_id: service.yjs,
            details: ChildDetails {
                given_name: given.to_string(),
                family_name: family.to_string(),
                preferred_name: None,
                date_of_birth: dob,
                nhs_number: nhs,
                pnc_id: pnc,
                gender: Some(if girl { Gender::Female } else { Gender::Male }),
                ethnicity: Some(ethnicity),
                // A Welsh speaker prefers Welsh in what is written to them.
                preferred_language: if language == "Welsh" { Language::Cy } else { Language::En },
                first_language: Some(language),
                legal_status,
            },
            version: 1,
            created_at,
            updated_at: last,
        });
        batch.team.extend(team);
        batch.timeline.extend(timeline);
    }
}

impl Iterator for Generator {
    type Item = SyntheticBatch;

    /// The next batch of up to [`CHILDREN_PER_BATCH`] children with their histories.
    fn next(&mut self) -> Option<SyntheticBatch> {
        if self.remaining == 0 {
            return None;
        }
        let n = self.remaining.min(CHILDREN_PER_BATCH);
        self.remaining -= n;
        let mut batch = SyntheticBatch::default();
        for _ in 0..n {
            self.child(&mut batch);
        }
        Some(batch)
    }
}

#[cfg(test)]
mod tests;
