-- Onboarding (POST /v1/customers): soft deletes, nested declared owners and signed attestations.
-- A deleted customer keeps its rows and history; deleted_at says when it left the book.
ALTER TABLE customers ADD COLUMN deleted_at TEXT;
-- A declared owner owns the customer (owned_by NULL) or another declared owner of the same
-- customer: owned_by is that owner's position (0, 1, ...) among the customer's owners in id order.
ALTER TABLE declared_owners ADD COLUMN owned_by INTEGER;

-- What a customer attested at sign-up or with a change of owners: who, when, the text accepted.
-- Its SHA-256 is also in the audit chain (action customer.attested), so `audit verify` fails
-- when a stored attestation is altered afterwards.
CREATE TABLE customer_attestations (
    id {{id}},
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX customer_attestations_customer ON customer_attestations (customer_id);
