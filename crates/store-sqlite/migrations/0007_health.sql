-- Health that follows the child (issue 6): notes of health information, assessments, outcome
-- measures, consent and sharing decisions, closed-loop handovers with their escalations, the
-- share log, and in-app notifications.

CREATE TABLE health_records (
    id                BLOB PRIMARY KEY,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    category          TEXT NOT NULL,
    summary           TEXT NOT NULL,
    detail            TEXT,
    source            TEXT,
    recorded_by       BLOB NOT NULL REFERENCES users(id),
    recorded_by_name  TEXT NOT NULL,
    recorded_at       TEXT NOT NULL
);
CREATE INDEX health_records_by_child ON health_records(child_id, recorded_at);

-- Sections and identified needs are JSON text: each is read and written whole with its
-- assessment, and never queried on its own.
CREATE TABLE health_assessments (
    id               BLOB PRIMARY KEY,
    child_id         BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    author_id        BLOB NOT NULL REFERENCES users(id),
    author_name      TEXT NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    assessed_on      TEXT NOT NULL,
    sections         TEXT NOT NULL,
    needs            TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'complete')),
    based_on         BLOB REFERENCES health_assessments(id),
    version          BIGINT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX health_assessments_by_child ON health_assessments(child_id, assessed_on);

CREATE TABLE health_measures (
    id                BLOB PRIMARY KEY,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('sdq_total', 'honosca_total')),
    score             INTEGER NOT NULL CHECK (score >= 0 AND score <= 52),
    rater             TEXT NOT NULL CHECK (rater IN ('self', 'parent', 'clinician')),
    measured_on       TEXT NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    recorded_at       TEXT NOT NULL
);
CREATE INDEX health_measures_by_child ON health_measures(child_id, measured_on);

CREATE TABLE health_consents (
    id                          BLOB PRIMARY KEY,
    child_id                    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    decision                    TEXT NOT NULL,
    capacity                    TEXT NOT NULL,
    decided_by                  TEXT,
    share_with_organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    share_with_role             TEXT,
    purpose                     TEXT NOT NULL,
    lawful_basis                TEXT,
    decided_on                  TEXT NOT NULL,
    recorded_by_name            TEXT NOT NULL,
    recorded_at                 TEXT NOT NULL,
    CHECK (decision <> 'share_without_consent' OR lawful_basis IS NOT NULL)
);
CREATE INDEX health_consents_by_child ON health_consents(child_id, decided_on);

CREATE TABLE handovers (
    id                      BLOB PRIMARY KEY,
    child_id                BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    item_kind               TEXT NOT NULL,
    item_id                 BLOB,
    summary                 TEXT NOT NULL,
    sender_id               BLOB REFERENCES users(id),
    sender_name             TEXT NOT NULL,
    sender_organisation_id  BLOB REFERENCES organisations(id),
    recipient_user_id       BLOB REFERENCES users(id),
    recipient_org_id        BLOB NOT NULL REFERENCES organisations(id),
    recipient_role          TEXT,
    sent_at                 TEXT NOT NULL,
    due_on                  TEXT NOT NULL,
    acknowledged_at         TEXT,
    acknowledged_by         BLOB REFERENCES users(id),
    acknowledged_by_name    TEXT,
    acknowledgement_note    TEXT
);
CREATE INDEX handovers_by_child ON handovers(child_id, sent_at);
CREATE INDEX handovers_to_person ON handovers(recipient_user_id) WHERE acknowledged_at IS NULL;
CREATE INDEX handovers_to_role ON handovers(recipient_org_id, recipient_role) WHERE acknowledged_at IS NULL;
CREATE INDEX handovers_by_sender ON handovers(sender_id) WHERE acknowledged_at IS NULL;
CREATE INDEX handovers_open_by_due ON handovers(due_on) WHERE acknowledged_at IS NULL;

-- One row per handover and escalation level: the sweep inserts here first, so a second sweep
-- (or a second server) can never escalate the same handover twice.
CREATE TABLE handover_escalations (
    handover_id   BLOB NOT NULL REFERENCES handovers(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    escalated_at  TEXT NOT NULL,
    PRIMARY KEY (handover_id, level)
);

CREATE TABLE share_log (
    id                    BLOB PRIMARY KEY,
    child_id              BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    what                  TEXT NOT NULL,
    with_organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    with_user_id          BLOB REFERENCES users(id),
    with_role             TEXT,
    why                   TEXT NOT NULL,
    shared_at             TEXT NOT NULL,
    shared_by_name        TEXT NOT NULL,
    handover_id           BLOB REFERENCES handovers(id),
    consent_id            BLOB REFERENCES health_consents(id)
);
CREATE INDEX share_log_by_child ON share_log(child_id, shared_at);

-- In-app notifications, written by any source (escalations today; more later). dedupe_key
-- makes every writer idempotent.
CREATE TABLE notifications (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    child_id    BLOB REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    link        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    dedupe_key  TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_by_user ON notifications(user_id, created_at);
