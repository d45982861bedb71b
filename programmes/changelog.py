"""The programme's public changelog: what each published version moved, added or
cancelled, and when, as a page and as an Atom 1.0 feed.

The lines are worked out again from the stored snapshots for the audience that reads
them, rather than filtered from each version's own changelog (which the organisers
read): for the public, each version is compared with the one before on public
sessions only, so a not-for-publication session never appears, not even as the old
title in "was called ...", and one made public reads as new. Registered delegates
(through their link) read the comparison of every session, as their programme shows
them all. Versions in which nothing the audience can see changed are left out, and
clashes published anyway (organisers' business) never appear.

The result is kept on the latest version's view (``view.outputs``): versions never
change, so it is worked out once per version, audience and address.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from convenor import atom
from convenor.templating import format_datetime
from programmes import service
from programmes import snapshot as snap
from programmes.models import ProgrammeVersion
from programmes.view import ProgrammeView

PUBLIC = "public"
DELEGATES = "delegates"


@dataclass(frozen=True)
class ChangeLine:
    """One sentence of the changelog, about one session."""

    session_id: int
    kinds: tuple[str, ...]  # new, cancelled, withdrawn, retimed, moved, speakers, updated
    text: str


@dataclass(frozen=True)
class VersionChanges:
    """One published version as its audience reads it."""

    number: int
    published_at: datetime
    first: bool  # the first version: the programme came out
    sessions: int  # sessions the audience sees in this version
    lines: tuple[ChangeLine, ...]

    @property
    def title(self) -> str:
        if self.first:
            return f"Version {self.number}: the programme is published"
        count = len(self.lines)
        return f"Version {self.number}: {count} change{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class Changelog:
    view: ProgrammeView  # the latest version
    audience: str  # PUBLIC or DELEGATES
    versions: tuple[VersionChanges, ...]  # newest first

    @property
    def updated(self) -> datetime:
        return self.versions[0].published_at if self.versions else self.view.published_at


def _shown(entry: dict, audience: str) -> bool:
    return audience == DELEGATES or not entry["not_for_publication"]


def _when(entry: dict, tz: str) -> str:
    """'Wednesday 9 June 2027, 9:30am to 10:00am', as the snapshot's changelog says it."""
    start, end = datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"])
    return f"{format_datetime(start, tz, 'long')} to {format_datetime(end, tz, 'time')}"


def _compare(previous: dict, current: dict, audience: str) -> list[ChangeLine]:
    """What changed from ``previous`` to ``current`` among the sessions ``audience`` sees."""
    tz = current["event"]["time_zone"]
    before = [s for s in previous["sessions"] if _shown(s, audience)]
    now = [s for s in current["sessions"] if _shown(s, audience)]
    speakers = {entry["id"]: entry for entry in current["speakers"]}
    # Sessions the audience saw and no longer sees are added below, in their own words.
    items = snap.changelog({**previous, "sessions": before}, now, [], speakers, tz)
    lines = [
        ChangeLine(item["session_id"], tuple(item["kinds"]), text)
        for item in items
        for text in item["lines"]
    ]
    kept = {entry["id"] for entry in now}
    still = {entry["id"] for entry in current["sessions"]}
    for old in before:
        if old["id"] in kept:
            continue
        if old["id"] in still:  # made not for publication: not cancelled, only not public
            text = f"{old['title']} is no longer in the public programme."
            lines.append(ChangeLine(old["id"], ("withdrawn",), text))
        else:
            lines.append(
                ChangeLine(
                    old["id"], ("cancelled",), f"Cancelled: {old['title']}, {_when(old, tz)}."
                )
            )
    return lines


def changes_between(
    snapshots: list[tuple[int, datetime, dict]], audience: str
) -> list[VersionChanges]:
    """Each version's changes as ``audience`` sees them, newest first; versions with no
    change it can see are left out (the first always stays). Pure."""
    found = []
    previous = None
    for number, published_at, document in snapshots:
        count = sum(_shown(s, audience) for s in document["sessions"])
        if previous is None:
            found.append(VersionChanges(number, published_at, True, count, ()))
        else:
            lines = _compare(previous, document, audience)
            if lines:
                found.append(VersionChanges(number, published_at, False, count, tuple(lines)))
        previous = document
    return found[::-1]


async def _changelog(view: ProgrammeView, audience: str) -> Changelog:
    key = ("changelog", audience)
    found = view.outputs.get(key)
    if found is None:
        rows = (
            await ProgrammeVersion.filter(event_id=view.event["id"], number__lte=view.number)
            .order_by("number")
            .values_list("number", "published_at", "snapshot")
        )
        snapshots = [(n, _aware(at), document) for n, at, document in rows]
        found = view.outputs[key] = Changelog(
            view, audience, tuple(changes_between(snapshots, audience))
        )
    return found


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def public_changelog(event: str | int) -> Changelog:
    """The changelog anyone may read: NotFound wherever the public programme is (an
    invite-only, unpublished or cancelled event; the same rule and cache). No side effects."""
    return await _changelog(await service.public_programme(event), PUBLIC)


async def delegate_changelog(token: str) -> Changelog:
    """The changelog for an invitee's personal link: every session's changes for a
    registered delegate, the public ones for other invitees (as their programme page
    shows them, ``service.delegate_programme``). No side effects."""
    found = await service.delegate_programme(token)
    return await _changelog(found.view, DELEGATES if found.registered else PUBLIC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _guid(view: ProgrammeView, *parts: object) -> str:
    name = "/".join(map(str, ("convenor", view.event["uuid"], "programme-changes", *parts)))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def entry_text(version: VersionChanges) -> str:
    """The plain text of one version's entry: its sentences, one a line."""
    if version.first:
        count = version.sessions
        return f"The programme was published with {count} session{'s' if count != 1 else ''}."
    return "\n".join(line.text for line in version.lines)


def atom_feed(
    changelog: Changelog, page_url: str, feed_url: str, when: Callable[[datetime], str]
) -> bytes:
    """The changelog as an Atom 1.0 document (entries newest first, ids stable across
    versions: a version's entry keeps its id). ``when`` words a time for the entries'
    titles. Cached on the view per address."""
    key = ("changelog_atom", changelog.audience, feed_url)
    view = changelog.view
    found = view.outputs.get(key)
    if found is not None:
        return found
    root = atom.feed()
    atom.add(root, "id", _guid(view, changelog.audience))
    atom.add(root, "title", f"Programme changes: {view.title}")
    atom.add(root, "updated", _stamp(changelog.updated))
    atom.add(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    atom.add(root, "link", rel="alternate", type="text/html", href=page_url)
    author = atom.add(root, "author")
    atom.add(author, "name", view.event["organising_body"] or view.title)
    atom.add(root, "generator", "Convenor")
    for version in changelog.versions:
        entry = atom.add(root, "entry")
        atom.add(entry, "id", _guid(view, changelog.audience, "version", version.number))
        atom.add(entry, "title", f"{version.title} ({when(version.published_at)})")
        atom.add(entry, "updated", _stamp(version.published_at))
        atom.add(entry, "published", _stamp(version.published_at))
        atom.add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=f"{page_url}#version-{version.number}",
        )
        atom.add(entry, "content", entry_text(version), type="text")
    ET.indent(root)
    found = view.outputs[key] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return found
