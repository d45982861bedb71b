"""The printable programme: text in order, names in any script, nothing unpublished."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from programmes.data import SessionSpeakerData, SpeakerData
from programmes.drafts import set_session_speakers
from programmes.emails import plain_text
from programmes.pdf import programme_pdf
from programmes.publishing import publish_programme
from programmes.speakers import add_speaker


def pdf_text(body: bytes) -> tuple[list[str], str]:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    return pages, "\n".join(pages)


@pytest.fixture
async def view(programme, event, organiser, settings):
    return await publish_programme(organiser, event.id, settings)


async def test_pdf_lists_titles_times_and_speakers_in_order(view):
    pages, _ = pdf_text(programme_pdf(view))
    text = "\n".join(pages[1:])  # after the cover

    expected = [
        "9:30am\u201310:00am",
        "Welcome",
        "Chief Constable Zoë Ł. Dąbrowska",
        "Cllr Ахмед Петров",
        "10:00am\u201311:00am",
        "What serious violence means here",
        "Dr 李伟",
        "11:30am\u201312:30pm",
        "Workshop: the draft plan",
    ]
    # Where the font changes to the CJK fallback pypdf puts a space and NULs (poppler's
    # pdftotext reads "Dr 李伟" cleanly); compare without whitespace and NULs.
    squeezed = re.sub(r"[\s\x00]+", "", text)
    positions = [squeezed.index(re.sub(r"\s+", "", item)) for item in expected]
    assert positions == sorted(positions)


async def test_pdf_leaves_out_not_for_publication_sessions(view):
    _, text = pdf_text(programme_pdf(view))

    assert "Closed briefing" not in text
    assert "12:30pm\u20131:30pm" not in text
    assert "Workshop: the draft plan" in text  # control: the public sessions are there


async def test_pdf_leaves_out_speakers_only_in_unpublished_sessions(
    programme, event, organiser, settings
):
    secret = await add_speaker(organiser, event.id, SpeakerData(name="Quiet Person"))
    briefing = programme["sessions"][3]
    await set_session_speakers(organiser, event.id, briefing.id, [SessionSpeakerData(secret.id)])

    _, text = pdf_text(programme_pdf(await publish_programme(organiser, event.id, settings)))

    assert "Quiet Person" not in text
    assert "Zoë Ł. Dąbrowska" in text  # control: a public session's speaker is there


async def test_pdf_cover_has_title_date_and_venue(view):
    pages, _ = pdf_text(programme_pdf(view))

    cover = pages[0]
    assert "Serious Violence Delivery Plan Conference" in cover
    assert "Wednesday 9 June 2027, 9:30am to 4:30pm" in cover
    assert "St Mary's Stadium, Britannia Road, Southampton, SO14 5FP" in cover


async def test_pdf_pages_are_numbered(view):
    pages, _ = pdf_text(programme_pdf(view))

    numbers = [re.search(r"Page (\d+) of (\d+)", page).groups() for page in pages]
    assert numbers == [(str(n), str(len(pages))) for n in range(1, len(pages) + 1)]


async def test_pdf_speaker_list_has_bios(view):
    pages, _ = pdf_text(programme_pdf(view))

    assert "Speakers" in pages[-1]
    assert "Leads the force." in pages[-1]


async def test_pdf_is_the_same_object_for_the_same_view(view):
    assert programme_pdf(view) is programme_pdf(view)


def test_plain_text_drops_markup_and_keeps_words():
    markdown = "**Bold** and <script>x</script> [link](https://example.org)\n\n- a\n- b"

    assert plain_text(markdown) == "Bold and <script>x</script> link\na\nb"
