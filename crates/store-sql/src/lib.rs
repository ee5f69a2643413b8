//! The SQL that the SQLite and PostgreSQL storage crates share.
//!
//! Both databases accept the same statements here (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`, partial indexes), so the queries are written once and each storage crate
//! instantiates them for its own pool type. What differs — column types, connection settings,
//! migrations — stays in the storage crates.
//!
//! One module an area of the storage contract (`children`, `custody`, `access`, `audit`,
//! `plan`, `health`, `readiness`, `community`, `outcomes`, `retention`, `outbox`,
//! `subject_access`, `synthetic`). Each holds its rows and column lists as ordinary code, and
//! one macro (`children_storage!`, `custody_storage!`, …) that implements the area's trait for a
//! store: it only picks the database, and each storage crate invokes every one of them by
//! name. What the areas share is reached by name, never by being expanded in the same scope:
//!
//! - [`scope`]: the access scope as SQL (`push_scope`, `push_scope_one`), generic over the
//!   database;
//! - [`Sql`]: each table's insert (`Sql::push_children_insert`, …, one column list a table,
//!   generic over the database) and the statements written inside another area's transaction
//!   (`Sql::insert_entry`, `Sql::commit_audited`, …, in `tx.rs`, stamped for each database);
//! - [`rows`]: rows as the databases return them, and the timestamp and date encodings.

pub mod access;
pub mod admin;
pub mod audit;
pub mod bind;
pub mod children;
pub mod community;
pub mod custody;
pub mod health;
pub mod notifications;
pub mod outbox;
pub mod outcomes;
pub mod plan;
pub mod readiness;
pub mod retention;
pub mod rows;
pub mod scope;
pub mod subject_access;
pub mod synthetic;
mod tx;

pub use async_trait;
pub use sqlx;

use resettle_storage::StorageError;

/// A migrator over embedded `(version, description, sql)` files, as both storage crates use.
pub fn migrator(files: &[(i64, &'static str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use std::borrow::Cow;
    let migrations = files
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(*version, Cow::Borrowed(*description), MigrationType::Simple, Cow::Borrowed(*sql), false)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

/// Maps a database error to a storage error, hiding the details from users.
pub fn db_error(e: sqlx::Error) -> StorageError {
    match e {
        sqlx::Error::RowNotFound => StorageError::NotFound,
        other => StorageError::Database(other.to_string()),
    }
}

/// Maps a unique-constraint violation to [`StorageError::Duplicate`] on `field`.
pub fn unique_error(field: &'static str, message: &'static str) -> impl Fn(sqlx::Error) -> StorageError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StorageError::Duplicate { field: field.to_string(), message: message.to_string() }
        }
        _ => db_error(e),
    }
}

/// The largest number of bind parameters one statement may carry on either database
/// (SQLite allows 32,766 since 3.32; PostgreSQL 65,535).
pub const MAX_BINDS: usize = 30_000;

/// The SQL the areas share, for database `DB`: each table's insert (`push_…_insert`, over a
/// `QueryBuilder<DB>`) and the statements written inside a change's transaction
/// (`insert_entry`, `append_audit`, `commit_audited`, `commit_change`, …). Never built: its
/// functions are called as `Sql::<sqlx::Sqlite>::insert_entry(…)`.
pub struct Sql<DB>(std::marker::PhantomData<DB>);

impl<'a, DB: bind::Binds<'a>> Sql<DB> {
    /// `UPDATE table SET (columns) = (values) WHERE id = … AND version = …`: every column of
    /// one row rewritten, the values pushed by `values` in `columns` order (the same function
    /// the table's insert uses, so the two cannot drift apart). The caller checks that one row
    /// changed; none means the version read is stale or the row is gone.
    pub fn push_versioned_update(
        qb: &mut sqlx::QueryBuilder<'a, DB>,
        table: &str,
        columns: &str,
        id: uuid::Uuid,
        expected_version: i64,
        values: impl FnOnce(&mut sqlx::query_builder::Separated<'_, 'a, DB, &'static str>),
    ) {
        use bind::BindExt;
        qb.push(format!("UPDATE {table} SET ({columns}) = ("));
        let mut list = qb.separated(", ");
        values(&mut list);
        list.push_unseparated(") WHERE id = ");
        qb.bind(id);
        qb.push(" AND version = ");
        qb.bind(expected_version);
    }
}

/// Implements the union trait's own methods (`backend`, `changes`, `audit_key`, `ping`) of
/// `resettle_storage::Storage` for `$store`, a struct with the fields `pool: sqlx::Pool<$db>`
/// and `audit_key`. The areas' traits are implemented by their own macros, each invoked by the
/// storage crate.
#[macro_export]
macro_rules! impl_storage {
    ($store:ty, $db:ty, $backend:literal) => {
        #[$crate::async_trait::async_trait]
        impl resettle_storage::Storage for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn changes(&self) -> resettle_storage::StorageResult<u64> {
                let n: i64 = $crate::sqlx::query_scalar("SELECT n FROM change_count WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await
                    .map_err($crate::db_error)?;
                Ok(n.unsigned_abs())
            }

            fn audit_key(&self) -> Option<&resettle_domain::audit::AuditKey> {
                self.audit_key.as_ref()
            }

            async fn ping(&self) -> resettle_storage::StorageResult<()> {
                $crate::sqlx::query("SELECT 1").execute(&self.pool).await.map_err($crate::db_error)?;
                Ok(())
            }
        }
    };
}

/// What every area's storage macro uses (`use $crate::prelude::*;`): the rows, the scope SQL,
/// the query builder, the error helpers, the storage contract, and the domain types most areas
/// write. An area imports what only it uses by name beside it.
pub mod prelude {
    pub use crate::rows::*;
    pub use crate::scope::{push_org_filter, push_scope, push_scope_one};
    pub use crate::sqlx::{self, QueryBuilder};
    pub use crate::{MAX_BINDS, db_error, unique_error};
    pub use resettle_domain::audit::AuditEvent;
    pub use resettle_domain::ids::{ChildId, OrgId, UserId};
    pub use resettle_domain::policy::ChildScope;
    pub use resettle_domain::team::TeamMember;
    pub use resettle_domain::timeline::TimelineEntry;
    pub use resettle_storage::*;
}
