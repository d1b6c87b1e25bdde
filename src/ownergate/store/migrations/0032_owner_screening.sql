-- Lists that the names of ownership-graph owners matched, per set of list snapshots: screening a
-- large graph's owners once, not at every decision run.
CREATE TABLE owner_screening (
    node_id TEXT NOT NULL,
    snapshot_key TEXT NOT NULL,
    name TEXT NOT NULL,
    lists TEXT NOT NULL,
    PRIMARY KEY (node_id, snapshot_key)
);
