-- Erasure under the retention schedule (issue 16). Each erasure leaves a tombstone: whose
-- record (an identifier only), which class, the rule in words, the last day kept, when, and
-- how many rows of each table went (a JSON object, table to rows). No personal data.
CREATE TABLE erasures (
    id            BLOB PRIMARY KEY NOT NULL,
    child_id      BLOB NOT NULL,
    record_class  TEXT NOT NULL CHECK (record_class IN ('youth_justice', 'health')),
    rule          TEXT NOT NULL,
    kept_until    TEXT NOT NULL,
    erased_at     TEXT NOT NULL,
    removed       TEXT NOT NULL
) STRICT;
CREATE INDEX erasures_by_child ON erasures(child_id);

-- Erasure is the one path past these protections: a child is deleted, and the free text of
-- audit entries about a child erased, only once that child's youth justice erasure has been
-- recorded (in the same transaction, by the storage's `erase`). The text is never changed.
CREATE TRIGGER children_erased_only BEFORE DELETE ON children
WHEN NOT EXISTS (SELECT 1 FROM erasures e WHERE e.child_id = OLD.id AND e.record_class = 'youth_justice')
BEGIN SELECT RAISE(ABORT, 'a child''s record is removed only by erasure under the retention schedule'); END;

CREATE TRIGGER audit_details_no_update BEFORE UPDATE ON audit_details
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TRIGGER audit_details_erased_only BEFORE DELETE ON audit_details
WHEN NOT EXISTS (SELECT 1 FROM audit_log l JOIN erasures e ON e.child_id = l.child_id
                 WHERE l.seq = OLD.seq AND e.record_class = 'youth_justice')
BEGIN SELECT RAISE(ABORT, 'audit details are erased only with their child''s record under the retention schedule'); END;
