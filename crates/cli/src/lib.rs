//! The `resettle` command's library: reading the configuration, backups and restores,
//! retention's report and erasure, subject access exports and people's accounts — shared by the binary
//! (`src/main.rs`) and the integration tests.

pub mod backup;
pub mod config;
pub mod import;
pub mod retention;
pub mod sar;
pub mod users;

use std::path::PathBuf;

use clap::Args;

/// Which database, and which configuration file.
#[derive(Args, Clone, Debug)]
pub struct Db {
    /// Database: `sqlite://PATH` (created when missing) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "RESETTLE_DATABASE_URL", default_value = "sqlite://resettle.db")]
    pub database_url: String,
    /// Configuration file (TOML); its `[timescales]` and `[readiness]` sections set the deadlines. Defaults to
    /// `resettle.toml` in the working directory when that exists.
    #[arg(long, env = "RESETTLE_CONFIG")]
    pub config: Option<PathBuf>,
}
