"""The response report as a PDF: the same sections as its page, names of nobody.

Made with fpdf2 in the programme PDF's fonts (DejaVu Sans, from ``programmes.pdf``); when
the report holds characters DejaVu lacks (Chinese, Japanese, Korean), Noto Sans CJK from
the ``cvttf-NotoSansCJK-Regular`` package is added as a fallback for that document only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

try:
    import cvttf_NotoSansCJK_Regular as noto
except ImportError:  # without it, CJK text prints as missing glyphs, not an error
    noto = None

from convenor.templating import format_datetime
from plans.report import Report
from programmes.pdf import SANS, SANS_BOLD

INK = (33, 37, 41)
MUTED = (90, 98, 106)
ACCENT = (0, 84, 122)
OUTCOMES = {
    "changed": "We changed the action",
    "added": "We added an action",
    "not_changed": "We did not change it",
}


@cache
def _dejavu() -> frozenset[int]:
    return frozenset(TTFont(str(SANS), lazy=True).getBestCmap())


def _texts(report: Report) -> list[str]:
    texts = [report.plan.title, report.plan.partnership, report.plan.period]
    texts += [e.title for e in report.events] + report.workshops
    for p in report.priorities:
        texts += [p.title, *p.quotes, *p.missing]
        for a in p.actions:
            texts += [a.text, *a.quotes]
    for r in report.replies:
        texts += [r.you_said, r.we_did, r.theme, r.action]
    for a in report.changed_actions:
        texts += [a.old_text or "", a.new_text or "", a.old_measure or "", a.new_measure or ""]
    return texts


def _needs_fallback(report: Report) -> bool:
    known = _dejavu()
    return any(ord(c) not in known for text in _texts(report) for c in text if c > "\x7f")


class _Report(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("sans", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text[:120], align="L")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _document(report: Report) -> _Report:
    pdf = _Report(format="A4")
    pdf.set_title(f"{report.plan.title}: response report")
    pdf.set_creator("Convenor")
    if report.plan.report_published_at:
        pdf.set_creation_date(report.plan.report_published_at)
    pdf.add_font("sans", "", str(SANS))
    pdf.add_font("sans", "B", str(SANS_BOLD))
    if noto is not None and _needs_fallback(report):
        pdf.add_font("cjk", "", str(Path(noto.get_TTF_path())))
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.footer_text = f"{report.plan.title} · response report"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: float) -> None:
    if pdf.will_page_break(size * 1.5):
        pdf.add_page()
    pdf.ln(size * 0.3)
    pdf.set_font("sans", "B", size)
    pdf.set_text_color(*(ACCENT if size < 16 else INK))
    pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _text(pdf: FPDF, text: str, *, size: float = 10, colour=INK, indent: float = 0) -> None:
    pdf.set_font("sans", "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _counts(pdf: FPDF, rows: list[tuple[str, int]]) -> None:
    pdf.set_font("sans", "", 10)
    pdf.set_text_color(*INK)
    for label, count in rows:
        pdf.cell(90, 5.5, label)
        pdf.cell(20, 5.5, str(count), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _consultation(pdf: _Report, report: Report) -> None:
    plan, tz = report.plan, report.time_zone
    _heading(pdf, "The consultation", 14)
    if plan.opens_at and plan.closes_at:
        until = format_datetime(plan.closed_at or plan.closes_at, tz)
        _text(pdf, f"Open from {format_datetime(plan.opens_at, tz)} to {until}.")
    groups = ["delegates of the events below"] if report.events else []
    groups += ["partner organisations' staff"] if plan.partners_may_respond else []
    groups += ["members of the public"] if plan.public_may_respond else []
    if groups:
        _text(pdf, "Who could respond: " + ", ".join(groups) + ".")
    if report.consulted:
        when = format_datetime(report.consulted.published_at, tz, "short")
        _text(pdf, f"We consulted on version {report.consulted.number}, published {when}.")
    if report.adopted:
        when = format_datetime(report.adopted.published_at, tz, "short")
        _text(pdf, f"The partnership adopted version {report.adopted.number} on {when}.")
    for event in report.events:
        _text(pdf, f"Event: {event.title}, {format_datetime(event.starts_at, event.time_zone)}")
    for title in report.workshops:
        _text(pdf, f"Workshop: {title}")


def _who(pdf: _Report, report: Report) -> None:
    _heading(pdf, "Who responded", 14)
    line = f"{report.respondents} responses"
    if report.tables:
        line += f", and {report.points} points recorded by {report.tables} workshop tables"
    _text(
        pdf,
        line + ". We do not publish the names, email addresses or organisations of "
        "the people who responded.",
    )
    pdf.ln(2)
    _counts(
        pdf, [(r.label, r.count) for r in report.by_kind] + [("Workshop tables", report.tables)]
    )
    _counts(pdf, [(r.label, r.count) for r in report.by_capacity])


def _quotes(pdf: _Report, quotes: list[str]) -> None:
    for quote in quotes:
        _text(pdf, f"\u201c{quote}\u201d", size=9.5, colour=MUTED, indent=6)
        pdf.ln(1)


def _said(pdf: _Report, report: Report) -> None:
    pdf.add_page()
    _heading(pdf, "What you said", 14)
    for priority in report.priorities:
        _heading(pdf, f"Priority {priority.number}: {priority.title}", 12)
        for action in priority.actions:
            _heading(pdf, f"Action {action.number}: {action.text}", 10.5)
            views = ", ".join(f"{row.label} {row.count}" for row in action.support)
            _text(pdf, f"{action.answered} responses: {views}.", size=9.5)
            if action.points:
                _text(pdf, f"Workshop tables made {action.points} points on this action.", size=9.5)
            _quotes(pdf, action.quotes)
        if priority.quotes or priority.missing or priority.points:
            _heading(pdf, f"On priority {priority.number} as a whole", 10.5)
            if priority.points:
                _text(pdf, f"Workshop tables made {priority.points} points.", size=9.5)
            _quotes(pdf, priority.quotes)
            if priority.missing:
                _text(pdf, "What people said is missing:", size=9.5)
                _quotes(pdf, priority.missing)


def _replies(pdf: _Report, report: Report) -> None:
    _heading(pdf, "We did", 14)
    if not report.replies:
        _text(pdf, "No replies have been written.")
    for reply in report.replies:
        about = " · ".join(part for part in (reply.action, reply.theme) if part)
        _heading(pdf, about, 10.5)
        _text(pdf, f"You said: {reply.you_said}", size=9.5)
        _text(pdf, f"We did: {reply.we_did}", size=9.5)
        _text(pdf, f"Outcome: {OUTCOMES[reply.outcome.value]}", size=9.5, colour=MUTED)
        pdf.ln(1)


def _quoted(text: str | None) -> str:
    return f"\u201c{text or ''}\u201d"


def _action_line(a) -> str | None:
    if a.kind == "added":
        return f"Action {a.new_number} added: {_quoted(a.new_text)}."
    if a.kind == "removed":
        return f"Action {a.old_number} removed: {_quoted(a.old_text)}."
    if a.kind != "changed":
        return None
    parts = []
    if a.reworded:
        parts.append(f"reworded from {_quoted(a.old_text)} to {_quoted(a.new_text)}")
    if a.lead_changed:
        parts.append(f"lead changed from {a.old_leads or 'none'} to {a.new_leads or 'none'}")
    if a.measure_changed:
        parts.append(f"measure changed to {_quoted(a.new_measure)}")
    if a.target_changed:
        parts.append(f"target date changed to {a.new_target or 'none'}")
    if a.moved_from:
        parts.append(f"moved from {_quoted(a.moved_from)}")
    if a.supports_added or a.supports_removed:
        parts.append("supporting partners changed")
    return f"Action {a.new_number}: " + "; ".join(parts) + "."


def change_lines(report: Report) -> list[str]:
    """The differences between the consulted and adopted versions, one line each. Pure."""
    comparison = report.comparison
    if comparison is None:
        return []
    lines = [f"The plan's {k} changed." for k in comparison.plan_fields]
    for p in comparison.priorities:
        if p.kind == "added":
            lines.append(f"Priority {p.new_number} added: {p.new_title}.")
        elif p.kind == "removed":
            lines.append(f"Priority {p.old_number} removed: {p.old_title}.")
        elif p.retitled:
            lines.append(
                f"Priority {p.new_number} renamed from {_quoted(p.old_title)} "
                f"to {_quoted(p.new_title)}."
            )
        lines += [line for a in p.actions if (line := _action_line(a))]
    return lines


def _changes(pdf: _Report, report: Report) -> None:
    _heading(pdf, "What changed in the plan", 14)
    lines = change_lines(report)
    if not lines:
        _text(pdf, "The plan was adopted as it was consulted on.")
    for line in lines:
        _text(pdf, f"\u2022 {line}", size=9.5)


def report_pdf(report: Report) -> bytes:
    """The response report as PDF bytes. Pure (reads only the report given)."""
    pdf = _document(report)
    pdf.set_font("sans", "B", 11)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, "YOU SAID, WE DID", new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, report.plan.title, 20)
    subtitle = report.plan.partnership + (f" · {report.plan.period}" if report.plan.period else "")
    _text(pdf, subtitle, size=12, colour=MUTED)
    pdf.ln(4)
    _consultation(pdf, report)
    _who(pdf, report)
    _said(pdf, report)
    _replies(pdf, report)
    _changes(pdf, report)
    return bytes(pdf.output())
