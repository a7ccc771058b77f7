"""Sign-in throttling: a name locks after 5 failures in a row (doubling), a client address after
20 failures in 10 minutes; the counts live in the database; one argon2 verification per sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from tests.workflow.conftest import FAST_HASHER, PASSWORD, World

from tekser.errors import TooManyAttempts, Unauthenticated
from tekser.services.access import AccessService, Throttle
from tekser.storage.workflow import SqlWorkflowStore

WRONG = "not the password at all"


def _fail(world: World, name: str, times: int, origin: str = "10.0.0.1") -> None:
    for _ in range(times):
        with pytest.raises(Unauthenticated) as refused:
            world.access.login(name, WRONG, origin)
        assert type(refused.value) is Unauthenticated  # a wrong password, not (yet) a lockout


def _audited(world: World, action: str) -> list[dict[str, Any]]:
    return [e for e in world.audit.events(world.who["aud"], limit=1000) if e["action"] == action]


def test_five_failures_lock_the_name_even_for_the_right_password_until_the_time_said(world: World) -> None:
    _fail(world, "ana", 5)
    with pytest.raises(TooManyAttempts) as right:
        world.access.login("ana", PASSWORD, "10.0.0.2")
    with pytest.raises(TooManyAttempts) as wrong:
        world.access.login("ana", WRONG, "10.0.0.2")
    assert str(right.value) == str(wrong.value)  # does not tell whether the password was right
    assert "try again after 2026-06-01 09:15:00 UTC" in str(right.value)
    assert right.value.retry_after == 15 * 60
    with pytest.raises(TooManyAttempts):
        world.access.cli_principal("ana", PASSWORD)  # `tekser keys create` signs in the same way
    world.clock.advance(minutes=14, seconds=59)
    with pytest.raises(TooManyAttempts) as later:
        world.access.login("ana", PASSWORD)
    assert later.value.retry_after == 1
    world.clock.advance(seconds=1)
    assert world.access.login("ana", PASSWORD)[1].username == "ana"
    (lockout,) = _audited(world, "auth.lockout")
    assert (lockout["object_type"], lockout["object_id"], lockout["origin"]) == ("user", "ana", "10.0.0.1")
    assert lockout["details"]["until"] == "2026-06-01T09:15:00+00:00"


def test_each_further_lockout_doubles_until_a_success(world: World) -> None:
    _fail(world, "sue", 5)
    world.clock.advance(minutes=15)
    _fail(world, "sue", 4)  # the count started again at the lockout
    with pytest.raises(Unauthenticated):
        world.access.login("sue", WRONG)
    with pytest.raises(TooManyAttempts) as second:
        world.access.login("sue", PASSWORD)
    assert second.value.retry_after == 30 * 60
    world.clock.advance(minutes=30)
    world.access.login("sue", PASSWORD)  # a success resets the count and the doubling
    _fail(world, "sue", 5)
    with pytest.raises(TooManyAttempts) as third:
        world.access.login("sue", PASSWORD)
    assert third.value.retry_after == 15 * 60


def test_failures_that_are_not_in_a_row_do_not_lock(world: World) -> None:
    _fail(world, "sam", 4)
    world.access.login("sam", PASSWORD)
    _fail(world, "sam", 4)
    world.access.login("sam", PASSWORD)


def test_unknown_and_disabled_names_lock_like_active_ones(world: World) -> None:
    world.access.set_active(world.who["admin"], "ali", False, "left")
    messages = {}
    for name in ("ana", "nobody", "ali"):
        _fail(world, name, 5)
        with pytest.raises(TooManyAttempts) as locked:
            world.access.login(name, PASSWORD, "10.0.0.3")
        messages[name] = str(locked.value).replace(repr(name), "NAME")
    assert len(set(messages.values())) == 1, messages  # a lockout does not tell which names exist


def test_a_client_address_is_refused_after_20_failures_in_10_minutes(world: World) -> None:
    for name in ("ana", "ali", "sue", "sam", "aud"):  # 4 each: no name locks
        for _ in range(4):
            _fail(world, name, 1, origin="203.0.113.7")
            world.clock.advance(seconds=10)
    with pytest.raises(TooManyAttempts) as refused:
        world.access.login("dpo", PASSWORD, "203.0.113.7")
    assert "203.0.113.7" in str(refused.value)
    assert refused.value.retry_after == 600 - 200  # when the first failure leaves the window
    assert world.access.login("dpo", PASSWORD, "198.51.100.1")[1].username == "dpo"  # other addresses: no
    world.clock.advance(seconds=refused.value.retry_after - 1)
    with pytest.raises(TooManyAttempts):
        world.access.login("dpo", PASSWORD, "203.0.113.7")
    world.clock.advance(seconds=1)
    assert world.access.login("dpo", PASSWORD, "203.0.113.7")[1].username == "dpo"
    (lockout,) = [e for e in _audited(world, "auth.lockout") if e["object_type"] == "client"]
    assert lockout["object_id"] == "203.0.113.7" and lockout["details"]["failures"] == 20


def test_the_counts_are_shared_by_every_process(world: World) -> None:
    _fail(world, "ana", 5)
    another = AccessService(SqlWorkflowStore(world.engine), FAST_HASHER, world.clock)  # another process
    with pytest.raises(TooManyAttempts):
        another.cli_principal("ana", PASSWORD, "cli@elsewhere")


class CountingHasher(PasswordHasher):
    """The test-sized hasher, counting its argon2 runs."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0
        self.hashed = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashed += 1
        return super().hash(password, salt=salt)


