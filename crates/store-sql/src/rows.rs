//! Rows as the databases return them, and their conversion to domain values. Shared by both
//! databases: every field type here decodes from SQLite and from PostgreSQL.

use std::str::FromStr;

use jiff_sqlx::ToSqlx;
use resettle_domain::child::{Carer, Child, ChildDetails, PncId};
use resettle_domain::custody::{CustodyEpisode, Placement};
use resettle_domain::ids::*;
use resettle_domain::nhs::NhsNumber;
use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};
use resettle_domain::sentence::{KeyDates, KeyDatesRevision, Remand, Sentence, StoredDeadline};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_storage::SentenceView;
use resettle_storage::{
    ApiTokenRecord, BreakGlassGrant, BreakGlassLine, CaseloadRow, CurrentCustody, EpisodeView, PendingStep,
    PlacementView, SessionRecord, StorageError, StorageResult, TeamMemberView, TotpCredential, UserRecord,
};
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};
use uuid::Uuid;

type BoxErr = Box<dyn std::error::Error + Send + Sync>;

/// A timestamp as stored: TIMESTAMPTZ on PostgreSQL; on SQLite, fixed-width UTC text with
/// microseconds (`2026-11-22T14:04:25.123456Z`) so that text order is time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbTimestamp(pub jiff::Timestamp);

/// Wraps a timestamp for binding.
pub fn ts(t: jiff::Timestamp) -> DbTimestamp {
    DbTimestamp(t)
}

/// Wraps a date for binding.
pub fn date(d: jiff::civil::Date) -> jiff_sqlx::Date {
    d.to_sqlx()
}

