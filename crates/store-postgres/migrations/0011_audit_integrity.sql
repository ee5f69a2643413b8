-- The audit trail cannot be rewritten from inside the database: updates, deletions and
-- truncation of entries are refused (erasure under a retention rule will be the one
-- privileged path), and each entry says whether its hash is keyed with the audit key kept
-- outside the database (entries written before the key existed are not; see
-- resettle_domain::audit).

ALTER TABLE audit_log ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;
-- A keyed entry's hash covers the SHA-256 of its purpose and client address; the text itself is
-- kept apart in audit_details, where a retention rule can erase it without breaking the chain.
ALTER TABLE audit_log ADD COLUMN purpose_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN ip_digest TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_details (
    seq      BIGINT PRIMARY KEY,
    purpose  TEXT NOT NULL,
    ip       TEXT
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
