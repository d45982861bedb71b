"""The printable programme (PDF) from a published view: cover, timetable, speakers.

Made with fpdf2 (pure Python, from PyPI). Text is set in DejaVu Sans, committed under
``programmes/fonts`` with its licence (Latin, Greek, Cyrillic and more); when a name
needs a script DejaVu lacks (Chinese, Japanese, Korean), Noto Sans CJK from the
``cvttf-NotoSansCJK-Regular`` package is added as a fallback font for that document
only, since loading it costs about half a second. Not-for-publication sessions, and
speakers who appear only in them, are left out. The bytes are cached on the view.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

try:
    import cvttf_NotoSansCJK_Regular as noto
except ImportError:  # without it, CJK names print as missing glyphs, not an error
    noto = None

from convenor.templating import format_datetime, localtime
from convenor.text import render_markdown
from programmes.emails import ROLE_LABELS
from programmes.view import ProgrammeView, SessionEntry, SpeakerEntry

FONTS = Path(__file__).resolve().parent / "fonts"
SANS = FONTS / "DejaVuSans.ttf"
SANS_BOLD = FONTS / "DejaVuSans-Bold.ttf"
KIND_LABELS = {
    "plenary": "Plenary",
    "keynote": "Keynote",
    "panel": "Panel",
    "workshop": "Workshop",
    "break": "Break",
    "networking": "Networking",
    "other": "Session",
}
INK = (33, 37, 41)
MUTED = (90, 98, 106)
ACCENT = (0, 84, 122)
TIME_WIDTH = 38
FOOTER_HEIGHT = 14  # two footer lines from here to the bottom edge
EN_DASH = "\u2013"


@cache
def _dejavu_characters() -> frozenset[int]:
    return frozenset(TTFont(str(SANS), lazy=True).getBestCmap())


@cache
def _cjk_font() -> Path | None:
    return Path(noto.get_TTF_path()) if noto is not None else None


def clock(moment: datetime, tz: str) -> str:
    return format_datetime(moment, tz, "time")


class _Programme(FPDF):
    footer_text = ""

    def footer(self) -> None:
        # Two lines, so a long event title can never run into the page number.
        self.set_font("sans", size=8)
        self.set_text_color(*MUTED)
        self.set_y(-FOOTER_HEIGHT)
        text = _fitted(self, self.footer_text, self.epw)
        self.cell(0, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 4.5, f"Page {self.page_no()} of {{nb}}", align="R")


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """The text cut to one line of ``width`` (with an ellipsis when cut)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _needs_fallback(view: ProgrammeView, sessions: list[SessionEntry]) -> bool:
    known = _dejavu_characters()
    texts = [view.title, view.event["location"], view.event["organising_body"]]
    texts += [s.title + s.description + s.room + s.track for s in sessions]
    texts += [s.display_name + s.job_title + s.organisation + s.bio for s in view.public_speakers()]
    return any(ord(char) not in known for text in texts for char in text if char > "\x7f")


def _document(view: ProgrammeView, sessions: list[SessionEntry]) -> _Programme:
    pdf = _Programme(format="A4")
    pdf.set_title(f"{view.title}: programme")
    pdf.set_creator("Convenor")
    pdf.set_creation_date(view.published_at)
    pdf.add_font("sans", "", str(SANS))
    pdf.add_font("sans", "B", str(SANS_BOLD))
    cjk = _cjk_font()
    if cjk is not None and _needs_fallback(view, sessions):
        pdf.add_font("cjk", "", str(cjk))
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.footer_text = f"{view.title} · programme version {view.number}"
    pdf.set_auto_page_break(auto=True, margin=FOOTER_HEIGHT + 6)
    pdf.set_margins(18, 18, 18)
    return pdf


