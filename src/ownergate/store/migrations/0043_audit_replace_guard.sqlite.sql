-- SQLite: `INSERT OR REPLACE` / `REPLACE` over an existing audit record deletes it and inserts the
-- new row; with recursive_triggers off (the default) that implicit delete fires no DELETE trigger,
-- so 0040's guard did not see it. Refuse any insert whose seq is already taken, before conflict
-- resolution can delete anything. (PostgreSQL has no REPLACE; ON CONFLICT DO UPDATE fires 0040's
-- UPDATE trigger.)
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: REPLACE refused'); END;
