//! Passwords, session tokens and API tokens.
//!
//! Passwords are hashed with Argon2id at the `argon2` crate's defaults (RFC 9106's second
//! recommended option as OWASP gives it: m = 19 MiB, t = 2, p = 1). Session and API tokens are
//! 256-bit random values; only their SHA-256 is stored, so a copy of the database cannot be
//! used to sign in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with Argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash to verify against when the account does not exist, so that a missing account
/// takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

/// `N` bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new random token: 32 bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a token, hex: what is stored in place of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The prefix that marks an API token, so that it can be recognised if it leaks.
pub const API_TOKEN_PREFIX: &str = "rst_";

/// A new random key for the audit chain, from the operating system's generator.
pub fn new_audit_key() -> resettle_domain::audit::AuditKey {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    resettle_domain::audit::AuditKey::from_bytes(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("a long enough passphrase").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("a long enough passphrase", &h));
        assert!(!verify_password("a long enough passphrasE", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
