-- The persistent outbox and its webhook endpoints (see docs/webhooks.md).
-- An endpoint stores the NAME of the environment variable holding its signing secret, never the
-- secret itself.
CREATE TABLE webhook_endpoints (
    id {{id}},
    url TEXT NOT NULL UNIQUE,
    secret_env TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
-- One row per event, written in the same transaction as the change it announces. event_id is
-- stable: every delivery attempt of the event carries it, so receivers can drop repeats.
CREATE TABLE outbox_events (
    seq {{id}},
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- One row per (event, endpoint): pending until delivered, or dead after the last attempt.
-- A worker claims a row by moving next_attempt_at past its lease before it sends, so a worker
-- killed mid-send leaves the row pending and due again when the lease runs out.
CREATE TABLE outbox_deliveries (
    event_seq {{bigint}} NOT NULL REFERENCES outbox_events (seq),
    endpoint_id {{bigint}} NOT NULL REFERENCES webhook_endpoints (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    PRIMARY KEY (event_seq, endpoint_id)
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (status, next_attempt_at);
CREATE INDEX outbox_deliveries_endpoint ON outbox_deliveries (endpoint_id, status, next_attempt_at);
