-- Each snapshot records the SHA-256 of its source file (file_sha256: the file's own digest, or for a
-- set of files the digest of their `sha256sum` manifest) and of every file (files_sha256, JSON
-- {name: digest}). Snapshots loaded before this migration keep NULL: their files were not hashed.
ALTER TABLE list_snapshot ADD COLUMN file_sha256 TEXT;
ALTER TABLE list_snapshot ADD COLUMN files_sha256 TEXT;
