"""The shared backend: PostgreSQL through psycopg 3.

A URL may carry ``?schema=NAME``: the store then lives in that schema (created when
missing), which is how tests isolate themselves on one database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from ownergate.errors import ConfigError, StoreError
from ownergate.store.base import Params, Row, Store, Transaction

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _placeholders(sql: str) -> str:
    """Rewrite the portable ``?`` placeholders to psycopg's ``%s``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresTransaction(Transaction):
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._cursors = 0

    def execute(self, sql: str, params: Params = ()) -> None:
        self.conn.execute(_placeholders(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_placeholders(sql), [tuple(r) for r in rows])

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(_placeholders(sql), tuple(params)).fetchall()]

    def iterate(self, sql: str, params: Params = (), batch: int = 5000) -> Iterator[Row]:
        # A named (server-side) cursor streams rows in batches instead of fetching them all.
        self._cursors += 1
        with self.conn.cursor(name=f"og_iter_{self._cursors}") as cur:
            cur.itersize = batch
            cur.execute(_placeholders(sql), tuple(params))
            while rows := cur.fetchmany(batch):
                yield from (tuple(r) for r in rows)


class PostgresStore(Store):
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.schema = query.pop("schema", None)
        if self.schema is not None and not _SCHEMA_NAME.match(self.schema):
            raise ConfigError(f"invalid PostgreSQL schema name {self.schema!r} in the store URL")
        conninfo = urlunsplit(parts._replace(query=urlencode(query)))
        try:
            self.conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            detail = " ".join(str(exc).split())  # psycopg spreads its reason over lines; the error is one
            raise StoreError(f"cannot connect to PostgreSQL at {self.redacted_url()}: {detail}") from exc
        if self.schema:
            self.conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            self.conn.execute(f'SET search_path TO "{self.schema}"')

    def _begin(self, write: bool) -> Transaction:
        self.conn.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return PostgresTransaction(self.conn)

    def _commit(self, tx: Transaction) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self, tx: Transaction) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def drop_schema(self) -> None:
        """Remove this store's schema and everything in it (tests use this to clean up)."""
        if not self.schema:
            raise ConfigError("drop_schema needs a store URL with ?schema=NAME")
        self.conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
