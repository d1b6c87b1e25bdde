"""``POST /match/{dataset}``: OpenSanctions yente's matching API, answered by ownergate's screening.

Tools written for yente send ``{"queries": {"q1": {"schema": "Company", "properties": {"name": [...],
"country": [...]}}}}`` and read ``responses.q1.results`` (FollowTheMoney-shaped entities with
``score``, ``match`` and ``features``). ``dataset`` is ``default`` (every list) or one dataset: a list id
written as a FollowTheMoney dataset name (``us_ofac_sdn``; the list id ``us-ofac-sdn`` works too).
Needs a viewer token (``Authorization: Bearer`` or ``ApiKey``).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.routing import APIRoute
from followthemoney import model
from pydantic import BaseModel, Field

from ownergate.errors import InputError, NotFoundError
from ownergate.matching.explain import Hit
from ownergate.matching.index import DEFAULT_THRESHOLD, ScreeningIndex
from ownergate.matching.screen import index_for_store
from ownergate.service.routers.admin import ERRORS, Viewer, store_of
from ownergate.sources.model import Entry, Identifier, Schema

router = APIRouter(tags=["matching"], responses=ERRORS)  # route_class set below

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


Value = str | int | float | list[Any]


class EntityExample(BaseModel):
    """One query as yente takes it: ``schema`` (any FollowTheMoney schema) and property values, each a
    string or a list (numbers, e.g. a year of birth, are read as text); ``id`` is echoed back."""

    id: str | None = Field(None, max_length=200)
    schema_: str = Field(..., alias="schema", max_length=50)
    properties: dict[Annotated[str, Field(max_length=50)], Value] = Field(default_factory=dict, max_length=50)


class MatchRequest(BaseModel):
    queries: dict[Annotated[str, Field(max_length=100)], EntityExample]
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


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


def dataset_name(list_id: str) -> str:
    """A list id as a FollowTheMoney dataset name (``us-ofac-sdn`` -> ``us_ofac_sdn``)."""
    return re.sub(r"[^a-z0-9]+", "_", list_id.lower()).strip("_")


def topics(list_id: str) -> set[str]:
    """The FollowTheMoney topics of a list's entries (what yente's ``topics`` filter reads)."""
    return {"sanction"} if list_id.startswith(_SANCTION_LISTS) else {"export.control"}


_SANCTION_LISTS = ("us-ofac-", "un-", "uk-", "eu-")
ALGORITHMS = ("best", "ownergate", "logic-v1", "logic-v2", "name-based", "name-qualified", "regression-v1")
#: the configuration keys yente's logic-v2 (also its "best") accepts; recognised, not applied
LOGIC_V2_CONFIG = frozenset(
    {
        "nm_name_property",
        "nm_number_mismatch",
        "nm_extra_query_name",
        "nm_extra_result_name",
        "nm_family_name_weight",
        "nm_fuzzy_cutoff_factor",
    }
)
MAX_BATCH = 100
MAX_LIMIT = 500
MAX_VALUES = 50
MAX_VALUE_LENGTH = 500


def _entity(entry: Entry, datasets: list[str], hit: Hit, threshold: float) -> dict[str, Any]:
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
        "id": entry.entry_id,
        "caption": entry.name,
        "schema": _FTM_SCHEMA.get(entry.schema, "Organization"),
        "properties": properties,
        "datasets": datasets,
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


def normalise(example: EntityExample) -> dict[str, Any]:
    """The example as yente reads it (``Entity.from_example``): an unknown schema is refused (400), an
    unknown property skipped, values cleaned by FollowTheMoney (countries to lower-case codes)."""
    schema = model.get(example.schema_)
    if schema is None:
        raise InputError(f"unknown schema {example.schema_!r}: use a FollowTheMoney schema such as Company or Person")
    entity = model.make_entity(schema)
    entity.id = example.id
    for prop, raw in example.properties.items():
        if prop not in schema.properties:
            continue
        values = raw if isinstance(raw, list) else [raw]
        if len(values) > MAX_VALUES:
            raise InputError(f"property {prop!r}: more than {MAX_VALUES} values")
        texts = []
        for value in values:
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InputError(f"property {prop!r}: {type(value).__name__} is not a value")
            text = value if isinstance(value, str) else str(value)
            if len(text) > MAX_VALUE_LENGTH:
                raise InputError(f"property {prop!r}: a value longer than {MAX_VALUE_LENGTH} characters")
            texts.append(text)
        entity.add(prop, texts, cleaned=False, fuzzy=True)
    return {"id": example.id, "schema": schema.name, "properties": entity.to_dict()["properties"]}


def _match_one(
    index: ScreeningIndex,
    query: dict[str, Any],
    lists: list[str],
    limit: int,
    threshold: float,
    cutoff: float,
    excluded: set[str],
) -> tuple[int, list[dict[str, Any]]]:
    """yente's scoring semantics: results scoring at most ``cutoff`` are dropped, the rest ranked and cut
    to ``limit``; ``match`` is score >= ``threshold`` and the total counts the matches."""
    props: dict[str, list[str]] = query["properties"]
    schema = _SCHEMAS.get(query["schema"], Schema.ORGANIZATION)
    country = next((v[0].upper() for p in _COUNTRY_PROPS if (v := props.get(p))), None)
    identifiers = [Identifier(kind, value) for prop, kind in _ID_PROPS.items() for value in props.get(prop, [])]
    birth = next(iter(props.get("birthDate", [])), None)
    candidates = max(20, min(MAX_LIMIT, limit * 10))
    best: dict[str, Hit] = {}
    datasets: dict[str, set[str]] = {}
    names = props.get("name") or []
    for name in names[:10] if lists else []:
        for hit in index.search(
            name,
            country=country if country and len(country) == 2 else None,
            schema=schema,
            identifiers=identifiers,
            birth_date=birth,
            lists=lists,
            limit=candidates,
            threshold=cutoff,
        ):
            if hit.score <= cutoff or hit.entry_id in excluded or f"{hit.list_id}:{hit.entry_id}" in excluded:
                continue
            datasets.setdefault(hit.entry_id, set()).add(dataset_name(hit.list_id))
            if hit.entry_id not in best or hit.score > best[hit.entry_id].score:
                best[hit.entry_id] = hit
    entries = _entries(index)
    ranked = sorted(best.values(), key=lambda h: -h.score)
    matches = sum(1 for h in ranked if h.score >= threshold)
    results = [
        _entity(entries[(h.list_id, h.entry_id)], sorted(datasets[h.entry_id]), h, threshold)
        for h in ranked[:limit]
        if (h.list_id, h.entry_id) in entries
    ]
    return matches, results


def _lists(index: ScreeningIndex, dataset: str, include: list[str], exclude: list[str], topic: list[str]) -> list[str]:
    """The lists a request searches: the path's dataset, narrowed by the include, exclude and topic filters."""
    by_name = {dataset_name(lid): lid for lid in index.list_ids}
    if dataset in ("default", "all", "ownergate"):
        chosen = list(index.list_ids)
    elif dataset in by_name or dataset in index.list_ids:
        chosen = [by_name.get(dataset, dataset)]
    else:
        names = ", ".join(sorted(by_name)) or "none"
        raise NotFoundError(f"no dataset {dataset!r}: use default or one of {names}")
    wanted = {by_name.get(d, d) for d in include}
    unwanted = {by_name.get(d, d) for d in exclude}
    return [
        lid
        for lid in chosen
        if (not include or lid in wanted) and lid not in unwanted and (not topic or topics(lid) & set(topic))
    ]


