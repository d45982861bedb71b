"""Deactivating staff users (service and the admins' staff accounts page)."""

import pytest

from convenor import accounts, auth
from convenor.errors import Invalid
from convenor.models import ApiToken, Role, StaffSession, User
from convenor.web import SESSION_COOKIE
from tests.conftest import STAFF_PASSWORD, csrf_token, make_staff, sign_in
from tests.convenor.factories import other_client


@pytest.fixture
async def admin(app) -> User:
    return await make_staff(Role.ADMIN)


@pytest.fixture
async def admin_client(client, admin):
    await sign_in(client, admin)
    return client


async def post_login(client, email, password=STAFF_PASSWORD):
    token = await csrf_token(client)
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )


async def test_deactivating_revokes_sessions_and_tokens(settings, organiser):
    key = await auth.start_session(organiser)
    await auth.create_api_token(organiser.email)
    colleague = await make_staff()
    colleagues_key = await auth.start_session(colleague)

    user = await accounts.deactivate_user(organiser.id)

    assert user.is_active is False
    assert await StaffSession.filter(user=organiser, revoked_at=None).count() == 0
    assert await ApiToken.filter(user=organiser, revoked_at=None).count() == 0
    assert await auth.session_user(key, settings) is None
    assert await auth.session_user(colleagues_key, settings) is not None


async def test_admin_cannot_deactivate_themselves(admin, organiser):
    with pytest.raises(Invalid) as refused:
        await accounts.deactivate_user(admin.id, by=admin)

    assert refused.value.fields == {"user": "You cannot deactivate your own account"}
    assert (await User.get(id=admin.id)).is_active is True
    await accounts.deactivate_user(organiser.id, by=admin)  # control: someone else
    assert (await User.get(id=organiser.id)).is_active is False


async def test_deactivated_user_cannot_sign_in(client, organiser):
    await accounts.deactivate_user(organiser.id)

    response = await post_login(client, organiser.email)

    assert response.status_code == 400
    assert "The email address or password is not right." in response.text
    assert await StaffSession.all().count() == 0
    await accounts.reactivate_user(organiser.id)
    assert (await post_login(client, organiser.email)).status_code == 303  # control
    assert await StaffSession.all().count() == 1


async def test_reactivated_user_can_sign_in_again(client, organiser):
    await accounts.deactivate_user(organiser.id)
    await accounts.reactivate_user(organiser.id)

    response = await post_login(client, organiser.email)

    assert response.status_code == 303
    assert (await client.get("/staff")).status_code == 200


async def test_deactivated_users_open_session_stops_working(client, organiser):
    await sign_in(client, organiser)
    before = await client.get("/staff")

    await accounts.deactivate_user(organiser.id)
    after = await client.get("/staff")

    assert before.status_code == 200
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=/staff"


async def test_accounts_page_lists_users_and_tokens_but_never_a_token(admin_client, organiser):
    token = await auth.create_api_token(organiser.email, "weekly report")
    await accounts.deactivate_user((await make_staff(Role.MODERATOR, "gone@example.org")).id)

    page = await admin_client.get("/staff/accounts")

    assert page.status_code == 200
    assert organiser.email in page.text and "gone@example.org" in page.text
    assert "Deactivated" in page.text and "moderator" in page.text
    assert "weekly report" in page.text
    assert token not in page.text and token[4:20] not in page.text
    assert f'action="/staff/accounts/{organiser.id}/deactivate"' in page.text


async def test_accounts_page_shows_last_sign_in(admin_client, admin, organiser):
    page = await admin_client.get("/staff/accounts")

    rows = page.text.split("<tr>")
    [admin_row] = [r for r in rows if admin.email in r]
    [organiser_row] = [r for r in rows if organiser.email in r]
    assert "Never" in organiser_row
    assert "Never" not in admin_row and "You" in admin_row


async def test_dashboard_links_admins_to_staff_accounts(admin_client):
    page = await admin_client.get("/staff")

    assert 'href="/staff/accounts"' in page.text


async def test_dashboard_has_no_staff_accounts_link_for_organisers(staff_client):
    page = await staff_client.get("/staff")

    assert page.status_code == 200
    assert "/staff/accounts" not in page.text


async def test_organiser_cannot_see_the_accounts_page(app, staff_client, admin):
    response = await staff_client.get("/staff/accounts")

    assert response.status_code == 404
    async with other_client(app) as admins:
        await sign_in(admins, admin)
        assert (await admins.get("/staff/accounts")).status_code == 200


