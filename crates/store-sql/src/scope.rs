//! The access scope in SQL: which children an actor may read, as conditions on a query over
//! `children c`. This is the SQL form of the domain's rule,
//! [`ChildScope::permits`](resettle_domain::policy::ChildScope::permits), written once for both
//! databases (the functions are generic over the database; the storage crates instantiate them
//! for SQLite and PostgreSQL). The property test `storage::scope_rule_agrees` holds the two to
//! each other.

use resettle_domain::ids::OrgId;
use resettle_domain::policy::ChildScope;
use sqlx::QueryBuilder;

use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

/// Adds `AND c.id IN (children within scope)` to a query over `children c`: the rule for
/// lists. Each way in (named person, or organisation) is its own indexed branch of a UNION:
/// an OR across the two columns would scan the whole team table.
pub fn push_scope<'a, DB>(qb: &mut QueryBuilder<'a, DB>, scope: &'a ChildScope)
where
    DB: Binds<'a>,
{
    if scope.user_id.is_none() && scope.organisation_ids.is_empty() && scope.emergency.is_none() {
        qb.push(" AND 1 = 0");
        return;
    }
    qb.push(" AND c.id IN (");
    let mut first = true;
    if let Some(e) = scope.emergency {
        // Break-glass grants still valid: read access to those children only.
        qb.push("SELECT g.child_id FROM break_glass_grants g WHERE g.user_id = ");
        qb.bind(e.user_id.0);
        qb.push(" AND g.expires_at > ");
        qb.bind(ts(e.now));
        first = false;
    }
    if let Some(user) = scope.user_id {
        if !first {
            qb.push(" UNION ");
        }
        qb.push("SELECT t.child_id FROM team_members t WHERE t.user_id = ");
        qb.bind(user.0);
        push_current(qb, scope);
        first = false;
    }
    if !scope.organisation_ids.is_empty() {
        if !first {
            qb.push(" UNION ");
        }
        qb.push("SELECT t.child_id FROM team_members t WHERE t.organisation_id IN (");
        let mut sep = qb.separated(", ");
        for id in &scope.organisation_ids {
            sep.bind(id.0);
        }
        sep.push_unseparated(")");
        push_current(qb, scope);
    }
    qb.push(")");
}

/// The same rule for one child: an `EXISTS` over that child's team (indexed by child),
/// instead of building the whole list.
pub fn push_scope_one<'a, DB>(qb: &mut QueryBuilder<'a, DB>, scope: &'a ChildScope)
where
    DB: Binds<'a>,
{
    if scope.user_id.is_none() && scope.organisation_ids.is_empty() && scope.emergency.is_none() {
        qb.push(" AND 1 = 0");
        return;
    }
    qb.push(" AND (");
    if let Some(e) = scope.emergency {
        qb.push("EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.child_id = c.id AND g.user_id = ");
        qb.bind(e.user_id.0);
        qb.push(" AND g.expires_at > ");
        qb.bind(ts(e.now));
        qb.push(") OR ");
    }
    qb.push("EXISTS (SELECT 1 FROM team_members t WHERE t.child_id = c.id");
    push_current(qb, scope);
    qb.push(" AND (");
    let mut first = true;
    if let Some(user) = scope.user_id {
        qb.push("t.user_id = ");
        qb.bind(user.0);
        first = false;
    }
    if !scope.organisation_ids.is_empty() {
        if !first {
            qb.push(" OR ");
        }
        qb.push("t.organisation_id IN (");
        let mut sep = qb.separated(", ");
        for id in &scope.organisation_ids {
            sep.bind(id.0);
        }
        sep.push_unseparated(")");
        first = false;
    }
    if first {
        // Emergency access alone (cannot happen: managers work with children).
        qb.push("1 = 0");
    }
    qb.push(")))");
}

/// `AND` the team member `t` is current on the scope's day.
pub fn push_current<'a, DB>(qb: &mut QueryBuilder<'a, DB>, scope: &'a ChildScope)
where
    DB: Binds<'a>,
{
    qb.push(" AND t.started_on <= ");
    qb.bind(date(scope.today));
    qb.push(" AND (t.ended_on IS NULL OR t.ended_on >= ");
    qb.bind(date(scope.today));
    qb.push(")");
}

/// `AND` the child `c` has `org` on the team on the scope's day (the caseload's filter by
/// organisation, within the scope already applied).
pub fn push_org_filter<'a, DB>(qb: &mut QueryBuilder<'a, DB>, org: OrgId, scope: &'a ChildScope)
where
    DB: Binds<'a>,
{
    qb.push(" AND c.id IN (SELECT f.child_id FROM team_members f WHERE f.organisation_id = ");
    qb.bind(org.0);
    qb.push(" AND f.started_on <= ");
    qb.bind(date(scope.today));
    qb.push(" AND (f.ended_on IS NULL OR f.ended_on >= ");
    qb.bind(date(scope.today));
    qb.push("))");
}
