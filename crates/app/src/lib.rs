//! Resettle's application services: the use cases (sign in, add a child, build the team…)
//! written against the [`storage::Storage`] trait. This crate decides *what* happens, asking
//! the domain's access policy before every read and write; it does not know which database
//! stores the data or how requests arrive.

pub mod access;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod children;
pub mod community;
pub mod custody;
pub mod error;
pub mod fhir;
pub mod health;
pub mod import;
pub mod invite;
pub mod mail;
pub mod notifications;
pub mod outcomes;
pub mod plan;
pub mod readiness;
pub mod restore;
pub mod retention;
pub mod secrets;
pub mod subject_access;
pub mod temporary_release;
pub use resettle_storage as storage;
pub mod throttle;
pub mod totp;
pub mod triage;

use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use resettle_domain::policy::{Action, Actor, ChildScope, Credential, Decision, decide_with};

pub use error::{AppError, AppResult};
use storage::Storage;

/// Settings the services need.
#[derive(Clone, Debug)]
pub struct Config {
    /// A session ends after this long without a request (OWASP ASVS 3.3.2: 30 minutes).
    pub session_idle: SignedDuration,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute: SignedDuration,
    /// Days an API token lasts when no other length is asked for.
    pub api_token_days: i64,
    /// Deadlines: the `[timescales]` section of the configuration file.
    pub timescales: resettle_domain::timescales::Timescales,
    /// How long a break-glass grant lasts (`[access] break_glass_hours`, default 4).
    pub break_glass: SignedDuration,
    /// Email: the `[mail]` section (the relay and the sender).
    pub mail: mail::MailSettings,
    /// Release readiness: the `[readiness]` section of the configuration file.
    pub readiness: resettle_domain::readiness::ReadinessRules,
    /// Where checkpoints of the audit chain are published, outside the database
    /// (`[audit] checkpoint_file`); none: no checkpoints.
    pub audit_checkpoints: Option<std::path::PathBuf>,
    /// How long a one-time set-password link works (default 72 hours).
    pub password_link: SignedDuration,
    /// Months each released child is followed for (`[outcomes] follow_up_months`, default 12).
    pub follow_up_months: i32,
    /// The rules that derive compliance (`[outcomes] absences_for_warning`).
    pub compliance: resettle_domain::community::ComplianceRules,
    /// The default repeating schedule of appointments (`[outcomes] appointment_schedule`).
    pub appointment_schedule: Vec<resettle_domain::community::SchedulePhase>,
    /// The fall in the SDQ total that counts as reliable improvement (`[outcomes]
    /// sdq_reliable_change`, default 8).
    pub sdq_reliable_change: u8,
    /// The smallest count shown to people who see counts only (`[reports] min_cell`, default 5).
    pub min_cell: u32,
    /// How long each class of record is kept (`[retention]`).
    pub retention: resettle_domain::retention::RetentionRules,
    /// What subject access exports leave out (`[subject_access]`).
    pub subject_access: resettle_domain::subject_access::RedactionRules,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            session_idle: SignedDuration::from_mins(30),
            session_absolute: SignedDuration::from_hours(12),
            api_token_days: 90,
            timescales: resettle_domain::timescales::Timescales::default(),
            break_glass: SignedDuration::from_hours(4),
            mail: mail::MailSettings::default(),
            readiness: resettle_domain::readiness::ReadinessRules::default(),
            audit_checkpoints: None,
            password_link: SignedDuration::from_hours(72),
            follow_up_months: resettle_domain::post_release::DEFAULT_FOLLOW_UP_MONTHS,
            compliance: resettle_domain::community::ComplianceRules::default(),
            appointment_schedule: resettle_domain::community::DEFAULT_SCHEDULE.to_vec(),
            sdq_reliable_change: resettle_domain::outcomes::DEFAULT_SDQ_RELIABLE_CHANGE,
            min_cell: resettle_domain::outcomes::DEFAULT_MIN_CELL,
            retention: resettle_domain::retention::RetentionRules::default(),
            subject_access: resettle_domain::subject_access::RedactionRules::default(),
        }
    }
}

