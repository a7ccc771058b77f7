"""Lists, travel data, iAPI and operations over HTTP (/api/v1, /healthz, /readyz): the same
services, authorisation and audit as the command line's ``lists``, ``ingest``, ``iapi`` and
``screening-status``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.workflow.conftest import ASKAR, FAST_HASHER, PASSWORD, World

from tekser.api import guards
from tekser.api.app import create_app
from tekser.domain.policy import PolicyScope
from tekser.ingest.lists.sources import load_sources
from tekser.services.access import AccessService
from tekser.services.administration import ListAdministration
from tekser.services.audit import AuditService
from tekser.services.cases import CaseService
from tekser.services.iapi import IapiService
from tekser.services.internal_lists import InternalListService, ListPublisher
from tekser.services.operations import Operations
from tekser.services.screening_service import ScreeningService
from tekser.services.watchlists import WatchlistService
from tekser.services.workflow import WorkflowService
from tekser.settings import Settings
from tekser.simulate.traffic import Planted, make_flights, paxlst
from tekser.storage.audit import SqlAuditStore
from tekser.storage.database import open_database
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.watchlists import SqlWatchlistStore
from tekser.storage.workflow import SqlWorkflowStore
from tekser.wiring import Desk

KIM = Planted("un:KPi.901", "KIM", "CHOL SU", date(1968, 2, 22), "PRK", "P7654321")
RAW = {"Content-Type": "application/octet-stream"}
EDI = {"Content-Type": "application/edifact"}
UN = {"format": "un-xml", "min_entries": 3}


def _as(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.access.create_key(world.who[name], 'api').key}"}


def _audited(world: World, action: str) -> list[dict[str, object]]:
    return [e for e in world.audit.events(world.who["aud"], limit=10_000) if e["action"] == action]


def _un_file(world: World) -> bytes:
    return (world.fixtures / "lists" / "un" / "consolidated-small.xml").read_bytes()


# --- lists ------------------------------------------------------------------------------------------


def test_active_lists_and_versions_are_paged_and_audited(api: TestClient, world: World) -> None:
    ana = _as(world, "ana")
    shown = api.get("/api/v1/lists", headers=ana)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["total"] == 1 and [v["version"] for v in body["items"]] == ["un@1"]
    assert body["items"][0]["active"] is True and body["items"][0]["entries"] >= 3
    assert api.get("/api/v1/lists", headers=ana, params={"offset": 1}).json() == {
        "total": 1, "limit": 100, "offset": 1, "items": []
    }  # fmt: skip
    versions = api.get("/api/v1/lists/un/versions", headers=ana).json()
    assert versions["total"] == 1 and versions["items"][0]["imported_by"] == "admin"
    assert api.get("/api/v1/lists/nope/versions", headers=ana).status_code == 404
    assert {e["object_id"] for e in _audited(world, "list.view")} >= {"*", "un"}


def test_list_routes_need_a_caller(api: TestClient) -> None:
    for path in ("/api/v1/lists", "/api/v1/lists/un/versions", "/api/v1/lists/un/diff", "/api/v1/policy",
                 "/api/v1/screening-status"):  # fmt: skip
        response = api.get(path)
        assert response.status_code == 401, path
        assert response.headers["content-type"] == "application/problem+json"


def test_an_administrator_imports_by_upload_and_the_diff_shows_the_change(api: TestClient, world: World) -> None:
    admin = _as(world, "admin")
    same = api.post("/api/v1/lists/un/import", content=_un_file(world), headers=admin | RAW, params=UN)
    assert same.status_code == 200, same.text
    assert [o["status"] for o in same.json()["outcomes"]] == ["unchanged"]
    changed = _un_file(world).replace(b"<FIRST_NAME>ASKAR</FIRST_NAME>", b"<FIRST_NAME>ASQAR</FIRST_NAME>")
    imported = api.post("/api/v1/lists/un/import", content=changed, headers=admin | RAW, params=UN)
    (outcome,) = imported.json()["outcomes"]
    assert outcome["status"] == "imported" and outcome["version"] == "un@2" and outcome["changed"] == 1
    assert outcome["source"] == "un.upload"  # not the server's temporary folder
    assert world.lists.resolve("un").label == "un@2"
    assert world.lists.resolve("un").imported_by.startswith("admin")
    diff = api.get("/api/v1/lists/un/diff", headers=_as(world, "ana")).json()
    assert (diff["before"], diff["after"], diff["counts"]) == ("un@1", "un@2", {"added": 0, "removed": 0, "changed": 1})
    assert diff["total"] == 1 and diff["items"][0]["change"] == "changed"
    assert diff["items"][0]["key"] == "un:QDi.901"
    explicit = api.get("/api/v1/lists/un/diff", headers=_as(world, "ana"), params={"from": "1", "to": "un@2"}).json()
    assert explicit["counts"] == diff["counts"]
    refused = api.get("/api/v1/lists/un/diff", headers=_as(world, "ana"), params={"from": "kz@1"})
    assert refused.status_code in (404, 422) and refused.headers["content-type"] == "application/problem+json"


def test_only_an_administrator_imports_a_list(api: TestClient, world: World) -> None:
    for name in ("ana", "sue", "svc", "dpo"):
        response = api.post(
            "/api/v1/lists/un/import", content=_un_file(world), headers=_as(world, name) | RAW, params=UN
        )
        assert response.status_code == 403, name
        assert response.headers["content-type"] == "application/problem+json"
    assert [v.label for v in world.lists.versions("un")] == ["un@1"]


def test_a_refused_upload_keeps_the_active_version(api: TestClient, world: World) -> None:
    cut = _un_file(world)[:4000]  # cut short: no end marker
    response = api.post("/api/v1/lists/un/import", content=cut, headers=_as(world, "admin") | RAW, params=UN)
    body = response.json()
    assert response.status_code == 422
    assert body["ok"] is False and body["outcomes"][0]["status"] == "refused"
    assert "tekser-upload" not in str(body)
    assert world.lists.resolve("un").label == "un@1"


def test_policy_is_shown_paged(api: TestClient, world: World) -> None:
    world.lists.set_policy("un", PolicyScope.PROGRAMME, "DPRK", enabled=False, actor="admin", reason="test")
    now = api.get("/api/v1/policy", headers=_as(world, "aud")).json()
    assert now["total"] == 1 and now["items"][0]["list"] == "un" and now["items"][0]["enabled"] is False
    assert api.get("/api/v1/policy", headers=_as(world, "aud"), params={"history": True}).json()["total"] == 1


# --- travel -----------------------------------------------------------------------------------------


def test_a_posted_paxlst_is_stored_and_its_listed_traveller_raises_an_alert(api: TestClient, world: World) -> None:
    before = {a.id for a in world.screening.alerts()}
    (flight,) = make_flights(seed=11, flights=1, passengers=5, planted=[KIM])
    message = paxlst(flight, 77)
    response = api.post("/api/v1/messages", content=message.encode(), headers=_as(world, "svc") | EDI,
                        params={"name": "kc-77.edi"})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"]["status"] == "ingested" and body["message"]["travellers"] == 5
    assert body["screening"]["screened"] >= 5 and body["screening"]["alerts"] >= 1
    new = [a for a in world.screening.alerts() if a.id not in before]
    assert "un:KPi.901" in {a.entry_key for a in new}
    again = api.post("/api/v1/messages", content=message.encode(), headers=_as(world, "svc") | EDI)
    assert again.json()["message"]["status"] == "duplicate"
    assert {e["object_id"] for e in _audited(world, "travel.ingest")} >= {"kc-77.edi"}


def test_a_message_that_does_not_parse_is_kept_and_answered_422(api: TestClient, world: World) -> None:
    response = api.post("/api/v1/messages", content=b"UNA:+.? 'UNB+garbage", headers=_as(world, "ana") | EDI)
    assert response.status_code == 422 and response.json()["message"]["status"] == "failed"


def test_travel_routes_refuse_roles_without_travel_ingest(api: TestClient, world: World) -> None:
    (flight,) = make_flights(seed=12, flights=1, passengers=2, planted=[])
    for path, text in (("/api/v1/messages", paxlst(flight, 1)), ("/api/v1/iapi", paxlst(flight, 2, iapi=True))):
        for name in ("aud", "dpo", "admin"):
            response = api.post(path, content=text.encode(), headers=_as(world, name) | EDI)
            assert response.status_code == 403, (path, name)
            assert response.headers["content-type"] == "application/problem+json"
        assert api.post(path, content=text.encode(), headers=EDI).status_code == 401


def test_a_check_in_request_is_answered_with_cusres(api: TestClient, world: World) -> None:
    (flight,) = make_flights(seed=13, flights=1, passengers=3, planted=[ASKAR])
    response = api.post("/api/v1/iapi", content=paxlst(flight, 9, iapi=True).encode(), headers=_as(world, "svc") | EDI)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/edifact")
    assert "UNH+" in response.text and "CUSRES" in response.text
    assert "2Z" in response.headers["x-tekser-directives"]  # the listed traveller: advisory, never 0Z
    bad = api.post("/api/v1/iapi", content=b"not edifact", headers=_as(world, "svc") | EDI)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_screening_status(api: TestClient, world: World) -> None:
    status = api.get("/api/v1/screening-status", headers=_as(world, "aud"))
    assert status.status_code == 200
    assert status.json()["active_versions"] == {"un": "un@1"} and status.json()["subjects"] >= 1


# --- operations and sizes ---------------------------------------------------------------------------


def test_healthz_and_readyz_answer_without_a_caller(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "database": True, "active_lists": 1}


def _empty(tmp_path: Path) -> tuple[TestClient, Engine, str]:
    engine = open_database(f"sqlite:///{tmp_path / 'empty.db'}")
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    screening = SqlScreeningStore(engine)
    iapi = IapiService(ScreeningService(SqlWatchlistStore(engine), screening), screening)
    store = SqlWorkflowStore(engine)
    access = AccessService(store, FAST_HASHER, require_admin_mfa=False)
    access.create_first_administrator("admin", PASSWORD)
    key = access.create_key(access.cli_principal("admin", PASSWORD), "api").key
    workflow = WorkflowService(store, screening, iapi)
    desk = Desk(engine, store, screening, access, workflow, CaseService(store, screening),
                InternalListService(store, ListPublisher(lists)), AuditService(SqlAuditStore(engine)),
                ListAdministration(lists), Operations(SqlAuditStore(engine)), None)  # fmt: skip
    return TestClient(create_app(Settings(db_url="sqlite://"), desk), base_url="https://testserver"), engine, key


def test_readyz_is_503_until_a_list_is_imported(tmp_path: Path, fixtures_dir: Path) -> None:
    api, engine, key = _empty(tmp_path)
    waiting = api.get("/readyz")
    assert waiting.status_code == 503 and waiting.json()["active_lists"] == 0
    file = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes()
    imported = api.post("/api/v1/lists/un/import", content=file, params=UN,
                        headers={"Authorization": f"Bearer {key}"} | RAW)  # fmt: skip
    assert imported.status_code == 200 and imported.json()["ok"] is True, imported.text
    assert api.get("/readyz").status_code == 200
    engine.dispose()


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    api, engine, _ = _empty(tmp_path)
    (tmp_path / "empty.db").unlink()
    (tmp_path / "empty.db").mkdir()  # the file is gone and cannot be opened again
    engine.dispose()
    response = api.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] is False


def test_a_list_upload_has_its_own_size_limit(api: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _as(world, "admin")
    big = _un_file(world) + b" " * (20 * 1024)  # past the 16 KiB every other route accepts
    assert api.post("/api/policy", content=big, headers=admin | RAW).status_code == 413
    accepted = api.post("/api/v1/lists/un/import", content=big, headers=admin | RAW, params=UN)
    assert accepted.status_code == 200, accepted.text
    anonymous = api.post("/api/v1/lists/un/import", content=big, headers=RAW, params=UN)
    assert anonymous.status_code == 413  # no credentials: no large body is buffered
    monkeypatch.setattr(guards, "MAX_LIST_UPLOAD", 4096)
    refused = api.post("/api/v1/lists/un/import", content=big, headers=admin | RAW, params=UN)
    assert refused.status_code == 413 and refused.headers["content-type"] == "application/problem+json"
    assert [v.label for v in world.lists.versions("un")] == ["un@1"]
