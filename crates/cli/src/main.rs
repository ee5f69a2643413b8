//! `resettle`: the command line for serving, migrations, organisations, users, tokens,
//! synthetic data and key-date calculations.

mod dates;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use resettle_app::storage::Storage;
use resettle_app::{App, AppError, Principal, secrets};
use resettle_store_postgres::PostgresStore;
use resettle_store_sqlite::{SqliteStore, Workload};
use resettle_web::WebConfig;

use resettle_cli::config::{load_audit, load_config, load_trusted_proxies};
use resettle_cli::retention::RetentionCommand;
use resettle_cli::users::UserCommand;
use resettle_cli::{Db, backup};

/// Resettle: one shared plan for each child leaving custody in England and Wales.
#[derive(Parser)]
#[command(name = "resettle", version, about, propagate_version = true)]
struct Cli {
    /// How log lines are written to standard error: `text` for people, `json` (one JSON
    /// object a line, with the request id) for log collectors.
    #[arg(long, global = true, env = "RESETTLE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// JSON lines.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the JSON API.
    Serve {
        #[command(flatten)]
        db: Db,
        /// Address to listen on.
        #[arg(long, env = "RESETTLE_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Apply the database migrations (they also run at every start).
    Migrate {
        #[command(flatten)]
        db: Db,
    },
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Load a realistic synthetic population (deterministic for a seed).
    Synth {
        #[command(flatten)]
        db: Db,
        /// How many children.
        #[arg(long)]
        children: usize,
        /// Seed: the same seed gives the same population (for the same day).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Create a fresh demo database from synthetic data, print the demo sign-ins and serve it.
    Demo {
        /// Database for the demo; an existing SQLite file there is replaced.
        #[arg(long, env = "RESETTLE_DEMO_DATABASE_URL", default_value = "sqlite://resettle-demo.db")]
        database_url: String,
        /// Address to listen on.
        #[arg(long, env = "RESETTLE_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// How many children.
        #[arg(long, default_value_t = 400)]
        children: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Configuration file (TOML), as for `serve`.
        #[arg(long, env = "RESETTLE_CONFIG")]
        config: Option<PathBuf>,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Authenticators (time-based one-time passwords, the second factor).
    Totp {
        #[command(subcommand)]
        command: TotpCommand,
    },
    /// Escalate overdue, unacknowledged handovers once (idempotent) and say what was done.
    Sweep {
        #[command(flatten)]
        db: Db,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy the database while the service runs: FILE and FILE.manifest.json (see README).
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty database, check it and record the restore in the audit trail.
    Restore(backup::RestoreArgs),
    /// Reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Retention: the records kept as long as the schedule in `[retention]` says.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Bring a service's existing children in from a CSV or JSON file (docs/import.md): every
    /// row is checked first; one refused row (reported with its line) means nothing is written,
    /// unless --partial.
    Import(resettle_cli::import::ImportArgs),
    /// Subject access requests (UK GDPR article 15).
    Sar {
        #[command(subcommand)]
        command: resettle_cli::sar::SarCommand,
    },
    /// Key dates, bank holidays and working days.
    Dates {
        #[command(subcommand)]
        command: dates::DatesCommand,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The cohort outcomes report: the children released between two days (inclusive), followed
    /// for `[outcomes] follow_up_months` from release (counts only; audited as the operator's).
    Cohort {
        #[command(flatten)]
        db: Db,
        /// First day of release (YYYY-MM-DD).
        #[arg(long)]
        released_from: String,
        /// Last day of release, inclusive (YYYY-MM-DD).
        #[arg(long)]
        released_to: String,
        /// A youth justice service's code (repeat for several); every service when absent.
        #[arg(long = "yjs")]
        yjs: Vec<String>,
        /// Print the API's JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (as the page's download).
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Args, Clone)]
struct WebArgs {
    /// Serve the front-end from this folder (`static/dist`, built by `make assets`) instead of
    /// the copy built into the binary: for working on the stylesheet without rebuilding.
    #[arg(long, env = "RESETTLE_STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// Set when users reach the service over HTTPS: `__Host-` cookies marked Secure, and HSTS.
    #[arg(long, env = "RESETTLE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Minutes between sweeps for overdue handovers (escalations); 0 turns the background
    /// sweep off (run `resettle sweep` from a scheduler instead).
    #[arg(long, env = "RESETTLE_SWEEP_MINUTES", default_value_t = 5)]
    sweep_minutes: u64,
    /// Serve Prometheus metrics at `/metrics` on this address (e.g. 127.0.0.1:9090): a
    /// listener of its own, never the public port. Unset: no metrics listener.
    #[arg(long, env = "RESETTLE_METRICS_BIND")]
    metrics_bind: Option<String>,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organisation and print its id.
    Add {
        #[command(flatten)]
        db: Db,
        /// Short unique code, e.g. YJS-LEEDS.
        #[arg(long)]
        code: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// The kind of organisation (the possible values are listed below).
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(
            resettle_domain::org::OrgKind::ALL.iter().map(|k| k.as_str())
        ))]
        kind: String,
    },
}

#[derive(Subcommand)]
enum TotpCommand {
    /// Remove a user's authenticator (a lost phone) and end their sessions: they set up a new
    /// one at their next sign-in.
    Reset {
        #[command(flatten)]
        db: Db,
        /// The user's email.
        #[arg(long)]
        email: String,
    },
    /// Issue a one-time enrolment code with which an administrator or manager sets up their
    /// authenticator (valid 72 hours; printed once). Give it to them in person or by phone.
    EnrolmentCode {
        #[command(flatten)]
        db: Db,
        /// The user's email.
        #[arg(long)]
        email: String,
    },
    /// Print the current code for a secret: by default the demo users' secret (demo only).
    Code {
        /// Base32 secret.
        #[arg(long, default_value = resettle_app::totp::DEMO_SECRET)]
        secret: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain; exits non-zero naming the first entry changed, removed or
    /// inserted.
    Verify {
        #[command(flatten)]
        db: Db,
    },
    /// Publish a checkpoint of the chain's head (its sequence number and hash, signed with
    /// the audit key) to the checkpoint file; `resettle serve` does this at every sweep.
    Checkpoint {
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// List a user's tokens (ids, labels, expiry; never the secrets).
    List {
        #[command(flatten)]
        db: Db,
        /// The user's email.
        #[arg(long)]
        email: String,
    },
    /// Revoke a token at once.
    Revoke {
        #[command(flatten)]
        db: Db,
        /// The token's id, from `resettle token list`.
        #[arg(long)]
        id: String,
    },
    /// Create an API token for a user; the token is printed once, alone on the last line.
    Create {
        #[command(flatten)]
        db: Db,
        /// The user's email.
        #[arg(long)]
        email: String,
        /// Days until it expires (1–366; default 90).
        #[arg(long)]
        days: Option<i64>,
        /// A label to recognise it by.
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("RESETTLE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    match cli.log_format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .init(),
        // One object a line; the request's span (method, path, request id) on every line.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", explain(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// Words for the person at the terminal: validation problems field by field.
fn explain(e: &anyhow::Error) -> String {
    match e.downcast_ref::<AppError>() {
        Some(AppError::Invalid(v)) => {
            v.0.iter()
                .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("\n       ")
        }
        Some(AppError::Internal(m)) => m.clone(),
        _ => format!("{e:#}"),
    }
}

/// Opens the database named by `url`, applying migrations, tuned for serving.
pub async fn open_store(url: &str, key: Option<resettle_domain::audit::AuditKey>) -> Result<Arc<dyn Storage>> {
    open_store_for(url, key, Workload::Serve).await
}

/// [`open_store`] for `workload` (SQLite's memory; PostgreSQL's is the server's).
async fn open_store_for(
    url: &str,
    key: Option<resettle_domain::audit::AuditKey>,
    workload: Workload,
) -> Result<Arc<dyn Storage>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresStore::connect(url).await.map_err(|e| anyhow!("{e}"))?;
        Ok(Arc::new(match key {
            Some(k) => store.with_audit_key(k),
            None => store,
        }))
    } else if url.starts_with("sqlite:") {
        let store = SqliteStore::connect_for(url, workload).await.map_err(|e| anyhow!("{e}"))?;
        Ok(Arc::new(match key {
            Some(k) => store.with_audit_key(k),
            None => store,
        }))
    } else {
        bail!(
            "the database URL must start with sqlite:// or postgres:// (got a URL starting {:?})",
            url.split(':').next().unwrap_or("")
        )
    }
}

async fn app_for(db: &Db) -> Result<App> {
    app_for_workload(db, Workload::Serve).await
}

async fn app_for_workload(db: &Db, workload: Workload) -> Result<App> {
    let mut config = load_config(db.config.as_deref())?;
    let (key, checkpoints) = load_audit(db.config.as_deref())?;
    config.audit_checkpoints = Some(checkpoints);
    Ok(App::new(open_store_for(&db.database_url, Some(key), workload).await?, config))
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve { db, bind, web } => {
            let app = app_for(&db).await?;
            let proxies = load_trusted_proxies(db.config.as_deref())?;
            serve(app, &bind, web, proxies).await
        }
        Command::Migrate { db } => {
            open_store(&db.database_url, None).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Org { command: OrgCommand::Add { db, code, name, kind } } => {
            let app = app_for(&db).await?;
            let org = app.create_organisation(Principal::Operator, &code, &name, &kind).await?;
            println!("{}", org.id);
            Ok(())
        }
        Command::User { command } => {
            let app = app_for(command.db()).await?;
            resettle_cli::users::run(&app, command, &mut std::io::stdout()).await
        }
        Command::Token { command: TokenCommand::Create { db, email, days, label } } => {
            let app = app_for(&db).await?;
            let token = app.create_api_token(&email, days, &label).await?;
            eprintln!("Token created. It is shown once: store it safely. Send it as 'Authorization: Bearer <token>'.");
            println!("{token}");
            Ok(())
        }
        Command::Token { command: TokenCommand::List { db, email } } => {
            let app = app_for(&db).await?;
            for t in app.api_tokens(&email).await? {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None if t.expires_at <= app.now() => "expired".to_string(),
                    None => format!("expires {}", t.expires_at),
                };
                println!("{}  {:<24} created {}  {state}", t.id, t.label, t.created_at);
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { db, id } } => {
            let app = app_for(&db).await?;
            app.revoke_api_token(&id).await?;
            println!("revoked {id}");
            Ok(())
        }
        Command::Synth { db, children, seed } => {
            // Bounded memory for any number of children: batches of the generator's size, and a
            // connection that neither maps the file nor keeps a large cache.
            let app = app_for_workload(&db, Workload::BulkLoad).await?;
            let logins = load_synthetic(&app, seed, children).await?;
            print_logins(&logins);
            Ok(())
        }
        Command::Demo { database_url, bind, children, seed, config, web } => {
            let proxies = load_trusted_proxies(config.as_deref())?;
            let (key, checkpoints) = load_audit(config.as_deref())?;
            let mut config = load_config(config.as_deref())?;
            config.audit_checkpoints = Some(checkpoints);
            let url = fresh_demo_database(&database_url)?;
            let app = App::new(open_store(&url, Some(key)).await?, config);
            let logins = load_synthetic(&app, seed, children).await?;
            print_logins(&logins);
            println!("\nOpen http://{bind}/ and sign in with any of the above.");
            serve(app, &bind, web, proxies).await
        }
        Command::Totp { command: TotpCommand::Reset { db, email } } => {
            let app = app_for(&db).await?;
            app.reset_totp(&email).await?;
            println!("authenticator removed for {email}: they set up a new one at their next sign-in");
            Ok(())
        }
        Command::Totp { command: TotpCommand::EnrolmentCode { db, email } } => {
            let app = app_for(&db).await?;
            let parsed = resettle_domain::org::Email::parse(&email).map_err(|m| anyhow!("--email: {m}"))?;
            let user =
                app.user_by_email(&parsed).await?.ok_or_else(|| anyhow!("--email: no user has that email address"))?;
            let code = app.issue_enrolment_code(resettle_app::Principal::Operator, user).await?;
            println!("Enrolment code for {email} (valid 72 hours, shown once):\n{code}");
            Ok(())
        }
        Command::Totp { command: TotpCommand::Code { secret } } => {
            println!("{}", resettle_app::totp::code_at(&secret, jiff::Timestamp::now())?);
            Ok(())
        }
        Command::Report { command: ReportCommand::Cohort { db, released_from, released_to, yjs, json, csv } } => {
            let app = app_for(&db).await?;
            let orgs = app.organisations().await?;
            let mut yjs_ids = Vec::new();
            for code in &yjs {
                let org = orgs
                    .iter()
                    .find(|o| o.code.as_str().eq_ignore_ascii_case(code.trim()))
                    .ok_or_else(|| anyhow!("--yjs: no organisation has the code {code}"))?;
                yjs_ids.push(org.id.to_string());
            }
            let filters = resettle_app::outcomes::CohortFilters {
                released_from: Some(released_from),
                released_to: Some(released_to),
                yjs_ids,
                ..Default::default()
            };
            let report = app.cohort_report_for_operator(&filters).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&resettle_web::api::report_json(&report))?);
            } else if csv {
                print!("{}", resettle_web::pages::outcomes::report_csv(&report));
            } else {
                let children = report.children.map_or("–".to_string(), |n| n.to_string());
                println!(
                    "{children} children released from {} to {}, followed for {} months (counted on {})",
                    report.released_from, report.released_to, report.follow_up_months, report.today
                );
                for m in &report.measures {
                    let n = |v: Option<u32>| v.map_or("–".to_string(), |v| v.to_string());
                    let rate = m.measure.rate().map_or(String::new(), |r| format!(" ({:.0}%)", r * 100.0));
                    let open = if m.measure.complete { "" } else { "  [window not closed]" };
                    println!(
                        "{:<62} {:>6} of {:<6}{rate}{open}",
                        m.measure.label,
                        n(m.measure.numerator),
                        n(m.measure.denominator)
                    );
                }
            }
            Ok(())
        }
        Command::Retention { command } => {
            let app = app_for(command.db()).await?;
            resettle_cli::retention::run(&app, &command, &mut std::io::stdout()).await
        }
        Command::Sweep { db } => {
            let app = app_for(&db).await?;
            let report = app.sweep(app.now()).await?;
            println!(
                "Sweep done: {} overdue handover(s) escalated, {} notification(s) written, {} about red readiness items, {} about overdue actions, {} daily digest(s) queued, {} email(s) sent, {} email(s) waiting to retry.",
                report.escalated,
                report.notifications,
                report.readiness_notifications,
                report.action_notifications,
                report.digests,
                report.emails_sent,
                report.emails_failed
            );
            if report.steps_unchanged > 0 {
                println!(
                    "{} step(s) skipped: nothing they depend on has changed today since they last ran.",
                    report.steps_unchanged
                );
            }
            let outbox = app.outbox_counts().await?;
            if app.config().mail.relay.is_none() && outbox.waiting + outbox.retrying > 0 {
                println!(
                    "{} email(s) are waiting in the outbox: no relay is set ([mail] relay in resettle.toml, or RESETTLE_MAIL__RELAY).",
                    outbox.waiting + outbox.retrying
                );
            }
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { db } } => {
            let app = app_for(&db).await?;
            match app.verify_audit().await? {
                Ok(n) => {
                    println!("Audit trail intact: {n} entries checked.");
                    Ok(())
                }
                Err(b) => bail!("{b}"),
            }
        }
        Command::Audit { command: AuditCommand::Checkpoint { db } } => {
            let app = app_for(&db).await?;
            match app.publish_audit_checkpoint().await.map_err(|e| anyhow!("{e}"))? {
                Some(c) => println!("Checkpoint published: entry {} with hash {}.", c.seq, c.hash),
                None => println!("Nothing to publish: the audit trail is empty."),
            }
            Ok(())
        }
        Command::Import(args) => {
            let app = app_for(&args.db).await?;
            println!("{}", resettle_cli::import::import(&app, &args).await?.1);
            Ok(())
        }
        Command::Sar { command: resettle_cli::sar::SarCommand::Export(args) } => {
            let app = app_for(&args.db).await?;
            println!("{}", resettle_cli::sar::export(&app, &args).await?);
            Ok(())
        }
        Command::Backup(args) => {
            let to = args.to.clone();
            backup::print_backup(&to, &backup::backup(args).await?);
            Ok(())
        }
        Command::Restore(args) => {
            backup::print_restore(&backup::restore(args).await?);
            Ok(())
        }
        Command::Dates { command } => dates::run(command).await,
    }
}

async fn serve(
    app: App,
    bind: &str,
    web: WebArgs,
    trusted_proxies: Vec<resettle_web::client::TrustedProxy>,
) -> Result<()> {
    if let Some(dir) = web.static_dir.as_ref().filter(|d| !d.join("resettle.css").exists()) {
        tracing::warn!(dir = %dir.display(), "RESETTLE_STATIC_DIR has no resettle.css: run `make assets`, or unset it to serve the built-in copy");
    }
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = app.store().backend(), "serving");
    let metrics = resettle_web::metrics::Metrics::new();
    if let Some(metrics_bind) = web.metrics_bind.as_deref() {
        let metrics_listener = tokio::net::TcpListener::bind(metrics_bind)
            .await
            .with_context(|| format!("cannot listen on {metrics_bind} for metrics"))?;
        let metrics_addr = metrics_listener.local_addr()?;
        if metrics_addr.port() == addr.port() && (metrics_addr.ip() == addr.ip() || metrics_addr.ip().is_unspecified())
        {
            bail!("--metrics-bind must differ from --bind: metrics are never served on the public port");
        }
        tracing::info!(addr = %metrics_addr, "serving metrics at /metrics");
        let router = resettle_web::metrics::router(app.clone(), metrics.clone());
        tokio::spawn(async move {
            if let Err(e) = resettle_web::serve(metrics_listener, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
        let upkeep = metrics.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                ticker.tick().await;
                upkeep.upkeep();
            }
        });
    }
    if web.sweep_minutes > 0 {
        spawn_sweeper(
            app.clone(),
            std::time::Duration::from_secs(web.sweep_minutes.saturating_mul(60)),
            metrics.clone(),
        );
    }
    let router = resettle_web::router(
        app,
        WebConfig { static_dir: web.static_dir, secure_cookies: web.secure_cookies, trusted_proxies, metrics },
    );
    resettle_web::serve(listener, router).await?;
    Ok(())
}

/// Runs the handover sweep now and then every `every`, for as long as the server runs. Its
/// state is in the database (one escalation row per handover and level), so a restart, or two
/// servers sweeping the same database, never sends twice.
fn spawn_sweeper(app: App, every: std::time::Duration, metrics: resettle_web::metrics::Metrics) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let started = Instant::now();
            let outcome = app.sweep(app.now()).await;
            metrics.sweep(&outcome, started.elapsed());
            match outcome {
                Ok(r)
                    if r.escalated > 0
                        || r.readiness_notifications > 0
                        || r.action_notifications > 0
                        || r.emails_sent > 0
                        || r.emails_failed > 0 =>
                {
                    tracing::info!(
                        escalated = r.escalated,
                        readiness_notifications = r.readiness_notifications,
                        action_notifications = r.action_notifications,
                        notifications = r.notifications,
                        emails_sent = r.emails_sent,
                        emails_failed = r.emails_failed,
                        "sweep"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "sweep failed; trying again at the next interval"),
            }
        }
    });
}

