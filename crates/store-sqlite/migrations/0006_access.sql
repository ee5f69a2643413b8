-- Access hardening (issue 4): time-based one-time passwords (TOTP) as a second factor,
-- half-signed-in sessions, and break-glass grants.

-- A session whose password was right but whose second step is still to do: 'totp_code'
-- (enter a code) or 'totp_enrolment' (set up an authenticator first). NULL = fully signed in.
ALTER TABLE sessions ADD COLUMN pending TEXT CHECK (pending IN ('totp_code', 'totp_enrolment'));

-- One authenticator per user. The secret must be readable by the server to check codes, so it
-- is stored as given (base32): protect the database and its backups accordingly (see
-- ARCHITECTURE.md). `last_step` is the newest 30-second step whose code was accepted: a code
-- is accepted only for a later step, so it cannot be replayed within its window.
CREATE TABLE totp_credentials (
    user_id       BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    last_step     INTEGER
);

-- Emergency ("break-glass") access: a YJS manager opened a child outside their team, giving a
-- reason. Read access for that user and that child only, until expires_at. Rows are kept as
-- the record of who looked and why.
CREATE TABLE break_glass_grants (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users(id),
    child_id    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX break_glass_by_user ON break_glass_grants(user_id, expires_at, child_id);
CREATE INDEX break_glass_by_child ON break_glass_grants(child_id, granted_at);

-- "Find a child by NHS number or PNC id" for break-glass.
CREATE INDEX children_by_nhs_number ON children(nhs_number);
CREATE INDEX children_by_pnc_id ON children(pnc_id);
