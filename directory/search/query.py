"""The query language, read in Python the same way whatever the database.

- ``food bank``: entries with a word starting "food" and a word starting "bank"
  (each word is a prefix: "sup" finds "support" and "supper");
- ``"food bank"``: the phrase: those whole words, one after the other, inside one field
  (a name, a service, the description...); a word typed with a hyphen or apostrophe
  ("drop-in", "women's") is a phrase of its parts;
- ``youth OR young``: either (``OR`` in capitals, between two terms);
- ``-church`` or ``NOT church``: without entries that have the word (or phrase).

Common English words (``STOP_WORDS``) typed on their own are left out ("the food bank"
finds what "food bank" finds) unless nothing else would be left. Words are folded as
the index folds them (``directory.search.text.words``). A query longer than
``MAX_QUERY_CHARS`` is cut there (``Parsed.shortened``), and at most ``MAX_TERMS``
terms are read (more also count as shortened). What is read is only ever words of
letters and digits: the database sees them as bound values, never as syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directory.search.text import MAX_QUERY_CHARS, words

MAX_TERMS = 8
MAX_PHRASE_WORDS = 8
STOP_WORDS = frozenset(
    """a an and are as at be but by for from has have in is it its of on or our that the
    their them they this to was we were will with you your not""".split()
)
# A quoted phrase (the closing quote may be missing), or a run of other characters.
TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True)
class Term:
    """A word (found as a prefix) or a phrase (whole words, in order)."""

    words: tuple[str, ...]
    phrase: bool = False

    @property
    def text(self) -> str:
        """The term as it would be typed."""
        return f'"{" ".join(self.words)}"' if self.phrase else self.words[0]

    def in_text(self, text: str) -> int:
        """For a phrase: the best weight of the index text's lines (``"<weight> <words>"``,
        ``directory.search.index``) holding it; 0 when none does."""
        wanted = " " + " ".join(self.words) + " "
        best = 0
        for line in text.split("\n"):
            weight, _, said = line.partition(" ")
            if wanted in f" {said} ":
                best = max(best, int(weight))
        return best


@dataclass
class Parsed:
    """A query as read: every group must match (a group matches when any of its terms
    does); no excluded term may."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    shortened: bool = False
    dropped: list[str] = field(default_factory=list)  # stop words left out

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def terms(self) -> list[Term]:
        """The distinct terms looked for (positive ones), in order."""
        found: list[Term] = []
        for group in self.groups:
            found += [term for term in group if term not in found]
        return found

    @property
    def highlighted(self) -> list[str]:
        """Words a match may start with (for ``directory.search.text.Highlighter``)."""
        return sorted({word for term in self.terms for word in term.words})

    @property
    def has_phrases(self) -> bool:
        return any(term.phrase for term in (*self.terms, *self.excluded))

    def text(self) -> str:
        """The query as it would be typed to be read this way."""
        parts = [" OR ".join(term.text for term in group) for group in self.groups]
        parts += [f"-{term.text}" for term in self.excluded]
        return " ".join(parts)

    def described(self) -> str:
        """How the query was read, in words, for the page ("" for plain words)."""
        if not any(len(g) > 1 for g in self.groups) and not self.excluded and not self.dropped:
            return ""
        said = []
        for group in self.groups:
            said.append(" or ".join(_quoted(term) for term in group))
        out = "Entries with " + " and ".join(said) if said else "Every entry"
        if self.excluded:
            out += ", without " + " or ".join(_quoted(term) for term in self.excluded)
        if self.dropped:
            common = ", ".join(f"“{word}”" for word in self.dropped)
            out += f" (common words left out: {common})"
        return out


def _quoted(term: Term) -> str:
    return f"“{' '.join(term.words)}”"


def parse(typed: str) -> Parsed:
    """Read a query (any text at all)."""
    parsed = Parsed()
    parsed.shortened = len(typed) > MAX_QUERY_CHARS
    # (negated, joined to the previous term by OR, term, a bare word)
    read: list[tuple[bool, bool, Term, bool]] = []
    negate = either = False
    for match in TOKEN.finditer(typed[:MAX_QUERY_CHARS]):
        quoted, bare = match.group(1), match.group(2)
        if bare == "OR":
            either = bool(read)
            continue
        if bare == "NOT":
            negate = True
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negate, bare = True, bare[1:]
        found = words(quoted if quoted is not None else bare)
        if not found:
            # Punctuation alone, or an empty pair of quotes: nothing to look for. A "-"
            # just before a quote ("-" then '"x"') negates what follows.
            if bare != "-":
                negate = either = False
            else:
                negate = True
            continue
        phrase = quoted is not None or len(found) > 1
        term = Term(tuple(found[:MAX_PHRASE_WORDS]) if phrase else (found[0],), phrase)
        if len(read) == MAX_TERMS:
            parsed.shortened = True
            break
        read.append((negate, either and not negate, term, not phrase))
        negate = either = False
    positive = [(joined, term, bare) for negated, joined, term, bare in read if not negated]

    def common(i: int) -> bool:
        """A stop word typed on its own, not part of an OR."""
        joined, term, bare = positive[i]
        follows = i + 1 < len(positive) and positive[i + 1][0]
        return bare and term.words[0] in STOP_WORDS and not joined and not follows

    kept = [(joined, term) for i, (joined, term, _) in enumerate(positive) if not common(i)]
    if kept and len(kept) < len(positive):
        parsed.dropped = [t.words[0] for i, (_, t, _) in enumerate(positive) if common(i)]
    else:
        kept = [(joined, term) for joined, term, _ in positive]
    for joined, term in kept:
        if joined and parsed.groups:
            if term not in parsed.groups[-1]:
                parsed.groups[-1].append(term)
        elif not any(group == [term] for group in parsed.groups):
            parsed.groups.append([term])
    for negated, _, term, _ in read:
        if negated and term not in parsed.excluded:
            parsed.excluded.append(term)
    return parsed
