-- The email outbox (issue 7): every email is written here first, in the same transaction as
-- whatever caused it, and sent from here by the delivery sweep. A message leaves the table's
-- "to send" state only when the relay has accepted it, so a relay outage or a restart loses
-- nothing: failures are retried with back-off.
CREATE TABLE outbox (
    id               BLOB PRIMARY KEY,
    -- Set when the same message must never be queued twice (e.g. one escalation, one digest
    -- per person per day).
    dedupe_key       TEXT UNIQUE,
    to_address       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TEXT NOT NULL,
    -- A sender working on the message until then; another waits for it to pass.
    claimed_until    TEXT,
    sent_at          TEXT,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;

-- How each person wants notifications by email: 'each' (one email per notification, queued with
-- it), 'daily_digest' (one summary a day, queued by the sweep) or 'none'.
ALTER TABLE users ADD COLUMN email_preference TEXT NOT NULL DEFAULT 'each'
    CHECK (email_preference IN ('each', 'daily_digest', 'none'));
