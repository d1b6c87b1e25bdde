"""A screening hit and its explanation: which features contributed how much, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: One explanation row: (feature, contribution to the score, detail for a human).
Contribution = tuple[str, float, str]


@dataclass(slots=True)
class Hit:
    """One list entry a query matched, with the alias that matched best and the reasons."""

    list_id: str
    entry_id: str
    name: str  # the entry's primary name
    matched_name: str  # the name or alias of the entry that matched best
    score: float  # in [0, 1]
    explanation: list[Contribution] = field(default_factory=list)
    schema: str = "organization"

    def to_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "entry_id": self.entry_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "schema": self.schema,
            "explanation": [{"feature": f, "contribution": round(c, 4), "detail": d} for f, c, d in self.explanation],
        }


def total(explanation: list[Contribution]) -> float:
    """The score the explanation adds up to, held in [0, 1]."""
    return max(0.0, min(1.0, sum(c for _, c, _ in explanation)))
