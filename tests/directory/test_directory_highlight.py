"""Highlighting search words: escaped text, <mark> around matching words only.

Plain functions, no database: ASCII text takes a fast path (one regular expression
over the lower-cased text, one escape in C), which must answer exactly as the
word-by-word path does.
"""

import random
import string

import pytest

from directory.search.query import parse
from directory.search.text import Highlighter, highlight


def test_highlight_marks_word_starts_and_escapes_everything_else():
    marked = highlight('Shirley Boxing Club & <b>"friends"</b>', ["box", "shirley"])
    assert str(marked) == (
        "<mark>Shirley</mark> <mark>Boxing</mark> Club &amp; &lt;b&gt;&#34;friends&#34;&lt;/b&gt;"
    )


def test_highlight_ignores_matches_inside_words():
    assert str(highlight("Sandbox and boxing", ["box"])) == "Sandbox and <mark>boxing</mark>"


def test_highlight_without_words_only_escapes():
    assert str(highlight("a < b", [])) == "a &lt; b"


def test_highlight_text_holding_control_characters_stays_escaped_and_balanced():
    # The fast path brackets matches with \x00 and \x01; text holding them itself must
    # not turn them into tags.
    marked = str(highlight("box \x00 <x> \x01 boxes", ["box"]))
    assert marked == "<mark>box</mark> \x00 &lt;x&gt; \x01 <mark>boxes</mark>"


def test_highlight_non_ascii_text_marks_accented_words():
    marked = highlight("Café Élan, cafe", ["cafe"])
    assert str(marked) == "<mark>Café</mark> Élan, <mark>cafe</mark>"


def test_highlight_folds_letters_both_ways_as_search_does():
    marked = highlight(
        "Łódź and Straße, Tromsø Æble", parse("lodz strasse tromso aeble").highlighted
    )
    assert str(marked) == (
        "<mark>Łódź</mark> and <mark>Straße</mark>, <mark>Tromsø</mark> <mark>Æble</mark>"
    )
    assert str(highlight("Lodz Strasse", parse("łódź straße").highlighted)) == (
        "<mark>Lodz</mark> <mark>Strasse</mark>"
    )


def test_highlight_marks_a_phrase_and_or_words_but_not_excluded_ones():
    marked = highlight(
        "Food bank, youth club, church", parse('"food bank" OR youth -church').highlighted
    )
    assert str(marked) == "<mark>Food</mark> <mark>bank</mark>, <mark>youth</mark> club, church"


def _random_text(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + " _-&<>\"'.,!\x00\x01"
    words = ["box", "boxing", "Shirley", "sand", "BOX", "shir", "x", "Sx4", "4x4", "bo"]
    parts = [
        rng.choice(words)
        if rng.random() < 0.4
        else "".join(rng.choices(alphabet, k=rng.randint(1, 6)))
        for _ in range(rng.randint(0, 30))
    ]
    return rng.choice([" ", "", "&", "_"]).join(parts)


@pytest.mark.parametrize("seed", range(5))
def test_highlight_fast_path_answers_as_the_careful_path(seed):
    rng = random.Random(seed)
    for _ in range(200):
        words = ["box", "shirley", "sand", "x", "boxing", "4x", "sx", "b", "bo"]
        query = parse(" ".join(rng.sample(words, rng.randint(1, 3)))).highlighted
        marker = Highlighter(query)
        text = _random_text(rng).replace("\x00", "").replace("\x01", "")
        assert str(marker._mark_ascii(text)) == str(marker._mark_words(text)), (query, text)
        assert str(marker.mark(text)) == str(marker._mark_words(text)), (query, text)


def numbered(count: int, **words: str) -> str:
    """'w0 w1 ...' with some places (by index, as "at<i>") taking other words."""
    return " ".join(words.get(f"at{i}", f"w{i}") for i in range(count))


def test_snippet_of_a_short_text_is_the_whole_text_marked():
    text = numbered(30, at12="Boxing")
    assert str(Highlighter(["box"]).snippet(text)) == text.replace("Boxing", "<mark>Boxing</mark>")


def test_snippet_starts_a_third_of_its_words_before_the_first_match():
    text = numbered(100, at50="<Boxing>", at70="boxing")
    shown = " ".join(f"w{i}" for i in range(40, 50))
    after = " ".join(f"w{i}" for i in range(51, 70))
    assert str(Highlighter(["boxing"]).snippet(text)) == (
        f"… {shown} &lt;<mark>Boxing</mark>&gt; {after} …"
    )


def test_snippet_near_the_end_has_no_closing_ellipsis():
    text = numbered(40, at35="boxing") + "  \n"
    shown = " ".join("<mark>boxing</mark>" if i == 35 else f"w{i}" for i in range(25, 40))
    assert str(Highlighter(["boxing"]).snippet(text)) == f"… {shown}"


def test_snippet_without_a_match_in_the_text_shows_its_first_words():
    text = "  " + numbered(31)
    shown = " ".join(f"w{i}" for i in range(30))
    assert str(Highlighter(["boxing"]).snippet(text)) == f"{shown} …"


def test_snippet_of_non_ascii_text_finds_the_first_match_by_its_folded_form():
    text = numbered(60, at20="Café", at45="Cafés")
    shown = " ".join(f"w{i}" for i in range(10, 20))
    after = " ".join(f"w{i}" for i in range(21, 40))
    assert str(Highlighter(["cafe"]).snippet(text)) == f"… {shown} <mark>Café</mark> {after} …"
