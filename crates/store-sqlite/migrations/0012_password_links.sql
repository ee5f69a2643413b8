-- One-time links to set a password: for a new account, or a reset issued by an administrator,
-- who never types or sees the person's password. Only the SHA-256 of the link's secret is kept.
CREATE TABLE password_links (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX password_links_by_user ON password_links(user_id);

-- One-time codes with which an administrator or manager sets up their first authenticator:
-- issued by an administrator (or the operator), so that a password alone cannot enrol one.
CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX enrolment_codes_by_user ON enrolment_codes(user_id);
