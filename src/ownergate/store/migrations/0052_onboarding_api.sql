-- The onboarding API: Idempotency-Key records and the onboarding role for admin tokens.
-- scope is the admin token's id, key_digest the SHA-256 of the Idempotency-Key header,
-- request_digest the SHA-256 of the request (method, path, canonical body). response is the
-- JSON answer; an API key in it is sealed with a key derived from the Idempotency-Key itself,
-- so the store never holds a usable API key.
CREATE TABLE idempotency_keys (
    id {{id}},
    scope TEXT NOT NULL,
    key_digest TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (scope, key_digest)
);
