"""The measure chart: an accessible SVG drawn on the server, text escaped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from plans.measure_chart import describe, format_value, measure_svg
from tests.plans.factories import measure_reading
from tests.plans.register_support import actions_by_number, adopted_plan

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class R:
    value: float
    unit: str
    taken_on: date


READINGS = [
    R(72, "%", date(2021, 3, 31)),
    R(68, "%", date(2022, 3, 31)),
    R(78, "%", date(2023, 3, 31)),
]


def test_chart_is_an_image_with_title_description_and_labels():
    svg = etree.fromstring(str(measure_svg(READINGS, "action-7", "Action 3.1", "Feel safe")))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "action-7-title action-7-desc"
    assert svg.find(f"{SVG}title").get("id") == "action-7-title"
    assert svg.find(f"{SVG}title").text == "Action 3.1: readings of the measure"
    assert svg.find(f"{SVG}desc").text == (
        "Feel safe: 3 readings, from 72% on 2021-03-31 to 78% on 2023-03-31."
    )
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert labels == ["78%", "0%", "2021-03-31", "2023-03-31"]
    assert len(svg.findall(f"{SVG}circle")) == 3
    points = svg.find(f"{SVG}polyline").get("points").split()
    xs = [float(p.split(",")[0]) for p in points]
    assert xs == sorted(xs) and len(xs) == 3


def test_chart_escapes_hostile_text():
    markup = str(measure_svg(READINGS, 'x"><script>', "<b>Action</b>", "</desc><script>"))

    svg = etree.fromstring(markup)
    assert "<script>" not in markup
    assert svg.find(f"{SVG}title").text == "<b>Action</b>: readings of the measure"


def test_chart_of_one_reading_is_a_point_and_none_is_nothing():
    svg = etree.fromstring(str(measure_svg(READINGS[:1], "k", "A")))

    assert svg.find(f"{SVG}polyline") is None
    assert len(svg.findall(f"{SVG}circle")) == 1
    assert svg.find(f"{SVG}desc").text == "One reading: 72% on 2021-03-31."
    assert str(measure_svg([], "k", "A")) == ""


def test_values_are_written_as_people_read_them():
    assert format_value(1250.5, "incidents") == "1,250.5 incidents"
    assert format_value(72.0, "%") == "72%"
    assert format_value(-3.25) == "-3.25"
    assert describe([R(5, "", date(2020, 1, 1))]) == "One reading: 5 on 2020-01-01."


async def test_register_page_shows_the_chart_beside_a_table(app, client):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["3.2"]
    for value, day in ((52, date(2021, 3, 31)), (55, date(2022, 3, 31))):
        await measure_reading(action, value, day, source="Survey")

    page = await client.get(f"/plans/{plan.uuid}/register")

    assert f'aria-labelledby="action-{action.id}-title action-{action.id}-desc"' in page.text
    assert "<caption>Readings of the measure for action 3.2</caption>" in page.text
    assert "<td>2022-03-31</td><td>55%</td><td>Survey</td>" in page.text
