"""Matching over HTTP as OpenSanctions' yente and OpenRefine's reconciliation clients call it.

The shapes checked here are yente's (yente/data/common.py: EntityMatchResponse, EntityMatches,
ScoredEntityResponse, TotalSpec) and the W3C reconciliation API's (manifest, query batch).
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.workflow.conftest import World

from tekser.api.app import create_app
from tekser.services.screening_service import ScreeningService
from tekser.settings import Settings
from tekser.storage.watchlists import SqlWatchlistStore
from tekser.wiring import Desk

ENTITY_FIELDS = {"id", "caption", "schema", "properties", "datasets", "referents", "target",
                 "first_seen", "last_seen", "last_change"}  # fmt: skip
SCORED_FIELDS = ENTITY_FIELDS | {"score", "features", "match"}

# as the yente client (and OpenSanctions' documentation) sends it
YENTE_BATCH = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {"name": ["Askar Nurlanov"], "birthDate": ["1975-03-12"], "nationality": ["kz"]},
        },
        "q2": {"schema": "Company", "properties": {"name": ["Northern Star Shipping Co Ltd"], "jurisdiction": ["ru"]}},
    }
}


@pytest.fixture
def screening_desk(desk: Desk, world: World) -> Desk:
    return replace(desk, matching=world.iapi.screening)  # the iAPI's service, as open_desk shares it


@pytest.fixture
def client(screening_desk: Desk) -> TestClient:
    return TestClient(create_app(Settings(db_url="sqlite://"), screening_desk), base_url="https://testserver")


@pytest.fixture
def key(world: World) -> str:
    return world.access.create_key(world.who["svc"], "yente").key  # the service role may screen


def _is_time(value: object) -> bool:
    if value is None:
        return True
    assert isinstance(value, str)
    datetime.fromisoformat(value)
    return True


def test_match_answers_a_yente_batch_in_yentes_shape(client: TestClient, key: str) -> None:
    response = client.post("/match/default", json=YENTE_BATCH, headers={"Authorization": f"ApiKey {key}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"responses", "matcher", "limit"}
    assert body["limit"] == 5
    assert set(body["responses"]) == {"q1", "q2"}
    for doc in body["matcher"].values():  # FeatureDocs
        assert set(doc) == {"description", "coefficient", "url"}
        assert isinstance(doc["coefficient"], float)
    for key_, sent in YENTE_BATCH["queries"].items():
        answer = body["responses"][key_]
        assert set(answer) == {"status", "results", "total", "query"}
        assert answer["status"] == 200
        assert answer["total"] == {"value": answer["total"]["value"], "relation": "eq"}
        assert answer["total"]["value"] >= len(answer["results"]) >= 1
        assert answer["query"]["schema"] == sent["schema"]
        assert answer["query"]["properties"] == sent["properties"]
        scores = [r["score"] for r in answer["results"]]
        for result in answer["results"]:
            assert set(result) == SCORED_FIELDS
            assert isinstance(result["id"], str) and result["id"]
            assert isinstance(result["caption"], str) and result["caption"]
            assert isinstance(result["match"], bool)
            assert 0 <= result["score"] <= 1
            assert all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in result["properties"].values()
            )
            assert all(isinstance(v, float | int) for v in result["features"].values())
            assert result["datasets"] and isinstance(result["referents"], list) and result["target"] is True
            assert all(_is_time(result[f]) for f in ("first_seen", "last_seen", "last_change"))
        assert scores == sorted(scores, reverse=True) or answer["results"][0]["match"]

    person = body["responses"]["q1"]["results"][0]
    assert person["match"] is True
    assert person["schema"] == "Person"
    assert "NURLANOV" in person["caption"].upper()
    assert "1975-03-12" in person["properties"]["birthDate"]
    assert person["features"]["name_score"] > 0.9
    assert person["features"]["birth_date"] > 0  # the same date of birth speaks for the match
    assert person["score"] >= 0.86
    company = body["responses"]["q2"]["results"][0]
    assert company["schema"] in {"Company", "Organization", "LegalEntity"}
    assert "NORTHERN STAR" in company["caption"].upper()


def test_match_with_a_bearer_key_one_list_a_limit_and_a_cutoff(client: TestClient, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    response = client.post("/match/un?limit=1&cutoff=0.5&algorithm=best", json=YENTE_BATCH, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["limit"] == 1
    assert all(len(a["results"]) <= 1 for a in body["responses"].values())
    assert all(r["score"] >= 0.5 and "un" in r["datasets"] for a in body["responses"].values() for r in a["results"])


def test_a_stranger_is_not_matched(client: TestClient, key: str) -> None:
    batch = {"queries": {"x": {"schema": "Person", "properties": {"name": "Margarethe Vandersloot-Pemberton"}}}}
    response = client.post("/match/default", json=batch, headers={"Authorization": f"ApiKey {key}"})
    assert response.status_code == 200
    assert not any(r["match"] for r in response.json()["responses"]["x"]["results"])


def test_search_answers_in_yentes_shape(client: TestClient, key: str) -> None:
    response = client.get(
        "/search/default?q=Askar%20Nurlanov&schema=Person", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"results", "facets", "limit", "offset", "total"}
    assert body["limit"] == 10 and body["offset"] == 0 and body["total"]["relation"] == "eq"
    assert set(body["results"][0]) == ENTITY_FIELDS
    assert "NURLANOV" in body["results"][0]["caption"].upper()


def test_an_unknown_dataset_is_a_404_problem(client: TestClient, key: str) -> None:
    response = client.post("/match/nosuchlist", json=YENTE_BATCH, headers={"Authorization": f"ApiKey {key}"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_matching_needs_a_caller_allowed_to_screen(client: TestClient, world: World) -> None:
    assert client.post("/match/default", json=YENTE_BATCH).status_code == 401
    assert client.get("/search/default?q=Askar").status_code == 401
    assert client.post("/reconcile", data={"queries": "{}"}).status_code == 401
    auditor = world.access.create_key(world.who["aud"], "yente").key  # an auditor reads the log, never screens
    response = client.post("/match/default", json=YENTE_BATCH, headers={"Authorization": f"Bearer {auditor}"})
    assert response.status_code == 403


def test_a_match_is_an_audited_screening_run(client: TestClient, key: str, world: World) -> None:
    client.post("/match/default", json=YENTE_BATCH, headers={"Authorization": f"ApiKey {key}"})
    events = [r.event for r in world.audit_store.records() if r.event.action == "screening.run"]
    assert events and events[-1].object_id == "match default" and events[-1].details == {"subjects": 2}
    assert "Nurlanov" not in json.dumps(events[-1].details)  # names are not logged
    assert events[-1].origin == "testclient"  # the caller's address, as the other routes record it


def test_reconciliation_manifest_and_batch_in_the_w3c_shape(client: TestClient, key: str) -> None:
    manifest = client.get("/reconcile").json()
    assert {"versions", "name", "identifierSpace", "schemaSpace", "defaultTypes"} <= set(manifest)
    assert {"id": "Person", "name": "Person"} in manifest["defaultTypes"]
    assert manifest["suggest"]["property"]["service_path"] == "/suggest/property"

    queries = {
        "q0": {"query": "Askar Nurlanov", "type": "Person", "limit": 3,
               "properties": [{"pid": "birthDate", "v": "1975-03-12"}, {"pid": "nationality", "v": "kz"}]},
        "q1": {"query": "Northern Star Shipping", "type": "Organization"},
    }  # fmt: skip
    # OpenRefine posts a form field; newer clients post JSON: both are read
    posted = client.post(
        "/reconcile", data={"queries": json.dumps(queries)}, headers={"Authorization": f"Bearer {key}"}
    )
    as_json = client.post("/reconcile/un", json={"queries": queries}, headers={"Authorization": f"ApiKey {key}"})
    for response in (posted, as_json):
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"q0", "q1"}
        assert all(set(answer) == {"result"} for answer in body.values())
        assert 1 <= len(body["q0"]["result"]) <= 3
        for candidate in (*body["q0"]["result"], *body["q1"]["result"]):
            assert {"id", "name", "type", "score", "match"} <= set(candidate)
            assert all(set(t) == {"id", "name"} for t in candidate["type"])
            assert isinstance(candidate["match"], bool) and 0 <= candidate["score"] <= 100
        best = body["q0"]["result"][0]
        assert best["match"] is True and best["type"][0]["id"] == "Person" and "NURLANOV" in best["name"].upper()
    assert posted.json()["q0"]["result"][0]["id"] == as_json.json()["q0"]["result"][0]["id"]


def test_reconciliation_suggests_properties(client: TestClient) -> None:
    body = client.get("/reconcile/suggest/property?prefix=birth").json()
    assert {"id": "birthDate", "name": "Birth date"} in body["result"]
    assert all(item["id"].lower().startswith("birth") or item["name"].lower().startswith("birth")
               for item in body["result"])  # fmt: skip


def test_a_batch_of_a_hundred_subjects_fits_and_more_is_refused(client: TestClient, key: str) -> None:
    example = {
        "schema": "Person",
        "properties": {
            "name": ["Someone Withalongername Andmore"],
            "birthDate": ["1970"],
            "nationality": ["kz", "ru"],
            "gender": ["male"],
        },
    }
    batch = {"queries": {f"subject-{i:03d}": example for i in range(100)}}
    assert len(json.dumps(batch)) > 16 * 1024  # more than any other route takes
    auth = {"Authorization": f"ApiKey {key}"}
    response = client.post("/match/default", json=batch, headers=auth)
    assert response.status_code == 200, response.text
    assert len(response.json()["responses"]) == 100
    batch["queries"]["one-more"] = example
    assert client.post("/match/default", json=batch, headers=auth).status_code == 422


def test_input_no_subject_can_be_made_of_is_a_422_problem(client: TestClient, key: str) -> None:
    auth = {"Authorization": f"ApiKey {key}"}
    unknown = {"queries": {"q": {"schema": "Spaceship", "properties": {"name": ["Askar Nurlanov"]}}}}
    nameless = {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1975-03-12"]}}}}
    for batch in (unknown, nameless):
        response = client.post("/match/default", json=batch, headers=auth)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.post("/reconcile", data={"queries": "{not json"}, headers=auth).status_code == 422
    assert client.get("/reconcile?queries=%5B1%5D", headers=auth).status_code == 422  # a list, not a batch


def test_requests_arriving_together_build_the_index_once(world: World) -> None:
    """HTTP requests run in threads: after a list change, the first ones wait for one index."""
    reads: list[int] = []
    together = threading.Barrier(4)  # every thread has read the versions before any builds

    class Counting(SqlWatchlistStore):
        def active_versions(self) -> list[Any]:
            found = super().active_versions()
            together.wait(timeout=30)
            return found

        def entries(self, version_id: int) -> list[Any]:
            reads.append(version_id)
            return list(super().entries(version_id))

    service = ScreeningService(Counting(world.engine), world.screening)
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda _: service.active(), range(4)))
    assert len(reads) == 1  # one list, read once
    assert all(active is built[0] for active in built)
