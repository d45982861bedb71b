"""The one formula-cell rule every export uses: ASCII and full-width signs neutralised,
phone numbers and plain negative amounts kept exactly as typed."""

from __future__ import annotations

import pytest

from convenor.spreadsheet import safe_cell

FULL_WIDTH = {
    "equals": "\uff1d",
    "plus": "\uff0b",
    "minus": "\uff0d",
    "at": "\uff20",
}


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
def test_safe_cell_neutralises_full_width_sign(sign):
    assert safe_cell(f'{sign}HYPERLINK("http://x")') == f'\'{sign}HYPERLINK("http://x")'


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
def test_safe_cell_neutralises_full_width_sign_before_digits(sign):
    # The phone and amount exceptions are for the ASCII signs people type.
    assert safe_cell(f"{sign}44 23 8083 3000") == f"'{sign}44 23 8083 3000"


@pytest.mark.parametrize(
    "value",
    ["\ufe66SUM(A1)", "\ufe62SUM(A1)", "\ufe63SUM(A1)", "\ufe6bSUM(A1)", "\u22121"],
    ids=["small-equals", "small-plus", "small-minus", "small-at", "minus-sign"],
)
def test_safe_cell_neutralises_other_look_alike_signs(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize("sign", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_cell_neutralises_ascii_sign(sign):
    assert safe_cell(f"{sign}SUM(A1)") == f"'{sign}SUM(A1)"


@pytest.mark.parametrize(
    "phone",
    [
        "+44 23 8083 3000",
        "+44 (0)23 8083 3000",
        "+44-23-8083-3000",
        "+1 202 555 0143",
        "+442380833000",
    ],
)
def test_safe_cell_keeps_phone_number(phone):
    assert safe_cell(phone) == phone


@pytest.mark.parametrize(
    "value",
    [
        "+44 23",  # too short for a phone number: +44 23 is arithmetic
        "+1",
        "+44 23 8083 3000+A1",
        "+44 23 8083 3000 x",
        "+4423808330001234",  # more digits than any phone number
        "+",
    ],
)
def test_safe_cell_neutralises_plus_that_is_not_a_phone_number(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize("amount", ["-5", "-£20", "-$3.50", "-€1,250.75", "-1,250", "-0.5"])
def test_safe_cell_keeps_plain_negative_amount(amount):
    assert safe_cell(amount) == amount


@pytest.mark.parametrize(
    "value", ["-1+1", "-A1", "-5)*cmd|' /C calc'!A0", "-£20+SUM(A1)", "-", "-1,2,3"]
)
def test_safe_cell_neutralises_minus_that_is_not_a_plain_amount(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Plain text", "Plain text"), ("", ""), (None, ""), (42, "42"), ("a=1", "a=1")],
)
def test_safe_cell_keeps_plain_cells(value, expected):
    assert safe_cell(value) == expected
