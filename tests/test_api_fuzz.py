"""Schemathesis drives every operation of ``/api/v1/openapi.json`` through the app.

Cases come from the OpenAPI document the app serves (valid and invalid data, with
and without the seeded event's, entry's and programme's ids in the path) and go
in-process to the app on the test's own event loop, with an admin's bearer token.
Every answer must be a documented status code, content type and body, and never 5xx.

Hypothesis runs derandomized (the same cases every run) with ``CONVENOR_FUZZ_EXAMPLES``
examples per operation and mode (default 12, about a minute on two cores); set it
higher for a deeper search.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from convenor import auth
from convenor.models import Role
from programmes.data import RoomData
from programmes.drafts import add_room
from programmes.publishing import publish_programme
from tests.conftest import make_staff
from tests.directory.factories import make_entry
from tests.events.factories import published_event, registered
from tests.programmes.factories import make_session, make_speaker

EXAMPLES = int(os.environ.get("CONVENOR_FUZZ_EXAMPLES", "12"))
BASE = "http://testserver"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


async def seed(settings) -> tuple[str, dict[str, int]]:
    """An admin's token and the path ids of a published event with a registration, a
    programme (room, speaker, session, version 1) and a published directory entry."""
    admin = await make_staff(Role.ADMIN)
    token = await auth.create_api_token(admin.email)
    event = await published_event(admin)
    await registered(admin, event, settings, 1)
    room = await add_room(admin, event.id, RoomData(name="Main Hall", capacity=200))
    speaker = await make_speaker(admin, event, "Ann Speaker", email="ann@example.org")
    session = await make_session(
        admin, event, "Welcome", 0, 1, speakers=(speaker,), room_id=room.id
    )
    await publish_programme(admin, event.id, settings)
    entry = await make_entry()
    ids = {
        "id": event.id,
        "entry_id": entry.id,
        "room_id": room.id,
        "speaker_id": speaker.id,
        "session_id": session.id,
        "number": 1,
    }
    return token, ids


def fuzz_operation(operation, ids: dict[str, int], send: Callable, failures: dict) -> None:
    """Run Hypothesis over one operation; record each distinct failure once."""
    names = {p.name for p in operation.path_parameters}
    strategies = [operation.as_strategy(generation_mode=mode) for mode in MODES]
    if names and names <= ids.keys():
        seeded = {name: ids[name] for name in names}
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters=seeded) for mode in MODES
        ]

    @hypothesis_settings(
        max_examples=EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def run(case) -> None:
        kwargs = case.as_transport_kwargs(base_url=BASE)
        prepared = requests.Request(
            method=kwargs["method"],
            url=kwargs["url"],
            headers=kwargs.get("headers"),
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            data=kwargs.get("data"),
            files=kwargs.get("files"),
            cookies=kwargs.get("cookies"),
        ).prepare()
        try:
            response = send(prepared)
        except httpx.InvalidURL:
            return  # over 64 KB: no HTTP server passes such a request line to the app
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:
            for failure in exc.exceptions:
                title = getattr(failure, "title", type(failure).__name__)
                key = (operation.label, title, response.status_code)
                failures.setdefault(key, f"{prepared.method} {prepared.url}\n{exc}"[:1500])

    run()


async def test_api_fuzz_no_server_errors_and_every_answer_documented(app, settings):
    token, ids = await seed(settings)
    loop = asyncio.get_running_loop()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        document = (await client.get("/api/v1/openapi.json")).json()
        schema = schemathesis.openapi.from_dict(document)
        operations = [result.ok() for result in schema.get_all_operations()]
        # deleting last keeps the seeded room, speaker and session for the others
        operations.sort(key=lambda op: op.method.upper() == "DELETE")

        def send(prepared: requests.PreparedRequest) -> httpx.Response:
            headers = {**prepared.headers, "Authorization": f"Bearer {token}"}
            request = client.request(
                prepared.method or "GET", prepared.url or "", headers=headers, content=prepared.body
            )
            return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=120)

        failures: dict = {}
        for operation in operations:
            await asyncio.to_thread(fuzz_operation, operation, ids, send, failures)

    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    assert not failures, "\n\n".join(failures.values())
