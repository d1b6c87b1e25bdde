-- Which policy is in force for the store: every activation kept, the latest one applies.
-- With no row, deciding uses the default policy (anthropic) and says so.
CREATE TABLE policy_activations (
    id {{id}},
    name TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    activated_by TEXT NOT NULL
);
