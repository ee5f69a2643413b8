//! Bringing a service's existing caseload in (`resettle import`): children with the youth
//! justice service responsible for them and, when named, their case manager. Every row is
//! checked before anything is written; a refused row is reported with its line and the reason,
//! and then nothing is written unless the operator asked for the valid rows alone (`partial`).
//! Each child imported gets a timeline entry saying so, and the write is audited as the
//! operator's. Imported history raises no alarms: the record holds only who the child is and
//! who is responsible.

use std::collections::HashSet;

use resettle_domain::child::{Child, ChildDetailsInput};
use resettle_domain::ids::{ChildId, TeamMemberId, TimelineEntryId};
use resettle_domain::org::{OrgKind, Role};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use serde::{Deserialize, Serialize};

use crate::{App, AppResult};

/// One row of `children.csv` (or one object of `children.json`): the published column list.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChildRow {
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Preferred name.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    /// Ten digits.
    #[serde(default)]
    pub nhs_number: Option<String>,
    /// As the police write it, e.g. `2024/1234567A`.
    #[serde(default)]
    pub pnc_id: Option<String>,
    /// A gender key, as the API takes it.
    #[serde(default)]
    pub gender: Option<String>,
    /// In the service's words.
    #[serde(default)]
    pub ethnicity: Option<String>,
    /// In the service's words.
    #[serde(default)]
    pub first_language: Option<String>,
    /// A legal status key, as the API takes it.
    #[serde(default)]
    pub legal_status: Option<String>,
    /// `en` or `cy`: the language the child prefers for what is written to them (blank:
    /// English).
    #[serde(default)]
    pub preferred_language: Option<String>,
    /// The code of the youth justice service responsible, e.g. `YJS-LEEDS`.
    #[serde(default)]
    pub yjs_code: Option<String>,
    /// The case manager's email (a case manager of that service), when there is one.
    #[serde(default)]
    pub case_manager_email: Option<String>,
}

impl ChildRow {
    /// The published columns, in order.
    pub const COLUMNS: &'static [&'static str] = &[
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "nhs_number",
        "pnc_id",
        "gender",
        "ethnicity",
        "first_language",
        "legal_status",
        "preferred_language",
        "yjs_code",
        "case_manager_email",
    ];
}

/// A row refused: its line in the file (the header is line 1 of a CSV file; a JSON file's rows
/// are numbered from 1) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Line (CSV) or position (JSON).
    pub line: usize,
    /// What to fix.
    pub reason: String,
}

/// What an import did or would do.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    /// The children written (or, on a dry run, that would be).
    pub imported: Vec<ChildId>,
    /// The rows refused.
    pub refused: Vec<Refusal>,
    /// Whether anything was written.
    pub written: bool,
}

