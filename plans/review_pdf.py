"""An annual review as a PDF for the partnership board: counts, changes, every action.

Made with fpdf2 in DejaVu Sans, the font files the programme PDF uses
(``programmes.pdf``); when a text needs a script DejaVu lacks (Chinese, Japanese,
Korean), Noto Sans CJK is added as a fallback for that document only, as the programme
does. Pure: built from the review's snapshot and its comparison with
the previous review, so the same review always prints the same.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

try:
    import cvttf_NotoSansCJK_Regular as noto
except ImportError:  # without it, CJK text prints as missing glyphs, not an error
    noto = None

from plans.measure_chart import format_value
from plans.models import ActionStatus, Review
from plans.register import STATUS_LABELS
from plans.reviews import Comparison
from programmes.pdf import SANS, SANS_BOLD

INK = (33, 37, 41)
MUTED = (90, 98, 106)
HEADING = FontFace(emphasis="BOLD", fill_color=(230, 236, 240))


@cache
def _dejavu_characters() -> frozenset[int]:
    return frozenset(TTFont(str(SANS), lazy=True).getBestCmap())


def _needs_fallback(*texts: str) -> bool:
    known = _dejavu_characters()
    return any(ord(c) not in known for text in texts for c in text if c > "\x7f")


def _label(status: str | None) -> str:
    return STATUS_LABELS.get(ActionStatus(status), status) if status else "-"


def _progress(value: int | None) -> str:
    return "-" if value is None else f"{value}%"


def _reading(reading: dict | None) -> str:
    if not reading:
        return "-"
    return f"{format_value(reading['value'], reading['unit'])} ({reading['taken_on']})"


class _Review(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_font("sans", size=8)
        self.set_text_color(*MUTED)
        self.set_y(-12)
        self.cell(0, 5, self.footer_text[:120], align="L")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def review_pdf(review: Review, previous: Review | None, comparison: Comparison) -> bytes:
    """The review (and what changed since ``previous``) as PDF bytes."""
    snap = review.snapshot
    plan = snap["plan"]
    pdf = _Review(format="A4")
    pdf.add_font("sans", "", str(SANS))
    pdf.add_font("sans", "B", str(SANS_BOLD))
    if noto is not None and _needs_fallback(review.title, json.dumps(snap, ensure_ascii=False)):
        pdf.add_font("cjk", "", str(Path(noto.get_TTF_path())))
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.set_title(f"{plan['title']}: {review.title}")
    pdf.set_creator("Convenor")
    pdf.footer_text = f"{plan['title']} · {review.title} · as at {snap['as_of']}"
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 18)
    pdf.multi_cell(0, 9, review.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 11)
    pdf.multi_cell(
        0,
        6,
        f"{plan['partnership']}: {plan['title']} {plan['period']}".strip(),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    as_of = date.fromisoformat(snap["as_of"])
    line = f"The actions register as at {as_of.day} {as_of:%B %Y}"
    if previous is not None:
        line += f", compared with {previous.title} ({previous.as_of.isoformat()})"
    pdf.multi_cell(0, 6, line + ".", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    _heading(pdf, "Actions by status")
    with pdf.table(
        col_widths=(60, 30, 30), width=120, align="LEFT", headings_style=HEADING
    ) as table:
        table.row(("Status", "Previous", "Now"))
        for label, old, new in comparison.count_rows:
            table.row((label, str(old) if previous else "-", str(new)))

    if previous is not None:
        _heading(pdf, "Changed status")
        _changes(
            pdf,
            [
                (c.number, c.text, f"{_label(c.old_status)} to {_label(c.new_status)}")
                for c in comparison.status_changes
            ],
        )
        _heading(pdf, "New readings")
        _changes(
            pdf, [(c.number, c.text, _reading(c.new_reading)) for c in comparison.new_readings]
        )

    _heading(pdf, "Every action")
    pdf.set_font("sans", "", 9)
    with pdf.table(col_widths=(10, 64, 36, 22, 20, 26), headings_style=HEADING) as table:
        table.row(("No.", "Action", "Lead", "Status", "Progress", "Latest reading"))
        for action in snap["actions"]:
            table.row(
                (
                    action["number"],
                    action["text"],
                    ", ".join(action["leads"]),
                    _label(action["status"]),
                    _progress(action["progress"]),
                    _reading(action["reading"]),
                )
            )
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("sans", "B", 13)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 10)


def _changes(pdf: FPDF, rows: list[tuple[str, str, str]]) -> None:
    if not rows:
        pdf.cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(col_widths=(12, 110, 56), headings_style=HEADING) as table:
        table.row(("No.", "Action", "Change"))
        for row in rows:
            table.row(row)
