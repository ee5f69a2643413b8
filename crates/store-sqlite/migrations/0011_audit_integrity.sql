-- The audit trail cannot be rewritten from inside the database: updates and deletions of
-- entries are refused (erasure under a retention rule will be the one privileged path), and
-- each entry says whether its hash is keyed with the audit key kept outside the database
-- (entries written before the key existed are not; see resettle_domain::audit).

ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
-- A keyed entry's hash covers the SHA-256 of its purpose and client address; the text itself is
-- kept apart in audit_details, where a retention rule can erase it without breaking the chain.
ALTER TABLE audit_log ADD COLUMN purpose_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN ip_digest TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_details (
    seq      INTEGER PRIMARY KEY,
    purpose  TEXT NOT NULL,
    ip       TEXT
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