impl App {
    /// Imports children (see the module's notes). `rows` carry their line numbers. Writes
    /// nothing when `dry_run`, or when any row is refused and not `partial`.
    pub async fn import_children(
        &self,
        rows: &[(usize, ChildRow)],
        dry_run: bool,
        partial: bool,
    ) -> AppResult<ImportReport> {
        let today = self.today();
        let now = self.now();
        let orgs = self.organisations().await?;
        let mut refused = Vec::new();
        let mut ready: Vec<(Child, TeamMember, String)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (line, row) in rows {
            let refuse = |reason: String| Refusal { line: *line, reason };
            let input = ChildDetailsInput {
                given_name: row.given_name.clone(),
                family_name: row.family_name.clone(),
                preferred_name: row.preferred_name.clone(),
                date_of_birth: row.date_of_birth.clone(),
                nhs_number: row.nhs_number.clone(),
                pnc_id: row.pnc_id.clone(),
                gender: row.gender.clone(),
                ethnicity: row.ethnicity.clone(),
                first_language: row.first_language.clone(),
                preferred_language: row.preferred_language.clone(),
                legal_status: row.legal_status.clone(),
            };
            let details = match input.validate(today, true) {
                Ok(d) => d,
                Err(e) => {
                    refused.push(refuse(e.summary()));
                    continue;
                }
            };
            let code = row.yjs_code.as_deref().map(str::trim).unwrap_or_default();
            let Some(yjs) = orgs.iter().find(|o| o.code.as_str().eq_ignore_ascii_case(code)) else {
                refused.push(refuse(if code.is_empty() {
                    "yjs_code: give the code of the youth justice service responsible".into()
                } else {
                    format!("yjs_code: no organisation has the code {code}")
                }));
                continue;
            };
            if yjs.kind != OrgKind::Yjs {
                refused.push(refuse(format!("yjs_code: {code} is not a youth justice service")));
                continue;
            }
            let case_manager = match row.case_manager_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                None => None,
                Some(email) => {
                    let found = match resettle_domain::org::Email::parse(email) {
                        Ok(e) => self.user_by_email(&e).await?,
                        Err(_) => None,
                    };
                    let record = match found {
                        Some(id) => self.user_record(id).await?.as_ref().clone(),
                        None => None,
                    };
                    match record {
                        Some(u)
                            if u.memberships
                                .iter()
                                .any(|m| m.role == Role::YjsCaseManager && m.organisation_id == yjs.id) =>
                        {
                            Some(u.user.id)
                        }
                        _ => {
                            refused.push(refuse(format!(
                                "case_manager_email: {email} is not a case manager of {}",
                                yjs.name
                            )));
                            continue;
                        }
                    }
                }
            };
            // The same child twice, in the file or already held, is refused by identifier.
            let nhs = details.nhs_number.as_ref().map(|n| n.as_str().to_string());
            let pnc = details.pnc_id.as_ref().map(|p| p.as_str().to_string());
            let keys: Vec<String> =
                nhs.iter().map(|n| format!("nhs:{n}")).chain(pnc.iter().map(|p| format!("pnc:{p}"))).collect();
            if keys.iter().any(|k| seen.contains(k)) {
                refused.push(refuse("the same NHS number or PNC ID is on an earlier row".into()));
                continue;
            }
            if (nhs.is_some() || pnc.is_some())
                && self.store.child_by_identifier(nhs.as_deref(), pnc.as_deref()).await?.is_some()
            {
                refused.push(refuse("a child with this NHS number or PNC ID is already held".into()));
                continue;
            }
            seen.extend(keys);
            let id = ChildId::random();
            let child = Child { id, yjs_id: yjs.id, details, version: 1, created_at: now, updated_at: now };
            let team = TeamMember {
                id: TeamMemberId::random(),
                child_id: id,
                organisation_id: yjs.id,
                user_id: case_manager,
                role: Role::YjsCaseManager,
                responsibility: "Owns the case and coordinates the resettlement plan".into(),
                started_on: today,
                ended_on: None,
            };
            ready.push((child, team, yjs.name.clone()));
        }
        let write = !dry_run && (refused.is_empty() || partial);
        if write {
            for (child, team, yjs_name) in &ready {
                let entry = TimelineEntry {
                    id: TimelineEntryId::random(),
                    child_id: child.id,
                    at: now,
                    actor_id: None,
                    actor_name: "Import".into(),
                    kind: "child.imported".into(),
                    summary: format!("Record brought in from the service's previous system; {yjs_name} responsible"),
                    reason: None,
                };
                let audit = resettle_domain::audit::AuditEvent {
                    at: now,
                    user_id: None,
                    membership_id: None,
                    action: "write",
                    resource: "child",
                    child_id: Some(child.id),
                    purpose: "import (operator)".into(),
                    request_id: "operator".into(),
                    ip: None,
                };
                self.store.insert_child(child, &[], std::slice::from_ref(team), &entry, &[audit]).await?;
            }
        }
        Ok(ImportReport {
            imported: ready.iter().map(|(c, _, _)| c.id).collect(),
            refused,
            written: write && !ready.is_empty(),
        })
    }
}