def test_one_argon2_verification_for_unknown_disabled_and_active_users(world: World) -> None:
    world.access.set_active(world.who["admin"], "ali", False, "left")
    hasher = CountingHasher()
    access = AccessService(world.store, hasher, world.clock)
    access.login("ana", PASSWORD, "10.0.0.4")  # the first sign-in makes the dummy hash, whoever it is
    runs = {}
    for name, password in (("nobody", PASSWORD), ("ali", PASSWORD), ("ana", WRONG), ("ana", PASSWORD)):
        hasher.verified = hasher.hashed = 0
        if (name, password) == ("ana", PASSWORD):
            access.login(name, password, "10.0.0.4")
        else:
            with pytest.raises(Unauthenticated) as refused:
                access.login(name, password, "10.0.0.4")
            assert type(refused.value) is Unauthenticated
        runs[name, password] = (hasher.verified, hasher.hashed)
    assert set(runs.values()) == {(1, 0)}, runs


def test_a_day_without_a_failure_starts_the_count_again(world: World) -> None:
    _fail(world, "aud", 4)
    world.clock.advance(days=1, seconds=1)
    _fail(world, "aud", 4)  # would have been the 5th to 8th in a row
    world.access.login("aud", PASSWORD)


def test_the_lock_doubles_up_to_a_day() -> None:
    throttle = Throttle()
    expected = [timedelta(minutes=15 * 2**n) for n in range(7)] + [timedelta(hours=24)]  # 15 min ... 16 h, 24 h
    assert [throttle.lock_for(n) for n in range(8)] == expected
    assert throttle.lock_for(10**6) == timedelta(hours=24)  # no overflow however many lockouts


def test_concurrent_failures_all_count_and_nothing_deadlocks(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> str:
        try:
            world.access.login(("ana", "sue", "nobody")[i % 3], WRONG, f"10.0.1.{i % 4}")
        except Unauthenticated as refused:
            return type(refused).__name__
        return "signed in"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(24)))
    assert set(answers) <= {"Unauthenticated", "TooManyAttempts"}
    for name in ("ana", "sue", "nobody"):  # 8 failures each (or refusals once locked): all locked
        with pytest.raises(TooManyAttempts):
            world.access.login(name, PASSWORD, "10.0.2.1")
    assert world.audit.verify(world.who["aud"]).ok


def test_a_refusal_already_decided_is_repeated_without_reading_the_database(world: World) -> None:
    _fail(world, "ana", 5)
    reads: list[str] = []
    store = world.access.store
    for name in ("client_failures", "sign_in_account"):
        original = getattr(store, name)

        def counted(*args: Any, _original: Any = original, _name: str = name) -> Any:
            reads.append(_name)
            return _original(*args)

        setattr(store, name, counted)
    with pytest.raises(TooManyAttempts):
        world.access.login("ana", PASSWORD, "10.0.0.2")  # decided from the database, then remembered
    first = len(reads)
    for _ in range(20):
        with pytest.raises(TooManyAttempts):
            world.access.login("ana", PASSWORD, "10.0.0.2")
    assert len(reads) == first  # a flood costs no database read
    world.clock.advance(minutes=15)
    assert world.access.login("ana", PASSWORD)[1].username == "ana"  # the lock ended: asked again
    assert len(reads) > first