/// UK civil time.
pub(crate) fn london() -> TimeZone {
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// Where the time comes from: the system clock, or a fixed instant in tests.
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant.
    Fixed(Timestamp),
}

/// Who is acting and on what request, passed to every service that touches a child.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The signed-in user.
    pub actor: Actor,
    /// The request's id, for logs and (later) the audit trail.
    pub request_id: String,
    /// The client address.
    pub ip: Option<String>,
    /// How the caller proved who they are: some actions need the second factor of a session.
    pub credential: Credential,
}

/// Who is asking for an administrative change: a signed-in user, or the operator at the
/// command line (who already holds the database and so is trusted).
#[derive(Clone, Copy, Debug)]
pub enum Principal<'a> {
    /// The `resettle` command line.
    Operator,
    /// A signed-in user, in a browser session.
    User(&'a Actor),
    /// A user calling the API with a bearer token: no second factor stands behind it.
    Token(&'a Actor),
}

impl Principal<'_> {
    /// Whether the principal may take `action`, as the access policy decides.
    pub(crate) fn decide(&self, action: Action) -> Option<Decision> {
        match *self {
            Principal::Operator => None,
            Principal::User(actor) => Some(decide_with(actor, Credential::Session, action, None)),
            Principal::Token(actor) => Some(decide_with(actor, Credential::BearerToken, action, None)),
        }
    }
}

/// The organisation list and when it was read.
type CachedOrganisations = (Timestamp, Arc<Vec<resettle_domain::org::Organisation>>);

/// The application: storage plus settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Storage>,
    config: Arc<Config>,
    clock: Clock,
    organisations: Arc<std::sync::RwLock<Option<CachedOrganisations>>>,
    audit_writer: audit::AuditWriter,
    caches: Arc<Caches>,
}

/// The read caches (see [`cache`]).
#[derive(Default)]
struct Caches {
    caseload: cache::ReadCache<children::CaseloadKey, Vec<storage::CaseloadRow>>,
    readiness: cache::ReadCache<readiness::ReadinessKey, readiness::AssessedRows>,
    records: cache::ReadCache<resettle_domain::ids::ChildId, children::RecordParts>,
    users: cache::ReadCache<resettle_domain::ids::UserId, Option<storage::UserRecord>>,
    /// The working-day calendar: built from the rules of every supported year and the bank
    /// holidays an administrator added, which most pages need and which changes once a year.
    calendar: cache::ReadCache<(), resettle_domain::calendar::Calendar>,
}

impl App {
    /// An application over `store`.
    pub fn new(store: Arc<dyn Storage>, config: Config) -> Self {
        Self {
            store,
            config: Arc::new(config),
            clock: Clock::System,
            organisations: Arc::default(),
            audit_writer: audit::AuditWriter::default(),
            caches: Arc::default(),
        }
    }

    /// The same application reading time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Where the time comes from.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The storage, for health checks and bulk loading.
    pub fn store(&self) -> &dyn Storage {
        self.store.as_ref()
    }

    /// Settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Now, to the microsecond (the precision both databases keep, so a value read back
    /// equals the value written).
    pub fn now(&self) -> Timestamp {
        let t = match self.clock {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => t,
        };
        Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t)
    }

    /// Today in England and Wales (UK civil time decides which day a deadline falls on).
    pub fn today(&self) -> Date {
        self.now().to_zoned(london()).date()
    }

    /// The children `ctx`'s actor may open today through the team around them: the scope
    /// for changing a record.
    pub fn scope(&self, actor: &Actor) -> ChildScope {
        ChildScope::of(actor, self.today())
    }

    /// The children the actor may read: [`App::scope`] widened by their break-glass grants
    /// valid now.
    pub fn read_scope(&self, actor: &Actor) -> ChildScope {
        self.scope(actor).with_emergency_access(actor, self.now())
    }
}