async def test_organiser_cannot_deactivate_anyone(app, staff_client, admin):
    token = await csrf_token(staff_client, "/staff")

    response = await staff_client.post(
        f"/staff/accounts/{admin.id}/deactivate", data={"csrf_token": token}
    )

    assert response.status_code == 404
    assert (await User.get(id=admin.id)).is_active is True
    colleague = await make_staff()
    async with other_client(app) as admins:  # control: an admin deactivates a colleague
        await sign_in(admins, admin)
        token = await csrf_token(admins, "/staff/accounts")
        path = f"/staff/accounts/{colleague.id}/deactivate"
        assert (await admins.post(path, data={"csrf_token": token})).status_code == 303
    assert (await User.get(id=colleague.id)).is_active is False


async def test_admin_deactivates_a_user_from_the_page(admin_client, organiser):
    await auth.create_api_token(organiser.email)
    token = await csrf_token(admin_client, "/staff/accounts")

    response = await admin_client.post(
        f"/staff/accounts/{organiser.id}/deactivate", data={"csrf_token": token}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/staff/accounts?done=deactivated"
    assert (await User.get(id=organiser.id)).is_active is False
    assert await ApiToken.filter(revoked_at=None).count() == 0
    page = await admin_client.get(response.headers["location"])
    assert "The user has been deactivated." in page.text


async def test_deactivating_without_csrf_token_changes_nothing(admin_client, organiser):
    response = await admin_client.post(f"/staff/accounts/{organiser.id}/deactivate")

    assert response.status_code == 403
    assert (await User.get(id=organiser.id)).is_active is True
    token = await csrf_token(admin_client, "/staff/accounts")
    control = await admin_client.post(
        f"/staff/accounts/{organiser.id}/deactivate", data={"csrf_token": token}
    )
    assert control.status_code == 303
    assert (await User.get(id=organiser.id)).is_active is False


async def test_admin_cannot_deactivate_themselves_from_the_page(admin_client, admin):
    token = await csrf_token(admin_client, "/staff/accounts")

    response = await admin_client.post(
        f"/staff/accounts/{admin.id}/deactivate", data={"csrf_token": token}
    )

    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.text
    assert (await User.get(id=admin.id)).is_active is True
    assert (await admin_client.get("/staff")).status_code == 200


async def test_admin_reactivates_a_user_from_the_page(admin_client, organiser):
    await accounts.deactivate_user(organiser.id)
    token = await csrf_token(admin_client, "/staff/accounts")

    response = await admin_client.post(
        f"/staff/accounts/{organiser.id}/reactivate", data={"csrf_token": token}
    )

    assert response.status_code == 303
    assert (await User.get(id=organiser.id)).is_active is True


async def test_admin_revokes_a_token_from_the_page(admin_client, organiser):
    _, record = await auth.issue_api_token(organiser.email, "ci")
    _, other = await auth.issue_api_token(organiser.email, "reports")
    token = await csrf_token(admin_client, "/staff/accounts")

    response = await admin_client.post(
        f"/staff/accounts/tokens/{record.id}/revoke", data={"csrf_token": token}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/staff/accounts?done=revoked"
    assert (await ApiToken.get(id=record.id)).revoked_at is not None
    assert (await ApiToken.get(id=other.id)).revoked_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/staff/accounts/99999999999999999999/deactivate",
        "/staff/accounts/0/reactivate",
        "/staff/accounts/tokens/abc/revoke",
        "/staff/accounts/tokens/777/revoke",
    ],
)
async def test_unknown_or_impossible_ids_are_not_found(admin_client, organiser, path):
    token = await csrf_token(admin_client, "/staff/accounts")

    response = await admin_client.post(path, data={"csrf_token": token})

    assert response.status_code == 404
    # Control: the same action on a real account or token.
    if "/tokens/" in path:
        _, record = await auth.issue_api_token(organiser.email)
        real = f"/staff/accounts/tokens/{record.id}/revoke"
    else:
        real = f"/staff/accounts/{organiser.id}/{path.rsplit('/', 1)[1]}"
    assert (await admin_client.post(real, data={"csrf_token": token})).status_code == 303


async def test_session_cookie_of_deactivated_user_is_refused_after_reactivation(client, organiser):
    login = await post_login(client, organiser.email)
    stolen = login.cookies[SESSION_COOKIE]
    await accounts.deactivate_user(organiser.id)
    await accounts.reactivate_user(organiser.id)
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen)

    response = await client.get("/staff")

    assert response.status_code == 303
