-- The onboarding role joins the four admin roles. SQLite cannot change a CHECK constraint, so the
-- table is rebuilt with the same rows and ids (on a store migrated before, review desk sessions,
-- which reference admin tokens, are dropped with the old table: people log in again).
CREATE TABLE admin_tokens_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin', 'onboarding')),
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
INSERT INTO admin_tokens_new (id, name, role, token_hash, prefix, created_at, revoked_at)
    SELECT id, name, role, token_hash, prefix, created_at, revoked_at FROM admin_tokens;
DROP TABLE admin_tokens;
ALTER TABLE admin_tokens_new RENAME TO admin_tokens;
CREATE INDEX admin_tokens_prefix ON admin_tokens (prefix);
