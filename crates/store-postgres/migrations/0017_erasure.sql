-- Erasure under the retention schedule (issue 16). Each erasure leaves a tombstone: whose
-- record (an identifier only), which class, the rule in words, the last day kept, when, and
-- how many rows of each table went (a JSON object, table to rows). No personal data.
CREATE TABLE erasures (
    id            UUID PRIMARY KEY,
    child_id      UUID NOT NULL,
    record_class  TEXT NOT NULL CHECK (record_class IN ('youth_justice', 'health')),
    rule          TEXT NOT NULL,
    kept_until    DATE NOT NULL,
    erased_at     TIMESTAMPTZ NOT NULL,
    removed       TEXT NOT NULL
);
CREATE INDEX erasures_by_child ON erasures(child_id);

-- Erasure is the one path past these protections: a child is deleted, and the free text of
-- audit entries about a child erased, only once that child's youth justice erasure has been
-- recorded (in the same transaction, by the storage's `erase`). The text is never changed.
CREATE FUNCTION children_erased_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'a child''s record is removed only by erasure under the retention schedule';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM erasures e WHERE e.child_id = OLD.id AND e.record_class = 'youth_justice'
    ) THEN
        RAISE EXCEPTION 'a child''s record is removed only by erasure under the retention schedule';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER children_erased_only BEFORE DELETE ON children
FOR EACH ROW EXECUTE FUNCTION children_erased_only();
CREATE TRIGGER children_no_truncate BEFORE TRUNCATE ON children
FOR EACH STATEMENT EXECUTE FUNCTION children_erased_only();

CREATE FUNCTION audit_details_erased_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'the audit trail is append-only';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM audit_log l JOIN erasures e ON e.child_id = l.child_id
        WHERE l.seq = OLD.seq AND e.record_class = 'youth_justice'
    ) THEN
        RAISE EXCEPTION 'audit details are erased only with their child''s record under the retention schedule';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER audit_details_erased_only BEFORE UPDATE OR DELETE ON audit_details
FOR EACH ROW EXECUTE FUNCTION audit_details_erased_only();
CREATE TRIGGER audit_details_no_truncate BEFORE TRUNCATE ON audit_details
FOR EACH STATEMENT EXECUTE FUNCTION audit_details_erased_only();
