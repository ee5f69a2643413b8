//! `resettle import`: a service's existing caseload brought in from a file in the published
//! format (docs/import.md): `children.csv` (UTF-8, a header row naming the columns) or the same
//! rows as a JSON array of objects.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use resettle_app::App;
use resettle_app::import::{ChildRow, ImportReport};

use crate::Db;

/// `resettle import`.
#[derive(Args, Clone, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: Db,
    /// The file: `.csv` (a header row, then one child a row) or `.json` (an array of objects
    /// with the same names). Columns: given_name, family_name, preferred_name, date_of_birth,
    /// nhs_number, pnc_id, gender, ethnicity, first_language, legal_status, yjs_code,
    /// case_manager_email (docs/import.md).
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    pub from: PathBuf,
    /// Check every row and say what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even when others are refused (by default one refused row means
    /// nothing is written).
    #[arg(long)]
    pub partial: bool,
}

/// The rows of `path`, each with its line (CSV) or position (JSON).
pub fn read_rows(path: &Path) -> Result<Vec<(usize, ChildRow)>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(text).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match ext.as_str() {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
            let headers = reader.headers().map_err(|e| anyhow!("{}: the header row: {e}", path.display()))?.clone();
            let known = ChildRow::COLUMNS;
            if let Some(bad) = headers.iter().find(|h| !known.contains(h)) {
                bail!("{}: line 1: unknown column \"{bad}\"; the columns are {}", path.display(), known.join(", "));
            }
            let mut rows = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|e| anyhow!("{}: {e}", path.display()))?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                let row: ChildRow =
                    record.deserialize(Some(&headers)).map_err(|e| anyhow!("{}: line {line}: {e}", path.display()))?;
                rows.push((line, row));
            }
            Ok(rows)
        }
        "json" => {
            let rows: Vec<ChildRow> = serde_json::from_str(text)
                .map_err(|e| anyhow!("{}: not an array of children in the published format: {e}", path.display()))?;
            Ok(rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)).collect())
        }
        _ => bail!("{}: the file must end in .csv or .json", path.display()),
    }
}

/// Runs `resettle import`: the report, and an error when rows were refused and nothing was
/// written (or on a dry run that found refusals).
pub async fn import(app: &App, args: &ImportArgs) -> Result<(ImportReport, String)> {
    let rows = read_rows(&args.from)?;
    if rows.is_empty() {
        bail!("{}: no rows to import", args.from.display());
    }
    let report = app.import_children(&rows, args.dry_run, args.partial).await?;
    let mut out = String::new();
    for r in &report.refused {
        out.push_str(&format!("{}: line {}: {}\n", args.from.display(), r.line, r.reason));
    }
    let n = report.imported.len();
    let summary = match (args.dry_run, report.written, report.refused.len()) {
        (true, _, 0) => format!("Dry run: all {n} children would be imported; nothing was written."),
        (true, _, k) => format!(
            "Dry run: {k} row(s) refused; {n} would be imported{}; nothing was written.",
            if args.partial { "" } else { " with --partial" }
        ),
        (false, true, 0) => format!("Imported {n} children."),
        (false, true, k) => format!("Imported {n} children; {k} row(s) refused and left out (--partial)."),
        (false, false, 0) => "Nothing to import.".to_string(),
        (false, false, k) => {
            format!("{k} row(s) refused, so nothing was imported: fix them, or add --partial to import the other {n}.")
        }
    };
    out.push_str(&summary);
    if !report.refused.is_empty() && !report.written {
        bail!("{out}");
    }
    Ok((report, out))
}
