//! Read caches for the lists that many people open many times a day (the caseload and the
//! readiness caseload): each is built from several queries over hundreds of children, and
//! building it on every request would make those pages slow for everyone at busy times.
//!
//! The rule that keeps them honest: an entry is used only while the database has committed no
//! change since it was built ([`Storage::changes`](crate::storage::Storage::changes)): the
//! count lives in the database and moves in the transaction of every change, whichever server
//! or `resettle` command made it, so a change shows on the very next request to any server over
//! that database. Only a change made behind Resettle's back (SQL typed by hand) is not
//! counted, so an entry is also rebuilt once it is [`FRESH_FOR`] old. While one request
//! rebuilds an entry that has only grown old, the others keep using it rather than all
//! rebuilding at once.
//!
//! Access is never decided from a cache: the key holds the whole scope the list was built
//! for, and opening a child still asks the database.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// How long an entry serves without a change counted here (see the module comment).
pub const FRESH_FOR: SignedDuration = SignedDuration::from_secs(5);

/// At most this many entries; when full, the oldest half goes.
const MAX_ENTRIES: usize = 512;

struct Entry<V> {
    changes: u64,
    built_at: Timestamp,
    value: Arc<V>,
    rebuilding: Arc<AtomicBool>,
}

/// What [`ReadCache::lookup`] found.
enum Lookup<V> {
    /// Current: use it.
    Hit(Arc<V>),
    /// Missing, out of date, or old and this caller is the one to rebuild it.
    Build,
}

