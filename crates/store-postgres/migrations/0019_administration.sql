-- Administration for a real service: when a person was deactivated (they left: their sessions,
-- API tokens and links end with it) and when an organisation closed (no longer offered in
-- forms; the records that name it keep it).
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;
ALTER TABLE organisations ADD COLUMN closed_at TIMESTAMPTZ;
