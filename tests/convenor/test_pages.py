"""Security headers, the CSRF cookie, error pages, health checks and the API conventions
over HTTP."""

import re
from dataclasses import replace

import httpx
import pytest
from starlette.routing import Route

from convenor import auth
from convenor.app import create_app
from convenor.models import StaffSession
from convenor.security import CSP, CSRF_COOKIE, csrf_token_for
from directory.taxonomy import ensure_taxonomy
from programmes.publishing import publish_programme
from tests.conftest import STAFF_PASSWORD, TEST_SECRET, form_token, sign_in
from tests.directory.factories import GROUP_FORM
from tests.events.factories import published_event
from tests.programmes.factories import make_session

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
    token = form_token(await client.get("/login"))
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


async def test_api_me_without_token_is_401_json(client, organiser):
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
    token = await auth.create_api_token(organiser.email, "tests")
    control = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert control.status_code == 200


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
    token = await auth.create_api_token(organiser.email, "tests")
    control = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert control.status_code == 200


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


# The CSRF cookie goes out only with a page that renders a form token, or a rotation.

COOKIE_VALUE = re.compile(rf"^{CSRF_COOKIE}=([A-Za-z0-9_-]{{43}}); Path=/; HttpOnly; SameSite=Lax$")


def csrf_cookie_set(response: httpx.Response) -> str:
    """The value of the one CSRF cookie the response sets, checking its attributes."""
    [header] = response.headers.get_list("set-cookie")
    match = COOKIE_VALUE.match(header)
    assert match, header
    return match.group(1)


@pytest.fixture
async def public_programme(organiser, settings) -> tuple[str, int]:
    """A public event with a published one-session programme: (event uuid, session id)."""
    event = await published_event(organiser, visibility="public")
    session = await make_session(organiser, event, "Welcome", 0, 0.5)
    await publish_programme(organiser, event.id, settings)
    return event.uuid, session.id


@pytest.mark.parametrize(
    "path",
    ["", ".ics", ".pdf", "/schedule.json", "/schedule.xml", "/sessions/{s}", "/sessions/{s}.ics"],
)
async def test_public_programme_pages_and_downloads_set_no_cookie(client, public_programme, path):
    event_uuid, session_id = public_programme

    response = await client.get(f"/events/{event_uuid}/programme" + path.format(s=session_id))

    assert response.status_code == 200
    assert "set-cookie" not in response.headers


async def test_public_programme_feed_is_cacheable_and_sets_no_cookie(client, public_programme):
    event_uuid, _ = public_programme

    response = await client.get(f"/events/{event_uuid}/programme.ics")

    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers.get_list("set-cookie") == []


@pytest.mark.parametrize("path", ["/", "/directory", "/events", "/no-such-page", "/healthz"])
async def test_pages_without_a_form_set_no_cookie(client, path):
    response = await client.get(path)

    assert 'name="csrf_token"' not in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("path", ["/login", "/directory/list-your-group"])
async def test_form_page_sets_one_csrf_cookie_matching_its_token(client, app, path):
    await ensure_taxonomy()

    response = await client.get(path)

    assert response.status_code == 200
    cookie = csrf_cookie_set(response)
    assert form_token(response) == csrf_token_for(cookie, TEST_SECRET)


async def test_form_token_from_a_first_visit_is_accepted(client, app):
    await ensure_taxonomy()
    page = await client.get("/directory/list-your-group")

    response = await client.post(
        "/directory/list-your-group",
        data={**GROUP_FORM, "csrf_token": form_token(page)},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/directory/list-your-group/sent"
    assert "set-cookie" not in response.headers


async def test_form_page_keeps_an_existing_csrf_cookie(client):
    existing = "k" * 43
    client.cookies.set(CSRF_COOKIE, existing)

    response = await client.get("/login")

    assert "set-cookie" not in response.headers
    assert form_token(response) == csrf_token_for(existing, TEST_SECRET)


async def test_too_short_csrf_cookie_is_replaced_on_a_form_page(client):
    client.cookies.set(CSRF_COOKIE, "short")

    response = await client.get("/login")

    cookie = csrf_cookie_set(response)
    assert cookie != "short"
    assert form_token(response) == csrf_token_for(cookie, TEST_SECRET)


async def test_sign_in_rotates_the_csrf_cookie(client, organiser):
    page = await client.get("/login")
    before = csrf_cookie_set(page)

    response = await client.post(
        "/login",
        data={"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": form_token(page)},
    )

    assert response.status_code == 303
    after = response.cookies[CSRF_COOKIE]
    assert after != before
    dashboard = await client.get("/staff")
    assert "set-cookie" not in dashboard.headers
    assert form_token(dashboard) == csrf_token_for(after, TEST_SECRET)


async def test_sign_out_rotates_the_csrf_cookie(client, organiser):
    await sign_in(client, organiser)
    before = client.cookies[CSRF_COOKIE]
    token = form_token(await client.get("/staff"))

    response = await client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.cookies[CSRF_COOKIE] != before


async def test_post_without_csrf_cookie_is_refused_and_sets_none(client, organiser):
    token = csrf_token_for("k" * 43, TEST_SECRET)

    response = await client.post("/login", data={"email": "a@example.org", "csrf_token": token})

    assert response.status_code == 403
    assert "This form has expired or was sent from another site." in response.text
    assert "set-cookie" not in response.headers
    assert await StaffSession.all().count() == 0
    client.cookies.set(CSRF_COOKIE, "k" * 43)  # control: with the cookie its token was made for
    control = await client.post(
        "/login", data={"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": token}
    )
    assert control.status_code == 303
    assert await StaffSession.all().count() == 1


async def test_error_page_sign_out_form_gets_a_cookie_when_missing(staff_client):
    staff_client.cookies.delete(CSRF_COOKIE)

    response = await staff_client.get("/no-such-page")

    assert response.status_code == 404
    cookie = csrf_cookie_set(response)
    assert form_token(response) == csrf_token_for(cookie, TEST_SECRET)
