-- The secure establishment's own managers (secure_manager) and local authority social workers
-- (social_worker).
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','secure_manager','custody_health','accommodation_officer','social_worker','ete_coordinator','strategic_lead','admin','data_protection_officer'));