/// Replaces an existing SQLite demo file (the demo always starts fresh). PostgreSQL demo
/// databases must be empty: nothing is dropped there.
fn fresh_demo_database(url: &str) -> Result<String> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = path.split('?').next().unwrap_or(path);
        if !path.is_empty() && path != ":memory:" {
            for suffix in ["", "-wal", "-shm"] {
                let p = format!("{path}{suffix}");
                if std::path::Path::new(&p).exists() {
                    std::fs::remove_file(&p).with_context(|| format!("cannot replace the old demo database {p}"))?;
                }
            }
        }
    }
    Ok(url.to_string())
}

async fn load_synthetic(app: &App, seed: u64, children: usize) -> Result<Vec<resettle_synth::DemoLogin>> {
    let started = Instant::now();
    // Straight from the store: the application's cached list would keep this empty answer for
    // a minute after the load.
    if !app.store().organisations().await.map_err(|e| anyhow!("{e}"))?.is_empty() {
        bail!("the database already has organisations: load synthetic data into an empty database");
    }
    let hash = tokio::task::spawn_blocking(|| secrets::hash_password(resettle_synth::DEMO_PASSWORD))
        .await?
        .map_err(|e| anyhow!(e))?;
    let mut generator = resettle_synth::Generator::new(seed, children, app.today(), &hash).map_err(|e| anyhow!(e))?;
    app.store().load_synthetic(generator.base()).await.map_err(|e| anyhow!("{e}"))?;
    let logins = generator.demo_logins().to_vec();
    // The demo's administrators and managers need a second factor: give them the demo-only
    // authenticator secret, printed with the sign-ins.
    for l in &logins {
        if resettle_domain::policy::role_requires_second_factor(l.role) {
            app.enrol_totp_with_secret(Principal::Operator, &l.email, resettle_app::totp::DEMO_SECRET).await?;
        }
    }
    let mut loaded = 0;
    for batch in generator.by_ref() {
        loaded += batch.children.len();
        app.store().load_synthetic(&batch).await.map_err(|e| anyhow!("{e}"))?;
    }
    eprintln!(
        "Loaded {} organisations, {} users and {loaded} synthetic children in {:.1} s.",
        generator.base().organisations.len(),
        generator.base().users.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(logins)
}

fn print_logins(logins: &[resettle_synth::DemoLogin]) {
    println!("Demo sign-ins (synthetic data; every password is {}):", resettle_synth::DEMO_PASSWORD);
    for l in logins {
        let mark = if resettle_domain::policy::role_requires_second_factor(l.role) { " *" } else { "" };
        println!("  {:<40} {:<24} {}{mark}", l.email, l.role.as_str(), l.organisation);
    }
    let secret = resettle_app::totp::DEMO_SECRET;
    let now = resettle_app::totp::code_at(secret, jiff::Timestamp::now()).unwrap_or_default();
    println!(
        "\n* Also asks for a code from an authenticator app (demo only). Add the secret {secret} to any \
         authenticator app, or run `resettle totp code` for the current code (now {now})."
    );
}
