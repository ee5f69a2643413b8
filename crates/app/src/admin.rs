//! Organisations and users: the administrator's work.

use resettle_domain::ids::{MembershipId, OrgId, UserId};
use resettle_domain::org::{Email, Membership, OrgCode, Organisation, Role, User, check_new_password};
use resettle_domain::policy::Action;
use resettle_domain::validation::{ValidationErrors, optional_line, required_line};

use crate::storage::UserRecord;
use crate::{App, AppError, AppResult, Principal, secrets};

mod accounts;
mod organisations;

pub use accounts::PEOPLE_PER_PAGE;

/// Input for a new user, as typed.
#[derive(Clone, Debug, Default)]
pub struct NewUserInput {
    /// Sign-in address.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Telephone.
    pub phone: Option<String>,
    /// The organisation, by code or id.
    pub organisation: String,
    /// Role key.
    pub role: String,
    /// Initial password.
    pub password: String,
}

/// How the secret of a set-password link begins.
pub const PASSWORD_LINK_PREFIX: &str = "rsp_";

impl App {
    pub(crate) fn allow_admin(&self, who: Principal<'_>, action: Action) -> AppResult<()> {
        match who.decide(action) {
            None | Some(resettle_domain::policy::Decision::Allow(_)) => Ok(()),
            Some(resettle_domain::policy::Decision::Deny(why)) => Err(AppError::Forbidden(why)),
        }
    }

    /// Adds an organisation.
    pub async fn create_organisation(
        &self,
        who: Principal<'_>,
        code: &str,
        name: &str,
        kind: &str,
    ) -> AppResult<Organisation> {
        self.allow_admin(who, Action::ManageOrganisations)?;
        let org = Organisation::new(OrgId::random(), code, name, kind)?;
        let audit = [self.admin_event(who, "organisation", &format!("added organisation {} ({})", org.code, org.id))];
        self.store.insert_organisation(&org, &audit).await?;
        self.forget_organisations();
        tracing::info!(org_id = %org.id, kind = %org.kind, "organisation created");
        Ok(org)
    }

    /// All organisations, by name (any signed-in user may list them: they are not personal
    /// data). Every page with a filter or a choice of organisation needs the list, so it is
    /// kept for a minute; adding an organisation here refreshes it at once.
    pub async fn organisations(&self) -> AppResult<Vec<Organisation>> {
        Ok(self.organisations_shared().await?.as_ref().clone())
    }

