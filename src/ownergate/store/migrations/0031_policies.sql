-- Policy versions as installed: the text is kept so any past decision can be reproduced.
CREATE TABLE policies (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    installed_by TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
