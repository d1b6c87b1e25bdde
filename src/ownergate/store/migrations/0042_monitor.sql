-- Monitoring (docs/monitoring.md): watch runs and their reports, the marks of what has been
-- re-decided already, and the lease that keeps two watchers from running a cycle at once.
CREATE TABLE monitor_runs (
    id {{id}},
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    holder TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '{}'
);
-- What the last completed run saw: 'list:<id>' -> snapshot id, 'ownership:edge' -> max edge id,
-- 'ownership:entities' and 'overrides' -> the time they were last checked. Advanced only in the
-- transaction that finishes a run, so a run killed half way is simply done again.
CREATE TABLE monitor_marks (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per lock name; a holder keeps it until it releases it or its lease runs out.
CREATE TABLE monitor_lock (
    name TEXT PRIMARY KEY,
    holder TEXT,
    expires_at TEXT
);
INSERT INTO monitor_lock (name, holder, expires_at) VALUES ('watch', NULL, NULL);
