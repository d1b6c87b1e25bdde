-- The hash-chained audit log (see docs/audit.md). Rows are only ever inserted: the backend
-- companions of this file add the triggers that refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_log (
    seq {{bigint}} PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
-- The chain head: one row, the seq and hash of the last record. Every append updates it first,
-- which serialises appenders on this row, and verify compares it with the last record to notice
-- records cut off the end.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq {{bigint}} NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
