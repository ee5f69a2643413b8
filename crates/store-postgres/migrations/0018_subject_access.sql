-- Subject access requests (UK GDPR article 15): the reference and day received, the health
-- professional's review of the health content (DPA 2018 Schedule 3), and the exports made.
CREATE TABLE subject_access_requests (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id),
    reference         TEXT NOT NULL,
    received_on       DATE NOT NULL,
    requested_by      UUID REFERENCES users(id),
    requested_by_name TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    review_decision   TEXT CHECK (review_decision IN ('release', 'withhold')),
    review_note       TEXT,
    reviewed_by       UUID REFERENCES users(id),
    reviewed_by_name  TEXT,
    reviewed_at       TIMESTAMPTZ,
    export_count      BIGINT NOT NULL DEFAULT 0,
    last_exported_at  TIMESTAMPTZ,
    UNIQUE (child_id, reference)
);
CREATE INDEX subject_access_requests_by_child ON subject_access_requests(child_id);

-- The data protection officer's role.
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','custody_health','accommodation_officer','ete_coordinator','strategic_lead','admin','data_protection_officer'));