def _cover(pdf: _Programme, view: ProgrammeView) -> None:
    event, tz = view.event, view.time_zone
    starts, ends = (
        datetime.fromisoformat(event["starts_at"]),
        datetime.fromisoformat(event["ends_at"]),
    )
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_text_color(*ACCENT)
    pdf.set_font("sans", "B", 11)
    pdf.cell(0, 8, "PROGRAMME", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 26)
    pdf.multi_cell(0, 12, view.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("sans", "", 14)
    same_day = localtime(starts, tz).date() == localtime(ends, tz).date()  # type: ignore[union-attr]
    until = format_datetime(ends, tz, "time" if same_day else "long")
    when = f"{format_datetime(starts, tz)} to {until}"
    pdf.multi_cell(0, 8, when, align="L", new_x="LMARGIN", new_y="NEXT")
    if event["location"]:
        pdf.multi_cell(0, 8, event["location"], align="L", new_x="LMARGIN", new_y="NEXT")
    if event["summary"]:
        pdf.ln(8)
        pdf.set_font("sans", "", 11)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 6, event["summary"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-50)
    pdf.set_font("sans", "", 10)
    pdf.set_text_color(*MUTED)
    if event["organising_body"]:
        pdf.cell(0, 6, event["organising_body"], new_x="LMARGIN", new_y="NEXT")
    published = format_datetime(view.published_at, tz, "short")
    pdf.cell(0, 6, f"Version {view.number}, published {published}", new_x="LMARGIN", new_y="NEXT")


def _timetable(pdf: _Programme, view: ProgrammeView, sessions: list[SessionEntry]) -> None:
    tz = view.time_zone
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 18)
    pdf.cell(0, 10, "Timetable", new_x="LMARGIN", new_y="NEXT")
    day = None
    width = pdf.epw - TIME_WIDTH
    for session in sessions:
        local_day = localtime(session.start, tz).date()  # type: ignore[union-attr]
        if local_day != day:
            day = local_day
            pdf.ln(3)
            pdf.set_font("sans", "B", 12)
            pdf.set_text_color(*ACCENT)
            pdf.cell(
                0, 8, format_datetime(session.start, tz, "date"), new_x="LMARGIN", new_y="NEXT"
            )
        if pdf.will_page_break(22):
            pdf.add_page()
        pdf.set_draw_color(210, 214, 218)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
        pdf.ln(1.5)
        top = pdf.get_y()
        pdf.set_font("sans", "B", 9)
        pdf.set_text_color(*INK)
        times = f"{clock(session.start, tz)}{EN_DASH}{clock(session.end, tz)}"
        pdf.cell(TIME_WIDTH, 5.5, times)
        pdf.set_xy(pdf.l_margin + TIME_WIDTH, top)
        pdf.set_font("sans", "B", 11)
        _paragraph(pdf, pdf.l_margin + TIME_WIDTH, width, 5.5, session.title)
        details = [KIND_LABELS.get(session.kind, "Session")]
        details += [part for part in (session.room, session.track) if part]
        if session.places:
            details.append(f"{session.places} places, sign up in advance")
        _indented(pdf, width, " · ".join(details), size=8.5, colour=MUTED)
        for speaker, role in session.speakers:
            line = f"{ROLE_LABELS.get(role, role)}: {speaker.display_name}"
            if speaker.description:
                line += f", {speaker.description}"
            _indented(pdf, width, line, size=9.5, colour=INK)
        if session.description:
            _indented(pdf, width, printable_text(session.description), size=9, colour=MUTED)
        pdf.ln(2)


def _indented(pdf: _Programme, width: float, text: str, *, size: float, colour) -> None:
    pdf.set_font("sans", "", size)
    pdf.set_text_color(*colour)
    _paragraph(pdf, pdf.l_margin + TIME_WIDTH, width, size * 0.5, text)


def _lines(pdf: _Programme, text: str, width: float) -> list[str]:
    """Greedy word wrap with the font's width table.

    fpdf2's multi_cell measures each candidate line afresh, which made the speaker
    list alone take a quarter of a second; one lookup per character is enough here.
    Characters the font lacks (set in the fallback font) count as one em.
    """
    widths = pdf.current_font.cw
    scale = pdf.font_size_pt * 0.001 / pdf.k
    space = widths[32] * scale

    def measure(word: str) -> float:
        return sum(widths[ord(c)] if ord(c) < 0x2E80 else 1000 for c in word) * scale

    lines = []
    for paragraph in text.split("\n"):
        indent = len(paragraph) - len(paragraph.lstrip(" "))
        lead = " " * indent
        words, used = [], measure(lead)
        for piece in paragraph.split():
            for word in _pieces(piece, width - measure(lead), measure):
                size = measure(word)
                if words and used + space + size > width:
                    lines.append(lead + " ".join(words))
                    # A wrapped list item continues under its text, not its bullet.
                    lead = " " * (indent + 2) if _BULLET.match(paragraph) else lead
                    words, used = [], measure(lead)
                used += (space if words else 0.0) + size
                words.append(word)
        lines.append(lead + " ".join(words))
    return lines


