"""Secrets and personal data stay out of the API's logs, audit records and error answers
(issue 16, finding 7)."""

from __future__ import annotations

import copy
import io
import json
import logging
import socket
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import PASSWORD, World
from typer.testing import CliRunner

from tekser.api.app import create_app
from tekser.cli.main import app as cli_app
from tekser.settings import Settings
from tekser.storage.tables import audit_events
from tekser.wiring import Desk


def _audited(world: World) -> str:
    with world.engine.connect() as connection:
        rows = connection.execute(select(audit_events)).mappings().all()
    return json.dumps([dict(r) for r in rows], default=str)


def _serve_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """What `tekser serve` hands to uvicorn (uvicorn.run replaced: nothing listens)."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    result = CliRunner().invoke(cli_app, ["serve", "--db", f"sqlite:///{tmp_path / 'serve.sqlite'}"])
    assert result.exit_code == 0, result.output
    return seen


def test_the_access_log_of_tekser_serve_writes_no_query_string(
    desk: Desk, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = copy.deepcopy(_serve_options(monkeypatch, tmp_path)["log_config"])
    written = io.StringIO()
    config["handlers"]["access"]["stream"] = written
    key = world.access.create_key(world.who["ana"], "x").key
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db_url="sqlite://"), desk), log_config=config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):  # until it listens (at most 10 s)
            if server.started:
                break
            threading.Event().wait(0.02)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/api/alerts?api_key={key}").status_code == 400
        assert httpx.get(f"{base}/api/me", params={"purpose": "case 42, N01234567"}).status_code == 401
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # the streams were this test's
            logging.getLogger(name).handlers.clear()
    log = written.getvalue()
    assert '"GET /api/alerts HTTP/1.1" 400' in log and '"GET /api/me HTTP/1.1" 401' in log
    assert key not in log and key[:12] not in log
    assert "?" not in log and "N01234567" not in log


@pytest.mark.parametrize(
    "query",
    [
        "k=%74k_{key}",  # the key, percent-encoded
        "q=%2574k_{key}",  # encoded twice
        "passwd=",
        "passwd=hunter2hunter2",
        "%70assword=hunter2hunter2",
        "access%5Ftoken=abc",
        "apiKey=abc",
        "sig=abc",
        "purpose=review&pwd=abc",
        "note=tk_{key}",
        "status=new&api_key=tk_{key}",  # a secret after an ordinary parameter (issue 18)
        "status=new&note=see%20tk_{key}",  # a key inside a value, after an ordinary parameter
    ],
)
def test_a_secret_in_a_url_is_refused_however_it_is_encoded(api: TestClient, world: World, query: str) -> None:
    key = world.access.create_key(world.who["ana"], "x").key
    url = "/api/alerts?" + query.format(key=key.removeprefix("tk_"))
    response = api.get(url, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 400, url
    assert "no secrets in URLs" in response.json()["message"]


def test_ordinary_query_parameters_pass(api: TestClient, world: World) -> None:
    key = world.access.create_key(world.who["ana"], "x").key
    response = api.get("/api/alerts?status=new&limit=5&purpose=review", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text


def test_a_password_typed_as_the_user_name_is_not_audited(api: TestClient, world: World) -> None:
    typed = "Tr0ub4dor&3-my-password"
    assert api.post("/api/session", json={"username": typed, "password": "x"}).status_code == 401
    assert api.post("/api/session", json={"username": "ana", "password": typed}).status_code == 401
    failures = [e for e in world.audit.events(world.who["aud"]) if e["action"] == "auth.failure"]
    assert [(e["actor"], e["object_id"]) for e in failures] == [("unknown user", "unknown user"), ("ana", "ana")]
    assert "Tr0ub4dor" not in _audited(world)


def test_a_refused_request_body_is_not_echoed(api: TestClient) -> None:
    secret = "S3cret-pass-of-zoe"
    not_a_name = api.post("/api/session", json={"username": ["ana"], "password": secret})
    assert not_a_name.status_code == 422
    assert not_a_name.json()["errors"] == [
        {"type": "string_type", "loc": ["body", "username"], "msg": "Input should be a valid string"}
    ]
    _ = api.post("/api/session", json={"username": "admin", "password": PASSWORD})
    no_such_role = api.post("/api/users", json={"username": "zoe", "password": secret, "role": "emperor"})
    broken = api.post("/api/session", content='{"username": "ana", "password": "' + secret + '"', headers={
        "Content-Type": "application/json"})  # fmt: skip
    assert broken.status_code == 400 and secret not in broken.text  # not JSON: refused before any route
    for response in (not_a_name, no_such_role):
        assert response.status_code == 422, response.text
        assert secret not in response.text and "emperor" not in response.text
        assert all(set(item) == {"type", "loc", "msg"} for item in response.json()["errors"])
