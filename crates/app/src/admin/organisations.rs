//! Organisations over their life: renamed, and closed. A closed organisation is no longer
//! offered in forms (nobody is newly placed there, given a role there or added to a team from
//! it); the records that already name it keep it.

use std::collections::HashMap;

use jiff::Timestamp;
use resettle_domain::ids::OrgId;
use resettle_domain::org::Organisation;
use resettle_domain::policy::Action;
use resettle_domain::validation::{ValidationErrors, required_line};

use crate::storage::StorageError;
use crate::{App, AppError, AppResult, Principal};

impl App {
    /// Renames an organisation (its code stays).
    pub async fn rename_organisation(&self, who: Principal<'_>, org: OrgId, name: &str) -> AppResult<()> {
        self.allow_admin(who, Action::ManageOrganisations)?;
        let mut e = ValidationErrors::new();
        let name = required_line(&mut e, "name", "Name", Some(name), 200);
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let audit = [self.admin_event(who, "organisation", &format!("renamed organisation {org}"))];
        self.store.rename_organisation(org, &name, &audit).await.map_err(|e| match e {
            StorageError::NotFound => AppError::NotFound,
            other => other.into(),
        })?;
        self.forget_organisations();
        tracing::info!(org_id = %org, "organisation renamed");
        Ok(())
    }

    /// Closes an organisation, once the administrator has `confirmed` it.
    pub async fn close_organisation(&self, who: Principal<'_>, org: OrgId, confirmed: bool) -> AppResult<()> {
        self.allow_admin(who, Action::ManageOrganisations)?;
        let found = self.store.organisation(org).await?.ok_or(AppError::NotFound)?;
        if self.closed_organisations().await?.contains_key(&org) {
            return Err(AppError::invalid("confirm", format!("{} is already closed", found.name)));
        }
        if !confirmed {
            return Err(AppError::invalid("confirm", format!("Confirm that {} has closed", found.name)));
        }
        let audit = [self.admin_event(who, "organisation", &format!("closed organisation {org}"))];
        self.store.close_organisation(org, self.now(), &audit).await.map_err(|e| match e {
            StorageError::NotFound => AppError::invalid("confirm", format!("{} is already closed", found.name)),
            other => other.into(),
        })?;
        self.forget_organisations();
        tracing::info!(org_id = %org, "organisation closed");
        Ok(())
    }

    /// Reopens a closed organisation: forms offer it again.
    pub async fn reopen_organisation(&self, who: Principal<'_>, org: OrgId) -> AppResult<()> {
        self.allow_admin(who, Action::ManageOrganisations)?;
        let found = self.store.organisation(org).await?.ok_or(AppError::NotFound)?;
        let audit = [self.admin_event(who, "organisation", &format!("reopened organisation {org}"))];
        self.store.reopen_organisation(org, &audit).await.map_err(|e| match e {
            StorageError::NotFound => AppError::invalid("reopen", format!("{} is open", found.name)),
            other => other.into(),
        })?;
        self.forget_organisations();
        tracing::info!(org_id = %org, "organisation reopened");
        Ok(())
    }

    /// One organisation and when it closed, for an administrator to manage (`None`, or one
    /// that does not exist, is not found — after the policy has been asked).
    pub async fn organisation_to_manage(
        &self,
        who: Principal<'_>,
        org: Option<OrgId>,
    ) -> AppResult<(Organisation, Option<Timestamp>)> {
        self.allow_admin(who, Action::ManageOrganisations)?;
        let org = org.ok_or(AppError::NotFound)?;
        let found = self.store.organisation(org).await?.ok_or(AppError::NotFound)?;
        Ok((found, self.closed_organisations().await?.get(&org).copied()))
    }

    /// The closed organisations, with when each closed.
    pub async fn closed_organisations(&self) -> AppResult<HashMap<OrgId, Timestamp>> {
        Ok(self.store.closed_organisations().await?.into_iter().collect())
    }

    /// The organisations still open, by name: the ones forms offer.
    pub async fn open_organisations(&self) -> AppResult<Vec<Organisation>> {
        let closed = self.closed_organisations().await?;
        Ok(self.organisations_shared().await?.iter().filter(|o| !closed.contains_key(&o.id)).cloned().collect())
    }

    /// Refuses `org` in a form when it has closed.
    pub(crate) async fn refuse_closed(&self, org: OrgId, field: &str) -> AppResult<()> {
        if self.closed_organisations().await?.contains_key(&org) {
            return Err(AppError::invalid(field, "That organisation has closed: choose another"));
        }
        Ok(())
    }
}
