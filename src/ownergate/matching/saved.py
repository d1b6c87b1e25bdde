"""The screening index saved on disk, so that a command starts screening in milliseconds.

A built :class:`~ownergate.matching.index.ScreeningIndex` is written as plain arrays (``.npy``,
read back memory-mapped) into a folder named after its **key**: a digest of the list snapshots it
was built from (id, content hash and load time of each list's current snapshot), the matching
code (every file of this package) and the versions of the libraries that transliterate names.
Any list load, code change or library upgrade gives another key, so a stale index is never read:
it is simply not found, and a fresh one is built and saved. Nothing is pickled.

What is saved, and how a loaded index reads it:

- ``meta.json``: the key's parts, list ids, counts, the token frequency total (read at load);
- ``owner.npy``, ``name_list.npy``: one value per indexed name (memory-mapped);
- ``bounds/``: the score bound's arrays (:class:`~ownergate.matching.bound.Bounds`), each a ``.npy``
  (memory-mapped), its vocabulary, sound keys and skeletons as UTF-8 blobs (decoded at load), and its
  spelling keys (``keys.npy``: uint64 digests, sorted; ``key_text`` + ``key_off.npy``,
  ``post_off.npy``, ``post.npy``: each lookup verified by the key's text) with their vocabulary
  postings (mapped); ``nicknames.json`` (read at load);
- ``names`` + ``names_off.npy``: every indexed spelling, UTF-8 (mapped, decoded per name);
- ``forms`` + ``forms_off.npy``: each name's prepared spellings as JSON (mapped, decoded per name);
- ``tokens`` + ``df.npy``: the vocabulary and each token's document frequency (read at load);
- ``identifiers.json``: identifier key -> entries (first use); ``places.json``: the places entries'
  addresses name (read at load);
- ``entries`` + ``entries_off.npy``: each entry as stored (data, raw, provenance), JSON (mapped,
  decoded per entry).

A name's prepared spellings (:func:`~ownergate.matching.names.prepare`) are saved, not prepared
again, so scoring a Han or kana name does not load the transliteration dictionaries; the key
covers the code that prepared them.

A saved folder is written under a temporary name and renamed into place whole, so a reader sees
a complete index or none; one that cannot be read (truncated, removed meanwhile) is treated as
absent. Where it lives: :func:`index_home`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from ownergate.matching.bound import Bounds, Joined
from ownergate.matching.index import ScreeningIndex
from ownergate.matching.names import NameForm
from ownergate.matching.tokens import TokenWeights
from ownergate.sources.model import Entry

log = logging.getLogger(__name__)

#: The layout of a saved folder; a change makes every older folder unreadable by key.
FORMAT = 2
#: Saved indexes kept in one folder (the newest); older ones are removed after a save.
KEEP = 3
#: Libraries whose output a prepared name depends on.
_LIBRARIES = ("pypinyin", "pykakasi", "unidecode", "normality", "rapidfuzz", "pycountry", "rigour")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of every file of the matching package and of the entry model it indexes."""
    from importlib.metadata import PackageNotFoundError, version

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    files = sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += [here.parent / "sources" / "model.py", here.parent / "lists" / "codec.py"]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def index_key(snapshots: Sequence[tuple[str, int, str, str]]) -> str:
    """The key of an index over the current snapshots ``(list id, snapshot id, content hash, loaded at)``."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(json.dumps(sorted(snapshots), ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def _hash_keys(keys: Sequence[str]) -> npt.NDArray[np.uint64]:
    """A 64-bit digest of each blocking key (lookups verify the key's text as well)."""
    out = np.empty(len(keys), dtype=np.uint64)
    for i, key in enumerate(keys):
        out[i] = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
    return out


def _blob(texts: Sequence[str]) -> tuple[bytes, npt.NDArray[np.int64]]:
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets


def save(index: ScreeningIndex, folder: Path, key: str, snapshots: Sequence[tuple[str, int, str, str]]) -> Path:
    """Write ``index`` to ``folder/key`` (atomically: whole or not at all); the folder written."""
    from ownergate.lists import codec

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / key
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    try:
        names, names_off = _blob(index.names)
        tokens = sorted(index.weights.tokens())
        rows = [
            json.dumps([*codec.encode(e)[:2], e.provenance.source_file, e.provenance.record, e.provenance.snapshot_id])
            for e in index.entries
        ]
        entries, entries_off = _blob(rows)
        forms, forms_off = _blob([json.dumps([list(f) for f in fs], ensure_ascii=False) for fs in index.forms])
        for name, array in (
            ("owner", index.owner),
            ("name_list", index.name_list),
            ("forms_off", forms_off),
            ("names_off", names_off),
            ("df", np.asarray([index.weights.frequency(t) for t in tokens], dtype=np.int64)),
            ("entries_off", entries_off),
        ):
            np.save(work / f"{name}.npy", array, allow_pickle=False)
        (work / "names").write_bytes(names)
        (work / "forms").write_bytes(forms)
        (work / "entries").write_bytes(entries)
        (work / "tokens").write_text("\n".join(tokens), encoding="utf-8")
        (work / "places.json").write_text(json.dumps(sorted(index.places)), encoding="utf-8")
        _save_bounds(index.bounds, work / "bounds")
        (work / "identifiers.json").write_text(json.dumps(dict(index.identifiers)), encoding="utf-8")
        meta = {
            "format": FORMAT,
            "key": key,
            "snapshots": [list(s) for s in snapshots],
            "list_ids": index.list_ids,
            "names": len(index.names),
            "size": index.bounds.size,
            "entries": len(index.entries),
            "total": index.weights.total,
        }
        (work / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            work.rename(target)
        except OSError:
            if not (target / "meta.json").is_file():
                raise
            shutil.rmtree(work, ignore_errors=True)  # another process saved the same index first
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(folder, keep=target)
    return target


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the newest :data:`KEEP` saved indexes of ``folder`` (never ``keep``)."""
    saved = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in saved[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


class _Strings(Sequence[str]):
    """UTF-8 strings in one memory-mapped blob, decoded when asked for."""

    def __init__(self, blob: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> None:
        self._blob = blob
        self._off = offsets

    def __len__(self) -> int:
        return len(self._off) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return bytes(self._blob[int(self._off[i]) : int(self._off[i + 1])]).decode("utf-8")


class _Entries(Sequence[Entry]):
    """The indexed entries, each decoded from its stored JSON the first time it is asked for."""

    def __init__(self, rows: _Strings) -> None:
        self._rows = rows
        self._done: dict[int, Entry] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> Entry: ...
    @overload
    def __getitem__(self, i: slice) -> list[Entry]: ...
    def __getitem__(self, i: int | slice) -> Entry | list[Entry]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        entry = self._done.get(i)
        if entry is None:
            from ownergate.lists import codec

            data, raw, source_file, record, snapshot_id = json.loads(self._rows[i])
            entry = self._done[i] = codec.decode(data, raw, source_file, record, snapshot_id)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(len(self)))


class _Forms(Sequence[tuple[NameForm, ...]]):
    """Each indexed name's prepared spellings, decoded when a query first scores the name."""

    def __init__(self, rows: _Strings) -> None:
        self._rows = rows
        self._done: dict[int, tuple[NameForm, ...]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> tuple[NameForm, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[NameForm, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[NameForm, ...] | list[tuple[NameForm, ...]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        forms = self._done.get(i)
        if forms is None:
            forms = self._done[i] = tuple(
                NameForm(tuple(t), tuple(k), tuple(f), text, loose, foreign)
                for t, k, f, text, loose, foreign in json.loads(self._rows[i])
            )
        return forms


class _Postings:
    """Blocking key -> posting array, looked up by the key's digest and checked against its text."""

    def __init__(self, folder: Path) -> None:
        self._hashes: npt.NDArray[np.uint64] = np.load(folder / "keys.npy", mmap_mode="r")
        self._text = _Strings(_mapped(folder / "key_text"), _load(folder, "key_off"))
        self._off = _load(folder, "post_off")
        self._post: npt.NDArray[np.int32] = np.load(folder / "post.npy", mmap_mode="r")

    def __len__(self) -> int:
        return len(self._hashes)

    def get(self, key: str) -> npt.NDArray[np.int32] | None:
        digest = _hash_keys([key])[0]
        i = int(np.searchsorted(self._hashes, digest))
        if i >= len(self._hashes) or self._hashes[i] != digest or self._text[i] != key:
            return None
        return self._post[int(self._off[i]) : int(self._off[i + 1])]

    def __getitem__(self, key: str) -> npt.NDArray[np.int32]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._text)


#: The score bound's numeric arrays, saved one ``.npy`` each.
_BOUND_ARRAYS = (
    "top", "against", "against_words", "repeats", "name_ptr", "name_ids", "word_ids", "word_ptr", "first",
    "masks", "lengths", "second", "third", "word_weight", "key_lengths", "skeleton_lengths",
)  # fmt: skip
_JOINED = ("joined", "sounds", "skeletons")
_JOINED_ARRAYS = ("names", "lengths", "bags", "coarse")


def _save_bounds(bounds: Bounds, folder: Path) -> None:
    folder.mkdir()
    for name in _BOUND_ARRAYS:
        np.save(folder / f"{name}.npy", np.asarray(getattr(bounds, name)), allow_pickle=False)
    for part in _JOINED:
        joined = getattr(bounds, part)
        for name in _JOINED_ARRAYS:
            np.save(folder / f"{part}_{name}.npy", getattr(joined, name), allow_pickle=False)
    for name, texts in (("words", bounds.words), ("keys_of", bounds.keys), ("skeletons_of", bounds.skeletons_of)):
        blob, offsets = _blob(texts)
        (folder / name).write_bytes(blob)
        np.save(folder / f"{name}_off.npy", offsets, allow_pickle=False)
    keys = sorted(bounds.postings)
    hashed = _hash_keys(keys)
    order = np.argsort(hashed, kind="stable")
    if len(np.unique(hashed)) != len(hashed):
        raise ValueError("two spelling keys share a digest")
    arrays = [bounds.postings[keys[i]] for i in order.tolist()]
    post_off = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=post_off[1:])
    key_text, key_off = _blob([keys[i] for i in order.tolist()])
    np.save(folder / "keys.npy", hashed[order], allow_pickle=False)
    np.save(folder / "key_off.npy", key_off, allow_pickle=False)
    np.save(folder / "post_off.npy", post_off, allow_pickle=False)
    np.save(folder / "post.npy", np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32), allow_pickle=False)
    (folder / "key_text").write_bytes(key_text)
    nicknames = {k: v.tolist() for k, v in bounds.nicknames.items()}
    (folder / "nicknames.json").write_text(json.dumps(nicknames), encoding="utf-8")


def _texts(folder: Path, name: str) -> list[str]:
    """A whole blob of texts decoded at once (read, not mapped: every text is needed)."""
    raw = (folder / name).read_bytes()
    offsets = np.load(folder / f"{name}_off.npy", allow_pickle=False).tolist()
    return [raw[a:b].decode("utf-8") for a, b in pairwise(offsets)]


def _load_bounds(folder: Path, size: int) -> Bounds:
    """A :class:`Bounds` as saved: arrays mapped, the vocabulary's texts decoded."""
    bounds = Bounds.__new__(Bounds)
    bounds.size = size
    for name in _BOUND_ARRAYS:
        setattr(bounds, name, _load(folder, name))
    for part in _JOINED:
        joined = Joined.__new__(Joined)
        for name in _JOINED_ARRAYS:
            setattr(joined, name, _load(folder, f"{part}_{name}"))
        setattr(bounds, part, joined)
    words = _texts(folder, "words")
    bounds.words = words
    bounds.vocab = {w: i for i, w in enumerate(words)}
    bounds.keys = _texts(folder, "keys_of")
    bounds.skeletons_of = _texts(folder, "skeletons_of")
    bounds.word_array = np.asarray(words, dtype=object)
    bounds.key_array = np.asarray(bounds.keys, dtype=object)
    bounds.skeleton_array = np.asarray(bounds.skeletons_of, dtype=object)
    bounds.postings = _Postings(folder)  # type: ignore[assignment]
    nicknames = json.loads((folder / "nicknames.json").read_text(encoding="utf-8"))
    bounds.nicknames = {k: np.asarray(v, dtype=np.int32) for k, v in nicknames.items()}
    bounds._related = {}
    if len(words) != len(bounds.first) or len(bounds.top) != size:
        raise ValueError(f"{folder}: saved score bound is incomplete")
    return bounds


def _mapped(path: Path) -> npt.NDArray[np.uint8]:
    """A file's bytes, memory-mapped (an empty file, which cannot be mapped, as an empty array)."""
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")


def _load(folder: Path, name: str) -> Any:
    return np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)


class SavedIndex(ScreeningIndex):
    """A :class:`ScreeningIndex` read back from a saved folder: searched exactly as the one saved."""

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: saved index format {meta.get('format')!r}, not {FORMAT}")
        self.folder = folder
        self.key = str(meta["key"])
        self.list_ids = list(meta["list_ids"])
        self.owner = _load(folder, "owner")
        self.name_list = _load(folder, "name_list")
        names = _Strings(_mapped(folder / "names"), _load(folder, "names_off"))
        self.names = names  # type: ignore[assignment]
        self.forms = _Forms(  # type: ignore[assignment]
            _Strings(_mapped(folder / "forms"), _load(folder, "forms_off"))
        )
        self.entries = _Entries(  # type: ignore[assignment]
            _Strings(_mapped(folder / "entries"), _load(folder, "entries_off"))
        )
        tokens = (folder / "tokens").read_text(encoding="utf-8").split("\n")
        tokens = [t for t in tokens if t]
        df = _load(folder, "df")
        self.weights = TokenWeights(Counter(dict(zip(tokens, df.tolist(), strict=True))), int(meta["total"]))
        self.places = set(json.loads((folder / "places.json").read_text(encoding="utf-8")))
        self.bounds = _load_bounds(folder / "bounds", int(meta["size"]))
        # Mapped now, decoded at first use: a newer save may remove this folder meanwhile.
        self._identifiers = _mapped(folder / "identifiers.json")
        if (
            len(self.names) != meta["names"]
            or len(self.entries) != meta["entries"]
            or len(self.owner) != len(names)
            or self.bounds.size != len(names)
        ):
            raise ValueError(f"{folder}: saved index is incomplete")

    @cached_property
    def identifiers(self) -> dict[str, list[int]]:  # type: ignore[override]
        found: dict[str, list[int]] = json.loads(self._identifiers.tobytes())
        return found


def load(folder: Path) -> SavedIndex | None:
    """The index saved in ``folder``, or None when there is none or it cannot be read."""
    if not (folder / "meta.json").is_file():
        return None
    try:
        return SavedIndex(folder)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        log.warning("saved screening index %s cannot be read (%s); building a fresh one", folder, exc)
        return None


def index_home(store_url: str, path: str | None, configured: Path | None) -> Path | None:
    """Where a store's indexes are saved: ``configured`` (``OWNERGATE_INDEX_DIR``) when set, else
    beside an SQLite file (``FILE.index/``), else a folder of the user's data directory named after
    the store's URL. None for an in-memory store.
    """
    if configured is not None:
        return configured / hashlib.sha256(store_url.encode()).hexdigest()[:16]
    if path is not None:
        return None if path == ":memory:" else Path(path + ".index")
    import platformdirs

    return Path(platformdirs.user_data_dir("ownergate")) / "index" / hashlib.sha256(store_url.encode()).hexdigest()[:16]


def writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)
