"""The register's status rules: what an update and a measure reading may say."""

from __future__ import annotations

from datetime import date

import pytest

from convenor.errors import Invalid
from plans.models import ActionStatus
from plans.register import ReadingData, UpdateData, check_reading, check_update, evidence_problem

TODAY = date(2026, 12, 5)


def update(**fields) -> UpdateData:
    values = {"status": "on_track", "text": "Patrols started in Bevois Valley."}
    values.update(fields)
    return UpdateData(**values)


def fields_of(data: UpdateData) -> dict:
    with pytest.raises(Invalid) as caught:
        check_update(data)
    return caught.value.fields


def test_update_on_track_is_accepted_as_typed():
    values = check_update(update(progress=" 40 ", evidence_url="https://example.org/r"))
    assert values == {
        "status": ActionStatus.ON_TRACK,
        "status_reason": "",
        "progress": 40,
        "text": "Patrols started in Bevois Valley.",
        "evidence_url": "https://example.org/r",
    }


def test_update_dropped_without_reason_is_refused():
    assert fields_of(update(status="dropped")) == {
        "status_reason": "Say why the action was dropped"
    }


def test_update_dropped_with_reason_is_accepted():
    values = check_update(update(status="dropped", status_reason="Funding withdrawn"))
    assert (values["status"], values["status_reason"]) == (
        ActionStatus.DROPPED,
        "Funding withdrawn",
    )


def test_update_reason_of_only_spaces_counts_as_none():
    assert "status_reason" in fields_of(update(status="dropped", status_reason=" \n "))


@pytest.mark.parametrize("status", ["", "finished", "DONE", "on track"])
def test_update_unknown_status_is_refused(status):
    assert fields_of(update(status=status)) == {"status": "Choose the action's status"}


@pytest.mark.parametrize("progress", ["101", "-1", "abc", "50.5", "1e2"])
def test_update_progress_outside_0_to_100_is_refused(progress):
    assert set(fields_of(update(progress=progress))) == {"progress"}


@pytest.mark.parametrize(("typed", "kept"), [("0", 0), ("100", 100), ("55%", 55), ("", None)])
def test_update_progress_within_range_or_blank_is_kept(typed, kept):
    assert check_update(update(progress=typed))["progress"] == kept


def test_update_done_with_blank_progress_is_100():
    assert check_update(update(status="done"))["progress"] == 100


def test_update_done_with_other_progress_is_refused():
    assert set(fields_of(update(status="done", progress="80"))) == {"progress"}


def test_update_without_text_is_refused():
    assert fields_of(update(text="  ")) == {"text": "Say what has happened since the last update"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "https://",
        "example.org/report",
        "https://example.org/a b",
        "data:text/html,hi",
        "https://example.org/" + "a" * 500,
    ],
)
def test_evidence_link_must_be_http_with_host(url):
    assert evidence_problem(url) is not None
    assert set(fields_of(update(evidence_url=url))) == {"evidence_url"}


@pytest.mark.parametrize("url", ["https://example.org/report.pdf", "http://council.gov.uk/x?y=1"])
def test_evidence_link_http_or_https_is_accepted(url):
    assert evidence_problem(url) is None


def test_reading_with_percent_sign_takes_it_as_unit():
    values = check_reading(ReadingData("72%", "", "2026-03-31", "City Survey"), TODAY)
    assert values == {
        "value": 72.0,
        "unit": "%",
        "taken_on": date(2026, 3, 31),
        "source": "City Survey",
    }


def test_reading_with_thousands_and_decimals_is_read():
    values = check_reading(ReadingData("1,250.5", "incidents", "2026-12-05", ""), TODAY)
    assert (values["value"], values["unit"]) == (1250.5, "incidents")


@pytest.mark.parametrize("value", ["", "nan", "inf", "1e5", "seventy", "1,25"])
def test_reading_not_a_number_is_refused(value):
    with pytest.raises(Invalid) as caught:
        check_reading(ReadingData(value, "", "2026-01-01", ""), TODAY)
    assert set(caught.value.fields) == {"value"}


def test_reading_in_the_future_is_refused():
    with pytest.raises(Invalid) as caught:
        check_reading(ReadingData("5", "", "2026-12-06", ""), TODAY)
    assert caught.value.fields == {"taken_on": "The reading's date cannot be in the future"}
    assert check_reading(ReadingData("5", "", "2026-12-05", ""), TODAY)["value"] == 5  # today
