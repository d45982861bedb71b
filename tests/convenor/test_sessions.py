"""Session rules in convenor.auth: idle and absolute timeouts, revocation."""

from dataclasses import replace
from datetime import timedelta

from convenor import auth
from convenor.models import StaffSession


async def test_session_ends_after_idle_timeout(settings, organiser):
    key = await auth.start_session(organiser)
    within = timedelta(minutes=settings.session_idle_minutes, seconds=-5)
    await StaffSession.all().update(last_seen_at=auth.now() - within)
    assert (await auth.session_user(key, settings))[0].id == organiser.id  # control
    idle = timedelta(minutes=settings.session_idle_minutes, seconds=1)
    await StaffSession.all().update(last_seen_at=auth.now() - idle)

    found = await auth.session_user(key, settings)

    assert found is None
    assert (await StaffSession.get(user=organiser)).revoked_at is not None


async def test_session_ends_after_absolute_timeout_even_when_active(settings, organiser):
    key = await auth.start_session(organiser)
    young = auth.now() - timedelta(hours=settings.session_absolute_hours, seconds=-5)
    await StaffSession.all().update(created_at=young)
    assert (await auth.session_user(key, settings))[0].id == organiser.id  # control
    old = auth.now() - timedelta(hours=settings.session_absolute_hours, seconds=1)
    await StaffSession.all().update(created_at=old)

    assert await auth.session_user(key, settings) is None


async def test_session_within_timeouts_finds_the_user(settings, organiser):
    key = await auth.start_session(organiser)

    found = await auth.session_user(key, settings)

    assert found is not None and found[0].id == organiser.id


async def test_session_of_deactivated_user_is_refused(settings, organiser):
    key = await auth.start_session(organiser)
    assert (await auth.session_user(key, settings))[0].id == organiser.id  # control: active
    organiser.is_active = False
    await organiser.save()

    assert await auth.session_user(key, replace(settings)) is None


async def test_sessions_are_stored_only_as_hashes(settings, organiser):
    key = await auth.start_session(organiser)

    stored = await StaffSession.get(user=organiser)

    assert stored.key_hash == auth.hash_secret(key)
    assert key not in stored.key_hash


async def test_personal_link_is_bound_to_its_purpose_and_revocable(app):
    token = await auth.issue_link("invitation", "invitation:7")

    right = await auth.resolve_link(token, "invitation")
    wrong_purpose = await auth.resolve_link(token, "directory-edit")
    await auth.revoke_links("invitation", "invitation:7")
    revoked = await auth.resolve_link(token, "invitation")

    assert (right, wrong_purpose, revoked) == ("invitation:7", None, None)
    assert len(token) >= 43  # 256 random bits, URL-safe
