-- The decision service: customers' API keys and admin tokens (only SHA-256 hashes are stored),
-- and a change counter every replica polls to know when to refresh its decision table.
CREATE TABLE api_keys (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_keys_customer ON api_keys (customer_id);
CREATE INDEX api_keys_prefix ON api_keys (prefix);

CREATE TABLE admin_tokens (
    id {{id}},
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX admin_tokens_prefix ON admin_tokens (prefix);

-- One row per committed change of verdicts or keys: customer_ids is a JSON list, or NULL for "all".
CREATE TABLE decision_changes (
    id {{id}},
    customer_ids TEXT,
    changed_at TEXT NOT NULL
);
