-- Core tables every capability uses: a key-value table of store metadata.
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
