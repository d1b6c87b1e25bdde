-- Customers, their declared owners, machine decisions (full history) and four-eyes overrides.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    other_names TEXT NOT NULL DEFAULT '[]',
    country TEXT,
    hq_country TEXT,
    billing_country TEXT,
    lei TEXT,
    registration_number TEXT,
    tax_id TEXT,
    website TEXT,
    email_domain TEXT,
    entity_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_lei ON customers (lei);
CREATE INDEX customers_entity ON customers (entity_id);

CREATE TABLE declared_owners (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    owner_name TEXT NOT NULL,
    owner_country TEXT,
    owner_hq_country TEXT,
    share_min {{real}},
    share_max {{real}},
    owner_type TEXT NOT NULL,
    declared_at TEXT NOT NULL
);
CREATE INDEX declared_owners_customer ON declared_owners (customer_id);

-- Every machine verdict ever given; exactly one row per customer has is_current = 1.
CREATE TABLE decisions (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny', 'review')),
    reasons TEXT NOT NULL,
    policy TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    snapshots TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    as_of TEXT,
    cause TEXT NOT NULL DEFAULT 'manual',
    is_current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decisions_customer ON decisions (customer_id, is_current);

-- Overrides sit beside machine verdicts and never replace them. Status moves
-- proposed -> approved | rejected; an approved override lapses at expires_at.
CREATE TABLE overrides (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),
    justification TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT
);
CREATE INDEX overrides_customer ON overrides (customer_id, status);
