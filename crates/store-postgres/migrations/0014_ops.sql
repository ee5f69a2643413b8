-- Operations: what several servers over one database share.

-- Changes to the record, counted by every server and command in the transaction that makes
-- them (`Storage::changes`): a server's read caches compare it, so a change made through
-- another server shows on the very next request to this one.
CREATE TABLE change_count (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO change_count (id, n) VALUES (1, 0);

-- Failed sign-ins (password, second factor, enrolment code), shared by every server so that
-- the limits hold however many there are. The key is the SHA-256 of `account:<email>`,
-- `address:<ip>`, …: no address or email is kept in the clear. Rows older than the window
-- are deleted as new ones come.
CREATE TABLE sign_in_failures (
    key_hash   TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures(key_hash, failed_at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures(failed_at);
