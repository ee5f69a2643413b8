//! The audit trail: every read and write of a child's personal data, and every sign-in,
//! in an append-only log whose entries are chained by hash so that a changed, removed or
//! inserted entry is detected.
//!
//! Each entry's hash covers its own fields and the previous entry's hash. Changing an entry
//! breaks its own hash; removing one leaves a gap in the sequence; inserting one breaks the
//! link to its neighbours; removing the newest entries leaves the chain shorter than the
//! head (the last sequence number and hash, kept apart from the entries).

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
    /// The entry this event becomes at position `seq` after `prev_hash`.
    pub fn chain(&self, seq: i64, prev_hash: &str) -> AuditEntry {
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
        };
        e.hash = entry_hash(&e);
        e
    }
}

/// The hash of an entry's fields and its predecessor's hash. Fields are separated by the
/// ASCII unit separator so that no two different entries share an input.
pub fn entry_hash(e: &AuditEntry) -> String {
    let opt = |o: Option<String>| o.unwrap_or_default();
    let fields = [
        e.seq.to_string(),
        e.at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        opt(e.user_id.map(|u| u.to_string())),
        opt(e.membership_id.map(|m| m.to_string())),
        e.action.clone(),
        e.resource.clone(),
        opt(e.child_id.map(|c| c.to_string())),
        e.purpose.clone(),
        e.request_id.clone(),
        opt(e.ip.clone()),
        e.prev_hash.clone(),
    ];
    hex::encode(Sha256::digest(fields.join("\u{1f}").as_bytes()))
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
}

impl ChainVerifier {
    /// A verifier expecting the first entry, for a log whose head is `(head_seq, head_hash)`.
    pub fn new(head_seq: i64, head_hash: &str) -> Self {
        Self { head_seq, head_hash: head_hash.to_string(), prev_seq: 0, prev_hash: GENESIS.to_string() }
    }

    /// Feeds the next entry (in `seq` order).
    pub fn push(&mut self, e: AuditEntry) -> Result<(), ChainBreak> {
        if e.seq > self.head_seq || e.seq == self.prev_seq {
            return Err(ChainBreak::Inserted { seq: e.seq });
        }
        if e.seq != self.prev_seq + 1 {
            return Err(ChainBreak::Removed { seq: self.prev_seq + 1, next: e.seq });
        }
        if entry_hash(&e) != e.hash {
            return Err(ChainBreak::Changed { seq: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            // This entry is intact but does not link: the one before it was rewritten with
            // a recomputed hash.
            return Err(ChainBreak::Changed { seq: self.prev_seq.max(1) });
        }
        self.prev_seq = e.seq;
        self.prev_hash = e.hash;
        Ok(())
    }

    /// Ends the check; the number of entries verified.
    pub fn finish(self) -> Result<i64, ChainBreak> {
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
            out.push(ev.chain(seq, &prev));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::new(head_seq, head_hash);
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
        c[2].hash = entry_hash(&c[2]);
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
        forged.hash = entry_hash(&forged);
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
        forged.hash = entry_hash(&forged);
        let mut with = c.clone();
        with.push(forged);
        assert_eq!(verify(&with, 5, &c[4].hash), Err(ChainBreak::Inserted { seq: 6 }));
    }
}
