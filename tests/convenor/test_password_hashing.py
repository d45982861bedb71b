"""CONVENOR_PASSWORD_HASHING: production hashes with argon2id at the library's
recommended costs; "fast" (the test suite's) is refused in production; hashes made with
either costs verify under the other."""

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.profiles import get_default_parameters

from convenor import auth
from convenor.errors import Invalid
from convenor.settings import Settings, SettingsError
from tests.convenor.factories import user_with_hash

PRODUCTION = {"CONVENOR_ENV": "production", "CONVENOR_SECRET_KEY": "s" * 40}
PASSWORD = "correct horse battery"


def costs_of(hasher: PasswordHasher):
    return extract_parameters(hasher.hash(PASSWORD))


def test_production_hashes_with_argon2id_at_the_recommended_costs():
    settings = Settings.from_mapping(PRODUCTION)

    parameters = costs_of(auth.password_hasher(settings))

    assert settings.password_hashing == "standard"
    assert parameters == get_default_parameters()
    assert parameters.type is Type.ID
    assert parameters.memory_cost == 65536 and parameters.time_cost == 3


def test_fast_hashing_is_argon2id_at_the_smallest_costs_outside_production():
    settings = Settings.from_mapping({"CONVENOR_PASSWORD_HASHING": "fast"})

    parameters = costs_of(auth.password_hasher(settings))

    assert parameters.type is Type.ID
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (1, 8, 1)


def test_fast_hashing_is_refused_in_production():
    with pytest.raises(SettingsError) as refused:
        Settings.from_mapping({**PRODUCTION, "CONVENOR_PASSWORD_HASHING": "fast"})

    assert str(refused.value) == (
        "CONVENOR_PASSWORD_HASHING=fast is for tests only; it is refused when "
        "CONVENOR_ENV=production"
    )
    assert Settings.from_mapping({**PRODUCTION, "CONVENOR_PASSWORD_HASHING": "standard"})


def test_fast_hashing_built_in_code_for_production_is_refused_too():
    settings = Settings(env="production", secret_key="s" * 40, password_hashing="fast")

    with pytest.raises(SettingsError, match="refused when CONVENOR_ENV=production"):
        auth.password_hasher(settings)
    standard = Settings(env="production", secret_key="s" * 40, password_hashing="standard")
    assert auth.password_hasher(standard).memory_cost == PasswordHasher().memory_cost


def test_unknown_hashing_is_refused():
    with pytest.raises(SettingsError) as refused:
        Settings.from_mapping({"CONVENOR_PASSWORD_HASHING": "none"})

    assert str(refused.value) == (
        "CONVENOR_PASSWORD_HASHING must be one of standard, fast, not 'none'"
    )
    assert Settings.from_mapping({"CONVENOR_PASSWORD_HASHING": "fast"}).password_hashing == "fast"


async def test_a_password_hashed_at_the_recommended_costs_signs_in_under_fast_hashing(
    app, settings
):
    strong = PasswordHasher().hash(PASSWORD)
    user = await user_with_hash("lead@example.org", strong)

    with pytest.raises(Invalid):
        await auth.authenticate(user.email, "wrong horse battery", "192.0.2.1", settings)
    signed_in = await auth.authenticate(user.email, PASSWORD, "192.0.2.1", settings)

    assert settings.password_hashing == "fast"
    assert signed_in.id == user.id
    await user.refresh_from_db()
    # the sign-in rehashed it with the costs in use
    assert extract_parameters(user.password_hash).memory_cost == 8
