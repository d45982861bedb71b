"""The sign-in throttle under concurrency, and password checks off the event loop.

Password checks are counted by a PasswordHasher that records each call (the real
argon2 work still runs): the throttle's promise is about how many passwords are
checked, not only about the answers.
"""

import asyncio
import os
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from convenor import auth, throttle
from convenor.errors import Invalid, RateLimited
from convenor.models import LoginThrottle, StaffSession
from tests.conftest import STAFF_PASSWORD, csrf_token, make_staff


class RecordingHasher(PasswordHasher):
    """argon2id at the costs of ``like`` (the settings' hasher), noting how many checks
    ran, at most how many at once, and where."""

    def __init__(self, like: PasswordHasher) -> None:
        super().__init__(
            time_cost=like.time_cost,
            memory_cost=like.memory_cost,
            parallelism=like.parallelism,
            hash_len=like.hash_len,
            salt_len=like.salt_len,
            type=like.type,
        )
        self.verified = 0
        self.hashed = 0
        self.running = 0
        self.most_at_once = 0
        self.threads: set[str] = set()
        self.niceness: set[int] = set()
        self._lock = threading.Lock()

    def _work(self, run):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.threads.add(threading.current_thread().name)
            self.niceness.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        try:
            return run()
        finally:
            with self._lock:
                self.running -= 1

    def verify(self, hash, password):
        with self._lock:
            self.verified += 1
        return self._work(lambda: super(RecordingHasher, self).verify(hash, password))

    def hash(self, password, *, salt=None):
        with self._lock:
            self.hashed += 1
        return self._work(lambda: super(RecordingHasher, self).hash(password, salt=salt))


@pytest.fixture
def hasher(monkeypatch, settings) -> RecordingHasher:
    recording = RecordingHasher(auth.password_hasher(settings))
    monkeypatch.setattr(auth, "_hasher", recording)
    return recording


async def sign_in_attempt(email, password, settings, address="192.0.2.7"):
    try:
        await auth.authenticate(email, password, address, settings)
    except RateLimited:
        return "limited"
    except Invalid:
        return "wrong"
    return "ok"


async def test_thirty_concurrent_wrong_passwords_check_only_five(settings, organiser, hasher):
    results = await asyncio.gather(
        *(sign_in_attempt(organiser.email, f"wrong {i}", settings) for i in range(30))
    )

    assert hasher.verified == settings.login_failures_per_account == 5
    assert sorted(results) == ["limited"] * 25 + ["wrong"] * 5
    window = timedelta(minutes=settings.login_window_minutes)
    account = throttle.account_key(organiser.email)
    assert await throttle.attempts(account, window, auth.now()) == 5


async def test_right_password_is_refused_while_the_account_is_locked(settings, organiser, hasher):
    await asyncio.gather(*(sign_in_attempt(organiser.email, "wrong", settings) for _ in range(8)))

    result = await sign_in_attempt(organiser.email, STAFF_PASSWORD, settings)

    assert result == "limited"
    assert hasher.verified == 5


async def test_right_password_works_once_the_window_has_passed(settings, organiser, hasher):
    await asyncio.gather(*(sign_in_attempt(organiser.email, "wrong", settings) for _ in range(8)))
    passed = timedelta(minutes=settings.login_window_minutes, seconds=1)
    await LoginThrottle.all().update(window_started_at=auth.now() - passed)

    result = await sign_in_attempt(organiser.email, STAFF_PASSWORD, settings)

    assert result == "ok"
    assert hasher.verified == 6


async def test_thirty_concurrent_sign_ins_over_http_check_only_five(client, organiser, hasher):
    token = await csrf_token(client)
    form = {"email": organiser.email, "csrf_token": token}

    responses = await asyncio.gather(
        *(client.post("/login", data={**form, "password": f"wrong {i}"}) for i in range(30))
    )

    assert hasher.verified == 5
    assert sorted(r.status_code for r in responses) == [400] * 5 + [429] * 25
    limited = next(r for r in responses if r.status_code == 429)
    assert "Too many failed sign-ins for this account" in limited.text
    assert await StaffSession.all().count() == 0


async def test_http_sign_in_works_after_the_window(client, organiser, settings, hasher):
    token = await csrf_token(client)
    form = {"email": organiser.email, "csrf_token": token}
    wrong = {**form, "password": "no"}
    await asyncio.gather(*(client.post("/login", data=wrong) for _ in range(8)))
    passed = timedelta(minutes=settings.login_window_minutes, seconds=1)
    await LoginThrottle.all().update(window_started_at=auth.now() - passed)

    response = await client.post("/login", data={**form, "password": STAFF_PASSWORD})

    assert response.status_code == 303
    assert await StaffSession.filter(user=organiser, revoked_at=None).count() == 1


async def test_one_address_trying_many_accounts_checks_only_its_limit(settings, app, hasher):
    emails = [f"nobody-{i}@example.org" for i in range(30)]

    results = await asyncio.gather(*(sign_in_attempt(e, "guess", settings) for e in emails))

    assert hasher.verified == settings.login_failures_per_address == 20
    assert sorted(results) == ["limited"] * 10 + ["wrong"] * 20


async def test_an_address_refused_gives_the_accounts_attempt_back(settings, organiser, hasher):
    tight = replace(settings, login_failures_per_address=2)
    for i in range(2):
        await sign_in_attempt(f"other-{i}@example.org", "guess", tight)

    refused = await sign_in_attempt(organiser.email, STAFF_PASSWORD, tight)
    other_address = await sign_in_attempt(organiser.email, STAFF_PASSWORD, tight, "192.0.2.99")

    assert (refused, other_address) == ("limited", "ok")
    assert hasher.verified == 3


async def test_successful_sign_ins_do_not_use_up_the_address(settings, organiser, hasher):
    tight = replace(settings, login_failures_per_address=2)

    results = [await sign_in_attempt(organiser.email, STAFF_PASSWORD, tight) for _ in range(4)]

    assert results == ["ok"] * 4
    window = timedelta(minutes=settings.login_window_minutes)
    assert await throttle.attempts(throttle.client_key("192.0.2.7"), window, auth.now()) == 0


async def test_password_checks_run_off_the_event_loop_two_at_a_time(settings, app, monkeypatch):
    # the recommended costs here, so that each check lasts long enough to overlap others
    hasher = RecordingHasher(PasswordHasher())
    monkeypatch.setattr(auth, "_hasher", hasher)
    users = [await make_staff() for _ in range(3)]
    hasher.threads.clear()

    results = await asyncio.gather(
        *(
            sign_in_attempt(u.email, STAFF_PASSWORD, settings, f"192.0.2.{i}")
            for i, u in enumerate(users * 2)
        )
    )

    assert results == ["ok"] * 6
    assert threading.main_thread().name not in hasher.threads
    assert all(name.startswith("convenor-argon2") for name in hasher.threads)
    assert hasher.most_at_once <= auth.PASSWORD_CHECKS_AT_ONCE == 2
    assert min(hasher.niceness) >= auth.PASSWORD_CHECK_NICENESS == 10
