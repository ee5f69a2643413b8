//! The audit trail: every read and write of a child's personal data, and every sign-in,
//! in an append-only log whose entries are chained by hash so that a changed, removed or
//! inserted entry is detected.
//!
//! Each entry's hash covers its own fields and the previous entry's hash. Changing an entry
//! breaks its own hash; removing one leaves a gap in the sequence; inserting one breaks the
//! link to its neighbours; removing the newest entries leaves the chain shorter than the
//! head (the last sequence number and hash, kept apart from the entries).
//!
//! The chain is keyed: each entry's hash is an HMAC-SHA-256 under a secret kept outside the
//! database ([`AuditKey`]), so that someone who can write to the database cannot rewrite an
//! entry and recompute the chain. Entries written before the key existed stay verifiable as
//! they were (plain SHA-256, `keyed` false); once one entry is keyed, every later one must be.
//! Removing the newest entries and resetting the head is caught by [`Checkpoint`]s: the
//! head's sequence and hash, signed with the key and published outside the database.

use hmac::{KeyInit, Mac};
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::{ChildId, MembershipId, UserId};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audited event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When (UTC).
    pub at: Timestamp,
    /// Who, when known.
    pub user_id: Option<UserId>,
    /// Acting as which membership, when one applies.
    pub membership_id: Option<MembershipId>,
    /// `read`, `write`, `sign_in` or `sign_in_failed`.
    pub action: String,
    /// What was read or written, e.g. `child`, `child.team`, `sentence`.
    pub resource: String,
    /// Whose record.
    pub child_id: Option<ChildId>,
    /// Why (e.g. `case management`).
    pub purpose: String,
    /// The request's id.
    pub request_id: String,
    /// The client's address.
    pub ip: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
    /// Whether `hash` is keyed (an HMAC under the [`AuditKey`]).
    pub keyed: bool,
    /// For a keyed entry: SHA-256 of `purpose`, which the hash covers instead of the text, so
    /// that the text — free words such as a break-glass reason — can be stored apart and erased
    /// under a retention rule while the chain still verifies.
    pub purpose_digest: String,
    /// For a keyed entry: SHA-256 of the client address (empty text when there is none).
    pub ip_digest: String,
    /// The purpose and address of this keyed entry were erased (a retention rule): only their
    /// digests remain, and `purpose` and `ip` are empty.
    pub details_erased: bool,
}

/// SHA-256 of `text`, hexadecimal: how a keyed entry covers its free text.
pub fn text_digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The secret that keys the audit chain: 32 random bytes, kept outside the database (a file
/// readable only by the service, or the environment).
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads a key written as 64 hexadecimal digits (surrounding white space ignored).
    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = hex::decode(s.trim()).map_err(|_| "the audit key must be 64 hexadecimal digits".to_string())?;
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| "the audit key must be 64 hexadecimal digits".to_string())?;
        Ok(Self(bytes))
    }

    /// The key as 64 hexadecimal digits, to store it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// HMAC-SHA-256 of `data`, in hexadecimal.
    fn mac(&self, data: &[u8]) -> String {
        match hmac::Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mut m) => {
                m.update(data);
                hex::encode(m.finalize().into_bytes())
            }
            // HMAC takes a key of any length; this cannot happen.
            Err(_) => String::new(),
        }
    }
}

/// The fields of a new entry, before it has a place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub user_id: Option<UserId>,
    /// Which membership.
    pub membership_id: Option<MembershipId>,
    /// Action.
    pub action: &'static str,
    /// Resource.
    pub resource: &'static str,
    /// Whose record.
    pub child_id: Option<ChildId>,
    /// Why.
    pub purpose: String,
    /// Request id.
    pub request_id: String,
    /// Client address.
    pub ip: Option<String>,
}

impl AuditEvent {
    /// The entry this event becomes at position `seq` after `prev_hash`, keyed with `key`
    /// when there is one.
    pub fn chain(&self, seq: i64, prev_hash: &str, key: Option<&AuditKey>) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at: self.at,
            user_id: self.user_id,
            membership_id: self.membership_id,
            action: self.action.to_string(),
            resource: self.resource.to_string(),
            child_id: self.child_id,
            purpose: self.purpose.clone(),
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
            keyed: key.is_some(),
            purpose_digest: if key.is_some() { text_digest(&self.purpose) } else { String::new() },
            ip_digest: if key.is_some() { text_digest(self.ip.as_deref().unwrap_or_default()) } else { String::new() },
            details_erased: false,
        };
        e.hash = entry_hash(&e, key);
        e
    }
}

