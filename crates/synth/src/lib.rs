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

mod health;
mod names;
mod outcomes;
mod plan;
mod readiness;

use jiff::civil::Date;
use jiff::{Span, Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use resettle_domain::calendar::{Calendar, long_date};
use resettle_domain::child::{Carer, Child, ChildDetails, Gender, LegalStatus, PncId};
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
            }
        }

        let mut services = Vec::new();
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
            summary: format!("Record created; {} responsible", service.yjs_name),
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
        if rng.random_bool(0.4) {
            let hw = service.health_workers[rng.random_range(0..service.health_workers.len())];
            team.push(TeamMember {
                id: TeamMemberId(uuid(rng)),
                child_id: id,
                organisation_id: service.yjs,
                user_id: Some(hw),
                role: Role::YjsHealthWorker,
                responsibility: "Health pathway in the community; receives health information".into(),
                started_on: joined,
                ended_on: None,
            });
            if rng.random_bool(0.5) {
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

/// What happened in custody, decided before the records are written.
struct CustodyPlan {
    start: Date,
    ended_on: Option<Date>,
    kind: EpisodeKind,
    remand: Option<(Date, Option<Date>)>,
    sentence: Option<PlannedSentence>,
}

struct PlannedSentence {
    kind: SentenceKind,
    sentence_date: Date,
    term_months: Option<u8>,
    remand_days: u32,
    dates: KeyDates,
}

fn dto(sentence_date: Date, term_months: u8, remand_days: u32) -> Option<KeyDates> {
    dto_key_dates(&DtoInput { sentence_date, term_months, remand_days }).ok().map(|d| KeyDates::from(&d))
}

/// Chooses dates consistent with the stage: a child still in custody is released in the
/// future, a released child was released on their mid-term date in the past.
fn plan_custody(rng: &mut SynthRng, today: Date, stage: &str, age: i64) -> Option<CustodyPlan> {
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
    fn custody_records(
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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn all(seed: u64, n: usize) -> (SyntheticBatch, Vec<SyntheticBatch>) {
        let g = Generator::new(seed, n, date(2026, 11, 22), "hash").unwrap();
        let base = g.base().clone();
        (base, g.collect())
    }

    #[test]
    fn the_same_seed_gives_the_same_population() {
        let (a_base, a) = all(7, 120);
        let (b_base, b) = all(7, 120);
        assert_eq!(a_base.organisations, b_base.organisations);
        assert_eq!(a[0].children, b[0].children);
        assert_eq!(a[0].team, b[0].team);
        assert_eq!(a[0].plans, b[0].plans);
        assert_eq!(a[0].meetings, b[0].meetings);
        assert_eq!(a[0].needs, b[0].needs);
        assert_eq!(a[0].need_updates, b[0].need_updates);
        assert_eq!(a[0].actions, b[0].actions);
        assert!(!a[0].meetings.is_empty() && !a[0].actions.is_empty());
        let (_, c) = all(8, 120);
        assert_ne!(a[0].children, c[0].children);
    }

    #[test]
    fn children_in_custody_have_key_dates_that_fit_their_stage() {
        let today = date(2026, 11, 22);
        let (_, batches) = all(11, 1_500);
        for b in &batches {
            for s in &b.sentences {
                let ep = b.episodes.iter().find(|e| e.id == s.episode_id).unwrap();
                let rev = b.revisions.iter().find(|r| r.sentence_id == s.id).unwrap();
                assert!(s.sentence_date <= today);
                match ep.ended_on {
                    None => assert!(rev.dates.mtd >= today, "still in custody, so release is ahead"),
                    Some(end) => {
                        assert_eq!(end, rev.dates.mtd, "released on the release date");
                        assert!(end < today);
                    }
                }
                if s.kind == SentenceKind::Dto {
                    let expect = dto(s.sentence_date, s.term_months.unwrap(), s.remand_days).unwrap();
                    assert_eq!(rev.dates, expect, "calculated by the rules");
                }
            }
            let open_with_deadlines =
                b.deadlines.iter().map(|d| d.episode_id).collect::<std::collections::HashSet<_>>();
            for e in b.episodes.iter().filter(|e| e.ended_on.is_none()) {
                assert!(open_with_deadlines.contains(&e.id), "every open episode has planning deadlines");
            }
        }
        assert!(batches.iter().any(|b| !b.remands.is_empty()));
    }

    #[test]
    fn synthetic_release_arrangements_give_every_readiness_status() {
        use resettle_domain::readiness::{
            CustodyDates, HealthHandoverState, ReadinessFacts, ReadinessRules, ReleaseArrangements, assess,
        };
        let today = date(2026, 11, 22);
        let (_, batches) = all(3, 2_000);
        let calendar = Calendar::england_and_wales();
        let mut seen = std::collections::HashSet::new();
        let mut recorded = 0;
        for b in &batches {
            for s in &b.release_arrangements {
                let ep = b.episodes.iter().find(|e| e.id == s.episode_id).unwrap();
                if ep.ended_on.is_some() {
                    // A released child's arrangements are history (the outcomes report reads them).
                    continue;
                }
                assert_eq!(ep.child_id, s.child_id);
                assert!(s.arrangements.version > 0);
                for d in
                    [s.arrangements.accommodation_confirmed_on, s.arrangements.gp_registered_on].into_iter().flatten()
                {
                    assert!(d <= today && d >= ep.started_on, "confirmed during custody, not in the future");
                }
                recorded += 1;
            }
            for ep in b.episodes.iter().filter(|e| e.ended_on.is_none()) {
                let Some(s) = b.sentences.iter().find(|s| s.episode_id == ep.id) else { continue };
                let rev = b.revisions.iter().filter(|r| r.sentence_id == s.id).max_by_key(|r| r.revision).unwrap();
                let arrangements = b
                    .release_arrangements
                    .iter()
                    .find(|a| a.episode_id == ep.id)
                    .map_or_else(ReleaseArrangements::default, |a| a.arrangements.clone());
                let plan = b.plans.iter().find(|p| p.child_id == ep.child_id);
                let facts = ReadinessFacts {
                    custody: CustodyDates::Sentenced { release: rev.dates.mtd },
                    arrangements,
                    health_handover: HealthHandoverState::NotSent,
                    plan_shared_on: plan.and_then(|p| p.shared_on),
                };
                if let Some(status) = assess(&calendar, &ReadinessRules::default(), &facts, today).status() {
                    seen.insert(status);
                }
            }
        }
        assert!(recorded > 100, "only {recorded} children with arrangements");
        assert_eq!(seen.len(), 3, "the demo caseload shows green, amber and red: {seen:?}");
    }

    #[test]
    fn released_children_have_a_year_after_release_at_plausible_rates() {
        use resettle_domain::community::{AppointmentOutcome, ComplianceRules, compliance};
        use std::collections::HashSet;
        let today = date(2026, 11, 22);
        let batches: Vec<SyntheticBatch> = Generator::new(9, 4_000, today, "hash").unwrap().collect();
        let mut released = 0u32;
        let (mut complied, mut supervised, mut arrested) = (0u32, 0u32, 0u32);
        for b in &batches {
            for ep in b.episodes.iter().filter(|e| e.ended_on.is_some()) {
                let end = ep.ended_on.unwrap();
                let Some(year) = end.checked_add(jiff::ToSpan::months(12)).ok().filter(|y| *y < today) else {
                    continue;
                };
                released += 1;
                let child = ep.child_id;
                let apps: Vec<_> = b.appointments.iter().filter(|a| a.child_id == child).cloned().collect();
                let steps: Vec<_> = b.enforcement.iter().filter(|e| e.child_id == child).cloned().collect();
                for a in &apps {
                    assert!(a.starts_at.to_zoned(jiff::tz::TimeZone::UTC).date() > end, "after release");
                    assert!(a.outcome != Some(AppointmentOutcome::Rescheduled));
                }
                if !apps.is_empty() {
                    supervised += 1;
                    if compliance(&apps, &steps, end, today, ComplianceRules::default()).fully_complied {
                        complied += 1;
                    }
                }
                let days: HashSet<_> = b
                    .offences
                    .iter()
                    .filter(|o| o.child_id == child)
                    .filter_map(|o| o.arrested_on)
                    .filter(|d| *d >= end && *d <= year)
                    .collect();
                if !days.is_empty() {
                    arrested += 1;
                }
                assert!(b.living_arrangements.iter().any(|l| l.child_id == child), "a home from release");
            }
            assert!(b.offences.iter().all(|o| o.arrested_on.is_some_and(|d| d < today)));
            assert!(b.measures.iter().all(|m| m.measured_on <= today));
        }
        assert!(released > 200, "only {released} children a year past release");
        let rate = |n: u32, d: u32| f64::from(n) / f64::from(d.max(1));
        let (c, a) = (rate(complied, supervised), rate(arrested, released));
        assert!((0.15..0.40).contains(&c), "fully complied {c:.2} (about a quarter)");
        assert!((0.35..0.65).contains(&a), "arrested within a year {a:.2} (about half)");
    }

    #[test]
    fn synthetic_plans_follow_custody_the_rules_and_the_team() {
        use resettle_domain::action_item::ActionStatus;
        use resettle_domain::meeting::{MeetingKind, MeetingStatus};
        use resettle_domain::plan::NeedStatus;
        use resettle_domain::timescales::DeadlineKind;
        use std::collections::{HashMap, HashSet};

        let today = date(2026, 11, 22);
        let g = Generator::new(5, 3_000, today, "hash").unwrap();
        let base = g.base().clone();
        let batches: Vec<SyntheticBatch> = g.collect();
        let calendar = Calendar::england_and_wales();
        let timescales = Timescales::default();
        let demo = base.users.iter().find(|u| u.user.email.as_str() == "case.manager@demo.resettle.test").unwrap();
        let mut demo_open = 0;
        let mut demo_overdue = 0;
        let mut statuses: HashSet<&str> = HashSet::new();
        for b in &batches {
            let plans: HashMap<ChildId, &resettle_domain::plan::Plan> =
                b.plans.iter().map(|p| (p.child_id, p)).collect();
            assert_eq!(plans.len(), b.plans.len(), "one plan per child");
            let in_custody: HashSet<ChildId> = b.episodes.iter().map(|e| e.child_id).collect();
            assert_eq!(plans.keys().copied().collect::<HashSet<_>>(), in_custody, "a plan for every child in custody");
            for e in &b.episodes {
                assert_eq!(plans[&e.child_id].opened_on, e.started_on, "opened when custody began");
                let meetings: Vec<_> = b.meetings.iter().filter(|m| m.child_id == e.child_id).collect();
                assert!(!meetings.is_empty());
                let sentence = b.sentences.iter().find(|s| s.episode_id == e.id);
                let remand = b.remands.iter().find(|r| r.episode_id == e.id);
                // What the rules say: the remand's planning meeting, then the sentence's
                // deadlines, release day and the post-release review.
                let mut expected: Vec<(MeetingKind, jiff::civil::Date)> = Vec::new();
                if let Some(r) = remand {
                    let d = custody_deadlines(&calendar, &timescales, r.started_on, None, None).unwrap();
                    let due = d.iter().find(|d| d.kind == DeadlineKind::InitialPlanningMeeting).unwrap().due_by;
                    expected.push((MeetingKind::RemandPlanning, due));
                }
                if let Some(s) = sentence {
                    let mtd = b.revisions.iter().find(|r| r.sentence_id == s.id).unwrap().dates.mtd;
                    let stored: Vec<_> = b.deadlines.iter().filter(|d| d.episode_id == e.id).collect();
                    let list: Vec<(DeadlineKind, jiff::civil::Date)> = if e.ended_on.is_none() {
                        stored.iter().map(|d| (d.kind, d.due_by)).collect()
                    } else {
                        assert!(stored.is_empty(), "a released child's deadlines are history");
                        custody_deadlines(&calendar, &timescales, s.sentence_date, Some(mtd), s.term_months)
                            .unwrap()
                            .iter()
                            .map(|d| (d.kind, d.due_by))
                            .collect()
                    };
                    for (kind, due) in list {
                        let kind = match kind {
                            DeadlineKind::InitialPlanningMeeting => MeetingKind::InitialPlanning,
                            DeadlineKind::ReviewMeeting => MeetingKind::Review,
                            DeadlineKind::PreReleaseMeeting => MeetingKind::PreRelease,
                            DeadlineKind::PreReleasePlan => continue,
                        };
                        expected.push((kind, due));
                    }
                    expected.push((MeetingKind::ReleaseDay, mtd));
                    expected.push((MeetingKind::PostReleaseReview, calendar.add_working_days(mtd, 10).unwrap()));
                }
                let mut got: Vec<_> = meetings.iter().map(|m| (m.kind, m.due_by.unwrap())).collect();
                got.sort();
                expected.sort();
                assert_eq!(got, expected, "meetings on the deadlines");
                for m in &meetings {
                    assert_eq!(m.episode_id, Some(e.id));
                    statuses.insert(m.status.as_str());
                    let actions = b.actions.iter().filter(|a| a.meeting_id == Some(m.id)).count();
                    match m.status {
                        MeetingStatus::Complete => assert!(m.missing(actions).is_empty(), "complete means recorded"),
                        MeetingStatus::Held => assert!(!m.missing(actions).is_empty()),
                        MeetingStatus::Scheduled => assert!(m.scheduled_for.is_some() && m.held_on.is_none()),
                        MeetingStatus::NotScheduled => assert!(m.scheduled_for.is_none() && m.held_on.is_none()),
                        MeetingStatus::Cancelled => assert!(m.decisions.is_some()),
                    }
                    if let Some(h) = m.held_on {
                        assert!(h <= today && h >= e.started_on, "held between custody and today");
                    }
                    if m.held_on.is_none() && m.status != MeetingStatus::Cancelled {
                        assert_eq!(m.is_late(today), m.due_by.unwrap() < today);
                    }
                }
            }
            let team =
                |child: ChildId, org: OrgId| b.team.iter().any(|t| t.child_id == child && t.organisation_id == org);
            for n in &b.needs {
                assert!(plans.contains_key(&n.child_id));
                assert!(team(n.child_id, n.owner_organisation_id), "need owners are on the team");
                let log: Vec<_> = b.need_updates.iter().filter(|u| u.need_id == n.id).collect();
                assert_eq!(log.iter().map(|u| u.version).collect::<Vec<_>>(), (1..=n.version).collect::<Vec<_>>());
                if matches!(n.status, NeedStatus::Declined | NeedStatus::NotRequired) {
                    assert!(log.last().unwrap().note.is_some(), "a reason for declining");
                }
                assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
                assert!(n.due_by.unwrap() >= plans[&n.child_id].opened_on);
                statuses.insert(n.status.as_str());
            }
            for a in &b.actions {
                assert!(team(a.child_id, a.owner_organisation_id), "action owners are on the team");
                if let Some(u) = a.owner_user_id {
                    let user = base.users.iter().find(|x| x.user.id == u).unwrap();
                    assert!(user.memberships.iter().any(|m| m.organisation_id == a.owner_organisation_id));
                }
                if let Some(m) = a.meeting_id {
                    assert!(b.meetings.iter().any(|x| x.id == m && x.child_id == a.child_id));
                }
                if let Some(n) = a.need_id {
                    assert!(b.needs.iter().any(|x| x.id == n && x.child_id == a.child_id));
                }
                if a.owner_user_id == Some(demo.user.id) && a.status == ActionStatus::Open {
                    demo_open += 1;
                    demo_overdue += usize::from(a.is_overdue(today));
                }
            }
        }
        assert!(demo_overdue > 0 && demo_open > demo_overdue, "the demo case manager has actions, some overdue");
        for s in ["complete", "held", "scheduled", "not_scheduled", "identified", "in_progress", "met", "declined"] {
            assert!(statuses.contains(s), "some {s}");
        }
    }

    #[test]
    fn every_role_has_a_demo_sign_in() {
        let g = Generator::new(1, 60, date(2026, 11, 22), "hash").unwrap();
        for role in Role::ALL {
            assert!(g.demo_logins().iter().any(|l| l.role == *role), "{role}");
        }
        assert!(g.demo_logins().iter().any(|l| l.email == "case.manager@demo.resettle.test"));
    }

    #[test]
    fn children_are_valid_and_on_their_services_team() {
        let today = date(2026, 11, 22);
        let (base, batches) = all(3, 2_500);
        assert_eq!(batches.iter().map(|b| b.children.len()).sum::<usize>(), 2_500);
        let codes: std::collections::HashSet<_> = base.organisations.iter().map(|o| o.code.clone()).collect();
        assert_eq!(codes.len(), base.organisations.len(), "organisation codes are unique");
        let emails: std::collections::HashSet<_> = base.users.iter().map(|u| u.user.email.clone()).collect();
        assert_eq!(emails.len(), base.users.len(), "emails are unique");
        for b in &batches {
            for c in &b.children {
                let age = resettle_domain::child::age_on(c.details.date_of_birth, today);
                assert!((10..=18).contains(&age), "age {age}");
                assert!(b.team.iter().any(|t| t.child_id == c.id && t.organisation_id == c.yjs_id));
                if let Some(n) = &c.details.nhs_number {
                    assert!(n.as_str().starts_with("999"));
                    assert!(NhsNumber::parse(n.as_str()).is_ok());
                }
            }
            for e in &b.episodes {
                if let Some(end) = e.ended_on {
                    assert!(end >= e.started_on);
                }
            }
        }
        let girls =
            batches.iter().flat_map(|b| &b.children).filter(|c| c.details.gender == Some(Gender::Female)).count();
        assert!(girls < 250, "mostly boys, as in custody: {girls} girls");
        let remands = batches
            .iter()
            .flat_map(|b| &b.episodes)
            .filter(|e| e.ended_on.is_none() && e.kind == EpisodeKind::Remand)
            .count();
        let open = batches.iter().flat_map(|b| &b.episodes).filter(|e| e.ended_on.is_none()).count();
        let share = remands as f64 / open as f64;
        assert!((0.3..0.6).contains(&share), "about 40% of those in custody on remand: {share}");
    }
}
