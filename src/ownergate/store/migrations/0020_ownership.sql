-- Ownership: entities (companies and persons), the edges between them, and declared gaps.
-- Every row keeps the file it was loaded from and its record inside that file.
CREATE TABLE ownership_entities (
    id TEXT PRIMARY KEY,
    name TEXT,
    kind TEXT NOT NULL DEFAULT 'company',
    hq_country TEXT,
    incorporation_country TEXT,
    nationality TEXT,
    residence TEXT,
    identifiers TEXT NOT NULL DEFAULT '{}',
    lists TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_record TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE TABLE ownership_edges (
    id {{id}},
    owner_id TEXT NOT NULL,
    owned_id TEXT NOT NULL,
    share_min {{real}},
    share_max {{real}},
    kind TEXT NOT NULL DEFAULT 'shares',
    source TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_record TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    valid_to TEXT,
    loaded_at TEXT NOT NULL
);
CREATE INDEX ownership_edges_owner ON ownership_edges (owner_id);
CREATE INDEX ownership_edges_owned ON ownership_edges (owned_id);
CREATE INDEX ownership_edges_file ON ownership_edges (source_file);
CREATE TABLE ownership_exceptions (
    id {{id}},
    entity_id TEXT NOT NULL,
    category TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_record TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ownership_exceptions_entity ON ownership_exceptions (entity_id);
CREATE INDEX ownership_exceptions_file ON ownership_exceptions (source_file);
