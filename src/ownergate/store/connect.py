"""Open a store from a URL: ``sqlite:///path``, a bare file path, or ``postgresql://...``."""

from __future__ import annotations

import re
from pathlib import Path

from ownergate.errors import ConfigError
from ownergate.store.base import Store


def redact(url: str) -> str:
    """Hide the password in a URL so it can be printed or logged."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def open_store(url: str, migrate: bool = True, create: bool = True, connect_timeout: float | None = None) -> Store:
    """Open (and by default migrate) the store at ``url``.

    ``connect_timeout`` overrides ``OWNERGATE_PG_CONNECT_TIMEOUT`` for a PostgreSQL store.
    ``create=False`` refuses an SQLite file that does not exist yet (:class:`StoreMissing`, naming
    the path) instead of creating an empty store there: a mistyped path, or a store deleted under
    a running service, must never read as an empty, healthy store.
    """
    store: Store
    if url.startswith(("postgresql://", "postgres://")):
        from ownergate.store.postgres import PostgresStore

        store = PostgresStore(url, connect_timeout)
    elif url.startswith("sqlite://"):
        from ownergate.store.sqlite import SqliteStore

        path = url.removeprefix("sqlite://")
        path = path.removeprefix("/") if path.startswith("//") else path
        if not path or path == "/":
            raise ConfigError(f"store URL {url!r} names no file (use sqlite:///path/to/file.sqlite3)")
        store = SqliteStore(url, Path(path) if path != "/:memory:" else ":memory:", create=create)
    elif "://" in url:
        raise ConfigError(f"unsupported store URL {redact(url)!r}: use sqlite:///FILE or postgresql://...")
    else:
        from ownergate.store.sqlite import SqliteStore

        store = SqliteStore(f"sqlite:///{Path(url).resolve()}", url, create=create)
    if migrate:
        store.migrate()
    return store
