"""Generate ``tests/matching/data/innocent_names.csv``: real given names and surnames of six scripts,
combined at random into person names that no sanctions list is expected to name.

Provenance: the given-name and surname tables shipped in the ``faker`` package (MIT licence), which
collects them from public frequency lists of each country (national statistics offices, baby-name
registers, telephone directories; see each ``faker/providers/person/<locale>/__init__.py``).
Faker is not a dependency of ownergate: the CSV is committed, and this script only regenerates it
(``pip install faker==40.63.0`` in a scratch environment, then ``python bench/innocent_names.py``).

Each script gets the same number of names, in the orders people of that script write them:
Han surname first, run together (徐丽娟) or spaced either way (丽娟 徐); Arabic and Persian with one
to three given/father names before the family name; Hebrew, Cyrillic (Russian, Ukrainian,
Bulgarian) given name first; Korean surname first, run together or spaced; Japanese surname first
in kanji, or in katakana.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

PER_SCRIPT = 500
OUT = Path(__file__).resolve().parent.parent / "tests/matching/data/innocent_names.csv"


def _han(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers[rng.choice(["zh_CN", "zh_TW"])]
    surname, given = f.last_name(), f.first_name()  # type: ignore[attr-defined]
    return rng.choice([f"{surname}{given}", f"{given} {surname}", f"{surname} {given}"])


def _arabic(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers[rng.choice(["ar_AA", "ar_AA", "fa_IR"])]
    given = [f.first_name_male() for _ in range(rng.choice([1, 1, 2]))]  # type: ignore[attr-defined]
    return " ".join([*given, f.last_name()])  # type: ignore[attr-defined]


def _hebrew(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers["he_IL"]
    return f"{f.first_name()} {f.last_name()}"  # type: ignore[attr-defined]


def _cyrillic(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers[rng.choice(["ru_RU", "uk_UA", "bg_BG"])]
    if rng.random() < 0.5:
        return f"{f.first_name_male()} {f.last_name_male()}"  # type: ignore[attr-defined]
    return f"{f.first_name_female()} {f.last_name_female()}"  # type: ignore[attr-defined]


def _korean(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers["ko_KR"]
    surname, given = f.last_name(), f.first_name()  # type: ignore[attr-defined]
    return rng.choice([f"{surname}{given}", f"{surname} {given}"])


def _japanese(fakers: dict[str, object], rng: random.Random) -> str:
    f = fakers["ja_JP"]
    if rng.random() < 0.25:
        return f"{f.last_kana_name()} {f.first_kana_name()}"  # type: ignore[attr-defined]
    return f"{f.last_name()} {f.first_name()}"  # type: ignore[attr-defined]


SCRIPTS = {
    "han": _han,
    "arabic": _arabic,
    "hebrew": _hebrew,
    "cyrillic": _cyrillic,
    "korean": _korean,
    "japanese": _japanese,
}


def main() -> None:
    from faker import Faker

    locales = ["zh_CN", "zh_TW", "ar_AA", "fa_IR", "he_IL", "ru_RU", "uk_UA", "bg_BG", "ko_KR", "ja_JP"]
    fakers: dict[str, object] = {}
    for n, loc in enumerate(locales):
        fake = Faker(loc)
        fake.seed_instance(14 + n)
        fakers[loc] = fake
    rng = random.Random(14)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["script", "name"])
        for script, make in SCRIPTS.items():
            seen: set[str] = set()
            while len(seen) < PER_SCRIPT:
                name = make(fakers, rng)
                if name not in seen:
                    seen.add(name)
                    writer.writerow([script, name])


if __name__ == "__main__":
    main()
