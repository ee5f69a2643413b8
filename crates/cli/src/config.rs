//! Reading the configuration: `resettle.toml` (or `--config`), then environment variables.
//! See `resettle.example.toml` for every setting.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use resettle_app::Config;

/// Reads the configuration: built-in defaults, then the TOML file, then environment
/// variables such as `RESETTLE_TIMESCALES__INITIAL_PLANNING_WORKING_DAYS=12`.
pub fn load_config(path: Option<&std::path::Path>) -> Result<Config> {
    use figment::Figment;
    use figment::providers::{Env, Format, Serialized, Toml};
    use resettle_domain::timescales::Timescales;
    let default_path = std::path::Path::new("resettle.toml");
    let file = match path {
        Some(p) if !p.exists() => bail!("--config: {} does not exist", p.display()),
        Some(p) => Some(p.to_path_buf()),
        None => default_path.exists().then(|| default_path.to_path_buf()),
    };
    let mut figment = Figment::from(Serialized::default("timescales", Timescales::default()));
    if let Some(f) = &file {
        figment = figment.merge(Toml::file(f));
    }
    figment = figment.merge(Env::prefixed("RESETTLE_TIMESCALES__").map(|k| format!("timescales.{k}").into()));
    figment = figment.merge(Env::prefixed("RESETTLE_ACCESS__").map(|k| format!("access.{k}").into()));
    figment = figment.merge(Env::prefixed("RESETTLE_MAIL__").map(|k| format!("mail.{k}").into()));
    figment = figment.merge(Env::prefixed("RESETTLE_READINESS__").map(|k| format!("readiness.{k}").into()));
    figment = figment.merge(Env::prefixed("RESETTLE_OUTCOMES__").map(|k| format!("outcomes.{k}").into()));
    figment = figment.merge(Env::prefixed("RESETTLE_REPORTS__").map(|k| format!("reports.{k}").into()));
    let explain = |e: figment::Error| {
        anyhow!("configuration: {e} (see resettle.example.toml for the settings and their defaults)")
    };
    let timescales: Timescales = figment.extract_inner("timescales").map_err(explain)?;
    let readiness: resettle_domain::readiness::ReadinessRules = if figment.contains("readiness") {
        figment.extract_inner("readiness").map_err(explain)?
    } else {
        resettle_domain::readiness::ReadinessRules::default()
    };
    let access: AccessSettings = if figment.contains("access") {
        figment.extract_inner("access").map_err(explain)?
    } else {
        AccessSettings::default()
    };
    if !(1..=72).contains(&access.break_glass_hours) {
        bail!("configuration: access.break_glass_hours must be between 1 and 72 (got {})", access.break_glass_hours);
    }
    let mail: MailFile =
        if figment.contains("mail") { figment.extract_inner("mail").map_err(explain)? } else { MailFile::default() };
    let defaults = resettle_app::mail::MailSettings::default();
    let mail = resettle_app::mail::MailSettings {
        relay: mail.relay.filter(|r| !r.trim().is_empty()),
        from: mail.from.unwrap_or(defaults.from),
        timeout: mail.timeout_seconds.map_or(defaults.timeout, std::time::Duration::from_secs),
        batch: mail.batch.unwrap_or(defaults.batch),
    };
    mail.check().map_err(|e| anyhow!("configuration: {e}"))?;
    let outcomes: OutcomesFile = if figment.contains("outcomes") {
        figment.extract_inner("outcomes").map_err(explain)?
    } else {
        OutcomesFile::default()
    };
    if !(1..=36).contains(&outcomes.follow_up_months) {
        bail!("configuration: outcomes.follow_up_months must be between 1 and 36 (got {})", outcomes.follow_up_months);
    }
    if outcomes.absences_for_warning > 20 {
        bail!(
            "configuration: outcomes.absences_for_warning must be between 0 and 20 (got {})",
            outcomes.absences_for_warning
        );
    }
    resettle_domain::community::check_schedule(&outcomes.appointment_schedule)
        .map_err(|e| anyhow!("configuration: outcomes.appointment_schedule: {}", e.summary()))?;
    if !(1..=40).contains(&outcomes.sdq_reliable_change) {
        bail!(
            "configuration: outcomes.sdq_reliable_change must be between 1 and 40 (got {})",
            outcomes.sdq_reliable_change
        );
    }
    let reports: ReportsFile = if figment.contains("reports") {
        figment.extract_inner("reports").map_err(explain)?
    } else {
        ReportsFile::default()
    };
    if !(1..=100).contains(&reports.min_cell) {
        bail!("configuration: reports.min_cell must be between 1 and 100 (got {})", reports.min_cell);
    }
    let retention: RetentionFile = if figment.contains("retention") {
        figment.extract_inner("retention").map_err(explain)?
    } else {
        RetentionFile::default()
    };
    retention.youth_justice.check("youth_justice").map_err(|e| anyhow!("configuration: {e}"))?;
    retention.health.check("health").map_err(|e| anyhow!("configuration: {e}"))?;
    let subject_access: resettle_domain::subject_access::RedactionRules = if figment.contains("subject_access") {
        figment.extract_inner("subject_access").map_err(explain)?
    } else {
        Default::default()
    };
    subject_access.check().map_err(|e| anyhow!("configuration: {e}"))?;
    Ok(Config {
        subject_access,
        retention: resettle_domain::retention::RetentionRules {
            youth_justice: retention.youth_justice,
            health: retention.health,
        },
        follow_up_months: outcomes.follow_up_months,
        appointment_schedule: outcomes.appointment_schedule,
        sdq_reliable_change: outcomes.sdq_reliable_change,
        min_cell: reports.min_cell,
        compliance: resettle_domain::community::ComplianceRules { absences_for_warning: outcomes.absences_for_warning },
        timescales,
        break_glass: jiff::SignedDuration::from_hours(access.break_glass_hours),
        mail,
        readiness,
        ..Config::default()
    })
}