    /// The cached list, shared.
    pub async fn organisations_shared(&self) -> AppResult<std::sync::Arc<Vec<Organisation>>> {
        const FRESH_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);
        let now = self.now();
        if let Some((at, list)) = self.organisations.read().unwrap_or_else(|p| p.into_inner()).as_ref()
            && now.duration_since(*at) < FRESH_FOR
        {
            return Ok(list.clone());
        }
        let list = std::sync::Arc::new(self.store.organisations().await?);
        *self.organisations.write().unwrap_or_else(|p| p.into_inner()) = Some((now, list.clone()));
        Ok(list)
    }

    /// A user with their memberships, from the read cache (see [`crate::cache`]): every
    /// request looks up the person behind its session.
    pub async fn user_record(
        &self,
        id: resettle_domain::ids::UserId,
    ) -> AppResult<std::sync::Arc<Option<crate::storage::UserRecord>>> {
        Ok(self
            .caches
            .users
            .get_or_build(&id, self.store.changes().await?, self.now(), || async { self.store.user(id).await })
            .await?)
    }

    pub(crate) fn forget_organisations(&self) {
        *self.organisations.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// One organisation.
    pub async fn organisation(&self, id: OrgId) -> AppResult<Organisation> {
        self.store.organisation(id).await?.ok_or(AppError::NotFound)
    }

    /// Finds an organisation by code or id.
    pub async fn find_organisation(&self, code_or_id: &str) -> AppResult<Option<Organisation>> {
        if let Ok(id) = code_or_id.trim().parse::<OrgId>() {
            return Ok(self.store.organisation(id).await?);
        }
        match OrgCode::parse(code_or_id) {
            Ok(code) => Ok(self.store.organisation_by_code(&code).await?),
            Err(_) => Ok(None),
        }
    }

    /// Adds a user with one membership and a password.
    pub async fn create_user(&self, who: Principal<'_>, input: &NewUserInput) -> AppResult<User> {
        self.allow_admin(who, Action::ManageUsers)?;
        let mut e = ValidationErrors::new();
        let email = Email::parse(&input.email).map_err(|m| e.add("email", m)).ok();
        let name = required_line(&mut e, "name", "Name", Some(&input.name), 200);
        let phone = optional_line(&mut e, "phone", "Telephone", input.phone.as_deref(), 40);
        let role = input.role.trim().parse::<Role>().map_err(|m| e.add("role", m)).ok();
        // No password: the person sets their own through a one-time link.
        if !input.password.is_empty()
            && let Err(m) = check_new_password(&input.password)
        {
            e.add("password", m);
        }
        let org = if input.organisation.trim().is_empty() {
            e.add("organisation", "Choose the organisation");
            None
        } else {
            let found = self.find_organisation(&input.organisation).await?;
            if found.is_none() {
                e.add("organisation", "No organisation has that code");
            }
            found
        };
        let (Some(email), Some(role), Some(org)) = (email, role, org) else {
            return Err(AppError::Invalid(e));
        };
        if !role.fits(org.kind) {
            e.add("organisation", role.misfit_message());
        }
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        self.refuse_closed(org.id, "organisation").await?;
        let password = input.password.clone();
        let hash = match password.is_empty() {
            true => None,
            false => Some(
                tokio::task::spawn_blocking(move || secrets::hash_password(&password))
                    .await
                    .map_err(|err| AppError::Internal(err.to_string()))?
                    .map_err(AppError::Internal)?,
            ),
        };
        let id = UserId::random();
        let user = User { id, email, name, phone, active: true };
        let record = UserRecord {
            user: user.clone(),
            password_hash: hash,
            memberships: vec![Membership { id: MembershipId::random(), user_id: id, organisation_id: org.id, role }],
        };
        let audit = [self.admin_event(who, "user", &format!("added user {id} as {role} in {}", org.id))];
        self.store.insert_user(&record, &audit).await?;
        tracing::info!(user_id = %id, role = %role, org_id = %org.id, "user created");
        Ok(user)
    }

    /// Gives an existing user another role in an organisation.
    pub async fn add_membership(
        &self,
        who: Principal<'_>,
        user: UserId,
        org: OrgId,
        role: &str,
    ) -> AppResult<Membership> {
        self.allow_admin(who, Action::ManageUsers)?;
        let role = role.trim().parse::<Role>().map_err(|_| AppError::invalid("role", "Choose a role"))?;
        let organisation = self
            .store
            .organisation(org)
            .await?
            .ok_or_else(|| AppError::invalid("organisation", "No such organisation"))?;
        if !role.fits(organisation.kind) {
            return Err(AppError::invalid("organisation", role.misfit_message()));
        }
        self.refuse_closed(org, "organisation").await?;
        let record = self.store.user(user).await?.ok_or(AppError::NotFound)?;
        if record.memberships.iter().any(|m| m.organisation_id == org && m.role == role) {
            return Err(AppError::invalid("role", "The user already has that role in that organisation"));
        }
        let m = Membership { id: MembershipId::random(), user_id: user, organisation_id: org, role };
        let audit = [self.admin_event(who, "membership", &format!("gave user {user} the role {role} in {org}"))];
        self.store.insert_membership(&m, &audit).await?;
        Ok(m)
    }

    /// Issues a one-time link with which `user` sets their own password — for a new account,
    /// or a reset: administrators never type or see anyone's password. The link works once,
    /// for [`crate::Config::password_link`]; returns its secret (only its hash is stored).
    /// Using it ends the person's sessions and API tokens. Audited.
    pub async fn issue_password_link(&self, who: Principal<'_>, user: &str) -> AppResult<String> {
        self.allow_admin(who, Action::ManageUsers)?;
        let id = user
            .trim()
            .parse::<UserId>()
            .ok()
            .ok_or_else(|| AppError::invalid("user", "Choose the person to send a link to"))?;
        let record = self.store.user(id).await?.ok_or_else(|| AppError::invalid("user", "No such user"))?;
        if !record.user.active {
            return Err(AppError::invalid(
                "user",
                format!("{} is deactivated: reactivate them before sending a link", record.user.name),
            ));
        }
        let secret = format!("{PASSWORD_LINK_PREFIX}{}", secrets::random_token());
        let now = self.now();
        let expires = now.saturating_add(self.config.password_link).unwrap_or(now);
        let audit = [self.admin_event(who, "user", &format!("issued a set-password link for user {}", record.user.id))];
        self.store.insert_password_link(&secrets::token_hash(&secret), record.user.id, now, expires, &audit).await?;
        Ok(secret)
    }

    /// The id of the user with `email`, if any (for the operator's commands).
    pub async fn user_by_email(&self, email: &Email) -> AppResult<Option<UserId>> {
        Ok(self.store.user_by_email(email).await?.map(|u| u.user.id))
    }

    /// All users with their memberships (administrators only).
    pub async fn users(&self, who: Principal<'_>) -> AppResult<Vec<UserRecord>> {
        self.allow_admin(who, Action::ManageUsers)?;
        Ok(self.store.users().await?)
    }

    /// People in an organisation, for choosing a named team member.
    pub async fn users_in_organisation(&self, org: OrgId) -> AppResult<Vec<User>> {
        Ok(self.store.users_in_organisation(org).await?)
    }
}
