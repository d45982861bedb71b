"""Security headers, error pages, health checks and the API conventions over HTTP."""

from dataclasses import replace

import httpx
import pytest
from starlette.routing import Route

from convenor import auth
from convenor.app import create_app
from convenor.security import CSP

PAGES = [
    "/",
    "/login",
    "/healthz",
    "/readyz",
    "/static/convenor.css",
    "/no-such-page",
    "/api/v1/openapi.json",
    "/api/v1/me",
    "/api/v1/nothing-here",
]


@pytest.mark.parametrize("path", PAGES)
async def test_every_response_carries_the_security_headers(client, path):
    response = await client.get(path)

    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-request-id"]
    assert "strict-transport-security" not in response.headers


async def test_pages_with_personal_data_are_not_stored(staff_client):
    response = await staff_client.get("/staff")

    assert response.headers["cache-control"] == "no-store"


async def test_not_found_page_uses_the_site_layout(client):
    response = await client.get("/no-such-page")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert 'href="#main"' in response.text
    assert "Traceback" not in response.text


async def test_wrong_method_gets_405_page(client):
    response = await client.delete("/login", headers={"X-CSRF-Token": "x"})

    assert response.status_code in (403, 405)
    token_page = await client.get("/login")
    token = token_page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = await client.put("/login", data={"csrf_token": token})
    assert response.status_code == 405
    assert "<h1>Not allowed</h1>" in response.text


async def test_oversized_request_gets_413(client):
    response = await client.post(
        "/login",
        content=b"x" * (10 * 1024 * 1024 + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.text


async def test_healthz_answers_while_process_is_up(client):
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_200_when_database_answers(client):
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_api_me_without_token_is_401_json(client):
    response = await client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "unauthorised",
            "message": "Sign in, or send a valid API token.",
            "fields": {},
        }
    }


async def test_api_me_with_token_returns_the_user(client, organiser):
    token = await auth.create_api_token(organiser.email, "tests")

    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {
        "id": organiser.id,
        "email": organiser.email,
        "name": organiser.name,
        "role": "organiser",
    }


async def test_api_rejects_a_revoked_or_made_up_token(client, organiser):
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer cvn_madeup"})

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The API token is not valid or has been revoked."


async def test_api_unknown_path_is_json_404(client):
    response = await client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_openapi_document_is_generated_from_routes(client):
    response = await client.get("/api/v1/openapi.json")

    document = response.json()
    assert response.status_code == 200
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Convenor API"
    assert "get" in document["paths"]["/api/v1/me"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_unexpected_error_shows_500_page_with_reference_and_no_traceback(settings):
    async def boom(request):
        raise RuntimeError("secret internals")

    broken = create_app(settings, run_worker=False)
    broken.router.routes.append(Route("/boom", boom))
    transport = httpx.ASGITransport(app=broken, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom")

    assert response.status_code == 500
    assert "<h1>Sorry, something went wrong</h1>" in response.text
    assert f"<code>{response.headers['x-request-id']}</code>" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


async def test_https_base_url_adds_hsts_and_secure_cookies(settings):
    secure = create_app(
        replace(settings, base_url="https://convenor.example.org"), run_worker=False
    )
    transport = httpx.ASGITransport(app=secure)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get("/login")

    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "Secure" in response.headers["set-cookie"]
