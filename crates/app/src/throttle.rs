//! Sign-in throttling: too many failed attempts for one account, or from one address, and
//! further attempts are refused for a while — with the same words whether or not the account
//! exists.
//!
//! The failures are kept in the database (`sign_in_failures`), so the limits hold however many
//! servers share it and survive a restart. Only a hash of each key (`account:<email>`,
//! `address:<ip>`, `totp:<user>`, …) is stored, and failures older than the window are
//! deleted as new ones are recorded.

use jiff::{SignedDuration, Timestamp};

use crate::{App, AppResult, secrets};

/// Failed attempts allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within the window.
pub const PER_ADDRESS: usize = 20;
/// The window, and how long a lock lasts at most.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// The keys an attempt counts under, with their limits: the account (lower-cased email, or
/// another name such as `totp:<user id>`) and, when known, the client address.
fn keys(account: &str, ip: Option<&str>) -> Vec<(String, usize)> {
    let mut keys = vec![(key_hash(&format!("account:{}", account.trim().to_lowercase())), PER_ACCOUNT)];
    if let Some(ip) = ip {
        keys.push((key_hash(&format!("address:{ip}")), PER_ADDRESS));
    }
    keys
}

fn key_hash(key: &str) -> String {
    secrets::token_hash(key)
}

/// `Some(seconds to wait)` when an attempt under `limits` must be refused, given the failures
/// recorded within the window (`failures`: key and time, in any order).
pub fn wait_for(limits: &[(String, usize)], failures: &[(String, Timestamp)], now: Timestamp) -> Option<i64> {
    let mut wait = None;
    for (key, limit) in limits {
        let mut times: Vec<Timestamp> =
            failures.iter().filter(|(k, t)| k == key && now.duration_since(*t) < WINDOW).map(|(_, t)| *t).collect();
        if *limit == 0 || times.len() < *limit {
            continue;
        }
        // Locked until the oldest of the last `limit` failures leaves the window.
        times.sort_unstable();
        if let Some(oldest) = times.get(times.len() - limit) {
            let secs = (WINDOW - now.duration_since(*oldest)).as_secs().max(1);
            wait = Some(wait.map_or(secs, |w: i64| w.max(secs)));
        }
    }
    wait
}

impl App {
    /// `Some(seconds to wait)` when an attempt for `account` from `ip` must be refused.
    pub(crate) async fn throttle_check(&self, account: &str, ip: Option<&str>) -> AppResult<Option<i64>> {
        let now = self.now();
        let limits = keys(account, ip);
        let hashes: Vec<String> = limits.iter().map(|(k, _)| k.clone()).collect();
        let failures = self.store.sign_in_failures(&hashes, now - WINDOW).await?;
        Ok(wait_for(&limits, &failures, now))
    }

    /// Counts a failed attempt.
    pub(crate) async fn throttle_failed(&self, account: &str, ip: Option<&str>) -> AppResult<()> {
        let now = self.now();
        let hashes: Vec<String> = keys(account, ip).into_iter().map(|(k, _)| k).collect();
        self.store.record_sign_in_failure(&hashes, now, now - WINDOW).await?;
        Ok(())
    }

    /// Forgets an account's failures after a successful attempt.
    pub(crate) async fn throttle_succeeded(&self, account: &str) -> AppResult<()> {
        let account = key_hash(&format!("account:{}", account.trim().to_lowercase()));
        self.store.clear_sign_in_failures(&account).await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn failures(account: &str, ip: Option<&str>, at: &[i64]) -> Vec<(String, Timestamp)> {
        keys(account, ip).into_iter().flat_map(|(k, _)| at.iter().map(move |s| (k.clone(), t(*s)))).collect()
    }

    #[test]
    fn an_account_locks_after_five_failures_and_unlocks_after_the_window() {
        let seen = failures("A@x.org", Some("1.1.1.1"), &[0, 1, 2, 3, 4]);
        assert_eq!(wait_for(&keys("a@x.org", Some("1.1.1.1")), &seen[..4], t(4)), None, "four are allowed");
        let wait = wait_for(&keys("a@x.org", Some("2.2.2.2")), &seen, t(10)).unwrap();
        assert_eq!(wait, 15 * 60 - 10, "until the oldest failure leaves the window");
        assert_eq!(wait_for(&keys("a@x.org", None), &seen, t(15 * 60)), None);
        assert_eq!(wait_for(&keys("b@x.org", Some("2.2.2.2")), &seen, t(10)), None, "other accounts are not affected");
    }

    #[test]
    fn an_address_locks_after_twenty_failures_across_accounts() {
        let seen: Vec<_> =
            (0..PER_ADDRESS).flat_map(|i| failures(&format!("user{i}@x.org"), Some("9.9.9.9"), &[0])).collect();
        assert!(wait_for(&keys("new@x.org", Some("9.9.9.9")), &seen, t(1)).is_some());
        assert!(wait_for(&keys("new@x.org", Some("8.8.8.8")), &seen, t(1)).is_none());
    }

    #[test]
    fn the_lock_follows_the_newest_failures() {
        // Seven failures: the lock lasts until the fifth newest leaves the window.
        let seen = failures("a@x.org", None, &[0, 10, 20, 30, 40, 50, 60]);
        assert_eq!(wait_for(&keys("a@x.org", None), &seen, t(100)), Some(15 * 60 - 80));
    }

    #[test]
    fn no_key_holds_an_address_or_email_in_the_clear() {
        for (k, _) in keys("Someone@Example.org", Some("203.0.113.9")) {
            assert!(!k.contains("example") && !k.contains("203.0"), "{k}");
        }
    }
}
