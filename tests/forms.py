"""HTTP helpers for page and API tests: a form posted with its CSRF token, a bearer
token's header, and a CSV download read back as rows."""

from __future__ import annotations

import csv
import io

import httpx

from tests.conftest import csrf_token


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict, page: str | None = None
) -> httpx.Response:
    """POST ``data`` to ``path`` with the CSRF token of ``page`` (``path`` itself if none),
    as a browser posts the form it was shown."""
    token = await csrf_token(client, page or path)
    return await client.post(path, data={**data, "csrf_token": token})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_csv(response: httpx.Response) -> list[list[str]]:
    """A CSV download's rows; it must start with the BOM Excel needs for UTF-8."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
