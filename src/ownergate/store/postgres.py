"""The shared backend: PostgreSQL through psycopg 3.

A URL may carry ``?schema=NAME``: the store then lives in that schema (created when
missing), which is how tests isolate themselves on one database.

Every connection is bounded, so a dead server or a silent network can never hang a caller for
good: a connect timeout (``OWNERGATE_PG_CONNECT_TIMEOUT``), server-side statement and
idle-in-transaction timeouts (``OWNERGATE_PG_STATEMENT_TIMEOUT``, ``OWNERGATE_PG_IDLE_TIMEOUT``),
TCP keepalives (first probe after 10 s idle, every 5 s, 3 unanswered end the connection) and a TCP
user timeout (30 s of unacknowledged data end it). Parameters the URL sets itself win. A reader in
another thread can also cut a connection that waits on a silent peer (:meth:`PostgresStore.interrupt`).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg

from ownergate.errors import ConfigError, StoreError
from ownergate.store.base import Params, Row, Store, Transaction

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# libpq's TCP settings: dead peers are found by the kernel, not by waiting forever.
KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "30000",  # milliseconds
}


def connection_params(query: dict[str, str], connect_timeout: float | None = None) -> dict[str, str]:
    """libpq parameters for a store connection: the URL's own, then ownergate's timeouts and keepalives."""
    from ownergate.settings import load_settings

    settings = load_settings()
    timeout = settings.pg_connect_timeout if connect_timeout is None else connect_timeout
    server = [
        f"-c statement_timeout={int(settings.pg_statement_timeout * 1000)}",
        f"-c idle_in_transaction_session_timeout={int(settings.pg_idle_timeout * 1000)}",
    ]
    params = {
        **KEEPALIVES,
        "connect_timeout": str(max(2, round(timeout))),  # libpq's smallest is 2 s
        "options": " ".join(server),
    }
    if "options" in query:
        params["options"] = f"{params['options']} {query['options']}"  # later -c settings win
    return {**params, **{k: v for k, v in query.items() if k != "options"}}


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

    def __init__(self, url: str, connect_timeout: float | None = None) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.schema = query.pop("schema", None)
        if self.schema is not None and not _SCHEMA_NAME.match(self.schema):
            raise ConfigError(f"invalid PostgreSQL schema name {self.schema!r} in the store URL")
        params = connection_params(query, connect_timeout)
        conninfo = urlunsplit(parts._replace(query=urlencode(params, quote_via=quote)))
        try:
            self.conn = psycopg.connect(conninfo, autocommit=True)
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

    def interrupt(self) -> None:
        """Cut this connection's socket, from any thread: a call waiting on a silent peer fails at once.

        The server may never see a cancel request over a network that drops bytes, so the socket
        itself is shut down (through a duplicate of its descriptor); the connection is unusable
        afterwards and its owner opens a new one.
        """
        try:
            duplicate = socket.socket(fileno=os.dup(self.conn.pgconn.socket))
        except (OSError, psycopg.Error):
            return  # already closed
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        finally:
            duplicate.close()

    def drop_schema(self) -> None:
        """Remove this store's schema and everything in it (tests use this to clean up)."""
        if not self.schema:
            raise ConfigError("drop_schema needs a store URL with ?schema=NAME")
        self.conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
