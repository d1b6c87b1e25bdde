-- Ownership edges that reloading their file took away (docs/monitoring.md): monitoring re-decides
-- every customer below the node an edge used to point at, as it does for an added edge.
CREATE TABLE ownership_edge_removals (
    id {{id}},
    owner_id TEXT NOT NULL,
    owned_id TEXT NOT NULL,
    source_file TEXT NOT NULL,
    removed_at TEXT NOT NULL
);
