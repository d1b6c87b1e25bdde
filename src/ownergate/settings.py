"""Every setting ownergate reads, in one place: the only module that reads the environment.

Each setting is an environment variable; docs/settings.md documents them all and
``tests/test_docs.py`` fails when one is missing there. Command-line options (``--db``)
override the environment where both exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ownergate.errors import ConfigError

# The file name of the embedded store inside the user's data directory.
_DEFAULT_DB_FILE = "ownergate.sqlite3"


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None


def _env_fraction(name: str, default: float) -> float:
    value = _env_float(name, default)
    if not 0 <= value <= 1:
        raise ConfigError(f"{name}={value!r} is not a fraction between 0 and 1")
    return value


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def secret_from_env(name: str) -> str | None:
    """The secret in the environment variable ``name``, which the user chose (``--secret-env``).

    Webhook signing secrets live only in the environment of the process that delivers; the store
    keeps the variable's name. Returns None when the variable is unset or empty.
    """
    return _env(name)


def export_db_for_workers(url: str) -> None:
    """Hand the store URL to ``serve --workers`` processes, which read their settings afresh."""
    os.environ["OWNERGATE_DB"] = url


def default_db_url() -> str:
    """An SQLite file in the user's data directory."""
    return f"sqlite:///{Path(platformdirs.user_data_dir('ownergate')) / _DEFAULT_DB_FILE}"


@dataclass(frozen=True, slots=True)
class Settings:
    # Store URL: "sqlite:///path/file.sqlite3" (or a bare path) or "postgresql://..." (OWNERGATE_DB).
    db: str
    # Folder of list files `lists update` loads when the publishers cannot be reached
    # (OWNERGATE_LISTS_FROM); the Makefile sets it to ../shared/data when that folder exists.
    lists_from: Path | None
    # Folder of the real public test data (OWNERGATE_TESTDATA), default ../shared/data.
    testdata: Path
    # When true, tests that need the test data fail instead of skipping (OWNERGATE_REQUIRE_TESTDATA).
    require_testdata: bool
    # Address and port `ownergate serve` binds (OWNERGATE_HOST, OWNERGATE_PORT).
    host: str
    port: int
    # Log level of the structured JSON logs (OWNERGATE_LOG_LEVEL).
    log_level: str
    # Seconds a replica may serve a decision table it cannot refresh before it fails closed
    # (OWNERGATE_MAX_STALENESS); 0 disables failing closed.
    max_staleness: float
    # True to deny every check once the table is older than max_staleness (OWNERGATE_FAIL_CLOSED).
    fail_closed: bool
    # Redis URL for replica notifications (OWNERGATE_REDIS_URL); PostgreSQL uses LISTEN/NOTIFY.
    redis_url: str | None
    # Networks whose X-Forwarded-For hops the service believes (OWNERGATE_TRUSTED_PROXIES,
    # comma-separated addresses or CIDRs); empty: a forwarded header is refused.
    trusted_proxies: tuple[str, ...]
    # Minutes a review desk session lasts after login before the analyst logs in again
    # (OWNERGATE_REVIEW_SESSION_MINUTES).
    review_session_minutes: float
    # PostgreSQL connections: seconds to connect (OWNERGATE_PG_CONNECT_TIMEOUT), the longest one
    # statement may run (OWNERGATE_PG_STATEMENT_TIMEOUT) and the longest a transaction may sit idle
    # (OWNERGATE_PG_IDLE_TIMEOUT) before the server ends it; 0 means no limit for the last two.
    # Seconds `ownergate serve` waits for a request's headers (OWNERGATE_HEADER_TIMEOUT) and for its
    # whole body (OWNERGATE_BODY_TIMEOUT) before answering 408 and closing the connection.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    pg_connect_timeout: float = 5.0
    pg_statement_timeout: float = 3600.0
    pg_idle_timeout: float = 3600.0
    # Largest share (0-1) of an official list's current entries one load may remove
    # (OWNERGATE_LIST_MAX_SHRINK); a bigger removal is refused unless `lists load --allow-shrink`.
    list_max_shrink: float = 0.2
    # Most bytes one compressed list file (gzip or a ZIP member) may expand to
    # (OWNERGATE_MAX_DECOMPRESSED_MB, in MiB).
    max_decompressed_bytes: int = 2048 << 20
    # Most a compressed file may expand relative to its compressed size (OWNERGATE_MAX_COMPRESSION_RATIO).
    max_compression_ratio: float = 200.0
    # True: `lists update` never contacts the publishers, as with --offline (OWNERGATE_OFFLINE),
    # for air-gapped installations and tests.
    offline: bool = False
    # Folder where saved screening indexes live, one subfolder per store (OWNERGATE_INDEX_DIR);
    # default: beside an SQLite store file (FILE.index), else in the user's data directory.
    index_dir: Path | None = None


def load_settings() -> Settings:
    """Read every setting from the environment."""
    lists_from = _env("OWNERGATE_LISTS_FROM")
    return Settings(
        db=_env("OWNERGATE_DB") or default_db_url(),
        lists_from=Path(lists_from) if lists_from else None,
        testdata=Path(_env("OWNERGATE_TESTDATA") or "../shared/data"),
        require_testdata=_env_bool("OWNERGATE_REQUIRE_TESTDATA", False),
        host=_env("OWNERGATE_HOST") or "127.0.0.1",
        port=_env_int("OWNERGATE_PORT", 8080),
        log_level=(_env("OWNERGATE_LOG_LEVEL") or "INFO").upper(),
        max_staleness=_env_float("OWNERGATE_MAX_STALENESS", 300.0),
        fail_closed=_env_bool("OWNERGATE_FAIL_CLOSED", True),
        redis_url=_env("OWNERGATE_REDIS_URL"),
        trusted_proxies=tuple(p.strip() for p in (_env("OWNERGATE_TRUSTED_PROXIES") or "").split(",") if p.strip()),
        review_session_minutes=_env_float("OWNERGATE_REVIEW_SESSION_MINUTES", 480.0),
        header_timeout=_env_float("OWNERGATE_HEADER_TIMEOUT", 10.0),
        body_timeout=_env_float("OWNERGATE_BODY_TIMEOUT", 30.0),
        pg_connect_timeout=_env_float("OWNERGATE_PG_CONNECT_TIMEOUT", 5.0),
        pg_statement_timeout=_env_float("OWNERGATE_PG_STATEMENT_TIMEOUT", 3600.0),
        pg_idle_timeout=_env_float("OWNERGATE_PG_IDLE_TIMEOUT", 3600.0),
        list_max_shrink=_env_fraction("OWNERGATE_LIST_MAX_SHRINK", 0.2),
        max_decompressed_bytes=int(_env_float("OWNERGATE_MAX_DECOMPRESSED_MB", 2048.0) * (1 << 20)),
        max_compression_ratio=_env_float("OWNERGATE_MAX_COMPRESSION_RATIO", 200.0),
        offline=_env_bool("OWNERGATE_OFFLINE", False),
        index_dir=Path(index_dir) if (index_dir := _env("OWNERGATE_INDEX_DIR")) else None,
    )
