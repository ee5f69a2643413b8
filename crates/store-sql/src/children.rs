//! Children and their team: the child's columns and the inserts of children, carers and
//! team members (one column list a table, shared by the single-row writes and the synthetic
//! loader), and the [`children_storage!`](crate::children_storage) implementation of
//! `ChildrenStorage`.

use resettle_domain::child::{Carer, Child};
use resettle_domain::team::TeamMember;
use sqlx::QueryBuilder;
use uuid::Uuid;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

/// A child's columns over `children c`, in [`ChildRow`](crate::rows::ChildRow)'s order.
pub const CHILD_COLUMNS: &str = "c.id, c.yjs_id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth, \
    c.nhs_number, c.pnc_id, c.gender, c.ethnicity, c.first_language, c.legal_status, c.version, c.created_at, \
    c.updated_at, c.preferred_language";

/// The inserts of children, carers and team members.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_children_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Child]) {
        qb.push(
            "INSERT INTO children (id, yjs_id, given_name, family_name, preferred_name, date_of_birth, nhs_number, \
             pnc_id, gender, ethnicity, first_language, legal_status, version, created_at, updated_at, \
             preferred_language) ",
        );
        qb.push_values(rows, |mut r, c| {
            let d = &c.details;
            r.bind(c.id.0)
                .bind(c.yjs_id.0)
                .bind(&d.given_name)
                .bind(&d.family_name)
                .bind(&d.preferred_name)
                .bind(date(d.date_of_birth))
                .bind(d.nhs_number.as_ref().map(|n| n.as_str()))
                .bind(d.pnc_id.as_ref().map(|p| p.as_str()))
                .bind(d.gender.map(|g| g.as_str()))
                .bind(&d.ethnicity)
                .bind(&d.first_language)
                .bind(d.legal_status.as_str())
                .bind(c.version)
                .bind(ts(c.created_at))
                .bind(ts(c.updated_at))
                .bind(d.preferred_language.as_str());
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_carers_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Carer]) {
        qb.push(
            "INSERT INTO carers (id, child_id, name, relationship, phone, email, address, parental_responsibility, \
             preferred_language) ",
        );
        qb.push_values(rows, |mut r, c| {
            r.bind(c.id.0)
                .bind(c.child_id.0)
                .bind(&c.name)
                .bind(&c.relationship)
                .bind(&c.phone)
                .bind(&c.email)
                .bind(&c.address)
                .bind(c.parental_responsibility)
                .bind(c.preferred_language.as_str());
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_team_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [TeamMember]) {
        qb.push(
            "INSERT INTO team_members (id, child_id, organisation_id, user_id, role, responsibility, started_on, ended_on) ",
        );
        qb.push_values(rows, |mut r, t| {
            r.bind(t.id.0)
                .bind(t.child_id.0)
                .bind(t.organisation_id.0)
                .bind(t.user_id.map(|u| u.0))
                .bind(t.role.as_str())
                .bind(&t.responsibility)
                .bind(date(t.started_on))
                .bind(t.ended_on.map(date));
        });
    }
}

/// Per-organisation counts from one grouped query (`org_id, children, on_remand, sentenced,
/// releases_due`).
#[derive(sqlx::FromRow)]
pub struct FiguresRow {
    /// The organisation.
    pub org_id: Uuid,
    /// Children on its caseload.
    pub children: i64,
    /// Of those, on remand.
    pub on_remand: i64,
    /// Of those, sentenced.
    pub sentenced: i64,
    /// Of those, with a release date in the window.
    pub releases_due: i64,
}

/// Implements `resettle_storage::ChildrenStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`
/// and `audit_key`), with the shared helpers reached through [`Sql`](crate::Sql) and
/// [`scope`](crate::scope).
#[macro_export]
macro_rules! children_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            use $crate::children::{FiguresRow, CHILD_COLUMNS};
            use resettle_domain::child::{Carer, Child};

            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            #[$crate::async_trait::async_trait]
            impl ChildrenStorage for $store {
                async fn insert_child(
                    &self,
                    child: &Child,
                    carers: &[Carer],
                    team: &[TeamMember],
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_children_insert(&mut qb, std::slice::from_ref(child));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    if !carers.is_empty() {
                        let mut qb = Qb::new("");
                        Sql::push_carers_insert(&mut qb, carers);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    if !team.is_empty() {
                        let mut qb = Qb::new("");
                        Sql::push_team_insert(&mut qb, team);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn child(&self, id: ChildId, scope: &ChildScope) -> StorageResult<Option<Child>> {
                    let mut qb = Qb::new(format!("SELECT {CHILD_COLUMNS} FROM children c WHERE c.id = "));
                    qb.push_bind(id.0);
                    push_scope_one(&mut qb, scope);
                    let row = qb.build_query_as::<ChildRow>().fetch_optional(&self.pool).await.map_err(db_error)?;
                    row.map(ChildRow::into_domain).transpose()
                }

                async fn update_child(&self, child: &Child, expected_version: i64, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    Sql::update_child(&mut tx, child, expected_version).await?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn caseload(&self, scope: &ChildScope, q: &CaseloadQuery) -> StorageResult<Page<CaseloadRow>> {
                    let mut count = Qb::new("SELECT COUNT(*) FROM children c WHERE 1 = 1");
                    push_scope(&mut count, scope);
                    if let Some(org) = q.organisation_id {
                        push_org_filter(&mut count, org, scope);
                    }
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?;

                    // Choose the page's children first (sorting only what the order needs),
                    // then join the details for those rows alone.
                    let dir = if q.descending { "DESC" } else { "ASC" };
                    let order = match q.sort {
                        CaseloadSort::Name => format!("lower(c.family_name) {dir}, lower(c.given_name) {dir}, c.id"),
                        CaseloadSort::DateOfBirth => format!("c.date_of_birth {dir}, c.id"),
                        CaseloadSort::Updated => format!("c.updated_at {dir}, c.id"),
                        // Children not in custody sort last either way.
                        CaseloadSort::CustodySince => {
                            format!("CASE WHEN e.started_on IS NULL THEN 1 ELSE 0 END, e.started_on {dir}, c.id")
                        }
                    };
                    let mut qb = Qb::new(
                        "SELECT c.id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth, c.yjs_id, y.name AS yjs_name, c.version, \
                         c.updated_at, e.kind AS custody_kind, e.started_on AS custody_since, p.establishment_id, \
                         est.name AS establishment_name, \
                         (SELECT MAX(x.ended_on) FROM custody_episodes x WHERE x.child_id = c.id) AS released_on \
                         FROM (SELECT c.* FROM children c ",
                    );
                    if q.sort == CaseloadSort::CustodySince {
                        qb.push("LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL ");
                    }
                    qb.push("WHERE 1 = 1");
                    push_scope(&mut qb, scope);
                    if let Some(org) = q.organisation_id {
                        push_org_filter(&mut qb, org, scope);
                    }
                    qb.push(format!(" ORDER BY {order} LIMIT "));
                    qb.push_bind(i64::from(q.per_page));
                    qb.push(" OFFSET ");
                    qb.push_bind(i64::from(q.page.saturating_sub(1)) * i64::from(q.per_page));
                    qb.push(
                        ") c JOIN organisations y ON y.id = c.yjs_id \
                         LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL \
                         LEFT JOIN placements p ON p.episode_id = e.id AND p.ended_on IS NULL \
                         LEFT JOIN organisations est ON est.id = p.establishment_id",
                    );
                    qb.push(format!(" ORDER BY {order}"));
                    let rows = qb.build_query_as::<CaseloadDbRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    let items = rows.into_iter().map(CaseloadDbRow::into_domain).collect::<StorageResult<Vec<_>>>()?;
                    Ok(Page { items, total: u64::try_from(total).unwrap_or(0), page: q.page, per_page: q.per_page })
                }

                async fn carers(&self, child: ChildId) -> StorageResult<Vec<Carer>> {
                    let rows = sqlx::query_as::<_, CarerRow>(
                        "SELECT id, child_id, name, relationship, phone, email, address, parental_responsibility, \
                         preferred_language FROM carers WHERE child_id = $1 ORDER BY name",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(CarerRow::into_domain).collect())
                }

                async fn insert_carer(&self, carer: &Carer, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_carers_insert(&mut qb, std::slice::from_ref(carer));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn team(&self, child: ChildId) -> StorageResult<Vec<TeamMemberView>> {
                    let rows = sqlx::query_as::<_, TeamDbRow>(
                        "SELECT t.id, t.child_id, t.organisation_id, t.user_id, t.role, t.responsibility, t.started_on, t.ended_on, \
                         o.name AS organisation_name, o.kind AS organisation_kind, u.name AS user_name, u.email AS user_email, \
                         u.phone AS user_phone \
                         FROM team_members t JOIN organisations o ON o.id = t.organisation_id \
                         LEFT JOIN users u ON u.id = t.user_id WHERE t.child_id = $1 \
                         ORDER BY CASE WHEN t.ended_on IS NULL THEN 0 ELSE 1 END, t.started_on, o.name",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(TeamDbRow::into_domain).collect()
                }

                async fn insert_team_member(&self, member: &TeamMember, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_team_insert(&mut qb, std::slice::from_ref(member));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn child_owner(&self, child: ChildId) -> StorageResult<Option<OrgId>> {
                    let id: Option<uuid::Uuid> = sqlx::query_scalar("SELECT yjs_id FROM children WHERE id = $1")
                        .bind(child.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(id.map(OrgId))
                }

                async fn child_by_identifier(&self, nhs_number: Option<&str>, pnc_id: Option<&str>) -> StorageResult<Option<ChildId>> {
                    Ok(self.children_by_identifier(nhs_number, pnc_id).await?.into_iter().next())
                }

                async fn children_by_identifier(
                    &self,
                    nhs_number: Option<&str>,
                    pnc_id: Option<&str>,
                ) -> StorageResult<Vec<ChildId>> {
                    let mut qb = Qb::new("SELECT id FROM children WHERE 1 = 0");
                    if let Some(n) = nhs_number {
                        qb.push(" OR nhs_number = ");
                        qb.push_bind(n);
                    }
                    if let Some(p) = pnc_id {
                        qb.push(" OR pnc_id = ");
                        qb.push_bind(p);
                    }
                    qb.push(" ORDER BY id LIMIT 1000");
                    let ids: Vec<uuid::Uuid> = qb.build_query_scalar().fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(ids.into_iter().map(ChildId).collect())
                }

                async fn organisation_figures(
                    &self,
                    release_from: jiff::civil::Date,
                    release_to: jiff::civil::Date,
                ) -> StorageResult<Vec<OrganisationFigures>> {
                    // The release date of each open custody episode: the mid-term date of the
                    // newest key-date revision of its sentences.
                    const RELEASES: &str = "SELECT s.episode_id, MAX(k.mtd) AS release_on FROM sentences s \
                        JOIN key_date_revisions k ON k.sentence_id = s.id \
                        WHERE k.revision = (SELECT MAX(k2.revision) FROM key_date_revisions k2 WHERE k2.sentence_id = s.id) \
                        GROUP BY s.episode_id";
                    let counts = "COUNT(*) AS children, \
                        COALESCE(SUM(CASE WHEN e.kind = 'remand' THEN 1 ELSE 0 END), 0) AS on_remand, \
                        COALESCE(SUM(CASE WHEN e.kind = 'sentence' THEN 1 ELSE 0 END), 0) AS sentenced, \
                        COALESCE(SUM(CASE WHEN r.release_on >= $1 AND r.release_on <= $2 THEN 1 ELSE 0 END), 0) AS releases_due";
                    let by_yjs = format!(
                        "SELECT c.yjs_id AS org_id, {counts} FROM children c \
                         LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL \
                         LEFT JOIN ({RELEASES}) r ON r.episode_id = e.id GROUP BY c.yjs_id"
                    );
                    let by_establishment = format!(
                        "SELECT p.establishment_id AS org_id, {counts} FROM placements p \
                         JOIN custody_episodes e ON e.id = p.episode_id AND e.ended_on IS NULL \
                         LEFT JOIN ({RELEASES}) r ON r.episode_id = e.id WHERE p.ended_on IS NULL GROUP BY p.establishment_id"
                    );
                    let mut rows = Vec::new();
                    for sql in [by_yjs, by_establishment] {
                        rows.extend(
                            sqlx::query_as::<_, FiguresRow>(&sql)
                                .bind(date(release_from))
                                .bind(date(release_to))
                                .fetch_all(&self.pool)
                                .await
                                .map_err(db_error)?,
                        );
                    }
                    let orgs = self.organisations().await?;
                    Ok(orgs
                        .into_iter()
                        .filter(|o| o.kind == resettle_domain::org::OrgKind::Yjs || o.kind.is_secure_establishment())
                        .map(|o| {
                            let r = rows.iter().find(|r| r.org_id == o.id.0);
                            OrganisationFigures {
                                organisation_id: o.id,
                                name: o.name,
                                kind: o.kind,
                                children: r.map_or(0, |r| r.children),
                                on_remand: r.map_or(0, |r| r.on_remand),
                                sentenced: r.map_or(0, |r| r.sentenced),
                                releases_due: r.map_or(0, |r| r.releases_due),
                            }
                        })
                        .collect())
                }
            }
        };
    };
}
