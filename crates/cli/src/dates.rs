//! `resettle dates`: key dates, bank holidays and working days from the command line.

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use jiff::civil::Date;
use resettle_domain::calendar::Calendar;
use resettle_domain::calendar::long_date;
use resettle_domain::discharge::discharge_for;
use resettle_domain::dto::{DtoInput, dto_key_dates, explain};
use resettle_domain::sentence::KeyDates;

/// The `dates` subcommands.
#[derive(Subcommand)]
pub enum DatesCommand {
    /// Key dates of a Detention and Training Order.
    Dto {
        /// Date of sentence, YYYY-MM-DD.
        #[arg(long)]
        sentence_date: String,
        /// Term in months (4 to 24).
        #[arg(long)]
        months: u8,
        /// Days on remand to credit.
        #[arg(long, default_value_t = 0)]
        remand_days: u32,
        /// Print JSON instead of an explanation.
        #[arg(long)]
        json: bool,
        /// Also count the bank holidays administrators added in this database (for the day of
        /// discharge).
        #[arg(long, env = "RESETTLE_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Bank holidays in England and Wales in a year.
    BankHolidays {
        /// Year (1990 to 2100).
        #[arg(long)]
        year: i16,
        /// Print a JSON array of dates.
        #[arg(long)]
        json: bool,
        /// Also count the bank holidays administrators added in this database.
        #[arg(long, env = "RESETTLE_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Add (or, when negative, subtract) working days.
    AddWorkingDays {
        /// Starting date, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Working days to add; negative to go back.
        #[arg(long, allow_hyphen_values = true)]
        days: i32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also count the bank holidays administrators added in this database.
        #[arg(long, env = "RESETTLE_DATABASE_URL")]
        database_url: Option<String>,
    },
}

/// The calendar, with the database's added bank holidays when a database is named.
async fn calendar(database_url: Option<&str>) -> Result<Calendar> {
    let calendar = Calendar::england_and_wales();
    match database_url {
        None => Ok(calendar),
        Some(url) => {
            let store = crate::open_store(url, None).await?;
            let extra = store.extra_bank_holidays().await.map_err(|e| anyhow!("{e}"))?;
            Ok(calendar.with_extra_holidays(extra))
        }
    }
}

fn date(flag: &str, s: &str) -> Result<Date> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| anyhow!("{flag}: {s:?} is not a real date: write it as YYYY-MM-DD, like 2026-11-02"))
}

/// Runs a `dates` subcommand.
pub async fn run(command: DatesCommand) -> Result<()> {
    match command {
        DatesCommand::Dto { sentence_date, months, remand_days, json, database_url } => {
            let input =
                DtoInput { sentence_date: date("--sentence-date", &sentence_date)?, term_months: months, remand_days };
            let dates = dto_key_dates(&input).map_err(|e| anyhow!("{e}"))?;
            let calendar = calendar(database_url.as_deref()).await?;
            let discharge_on = discharge_for(&calendar, &KeyDates::from(&dates));
            if json {
                let out = serde_json::json!({
                    "term_days": dates.term_days,
                    "custody_days": dates.custody_days,
                    "mtd": dates.mtd.to_string(),
                    "etd": dates.etd.map(|d| d.to_string()),
                    "ltd": dates.ltd.map(|d| d.to_string()),
                    "sled": dates.sled.to_string(),
                    "discharge_on": discharge_on.to_string(),
                });
                println!("{out}");
            } else {
                for line in explain(&input, &dates) {
                    println!("{line}");
                }
                if discharge_on != dates.mtd {
                    println!(
                        "Day of discharge: {} (the release date falls on a day the Criminal Justice Act 1961 s.23(3) \
                         forbids, so the child leaves on the day before that is allowed)",
                        long_date(discharge_on)
                    );
                } else {
                    println!("Day of discharge: {} (the release date itself)", long_date(discharge_on));
                }
            }
        }
        DatesCommand::BankHolidays { year, json, database_url } => {
            let days = calendar(database_url.as_deref()).await?.bank_holidays(year).map_err(|e| anyhow!("{e}"))?;
            if json {
                let list: Vec<String> = days.iter().map(|d| d.date.to_string()).collect();
                println!("{}", serde_json::to_string(&list)?);
            } else {
                for d in days {
                    println!("{}  {}", d.date, d.name);
                }
            }
        }
        DatesCommand::AddWorkingDays { from, days, json, database_url } => {
            let calendar = calendar(database_url.as_deref()).await?;
            let from = date("--from", &from)?;
            if days.abs() > 10_000 {
                bail!("--days: {days} is too many; use at most 10000 working days either way");
            }
            let result = calendar.add_working_days(from, days).map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::json!({ "date": result.to_string() }));
            } else {
                println!("{result}");
            }
        }
    }
    Ok(())
}
