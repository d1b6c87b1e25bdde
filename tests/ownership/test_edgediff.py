"""A reload's difference on key digests equals the plain multiset difference of (key, record) pairs."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ownergate.ownership.edgediff import Digests, difference, digest

EDGE = st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from([0.5, 1, None]), st.sampled_from(["r1", "r2", "r3"]))


def digests(edges: list[tuple[str, object, str]]) -> Digests:
    found = Digests()
    for owner, share, record in edges:
        found.add((owner, "x", share), record)
    return found


@settings(max_examples=300, deadline=None)
@given(old=st.lists(EDGE, max_size=12), new=st.lists(EDGE, max_size=12))
def test_difference_is_the_multiset_difference(
    old: list[tuple[str, object, str]], new: list[tuple[str, object, str]]
) -> None:
    diff = difference(digests(old).arrays(), digests(new).arrays())
    # every position is used once: kept, moved or dropped on the old side; kept, moved or added on the new
    assert sorted([*diff.kept_old, *diff.moved_old, *diff.dropped]) == list(range(len(old)))
    assert len(diff.kept_old) + len(diff.moved_new) + len(diff.added) == len(new)
    assert len({*diff.moved_new.tolist(), *diff.added.tolist()}) == len(diff.moved_new) + len(diff.added)
    # what the store holds afterwards: kept rows, moved rows with their new record, added rows
    after = [old[i] for i in diff.kept_old]
    after += [(old[o][0], old[o][1], new[n][2]) for o, n in zip(diff.moved_old, diff.moved_new, strict=True)]
    after += [new[i] for i in diff.added]
    assert Counter(after) == Counter(new)
    # as few rows touched as can be: kept = exact pairs, moved = the remaining same-key pairs
    exact = sum((Counter(old) & Counter(new)).values())
    same_key = sum((Counter(e[:2] for e in old) & Counter(e[:2] for e in new)).values())
    assert (len(diff.kept_old), len(diff.moved_old)) == (exact, same_key - exact)
    for o, n in zip(diff.moved_old, diff.moved_new, strict=True):
        assert old[o][:2] == new[n][:2] and old[o][2] != new[n][2]


def test_one_share_spelled_two_ways_is_one_key() -> None:
    assert digest(("a", 1)) == digest(("a", 1.0)) != digest(("a", 0.5))
    assert digest(("a", None)) != digest(("a", "None"))


def test_nothing_stored_or_nothing_new() -> None:
    empty = Digests().arrays()
    some = digests([("a", 1, "r1"), ("a", 1, "r1")]).arrays()
    assert difference(empty, some).added.tolist() == [0, 1]
    assert difference(some, empty).dropped.tolist() == [0, 1]
    assert all(len(a) == 0 for a in vars_of(difference(empty, empty)))


def vars_of(diff: object) -> list[np.ndarray]:
    return [getattr(diff, f) for f in ("kept_old", "moved_old", "moved_new", "dropped", "added")]
