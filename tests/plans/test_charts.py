"""The support chart (plans.charts): parsed as XML, bars proportional to the counts,
named and described, text labels on every bar, colours with enough contrast, text
escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from plans.charts import PLOT_HEIGHT, SUPPORT_COLOURS, TEXT, support_chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(counts: dict[int, int], title: str = "Support for action 1.1") -> ET.Element:
    return ET.fromstring(str(support_chart("chart-7", title, counts)))  # noqa: S314 (our own output)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_bar_heights_are_proportional_to_counts():
    svg = parsed({5: 12, 4: 6, 3: 3, 2: 0, 1: 9})
    bars = {int(r.get("data-value")): float(r.get("height")) for r in svg.iter(f"{SVG}rect")}
    assert bars == {5: PLOT_HEIGHT, 4: PLOT_HEIGHT / 2, 3: PLOT_HEIGHT / 4, 2: 0.0, 1: 90.0}
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in svg.iter(f"{SVG}rect")}
    assert len(bottoms) == 1  # every bar stands on the same axis


def test_chart_is_a_named_described_image():
    svg = parsed({5: 2, 4: 1, 3: 0, 2: 0, 1: 1})
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-7-title chart-7-desc"
    assert svg.find(f"{SVG}title").text == "Support for action 1.1"
    assert svg.find(f"{SVG}title").get("id") == "chart-7-title"
    assert svg.find(f"{SVG}desc").text == (
        "4 people gave a view. Strongly support: 2; Support: 1; "
        "Neither support nor oppose: 0; Oppose: 0; Strongly oppose: 1."
    )


def test_chart_labels_every_bar_in_text_not_only_colour():
    svg = parsed({5: 5, 4: 4, 3: 3, 2: 2, 1: 1})
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for label in ("Strongly", "support", "Support", "Neither", "Oppose", "oppose"):
        assert label in texts
    assert [t for t in texts if t.isdigit()] == ["5", "4", "3", "2", "1"]


def test_chart_without_answers_draws_empty_bars_and_says_so():
    svg = parsed({})
    assert {float(r.get("height")) for r in svg.iter(f"{SVG}rect")} == {0.0}
    assert svg.find(f"{SVG}desc").text == "No one has given a view on this yet."


@pytest.mark.parametrize("value", [5, 4, 3, 2, 1])
def test_chart_colours_have_3_to_1_contrast_with_white(value):
    assert contrast(SUPPORT_COLOURS[value], "#ffffff") >= 3.0


def test_chart_text_has_4_5_to_1_contrast_and_is_escaped():
    assert contrast(TEXT, "#ffffff") >= 4.5
    svg = parsed({5: 1}, title='<script>alert("x")</script> & co')
    assert svg.find(f"{SVG}title").text == '<script>alert("x")</script> & co'
    assert svg.find(f"{SVG}script") is None
    assert "<script>" not in str(support_chart("c", "<script>", {}))
