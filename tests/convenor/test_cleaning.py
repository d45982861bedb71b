"""The core rules for text where it enters (convenor.cleaning), and staff names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from convenor import auth
from convenor.cleaning import (
    CONTROL_CHARACTERS,
    ENCODED_WORD,
    LINE_BREAK,
    CheckedInput,
    PersonName,
    clean_name,
    name_problem,
    text_problem,
    without_controls,
)
from convenor.errors import Invalid
from convenor.models import User
from tests.conftest import STAFF_PASSWORD, csrf_token


@pytest.mark.parametrize(
    ("text", "multi_line", "problem"),
    [
        ("Plain text", False, None),
        ("Zo\u00eb \u00d3 Br\u00edain \U0001f389", False, None),
        ("tab\tis fine", False, None),
        ("two\nlines", True, None),
        ("two\r\nlines", True, None),
        ("two\nlines", False, LINE_BREAK),
        ("line\u2028separator", False, LINE_BREAK),
        ("nul\x00byte", True, CONTROL_CHARACTERS),
        ("bell\x07", True, CONTROL_CHARACTERS),
        ("escape\x1b[31m", False, CONTROL_CHARACTERS),
        ("delete\x7f", False, CONTROL_CHARACTERS),
        ("c1 next line\x85", True, CONTROL_CHARACTERS),
    ],
)
def test_text_problem(text, multi_line, problem):
    assert text_problem(text, multi_line=multi_line) == problem


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Ann O'Neil-Lee", None),
        ("Lee, Ann <ann@example.org>", None),  # odd, but the message builder writes it safely
        ("=?utf-8?q?Eve?=", ENCODED_WORD),
        ("Eve =?", ENCODED_WORD),
        ("Eve\r\nBcc: x@example.org", LINE_BREAK),
        ("Eve\x00", CONTROL_CHARACTERS),
    ],
)
def test_name_problem(name, problem):
    assert name_problem(name) == problem


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Ann   Lee ", "Ann Lee"),
        ("Ann\r\nLee", "Ann Lee"),
        ("\u202eEve\u202c Lee", "Eve Lee"),
        ("zero\u200bwidth", "zerowidth"),
        ("nul\x00byte", "nulbyte"),
        ("=?utf-8?q?Eve?=", "= ?utf-8?q?Eve?="),
        ("Caf\u00e9 =?x", "Caf\u00e9 = ?x"),
    ],
)
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean


def test_without_controls_keeps_tabs_and_line_breaks():
    assert without_controls("a\x00b\tc\nd\x1b") == "ab\tc\nd"


class Sample(CheckedInput):
    name: PersonName
    notes: str = ""
    tags: list[str] = []


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "Ann\x00"}, "name", CONTROL_CHARACTERS),
        ({"name": "=?utf-8?b?QQ==?="}, "name", ENCODED_WORD),
        ({"name": "Ann", "notes": "a\x00b"}, "notes", CONTROL_CHARACTERS),
        ({"name": "Ann", "tags": ["ok", "b\x00d"]}, "tags", CONTROL_CHARACTERS),
    ],
)
def test_checked_input_refuses_the_field(values, field, message):
    with pytest.raises(ValidationError) as refused:
        Sample(**values)

    assert [(e["loc"], e["msg"]) for e in refused.value.errors()] == [((field,), message)]


def test_checked_input_keeps_clean_multi_line_text():
    sample = Sample(name="Ann Lee", notes="one\ntwo", tags=["a"])

    assert (sample.name, sample.notes, sample.tags) == ("Ann Lee", "one\ntwo", ["a"])


async def test_staff_user_with_an_encoded_word_name_is_refused(app):
    with pytest.raises(Invalid) as refused:
        await auth.create_user("eve@example.org", "organiser", STAFF_PASSWORD, name="=?a?b?c?=")

    assert refused.value.fields == {"name": ENCODED_WORD}
    assert await User.filter(email="eve@example.org").count() == 0


async def test_staff_user_name_is_stored_clean(app):
    user = await auth.create_user(
        "ann@example.org", "organiser", STAFF_PASSWORD, name=" Ann\u202e  Lee "
    )

    assert user.name == "Ann Lee"


async def test_sign_in_with_a_nul_byte_in_the_email_is_refused_at_the_field(client, organiser):
    token = await csrf_token(client)

    response = await client.post(
        "/login",
        data={"email": organiser.email + "\x00", "password": STAFF_PASSWORD, "csrf_token": token},
    )

    assert response.status_code == 400
    assert CONTROL_CHARACTERS in response.text
    assert "convenor_session" not in response.cookies


async def test_sign_in_with_the_clean_email_works(client, organiser):
    token = await csrf_token(client)

    response = await client.post(
        "/login", data={"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 303
