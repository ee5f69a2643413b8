//! What a database must be able to bind for the shared SQL, said once.
//!
//! The shared inserts and scope conditions are generic over the database. `sqlx` asks, for
//! every value bound, that the value's type can be encoded for that database, and Rust does
//! not carry such bounds from a trait to its users (only bounds on the type itself travel).
//! So the bound is turned around: [`Bind<'a, T>`] is a bound *on the database* ("this database
//! binds `T`"), [`Binds<'a>`] gathers every column type Resettle writes, and a function needs
//! only `DB: Binds<'a>`. Values are bound with [`BindExt::bind`] instead of `push_bind`.

use std::fmt::Display;

use sqlx::query_builder::Separated;
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// The database `Self` can bind a `T` in a query built over `'a`.
pub trait Bind<'a, T>: Database {
    /// Binds `value` as the query builder's next parameter.
    fn bind_into(qb: &mut QueryBuilder<'a, Self>, value: T);
    /// Binds `value` as the next item of a separated list.
    fn bind_separated<S: Display>(list: &mut Separated<'_, 'a, Self, S>, value: T);
}

impl<'a, T, DB> Bind<'a, T> for DB
where
    DB: Database,
    T: 'a + Encode<'a, DB> + Type<DB>,
{
    fn bind_into(qb: &mut QueryBuilder<'a, Self>, value: T) {
        qb.push_bind(value);
    }

    fn bind_separated<S: Display>(list: &mut Separated<'_, 'a, Self, S>, value: T) {
        list.push_bind(value);
    }
}

/// Declares [`Binds`] over a list of column types, with its one blanket implementation.
macro_rules! binds {
    ($($t:ty),+ $(,)?) => {
        /// Every column type the shared SQL binds: a database with this bound runs all of it.
        pub trait Binds<'a>: $(Bind<'a, $t> +)+ {}

        impl<'a, DB> Binds<'a> for DB where DB: $(Bind<'a, $t> +)+ {}
    };
}

binds!(
    Uuid,
    Option<Uuid>,
    String,
    Option<String>,
    &'a str,
    Option<&'a str>,
    &'a String,
    &'a Option<String>,
    i64,
    Option<i64>,
    i32,
    Option<i32>,
    bool,
    Option<bool>,
    f64,
    Option<f64>,
    jiff_sqlx::Date,
    Option<jiff_sqlx::Date>,
    DbTimestamp,
    Option<DbTimestamp>,
);

/// `bind` on query builders and separated lists, for a database known only by its bounds.
pub trait BindExt<'a, DB: Database> {
    /// Binds `value` as the next parameter.
    fn bind<T>(&mut self, value: T) -> &mut Self
    where
        DB: Bind<'a, T>;
}

impl<'a, DB: Database> BindExt<'a, DB> for QueryBuilder<'a, DB> {
    fn bind<T>(&mut self, value: T) -> &mut Self
    where
        DB: Bind<'a, T>,
    {
        DB::bind_into(self, value);
        self
    }
}

impl<'a, DB: Database, S: Display> BindExt<'a, DB> for Separated<'_, 'a, DB, S> {
    fn bind<T>(&mut self, value: T) -> &mut Self
    where
        DB: Bind<'a, T>,
    {
        DB::bind_separated(self, value);
        self
    }
}
