"""Turning what people type into safe search tokens, and highlighting matches safely.

Every query, whatever it holds (quotes, FTS operators, SQL, 10,000 characters), is
reduced to at most ``MAX_TOKENS`` plain word tokens before any database sees it, so
neither FTS5 nor ``to_tsquery`` can be handed syntax. Highlighting escapes the text
first and only then wraps matching words in ``<mark>``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from markupsafe import Markup, escape

MAX_QUERY_CHARS = 300
MAX_TOKENS = 8
MAX_TOKEN_CHARS = 40
WORD = re.compile(r"[^\W_]+")
SUFFIXES = ("ies", "ing", "es", "ed", "s", "e", "y")
MARK, UNMARK, EMPTY = Markup("<mark>"), Markup("</mark>"), Markup("")


def _bracketed(match: re.Match) -> str:
    """A match between two control characters (see ``Highlighter._mark_ascii``); a
    function, since ``re`` expands a template's group reference in Python (2.5 times
    slower here)."""
    return f"\x00{match.group()}\x01"


def fold(text: str) -> str:
    """Lower-case and strip accents, as the search indexes do."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(query: str) -> list[str]:
    """Plain word tokens from a query, de-duplicated, in order."""
    found: list[str] = []
    for word in WORD.findall(fold(query[:MAX_QUERY_CHARS])):
        word = word[:MAX_TOKEN_CHARS]
        if word not in found:
            found.append(word)
        if len(found) == MAX_TOKENS:
            break
    return found


def _stem(word: str) -> str:
    """A crude suffix strip, enough to highlight 'knives' for 'knife' and the like."""
    for suffix in SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Highlighter:
    """Marks the words of a text that match the query; prefixes are worked out once."""

    def __init__(self, query_tokens: list[str]) -> None:
        self.prefixes = tuple({p for t in query_tokens for p in (t, _stem(t))})
        # For ASCII text (most of it), one regular expression finds the same words: a
        # word (a run of WORD characters) whose lower case starts with a prefix.
        ascii_prefixes = sorted((p for p in self.prefixes if p.isascii()), key=len, reverse=True)
        self.ascii_words = (
            re.compile(
                r"(?<![^\W_])(?:" + "|".join(map(re.escape, ascii_prefixes)) + r")[^\W_]*",
                re.IGNORECASE | re.ASCII,
            )
            if ascii_prefixes
            else None
        )

    def matches(self, word: str) -> bool:
        lowered = word.lower()
        folded = lowered if lowered.isascii() else fold(lowered)
        return bool(self.prefixes) and folded.startswith(self.prefixes)

    def mark(self, text: str) -> Markup:
        """``text`` escaped, with words that match the query wrapped in ``<mark>``."""
        if text.isascii():
            return self._mark_ascii(text)
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
        if self.ascii_words is None:
            return escape(text)
        if "\x00" in text or "\x01" in text:
            return self._mark_ascii_slowly(text)
        # Matches are bracketed with two control characters, the whole text escaped
        # (in C; neither character is touched), and the brackets made into tags.
        bracketed = self.ascii_words.sub(_bracketed, text)
        escaped = str.__str__(escape(bracketed))
        # Safe: every character of the text went through escape(); only the brackets
        # (which the text does not hold) become tags.
        return Markup(escaped.replace("\x00", "<mark>").replace("\x01", "</mark>"))  # noqa: S704

    def _mark_ascii_slowly(self, text: str) -> Markup:
        """As ``_mark_ascii``, for text that holds the bracketing characters itself."""
        assert self.ascii_words is not None
        out: list[Markup] = []
        last = 0
        for match in self.ascii_words.finditer(text):
            out += (escape(text[last : match.start()]), MARK, escape(match.group()), UNMARK)
            last = match.end()
        if not out:
            return escape(text)
        out.append(escape(text[last:]))
        return EMPTY.join(out)

    def first_match(self, text: str) -> int:
        """Where the first word matching the query starts in ``text`` (0 if none)."""
        if text.isascii():
            found = self.ascii_words.search(text) if self.ascii_words else None
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


def suggest(query_tokens: list[str], names: list[str]) -> list[str]:
    """Replace each token that starts no word in ``names`` by the closest such word."""
    vocabulary = sorted({fold(w) for name in names for w in WORD.findall(name) if len(w) > 1})
    corrected = []
    for token in query_tokens:
        if any(word.startswith(token) for word in vocabulary):
            corrected.append(token)
            continue
        close = difflib.get_close_matches(token, vocabulary, n=1, cutoff=0.6)
        corrected.append(close[0] if close else token)
    return corrected
