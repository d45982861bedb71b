"""API tokens: expiry, revocation, and revocation with a password change or deactivation."""

from datetime import timedelta

import pytest

from convenor import accounts, auth
from convenor.errors import Invalid, NotFound
from convenor.models import ApiToken, Role
from convenor.settings import Settings, SettingsError
from tests.conftest import STAFF_PASSWORD, csrf_token, make_staff, sign_in

UNAUTHORISED = {
    "error": {
        "code": "unauthorised",
        "message": "The API token is not valid or has been revoked.",
        "fields": {},
    }
}


async def me(client, token):
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_new_token_expires_after_ninety_days_by_default(organiser):
    token, record = await auth.issue_api_token(organiser.email, "reports")

    assert record.expires_at - record.created_at == timedelta(days=90)
    assert (await ApiToken.get(id=record.id)).expires_at == record.expires_at
    assert token.startswith("cvn_") and token not in record.token_hash


async def test_token_life_can_be_chosen(organiser):
    _, record = await auth.issue_api_token(organiser.email, days=7)

    assert record.expires_at - record.created_at == timedelta(days=7)


async def test_token_of_zero_days_is_refused(organiser):
    with pytest.raises(Invalid) as refused:
        await auth.issue_api_token(organiser.email, days=0)

    assert refused.value.fields == {"days": "A token must last at least one day"}
    assert await ApiToken.all().count() == 0
    _, record = await auth.issue_api_token(organiser.email, days=1)
    assert record.expires_at - record.created_at == timedelta(days=1)


def test_token_days_setting_is_read_and_checked():
    assert Settings.from_mapping({}).api_token_days == 90
    assert Settings.from_mapping({"CONVENOR_API_TOKEN_DAYS": "30"}).api_token_days == 30
    with pytest.raises(SettingsError, match="CONVENOR_API_TOKEN_DAYS must be greater than zero"):
        Settings.from_mapping({"CONVENOR_API_TOKEN_DAYS": "0"})


async def test_live_token_is_accepted(client, organiser):
    token = await auth.create_api_token(organiser.email)

    response = await me(client, token)

    assert response.status_code == 200
    assert response.json()["email"] == organiser.email


async def test_expired_token_gets_401(client, organiser):
    token, record = await auth.issue_api_token(organiser.email)
    live = await me(client, token)
    await ApiToken.filter(id=record.id).update(expires_at=auth.now() - timedelta(seconds=1))

    response = await me(client, token)

    assert live.status_code == 200
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED
    assert response.headers["www-authenticate"] == "Bearer"


async def test_token_without_expiry_is_refused(client, organiser):
    token, record = await auth.issue_api_token(organiser.email)
    assert (await me(client, token)).status_code == 200  # control: with its expiry
    await ApiToken.filter(id=record.id).update(expires_at=None)

    response = await me(client, token)

    assert response.status_code == 401


async def test_revoked_token_gets_401(client, organiser):
    token, record = await auth.issue_api_token(organiser.email)
    other = await auth.create_api_token(organiser.email)

    _, revoked_now = await accounts.revoke_token(record.id)

    assert revoked_now is True
    assert (await me(client, token)).json() == UNAUTHORISED
    assert (await me(client, other)).status_code == 200


async def test_revoking_a_revoked_token_says_so(organiser):
    _, record = await auth.issue_api_token(organiser.email)
    first, _ = await accounts.revoke_token(record.id)

    again, revoked_now = await accounts.revoke_token(record.id)

    assert revoked_now is False
    assert again.revoked_at == first.revoked_at


async def test_revoking_an_unknown_token_is_not_found(organiser):
    _, record = await auth.issue_api_token(organiser.email)
    with pytest.raises(NotFound):
        await accounts.revoke_token(record.id + 12345)
    assert (await ApiToken.get(id=record.id)).revoked_at is None
    revoked, revoked_now = await accounts.revoke_token(record.id)
    assert (revoked.id, revoked_now) == (record.id, True)


async def test_password_change_revokes_every_api_token(client, organiser):
    token = await auth.create_api_token(organiser.email)
    colleague = await make_staff(Role.ORGANISER)
    colleagues_token = await auth.create_api_token(colleague.email)
    await sign_in(client, organiser)
    form = await csrf_token(client, "/account/password")
    before = await me(client, token)

    changed = await client.post(
        "/account/password",
        data={
            "current_password": STAFF_PASSWORD,
            "new_password": "a brand new long password",
            "csrf_token": form,
        },
    )

    assert before.status_code == 200
    assert changed.status_code == 200
    assert "your API tokens have ended" in changed.text
    assert (await me(client, token)).json() == UNAUTHORISED
    assert (await me(client, colleagues_token)).status_code == 200


async def test_refused_password_change_keeps_api_tokens(client, organiser):
    token = await auth.create_api_token(organiser.email)
    await sign_in(client, organiser)
    form = await csrf_token(client, "/account/password")

    refused = await client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "a brand new long password",
            "csrf_token": form,
        },
    )

    assert refused.status_code == 400
    assert (await me(client, token)).status_code == 200
    assert await ApiToken.filter(revoked_at=None).count() == 1


async def test_deactivated_users_token_gets_401_and_stays_revoked(client, organiser):
    token = await auth.create_api_token(organiser.email)

    await accounts.deactivate_user(organiser.id)
    while_inactive = await me(client, token)
    await accounts.reactivate_user(organiser.id)
    after_reactivation = await me(client, token)

    assert while_inactive.json() == UNAUTHORISED
    assert after_reactivation.status_code == 401
    assert (await me(client, await auth.create_api_token(organiser.email))).status_code == 200


async def test_token_for_a_deactivated_user_cannot_be_issued(organiser):
    await accounts.deactivate_user(organiser.id)

    with pytest.raises(Invalid) as refused:
        await auth.create_api_token(organiser.email)

    assert refused.value.fields == {
        "email": "There is no active staff user with this email address"
    }
    assert await ApiToken.all().count() == 0
    await accounts.reactivate_user(organiser.id)
    assert await auth.create_api_token(organiser.email)  # control: active again
    assert await ApiToken.all().count() == 1
