-- Covering indexes for the access scope: "children whose team, today, names this person or
-- one of these organisations" is answered from the index alone, without reading team rows.
CREATE INDEX team_scope_by_organisation ON team_members(organisation_id, started_on, ended_on, child_id);
CREATE INDEX team_scope_by_user ON team_members(user_id, started_on, ended_on, child_id);
DROP INDEX team_by_organisation;
DROP INDEX team_by_user;
