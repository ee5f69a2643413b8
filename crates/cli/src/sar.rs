//! `resettle sar export`: a subject access request answered at the command line, as the
//! operator (the data protection officer's page does the same in a browser).

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use resettle_app::App;
use resettle_app::subject_access::{HealthChoice, Officer};
use resettle_domain::ids::ChildId;

use crate::Db;

/// `resettle sar …`.
#[derive(Subcommand, Clone, Debug)]
pub enum SarCommand {
    /// Export everything held about a child as a zip (a readable copy, the data as JSON, the
    /// health record as FHIR when released, and who accessed the record), for request
    /// --reference. The request is recorded when it is new. Health content goes in only after a
    /// health professional on the child's team has reviewed it in Resettle; until then the export
    /// is refused unless --without-health. Audited as the operator's.
    Export(ExportArgs),
}

/// `resettle sar export`.
#[derive(Args, Clone, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: Db,
    /// The child's identifier.
    #[arg(long)]
    pub child: String,
    /// Where to write the zip; it may not exist yet.
    #[arg(long, value_name = "FILE.zip")]
    pub to: PathBuf,
    /// The service's reference for the request (from its letter or case system).
    #[arg(long)]
    pub reference: String,
    /// The day the request was received (YYYY-MM-DD), for a new request; today when absent.
    #[arg(long)]
    pub received_on: Option<String>,
    /// Leave the health content out (to send the rest while the health review is waiting).
    #[arg(long)]
    pub without_health: bool,
}

/// Runs `resettle sar export` against `app`; says what was written.
pub async fn export(app: &App, args: &ExportArgs) -> Result<String> {
    let child: ChildId = args.child.trim().parse().map_err(|_| anyhow!("--child: not a child's identifier"))?;
    if args.to.exists() {
        bail!("{} exists already: choose a new file name", args.to.display());
    }
    let id = match app.subject_access_by_reference(child, args.reference.trim()).await? {
        Some(id) => id,
        None => {
            let received_on = match &args.received_on {
                Some(day) => resettle_domain::validation::parse_day(day.trim())
                    .map_err(|why| anyhow!("--received-on: {}", why.message("The day received", "2026-11-02")))?,
                None => app.today(),
            };
            app.start_subject_access(Officer::Operator, child, &args.reference, received_on).await?.id
        }
    };
    let choice = if args.without_health { HealthChoice::LeaveOut } else { HealthChoice::AsReviewed };
    let export = app.subject_access_export(Officer::Operator, id, choice).await?;
    let bytes = resettle_web::sar_export::zip(&export).map_err(|e| anyhow!(e))?;
    // Written only when complete: a new file, never over another.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.to)
        .map_err(|e| anyhow!("cannot create {}: {e}", args.to.display()))?;
    std::io::Write::write_all(&mut file, &bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| anyhow!("cannot write {}: {e}", args.to.display()))?;
    let rows: usize = export.tables.iter().map(|t| t.rows.len()).sum();
    Ok(format!(
        "Wrote {} ({} bytes): request {}, {} records in {} tables, {} accesses. {}",
        args.to.display(),
        bytes.len(),
        export.request.reference,
        rows,
        export.tables.len(),
        export.access.len(),
        export.health_note
    ))
}