/// A cache of values of type `V` by key `K`, checked against the store's change count.
pub struct ReadCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// One builder per key at a time: the others wait for its result instead of all
    /// running the same queries at once.
    builders: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K, V> Default for ReadCache<K, V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()), builders: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Clone, V> ReadCache<K, V> {
    /// The value for `key`: the cached one while current (see the module comment), else the
    /// one `build` makes. `changes` is the store's count read before calling.
    pub async fn get_or_build<E, F, Fut>(&self, key: &K, changes: u64, now: Timestamp, build: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Lookup::Hit(v) = self.lookup(key, changes, now) {
            return Ok(v);
        }
        let builder = {
            let mut builders = self.builders.lock().unwrap_or_else(|p| p.into_inner());
            if builders.len() >= MAX_ENTRIES && !builders.contains_key(key) {
                builders.retain(|_, b| Arc::strong_count(b) > 1);
            }
            builders.entry(key.clone()).or_default().clone()
        };
        let _turn = builder.lock().await;
        // Someone else may have built it while this caller waited.
        if let Some(v) = self.current(key, changes) {
            return Ok(v);
        }
        let value = Arc::new(build().await?);
        self.store(key.clone(), changes, now, value.clone());
        Ok(value)
    }

    /// The entry for `key` if it was built at `changes` or later, however old.
    fn current(&self, key: &K, changes: u64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| e.changes >= changes && !e.rebuilding.load(Ordering::Acquire))
            .map(|e| e.value.clone())
    }

    /// The entry for `key` if it was built at `changes` or later and is fresh at `now`; an
    /// entry that is only old is handed out while exactly one caller is told to rebuild it.
    ///
    /// "Or later": an entry built from reads that began after the count reached `changes`
    /// holds every change the caller could have seen (its own writes included). So callers
    /// waiting while changes keep coming take the entry built meanwhile instead of each
    /// rebuilding in turn behind the one before.
    fn lookup(&self, key: &K, changes: u64, now: Timestamp) -> Lookup<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let Some(e) = entries.get(key) else { return Lookup::Build };
        if e.changes < changes {
            return Lookup::Build;
        }
        let age = now.duration_since(e.built_at);
        if age < FRESH_FOR {
            return Lookup::Hit(e.value.clone());
        }
        // Past three times its freshness the rebuild has failed or stalled: build again.
        if age < FRESH_FOR * 3 && e.rebuilding.swap(true, Ordering::AcqRel) {
            return Lookup::Hit(e.value.clone());
        }
        Lookup::Build
    }

    /// Keeps `value`, built from what the store held at `changes` (read before building).
    fn store(&self, key: K, changes: u64, now: Timestamp, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            let mut ages: Vec<Timestamp> = entries.values().map(|e| e.built_at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            entries.retain(|_, e| e.built_at > cut);
        }
        // A slower build from an earlier count never replaces a later one.
        if entries.get(&key).is_some_and(|e| e.changes > changes && !e.rebuilding.load(Ordering::Acquire)) {
            return;
        }
        entries.insert(key, Entry { changes, built_at: now, value, rebuilding: Arc::default() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn hit(l: Lookup<u32>) -> Option<u32> {
        match l {
            Lookup::Hit(v) => Some(*v),
            Lookup::Build => None,
        }
    }

    #[test]
    fn an_entry_serves_until_a_change_is_counted() {
        let c: ReadCache<&str, u32> = ReadCache::default();
        assert!(hit(c.lookup(&"k", 7, at(0))).is_none(), "empty at first");
        c.store("k", 7, at(0), Arc::new(1));
        assert_eq!(hit(c.lookup(&"k", 7, at(1))), Some(1));
        assert!(hit(c.lookup(&"other", 7, at(1))).is_none(), "another key is not served");
        assert!(hit(c.lookup(&"k", 8, at(1))).is_none(), "a counted change makes it out of date");
        assert_eq!(hit(c.lookup(&"k", 6, at(1))), Some(1), "built after the caller's count: current for it");
    }

    #[test]
    fn an_old_entry_is_rebuilt_by_one_caller_while_the_others_use_it() {
        let c: ReadCache<&str, u32> = ReadCache::default();
        c.store("k", 1, at(0), Arc::new(1));
        let old = at(FRESH_FOR.as_secs() + 1);
        assert!(hit(c.lookup(&"k", 1, old)).is_none(), "the first caller rebuilds");
        assert_eq!(hit(c.lookup(&"k", 1, old)), Some(1), "the others are served meanwhile");
        let stalled = at(FRESH_FOR.as_secs() * 3 + 1);
        assert!(hit(c.lookup(&"k", 1, stalled)).is_none(), "a rebuild that never came is not waited for");
        c.store("k", 1, old, Arc::new(2));
        assert_eq!(hit(c.lookup(&"k", 1, old)), Some(2));
    }

    #[tokio::test]
    async fn callers_that_miss_together_share_one_build() {
        let c: Arc<ReadCache<&str, u32>> = Arc::default();
        let builds = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (c, builds) = (c.clone(), builds.clone());
            tasks.push(tokio::spawn(async move {
                c.get_or_build(&"k", 3, at(0), || async {
                    builds.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok::<_, ()>(42)
                })
                .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.ok().and_then(Result::ok).as_deref(), Some(&42));
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1, "one build served all eight");
        let after = c.get_or_build(&"k", 4, at(1), || async { Ok::<_, ()>(43) }).await;
        assert_eq!(after.ok().as_deref(), Some(&43), "a counted change builds again");
        let failed = c.get_or_build(&"k", 5, at(1), || async { Err::<u32, _>("no database") }).await;
        assert!(failed.is_err(), "a failed build is the caller's error, and nothing is kept");
        assert!(hit(c.lookup(&"k", 5, at(1))).is_none());
    }

    #[tokio::test]
    async fn a_caller_waiting_behind_a_build_from_a_later_count_takes_it() {
        let c: Arc<ReadCache<&str, u32>> = Arc::default();
        let builds = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let build = |c: Arc<ReadCache<&'static str, u32>>, builds: Arc<std::sync::atomic::AtomicU32>, changes: u64| {
            tokio::spawn(async move {
                c.get_or_build(&"k", changes, at(0), || async {
                    let n = builds.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                    Ok::<_, ()>(n)
                })
                .await
            })
        };
        // Changes keep coming: the first caller read 5; one that read 4 waits behind it.
        let first = build(c.clone(), builds.clone(), 5);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let second = build(c.clone(), builds.clone(), 4);
        for t in [first, second] {
            assert_eq!(t.await.ok().and_then(Result::ok).as_deref(), Some(&0));
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1, "the waiting caller took the newer build");
        // A caller that read a later count than any build builds again; an older build
        // finishing afterwards does not replace it.
        let third = c.get_or_build(&"k", 7, at(1), || async { Ok::<_, ()>(9) }).await;
        assert_eq!(third.ok().as_deref(), Some(&9));
        c.store("k", 6, at(1), Arc::new(8));
        assert_eq!(hit(c.lookup(&"k", 7, at(1))), Some(9));
    }

    #[test]
    fn a_full_cache_drops_its_oldest_half() {
        let c: ReadCache<usize, u32> = ReadCache::default();
        for i in 0..MAX_ENTRIES {
            c.store(i, 0, at(i as i64), Arc::new(0));
        }
        c.store(MAX_ENTRIES, 0, at(MAX_ENTRIES as i64), Arc::new(0));
        let now = at(MAX_ENTRIES as i64);
        assert!(hit(c.lookup(&0, 0, now)).is_none(), "the oldest went");
        assert!(hit(c.lookup(&(MAX_ENTRIES - 1), 0, now)).is_some(), "the newest stayed");
        assert!(c.entries.lock().map(|e| e.len()).unwrap_or(0) <= MAX_ENTRIES / 2 + 1);
    }
}
