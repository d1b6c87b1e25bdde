"""Structured JSON logs, one object a line, each request's lines carrying its request id.

Secrets never reach a log: API keys and admin tokens appear only as their display prefix.
"""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
import re
import sys
import time
import uuid

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("ownergate_request_id", default=None)

_SAFE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
_SECRET = re.compile(r"og_(live|admin)_([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{28}")


_PROCESS = uuid.uuid4().hex[:12]  # unique per process; a counter makes each id unique within it
_counter = itertools.count(1)


def new_request_id(offered: bytes | None) -> str:
    """The caller's ``X-Request-ID`` when it is short and plain, else a fresh one (no syscall per request)."""
    if offered and _SAFE_ID.fullmatch(offered):
        return offered.decode("ascii")
    return f"{_PROCESS}-{next(_counter):x}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _SECRET.sub(r"og_\1_\2...", record.getMessage()),
        }
        rid = request_id.get()
        if rid is not None:
            entry["request_id"] = rid
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, default=str)


def configure(level: str) -> None:
    """Send ownergate's logs (and uvicorn's errors) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("ownergate", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
