"""Staff sign-in and sign-out over HTTP: CSRF, wrong answers, rate limits, sessions."""

from convenor import throttle
from convenor.mail.models import OutboxMessage
from convenor.models import LoginThrottle, StaffSession
from convenor.web import SESSION_COOKIE
from tests.conftest import STAFF_PASSWORD, csrf_token, sign_in

WRONG = "The email address or password is not right."


async def post_login(client, email, password, token=None):
    token = token if token is not None else await csrf_token(client)
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )


async def test_login_with_right_password_starts_a_session(client, organiser):
    response = await post_login(client, organiser.email, STAFF_PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == "/staff"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert await StaffSession.filter(user=organiser, revoked_at=None).count() == 1
    dashboard = await client.get("/staff")
    assert dashboard.status_code == 200
    assert organiser.name in dashboard.text


async def test_session_cookie_carries_no_personal_data(client, organiser):
    response = await post_login(client, organiser.email, STAFF_PASSWORD)

    value = response.cookies[SESSION_COOKIE]
    assert organiser.email not in value
    assert "organiser" not in value.lower()


async def test_login_with_wrong_password_says_so_next_to_the_field(client, organiser):
    response = await post_login(client, organiser.email, "not the password")

    assert response.status_code == 400
    assert WRONG in response.text
    assert f'value="{organiser.email}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert (await post_login(client, organiser.email, STAFF_PASSWORD)).status_code == 303


async def test_login_with_unknown_email_gets_the_same_answer_as_a_wrong_password(client, organiser):
    wrong_password = await post_login(client, organiser.email, "not the password")
    unknown = await post_login(client, "nobody@example.org", "not the password")

    assert unknown.status_code == wrong_password.status_code == 400
    strip = lambda text, email: text.replace(email, "EMAIL")  # noqa: E731
    assert strip(unknown.text, "nobody@example.org") == strip(wrong_password.text, organiser.email)
    assert await StaffSession.all().count() == 0
    assert (await post_login(client, organiser.email, STAFF_PASSWORD)).status_code == 303


async def test_login_without_csrf_token_is_refused(client, organiser):
    await client.get("/login")

    response = await client.post(
        "/login", data={"email": organiser.email, "password": STAFF_PASSWORD}
    )

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert await StaffSession.all().count() == 0
    assert (await post_login(client, organiser.email, STAFF_PASSWORD)).status_code == 303
    assert await StaffSession.all().count() == 1


async def test_login_with_forged_csrf_token_is_refused(client, organiser):
    response = await post_login(client, organiser.email, STAFF_PASSWORD, token="0" * 64)

    assert response.status_code == 403
    assert await StaffSession.all().count() == 0
    assert (await post_login(client, organiser.email, STAFF_PASSWORD)).status_code == 303
    assert await StaffSession.all().count() == 1


async def test_login_from_another_site_is_refused(client, organiser):
    token = await csrf_token(client)

    response = await client.post(
        "/login",
        data={"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example.com"},
    )

    assert response.status_code == 403
    assert await StaffSession.all().count() == 0
    same_site = await client.post(
        "/login",
        data={"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": token},
        headers={"Origin": "http://testserver"},
    )
    assert same_site.status_code == 303


async def test_sixth_failed_login_within_window_is_rate_limited(client, organiser):
    statuses = [
        (await post_login(client, organiser.email, f"wrong {i}")).status_code for i in range(5)
    ]

    sixth = await post_login(client, organiser.email, STAFF_PASSWORD)

    assert statuses == [400] * 5
    assert sixth.status_code == 429
    assert "Too many failed sign-ins for this account" in sixth.text
    assert await StaffSession.all().count() == 0


async def test_rate_limit_counts_unknown_accounts_too(client):
    for i in range(5):
        await post_login(client, "ghost@example.org", f"wrong {i}")

    sixth = await post_login(client, "ghost@example.org", "wrong again")

    assert sixth.status_code == 429


async def test_successful_login_clears_earlier_failures(client, organiser):
    for i in range(3):
        await post_login(client, organiser.email, f"wrong {i}")

    await post_login(client, organiser.email, STAFF_PASSWORD)

    account = throttle.account_key(organiser.email)
    assert not await LoginThrottle.filter(throttle_key=account).exists()


async def test_logout_revokes_the_session_server_side(client, organiser):
    login = await post_login(client, organiser.email, STAFF_PASSWORD)
    stolen_cookie = login.cookies[SESSION_COOKIE]
    token = await csrf_token(client, "/staff")

    response = await client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen_cookie)
    replay = await client.get("/staff")
    assert replay.status_code == 303
    assert replay.headers["location"] == "/login?next=/staff"


async def test_logout_is_not_possible_with_get(staff_client):
    response = await staff_client.get("/logout")

    assert response.status_code == 405
    assert (await staff_client.get("/staff")).status_code == 200


async def test_login_replaces_an_existing_session(client, organiser):
    first = await post_login(client, organiser.email, STAFF_PASSWORD)
    second = await post_login(client, organiser.email, STAFF_PASSWORD)

    assert first.cookies[SESSION_COOKIE] != second.cookies[SESSION_COOKIE]
    assert await StaffSession.filter(user=organiser, revoked_at=None).count() == 1


async def test_password_change_revokes_other_sessions(client, app, organiser):
    other = await post_login(client, organiser.email, STAFF_PASSWORD)
    other_cookie = other.cookies[SESSION_COOKIE]
    client.cookies.clear()
    await sign_in(client, organiser)
    token = await csrf_token(client, "/account/password")

    response = await client.post(
        "/account/password",
        data={
            "current_password": STAFF_PASSWORD,
            "new_password": "a brand new long password",
            "csrf_token": token,
        },
    )

    assert response.status_code == 200
    assert "Your password has been changed" in response.text
    assert (await client.get("/staff")).status_code == 200
    [notice] = await OutboxMessage.filter(to_address=organiser.email)
    assert notice.subject == "Your Convenor password was changed"
    client.cookies.set(SESSION_COOKIE, other_cookie)
    assert (await client.get("/staff")).status_code == 303


async def test_password_change_with_wrong_current_password_keeps_the_old_one(
    staff_client, organiser
):
    before = organiser.password_hash
    token = await csrf_token(staff_client, "/account/password")

    response = await staff_client.post(
        "/account/password",
        data={"current_password": "nope", "new_password": "short", "csrf_token": token},
    )

    assert response.status_code == 400
    assert "Your current password is not right" in response.text
    assert "Use at least 12 characters" in response.text
    await organiser.refresh_from_db()
    assert organiser.password_hash.startswith("$argon2id$")
    assert organiser.password_hash == before
    control = await staff_client.post(
        "/account/password",
        data={
            "current_password": STAFF_PASSWORD,
            "new_password": "a brand new long password",
            "csrf_token": token,
        },
    )
    assert control.status_code == 200
    assert "Your password has been changed" in control.text
    await organiser.refresh_from_db()
    assert organiser.password_hash != before


async def test_dashboard_redirects_anonymous_visitors_to_login(client):
    response = await client.get("/staff")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/staff"


async def test_login_follows_only_local_next_addresses(client, organiser):
    token = await csrf_token(client)

    response = await client.post(
        "/login",
        data={
            "email": organiser.email,
            "password": STAFF_PASSWORD,
            "csrf_token": token,
            "next": "//evil.example.com/",
        },
    )

    assert response.headers["location"] == "/staff"
