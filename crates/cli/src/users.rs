//! `resettle user …`: adding a person, and ending or restoring a leaver's access from the
//! command line (the administration pages do the same through the policy).

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use resettle_app::admin::NewUserInput;
use resettle_app::{App, Principal};
use resettle_domain::ids::UserId;
use resettle_domain::org::{Email, Role};

use crate::Db;

/// The roles a person can be given, by key, for `--role` (clap lists them in the help and in
/// its error for a wrong one).
fn role_keys() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Role::ALL.iter().map(|r| r.as_str()))
}

/// `resettle user …`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user with a role in an organisation. The password is read from standard input.
    Add {
        #[command(flatten)]
        db: Db,
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Organisation code (or id).
        #[arg(long)]
        org: String,
        /// Role (the possible values are listed below).
        #[arg(long, value_parser = role_keys())]
        role: String,
        /// Telephone, shown to the team around a child.
        #[arg(long)]
        phone: Option<String>,
        /// Read the password from the first line of standard input (required: passwords
        /// never go on the command line, where other users and shell history can see them).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Deactivate a leaver: they can no longer sign in, and at once their sessions end, their
    /// API tokens are revoked and their unused links and codes stop working. Their name stays
    /// on the records they made; audited as the operator's. Refuses without --confirm.
    Deactivate {
        #[command(flatten)]
        db: Db,
        /// The person's sign-in address.
        #[arg(long)]
        email: String,
        /// Deactivate for real (without it, says what would happen and changes nothing).
        #[arg(long)]
        confirm: bool,
    },
    /// Let a deactivated person sign in again, once they set a password with a new link
    /// (`resettle` prints none: an administrator issues it from the person's page).
    Reactivate {
        #[command(flatten)]
        db: Db,
        /// The person's sign-in address.
        #[arg(long)]
        email: String,
    },
}

impl UserCommand {
    /// The database the command works on.
    pub fn db(&self) -> &Db {
        match self {
            UserCommand::Add { db, .. } | UserCommand::Deactivate { db, .. } | UserCommand::Reactivate { db, .. } => db,
        }
    }
}

/// Runs the command against `app`, writing to `out` (a new person's password is read from
/// standard input).
pub async fn run(app: &App, command: UserCommand, out: &mut (dyn Write + Send)) -> Result<()> {
    match command {
        UserCommand::Add { email, name, org, role, phone, .. } => {
            let password = read_password()?;
            let input = NewUserInput { email, name, phone, organisation: org, role, password };
            let user = app.create_user(Principal::Operator, &input).await?;
            writeln!(out, "{}", user.id)?;
        }
        UserCommand::Deactivate { email, confirm, .. } => {
            let user = by_email(app, &email).await?;
            if !confirm {
                writeln!(
                    out,
                    "{email} would be deactivated: their sessions end, their API tokens are revoked and their links \
                     and codes stop working. Nothing is changed: run again with --confirm."
                )?;
                return Ok(());
            }
            let ended = app.deactivate_user(Principal::Operator, user, true).await?;
            writeln!(
                out,
                "{email} is deactivated: {} session(s) ended, {} API token(s) revoked.",
                ended.sessions, ended.tokens
            )?;
        }
        UserCommand::Reactivate { email, .. } => {
            let user = by_email(app, &email).await?;
            app.reactivate_user(Principal::Operator, user).await?;
            writeln!(out, "{email} can sign in again once they set a password: issue them a link from their page.")?;
        }
    }
    Ok(())
}

async fn by_email(app: &App, email: &str) -> Result<UserId> {
    let parsed = Email::parse(email).map_err(|m| anyhow!("--email: {m}"))?;
    app.user_by_email(&parsed).await?.ok_or_else(|| anyhow!("--email: no user has that email address"))
}

/// The password on the first line of standard input.
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Password (then Enter):");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("--password-stdin: no password on standard input (send it as the first line)");
    }
    Ok(password)
}