/// The hash of an entry's fields and its predecessor's hash: an HMAC under `key` for a keyed
/// entry, plain SHA-256 for one written before the chain was keyed. Fields are separated by
/// the ASCII unit separator so that no two different entries share an input.
pub fn entry_hash(e: &AuditEntry, key: Option<&AuditKey>) -> String {
    let opt = |o: Option<String>| o.unwrap_or_default();
    let fields = [
        e.seq.to_string(),
        e.at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        opt(e.user_id.map(|u| u.to_string())),
        opt(e.membership_id.map(|m| m.to_string())),
        e.action.clone(),
        e.resource.clone(),
        opt(e.child_id.map(|c| c.to_string())),
        if e.keyed { e.purpose_digest.clone() } else { e.purpose.clone() },
        e.request_id.clone(),
        if e.keyed { e.ip_digest.clone() } else { opt(e.ip.clone()) },
        e.prev_hash.clone(),
    ];
    let input = fields.join("\u{1f}");
    match (e.keyed, key) {
        (true, Some(k)) => k.mac(input.as_bytes()),
        // A keyed entry cannot be checked without the key: no hash matches.
        (true, None) => String::new(),
        (false, _) => hex::encode(Sha256::digest(input.as_bytes())),
    }
}

/// The head of the chain at a moment — its sequence number and hash — signed with the key and
/// kept outside the database, so that removing the newest entries and resetting the head is
/// detected: the entry at `seq` must still exist with that hash. `chain` names the chain it
/// belongs to (the hash of its first entry), so that one checkpoint file can serve several
/// databases (a demo beside a test, a restored copy) without mixing them up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The number of entries written then.
    pub seq: i64,
    /// The hash of entry `seq`.
    pub hash: String,
    /// The hash of the chain's first entry.
    pub chain: String,
    /// HMAC of the three under the audit key.
    pub mac: String,
}

impl Checkpoint {
    /// The checkpoint of a head `(seq, hash)` of the chain whose first entry has hash `chain`.
    pub fn new(seq: i64, hash: &str, chain: &str, key: &AuditKey) -> Self {
        let mac = key.mac(format!("checkpoint\u{1f}{seq}\u{1f}{hash}\u{1f}{chain}").as_bytes());
        Self { seq, hash: hash.to_string(), chain: chain.to_string(), mac }
    }

    /// One line of a checkpoint file: `seq hash chain mac`.
    pub fn to_line(&self) -> String {
        format!("{} {} {} {}", self.seq, self.hash, self.chain, self.mac)
    }

    /// Reads a line written by [`Checkpoint::to_line`]: `None` when it belongs to another
    /// chain; an error when it is not a checkpoint line or, for this chain, is not signed
    /// with this key.
    pub fn parse(line: &str, chain: &str, key: &AuditKey) -> Result<Option<Self>, String> {
        let mut parts = line.split_whitespace();
        let (Some(seq), Some(hash), Some(its_chain), Some(mac), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("not a checkpoint line: {line:?}"));
        };
        let seq: i64 = seq.parse().map_err(|_| format!("not a checkpoint line: {line:?}"))?;
        if its_chain != chain {
            return Ok(None);
        }
        let expected = Self::new(seq, hash, chain, key);
        if expected.mac != mac {
            return Err(format!("the checkpoint at entry {seq} is not signed with this audit key"));
        }
        Ok(Some(expected))
    }
}

/// Where and how the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The entry's contents no longer match its hash.
    #[error("audit entry {seq} was changed: its contents no longer match its hash")]
    Changed {
        /// The entry.
        seq: i64,
    },
    /// An entry is missing from the sequence.
    #[error("audit entry {seq} was removed: the sequence jumps from {} to {}", seq - 1, next)]
    Removed {
        /// The first missing entry.
        seq: i64,
        /// The entry found in its place.
        next: i64,
    },
    /// An entry does not belong to the chain.
    #[error("audit entry {seq} was inserted: it does not link to the entry before it")]
    Inserted {
        /// The entry.
        seq: i64,
    },
    /// The newest entries are missing.
    #[error("audit entries after {last} were removed: the log ends at {last} but {head} were written")]
    Truncated {
        /// The last entry present.
        last: i64,
        /// The number written, from the head.
        head: i64,
    },
}

/// Checks a chain incrementally, entry by entry in sequence order, against the head (the
/// number of entries written and the last hash), in constant memory.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    head_seq: i64,
    head_hash: String,
    prev_seq: i64,
    prev_hash: String,
    prev_keyed: bool,
    key: Option<AuditKey>,
    checkpoints: Vec<Checkpoint>,
}

impl ChainVerifier {
    /// A verifier expecting the first entry, for a log whose head is `(head_seq, head_hash)`.
    pub fn new(head_seq: i64, head_hash: &str, key: Option<&AuditKey>) -> Self {
        Self {
            head_seq,
            head_hash: head_hash.to_string(),
            prev_seq: 0,
            prev_hash: GENESIS.to_string(),
            prev_keyed: false,
            key: key.cloned(),
            checkpoints: Vec::new(),
        }
    }

