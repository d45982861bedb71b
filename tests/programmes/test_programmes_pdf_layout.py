"""The printed programme's layout (issue 16): the footer and the page number on lines
of their own, long words and URLs wrapped, Markdown lists and link targets kept, and a
registered delegate's PDF with the not-for-publication sessions their page shows.
Text and its positions are read back with pypdf."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader

from events.models import Event
from programmes.drafts import update_session
from programmes.pdf import SANS, printable_text, programme_pdf
from programmes.publishing import publish_programme
from tests.events.factories import invite, link_for

from .factories import registered, session_data

LONG_TITLE = (
    "Southampton and Isle of Wight Community Safety Partnership: consultation summit on "
    "the draft Serious Violence Duty delivery plan, with partner agencies and groups"
)
URL = "https://example.org/" + "partnership-documents/" * 8 + "plan.pdf"
WORD = "Violence" + "reduction" * 20


def placed_text(body: bytes, page: int) -> list[tuple[float, float, str]]:
    """(x, y, text) of each piece of text pypdf reads on a page (y grows upwards)."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4], tm[5], text.strip()))

    PdfReader(io.BytesIO(body)).pages[page].extract_text(visitor_text=visit)
    return found


def page_lines(body: bytes, page: int) -> list[str]:
    return PdfReader(io.BytesIO(body)).pages[page].extract_text().splitlines()


async def describe_welcome(organiser, event, programme, description: str) -> None:
    main = programme["rooms"][0]
    await update_session(
        organiser,
        event.id,
        programme["sessions"][0].id,
        session_data("Welcome", 0, 0.5, room_id=main.id, description=description),
    )


async def test_footer_and_page_number_are_on_separate_lines(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(title=LONG_TITLE)
    view = await publish_programme(organiser, event.id, settings)

    placed = placed_text(programme_pdf(view), 1)

    (footer,) = [p for p in placed if p[2].startswith("Southampton and Isle of Wight")]
    (number,) = [p for p in placed if p[2].startswith("Page 2 of")]
    assert footer[1] - number[1] >= 8  # points: a line apart, never overlapping
    assert footer[2].endswith("\u2026")  # cut to one line
    assert number[2] == "Page 2 of 3"


async def test_footer_with_a_short_title_is_whole(event, programme, organiser, settings):
    view = await publish_programme(organiser, event.id, settings)

    lines = page_lines(programme_pdf(view), 1)

    assert lines[-2:] == [f"{event.title} · programme version 1", "Page 2 of 3"]


async def test_long_url_wraps_across_lines(event, programme, organiser, settings):
    await describe_welcome(organiser, event, programme, f"Read the plan: {URL}")
    view = await publish_programme(organiser, event.id, settings)

    lines = page_lines(programme_pdf(view), 1)

    start = lines.index("Read the plan:") + 1
    pieces = [lines[start]]
    while "".join(pieces) != URL and len(pieces) < 10:
        pieces.append(lines[start + len(pieces)])
    assert "".join(pieces) == URL
    assert len(pieces) >= 2


async def test_long_word_wraps_across_lines(event, programme, organiser, settings):
    await describe_welcome(organiser, event, programme, WORD)
    view = await publish_programme(organiser, event.id, settings)

    lines = page_lines(programme_pdf(view), 1)

    start = next(i for i, line in enumerate(lines) if line.startswith("Violencereduction"))
    pieces = [lines[start]]
    while "".join(pieces) != WORD and len(pieces) < 10:
        pieces.append(lines[start + len(pieces)])
    assert "".join(pieces) == WORD
    assert len(pieces) >= 2


def width_in_points(text: str, size: float) -> float:
    """How wide fpdf2 sets ``text`` in DejaVu Sans at ``size`` points."""
    measure = FPDF()
    measure.add_font("sans", "", str(SANS))
    measure.set_font("sans", size=size)
    return measure.get_string_width(text) * 72 / 25.4


async def test_wrapped_text_stays_inside_the_right_margin(event, programme, organiser, settings):
    await describe_welcome(organiser, event, programme, f"{WORD} {URL}")
    view = await publish_programme(organiser, event.id, settings)
    body = programme_pdf(view)
    right_edge = float(PdfReader(io.BytesIO(body)).pages[1].mediabox.width) - 18 * 72 / 25.4

    placed = placed_text(body, 1)

    pieces = [p for p in placed if "reduction" in p[2] or "partnership-documents" in p[2]]
    assert len(pieces) >= 4
    assert all(x + width_in_points(text, 9) <= right_edge + 0.5 for x, _, text in pieces)


async def test_markdown_list_items_and_link_targets_are_kept(event, programme, organiser, settings):
    description = (
        "Bring:\n\n- the draft plan\n- your questions\n\n1. Listen\n2. Discuss\n\n"
        "Read [the plan](https://example.org/plan) first."
    )
    await describe_welcome(organiser, event, programme, description)
    view = await publish_programme(organiser, event.id, settings)

    lines = page_lines(programme_pdf(view), 1)

    start = lines.index("Bring:")
    assert lines[start : start + 6] == [
        "Bring:",
        "\u2022 the draft plan",
        "\u2022 your questions",
        "1. Listen",
        "2. Discuss",
        "Read the plan (https://example.org/plan) first.",
    ]


def test_printable_text_of_a_link_showing_its_own_address_is_not_doubled():
    assert printable_text("See <https://example.org>.") == "See https://example.org."


async def test_registered_delegates_pdf_has_their_not_for_publication_sessions(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/programme.pdf")

    assert response.status_code == 200
    text = "\n".join(page_lines(response.content, 1))
    assert "Closed briefing" in text
    assert "Workshop: the draft plan" in text


async def test_invitee_not_registered_gets_the_pdf_without_them(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await link_for(await invite(organiser, event, 2))

    response = await client.get(f"/i/{token}/programme.pdf")

    assert response.status_code == 200
    text = "\n".join(page_lines(response.content, 1))
    assert "Closed briefing" not in text
    assert "Workshop: the draft plan" in text
