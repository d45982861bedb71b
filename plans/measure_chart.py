"""A measure of success's readings as a small SVG line chart, drawn on the server.

Pure functions, no I/O. The chart is an image for sighted readers; the register shows
the same readings as a table beside it. The SVG carries ``role="img"``, a ``<title>``
and a ``<desc>`` (which says the first and last reading in words) joined by
``aria-labelledby``, and visible labels (the highest and lowest value, the first and last
date). Colours are presentation attributes, not styles: the site's CSP forbids inline
styles. Every text in it is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 28  # margins around the plotted area
INK = "#212529"
LINE = "#00547a"
GRID = "#6c757d"


class Reading(Protocol):
    value: float
    unit: str
    taken_on: date


def format_value(value: float, unit: str = "") -> str:
    """72 -> "72", 1250.5 -> "1,250.5"; with its unit: "72%", "1,250 incidents"."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + inner / 2
    return LEFT + inner * (day - first).days / span


def _y(value: float, low: float, high: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    if high == low:
        return TOP + inner / 2
    return TOP + inner * (high - value) / (high - low)


def describe(readings: Sequence[Reading], measure: str = "") -> str:
    """The chart in words: how many readings, the first and the last."""
    first, last = readings[0], readings[-1]
    start = f"{format_value(first.value, first.unit)} on {first.taken_on.isoformat()}"
    if len(readings) == 1:
        text = f"One reading: {start}."
    else:
        end = f"{format_value(last.value, last.unit)} on {last.taken_on.isoformat()}"
        text = f"{len(readings)} readings, from {start} to {end}."
    return f"{measure}: {text}" if measure else text


def measure_svg(readings: Sequence[Reading], key: str, title: str, measure: str = "") -> Markup:
    """The readings (oldest first) as an accessible SVG line chart; ``key`` makes the
    element ids unique on the page. Empty markup when there are no readings."""
    if not readings:
        return Markup("")
    ordered = sorted(readings, key=lambda r: r.taken_on)
    values = [r.value for r in ordered]
    low, high = min(min(values), 0.0), max(values)
    first, last = ordered[0].taken_on, ordered[-1].taken_on
    unit = ordered[-1].unit
    points = [(_x(r.taken_on, first, last), _y(r.value, low, high)) for r in ordered]
    key = escape(key)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="measure-chart" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}: readings of the measure</title>',
        f'<desc id="{key}-desc">{escape(describe(ordered, measure))}</desc>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="{GRID}" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{GRID}" stroke-width="1"/>',
        _label(LEFT - 6, _y(high, low, high) + 4, format_value(high, unit), "end"),
        _label(LEFT - 6, _y(low, low, high) + 4, format_value(low, unit), "end"),
        _label(LEFT, HEIGHT - 8, first.isoformat(), "start"),
    ]
    if last != first:
        parts.append(_label(WIDTH - RIGHT, HEIGHT - 8, last.isoformat(), "end"))
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>' for x, y in points]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _label(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11" '
        f'fill="{INK}">{escape(text)}</text>'
    )
