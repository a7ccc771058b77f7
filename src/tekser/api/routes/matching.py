"""Matching over HTTP in the shapes other tools already speak.

- ``POST /match/{dataset}`` and ``GET /search/{dataset}``: OpenSanctions' yente API (a ``queries``
  batch of FollowTheMoney examples in; scored FtM entities out), so that a yente client pointed at
  tekser works unchanged. ``dataset`` is ``default`` (every active list) or one list's id.
- ``/reconcile``: the W3C (OpenRefine) reconciliation API: manifest, query batches, property suggest.

Every subject is screened by tekser's own screener over the active list versions (the
deployment's ScreeningService: one index, rebuilt only when a list version or the policy
changes); ``match`` is tekser's alert decision and ``features`` its evidence, feature by feature.
Each request is a screening run: allowed to the roles that may screen, and recorded in the audit
log (who, which dataset, how many subjects; never the names).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Query, Request
from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field

from tekser.api.guards import client_address
from tekser.domain.access import Action, Principal
from tekser.domain.subjects import subject_from_record
from tekser.errors import ConfigError, InvalidInput, NotFound
from tekser.exports.ftm import entry_to_ftm

if TYPE_CHECKING:
    from tekser.domain.subjects import Subject
    from tekser.matching.screener import Match
    from tekser.services.screening_service import _Active as Active
    from tekser.wiring import Desk

router = APIRouter(tags=["matching (yente-compatible)"])

DEFAULT = "default"  # yente's name for "every dataset"
MAX_QUERIES = 100  # subjects in one request (yente's batch limit is of the same order)
MAX_LIMIT = 500
MAX_VALUES = 32  # values of one property
Value = Annotated[str, Field(max_length=1024)]
DatasetName = Annotated[str, Path(max_length=64)]

# FtM properties read into a tekser subject (the rest are echoed back, not compared)
_NAMES = ("name", "alias", "previousName", "weakAlias")
_NATIONALITY = ("nationality", "citizenship", "country", "jurisdiction")
_DOCUMENTS = ("passportNumber", "idNumber")
_KINDS = {"Person": "person", "Organization": "organization", "Vessel": "vessel", "Airplane": "aircraft"}
_DEFAULT_TYPES = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
_SUGGESTED = ("name", "alias", "firstName", "lastName", "birthDate", "birthPlace", "nationality", "country",
              "gender", "passportNumber", "idNumber")  # fmt: skip

# yente's ``matcher``: what each feature is (a FeatureDoc: description, coefficient, url)
_DOCS = "docs/screening.md"
MATCHER: dict[str, dict[str, Any]] = {
    "name_score": {"description": "Name similarity of the best list name (0 to 1).", "coefficient": 1.0},
    "name": {"description": "Log-odds the name adds above the alert threshold.", "coefficient": 1.0},
    "birth_date": {"description": "Log-odds from comparing dates of birth.", "coefficient": 1.0},
    "nationality": {"description": "Log-odds from comparing nationalities.", "coefficient": 1.0},
    "gender": {"description": "Log-odds from comparing genders.", "coefficient": 1.0},
    "document": {"description": "Log-odds from comparing document numbers.", "coefficient": 1.0},
    "birth_place": {"description": "Log-odds from comparing places of birth.", "coefficient": 1.0},
    "alias_quality": {"description": "Log-odds of a weak (low-quality) alias.", "coefficient": 1.0},
}
for _doc in MATCHER.values():
    _doc["url"] = _DOCS


# --- request and response shapes (yente's data/common.py) ----------------------------------------


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: Annotated[str, Field(max_length=128)] | None = None
    schema_: Annotated[str, Field(alias="schema", max_length=64)]
    properties: dict[Annotated[str, Field(max_length=64)], Value | list[Value | int | float | None]]


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = {}  # accepted for yente clients; tekser's weights are its configuration
    queries: Annotated[dict[Annotated[str, Field(max_length=128)], EntityExample], Field(max_length=MAX_QUERIES)]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    features: dict[str, float]
    match: bool


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


class SearchResponse(BaseModel):
    results: list[EntityResponse]
    facets: dict[str, Any] = {}
    limit: int
    offset: int = 0
    total: TotalSpec


# --- who calls, and with what --------------------------------------------------------------------


def _caller(request: Request) -> Principal:
    """The app's principal (API key as ``Bearer``, or a session), and yente's ``ApiKey <key>`` too."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "apikey ":
        desk: Desk = request.app.state.desk
        return desk.access.api_key(header[7:].strip())
    from tekser.api.app import _principal  # (the app imports this module)

    return _principal(request)


