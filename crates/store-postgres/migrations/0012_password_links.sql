-- One-time links to set a password: for a new account, or a reset issued by an administrator,
-- who never types or sees the person's password. Only the SHA-256 of the link's secret is kept.
CREATE TABLE password_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX password_links_by_user ON password_links(user_id);

-- One-time codes with which an administrator or manager sets up their first authenticator:
-- issued by an administrator (or the operator), so that a password alone cannot enrol one.
CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX enrolment_codes_by_user ON enrolment_codes(user_id);