/// The `[outcomes]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OutcomesFile {
    /// Months each released child is followed for.
    follow_up_months: i32,
    /// Unacceptable absences that show a child as warned (0: only warnings do).
    absences_for_warning: u32,
    /// The default repeating schedule of supervision appointments.
    appointment_schedule: Vec<resettle_domain::community::SchedulePhase>,
    /// The fall in the SDQ total difficulties score that counts as reliable improvement.
    sdq_reliable_change: u8,
}

/// The `[retention]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RetentionFile {
    /// The rule for youth justice case records.
    youth_justice: resettle_domain::retention::RetentionRule,
    /// The rule for health records.
    health: resettle_domain::retention::RetentionRule,
}

impl Default for RetentionFile {
    fn default() -> Self {
        let rules = resettle_domain::retention::RetentionRules::default();
        Self { youth_justice: rules.youth_justice, health: rules.health }
    }
}

/// The `[reports]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ReportsFile {
    /// The smallest count shown to people who see counts only.
    min_cell: u32,
}

impl Default for ReportsFile {
    fn default() -> Self {
        Self { min_cell: resettle_domain::outcomes::DEFAULT_MIN_CELL }
    }
}

impl Default for OutcomesFile {
    fn default() -> Self {
        let rules = resettle_domain::community::ComplianceRules::default();
        Self {
            follow_up_months: resettle_domain::post_release::DEFAULT_FOLLOW_UP_MONTHS,
            absences_for_warning: rules.absences_for_warning,
            appointment_schedule: resettle_domain::community::DEFAULT_SCHEDULE.to_vec(),
            sdq_reliable_change: resettle_domain::outcomes::DEFAULT_SDQ_RELIABLE_CHANGE,
        }
    }
}

/// The `[audit]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AuditFile {
    /// The file holding the audit key (64 hexadecimal digits); made on first use.
    key_file: PathBuf,
    /// The file checkpoints of the audit chain are appended to.
    checkpoint_file: PathBuf,
}

impl Default for AuditFile {
    fn default() -> Self {
        Self {
            key_file: PathBuf::from("resettle-audit.key"),
            checkpoint_file: PathBuf::from("resettle-audit.checkpoints"),
        }
    }
}

