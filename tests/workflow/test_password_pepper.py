"""The password pepper (ASVS 2.4.5): a deployment secret outside the database mixed into every
password before argon2id; older hashes still verify and are made anew at the next sign-in."""

from __future__ import annotations

import copy
import io
import logging
import logging.config
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import FAST_HASHER, PASSWORD, World
from typer.testing import CliRunner

from tekser.api.access_log import log_config
from tekser.api.app import create_app
from tekser.cli.main import app as cli_app
from tekser.domain.access import Role
from tekser.errors import ConfigError, Unauthenticated
from tekser.services.access import PEPPERED, AccessService
from tekser.settings import Settings
from tekser.storage.tables import users
from tekser.wiring import Desk

PEPPER = b"a-deployment-secret-of-more-than-32-characters"
OTHER = b"another-deployment-secret-of-32-characters-or-more"


def _hash(world: World, name: str) -> str:
    with world.engine.connect() as connection:
        return str(connection.execute(select(users.c.password_hash).where(users.c.username == name)).scalar_one())


def _service(world: World, pepper: bytes | None, hasher: PasswordHasher = FAST_HASHER) -> AccessService:
    return AccessService(world.store, hasher, world.clock, pepper=pepper)


def test_a_peppered_hash_is_of_the_hmac_and_verifies_only_with_the_same_pepper(world: World) -> None:
    peppered = _service(world, PEPPER)
    code = peppered.add_user(world.who["admin"], "zoe", Role.AUDITOR).code
    peppered.enrol("zoe", code, PASSWORD)
    stored = _hash(world, "zoe")
    assert stored.startswith(PEPPERED + "$argon2id$")
    with pytest.raises(VerifyMismatchError):  # argon2 of the password itself: not what was hashed
        FAST_HASHER.verify(stored.removeprefix(PEPPERED), PASSWORD)
    assert peppered.cli_principal("zoe", PASSWORD).username == "zoe"
    with pytest.raises(Unauthenticated):
        _service(world, OTHER).login("zoe", PASSWORD)
    with pytest.raises(Unauthenticated):
        peppered.login("zoe", "not the password at all")
    # the pepper forgotten: a clear configuration error, never a pass
    with pytest.raises(ConfigError, match="TEKSER_PASSWORD_PEPPER"):
        _service(world, None).login("zoe", PASSWORD)
    assert _hash(world, "zoe") == stored


def test_the_api_answers_a_missing_pepper_with_a_server_error_not_a_crash(world: World, desk: Desk) -> None:
    _service(world, PEPPER).login("ana", PASSWORD)  # ana's hash is peppered now
    api = TestClient(create_app(Settings(db_url="sqlite://"), desk), base_url="https://testserver")
    answer = api.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert answer.status_code == 500
    assert answer.json()["error"] == "ConfigError" and "pepper" in answer.json()["message"]
    assert PEPPER.decode() not in answer.text


def test_hashes_made_before_the_pepper_are_peppered_at_the_next_sign_in(world: World) -> None:
    old = _hash(world, "ana")
    assert not old.startswith(PEPPERED)
    peppered = _service(world, PEPPER)
    peppered.login("ana", PASSWORD)
    new = _hash(world, "ana")
    assert new.startswith(PEPPERED) and new != old
    assert peppered.cli_principal("ana", PASSWORD).username == "ana"  # and it verifies
    assert _hash(world, "ana") == new  # not made again
    with pytest.raises(ConfigError):
        world.access.login("ana", PASSWORD)  # the old, pepper-less service can no longer check it
    # a failed sign-in changes nothing
    ali = _hash(world, "ali")
    with pytest.raises(Unauthenticated):
        peppered.login("ali", "not the password at all")
    assert _hash(world, "ali") == ali


def test_a_hash_with_weaker_argon2_parameters_is_made_anew_at_the_next_sign_in(world: World) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert "m=1024,t=1" in _hash(world, "sue")
    _service(world, None, stronger).login("sue", PASSWORD)
    assert "m=2048,t=2" in _hash(world, "sue") and not _hash(world, "sue").startswith(PEPPERED)
    _service(world, PEPPER, stronger).login("sue", PASSWORD)
    assert _hash(world, "sue").startswith(PEPPERED + "$argon2id$v=19$m=2048,t=2")


def test_a_reset_made_meanwhile_is_not_undone_by_a_new_hash(world: World) -> None:
    old = _hash(world, "aud")
    world.access.reset(world.who["admin"], "aud", "lost laptop")
    with world.store.transaction() as tx:
        assert not tx.replace_password_hash(world.who["aud"].user_id, old, "pepper1$whatever")
    assert _hash(world, "aud") == "!"


def test_the_pepper_comes_from_the_environment_or_a_file_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings().pepper() is None
    monkeypatch.setenv("TEKSER_PASSWORD_PEPPER", PEPPER.decode())
    settings = Settings()
    assert settings.pepper() == PEPPER
    assert PEPPER.decode() not in repr(settings) and PEPPER.decode() not in str(settings.model_dump())
    secret = tmp_path / "pepper"
    secret.write_text(OTHER.decode() + "\n", encoding="utf-8")
    monkeypatch.setenv("TEKSER_PASSWORD_PEPPER_FILE", str(secret))
    with pytest.raises(ConfigError, match="not both"):
        Settings().pepper()
    monkeypatch.delenv("TEKSER_PASSWORD_PEPPER")
    assert Settings().pepper() == OTHER
    secret.write_text("short\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="at least 32") as short:
        Settings().pepper()
    assert "short" not in str(short.value).replace("at least", "")
    monkeypatch.setenv("TEKSER_PASSWORD_PEPPER_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="cannot read"):
        Settings().pepper()


def test_tekser_serve_warns_without_a_pepper_and_redacts_it_from_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options))
    db = ["serve", "--db", f"sqlite:///{tmp_path / 'serve.sqlite'}"]
    plain = CliRunner().invoke(cli_app, db)
    assert plain.exit_code == 0 and "no password pepper is configured" in plain.output
    peppered = CliRunner().invoke(cli_app, db, env={"TEKSER_PASSWORD_PEPPER": PEPPER.decode()})
    assert peppered.exit_code == 0 and "pepper" not in peppered.output
    config = copy.deepcopy(served[-1]["log_config"])
    assert isinstance(config, dict) and config == log_config([PEPPER.decode()])
    written = io.StringIO()
    config["handlers"]["default"]["stream"] = written
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.error").error("odd: %s", PEPPER.decode())
    finally:
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).handlers.clear()
    assert "odd: REDACTED" in written.getvalue() and PEPPER.decode() not in written.getvalue()
