"""A synthetic ownership graph: power-law trees, 40% of companies with several owners, cross-holdings, cycles.

Node ``i`` (after the roots) takes a primary parent among the nodes before it, drawn with a bias
to early nodes so that out-degrees follow a power law. 40% of companies get one or two more
owners; a tenth of those come from anywhere in the graph (cross-holdings, and cycles when the
owner is a descendant). The shares into a node add up to at most 1: the primary parent holds
100%, a majority or a minority; the other owners split what is left. A few edges are ranges or
control of unknown size; a few percent of nodes are headquartered in an unsupported region and
about 0.1% are on a sanctions list. Everything is drawn from one seed, so a scale always gives
the same graph. Other benches may import :func:`generate`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ownergate.ownership import OwnershipGraph

COUNTRIES = ["US", "GB", "DE", "SG", "KY", "JP", "FR", "NL", "CN", "HK", "RU"]
COUNTRY_P = [0.30, 0.14, 0.12, 0.08, 0.06, 0.08, 0.07, 0.07, 0.05, 0.02, 0.01]


@dataclass
class Synthetic:
    n: int
    owner: npt.NDArray[np.int32]
    owned: npt.NDArray[np.int32]
    share_min: npt.NDArray[np.float64]
    share_max: npt.NDArray[np.float64]
    hq: npt.NDArray[np.int8]  # index into COUNTRIES
    listed: npt.NDArray[np.int64]  # node indices on us-ofac-sdn

    @property
    def m(self) -> int:
        return len(self.owner)

    def node_ids(self) -> list[str]:
        return [f"n{i}" for i in range(self.n)]

    def graph(self) -> OwnershipGraph:
        hq = [COUNTRIES[c] for c in self.hq]
        return OwnershipGraph.from_edges(
            self.node_ids(),
            self.owner,
            self.owned,
            self.share_min,
            self.share_max,
            hq_country=hq,
            lists={int(i): ("us-ofac-sdn",) for i in self.listed},
        )

    def write_csv(self, folder: Path) -> tuple[Path, Path]:
        """Write E.csv and X.csv (the CLI contract) into ``folder``."""
        entities, edges = folder / "E.csv", folder / "X.csv"
        listed = set(self.listed.tolist())
        with entities.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "name", "hq_country", "incorporation_country", "lists"])
            w.writerows(
                (f"n{i}", f"Company {i}", COUNTRIES[c], COUNTRIES[c], "us-ofac-sdn" if i in listed else "")
                for i, c in enumerate(self.hq.tolist())
            )
        lo = ["" if np.isnan(x) else f"{x:.6g}" for x in self.share_min.tolist()]
        hi = ["" if np.isnan(x) else f"{x:.6g}" for x in self.share_max.tolist()]
        with edges.open("w", newline="") as fh:
            fh.write("owner_id,owned_id,share_min,share_max\n")
            step = 1_000_000
            for s in range(0, self.m, step):
                rows = zip(
                    self.owner[s : s + step].tolist(),
                    self.owned[s : s + step].tolist(),
                    lo[s : s + step],
                    hi[s : s + step],
                    strict=True,
                )
                fh.write("".join(f"n{a},n{b},{c},{d}\n" for a, b, c, d in rows))
        return entities, edges


def generate(n: int, seed: int = 5) -> Synthetic:
    rng = np.random.default_rng(seed)
    roots = max(1, n // 50)
    child = np.arange(roots, n, dtype=np.int64)
    # Primary parents: biased towards early nodes (power-law out-degrees), always earlier: a forest.
    parent = np.floor(child * rng.random(child.size) ** 2.5).astype(np.int64)
    kind = rng.random(child.size)
    primary = np.where(
        kind < 0.3, 1.0, np.where(kind < 0.7, rng.uniform(0.5, 1.0, child.size), rng.uniform(0.1, 0.5, child.size))
    )
    # 40% of companies have several owners: one or two more, splitting what the primary leaves.
    multi = child[rng.random(child.size) < 0.4]
    extra_count = rng.integers(1, 3, multi.size)
    extra_owned = np.repeat(multi, extra_count)
    near = np.floor(extra_owned * rng.random(extra_owned.size) ** 1.5).astype(np.int64)
    anywhere = rng.integers(0, n, extra_owned.size)
    cross = rng.random(extra_owned.size) < 0.1  # cross-holdings, cycles when the owner is a descendant
    extra_owner = np.where(cross, anywhere, near)
    keep = extra_owner != extra_owned
    extra_owner, extra_owned = extra_owner[keep], extra_owned[keep]
    room = 1.0 - primary[extra_owned - roots]
    extra_share = room * rng.dirichlet([1.0] * 4, extra_owned.size)[:, 0] * 2
    extra_share = np.minimum(extra_share, room / np.maximum(1, extra_count.max()))
    owner = np.concatenate([parent, extra_owner]).astype(np.int32)
    owned = np.concatenate([child, extra_owned]).astype(np.int32)
    share = np.concatenate([primary, extra_share])
    # Fold duplicates (the same owner twice): keep the first.
    key = owner.astype(np.int64) * n + owned
    _, first = np.unique(key, return_index=True)
    first.sort()
    owner, owned, share = owner[first], owned[first], share[first]
    lo, hi = share.copy(), share.copy()
    r = rng.random(share.size)
    ranged = r < 0.05
    lo[ranged] = np.maximum(0.0, share[ranged] - 0.25)
    unknown = (r >= 0.05) & (r < 0.07)
    lo[unknown] = np.nan
    hi[unknown] = np.nan
    hq = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_P).astype(np.int8)
    listed = np.flatnonzero(rng.random(n) < 0.001)
    return Synthetic(n, owner, owned, lo, hi, hq, listed)
