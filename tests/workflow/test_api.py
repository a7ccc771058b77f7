"""The HTTP API: sessions (cookies), API keys, errors as statuses, no secrets in URLs."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from tests.workflow.conftest import PASSWORD, World, add_enrolled

from tekser.api.app import COOKIE
from tekser.domain.access import Role
from tekser.exports.signing import verify


def _sign_in(api: TestClient, user: str) -> TestClient:
    response = api.post("/api/session", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return api


def test_the_session_cookie_is_secure_httponly_strict_and_times_out(api: TestClient, world: World) -> None:
    response = api.post("/api/session", json={"username": "ana", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie
    for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/;"):
        assert flag.lower() in cookie.lower()
    assert api.get("/api/me").json() == {"username": "ana", "role": "analyst", "via": "session", "notices": []}
    world.clock.advance(minutes=16)
    response = api.get("/api/me")
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_a_wrong_password_is_401_and_a_refused_action_403(api: TestClient) -> None:
    assert api.post("/api/session", json={"username": "ana", "password": "nope nope nope"}).status_code == 401
    assert api.get("/api/alerts").status_code == 401
    _sign_in(api, "admin")
    response = api.get("/api/alerts")
    assert response.status_code == 403 and "may not alert.list" in response.json()["message"]


def test_no_secret_in_a_url_and_no_foreign_origin(api: TestClient, world: World) -> None:
    key = world.access.create_key(world.who["ana"], "x").key
    assert api.get(f"/api/alerts?api_key={key}").status_code == 400
    assert api.get(f"/api/alerts?q={key}").status_code == 400
    _sign_in(api, "ana")
    response = api.post(f"/api/alerts/{world.first_alert}/review", json={}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert world.workflow.state(world.first_alert).status.value == "new"


def test_four_eyes_over_http_with_keys_and_a_signed_transmission(api: TestClient, world: World) -> None:
    keys = {name: world.access.create_key(world.who[name], "api").key for name in ("ana", "sue", "sam", "aud")}

    def as_(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[name]}"}

    alert = world.first_alert
    shown = api.get(f"/api/alerts/{alert}", headers=as_("ana"), params={"purpose": "review"})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert api.post(f"/api/alerts/{alert}/review", json={}, headers=as_("ana")).json()["status"] == "in_review"
    response = api.post(f"/api/alerts/{alert}/decision", json={"verdict": "true_match"}, headers=as_("ana"))
    assert response.status_code == 422 and "reason" in response.json()["message"]
    api.post(f"/api/alerts/{alert}/decision", json={"verdict": "true_match", "reason": "documents match"},
             headers=as_("ana"))  # fmt: skip
    request = api.post(f"/api/alerts/{alert}/requests", json={"action": "freeze", "reason": "listed person"},
                       headers=as_("sue")).json()["request_id"]  # fmt: skip
    assert api.post(f"/api/requests/{request}/approve", json={"reason": "mine"}, headers=as_("sue")).status_code == 403
    again = api.post(f"/api/requests/{request}/approve", json={"reason": "checked"}, headers=as_("sam"))
    assert again.status_code == 200
    assert api.post(f"/api/requests/{request}/approve", json={"reason": "x2x"}, headers=as_("sam")).status_code == 409

    case = api.post("/api/cases", json={"title": "Freeze"}, headers=as_("ana")).json()["case_id"]
    api.post(f"/api/cases/{case}/alerts", json={"alert_id": alert}, headers=as_("ana"))
    pdf = api.get(f"/api/cases/{case}/file.pdf", headers=as_("aud"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    transmission = api.post(f"/api/cases/{case}/transmissions", json={"recipient": "FIU", "reason": "referral"},
                            headers=as_("ana")).json()["request_id"]  # fmt: skip
    signed = api.post(f"/api/transmissions/{transmission}/approve", json={"reason": "checked"}, headers=as_("sue"))
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert verify(base64.b64decode(body["pdf_base64"]), body["signature"], body["public_key"])
    verified = api.post("/api/audit/verify", json={}, headers=as_("aud")).json()
    assert verified["ok"] is True
    outcome = {"outcome": "secondary_positive", "note": "documents seized"}
    assert api.post(f"/api/alerts/{alert}/outcomes", json=outcome, headers=as_("sue")).status_code == 200
    events = api.get("/api/audit/events", params={"limit": 1000}, headers=as_("aud")).json()
    actions = {e["action"] for e in events}
    assert {"alert.view", "alert.decide", "alert.approve", "case.export", "case.transmission"} <= actions
    # every step taken over HTTP says from where (the client's address)
    by_http = [e for e in events if e["action"].startswith(("alert.", "case.")) and e["actor"] != "system"]
    assert by_http and {e["origin"] for e in by_http} == {"testclient"}, {(e["action"], e["origin"]) for e in by_http}


def test_a_key_is_made_only_from_a_session(api: TestClient, world: World) -> None:
    key = world.access.create_key(world.who["ana"], "x").key
    response = api.post("/api/keys", json={"label": "another"}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    _sign_in(api, "ana")
    made = api.post("/api/keys", json={"label": "script", "days": 7})
    assert made.status_code == 200 and made.json()["key"].startswith("tk_")


def test_the_last_administrator_cannot_demote_themselves_over_http(api: TestClient) -> None:
    _sign_in(api, "admin")
    response = api.post("/api/users/admin/role", json={"role": "analyst", "reason": "oops"})
    assert response.status_code == 409 and "last active administrator" in response.json()["message"]
    assert api.post("/api/users/admin/disable", json={"reason": "oops"}).status_code == 409
    assert {u["username"]: u["role"] for u in api.get("/api/users").json()}["admin"] == "administrator"


def test_a_locked_name_and_a_client_over_its_limit_get_429_with_retry_after(api: TestClient, world: World) -> None:
    for _ in range(5):
        assert api.post("/api/session", json={"username": "ana", "password": "nope nope nope"}).status_code == 401
    response = api.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["retry-after"] == "900"
    assert "try again after" in response.json()["message"] and COOKIE not in response.headers.get("set-cookie", "")
    world.clock.advance(minutes=15)
    _sign_in(api, "ana")
    # the client address: 20 failures in 10 minutes (4 per name, so that no name locks)
    for name in ("ali", "sue", "sam", "aud", "dpo"):  # the failures above are out of the window
        for _ in range(4):
            assert api.post("/api/session", json={"username": name, "password": "nope nope nope"}).status_code == 401
    response = api.post("/api/session", json={"username": "admin", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["retry-after"] == "600"
    assert "testclient" in response.json()["message"]  # the test client's address


def test_over_http_a_new_user_enrols_with_the_code_and_a_second_administrator_approves(
    api: TestClient, world: World
) -> None:
    add_enrolled(world.access, world.who["admin"], "adm2", Role.ADMINISTRATOR, approve=False)  # the bootstrap
    _sign_in(api, "admin")
    added = api.post("/api/users", json={"username": "vic", "role": "supervisor", "password": PASSWORD})
    assert added.status_code == 200, added.text
    assert added.json()["role_pending"] and "password" not in added.json()
    assert (added.json()["code_part"], added.json()["code_parts"]) == (1, 2)
    first = added.json()["enrolment_code"]
    assert api.post("/api/users/vic/approve-role").status_code == 403  # the granting administrator
    api.delete("/api/session")
    enrol = {"username": "vic", "code": first, "password": PASSWORD}
    assert api.post("/api/enrol", json=enrol).status_code == 403  # the second part is missing
    _sign_in(api, "adm2")
    approved = api.post("/api/users/vic/approve-role")
    assert approved.status_code == 200 and approved.json()["code_part"] == 2, approved.text
    api.delete("/api/session")
    enrol["code"] = first + " " + approved.json()["enrolment_code"]
    assert api.post("/api/enrol", json=enrol).status_code == 200
    assert api.post("/api/enrol", json=enrol).status_code == 401  # once
    assert api.post("/api/session", json={"username": "vic", "password": PASSWORD}).status_code == 200
    _sign_in(api, "admin")
    report = api.get("/api/audit/admin-report").json()
    assert [e["action"] for e in report if e["object_id"] == "vic"] == [
        "user.create",
        "user.enrol_failure",
        "user.role_approve",
        "user.enrol",
        "user.enrol_failure",
    ]


def test_the_api_and_the_command_line_list_an_alert_with_the_same_fields(api: TestClient, world: World) -> None:
    """`GET /api/alerts` and `tekser alerts list --format json|csv` give the same record (docs/cli.md),
    with the list name that matched beside the entry's primary name."""
    from tekser.cli.alerts import ALERT_FIELDS

    _sign_in(api, "ana")
    listed = api.get("/api/alerts").json()
    assert listed and all(list(a) == list(ALERT_FIELDS) for a in listed)
    assert all(a["matched_name"] and a["listed_name"] for a in listed)
