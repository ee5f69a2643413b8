-- Readiness reads each open episode's latest sentence and remand: by episode, not by scanning.
CREATE INDEX sentences_by_episode ON sentences(episode_id, sentence_date);
CREATE INDEX remands_by_episode ON remands(episode_id, started_on);
