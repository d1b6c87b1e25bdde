-- The review desk: browser sessions (only a SHA-256 of the session id is stored) and analysts'
-- judgements of list matches, which the decision engine honours for that customer.
CREATE TABLE review_sessions (
    id {{id}},
    session_hash TEXT NOT NULL UNIQUE,
    token_id {{bigint}} NOT NULL REFERENCES admin_tokens (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX review_sessions_expiry ON review_sessions (expires_at);

-- One row per judgement; the newest for a (customer, list, entry) is current, older ones are history.
CREATE TABLE match_judgements (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    list_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    is_match INTEGER NOT NULL CHECK (is_match IN (0, 1)),
    note TEXT NOT NULL,
    actor TEXT NOT NULL,
    judged_at TEXT NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX match_judgements_customer ON match_judgements (customer_id, is_current);

-- A customer's audit trail is read by subject on every customer page.
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
