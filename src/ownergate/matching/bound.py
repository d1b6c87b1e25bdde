"""An admissible bound on the name score of every indexed name, so search returns the true top hits.

The scorer (:mod:`.score`) credits a pair of words only when they are related spellings
(:func:`~ownergate.matching.tokens.related`: a shared character trigram, sound key, skeleton or
one-letter deletion) or one abbreviates, begins or nicknames the other. For one query, this module
finds every indexed word so related to each query word (through posting arrays over the vocabulary,
and letter masks for abbreviations and initials), then bounds each name's token score from above by
what the scorer's formula gives when every related word pairs up perfectly::

    score <= (MA + MB) / (MA + MB + f * (LA + max(0, LB - MB)))

where MA is the weight of the query words that have a related word in the name, LA what the others
weigh against the match, MB the most the name's own matched words can weigh (its heaviest words, as
many as query words matched), LB what all its words weigh against when unmatched, and f the least
an unmatched word counts (0.25 for people, 1.0 for organisations). The joined-spelling feature can
lift a name to 0.97 whatever its words: names whose joined spelling could be 0.9 alike (by length
and letter counts) get that bound. Every other feature only lowers a score, or adds at most what
the index adds on top of the bound. Everything here is plain arrays and dicts.

Search only needs the names that could reach its threshold, so the bound is worked out for those
alone. Pairing query word i with a name's word v (similarity s, weight m) changes the score's
numerator less ``need`` times its denominator by at most ``lift = (credit(s) - need) * (w_i + m) +
need * f * lw_i`` (and by 0 when it is left unpaired, the words held apart as in the formula above),
so a name can reach ``need`` only if the best lift of each query word, summed, reaches
``need * f * sum(lw)``. The query words whose best lifts together fall short are set aside (the ones
with the most postings first, as MaxScore does) and only the names holding a useful word of the
others are gathered; their sums are checked word by word before the full bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ownergate.matching.abbreviations import is_abbreviation
from ownergate.matching.names import NameForm
from ownergate.matching.nicknames import canonical
from ownergate.matching.score import _EXTRA_ORG_TOKEN_FACTOR, _EXTRA_TOKEN_FACTOR, loose_weight
from ownergate.matching.tokens import TokenWeights, phonetic, skeleton, spelling_keys

_TOP = 8  # the cumulative weights of a name's heaviest words kept, one to this many
_JOINED_MIN = 0.9  # the least joined-spelling similarity the scorer uses (score.form_similarity)
_JOINED_SCORE = 0.97  # ... and the most it gives
_BAG = 37  # letter counts: a-z, 0-9, anything else
_FLOOR = 0.5  # token pairs this alike or less earn nothing (score.credit) and are never aligned
_SOUND_ALIKE = 0.92  # as score.py weighs sound keys ...
_CONSONANTS = 0.9  # ... and consonant skeletons (an upper bound: score.py applies them more narrowly)
_NICKNAME = 0.9  # score._NICKNAME
_RULE = 0.88  # the most an initial (0.8), a prefix (0.8) or an abbreviation (0.88) gives
_CONFLICT = 3.5  # score._CONFLICT_FACTOR
_CACHE = 100_000  # query words whose related vocabulary is kept
#: Letters (slots of _bags) in groups of similar frequency, for Joined's coarse filter.
_GROUPS = ("ae", "io", "nrt", "lsu", "cdm", "hkgy", "bpvw", "fjqxz", "0123456789*")
_SLOTS = "abcdefghijklmnopqrstuvwxyz0123456789*"  # the columns of _bags
_GROUP_ORDER = np.asarray([_SLOTS.index(c) for c in "".join(_GROUPS)])
_GROUP_STARTS = np.cumsum([0] + [len(g) for g in _GROUPS[:-1]])
_EPS = 1e-9  # sums taken in another order than the score's


def _mask(token: str) -> int:
    bits = 0
    for ch in token:
        if "a" <= ch <= "z":
            bits |= 1 << (ord(ch) - 97)
        elif "0" <= ch <= "9":
            bits |= 1 << 26
    return bits


def _bags(texts: list[str]) -> npt.NDArray[np.uint8]:
    """Letter counts (a-z, 0-9, anything else) of each text, one row each, held below 256."""
    blob = np.frombuffer("".join(texts).encode("ascii", "replace"), dtype=np.uint8).astype(np.int64)
    rows = np.repeat(np.arange(len(texts)), [len(t.encode("ascii", "replace")) for t in texts])
    slots = np.where((blob >= 97) & (blob <= 122), blob - 97, np.where((blob >= 48) & (blob <= 57), blob - 22, 36))
    counts = np.bincount(rows * _BAG + slots, minlength=len(texts) * _BAG).reshape(len(texts), _BAG)
    return np.minimum(counts, 255).astype(np.uint8)


def _gather(
    ptr: npt.NDArray[np.int64], values: npt.NDArray[np.int32], ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.int32]:
    """The concatenated CSR rows ``ids`` of (``ptr``, ``values``)."""
    starts, ends = ptr[ids], ptr[ids + 1]
    sizes = ends - starts
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int32)
    offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes)
    rows: npt.NDArray[np.int32] = values[np.arange(total) + offsets]
    return rows


class Related(NamedTuple):
    """The vocabulary words related to one query word: their ids (sorted), the most the scorer could
    credit each, their weights, and how many (name, word) postings they have."""

    words: npt.NDArray[np.int64]
    sims: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]
    postings: int


class Joined:
    """Joined spellings (every form of every name) sorted by length, with their letter counts, and
    those counts summed into a few groups of letters (a coarse first filter)."""

    __slots__ = ("bags", "coarse", "lengths", "names")

    def __init__(self, texts: list[tuple[int, str]]) -> None:
        texts.sort(key=lambda row: len(row[1]))
        self.names = np.asarray([n for n, _ in texts], dtype=np.int32)
        self.lengths = np.asarray([len(t) for _, t in texts], dtype=np.int32)
        self.bags = _bags([t for _, t in texts]).astype(np.int16)
        self.coarse = np.ascontiguousarray(_coarse(self.bags).T)  # one row per group: sums run fast

    def near(self, text: str) -> npt.NDArray[np.int32]:
        """Names with a joined spelling that could be at least 0.9 alike to ``text`` (Levenshtein):
        within 10 % in length, and letter counts that differ by at most twice the edits allowed
        (grouped counts differ by no more than the letters' own, so they filter first)."""
        size = len(text)
        lo = int(np.searchsorted(self.lengths, np.ceil(size * _JOINED_MIN), "left"))
        hi = int(np.searchsorted(self.lengths, np.floor(size / _JOINED_MIN), "right"))
        if lo >= hi:
            return np.zeros(0, dtype=np.int32)
        allowed = 2 * (1 - _JOINED_MIN) * np.maximum(self.lengths[lo:hi], size) + 1e-9
        bag = _bags([text])[0].astype(np.int16)
        coarse = np.abs(self.coarse[:, lo:hi] - _coarse(bag[None, :])[0][:, None]).sum(axis=0)
        rows = lo + np.flatnonzero(coarse <= allowed)
        differ = np.abs(self.bags[rows] - bag).sum(axis=1)
        found: npt.NDArray[np.int32] = self.names[rows[differ <= allowed[rows - lo]]]
        return found


def _coarse(bags: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Letter counts summed in groups of letters about as common as each other."""
    out: npt.NDArray[np.int16] = np.add.reduceat(bags[:, _GROUP_ORDER], _GROUP_STARTS, axis=1).astype(np.int16)
    return out


class Bounds:
    """The arrays that bound each indexed name's score for a query (see the module docstring)."""

    def __init__(self, forms: Sequence[tuple[NameForm, ...]], weights: TokenWeights) -> None:
        vocab: dict[str, int] = {}
        names_of: list[list[int]] = []
        top = [[0.0] * (_TOP + 1) for _ in forms]
        inf = float("inf")
        against = [inf] * len(forms)
        against_words = [inf] * len(forms)  # ... less numbers: what can conflict
        repeats = [False] * len(forms)
        joined: list[tuple[int, str]] = []
        sounds: list[tuple[int, str]] = []
        skeletons: list[tuple[int, str]] = []
        known: dict[str, tuple[float, float, str]] = {}  # token -> weight, loose weight, skeleton
        for n, prepared in enumerate(forms):
            row = top[n]
            for form in prepared:
                facts = []
                for t in form.tokens:
                    fact = known.get(t)
                    if fact is None:
                        x = weights.weight(t)
                        fact = known[t] = (x, loose_weight(x, t, False, False), skeleton(t))
                    facts.append(fact)
                w = sorted((f[0] for f in facts), reverse=True)
                total = 0.0
                for k in range(1, _TOP + 1):
                    if k <= len(w):
                        total += w[k - 1]
                    if total > row[k]:
                        row[k] = total
                everything = sum(w)
                if everything > row[_TOP]:
                    row[_TOP] = everything  # the last slot holds every word: any number matched
                lw = sum(f[1] for f in facts)
                nd = sum(f[1] for f, t in zip(facts, form.tokens, strict=True) if not t.isdigit())
                against[n] = min(against[n], lw)
                against_words[n] = min(against_words[n], nd)
                repeats[n] = repeats[n] or len(set(form.tokens)) < len(form.tokens)
                joined.append((n, form.text.replace(" ", "")))
                joined.append((n, "".join(sorted(form.tokens))))
                sounds.append((n, "".join(form.keys)))
                skeletons.append((n, "".join(f[2] for f in facts)))
                for tok in form.tokens:
                    v = vocab.setdefault(tok, len(vocab))
                    if v == len(names_of):
                        names_of.append([])
                    if not names_of[v] or names_of[v][-1] != n:
                        names_of[v].append(n)
        self.size = len(forms)
        self.top = np.asarray(top, dtype=np.float64).reshape(len(forms), _TOP + 1)
        self.against = np.nan_to_num(np.asarray(against), posinf=0.0)
        self.against_words = np.nan_to_num(np.asarray(against_words), posinf=0.0)
        self.repeats = np.asarray(repeats, dtype=bool)
        self.joined = Joined(joined)
        self.sounds = Joined(sounds)
        self.skeletons = Joined(skeletons)
        self.vocab = vocab
        words = list(vocab)
        sizes = np.asarray([len(ns) for ns in names_of], dtype=np.int64)
        self.name_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.name_ids = np.asarray([n for ns in names_of for n in ns], dtype=np.int32)
        # The reverse: each name's distinct words, sorted by name.
        order = np.argsort(self.name_ids, kind="stable")
        self.word_ids = np.repeat(np.arange(len(words), dtype=np.int64), sizes)[order]
        self.word_ptr = np.concatenate(([0], np.cumsum(np.bincount(self.name_ids, minlength=len(forms))))).astype(
            np.int64
        )
        postings: dict[str, list[int]] = defaultdict(list)
        nicknames: dict[str, list[int]] = defaultdict(list)
        for v, word in enumerate(words):
            for key in spelling_keys(word, phonetic(word)):
                postings[key].append(v)
            canon = canonical(word)
            if canon is not None:
                nicknames[canon].append(v)
        self.postings = {k: np.asarray(v, dtype=np.int32) for k, v in postings.items()}
        self.nicknames = {k: np.asarray(v, dtype=np.int32) for k, v in nicknames.items()}
        self.first = np.asarray([ord(w[0]) for w in words], dtype=np.int32)
        self.masks = np.asarray([_mask(w) for w in words], dtype=np.int64)
        self.lengths = np.asarray([len(w) for w in words], dtype=np.int32)
        self.second = np.asarray([ord(w[1]) if len(w) > 1 else 0 for w in words], dtype=np.int32)
        self.third = np.asarray([ord(w[2]) if len(w) > 2 else 0 for w in words], dtype=np.int32)
        self.words = words
        self.word_weight = np.asarray([weights.weight(w) for w in words])
        self.keys = [phonetic(w) for w in words]
        self.skeletons_of = [skeleton(w) for w in words]
        self._related: dict[str, Related] = {}
        self.word_array = np.asarray(words, dtype=object)
        self.key_array = np.asarray(self.keys, dtype=object)
        self.skeleton_array = np.asarray(self.skeletons_of, dtype=object)
        self.key_lengths = np.asarray([len(k) for k in self.keys], dtype=np.int32)
        self.skeleton_lengths = np.asarray([len(k) for k in self.skeletons_of], dtype=np.int32)

    def related_words(self, token: str, key: str) -> Related:
        """Every vocabulary word the scorer could credit against ``token`` (cached per token)."""
        found = self._related.get(token)
        if found is None:
            words, sims = self._related_words(token, key)
            # One row per word (sorted, for look-ups) with its best similarity.
            order = np.argsort(words, kind="stable")
            words, sims = words[order], sims[order]
            if len(words):
                first = np.flatnonzero(np.concatenate(([True], words[1:] != words[:-1])))
                words, sims = words[first], np.maximum.reduceat(sims, first)
            postings = int((self.name_ptr[words + 1] - self.name_ptr[words]).sum())
            found = Related(words, sims, self.word_weight[words], postings)
            if len(self._related) >= _CACHE:
                self._related.clear()
            self._related[token] = found
        return found

    def _related_words(self, token: str, key: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Words whose similarity to ``token`` the scorer could credit, and the most it could be:
        related spellings (a shared spelling key) by the scorer's own measures, nicknames, and words
        ``token`` is an initial, a prefix or an abbreviation of (or the reverse)."""
        keys = [self.postings[k] for k in spelling_keys(token, key) if k in self.postings]
        ids: list[npt.NDArray[np.int64]] = []
        sims: list[npt.NDArray[np.float64]] = []
        if keys:
            seen = np.zeros(len(self.words), dtype=bool)
            for k in keys:
                seen[k] = True
            near = np.flatnonzero(seen)
            # OSA similarity is at most the shorter length over the longer: skip words that cannot
            # pass the floor by any of the three measures.
            skel = skeleton(token)
            reach = np.maximum.reduce(
                [
                    _ratio(len(token), self.lengths[near]),
                    _ratio(len(key), self.key_lengths[near]) * _SOUND_ALIKE,
                    _ratio(len(skel), self.skeleton_lengths[near]) * _CONSONANTS,
                ]
            )
            near = near[reach > _FLOOR]
            osa = OSA.normalized_similarity
            f64 = np.float64
            sim = process.cdist([token], self.word_array[near], scorer=osa, dtype=f64)[0]
            sound = process.cdist([key], self.key_array[near], scorer=osa, dtype=f64)[0] * _SOUND_ALIKE
            skel_sim = process.cdist([skel], self.skeleton_array[near], scorer=osa, dtype=f64)[0] * _CONSONANTS
            best = np.maximum(np.maximum(sim, sound), skel_sim)
            keep = best > _FLOOR
            ids.append(near[keep].astype(np.int64))
            sims.append(best[keep])
        canon = canonical(token)
        if canon is not None and canon in self.nicknames:
            ids.append(self.nicknames[canon].astype(np.int64))
            sims.append(np.full(len(ids[-1]), _NICKNAME))
        rules = self._rule_words(token)
        ids.append(rules)
        sims.append(np.full(len(rules), _RULE))
        return np.concatenate(ids), np.concatenate(sims)

    def _rule_words(self, token: str) -> npt.NDArray[np.int64]:
        """Words ``token`` is an initial, a prefix (three letters or more) or an abbreviation of, or
        that are one of those of it (score.token_similarity's rules, found by letter arrays first)."""
        if not token:
            return np.zeros(0, dtype=np.int64)
        size = len(token)
        same = self.first == ord(token[0])
        if size == 1:
            return np.flatnonzero(same & (self.lengths > 1)).astype(np.int64)  # an initial
        mask = _mask(token)
        second = ord(token[1])
        longer = same & (self.lengths > size) & ((self.masks & mask) == mask)
        if size >= 4:  # an abbreviation keeps the word's second or third letter second: "hldgs"
            longer &= (self.second == second) | (self.third == second)
        else:
            longer &= self.second == second  # a prefix
        shorter = same & (self.lengths < size) & ((self.masks & ~mask) == 0)
        shorter &= (self.lengths == 1) | (self.second == second) | (self.second == ord(token[2]) if size > 2 else False)
        out = []
        for v in np.flatnonzero(longer | shorter).tolist():
            word = self.words[v]
            short, long = (token, word) if size < len(word) else (word, token)
            if len(short) == 1 or (len(short) >= 3 and long.startswith(short)) or is_abbreviation(short, long):
                out.append(v)
        return np.asarray(out, dtype=np.int64)

    def token_bound(
        self, query: NameForm, weights: TokenWeights, person: bool, need: float = 0.0
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """The names that share a related word with ``query`` and could score ``need`` or more, and
        the most the scorer's token score can give each (every other name gets less than ``need``)."""
        w = np.asarray([weights.weight(t) for t in query.tokens])
        lw = np.asarray([loose_weight(x, t, person, not query.foreign) for x, t in zip(w, query.tokens, strict=True)])
        f = _EXTRA_TOKEN_FACTOR if person else _EXTRA_ORG_TOKEN_FACTOR
        related = [self.related_words(tok, key) for tok, key in zip(query.tokens, query.keys, strict=True)]
        # A name scores at least ``need`` only if its words, each paired with the query word it is
        # most alike, lift (paired weight x credit) - need x (paired weight - f x lw) to need x f x
        # sum(lw) (the score's numerator less ``need`` times its denominator, from every query word
        # unpaired). Each query word's part of that sum, word by word: its "lift".
        target = need * f * float(lw.sum())
        lifts = [_lift(found, float(w[i]), float(f * lw[i]), need) for i, found in enumerate(related)]
        most = [float(x.max()) if len(x) else 0.0 for x in lifts]
        essential = _essential([r.postings for r in related], most, target) if need > 0 else range(len(related))
        gathered = []
        for i in essential:
            found, lift = related[i], lifts[i]
            useful = found.words if need <= 0 else found.words[lift + (sum(most) - most[i]) >= target - _EPS]
            gathered.append(_gather(self.name_ptr, self.name_ids, useful))
        names = np.unique(np.concatenate(gathered)) if gathered else np.zeros(0, dtype=np.int32)
        if len(names) == 0:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        # Each candidate name's words, and how alike each is to each query word.
        sizes = self.word_ptr[names + 1] - self.word_ptr[names]
        own_words = _gather(self.word_ptr, self.word_ids, names.astype(np.int64))  # type: ignore[arg-type]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        table = np.zeros((len(query.tokens), len(self.words)))
        for i, found in enumerate(related):
            table[i, found.words] = found.sims
        sim_rows = table[:, own_words]
        if need > 0:
            paired = w[:, None] + self.word_weight[own_words][None, :]
            lift_rows = np.maximum(0.0, (_credit(sim_rows) - need) * paired + need * (f * lw)[:, None])
            lift_rows[sim_rows == 0] = 0.0
            keep = np.maximum.reduceat(lift_rows, starts, axis=1).sum(axis=0) >= target - _EPS
            if not keep.all():
                names, sizes = names[keep], sizes[keep]
                cut = np.repeat(keep, sizes_all := np.diff(np.concatenate((starts, [len(own_words)]))))
                del sizes_all
                own_words, sim_rows = own_words[cut], sim_rows[:, cut]
                starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
                if len(names) == 0:
                    return np.zeros(0, dtype=np.int32), np.zeros(0)
        best = np.maximum.reduceat(sim_rows, starts, axis=1).T
        # The name's own words that can pair: each related word once (a repeated word: every word).
        pairable = np.add.reduceat(self.word_weight[own_words] * (sim_rows.max(axis=0) > 0), starts)
        rel = best > _FLOOR
        earned = np.where(best >= 0.8, best, np.maximum(0.0, best * (best - _FLOOR) / (0.8 - _FLOOR)))
        # Each related query word is either paired (adds w * credit above, w below) or not (adds
        # f * lw below). The best subset takes the words in order of gain per added weight.
        gain = np.where(rel, earned * w, 0.0)
        cost = np.broadcast_to(w - f * lw, gain.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            order_key = np.where(~rel, -np.inf, np.where(cost <= 0, np.inf, gain / cost))
        order = np.argsort(-order_key, axis=1)
        gains = np.take_along_axis(gain, order, axis=1) * np.take_along_axis(rel, order, axis=1)
        costs = np.take_along_axis(cost, order, axis=1) * np.take_along_axis(rel, order, axis=1)
        zero = np.zeros((len(names), 1))
        gained = np.concatenate((zero, np.cumsum(gains, axis=1)), axis=1)
        added = np.concatenate((zero, np.cumsum(costs, axis=1)), axis=1)
        floor = f * lw.sum()
        top = earned.max(axis=1)
        count = rel.sum(axis=1)
        own = np.minimum(self.top[names, np.minimum(count, _TOP)], np.where(self.repeats[names], np.inf, pairable))
        loose = self.against[names]
        wordy = self.against_words[names]
        # A word replaced by another counts (7 - 2f) times over: at least the query's unrelated words
        # (numbers aside) against what is left of the name's.
        words_left = ((~rel) * lw * np.asarray([not t.isdigit() for t in query.tokens])).sum(axis=1)
        conflict = 2 * _CONFLICT - 2 * f
        bound = np.zeros(len(names))
        for mb in (0.0 * own, np.minimum(own, loose), np.minimum(own, wordy), np.clip(wordy - words_left, 0, own), own):
            total = floor + added + (mb + f * np.maximum(0.0, loose - mb))[:, None]
            total += (conflict * np.minimum(words_left, np.maximum(0.0, wordy - mb)))[:, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(total > 0, (gained + (mb * top)[:, None]) / total, 1.0)
            np.maximum(bound, ratio.max(axis=1), out=bound)
        return names.astype(np.int32), np.where(count > 0, np.minimum(bound, 1.0), 0.0)

    def bound(
        self, query: Sequence[NameForm], weights: TokenWeights, person: bool, need: float = 0.0
    ) -> npt.NDArray[np.float64]:
        """For every indexed name, the most its name score can be against any spelling of ``query``;
        a name given less than ``need`` can only score less than ``need``."""
        best = np.zeros(self.size)
        for form in query:
            names, bound = self.token_bound(form, weights, person, need)
            best[names] = np.maximum(best[names], bound)
            joined = np.concatenate(
                (
                    self.joined.near(form.text.replace(" ", "")),
                    self.joined.near("".join(sorted(form.tokens))),
                    self.sounds.near("".join(form.keys)),
                    self.skeletons.near("".join(skeleton(t) for t in form.tokens)),
                )
            )
            best[joined] = np.maximum(best[joined], _JOINED_SCORE)
        return best


def _ratio(size: int, sizes: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    """The most OSA similarity can be between a text of ``size`` letters and texts of ``sizes``."""
    longest = np.maximum(np.maximum(sizes, size), 1)
    ratio: npt.NDArray[np.float64] = np.minimum(sizes, size) / longest
    return ratio


def _credit(sims: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """score.credit, for an array: the share of a pair's weight a similarity earns."""
    low = np.maximum(0.0, sims * (sims - _FLOOR) / (0.8 - _FLOOR))
    return np.where(sims >= 0.8, sims, low)


def _lift(rel: Related, w: float, loose: float, need: float) -> npt.NDArray[np.float64]:
    """For each word related to a query word (weight ``w``, weighing ``loose`` against when
    unpaired), the most pairing it adds to score - need x denominator; never less than 0 (unpaired)."""
    paired = w + rel.weights
    lift: npt.NDArray[np.float64] = np.maximum(0.0, (_credit(rel.sims) - need) * paired + need * loose)
    return lift


def _essential(postings: list[int], most: list[float], target: float) -> list[int]:
    """The query words whose related names must be looked at: the others, set aside with the most
    postings first, lift a name less than ``target`` all together (so a name must share a word
    with one of the essential ones)."""
    aside = 0.0
    out = []
    for i in sorted(range(len(postings)), key=lambda i: -postings[i]):
        if postings[i] and aside + most[i] < target - _EPS:
            aside += most[i]
        elif postings[i]:
            out.append(i)
    return sorted(out)