_BULLET = re.compile(r"^ *(\u2022|\d+\.) ")


def _pieces(word: str, width: float, measure) -> list[str]:
    """A word too long for a line (a URL, a long compound) cut into pieces that fit,
    after a slash, hyphen or dot where one falls late enough, else anywhere."""
    if measure(word) <= width or width <= 0:
        return [word]
    pieces = []
    while measure(word) > width:
        cut = 1
        while cut < len(word) and measure(word[: cut + 1]) <= width:
            cut += 1
        soft = max(word.rfind(mark, 0, cut) for mark in "/-.?&=_")
        if soft + 1 > cut // 2:
            cut = soft + 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces


def _paragraph(pdf: _Programme, x: float, width: float, height: float, text: str) -> None:
    # The cell pads its text by c_margin on each side: wrap to what is left.
    for line in _lines(pdf, text, width - 2 * pdf.c_margin):
        pdf.set_x(x)
        pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")


def _speakers(pdf: _Programme, speakers: list[SpeakerEntry]) -> None:
    if not speakers:
        return
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 18)
    pdf.cell(0, 10, "Speakers", new_x="LMARGIN", new_y="NEXT")
    for speaker in speakers:
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("sans", "B", 11)
        pdf.set_text_color(*INK)
        _paragraph(pdf, pdf.l_margin, pdf.epw, 6, speaker.display_name)
        if speaker.description:
            pdf.set_font("sans", "", 9.5)
            pdf.set_text_color(*ACCENT)
            _paragraph(pdf, pdf.l_margin, pdf.epw, 5, speaker.description)
        if speaker.bio:
            pdf.set_font("sans", "", 9.5)
            pdf.set_text_color(*MUTED)
            _paragraph(pdf, pdf.l_margin, pdf.epw, 5, speaker.bio)


def programme_pdf(view: ProgrammeView, *, delegates: bool = False) -> bytes:
    """The public programme as a PDF, or with ``delegates`` the registered delegates'
    one (not-for-publication sessions too, as their page shows); cached on the view."""
    key = "pdf-delegates" if delegates else "pdf"
    found = view.outputs.get(key)
    if found is None:
        sessions = view.sessions if delegates else view.public_sessions()
        if delegates:
            ids = {speaker.id for s in sessions for speaker, _ in s.speakers}
            speakers = [s for s in view.speakers if s.id in ids]
        else:
            speakers = view.public_speakers()
        pdf = _document(view, sessions)
        _cover(pdf, view)
        _timetable(pdf, view, sessions)
        _speakers(pdf, speakers)
        found = view.outputs[key] = bytes(pdf.output())
    return found


class _PrintableText(HTMLParser):
    """Sanitised Markdown HTML as plain lines for print: list items keep a bullet or
    their number, and a link keeps its target after its text."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] or [] if bulleted
        self.href: list[str | None] = []
        self.text: list[str] = []

    def _newline(self) -> None:
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def handle_starttag(self, tag, attrs) -> None:
        if tag in {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}:
            self._newline()
        elif tag == "br":
            self.out.append("\n")
        elif tag in {"ul", "ol"}:
            self._newline()
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._newline()
            depth = "  " * max(len(self.lists) - 1, 0)
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                self.out.append(f"{depth}{numbering[0]}. ")
                numbering[0] += 1
            else:
                self.out.append(f"{depth}\u2022 ")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.text = []

    def handle_endtag(self, tag) -> None:
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            self._newline()
        elif tag in {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}:
            self._newline()
        elif tag == "a" and self.href:
            href = self.href.pop()
            shown = "".join(self.text).strip()
            if href and href.removeprefix("mailto:") != shown:
                self.out.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data) -> None:
        if self.href:
            self.text.append(data)
        self.out.append(data.replace("\n", " ") if not self.out or self.lists else data)


def printable_text(markdown: str) -> str:
    """A session description (Markdown) as plain text for print, lists and link
    targets kept."""
    parser = _PrintableText()
    parser.feed(str(render_markdown(markdown)))
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.out).splitlines()]
    return "\n".join(line for line in lines if line.strip())