/// Reads the `[audit]` section, and the audit key: `RESETTLE_AUDIT_KEY` (64 hexadecimal
/// digits) when set, else the key file, which is made (readable by this user only) when
/// missing. The key never goes into the database.
pub fn load_audit(path: Option<&std::path::Path>) -> Result<(resettle_domain::audit::AuditKey, PathBuf)> {
    use figment::Figment;
    use figment::providers::{Env, Format, Toml};
    use resettle_domain::audit::AuditKey;
    let default_path = std::path::Path::new("resettle.toml");
    let file = path.map(std::path::Path::to_path_buf).or_else(|| default_path.exists().then(|| default_path.into()));
    let mut figment = Figment::new();
    if let Some(f) = &file {
        figment = figment.merge(Toml::file(f));
    }
    figment = figment.merge(Env::prefixed("RESETTLE_AUDIT__").map(|k| format!("audit.{k}").into()));
    let audit: AuditFile = if figment.contains("audit") {
        figment.extract_inner("audit").map_err(|e| anyhow!("configuration: {e}"))?
    } else {
        AuditFile::default()
    };
    if let Ok(hex) = std::env::var("RESETTLE_AUDIT_KEY") {
        let key = AuditKey::from_hex(&hex).map_err(|e| anyhow!("RESETTLE_AUDIT_KEY: {e}"))?;
        return Ok((key, audit.checkpoint_file));
    }
    let key_file = &audit.key_file;
    match std::fs::read_to_string(key_file) {
        Ok(text) => {
            let key = AuditKey::from_hex(&text).map_err(|e| anyhow!("{}: {e}", key_file.display()))?;
            Ok((key, audit.checkpoint_file))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = resettle_app::secrets::new_audit_key();
            write_private(key_file, &format!("{}\n", key.to_hex()))
                .with_context(|| format!("cannot write the audit key to {}", key_file.display()))?;
            eprintln!(
                "Made a new audit key in {} (keep it, and a copy, apart from the database and its backups).",
                key_file.display()
            );
            Ok((key, audit.checkpoint_file))
        }
        Err(e) => Err(anyhow!("cannot read the audit key {}: {e}", key_file.display())),
    }
}

/// Writes a new file readable and writable by this user only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// The `[http]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct HttpFile {
    /// Reverse proxies whose forwarding headers are believed.
    trusted_proxies: Vec<String>,
}

/// Reads the `[http]` section: the trusted proxies.
pub fn load_trusted_proxies(path: Option<&std::path::Path>) -> Result<Vec<resettle_web::client::TrustedProxy>> {
    use figment::Figment;
    use figment::providers::{Env, Format, Toml};
    let default_path = std::path::Path::new("resettle.toml");
    let file = path.map(std::path::Path::to_path_buf).or_else(|| default_path.exists().then(|| default_path.into()));
    let mut figment = Figment::new();
    if let Some(f) = &file {
        figment = figment.merge(Toml::file(f));
    }
    figment = figment.merge(Env::prefixed("RESETTLE_HTTP__").map(|k| format!("http.{k}").into()));
    let http: HttpFile = if figment.contains("http") {
        figment.extract_inner("http").map_err(|e| anyhow!("configuration: {e}"))?
    } else {
        HttpFile::default()
    };
    http.trusted_proxies
        .iter()
        .map(|p| {
            resettle_web::client::TrustedProxy::parse(p)
                .map_err(|e| anyhow!("configuration: http.trusted_proxies: {e}"))
        })
        .collect()
}

/// The `[mail]` section of the configuration file (see `resettle.example.toml`).
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct MailFile {
    /// The SMTP relay, `smtp://host:port`; unset keeps email in the outbox.
    relay: Option<String>,
    /// The sender address.
    from: Option<String>,
    /// Seconds one send may take.
    timeout_seconds: Option<u64>,
    /// The most messages one delivery run sends.
    batch: Option<u32>,
}

/// The `[access]` section of the configuration file.
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AccessSettings {
    /// How long a break-glass grant lasts, in hours.
    break_glass_hours: i64,
}

impl Default for AccessSettings {
    fn default() -> Self {
        Self { break_glass_hours: 4 }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_example_configuration_loads_and_bad_outcome_settings_say_what_to_fix() {
        let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../resettle.example.toml");
        let config = load_config(Some(&example)).unwrap();
        assert_eq!(config.follow_up_months, 12);
        assert_eq!(config.compliance.absences_for_warning, 1);
        assert_eq!((config.sdq_reliable_change, config.min_cell), (8, 5));
        let dir = std::env::temp_dir().join(format!("resettle-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "[outcomes]\nfollow_up_months = 0\n").unwrap();
        let e = load_config(Some(&bad)).unwrap_err().to_string();
        assert!(e.contains("outcomes.follow_up_months must be between 1 and 36"), "{e}");
        std::fs::write(&bad, "[outcomes]\nfollow_up_months = 18\nabsences_for_warning = 2\n").unwrap();
        let config = load_config(Some(&bad)).unwrap();
        assert_eq!((config.follow_up_months, config.compliance.absences_for_warning), (18, 2));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
