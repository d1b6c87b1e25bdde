"""Every error ownergate raises on purpose, with the CLI exit code and HTTP status it maps to.

::

    OwnergateError                 exit 1, HTTP 500   base class; never raised itself
    ├── ConfigError                exit 2, HTTP 500   a setting or option is invalid
    ├── InputError                 exit 3, HTTP 400   user-supplied data is malformed
    │   ├── SourceFormatError      exit 3, HTTP 400   a list or ownership file cannot be read
    │   ├── PolicyError            exit 3, HTTP 400   a policy file is invalid
    │   └── StoreMissing           exit 3, HTTP 503   an SQLite store file that does not exist (no --create)
    ├── NotFoundError              exit 4, HTTP 404   a named customer, list, key ... does not exist
    ├── ConflictError              exit 5, HTTP 409   the request contradicts stored state
    ├── PermissionDenied           exit 6, HTTP 403   the actor's role does not allow the action
    ├── AuthenticationError        exit 6, HTTP 401   no valid token or key
    └── StoreError                 exit 7, HTTP 503   the store cannot be reached or migrated
        └── StoreReplaced          exit 7, HTTP 503   the store file was replaced, moved or deleted while open

Each class sets ``exit_code`` and ``http_status`` as class attributes, so a subclass
that overrides them is honoured (no default argument captures the parent's value).
Domain code raises these; only the CLI and HTTP layers translate them.
"""

from __future__ import annotations


class OwnergateError(Exception):
    """Base class: an expected failure with a message fit for the user."""

    exit_code: int = 1
    http_status: int = 500
    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(OwnergateError):
    exit_code = 2
    http_status = 500
    code = "config"


class InputError(OwnergateError):
    exit_code = 3
    http_status = 400
    code = "invalid-input"


class SourceFormatError(InputError):
    """A file could not be parsed. The message names the file and the line or element."""

    code = "invalid-source"

    def __init__(self, path: str, where: str | None, problem: str) -> None:
        location = f"{path}: {where}" if where else path
        super().__init__(f"{location}: {problem}")
        self.path = path
        self.where = where
        self.problem = problem


class PolicyError(InputError):
    code = "invalid-policy"


class NotFoundError(OwnergateError):
    exit_code = 4
    http_status = 404
    code = "not-found"


class ConflictError(OwnergateError):
    exit_code = 5
    http_status = 409
    code = "conflict"


class PermissionDenied(OwnergateError):
    exit_code = 6
    http_status = 403
    code = "forbidden"


class AuthenticationError(OwnergateError):
    exit_code = 6
    http_status = 401
    code = "unauthenticated"


class StoreError(OwnergateError):
    exit_code = 7
    http_status = 503
    code = "store-unavailable"


class StoreMissing(InputError):
    """An SQLite store path that does not exist, opened without asking to create it (``--create``).

    A mistyped input on the command line (exit 3); to the service, a store it cannot use (503).
    """

    http_status = 503
    code = "store-missing"


class StoreReplaced(StoreError):
    """The SQLite file a long-lived reader opened is no longer the file at its path."""

    code = "store-replaced"
