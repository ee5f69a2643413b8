-- The audit trail: every read and write of a child's personal data and every sign-in,
-- chained by hash (see resettle_domain::audit). The head holds the number of entries written
-- and the last hash, so that removing the newest entries is detected too. Entries keep ids,
-- not foreign keys: the trail outlives the records it describes.

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    user_id        UUID,
    membership_id  UUID,
    action         TEXT NOT NULL,
    resource       TEXT NOT NULL,
    child_id       UUID,
    purpose        TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    ip             TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_by_child ON audit_log(child_id, seq);
