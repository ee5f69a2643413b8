//! A real SMTP server on loopback for the email tests: Debian's `aiosmtpd` (installed by
//! `scripts/ensure-tools.sh --mail`), storing what it accepts in a maildir the test reads.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The Python that has Debian's `python3-aiosmtpd`.
const PYTHON: &str = "/usr/bin/python3";

/// A running SMTP relay. Stopped when dropped.
pub struct SmtpRelay {
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: PathBuf,
    child: Option<Child>,
}

/// A free port on 127.0.0.1 (free when asked; a relay started on it soon after gets it).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl SmtpRelay {
    /// Starts a relay on `port`, keeping messages in a fresh maildir.
    pub async fn start(port: u16) -> anyhow::Result<Self> {
        let maildir =
            std::env::temp_dir().join("resettle-tests").join(format!("mail-{}", uuid::Uuid::new_v4().simple()));
        let mut relay = Self { port, maildir, child: None };
        relay.restart().await?;
        Ok(relay)
    }

    /// `smtp://127.0.0.1:PORT`, for the `[mail] relay` setting.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the relay (an outage): connections are refused until [`SmtpRelay::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the relay again on the same port and maildir.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop();
        // aiosmtpd makes the maildir (with its tmp, new and cur folders) when it is missing.
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(self.maildir.join(sub))?;
        }
        let child = Command::new(PYTHON)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&self.maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {PYTHON} -m aiosmtpd (run scripts/ensure-tools.sh --mail)"))?;
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                bail!("aiosmtpd exited ({status}): is python3-aiosmtpd installed? (scripts/ensure-tools.sh --mail)");
            }
            if started.elapsed() > Duration::from_secs(15) {
                bail!("aiosmtpd did not listen on 127.0.0.1:{} within 15 s", self.port);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Every message the relay has accepted, as raw text, oldest first.
    pub fn messages(&self) -> anyhow::Result<Vec<String>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) else { continue };
            for e in entries.flatten() {
                let modified = e.metadata().and_then(|m| m.modified()).ok();
                files.push((modified, e.path()));
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display())))
            .collect()
    }
}

impl Drop for SmtpRelay {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
