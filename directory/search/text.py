"""Words as search sees them (folded the same way for the index and for queries), and
highlighting matches safely.

``fold`` case-folds (ß is ss), strips accents and writes letters such as ł, ø and æ
plainly, so "Lodz" and "Łódź" are the same word either way round. ``words`` are the runs
of letters and digits of the folded text. Highlighting escapes the text first and only
then wraps matching words in ``<mark>``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from markupsafe import Markup, escape

MAX_QUERY_CHARS = 300  # a query is cut here (and the page says it was shortened)
MAX_WORD_CHARS = 40  # longer words are indexed and looked for by their first 40
WORD = re.compile(r"[^\W_]+")  # a run of letters and digits


# Letters that Unicode does not decompose into a base letter and an accent, written as
# the letters people type without them (so "Lodz" finds "Łódź" and "Łódź" finds "Lodz").
PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ı": "i",  # noqa: RUF001 (the dotless i, which folds to i)
        "ŧ": "t",
        "ŀ": "l",
    }
)


def fold(text: str) -> str:
    """Case-folded (ß is ss), accents stripped and letters such as ł, ø and æ written
    plainly, as the search index holds words."""
    if text.isascii():
        return text.lower()  # the same answer for ASCII, in C (most text is ASCII)
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(PLAIN_LETTERS)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """A name as one key: folded words joined by single spaces ("The  Łódź Club!" and
    "the lodz club" share "the lodz club"); at most 200 characters."""
    return " ".join(WORD.findall(fold(name)))[:200]


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order, each cut to ``MAX_WORD_CHARS``: what the
    index holds and what a query's words are compared with."""
    return [word[:MAX_WORD_CHARS] for word in WORD.findall(fold(text))]


def _ascii_words(prefixes: list[str]) -> re.Pattern[str] | None:
    """A regular expression for lower-cased ASCII text: a word (a run of letters and
    digits) that starts with one of ``prefixes`` (themselves lower-case letters and
    digits), to its end.

    Each alternative opens with its prefix's first letter, and only then looks back for a
    letter or digit before that letter: a pattern that opens with a literal lets ``re``
    skip in C to where one of those letters is, instead of trying every position (three
    times faster on a description than a look-behind first and ``re.IGNORECASE``).
    """
    # A prefix that starts with another prefix finds no word the other does not.
    shortest = {p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)}
    if not shortest:
        return None
    alternatives = (
        f"{re.escape(p[0])}(?<![a-z0-9]{re.escape(p[0])}){re.escape(p[1:])}"
        for p in sorted(shortest)
    )
    return re.compile(f"(?:{'|'.join(alternatives)})[a-z0-9]*")


class Highlighter:
    """Marks the words of a text that match the query; prefixes are worked out once."""

    def __init__(self, query_tokens: list[str]) -> None:
        self.prefixes = tuple(sorted({t for t in query_tokens if t}))
        # ASCII text (most of it) is searched lower-cased by one regular expression
        # that finds the same words as ``_mark_words`` does word by word.
        self.ascii_words = _ascii_words([p for p in self.prefixes if p.isascii()])

    def matches(self, word: str) -> bool:
        lowered = word.lower()
        folded = lowered if lowered.isascii() else fold(lowered)
        return bool(self.prefixes) and folded.startswith(self.prefixes)

    def mark(self, text: str) -> Markup:
        """``text`` escaped, with words that match the query wrapped in ``<mark>``."""
        if text.isascii() and "\x00" not in text and "\x01" not in text:
            return self._mark_ascii(text)
        return self._mark_words(text)

    def _mark_words(self, text: str) -> Markup:
        """Word by word: each word (a run of letters and digits) folded and compared."""
        out: list[Markup] = []
        last = 0
        for match in WORD.finditer(text) if self.prefixes else ():
            if self.matches(match.group()):
                out.append(escape(text[last : match.start()]))
                out.append(Markup("<mark>{}</mark>").format(match.group()))
                last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    def _mark_ascii(self, text: str) -> Markup:
        """As ``_mark_words``, for ASCII text without the characters \\x00 and \\x01:
        matches are bracketed with those two, the whole text escaped in C (neither
        character is touched), and the brackets made into tags."""
        if self.ascii_words is None:
            return escape(text)
        parts: list[str] = []
        last = 0
        # Lower-casing ASCII keeps every character where it was.
        for match in self.ascii_words.finditer(text.lower()):
            start, end = match.span()
            parts += (text[last:start], "\x00", text[start:end], "\x01")
            last = end
        if not parts:
            return escape(text)
        parts.append(text[last:])
        escaped = str.__str__(escape("".join(parts)))
        # Safe: every character of the text went through escape(); only the brackets
        # (which the text does not hold) become tags.
        return Markup(escaped.replace("\x00", "<mark>").replace("\x01", "</mark>"))  # noqa: S704

    def first_match(self, text: str) -> int:
        """Where the first word matching the query starts in ``text`` (0 if none)."""
        if text.isascii():
            found = self.ascii_words.search(text.lower()) if self.ascii_words else None
            return found.start() if found else 0
        return next((m.start() for m in WORD.finditer(text) if self.matches(m.group())), 0)

    def snippet(self, text: str, words: int = 30) -> Markup:
        """About ``words`` words of ``text`` (as spaces separate them) around its first
        match, from a third of them before it, highlighted. Found with ``str.split``,
        in C: a regular expression's pass over every word cost more than the rest of a
        result together."""
        if len(text.split(None, words)) <= words:
            return self.mark(text)
        at = self.first_match(text)
        before = len(text[:at].split())
        if at and not text[at - 1].isspace():
            before -= 1  # the match is inside a word that starts earlier ("(boxing")
        start = max(0, before - words // 3)
        rest = text.split(None, start)[-1] if start else text.lstrip()
        begin = len(text) - len(rest)
        after = rest.split(None, words)
        shown = (rest if len(after) <= words else rest[: len(rest) - len(after[-1])]).rstrip()
        prefix = "… " if start else ""
        suffix = " …" if begin + len(shown) < len(text.rstrip()) else ""
        return escape(prefix) + self.mark(shown) + escape(suffix)


def highlight(text: str, query_tokens: list[str]) -> Markup:
    return Highlighter(query_tokens).mark(text)


def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate closest to ``word`` (difflib's ratio, at least 0.6), or None."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None
