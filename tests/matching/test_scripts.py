"""Person names in other scripts (:mod:`ownergate.matching.scripts`): their own romanisation, the
gate a match must pass, innocent names of six scripts against real lists, and listed people found
from their names as their own script writes them."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from ownergate.lists.loader import load_paths
from ownergate.lists.repository import current_entries
from ownergate.matching.index import ScreeningIndex, build_index
from ownergate.matching.score import compare_names
from ownergate.matching.scripts import arabic, hebrew, mccune_reischauer, script_of
from ownergate.sources.model import Entry, Schema
from ownergate.store import open_store

INNOCENT = Path(__file__).parent / "data/innocent_names.csv"
#: UK (every regime, people of many scripts), UN, and the EU's Russia and Belarus regulations.
LISTS = ("un/UN_consolidated.xml", "eu/32014R0269.csv", "eu/32006R0765.csv")


@pytest.mark.parametrize(
    ("text", "script"),
    [("丽娟 徐", "han"), ("佐藤 ヒロシ", "kana"), ("김정은", "hangul"), ("محمد علي", "arabic"), ("משה", "hebrew"),
     ("Иван Иванов", "cyrillic"), ("Νικόλαος", "greek"), ("Zoë Müller", None), ("", None)],
)  # fmt: skip
def test_script_of(text: str, script: str | None) -> None:
    assert script_of(text) == script


def test_own_romanisations() -> None:
    assert arabic("محمد علي") == "mhmd ali"
    assert arabic("أسامة بن لادن") == "asama bin ladn"
    assert arabic("عبدالله") == "abd allh"
    assert hebrew("משה") == "mshe"
    assert hebrew("דוד") == "dod"
    assert mccune_reischauer("김정은") == "kim jong un"
    assert mccune_reischauer("노광철") == "no kwang chol"
    assert mccune_reischauer("리병철") == "ri pyong chol"


@pytest.mark.parametrize(
    ("query", "listed"),
    [("丽娟 徐", "Jo Chol"), ("丽丽 赵", "Li Li"), ("霞 陈", "Xiao'er Chen"), ("김미정", "KIM, Myong Chol"),
     ("آرین جلیلی", "Jalloul"), ("צבי כהן", "SIM, Hyon Sop"), ("עמיחי יפת", "MOHA"),
     ("Егор Андреев", "Егор Андреевич ЛОГУНОВ"), ("佐藤 里佳", "LI, Jiadong")],
)  # fmt: skip
def test_innocent_names_from_other_scripts_are_not_matches(query: str, listed: str) -> None:
    score, explanation = compare_names(query, listed, Schema.PERSON)
    assert score < 0.6, explanation
    assert score == 0.0 or explanation[-1][0] == "script", explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("محمد علي", "Mohamed Ali"), ("خالد محمود", "Khaled Mahmoud"), ("عبد الله", "Abdullah"), ("משה", "Moshe"),
     ("דוד", "David"), ("Владимир Путин", "PUTIN, Vladimir Vladimirovich"), ("习近平", "Xi Jinping"),
     ("王伟", "Wang Wei"), ("노광철", "NO Kwang Chol"), ("김정은", "Kim Jong Un"),
     ("Тархан Исаевич Газиев", "Tarkhan Ismailovich Gaziev"), ("أسامة بن لادن", "Usama bin Laden")],
)  # fmt: skip
def test_listed_names_from_other_scripts_still_match(query: str, listed: str) -> None:
    score, explanation = compare_names(query, listed, Schema.PERSON)
    assert score >= 0.75, explanation


@pytest.fixture(scope="module")
def listed(testdata: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Entry]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('scripts') / 'lists.sqlite3'}")
    # Each file under its own list id: the two EU regulations' extracts are not one list's set.
    for name in LISTS:
        load_paths(store, [testdata / name], list_id=Path(name).stem.lower().replace("_", "-"))
    found = list(current_entries(store))
    store.close()
    return found


@pytest.fixture(scope="module")
def index(listed: list[Entry]) -> ScreeningIndex:
    return build_index(listed)


@pytest.mark.slow
def test_innocent_people_of_six_scripts_are_rarely_flagged(index: ScreeningIndex) -> None:
    """At most 1 % per script (the issue's target) of 150 innocent names per script."""
    with INNOCENT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    asked: Counter[str] = Counter()
    flagged: dict[str, list[str]] = {}
    for row in rows:
        if asked[row["script"]] == 150:
            continue
        asked[row["script"]] += 1
        hits = index.search(row["name"], schema=Schema.PERSON, limit=1)
        if hits:
            flagged.setdefault(row["script"], []).append(f"{row['name']} -> {hits[0].matched_name}")
    assert set(asked) == {"han", "arabic", "hebrew", "cyrillic", "korean", "japanese"}
    assert {s: f for s, f in flagged.items() if len(f) > 1} == {}


@pytest.mark.slow
def test_listed_people_are_found_from_their_own_script(listed: list[Entry]) -> None:
    """Cyrillic and Arabic originals of listed people, with those aliases left out of the index."""
    queries: list[tuple[str, str, str]] = []
    stripped = []
    for e in listed:
        native = [a for a in e.aliases if script_of(a.name) and not any(c.isascii() and c.isalpha() for c in a.name)]
        if e.schema == Schema.PERSON and native:
            queries += [(script_of(a.name) or "", a.name, e.entry_id) for a in native]
            e = replace(e, aliases=[a for a in e.aliases if a not in native])
        stripped.append(e)
    index = build_index(stripped)
    found: Counter[str] = Counter()
    asked: Counter[str] = Counter(s for s, _, _ in queries)
    for script, name, entry_id in queries:
        found[script] += any(h.entry_id == entry_id for h in index.search(name, schema=Schema.PERSON))
    assert asked["cyrillic"] >= 100
    assert found["cyrillic"] / asked["cyrillic"] >= 0.9, (found, asked)
