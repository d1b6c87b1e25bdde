"""ownergate: may this organisation use the service? Lists, screening, ownership, verdicts, enforcement."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ownergate")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