Who = Annotated[Principal, Depends(_caller)]


def _active(request: Request) -> Active:
    """The active lists' screener and entries: one snapshot for the whole request."""
    desk: Desk = request.app.state.desk
    if desk.matching is None:
        raise ConfigError("this deployment has no screening service wired (tekser.wiring.open_desk makes one)")
    return desk.matching.active()


def _run(request: Request, who: Principal, what: str, dataset: str, count: int) -> None:
    """Allowed to screen, and recorded as a screening run (the subjects' names are not logged)."""
    desk: Desk = request.app.state.desk
    origin = client_address(request, getattr(request.app.state, "proxies", []))  # as the app's other routes
    desk.operations.begin(who, Action.SCREENING_RUN, ("subjects", f"{what} {dataset}"), {"subjects": count}, origin)


def _only(active: Active, dataset: str) -> str | None:
    """The list a dataset names (None: every active list)."""
    if dataset == DEFAULT:
        return None
    if dataset not in active.versions:
        known = ", ".join(sorted(active.versions))
        raise NotFound(f"no dataset named {dataset}: {DEFAULT}, or one of the active lists ({known})")
    return dataset


# --- FtM examples in, screened subjects --------------------------------------------------------------


def _values(properties: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, raw in properties.items():
        items = raw if isinstance(raw, list) else [raw]
        values = [" ".join(str(v).split()) for v in items if v is not None and str(v).strip()]
        if len(values) > MAX_VALUES:
            raise InvalidInput(f"{prop}: {len(values)} values, at most {MAX_VALUES}")
        if values:
            found[prop] = values
    return found


def _first(values: dict[str, list[str]], props: tuple[str, ...]) -> str | None:
    return next((values[p][0] for p in props if p in values), None)


def _subject(key: str, schema: str, values: dict[str, list[str]]) -> Subject:
    """An FtM example as a tekser subject: every name screened (packed as ``A; B``), the first
    birth date, nationality, gender, document and place of birth compared."""
    found = model.get(schema)
    if found is None:
        raise InvalidInput(f"query {key}: no FollowTheMoney schema named {schema}")
    names = [name for prop in _NAMES for name in values.get(prop, [])]
    record: dict[str, Any] = {"id": key}
    if not names and ("firstName" in values or "lastName" in values):  # a name given in parts
        given = [*values.get("firstName", [])[:1], *values.get("middleName", [])[:1]]
        family = values.get("lastName", [""])[0]
        record |= {"given_name": " ".join(given) or None, "family_name": family or None}
    else:
        record["name"] = "; ".join(dict.fromkeys(names)) or None
    kind = next((k for s, k in _KINDS.items() if found.is_a(s)), None)
    birth = _first(values, ("birthDate",))
    record |= {
        "schema": kind,
        "birth_date": birth[:10] if birth else None,  # (an FtM date may carry a time)
        "nationality": _first(values, _NATIONALITY),
        "gender": _first(values, ("gender",)),
        "document": _first(values, _DOCUMENTS),
        "birth_place": _first(values, ("birthPlace",)),
    }
    return subject_from_record({k: v for k, v in record.items() if v}, f"query {key}")


# --- screened matches out, as FtM entities ------------------------------------------------------------


def _features(match: Match) -> dict[str, float]:
    """tekser's evidence as yente's features: the name's score, and each feature's log-odds."""
    features: dict[str, float] = {}
    for item in match.explanation:
        feature = str(item.get("feature"))
        if feature == "summary":
            continue
        if feature == "name" and isinstance(item.get("name_score"), int | float):
            features["name_score"] = round(float(item["name_score"]), 4)
        log_odds = item.get("log_odds")
        if isinstance(log_odds, int | float):
            features[feature] = round(features.get(feature, 0.0) + float(log_odds), 3)
    return features


def _entity(active: Active, key: str) -> dict[str, Any]:
    entry = active.entries[key]
    target = entry_to_ftm(entry)[0]
    return {
        "id": target["id"],
        "caption": target["caption"],
        "schema": target["schema"],
        "properties": target.get("properties", {}),
        "datasets": target.get("datasets", []),
        "referents": target.get("referents", []),
        "target": bool(target.get("target", True)),
        **{field: target.get(field) for field in ("first_seen", "last_seen", "last_change")},
    }


def _screen(
    active: Active,
    subject: Subject,
    only: str | None,
    limit: int,
    threshold: float | None = None,
    cutoff: float = 0.0,
) -> tuple[list[Match], int]:
    """The best matches (alerts first by score), within ``only`` and at ``cutoff`` or above, and how many."""
    screener = active.screener
    wanted = limit if only is None else min(MAX_LIMIT, limit * 5)  # other lists' candidates are dropped
    result = screener.screen(subject, threshold=threshold, top=wanted, explain=True)
    matches = [m for m in result.matches if (only is None or m.list_id == only) and m.score >= cutoff]
    matches.sort(key=lambda m: (m.alert, m.score), reverse=True)
    return matches[:limit], len(matches)


# --- yente: /match and /search ----------------------------------------------------------------------


@router.post("/match/{dataset}", response_model=EntityMatchResponse, response_model_by_alias=True)
def match(
    dataset: DatasetName,
    body: EntityMatchQuery,
    who: Who,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    threshold: Annotated[float | None, Query(gt=0, le=1)] = None,
    cutoff: Annotated[float, Query(ge=0, le=1)] = 0.0,
    algorithm: Annotated[str, Query(max_length=64)] = "best",
) -> dict[str, Any]:
    """Screen each query of the batch (yente's ``/match``). ``threshold``: the alert threshold
    (default tekser's configured one); ``cutoff``: leave out results scoring below it;
    ``algorithm`` is accepted and ignored: tekser has one."""
    active = _active(request)
    only = _only(active, dataset)
    subjects = {key: (example, _values(example.properties)) for key, example in body.queries.items()}
    screened = {key: _subject(key, example.schema_, values) for key, (example, values) in subjects.items()}
    _run(request, who, "match", dataset, len(screened))
    responses: dict[str, Any] = {}
    for key, subject in screened.items():
        example, values = subjects[key]
        found, total = _screen(active, subject, only, limit, threshold, cutoff)
        results = [_entity(active, m.key) | {"score": round(m.score, 4), "match": m.alert,
                                                "features": _features(m)} for m in found]  # fmt: skip
        query = {"id": example.id, "schema": example.schema_, "properties": values}
        responses[key] = {"status": 200, "results": results, "total": {"value": total, "relation": "eq"},
                          "query": query}  # fmt: skip
    return {"responses": responses, "matcher": MATCHER, "limit": limit}


@router.get("/search/{dataset}", response_model=SearchResponse, response_model_by_alias=True)
def search(
    dataset: DatasetName,
    who: Who,
    request: Request,
    q: Annotated[str, Query(max_length=1024)] = "",
    schema: Annotated[str, Query(max_length=64)] = "LegalEntity",
    countries: Annotated[list[str] | None, Query(max_length=8)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 0,
) -> dict[str, Any]:
    """The list entities whose names are closest to ``q`` (yente's ``/search``), best first."""
    active = _active(request)
    only = _only(active, dataset)
    if not q.strip():
        return {"results": [], "facets": {}, "limit": limit, "offset": offset, "total": {"value": 0, "relation": "eq"}}
    values = {"name": [" ".join(q.split())]} | ({"country": countries[:1]} if countries else {})
    subject = _subject("q", schema, values)
    _run(request, who, "search", dataset, 1)
    found, total = _screen(active, subject, only, min(MAX_LIMIT, limit + offset))
    results = [_entity(active, m.key) for m in found[offset:]]
    return {"results": results, "facets": {}, "limit": limit, "offset": offset,
            "total": {"value": total, "relation": "eq"}}  # fmt: skip


# --- W3C / OpenRefine reconciliation ------------------------------------------------------------------


def _manifest(request: Request, dataset: str) -> dict[str, Any]:
    base = (
        str(request.url_for("reconcile", dataset=dataset))
        if dataset != DEFAULT
        else str(request.url_for("reconcile_all"))
    )
    return {
        "versions": ["0.2"],
        "name": f"tekser ({dataset})",
        "identifierSpace": "urn:tekser:entity:",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "defaultTypes": [{"id": name, "name": model.get(name).label} for name in _DEFAULT_TYPES],  # type: ignore[union-attr]
        "suggest": {"property": {"service_url": base, "service_path": "/suggest/property"}},
    }


def _reconcile_one(key: str, query: Any) -> Subject:
    if not isinstance(query, dict) or not isinstance(query.get("query", ""), str):
        raise InvalidInput(f"query {key}: an object with a query text")
    kind = query.get("type") or "LegalEntity"
    kind = kind[0] if isinstance(kind, list) and kind else kind
    properties: dict[str, Any] = {"name": [query.get("query", "")]}
    for item in query.get("properties") or []:
        if isinstance(item, dict) and isinstance(item.get("pid"), str):
            value = item.get("v")
            value = value.get("id") if isinstance(value, dict) else value
            properties.setdefault(item["pid"], []).extend(value if isinstance(value, list) else [value])
    return _subject(key, str(kind), _values(properties))


def _reconcile(request: Request, who: Principal, dataset: str, queries: Any) -> dict[str, Any]:
    if not isinstance(queries, dict) or len(queries) > MAX_QUERIES:
        raise InvalidInput(f"queries: an object of at most {MAX_QUERIES} queries keyed by id")
    active = _active(request)
    only = _only(active, dataset)
    subjects = {str(key): _reconcile_one(str(key), q) for key, q in queries.items()}
    _run(request, who, "reconcile", dataset, len(subjects))
    answers: dict[str, Any] = {}
    for key, subject in subjects.items():
        limit = queries[key].get("limit") if isinstance(queries[key].get("limit"), int) else 5
        found, _ = _screen(active, subject, only, max(1, min(limit, MAX_LIMIT)))
        results = []
        for m in found:
            entity = _entity(active, m.key)
            schema = model.get(entity["schema"])
            results.append({
                "id": entity["id"],
                "name": entity["caption"],
                "type": [{"id": entity["schema"], "name": schema.label if schema else entity["schema"]}],
                "score": round(m.score * 100, 2),
                "match": m.alert,
                "features": [{"id": name, "value": value} for name, value in _features(m).items()],
            })  # fmt: skip
        answers[key] = {"result": results}
    return answers


def _queries(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"queries: not JSON ({error.msg})") from None


async def _posted_queries(request: Request) -> Any:
    """OpenRefine posts a form (``queries=<JSON>``); newer clients post the JSON itself."""
    body = (await request.body()).decode("utf-8", "replace")
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body)
        if "queries" not in form:
            raise InvalidInput("queries: missing (a form field holding the JSON batch)")
        return _queries(form["queries"][0])
    data = _queries(body)
    return data.get("queries", data) if isinstance(data, dict) and isinstance(data.get("queries"), dict) else data


def _reconcile_get(request: Request, dataset: str, queries: str | None) -> dict[str, Any]:
    if queries is None:
        return _manifest(request, dataset)
    return _reconcile(request, _caller(request), dataset, _queries(queries))


Queries = Annotated[str | None, Query(max_length=1 << 16)]


@router.get("/reconcile", name="reconcile_all")
def reconcile_all(request: Request, queries: Queries = None) -> dict[str, Any]:
    """The service manifest; with ``queries`` (a JSON batch), their candidates (authenticated)."""
    return _reconcile_get(request, DEFAULT, queries)


@router.post("/reconcile")
async def reconcile_all_post(request: Request) -> dict[str, Any]:
    who = _caller(request)
    queries = await _posted_queries(request)
    from starlette.concurrency import run_in_threadpool  # (screening is CPU work: off the event loop)

    return await run_in_threadpool(_reconcile, request, who, DEFAULT, queries)


@router.get("/reconcile/suggest/property")
def suggest_all(prefix: Annotated[str, Query(max_length=64)] = "") -> dict[str, Any]:
    return _suggest(prefix)


@router.get("/reconcile/{dataset}", name="reconcile")
def reconcile(dataset: DatasetName, request: Request, queries: Queries = None) -> dict[str, Any]:
    return _reconcile_get(request, dataset, queries)


@router.post("/reconcile/{dataset}")
async def reconcile_post(dataset: DatasetName, request: Request) -> dict[str, Any]:
    who = _caller(request)
    queries = await _posted_queries(request)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_reconcile, request, who, dataset, queries)


@router.get("/reconcile/{dataset}/suggest/property")
def suggest(dataset: DatasetName, prefix: Annotated[str, Query(max_length=64)] = "") -> dict[str, Any]:
    return _suggest(prefix)


def _suggest(prefix: str) -> dict[str, Any]:
    """The FtM properties a reconciliation query may compare, by prefix of their id or label."""
    wanted = prefix.strip().lower()
    person = model.get("Person")
    assert person is not None
    found = []
    for name in _SUGGESTED:
        prop = person.get(name)
        label = prop.label if prop is not None else name
        if name.lower().startswith(wanted) or label.lower().startswith(wanted):
            found.append({"id": name, "name": label})
    return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found}
