//! Loading synthetic records in bulk: the [`synthetic_storage!`](crate::synthetic_storage)
//! implementation of `SyntheticStorage`, with every table's shared insert
//! ([`Sql`](crate::Sql)`::push_…_insert`, the same column lists as the single-row writes).

/// Implements `resettle_storage::SyntheticStorage` for `$store` (a struct with
/// `pool: sqlx::Pool<$db>`), with every table's insert reached through [`Sql`](crate::Sql).
#[macro_export]
macro_rules! synthetic_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use resettle_storage::*;
            use $crate::sqlx::{self, QueryBuilder};
            use $crate::{MAX_BINDS, db_error};

            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            #[$crate::async_trait::async_trait]
            impl SyntheticStorage for $store {
                async fn load_synthetic(&self, b: &SyntheticBatch) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    /// Inserts `$items` with `Sql::$push`, `$cols` binds a row, in statements
                    /// under the bind limit.
                    macro_rules! bulk {
                        ($items:expr, $cols:expr, $push:ident) => {
                            for chunk in $items.chunks((MAX_BINDS / $cols).max(1)) {
                                if chunk.is_empty() {
                                    continue;
                                }
                                let mut qb = Qb::new("");
                                Sql::$push(&mut qb, chunk);
                                qb.build().persistent(false).execute(&mut *tx).await.map_err(db_error)?;
                            }
                        };
                    }
                    let now = jiff::Timestamp::now();
                    for chunk in b.organisations.chunks(MAX_BINDS / 5) {
                        let mut qb = Qb::new("");
                        Sql::push_organisations_insert(&mut qb, chunk, now);
                        qb.build().persistent(false).execute(&mut *tx).await.map_err(db_error)?;
                    }
                    for chunk in b.users.chunks(MAX_BINDS / 7) {
                        let mut qb = Qb::new("");
                        Sql::push_users_insert(&mut qb, chunk, now);
                        qb.build().persistent(false).execute(&mut *tx).await.map_err(db_error)?;
                    }
                    let memberships: Vec<&resettle_domain::org::Membership> =
                        b.users.iter().flat_map(|u| u.memberships.iter()).collect();
                    for chunk in memberships.chunks(MAX_BINDS / 4) {
                        let mut qb = Qb::new("");
                        Sql::push_memberships_insert(&mut qb, chunk.iter().copied());
                        qb.build().persistent(false).execute(&mut *tx).await.map_err(db_error)?;
                    }
                    bulk!(b.children, 16, push_children_insert);
                    bulk!(b.carers, 9, push_carers_insert);
                    bulk!(b.team, 8, push_team_insert);
                    bulk!(b.episodes, 5, push_episodes_insert);
                    bulk!(b.placements, 6, push_placements_insert);
                    bulk!(b.timeline, 8, push_timeline_insert);
                    bulk!(b.sentences, 9, push_sentences_insert);
                    bulk!(b.revisions, 17, push_revisions_insert);
                    bulk!(b.remands, 9, push_remands_insert);
                    bulk!(b.deadlines, 6, push_deadlines_insert);
                    bulk!(b.plans, 8, push_plans_insert);
                    bulk!(b.needs, 12, push_needs_insert);
                    bulk!(b.need_updates, 8, push_need_updates_insert);
                    bulk!(b.meetings, 19, push_meetings_insert);
                    bulk!(b.actions, 13, push_actions_insert);
                    bulk!(b.health_records, 9, push_health_records_insert);
                    bulk!(b.assessments, 13, push_assessments_insert);
                    bulk!(b.measures, 8, push_measures_insert);
                    bulk!(b.consents, 12, push_consents_insert);
                    bulk!(b.handovers, 16, push_handovers_insert);
                    bulk!(b.shares, 11, push_shares_insert);
                    bulk!(b.release_arrangements, 20, push_release_arrangements_insert);
                    bulk!(b.appointments, 13, push_appointments_insert);
                    bulk!(b.enforcement, 9, push_enforcement_insert);
                    bulk!(b.offences, 12, push_offences_insert);
                    bulk!(b.living_arrangements, 9, push_living_insert);
                    bulk!(b.ete_placements, 8, push_ete_insert);
                    Sql::commit_change(tx).await
                }
            }
        };
    };
}
