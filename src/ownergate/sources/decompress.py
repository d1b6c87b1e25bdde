"""Streaming, bounded decompression: the one way every reader opens a gzip file or a ZIP member.

Output is produced a chunk at a time and counted as it comes: past ``OWNERGATE_MAX_DECOMPRESSED_MB``
in all, or past ``OWNERGATE_MAX_COMPRESSION_RATIO`` times the compressed bytes read so far (judged
once the output passes ``RATIO_FLOOR``, so small, very regular files are not refused), the read
stops with a :class:`~ownergate.errors.SourceFormatError` naming the file. A bomb is therefore
refused after a few megabytes of output, never read whole into memory.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.settings import load_settings

CHUNK = 1 << 16
#: the ratio limit applies once this much has been decompressed
RATIO_FLOOR = 8 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_ratio: float

    @classmethod
    def from_settings(cls) -> Limits:
        settings = load_settings()
        return cls(settings.max_decompressed_bytes, settings.max_compression_ratio)


class _Budget:
    """Counts output against the limits; ``where`` names the file (and member) in the refusal."""

    __slots__ = ("limits", "out", "parts", "where")

    def __init__(self, where: str, limits: Limits) -> None:
        self.where, self.limits, self.out = where, limits, 0
        self.parts: list[bytes] = []

    def add(self, piece: bytes, consumed: int) -> None:
        self.out += len(piece)
        if self.out > self.limits.max_bytes:
            raise SourceFormatError(
                self.where,
                None,
                f"refused: decompresses to more than {self.limits.max_bytes >> 20} MiB"
                " (OWNERGATE_MAX_DECOMPRESSED_MB; a decompression bomb?)",
            )
        if self.out > RATIO_FLOOR and self.out > self.limits.max_ratio * max(consumed, 1):
            raise SourceFormatError(
                self.where,
                None,
                f"refused: {consumed} compressed bytes expand to more than {self.out} bytes, over"
                f" {self.limits.max_ratio:g} times (OWNERGATE_MAX_COMPRESSION_RATIO; a decompression bomb?)",
            )
        self.parts.append(piece)

    def result(self) -> bytes:
        return b"".join(self.parts)


def gunzip(path: Path, limits: Limits | None = None) -> bytes:
    """The decompressed bytes of the gzip file ``path`` (every member), within the limits."""
    budget = _Budget(str(path), limits or Limits.from_settings())
    decoder = zlib.decompressobj(31)
    fed = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                fed += len(block)
                pending = block
                while pending:
                    if decoder.eof:  # another member follows (or zero padding, which gzip allows)
                        if not pending.strip(b"\x00"):
                            break
                        decoder = zlib.decompressobj(31)
                    piece = decoder.decompress(pending, CHUNK)
                    pending = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
                    budget.add(piece, fed - len(pending))
    except OSError as exc:
        raise SourceFormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
    except zlib.error as exc:
        raise SourceFormatError(str(path), None, f"truncated or corrupt gzip data: {exc}") from exc
    if not decoder.eof:
        raise SourceFormatError(str(path), None, "truncated or corrupt gzip data: the stream ends early")
    return budget.result()


def unzip_member(path: Path, suffix: str, limits: Limits | None = None) -> tuple[str, bytes]:
    """The first member of the ZIP file ``path`` whose name ends with ``suffix`` (any case), within the limits."""
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(suffix.lower()):
                    budget = _Budget(f"{path}:{info.filename}", limits or Limits.from_settings())
                    packed = min(info.compress_size, size)
                    with archive.open(info) as member:
                        while piece := member.read(CHUNK):
                            # compressed bytes read so far (ZipExtFile counts what is left to read)
                            left = getattr(member, "_compress_left", 0)
                            budget.add(piece, packed - min(left, packed) if isinstance(left, int) else packed)
                    return info.filename, budget.result()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as exc:
        raise SourceFormatError(str(path), None, f"truncated or corrupt ZIP archive: {exc}") from exc
    except (NotImplementedError, RuntimeError) as exc:  # an unsupported compression method, encryption
        raise SourceFormatError(str(path), None, f"unreadable ZIP member: {exc}") from exc
    raise SourceFormatError(str(path), None, f"the archive holds no *{suffix} file")
