"""``POST /match/{dataset}``: OpenSanctions yente's matching API, answered by ownergate's screening.

Tools written for yente send ``{"queries": {"q1": {"schema": "Company", "properties": {"name": [...],
"country": [...]}}}}`` and read ``responses.q1.results`` (FollowTheMoney-shaped entities with
``score``, ``match`` and ``features``). ``dataset`` is ``default`` (every list) or one list id.
Needs a viewer token (``Authorization: Bearer`` or ``ApiKey``).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from ownergate.errors import NotFoundError
from ownergate.matching.explain import Hit
from ownergate.matching.index import DEFAULT_THRESHOLD, ScreeningIndex
from ownergate.matching.screen import index_for_store
from ownergate.service.routers.admin import ERRORS, Viewer, store_of
from ownergate.sources.model import Entry, Identifier, Schema

router = APIRouter(tags=["matching"], responses=ERRORS)

_SCHEMAS = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL, "Airplane": Schema.AIRCRAFT}
_FTM_SCHEMA = {Schema.PERSON: "Person", Schema.VESSEL: "Vessel", Schema.AIRCRAFT: "Airplane"}
_COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry", "nationality", "citizenship")
_ID_PROPS = {
    "registrationNumber": "registration",
    "leiCode": "lei",
    "taxNumber": "tax",
    "innCode": "tax",
    "ogrnCode": "registration",
    "imoNumber": "imo",
    "swiftBic": "swift",
    "website": "website",
    "email": "email",
    "passportNumber": "passport",
}
_ID_NAMES = {
    "lei": "leiCode",
    "registration": "registrationNumber",
    "tax": "taxNumber",
    "imo": "imoNumber",
    "swift": "swiftBic",
    "website": "website",
    "email": "email",
    "passport": "passportNumber",
}


class EntityExample(BaseModel):
    schema_: str = Field("LegalEntity", alias="schema", max_length=50)
    properties: dict[
        Annotated[str, Field(max_length=50)],
        Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=50)],
    ]


class MatchRequest(BaseModel):
    queries: Annotated[dict[Annotated[str, Field(max_length=100)], EntityExample], Field(min_length=1, max_length=100)]


_lookup_lock = threading.Lock()
_lookup: dict[int, tuple[ScreeningIndex, dict[tuple[str, str], Entry]]] = {}


def _entries(index: ScreeningIndex) -> dict[tuple[str, str], Entry]:
    with _lookup_lock:
        cached = _lookup.get(id(index))
        if cached is None or cached[0] is not index:
            _lookup.clear()
            cached = (index, {(e.list_id, e.entry_id): e for e in index.entries})
            _lookup[id(index)] = cached
        return cached[1]


def _entity(entry: Entry, hit: Hit, threshold: float) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"name": [entry.name]}
    if entry.aliases:
        properties["alias"] = [a.name for a in entry.aliases]
    if entry.countries:
        properties["country"] = sorted({c.code.lower() for c in entry.countries})
    for ident in entry.identifiers:
        properties.setdefault(_ID_NAMES.get(ident.kind, "idNumber"), []).append(ident.value)
    for key, values in (("program", entry.programs), ("birthDate", entry.birth_dates), ("address", entry.addresses)):
        if values:
            properties[key] = list(values)
    features: dict[str, float] = {}
    for feature, contribution, _ in hit.explanation:
        features[feature] = round(features.get(feature, 0.0) + contribution, 4)
    return {
        "id": f"{entry.list_id}:{entry.entry_id}",
        "caption": entry.name,
        "schema": _FTM_SCHEMA.get(entry.schema, "Organization"),
        "properties": properties,
        "datasets": [entry.list_id],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": round(hit.score, 4),
        "match": hit.score >= threshold,
        "features": features,
        "explanations": {f: d for f, _, d in hit.explanation},
        "token": None,
    }


def _match_one(
    index: ScreeningIndex, example: EntityExample, lists: list[str] | None, limit: int, threshold: float, cutoff: float
) -> list[dict[str, Any]]:
    props = example.properties
    schema = _SCHEMAS.get(example.schema_, Schema.ORGANIZATION)
    country = next((v[0].upper() for p in _COUNTRY_PROPS if (v := props.get(p))), None)
    identifiers = [Identifier(kind, value) for prop, kind in _ID_PROPS.items() for value in props.get(prop, [])]
    birth = next(iter(props.get("birthDate", [])), None)
    best: dict[tuple[str, str], Hit] = {}
    for name in (props.get("name") or [])[:10]:
        for hit in index.search(
            name,
            country=country if country and len(country) == 2 else None,
            schema=schema,
            identifiers=identifiers,
            birth_date=birth,
            lists=lists,
            limit=limit,
            threshold=cutoff,
        ):
            key = (hit.list_id, hit.entry_id)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
    entries = _entries(index)
    ranked = sorted(best.values(), key=lambda h: -h.score)[:limit]
    return [
        _entity(entries[(h.list_id, h.entry_id)], h, threshold) for h in ranked if (h.list_id, h.entry_id) in entries
    ]


@router.post("/match/{dataset}")
def match(
    request: Request,
    actor: Viewer,
    dataset: Annotated[str, Path(max_length=100)],
    body: MatchRequest,
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    algorithm: Annotated[str, Query(max_length=50)] = "ownergate",
) -> dict[str, Any]:
    """Match entity examples against the lists (yente-compatible). ``algorithm`` is accepted and ignored."""
    index = index_for_store(store_of(request))
    lists = None
    if dataset not in ("default", "all", "ownergate"):
        if dataset not in index.list_ids:
            raise NotFoundError(f"no dataset {dataset!r}: use default or one of {', '.join(index.list_ids) or 'none'}")
        lists = [dataset]
    responses = {}
    for key, example in body.queries.items():
        results = _match_one(index, example, lists, limit, threshold, min(cutoff, threshold))
        responses[key] = {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": {"schema": example.schema_, "properties": example.properties},
        }
    return {"responses": responses, "limit": limit, "matcher": {"name": "ownergate", "threshold": threshold}}
