//! `resettle retention`: the report of records due under `[retention]`, and their erasure.
//! Both name children by identifier only.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use jiff::civil::Date;
use resettle_app::App;
use resettle_domain::calendar::long_date;
use resettle_domain::retention::Erasure;

use crate::Db;

/// `resettle retention …`.
#[derive(Subcommand)]
pub enum RetentionCommand {
    /// List the records due for review and erasure: kept until a day before today (or --on),
    /// by child identifier, class and rule. Names no one; audited as the operator's.
    Report {
        #[command(flatten)]
        db: Db,
        /// The day to judge on (YYYY-MM-DD); today in UK time when absent.
        #[arg(long)]
        on: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Erase the records due (the ones `retention report` lists): a youth justice record with
    /// everything about the child, or a health record alone. Each erasure leaves a tombstone
    /// and an audit entry. Refuses without --confirm.
    Apply {
        #[command(flatten)]
        db: Db,
        /// The day to judge on (YYYY-MM-DD); today in UK time when absent.
        #[arg(long)]
        on: Option<String>,
        /// Erase for real (without it, says what would be erased and changes nothing).
        #[arg(long)]
        confirm: bool,
        /// Print the tombstones as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl RetentionCommand {
    /// The database the command works on.
    pub fn db(&self) -> &Db {
        match self {
            RetentionCommand::Report { db, .. } | RetentionCommand::Apply { db, .. } => db,
        }
    }
}

/// Runs the command against `app`, writing to `out`.
pub async fn run(app: &App, command: &RetentionCommand, out: &mut (dyn Write + Send)) -> Result<()> {
    match command {
        RetentionCommand::Report { on, json, .. } => report(app, day(app, on.as_deref())?, *json, out).await,
        RetentionCommand::Apply { on, confirm, json, .. } => {
            apply(app, day(app, on.as_deref())?, *confirm, *json, out).await.map(|_| ())
        }
    }
}

fn day(app: &App, on: Option<&str>) -> Result<Date> {
    match on {
        Some(day) => resettle_domain::validation::parse_day(day.trim())
            .map_err(|why| anyhow!("--on: {}", why.message("The day", "2026-11-02"))),
        None => Ok(app.today()),
    }
}

/// `resettle retention report`.
pub async fn report(app: &App, today: Date, json: bool, out: &mut (dyn Write + Send)) -> Result<()> {
    let list = app.retention_report(today).await?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
    } else if list.is_empty() {
        writeln!(out, "No records are due for retention review on {}.", long_date(today))?;
    } else {
        writeln!(
            out,
            "{} record(s) due for retention review on {} (`resettle retention apply --confirm` erases them):",
            list.len(),
            long_date(today)
        )?;
        for d in &list {
            writeln!(
                out,
                "{}  {:<26} kept until {} ({})",
                d.child_id,
                d.class.label(),
                long_date(d.keep_until),
                d.rule
            )?;
        }
    }
    Ok(())
}

/// `resettle retention apply`: without `confirm`, refuses (saying how many records it would
/// erase) when any is due, and changes nothing. Returns the erasures made.
pub async fn apply(
    app: &App,
    today: Date,
    confirm: bool,
    json: bool,
    out: &mut (dyn Write + Send),
) -> Result<Vec<Erasure>> {
    if !confirm {
        let list = app.retention_erasures(today).await?;
        if list.is_empty() {
            writeln!(out, "No records are due for erasure on {}; nothing to do.", long_date(today))?;
            return Ok(Vec::new());
        }
        bail!(
            "this would erase {} record(s) due on {} (see `resettle retention report`); nothing was changed. \
             Add --confirm to erase them.",
            list.len(),
            long_date(today)
        );
    }
    let mut written = Ok(());
    let done = app
        .retention_apply(today, |e| {
            if !json && written.is_ok() {
                written = writeln!(
                    out,
                    "erased {}  {:<26} kept until {} ({}): {} row(s)",
                    e.child_id,
                    e.class.label(),
                    long_date(e.keep_until),
                    e.rule,
                    e.removed.iter().map(|(_, n)| n).sum::<i64>()
                );
            }
        })
        .await?;
    written?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&done)?)?;
    } else if done.is_empty() {
        writeln!(out, "No records are due for erasure on {}; nothing erased.", long_date(today))?;
    } else {
        writeln!(out, "{} record(s) erased; each left a tombstone and an audit entry.", done.len())?;
    }
    Ok(done)
}