    /// Also checks the chain against checkpoints published outside the database: each entry
    /// named must be present with the hash it had.
    pub fn with_checkpoints(mut self, mut checkpoints: Vec<Checkpoint>) -> Self {
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.seq));
        self.checkpoints = checkpoints;
        self
    }

    /// Feeds the next entry (in `seq` order).
    pub fn push(&mut self, e: AuditEntry) -> Result<(), ChainBreak> {
        if e.seq > self.head_seq || e.seq == self.prev_seq {
            return Err(ChainBreak::Inserted { seq: e.seq });
        }
        if e.seq != self.prev_seq + 1 {
            return Err(ChainBreak::Removed { seq: self.prev_seq + 1, next: e.seq });
        }
        // Once the chain is keyed, an unkeyed entry after a keyed one was rewritten.
        if (self.prev_keyed && !e.keyed) || entry_hash(&e, self.key.as_ref()) != e.hash {
            return Err(ChainBreak::Changed { seq: e.seq });
        }
        // The free text stored apart must still be what the chain covers (unless erased).
        if e.keyed
            && !e.details_erased
            && (text_digest(&e.purpose) != e.purpose_digest
                || text_digest(e.ip.as_deref().unwrap_or_default()) != e.ip_digest)
        {
            return Err(ChainBreak::Changed { seq: e.seq });
        }
        while let Some(c) = self.checkpoints.last().filter(|c| c.seq <= e.seq) {
            if c.seq == e.seq && c.hash != e.hash {
                return Err(ChainBreak::Changed { seq: e.seq });
            }
            self.checkpoints.pop();
        }
        if e.prev_hash != self.prev_hash {
            // This entry is intact but does not link: the one before it was rewritten with
            // a recomputed hash.
            return Err(ChainBreak::Changed { seq: self.prev_seq.max(1) });
        }
        self.prev_seq = e.seq;
        self.prev_hash = e.hash;
        self.prev_keyed = e.keyed;
        Ok(())
    }

    /// Ends the check; the number of entries verified.
    pub fn finish(self) -> Result<i64, ChainBreak> {
        // A checkpoint beyond the last entry: the newest entries were removed, head and all.
        if let Some(c) = self.checkpoints.iter().map(|c| c.seq).max().filter(|s| *s > self.prev_seq) {
            return Err(ChainBreak::Truncated { last: self.prev_seq, head: c });
        }
        if self.prev_seq < self.head_seq {
            return Err(ChainBreak::Truncated { last: self.prev_seq, head: self.head_seq });
        }
        if self.head_seq > 0 && self.prev_hash != self.head_hash {
            return Err(ChainBreak::Changed { seq: self.prev_seq });
        }
        Ok(self.prev_seq)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key() -> AuditKey {
        AuditKey::from_bytes([7; 32])
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map(|e| e.hash.clone()).unwrap_or_else(|| GENESIS.to_string());
            let ev = AuditEvent {
                at: Timestamp::from_second(1_800_000_000 + seq).unwrap(),
                user_id: Some(UserId::random()),
                membership_id: None,
                action: "read",
                resource: "child",
                child_id: Some(ChildId::random()),
                purpose: "case management".into(),
                request_id: format!("r{seq}"),
                ip: Some("127.0.0.1".into()),
            };
            out.push(ev.chain(seq, &prev, Some(&key())));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::new(head_seq, head_hash, Some(&key()));
        for e in entries {
            v.push(e.clone())?;
        }
        v.finish()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, 5, &c[4].hash), Ok(5));
        assert_eq!(verify(&[], 0, GENESIS), Ok(0));
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut c = chain(5);
        c[2].purpose = "curiosity".into();
        assert_eq!(verify(&c, 5, &c[4].hash), Err(ChainBreak::Changed { seq: 3 }));
    }

    #[test]
    fn a_changed_entry_with_a_recomputed_hash_is_still_caught_by_the_next_link() {
        let mut c = chain(5);
        c[2].purpose = "curiosity".into();
        c[2].hash = entry_hash(&c[2], Some(&key()));
        assert_eq!(verify(&c, 5, &c[4].hash), Err(ChainBreak::Changed { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(2);
        assert_eq!(verify(&c, 5, &c[3].hash), Err(ChainBreak::Removed { seq: 3, next: 4 }));
    }

    #[test]
    fn removing_the_newest_entries_is_caught_against_the_head() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(verify(&c[..3], 5, &head), Err(ChainBreak::Truncated { last: 3, head: 5 }));
    }

    #[test]
    fn an_entry_inserted_in_the_middle_is_named() {
        let c = chain(5);
        let mut with = c.clone();
        let mut forged = c[1].clone();
        forged.seq = 3;
        forged.hash = entry_hash(&forged, Some(&key()));
        with.insert(2, forged);
        for (i, e) in with.iter_mut().enumerate().skip(3) {
            e.seq = i as i64 + 1;
        }
        // Renumbering to make room changes every later entry's contents.
        assert!(matches!(verify(&with, 5, &c[4].hash), Err(ChainBreak::Changed { .. } | ChainBreak::Inserted { .. })));
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let c = chain(5);
        let mut forged = c[2].clone();
        forged.seq = 6;
        forged.prev_hash = "f".repeat(64);
        forged.hash = entry_hash(&forged, Some(&key()));
        let mut with = c.clone();
        with.push(forged);
        assert_eq!(verify(&with, 5, &c[4].hash), Err(ChainBreak::Inserted { seq: 6 }));
    }

    #[test]
    fn without_the_key_a_rewritten_entry_cannot_be_made_to_fit() {
        let mut c = chain(5);
        // An insider rewrites entry 5 and recomputes its hash as a plain SHA-256, or with a
        // key of their own: both are caught.
        c[4].purpose = "curiosity".into();
        c[4].keyed = false;
        c[4].hash = entry_hash(&c[4], None);
        assert_eq!(verify(&c, 5, &c[4].hash), Err(ChainBreak::Changed { seq: 5 }));
        c[4].keyed = true;
        c[4].hash = entry_hash(&c[4], Some(&AuditKey::from_bytes([8; 32])));
        assert_eq!(verify(&c, 5, &c[4].hash), Err(ChainBreak::Changed { seq: 5 }));
    }

    #[test]
    fn entries_from_before_the_key_still_verify() {
        let mut out: Vec<AuditEntry> = Vec::new();
        for seq in 1..=4 {
            let prev = out.last().map(|e| e.hash.clone()).unwrap_or_else(|| GENESIS.to_string());
            let ev = AuditEvent {
                at: Timestamp::from_second(1_800_000_000 + seq).unwrap(),
                user_id: None,
                membership_id: None,
                action: "read",
                resource: "child",
                child_id: None,
                purpose: "case management".into(),
                request_id: "r".into(),
                ip: None,
            };
            out.push(ev.chain(seq, &prev, (seq > 2).then(key).as_ref()));
        }
        assert_eq!(verify(&out, 4, &out[3].hash), Ok(4));
    }

    #[test]
    fn a_checkpoint_catches_the_newest_entries_removed_with_the_head_reset() {
        let c = chain(5);
        let cp = Checkpoint::new(5, &c[4].hash, &c[0].hash, &key());
        let line = cp.to_line();
        assert_eq!(Checkpoint::parse(&line, &c[0].hash, &key()), Ok(Some(cp.clone())));
        assert!(Checkpoint::parse(&line, &c[0].hash, &AuditKey::from_bytes([9; 32])).is_err(), "another key");
        assert_eq!(Checkpoint::parse(&line, "another chain", &key()), Ok(None), "another database's");
        // Entries 4 and 5 removed and the head set back to entry 3: the head alone is fooled.
        assert_eq!(verify(&c[..3], 3, &c[2].hash), Ok(3));
        let mut v = ChainVerifier::new(3, &c[2].hash, Some(&key())).with_checkpoints(vec![cp.clone()]);
        for e in &c[..3] {
            v.push(e.clone()).unwrap();
        }
        assert_eq!(v.finish(), Err(ChainBreak::Truncated { last: 3, head: 5 }));
        // Intact, the checkpoint agrees.
        let mut v = ChainVerifier::new(5, &c[4].hash, Some(&key())).with_checkpoints(vec![cp]);
        for e in &c {
            v.push(e.clone()).unwrap();
        }
        assert_eq!(v.finish(), Ok(5));
    }

    #[test]
    fn keys_are_read_from_hex_and_never_printed() {
        let k = AuditKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(k.to_hex(), "ab".repeat(32));
        assert!(AuditKey::from_hex("abcd").is_err());
        assert_eq!(format!("{k:?}"), "AuditKey(…)");
    }

    #[test]
    fn free_text_stored_apart_can_be_erased_but_not_changed() {
        let mut c = chain(3);
        // Changing the reason stored apart is caught by its digest.
        c[1].purpose = "curiosity".into();
        assert_eq!(verify(&c, 3, &c[2].hash), Err(ChainBreak::Changed { seq: 2 }));
        // Erasing it (a retention rule) leaves the chain verifiable.
        c[1].purpose = String::new();
        c[1].ip = None;
        c[1].details_erased = true;
        assert_eq!(verify(&c, 3, &c[2].hash), Ok(3));
    }
}