class _AnyContentType(APIRoute):
    """Reads the body as JSON whatever the Content-Type says, as yente does."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            headers = [(k, v) for k, v in request.scope["headers"] if k.lower() != b"content-type"]
            scope = {**request.scope, "headers": [*headers, (b"content-type", b"application/json")]}
            return await handler(Request(scope, request.receive))

        return route


router.route_class = _AnyContentType
ListParam = Annotated[list[Annotated[str, Field(max_length=100)]], Query(max_length=50)]


@router.post("/match/{dataset}")
def match(
    request: Request,
    response: Response,
    actor: Viewer,
    dataset: Annotated[str, Path(max_length=100)],
    body: MatchRequest,
    limit: Annotated[int, Query(le=MAX_LIMIT)] = 5,
    threshold: float = DEFAULT_THRESHOLD,
    cutoff: float = DEFAULT_THRESHOLD,
    algorithm: Annotated[str, Query(max_length=50)] = "best",
    include_dataset: ListParam = [],  # noqa: B006 - FastAPI reads defaults, never mutates them
    exclude_dataset: ListParam = [],  # noqa: B006
    exclude_schema: ListParam = [],  # noqa: B006
    topics: ListParam = [],  # noqa: B006
    exclude_entity_ids: ListParam = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Match entity examples against the lists, as yente's ``/match`` does (its request, answer and
    parameters). Every yente algorithm name is accepted and answered by ownergate's screening."""
    if algorithm not in ALGORITHMS:
        raise InputError(f"unknown algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
    known = LOGIC_V2_CONFIG if algorithm in ("best", "logic-v2") else frozenset()
    for key in body.config:
        if key not in known:
            raise InputError(f"invalid configuration parameter {key!r} for algorithm {algorithm}")
    if not body.queries:
        raise InputError("no queries provided")
    if len(body.queries) > MAX_BATCH:
        raise InputError(f"too many queries in one batch (limit: {MAX_BATCH})")
    if not (math.isfinite(threshold) and math.isfinite(cutoff)):
        raise InputError("threshold and cutoff must be numbers")
    limit = max(0, limit)
    cutoff = min(max(min(cutoff, threshold), 0.0), 1.0)  # unbounded as in yente; scores lie in [0, 1]
    index = index_for_store(store_of(request))
    lists = _lists(index, dataset, include_dataset, exclude_dataset, topics)
    queries = {key: normalise(example) for key, example in body.queries.items()}
    excluded = set(exclude_entity_ids)
    responses = {}
    for key, query in queries.items():
        found: list[dict[str, Any]] = []
        total = 0
        if query["schema"] not in exclude_schema:
            total, found = _match_one(index, query, lists, limit, threshold, cutoff, excluded)
            found = [r for r in found if r["schema"] not in exclude_schema]
        responses[key] = {"status": 200, "results": found, "total": {"value": total, "relation": "eq"}, "query": query}
    response.headers["x-batch-size"] = str(len(responses))
    return {
        "responses": responses,
        "limit": limit,
        "matcher": {
            "name": "ownergate",
            "algorithm": algorithm,
            "threshold": threshold,
            "config_not_applied": sorted(body.config),  # ownergate's screening scores every algorithm
        },
    }
