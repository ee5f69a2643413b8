//! People, for administrators of a real service: finding them page by page, correcting their
//! names and roles, and ending a leaver's access at once. Every change asks the access policy
//! (`Action::ManageUsers`) and is audited in the transaction that makes it.

use resettle_domain::ids::{MembershipId, UserId};
use resettle_domain::org::Role;
use resettle_domain::policy::Action;
use resettle_domain::validation::{ValidationErrors, optional_line, required_line};

use crate::storage::{AccountLine, EndedAccess, Page, StorageError, UserSearch};
use crate::{App, AppError, AppResult, Principal};

/// People on one page of the administrator's list.
pub const PEOPLE_PER_PAGE: u32 = 25;

impl App {
    /// The people whose name or email address contains `text` (any case), optionally only
    /// those with a role in `organisation` (an id; anything else means every organisation),
    /// by name, [`PEOPLE_PER_PAGE`] to a page.
    pub async fn find_users(
        &self,
        who: Principal<'_>,
        text: &str,
        organisation: &str,
        page: u32,
    ) -> AppResult<Page<AccountLine>> {
        self.allow_admin(who, Action::ManageUsers)?;
        let text = text.trim();
        let query = UserSearch {
            text: (!text.is_empty()).then(|| text.chars().take(200).collect()),
            organisation: organisation.trim().parse().ok(),
            page: page.max(1),
            per_page: PEOPLE_PER_PAGE,
        };
        Ok(self.store.find_users(&query).await?)
    }

    /// One person, with their roles and whether they were deactivated.
    pub async fn account(&self, who: Principal<'_>, user: UserId) -> AppResult<AccountLine> {
        self.allow_admin(who, Action::ManageUsers)?;
        self.store.account(user).await?.ok_or(AppError::NotFound)
    }

    /// Corrects a person's name and telephone.
    pub async fn update_user_details(
        &self,
        who: Principal<'_>,
        user: UserId,
        name: &str,
        phone: &str,
    ) -> AppResult<()> {
        self.allow_admin(who, Action::ManageUsers)?;
        let mut e = ValidationErrors::new();
        let name = required_line(&mut e, "name", "Full name", Some(name), 200);
        let phone = optional_line(&mut e, "phone", "Telephone", Some(phone), 40);
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let audit = [self.admin_event(who, "user", &format!("changed the name or telephone of user {user}"))];
        self.store.update_user_details(user, &name, phone.as_deref(), &audit).await.map_err(not_found)?;
        tracing::info!(user_id = %user, "user details changed");
        Ok(())
    }

    /// Removes one of a person's roles. Their last role cannot go (deactivate them instead),
    /// nor an administrator's own administrator role (so that someone is always left to
    /// administer).
    pub async fn remove_membership(&self, who: Principal<'_>, user: UserId, membership: &str) -> AppResult<()> {
        self.allow_admin(who, Action::ManageUsers)?;
        let account = self.store.account(user).await?.ok_or(AppError::NotFound)?;
        let chosen = membership
            .trim()
            .parse::<MembershipId>()
            .ok()
            .and_then(|id| account.record.memberships.iter().find(|m| m.id == id))
            .ok_or_else(|| AppError::invalid("membership", "Choose the role to remove"))?;
        if account.record.memberships.len() == 1 {
            return Err(AppError::invalid(
                "membership",
                format!("{} has no other role: deactivate them instead", account.record.user.name),
            ));
        }
        if chosen.role == Role::Admin && acting_user(who) == Some(user) {
            return Err(AppError::invalid(
                "membership",
                "You cannot remove your own administrator role: ask another administrator",
            ));
        }
        let what = format!("removed the role {} in {} from user {user}", chosen.role, chosen.organisation_id);
        self.store.delete_membership(user, chosen.id, &[self.admin_event(who, "membership", &what)]).await?;
        tracing::info!(user_id = %user, role = %chosen.role, "membership removed");
        Ok(())
    }

    /// Deactivates a person who has left, once the administrator has `confirmed` it: they can
    /// no longer sign in, and at once every session of theirs ends, every API token is revoked
    /// (the next request with it is refused) and every unused set-password link and enrolment
    /// code stops working. Their name stays on the records they made, and the audit trail
    /// keeps who did it and when. Administrators cannot deactivate themselves.
    pub async fn deactivate_user(&self, who: Principal<'_>, user: UserId, confirmed: bool) -> AppResult<EndedAccess> {
        self.allow_admin(who, Action::ManageUsers)?;
        let account = self.store.account(user).await?.ok_or(AppError::NotFound)?;
        let name = &account.record.user.name;
        if !account.record.user.active {
            return Err(AppError::invalid("confirm", format!("{name} is already deactivated")));
        }
        if acting_user(who) == Some(user) {
            return Err(AppError::invalid("confirm", "You cannot deactivate yourself: ask another administrator"));
        }
        if !confirmed {
            return Err(AppError::invalid(
                "confirm",
                format!("Confirm that {name} has left or no longer needs access"),
            ));
        }
        let now = self.now();
        let audit = [self.admin_event(
            who,
            "user",
            &format!("deactivated user {user}: sessions ended, API tokens revoked, links and codes spent"),
        )];
        let ended = self.store.deactivate_user(user, now, &audit).await.map_err(not_found)?;
        tracing::info!(user_id = %user, sessions = ended.sessions, tokens = ended.tokens, "user deactivated");
        Ok(ended)
    }

    /// Lets a deactivated person sign in again. Their old links were spent: issue a new
    /// set-password link for them.
    pub async fn reactivate_user(&self, who: Principal<'_>, user: UserId) -> AppResult<()> {
        self.allow_admin(who, Action::ManageUsers)?;
        let account = self.store.account(user).await?.ok_or(AppError::NotFound)?;
        if account.record.user.active {
            return Err(AppError::invalid("reactivate", format!("{} can already sign in", account.record.user.name)));
        }
        let audit = [self.admin_event(who, "user", &format!("reactivated user {user}"))];
        self.store.reactivate_user(user, &audit).await.map_err(not_found)?;
        tracing::info!(user_id = %user, "user reactivated");
        Ok(())
    }
}

/// The person acting, when it is a person.
fn acting_user(who: Principal<'_>) -> Option<UserId> {
    match who {
        Principal::Operator => None,
        Principal::User(a) | Principal::Token(a) => Some(a.user_id),
    }
}

fn not_found(e: StorageError) -> AppError {
    match e {
        StorageError::NotFound => AppError::NotFound,
        other => other.into(),
    }
}