impl Type<Sqlite> for DbTimestamp {
    fn type_info() -> SqliteTypeInfo {
        <str as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for DbTimestamp {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'_>>) -> Result<sqlx::encode::IsNull, BoxErr> {
        let text = self.0.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        Encode::<Sqlite>::encode(text, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTimestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxErr> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(DbTimestamp(text.parse()?))
    }
}

impl Type<Postgres> for DbTimestamp {
    fn type_info() -> PgTypeInfo {
        <jiff_sqlx::Timestamp as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for DbTimestamp {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<sqlx::encode::IsNull, BoxErr> {
        Encode::<Postgres>::encode(self.0.to_sqlx(), buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbTimestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxErr> {
        Ok(DbTimestamp(<jiff_sqlx::Timestamp as Decode<Postgres>>::decode(value)?.to_jiff()))
    }
}

/// A stored text value read back as its domain type; a value that does not parse is a
/// database fault (the writes only store valid ones), never shown as it is.
pub fn parse<T: FromStr>(what: &str, s: &str) -> StorageResult<T> {
    s.parse::<T>().map_err(|_| StorageError::Database(format!("stored {what} is not valid")))
}

/// `organisations`.
#[derive(sqlx::FromRow)]
pub struct OrgRow {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
}

impl OrgRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Organisation> {
        Ok(Organisation {
            id: OrgId(self.id),
            code: OrgCode::parse(&self.code).map_err(StorageError::Database)?,
            name: self.name,
            kind: parse("organisation kind", &self.kind)?,
        })
    }
}

/// `users`.
#[derive(sqlx::FromRow)]
pub struct UserRow {
    /// Id, used to match memberships.
    pub id: Uuid,
    email: String,
    name: String,
    phone: Option<String>,
    active: bool,
    password_hash: Option<String>,
}

impl UserRow {
    /// To the domain, with the user's memberships.
    pub fn into_domain(self, memberships: Vec<MembershipRow>) -> StorageResult<UserRecord> {
        let memberships = memberships
            .into_iter()
            .map(|m| {
                Ok(Membership {
                    id: MembershipId(m.id),
                    user_id: UserId(m.user_id),
                    organisation_id: OrgId(m.organisation_id),
                    role: parse("role", &m.role)?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(UserRecord {
            user: User {
                id: UserId(self.id),
                email: Email::parse(&self.email).map_err(StorageError::Database)?,
                name: self.name,
                phone: self.phone,
                active: self.active,
            },
            password_hash: self.password_hash,
            memberships,
        })
    }
}

/// `memberships`.
#[derive(sqlx::FromRow)]
pub struct MembershipRow {
    id: Uuid,
    /// The member.
    pub user_id: Uuid,
    organisation_id: Uuid,
    role: String,
}

/// `sessions`.
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    id_hash: String,
    user_id: Uuid,
    csrf_token: String,
    created_at: DbTimestamp,
    last_seen_at: DbTimestamp,
    expires_at: DbTimestamp,
    ip: Option<String>,
    user_agent: Option<String>,
    pending: Option<String>,
}

impl SessionRow {
    /// To the application's record.
    pub fn into_domain(self) -> SessionRecord {
        SessionRecord {
            id_hash: self.id_hash,
            user_id: UserId(self.user_id),
            csrf_token: self.csrf_token,
            created_at: self.created_at.0,
            last_seen_at: self.last_seen_at.0,
            expires_at: self.expires_at.0,
            ip: self.ip,
            user_agent: self.user_agent,
            // An unknown spelling keeps the session half-signed-in rather than letting it in.
            pending: self.pending.map(|p| PendingStep::parse(&p).unwrap_or(PendingStep::TotpCode)),
        }
    }
}

/// `totp_credentials`.
#[derive(sqlx::FromRow)]
pub struct TotpRow {
    user_id: Uuid,
    secret: String,
    created_at: DbTimestamp,
    confirmed_at: Option<DbTimestamp>,
    last_step: Option<i64>,
}

impl TotpRow {
    /// To the application's record.
    pub fn into_domain(self) -> TotpCredential {
        TotpCredential {
            user_id: UserId(self.user_id),
            secret: self.secret,
            created_at: self.created_at.0,
            confirmed_at: self.confirmed_at.map(|t| t.0),
            last_step: self.last_step,
        }
    }
}

/// `break_glass_grants`.
#[derive(sqlx::FromRow)]
pub struct GrantRow {
    id: Uuid,
    user_id: Uuid,
    child_id: Uuid,
    reason: String,
    granted_at: DbTimestamp,
    expires_at: DbTimestamp,
}

impl GrantRow {
    /// To the application's record.
    pub fn into_domain(self) -> BreakGlassGrant {
        BreakGlassGrant {
            id: GrantId(self.id),
            user_id: UserId(self.user_id),
            child_id: ChildId(self.child_id),
            reason: self.reason,
            granted_at: self.granted_at.0,
            expires_at: self.expires_at.0,
        }
    }
}

/// A grant joined with the names of the user, the child and the owning service.
#[derive(sqlx::FromRow)]
pub struct GrantLineRow {
    #[sqlx(flatten)]
    grant: GrantRow,
    user_name: String,
    user_email: String,
    given_name: String,
    family_name: String,
    yjs_name: String,
}

impl GrantLineRow {
    /// To the application's record.
    pub fn into_domain(self) -> BreakGlassLine {
        BreakGlassLine {
            grant: self.grant.into_domain(),
            user_name: self.user_name,
            user_email: self.user_email,
            child_name: format!("{} {}", self.given_name, self.family_name),
            yjs_name: self.yjs_name,
        }
    }
}

/// `api_tokens`.
#[derive(sqlx::FromRow)]
pub struct TokenRow {
    id: Uuid,
    user_id: Uuid,
    token_hash: String,
    label: String,
    created_at: DbTimestamp,
    expires_at: DbTimestamp,
    revoked_at: Option<DbTimestamp>,
}

impl TokenRow {
    /// To the application's record.
    pub fn into_domain(self) -> ApiTokenRecord {
        ApiTokenRecord {
            id: TokenId(self.id),
            user_id: UserId(self.user_id),
            token_hash: self.token_hash,
            label: self.label,
            created_at: self.created_at.0,
            expires_at: self.expires_at.0,
            revoked_at: self.revoked_at.map(|t| t.0),
        }
    }
}

/// `children`.
#[derive(sqlx::FromRow)]
pub struct ChildRow {
    id: Uuid,
    yjs_id: Uuid,
    given_name: String,
    family_name: String,
    preferred_name: Option<String>,
    date_of_birth: jiff_sqlx::Date,
    nhs_number: Option<String>,
    pnc_id: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    first_language: Option<String>,
    legal_status: String,
    version: i64,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
    preferred_language: String,
}

impl ChildRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Child> {
        Ok(Child {
            id: ChildId(self.id),
            yjs_id: OrgId(self.yjs_id),
            details: ChildDetails {
                given_name: self.given_name,
                family_name: self.family_name,
                preferred_name: self.preferred_name,
                date_of_birth: self.date_of_birth.to_jiff(),
                nhs_number: self
                    .nhs_number
                    .map(|n| NhsNumber::parse(&n).map_err(|e| StorageError::Database(e.to_string())))
                    .transpose()?,
                pnc_id: self.pnc_id.map(|p| PncId::parse(&p).map_err(StorageError::Database)).transpose()?,
                gender: self.gender.map(|g| parse("gender", &g)).transpose()?,
                ethnicity: self.ethnicity,
                first_language: self.first_language,
                preferred_language: parse("preferred language", &self.preferred_language)?,
                legal_status: parse("legal status", &self.legal_status)?,
            },
            version: self.version,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// A caseload line.
#[derive(sqlx::FromRow)]
pub struct CaseloadDbRow {
    id: Uuid,
    given_name: String,
    family_name: String,
    preferred_name: Option<String>,
    date_of_birth: jiff_sqlx::Date,
    yjs_id: Uuid,
    yjs_name: String,
    version: i64,
    updated_at: DbTimestamp,
    custody_kind: Option<String>,
    custody_since: Option<jiff_sqlx::Date>,
    establishment_id: Option<Uuid>,
    establishment_name: Option<String>,
    released_on: Option<jiff_sqlx::Date>,
}

impl CaseloadDbRow {
    /// To the application's row.
    pub fn into_domain(self) -> StorageResult<CaseloadRow> {
        let custody = match (self.custody_kind, self.custody_since) {
            (Some(kind), Some(since)) => Some(CurrentCustody {
                kind: parse("episode kind", &kind)?,
                started_on: since.to_jiff(),
                establishment_id: self.establishment_id.map(OrgId),
                establishment_name: self.establishment_name,
            }),
            _ => None,
        };
        Ok(CaseloadRow {
            id: ChildId(self.id),
            given_name: self.given_name,
            family_name: self.family_name,
            preferred_name: self.preferred_name,
            date_of_birth: self.date_of_birth.to_jiff(),
            yjs_id: OrgId(self.yjs_id),
            yjs_name: self.yjs_name,
            custody,
            released_on: self.released_on.map(|d| d.to_jiff()),
            version: self.version,
            updated_at: self.updated_at.0,
        })
    }
}

/// `carers`.
#[derive(sqlx::FromRow)]
pub struct CarerRow {
    id: Uuid,
    child_id: Uuid,
    name: String,
    relationship: String,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    parental_responsibility: bool,
    preferred_language: String,
}

impl CarerRow {
    /// To the domain (a language not known is read as English, the default).
    pub fn into_domain(self) -> Carer {
        Carer {
            id: CarerId(self.id),
            child_id: ChildId(self.child_id),
            name: self.name,
            relationship: self.relationship,
            phone: self.phone,
            email: self.email,
            address: self.address,
            parental_responsibility: self.parental_responsibility,
            preferred_language: self.preferred_language.parse().unwrap_or_default(),
        }
    }
}

/// A team member joined with organisation and user.
#[derive(sqlx::FromRow)]
pub struct TeamDbRow {
    id: Uuid,
    child_id: Uuid,
    organisation_id: Uuid,
    user_id: Option<Uuid>,
    role: String,
    responsibility: String,
    started_on: jiff_sqlx::Date,
    ended_on: Option<jiff_sqlx::Date>,
    organisation_name: String,
    organisation_kind: String,
    user_name: Option<String>,
    user_email: Option<String>,
    user_phone: Option<String>,
}

impl TeamDbRow {
    /// To the application's view.
    pub fn into_domain(self) -> StorageResult<TeamMemberView> {
        Ok(TeamMemberView {
            member: TeamMember {
                id: TeamMemberId(self.id),
                child_id: ChildId(self.child_id),
                organisation_id: OrgId(self.organisation_id),
                user_id: self.user_id.map(UserId),
                role: parse("role", &self.role)?,
                responsibility: self.responsibility,
                started_on: self.started_on.to_jiff(),
                ended_on: self.ended_on.map(|d| d.to_jiff()),
            },
            organisation_name: self.organisation_name,
            organisation_kind: parse("organisation kind", &self.organisation_kind)?,
            user_name: self.user_name,
            user_email: self.user_email,
            user_phone: self.user_phone,
        })
    }
}

/// `custody_episodes`.
#[derive(sqlx::FromRow)]
pub struct EpisodeRow {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    started_on: jiff_sqlx::Date,
    ended_on: Option<jiff_sqlx::Date>,
    recorded_at: Option<DbTimestamp>,
}

/// A placement with the establishment's name.
#[derive(sqlx::FromRow)]
pub struct PlacementDbRow {
    id: Uuid,
    episode_id: Uuid,
    establishment_id: Uuid,
    started_on: jiff_sqlx::Date,
    ended_on: Option<jiff_sqlx::Date>,
    reason: String,
    establishment_name: String,
}

/// Puts each placement under its episode.
pub fn assemble_episodes(
    episodes: Vec<EpisodeRow>,
    placements: Vec<PlacementDbRow>,
) -> StorageResult<Vec<EpisodeView>> {
    let mut out = episodes
        .into_iter()
        .map(|e| {
            Ok(EpisodeView {
                episode: CustodyEpisode {
                    id: EpisodeId(e.id),
                    child_id: ChildId(e.child_id),
                    kind: parse("episode kind", &e.kind)?,
                    started_on: e.started_on.to_jiff(),
                    ended_on: e.ended_on.map(|d| d.to_jiff()),
                    recorded_at: e.recorded_at.map(|t| t.0),
                },
                placements: Vec::new(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
    for p in placements {
        let view = PlacementView {
            placement: Placement {
                id: PlacementId(p.id),
                episode_id: EpisodeId(p.episode_id),
                establishment_id: OrgId(p.establishment_id),
                started_on: p.started_on.to_jiff(),
                ended_on: p.ended_on.map(|d| d.to_jiff()),
                reason: parse("placement reason", &p.reason)?,
            },
            establishment_name: p.establishment_name,
        };
        if let Some(e) = out.iter_mut().find(|e| e.episode.id.0 == p.episode_id) {
            e.placements.push(view);
        }
    }
    Ok(out)
}

/// `timeline_entries`.
#[derive(sqlx::FromRow)]
pub struct TimelineRow {
    id: Uuid,
    child_id: Uuid,
    at: DbTimestamp,
    actor_id: Option<Uuid>,
    actor_name: String,
    kind: String,
    summary: String,
    reason: Option<String>,
}

impl TimelineRow {
    /// To the domain.
    pub fn into_domain(self) -> TimelineEntry {
        TimelineEntry {
            id: TimelineEntryId(self.id),
            child_id: ChildId(self.child_id),
            at: self.at.0,
            actor_id: self.actor_id.map(UserId),
            actor_name: self.actor_name,
            kind: self.kind,
            summary: self.summary,
            reason: self.reason,
        }
    }
}

fn small_count(what: &str, n: Option<i32>) -> StorageResult<Option<u8>> {
    n.map(|v| u8::try_from(v).map_err(|_| StorageError::Database(format!("stored {what} is out of range")))).transpose()
}

fn day_count(n: i64) -> StorageResult<u32> {
    u32::try_from(n).map_err(|_| StorageError::Database("stored remand days are out of range".into()))
}

/// `sentences`.
#[derive(sqlx::FromRow)]
pub struct SentenceRow {
    id: Uuid,
    child_id: Uuid,
    episode_id: Uuid,
    kind: String,
    sentence_date: jiff_sqlx::Date,
    term_months: Option<i32>,
    remand_days: i64,
    court: Option<String>,
    version: i64,
}

impl SentenceRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Sentence> {
        Ok(Sentence {
            id: SentenceId(self.id),
            child_id: ChildId(self.child_id),
            episode_id: EpisodeId(self.episode_id),
            kind: parse("sentence kind", &self.kind)?,
            sentence_date: self.sentence_date.to_jiff(),
            term_months: small_count("term", self.term_months)?,
            remand_days: day_count(self.remand_days)?,
            court: self.court,
            version: self.version,
        })
    }
}

/// `key_date_revisions`.
#[derive(sqlx::FromRow)]
pub struct RevisionRow {
    id: Uuid,
    sentence_id: Uuid,
    revision: i32,
    term_days: Option<i32>,
    custody_days: Option<i32>,
    mtd: jiff_sqlx::Date,
    etd: Option<jiff_sqlx::Date>,
    ltd: Option<jiff_sqlx::Date>,
    sled: jiff_sqlx::Date,
    sentence_date: jiff_sqlx::Date,
    term_months: Option<i32>,
    remand_days: i64,
    source: String,
    reason: String,
    recorded_at: DbTimestamp,
    recorded_by: Option<Uuid>,
    recorded_by_name: String,
}

impl RevisionRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<KeyDatesRevision> {
        Ok(KeyDatesRevision {
            id: KeyDatesId(self.id),
            sentence_id: SentenceId(self.sentence_id),
            revision: self.revision,
            dates: KeyDates {
                term_days: self.term_days,
                custody_days: self.custody_days,
                mtd: self.mtd.to_jiff(),
                etd: self.etd.map(|d| d.to_jiff()),
                ltd: self.ltd.map(|d| d.to_jiff()),
                sled: self.sled.to_jiff(),
            },
            sentence_date: self.sentence_date.to_jiff(),
            term_months: small_count("term", self.term_months)?,
            remand_days: day_count(self.remand_days)?,
            source: parse("key dates source", &self.source)?,
            reason: self.reason,
            recorded_at: self.recorded_at.0,
            recorded_by: self.recorded_by.map(UserId),
            recorded_by_name: self.recorded_by_name,
        })
    }
}

/// Puts each revision under its sentence, oldest first.
pub fn assemble_sentences(
    sentences: Vec<SentenceRow>,
    revisions: Vec<RevisionRow>,
) -> StorageResult<Vec<SentenceView>> {
    let mut out = sentences
        .into_iter()
        .map(|s| Ok(SentenceView { sentence: s.into_domain()?, revisions: Vec::new() }))
        .collect::<StorageResult<Vec<_>>>()?;
    for r in revisions {
        let r = r.into_domain()?;
        if let Some(s) = out.iter_mut().find(|s| s.sentence.id == r.sentence_id) {
            s.revisions.push(r);
        }
    }
    Ok(out)
}

/// `remands`.
#[derive(sqlx::FromRow)]
pub struct RemandRow {
    id: Uuid,
    child_id: Uuid,
    episode_id: Uuid,
    started_on: jiff_sqlx::Date,
    establishment_id: Uuid,
    next_court_date: Option<jiff_sqlx::Date>,
    court: Option<String>,
    local_authority_id: Option<Uuid>,
    made_looked_after: bool,
}

impl RemandRow {
    /// To the domain.
    pub fn into_domain(self) -> Remand {
        Remand {
            id: RemandId(self.id),
            child_id: ChildId(self.child_id),
            episode_id: EpisodeId(self.episode_id),
            started_on: self.started_on.to_jiff(),
            establishment_id: OrgId(self.establishment_id),
            next_court_date: self.next_court_date.map(|d| d.to_jiff()),
            court: self.court,
            local_authority_id: self.local_authority_id.map(OrgId),
            made_looked_after: self.made_looked_after,
        }
    }
}

/// `temporary_releases`.
#[derive(sqlx::FromRow)]
pub struct TemporaryReleaseRow {
    id: Uuid,
    child_id: Uuid,
    episode_id: Uuid,
    kind: String,
    purpose: String,
    starts_on: jiff_sqlx::Date,
    ends_on: jiff_sqlx::Date,
    address: String,
    conditions: Option<String>,
    outcome: Option<String>,
    outcome_note: Option<String>,
    recorded_at: DbTimestamp,
    recorded_by_name: String,
    version: i64,
}

impl TemporaryReleaseRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<resettle_domain::temporary_release::TemporaryRelease> {
        Ok(resettle_domain::temporary_release::TemporaryRelease {
            id: TemporaryReleaseId(self.id),
            child_id: ChildId(self.child_id),
            episode_id: EpisodeId(self.episode_id),
            kind: parse("temporary release kind", &self.kind)?,
            purpose: parse("temporary release purpose", &self.purpose)?,
            starts_on: self.starts_on.to_jiff(),
            ends_on: self.ends_on.to_jiff(),
            address: self.address,
            conditions: self.conditions,
            outcome: self.outcome.as_deref().map(|o| parse("temporary release outcome", o)).transpose()?,
            outcome_note: self.outcome_note,
            recorded_at: self.recorded_at.0,
            recorded_by_name: self.recorded_by_name,
            version: self.version,
        })
    }
}

/// `deadlines`.
#[derive(sqlx::FromRow)]
pub struct DeadlineRow {
    id: Uuid,
    child_id: Uuid,
    episode_id: Uuid,
    kind: String,
    due_by: jiff_sqlx::Date,
    rule: String,
}

impl DeadlineRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<StoredDeadline> {
        Ok(StoredDeadline {
            id: DeadlineId(self.id),
            child_id: ChildId(self.child_id),
            episode_id: EpisodeId(self.episode_id),
            kind: parse("deadline kind", &self.kind)?,
            due_by: self.due_by.to_jiff(),
            rule: self.rule,
        })
    }
}

/// `audit_log`.
#[derive(sqlx::FromRow)]
pub struct AuditRow {
    seq: i64,
    at: DbTimestamp,
    user_id: Option<Uuid>,
    membership_id: Option<Uuid>,
    action: String,
    resource: String,
    child_id: Option<Uuid>,
    purpose: String,
    request_id: String,
    ip: Option<String>,
    prev_hash: String,
    hash: String,
    keyed: bool,
    purpose_digest: String,
    ip_digest: String,
    details_erased: bool,
}

impl AuditRow {
    /// To the domain, exactly as stored (verification must see what is there).
    pub fn into_domain(self) -> resettle_domain::audit::AuditEntry {
        resettle_domain::audit::AuditEntry {
            seq: self.seq,
            at: self.at.0,
            user_id: self.user_id.map(UserId),
            membership_id: self.membership_id.map(MembershipId),
            action: self.action,
            resource: self.resource,
            child_id: self.child_id.map(ChildId),
            purpose: self.purpose,
            request_id: self.request_id,
            ip: self.ip,
            prev_hash: self.prev_hash,
            hash: self.hash,
            keyed: self.keyed,
            purpose_digest: self.purpose_digest,
            ip_digest: self.ip_digest,
            details_erased: self.details_erased,
        }
    }
}
