//! Sign-in throttling: too many failed attempts for one account, or from one address, and
//! further attempts are refused for a while — with the same words whether or not the account
//! exists.
//!
//! The counts live in memory: they protect a running service against guessing, and a restart
//! (which an attacker cannot cause) only forgives recent failures.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Failed attempts allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within the window.
pub const PER_ADDRESS: usize = 20;
/// The most accounts and addresses whose failures are remembered at once.
pub const MAX_KEYS: usize = 100_000;
/// The window, and how long a lock lasts at most.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// Failed sign-ins by account (lower-cased email) and by address.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl Throttle {
    fn keys(email: &str, ip: Option<&str>) -> Vec<(String, usize)> {
        let mut keys = vec![(format!("account:{}", email.trim().to_lowercase()), PER_ACCOUNT)];
        if let Some(ip) = ip {
            keys.push((format!("address:{ip}"), PER_ADDRESS));
        }
        keys
    }

    /// `Some(seconds to wait)` when this attempt must be refused.
    pub fn check(&self, email: &str, ip: Option<&str>, now: Timestamp) -> Option<i64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, limit) in Self::keys(email, ip) {
            if let Some(times) = map.get_mut(&key) {
                while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    times.pop_front();
                }
                if times.len() >= limit
                    && let Some(oldest) = times.front()
                {
                    let secs = (WINDOW - now.duration_since(*oldest)).as_secs().max(1);
                    wait = Some(wait.map_or(secs, |w: i64| w.max(secs)));
                }
            }
        }
        wait
    }

    /// Counts a failed attempt.
    pub fn failed(&self, email: &str, ip: Option<&str>, now: Timestamp) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            // Bounded memory under a flood of made-up accounts or addresses: forget what has
            // aged out of the window, then, if that was not enough, the stalest half.
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            if map.len() >= MAX_KEYS {
                let mut newest: Vec<Timestamp> = map.values().filter_map(|t| t.back().copied()).collect();
                newest.sort_unstable();
                if let Some(cut) = newest.get(newest.len() / 2).copied() {
                    map.retain(|_, times| times.back().is_some_and(|t| *t > cut));
                }
            }
        }
        for (key, limit) in Self::keys(email, ip) {
            let times = map.entry(key).or_default();
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    /// Forgets an account's failures after a successful sign-in.
    pub fn succeeded(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("account:{}", email.trim().to_lowercase()));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn an_account_locks_after_five_failures_and_unlocks_after_the_window() {
        let th = Throttle::default();
        for i in 0..PER_ACCOUNT {
            assert_eq!(th.check("a@x.org", Some("1.1.1.1"), t(i as i64)), None);
            th.failed("A@x.org", Some("1.1.1.1"), t(i as i64));
        }
        let wait = th.check("a@x.org", Some("2.2.2.2"), t(10)).unwrap();
        assert_eq!(wait, 15 * 60 - 10, "until the oldest failure leaves the window");
        assert_eq!(th.check("a@x.org", None, t(15 * 60)), None);
        assert_eq!(th.check("b@x.org", Some("2.2.2.2"), t(10)), None, "other accounts are not affected");
    }

    #[test]
    fn an_address_locks_after_twenty_failures_across_accounts() {
        let th = Throttle::default();
        for i in 0..PER_ADDRESS {
            th.failed(&format!("user{i}@x.org"), Some("9.9.9.9"), t(0));
        }
        assert!(th.check("new@x.org", Some("9.9.9.9"), t(1)).is_some());
        assert!(th.check("new@x.org", Some("8.8.8.8"), t(1)).is_none());
    }

    #[test]
    fn success_clears_the_account() {
        let th = Throttle::default();
        for _ in 0..PER_ACCOUNT - 1 {
            th.failed("a@x.org", None, t(0));
        }
        th.succeeded("a@x.org");
        th.failed("a@x.org", None, t(1));
        assert_eq!(th.check("a@x.org", None, t(2)), None);
    }

    #[test]
    fn the_memory_of_failures_is_bounded() {
        let th = Throttle::default();
        for i in 0..(MAX_KEYS + 10) {
            th.failed(&format!("nobody{i}@example.org"), None, t(i64::try_from(i).unwrap() / 1000));
        }
        let len = th.failures.lock().unwrap().len();
        assert!(len <= MAX_KEYS, "{len} keys kept");
        // The newest failures are the ones remembered.
        let last = format!("nobody{}@example.org", MAX_KEYS + 9);
        for _ in 0..PER_ACCOUNT {
            th.failed(&last, None, t(200));
        }
        assert!(th.check(&last, None, t(200)).is_some());
    }
}
