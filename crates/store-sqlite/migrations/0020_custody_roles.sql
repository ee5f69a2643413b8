-- The secure establishment's own managers (secure_manager) and local authority social workers
-- (social_worker): memberships' CHECK widened (SQLite cannot alter a CHECK, so the table is
-- rebuilt, as in 0018; no table refers to memberships).
CREATE TABLE memberships_new (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','secure_manager','custody_health','accommodation_officer','social_worker','ete_coordinator','strategic_lead','admin','data_protection_officer')),
    UNIQUE (user_id, organisation_id, role)
) STRICT;
INSERT INTO memberships_new (id, user_id, organisation_id, role) SELECT id, user_id, organisation_id, role FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_by_organisation ON memberships(organisation_id);
