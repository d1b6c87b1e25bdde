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
an unmatched word counts (0.25 for people, 0.8 for organisations). The joined-spelling feature can
lift a name to 0.97 whatever its words: names whose joined spelling could be 0.9 alike (by length
and letter counts) get that bound. Every other feature only lowers a score, or adds at most what
the index adds on top of the bound. Everything here is plain arrays and dicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ownergate.matching.abbreviations import is_abbreviation
from ownergate.matching.names import NameForm
from ownergate.matching.nicknames import canonical
from ownergate.matching.score import loose_weight
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


class Joined:
    """Joined spellings (every form of every name) sorted by length, with their letter counts."""

    __slots__ = ("bags", "lengths", "names")

    def __init__(self, texts: list[tuple[int, str]]) -> None:
        texts.sort(key=lambda row: len(row[1]))
        self.names = np.asarray([n for n, _ in texts], dtype=np.int32)
        self.lengths = np.asarray([len(t) for _, t in texts], dtype=np.int32)
        self.bags = _bags([t for _, t in texts]).astype(np.int16)

    def near(self, text: str) -> npt.NDArray[np.int32]:
        """Names with a joined spelling that could be at least 0.9 alike to ``text`` (Levenshtein):
        within 10 % in length, and letter counts that differ by at most twice the edits allowed."""
        size = len(text)
        lo = int(np.searchsorted(self.lengths, np.ceil(size * _JOINED_MIN), "left"))
        hi = int(np.searchsorted(self.lengths, np.floor(size / _JOINED_MIN), "right"))
        if lo >= hi:
            return np.zeros(0, dtype=np.int32)
        longest = np.maximum(self.lengths[lo:hi], size)
        bag = _bags([text])[0].astype(np.int16)
        differ = np.abs(self.bags[lo:hi] - bag).sum(axis=1)
        keep = differ <= 2 * (1 - _JOINED_MIN) * longest + 1e-9
        found: npt.NDArray[np.int32] = self.names[lo:hi][keep]
        return found


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
        self._related: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = {}
        self.word_array = np.asarray(words, dtype=object)
        self.key_array = np.asarray(self.keys, dtype=object)
        self.skeleton_array = np.asarray(self.skeletons_of, dtype=object)

    def related_words(self, token: str, key: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Every vocabulary word the scorer could credit against ``token`` (cached per token)."""
        found = self._related.get(token)
        if found is None:
            found = self._related_words(token, key)
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
            near = np.unique(np.concatenate(keys)).astype(np.int64)
            osa = OSA.normalized_similarity
            sim = process.cdist([token], self.word_array[near], scorer=osa)[0]
            sound = process.cdist([key], self.key_array[near], scorer=osa)[0] * _SOUND_ALIKE
            skel = process.cdist([skeleton(token)], self.skeleton_array[near], scorer=osa)[0] * _CONSONANTS
            best = np.maximum(np.maximum(sim, sound), skel).astype(np.float64)
            keep = best > _FLOOR
            ids.append(near[keep])
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
        self, query: NameForm, weights: TokenWeights, person: bool
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """The names that share a related word with ``query``, and the most the scorer's token score
        can give each (every other name gets 0 from the words)."""
        names_parts: list[npt.NDArray[np.int32]] = []
        word_parts: list[npt.NDArray[np.int64]] = []
        sim_parts: list[npt.NDArray[np.float64]] = []
        slot_parts: list[npt.NDArray[np.int64]] = []
        w = np.asarray([weights.weight(t) for t in query.tokens])
        lw = np.asarray([loose_weight(x, t, person, not query.foreign) for x, t in zip(w, query.tokens, strict=True)])
        for i, (tok, key) in enumerate(zip(query.tokens, query.keys, strict=True)):
            words, sims = self.related_words(tok, key)
            if len(words) == 0:
                continue
            sizes = self.name_ptr[words + 1] - self.name_ptr[words]
            names_parts.append(_gather(self.name_ptr, self.name_ids, words))
            sim_parts.append(np.repeat(sims, sizes))
            word_parts.append(np.repeat(words, sizes))
            slot_parts.append(np.full(int(sizes.sum()), i, dtype=np.int64))
        if not names_parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        names, inverse = np.unique(np.concatenate(names_parts), return_inverse=True)
        best = np.zeros((len(names), len(query.tokens)))
        np.maximum.at(best, (inverse, np.concatenate(slot_parts)), np.concatenate(sim_parts))
        # The name's own words that can pair: each related word once (a repeated word: every word).
        pairs = np.unique(inverse.astype(np.int64) * len(self.words) + np.concatenate(word_parts))
        pairable = np.bincount(pairs // len(self.words), self.word_weight[pairs % len(self.words)], len(names))
        rel = best > _FLOOR
        earned = np.where(best >= 0.8, best, np.maximum(0.0, best * (best - _FLOOR) / (0.8 - _FLOOR)))
        f = 0.25 if person else 0.8
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

    def bound(self, query: Sequence[NameForm], weights: TokenWeights, person: bool) -> npt.NDArray[np.float64]:
        """For every indexed name, the most its name score can be against any spelling of ``query``."""
        best = np.zeros(self.size)
        for form in query:
            names, bound = self.token_bound(form, weights, person)
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
