-- Lists, their snapshots, entry versions, names, identifiers, countries and diffs (ownergate.lists).
-- An entry version is valid from the snapshot that introduced it (valid_from) until the snapshot
-- that removed or changed it (valid_to, exclusive; NULL while current), so unchanged entries are
-- stored once however many snapshots contain them. Snapshot and row ids are assigned by the loader.
CREATE TABLE list_info (
    list_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url TEXT
);
CREATE TABLE list_snapshot (
    id {{bigint}} PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES list_info (list_id),
    format TEXT NOT NULL,
    published TEXT,
    effective_at TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    source_files TEXT NOT NULL,
    entries INTEGER NOT NULL,
    added INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    previous_id {{bigint}}
);
CREATE INDEX list_snapshot_list ON list_snapshot (list_id, id);
CREATE TABLE list_entry (
    id {{bigint}} PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES list_info (list_id),
    entry_id TEXT NOT NULL,
    valid_from {{bigint}} NOT NULL REFERENCES list_snapshot (id),
    valid_to {{bigint}} REFERENCES list_snapshot (id),
    version_hash TEXT NOT NULL,
    schema TEXT NOT NULL,
    name TEXT NOT NULL,
    listed_on TEXT,
    source_file TEXT NOT NULL,
    record TEXT NOT NULL,
    data TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX list_entry_current ON list_entry (list_id, valid_to, entry_id);
CREATE INDEX list_entry_id ON list_entry (list_id, entry_id);
CREATE TABLE list_name (
    entry_row {{bigint}} NOT NULL REFERENCES list_entry (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    script TEXT
);
CREATE INDEX list_name_entry ON list_name (entry_row);
CREATE TABLE list_identifier (
    entry_row {{bigint}} NOT NULL REFERENCES list_entry (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    country TEXT
);
CREATE INDEX list_identifier_entry ON list_identifier (entry_row);
CREATE INDEX list_identifier_value ON list_identifier (kind, value);
CREATE TABLE list_country (
    entry_row {{bigint}} NOT NULL REFERENCES list_entry (id),
    code TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE INDEX list_country_entry ON list_country (entry_row);
CREATE TABLE list_diff (
    snapshot_id {{bigint}} NOT NULL REFERENCES list_snapshot (id),
    entry_id TEXT NOT NULL,
    change TEXT NOT NULL,
    fields TEXT NOT NULL
);
CREATE INDEX list_diff_snapshot ON list_diff (snapshot_id);
