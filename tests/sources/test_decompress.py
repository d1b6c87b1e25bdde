"""Streaming, bounded decompression (issue 15, defect 7): bombs are refused early, memory stays low."""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from ownergate.errors import SourceFormatError
from ownergate.sources.decompress import Limits, gunzip, unzip_member
from ownergate.sources.text import read_bytes

BIN = Path(sys.executable).parent / "ownergate"
MIB = 1 << 20


def gzip_bomb(path: Path, gib: float = 2.0) -> Path:
    """About 2 MB of gzip that expands to ``gib`` GiB: a CSL header, then a 1 MiB-of-spaces member, repeated."""
    head = gzip.compress(b"_id,source,entity_number,type,programs,name,addresses,alt_names,ids\n")
    member = gzip.compress(b" " * MIB, compresslevel=9)
    path.write_bytes(head + member * int(gib * 1024))
    return path


def zip_bomb(path: Path, member: str, gib: float = 4.0) -> Path:
    """A ZIP whose one deflated member expands to ``gib`` GiB of zeros (a full-flushed block, repeated)."""
    encoder = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = encoder.compress(bytes(MIB)) + encoder.flush(zlib.Z_FULL_FLUSH)
    count = int(gib * 1024)
    data = block * count + encoder.flush()
    size = count * MIB
    name = member.encode()
    # ZIP64 extra fields: the member is larger than 4 GiB
    local_extra = struct.pack("<HHQQ", 1, 16, size, len(data))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), 20)
    central_extra = struct.pack("<HHQQ", 1, 16, size, len(data))
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), 20, 0, 0, 0, 0, 0
    )
    body = local + name + local_extra + data
    directory = central + name + central_extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


# A small launcher reports its child's peak memory: a child forked straight from a large pytest
# worker would count the worker's pages as its own until it execs.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def _max_rss_mib(args: list[str], tmp_path: Path) -> tuple[int, str, float]:
    """Run a command; its exit status, stderr, and its own peak resident memory (os.wait4)."""
    err = tmp_path / "stderr.txt"
    env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    with err.open("w") as handle:
        run = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, *args], stdout=subprocess.PIPE, stderr=handle, env=env, text=True
        )
    code, peak = run.stdout.split()
    return int(code), err.read_text(), int(peak) / 1024  # KiB on Linux


def test_a_gzip_bomb_is_refused_by_the_cli_with_low_memory(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "consolidated.csv.gz")
    assert bomb.stat().st_size < 3 * MIB
    code, err, rss = _max_rss_mib(
        [str(BIN), "--db", str(tmp_path / "s.sqlite3"), "--create", "lists", "load", str(bomb)], tmp_path
    )
    assert code == 3, err
    assert "consolidated.csv.gz" in err and "decompression bomb" in err and "Traceback" not in err
    assert rss < 400, f"peak RSS {rss:.0f} MiB"


def test_a_zip_bomb_named_cons_enhanced_is_refused_by_the_cli_with_low_memory(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "CONS_ENHANCED.ZIP", "CONS_ENHANCED.XML")
    assert bomb.stat().st_size < 8 * MIB
    code, err, rss = _max_rss_mib(
        [str(BIN), "--db", str(tmp_path / "s.sqlite3"), "--create", "lists", "load", str(bomb)], tmp_path
    )
    assert code == 3, err
    assert "CONS_ENHANCED.ZIP" in err and "decompression bomb" in err and "Traceback" not in err
    assert rss < 400, f"peak RSS {rss:.0f} MiB"


def test_the_size_limit_holds_for_regular_data(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(os.urandom(3 * MIB)))
    assert len(gunzip(path)) == 3 * MIB
    with pytest.raises(SourceFormatError, match="more than 2 MiB"):
        gunzip(path, Limits(max_bytes=2 * MIB, max_ratio=1000))


def test_limits_are_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(os.urandom(2 * MIB)))
    monkeypatch.setenv("OWNERGATE_MAX_DECOMPRESSED_MB", "1")
    with pytest.raises(SourceFormatError, match="OWNERGATE_MAX_DECOMPRESSED_MB"):
        read_bytes(path)


def test_gzip_members_padding_and_corruption(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(b"one,") + gzip.compress(b"two") + bytes(16))
    assert gunzip(path) == b"one,two"
    whole = gzip.compress(b"a" * 100_000)
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceFormatError, match=r"x\.gz: truncated or corrupt gzip"):
        gunzip(path)
    path.write_bytes(whole + b"garbage")
    with pytest.raises(SourceFormatError, match=r"x\.gz: truncated or corrupt gzip"):
        gunzip(path)


def test_real_compressed_lists_still_read(testdata: Path) -> None:
    assert read_bytes(testdata / "csl/consolidated_2022-05.csv.gz").startswith(b"_id,")
    name, data = unzip_member(testdata / "ofac/nonsdn_2025-12/CONS_ENHANCED.ZIP", ".xml")
    assert name == "CONS_ENHANCED.XML" and b"<sanctionsData" in data[:4096]
