-- Outcomes: the cohort report finds the children released between two days, so custody
-- episodes are indexed by the day they ended (the day of release). Numbered 0015 (0014 is
-- another change's).
CREATE INDEX episodes_by_release ON custody_episodes(ended_on) WHERE ended_on IS NOT NULL;
