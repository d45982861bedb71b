"""Charts drawn on the server as SVG: the distribution of support for an action.

A chart is a picture of a table the page shows beside it, never the only way to read the
figures. The SVG is ``role="img"`` named by its ``<title>`` and described by its
``<desc>`` (every figure in words); each bar carries its count and its label as text,
so colour is never the only cue; the fills have at least 3:1 contrast with the white
background (WCAG 1.4.11) and the text at least 4.5:1. No script and no style attribute
(the CSP allows neither): colours are presentation attributes. Every bit of text is
escaped here; the result is ``Markup`` for the template.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from plans.analysis import SUPPORT_SCALE
from plans.models import SUPPORT_LABELS

# Strongly support .. strongly oppose: greens to reds through grey, each at least 3:1
# against white (tests/plans/test_charts.py checks the ratios).
SUPPORT_COLOURS = {5: "#1d6b3a", 4: "#4a7d1f", 3: "#6b6b6b", 2: "#b34700", 1: "#a4161a"}
SHORT_LABELS = {
    5: ("Strongly", "support"),
    4: ("Support", ""),
    3: ("Neither", ""),
    2: ("Oppose", ""),
    1: ("Strongly", "oppose"),
}
TEXT = "#1a1a1a"
AXIS = "#595959"
WIDTH = 360
PLOT_TOP = 24  # room for the count above the tallest bar
PLOT_HEIGHT = 120
BAR = 44
GAP = 24
LEFT = 20
LABELS = 36  # room under the axis for two lines of labels


def _tag(name: str, attrs: dict[str, object], text: str | None = None) -> str:
    """One element, its attributes and text escaped (``None``: an empty element)."""
    written = " ".join(f'{key}="{escape(str(value))}"' for key, value in attrs.items())
    if text is None:
        return f"<{name} {written}/>"
    return f"<{name} {written}>{escape(text)}</{name}>"


def bar_heights(counts: dict[int, int], height: int = PLOT_HEIGHT) -> dict[int, float]:
    """Each bar's height: its count's share of the largest count, times ``height``."""
    largest = max(counts.values(), default=0)
    if largest <= 0:
        return dict.fromkeys(counts, 0.0)
    return {value: round(height * n / largest, 2) for value, n in counts.items()}


def describe(counts: dict[int, int]) -> str:
    """The figures in words, for ``<desc>``."""
    total = sum(counts.values())
    if total == 0:
        return "No one has given a view on this yet."
    parts = [f"{SUPPORT_LABELS[v]}: {counts.get(v, 0)}" for v in SUPPORT_SCALE]
    people = "person" if total == 1 else "people"
    return f"{total} {people} gave a view. " + "; ".join(parts) + "."


def support_chart(chart_id: str, title: str, counts: dict[int, int]) -> Markup:
    """A column chart of the support counts (5 = strongly support .. 1 = strongly
    oppose), as inline SVG whose ids start with ``chart_id`` (unique on the page)."""
    counts = {v: int(counts.get(v, 0)) for v in SUPPORT_SCALE}
    heights = bar_heights(counts)
    axis_y = PLOT_TOP + PLOT_HEIGHT
    height = axis_y + LABELS
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    svg = {
        "xmlns": "http://www.w3.org/2000/svg",
        "role": "img",
        "viewBox": f"0 0 {WIDTH} {height}",
        "width": WIDTH,
        "height": height,
        "aria-labelledby": f"{title_id} {desc_id}",
        "class": "support-chart",
        "id": chart_id,
    }
    parts = [
        _tag("svg", svg)[:-2] + ">",
        _tag("title", {"id": title_id}, title),
        _tag("desc", {"id": desc_id}, describe(counts)),
    ]
    label = {"text-anchor": "middle", "fill": TEXT, "font-size": 12}
    for i, value in enumerate(SUPPORT_SCALE):
        x = LEFT + i * (BAR + GAP)
        bar = heights[value]
        middle = x + BAR / 2
        rect = {
            "x": x,
            "y": round(axis_y - bar, 2),
            "width": BAR,
            "height": bar,
            "fill": SUPPORT_COLOURS[value],
            "data-value": value,
            "data-count": counts[value],
        }
        parts.append(_tag("rect", rect))
        count = {**label, "x": middle, "y": round(axis_y - bar - 6, 2), "font-weight": 700}
        parts.append(_tag("text", {**count, "font-size": 13}, str(counts[value])))
        first, second = SHORT_LABELS[value]
        parts.append(_tag("text", {**label, "x": middle, "y": axis_y + 15}, first))
        if second:
            parts.append(_tag("text", {**label, "x": middle, "y": axis_y + 30}, second))
    right = LEFT + len(SUPPORT_SCALE) * (BAR + GAP) - GAP
    axis = {"x1": LEFT - 4, "y1": axis_y, "x2": right + 4, "y2": axis_y, "stroke": AXIS}
    parts.append(_tag("line", axis))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text and attribute escaped above)
