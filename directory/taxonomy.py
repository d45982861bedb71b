"""The configurable taxonomy: themes and areas served, with the demo's lists.

The lists below are what the demo and a fresh install start with (Southampton's wards
and community-safety themes); moderators add, rename and remove terms on the taxonomy
page (or with ``convenor directory add-terms``). A term's slug is fixed when it is
made, so renaming keeps links and filters working; a term in use cannot be removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from convenor.cleaning import name_problem, text_problem
from convenor.errors import Conflict, Invalid, NotFound
from directory.models import Area, Theme
from directory.search import index as search_index
from directory.service import new_uuid

COMMUNITY_SAFETY_THEMES = (
    "Serious violence",
    "Knife crime",
    "Domestic abuse",
    "Violence against women and girls",
    "Hate crime",
    "Anti-social behaviour",
    "Drugs and alcohol",
    "Youth diversion",
    "Exploitation",
    "Rough sleeping",
    "Victim support",
    "Mental health",
)

SOUTHAMPTON_WARDS = (
    "Banister & Polygon",
    "Bargate",
    "Bassett",
    "Bevois",
    "Bitterne Park",
    "Coxford",
    "Freemantle",
    "Harefield",
    "Millbrook",
    "Peartree",
    "Portswood",
    "Redbridge",
    "Shirley",
    "Sholing",
    "Swaythling",
    "Thornhill",
    "Woolston",
    "City-wide",
)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


async def ensure_taxonomy(
    themes: tuple[str, ...] = COMMUNITY_SAFETY_THEMES, areas: tuple[str, ...] = SOUTHAMPTON_WARDS
) -> None:
    """Add any missing themes and areas by name. Side effects: taxonomy rows."""
    async with in_transaction():
        for model, names in ((Theme, themes), (Area, areas)):
            known = set(await model.all().values_list("name", flat=True))
            for name in names:
                if name not in known:
                    await model.create(uuid=new_uuid(), name=name, slug=slugify(name))


TERMS: dict[str, type[Theme] | type[Area]] = {"theme": Theme, "area": Area}
A_TERM = {"theme": "a theme", "area": "an area"}
NAME_LIMIT = 100


@dataclass(frozen=True)
class TermUse:
    """A theme or area and how many entries (of any status) use it."""

    id: int
    name: str
    slug: str
    description: str
    entries: int


def _model(kind: str) -> type[Theme] | type[Area]:
    if kind not in TERMS:
        raise NotFound()
    return TERMS[kind]


def _clean_name(name: str, field: str = "name") -> str:
    if problem := name_problem(name):
        raise Invalid(fields={field: problem})
    name = " ".join(name.split())
    if not name:
        raise Invalid(fields={field: "Enter a name"})
    if len(name) > NAME_LIMIT:
        raise Invalid(fields={field: f"Use {NAME_LIMIT} characters or fewer"})
    return name


def _check_description(description: str, field: str) -> None:
    if problem := text_problem(description, multi_line=True):
        raise Invalid(fields={field: problem})


async def terms_in_use(kind: str) -> list[TermUse]:
    """Every theme (or area) with the number of entries using it. No side effects."""
    model = _model(kind)
    rows = await model.all().annotate(used=Count("entries")).order_by("name")
    return [
        TermUse(r.id, r.name, r.slug, getattr(r, "description", ""), r.used)  # type: ignore[attr-defined]
        for r in rows
    ]


async def add_term(kind: str, name: str, description: str = "") -> Theme | Area:
    """Add a theme or area. Side effects: a taxonomy row. Invalid for a blank, too long
    or already used name (or one whose slug is taken)."""
    model = _model(kind)
    name = _clean_name(name)
    _check_description(description, "description")
    slug = slugify(name)
    if not slug:
        raise Invalid(fields={"name": "Use at least one letter or number"})
    values = {"description": description.strip()} if model is Theme else {}
    try:
        async with in_transaction():
            return await model.create(uuid=new_uuid(), name=name, slug=slug, **values)
    except IntegrityError:
        raise Invalid(fields={"name": f"There is already {A_TERM[kind]} called “{name}”"}) from None


async def rename_term(kind: str, term_id: int, name: str, description: str = "") -> None:
    """Rename a theme or area (its slug stays). Side effects: the taxonomy row."""
    model = _model(kind)
    field = f"name-{term_id}"
    name = _clean_name(name, field)
    _check_description(description, f"description-{term_id}")
    try:
        async with in_transaction():
            term = await model.filter(id=term_id).select_for_update().first()
            if term is None:
                raise NotFound()
            term.name = name
            if isinstance(term, Theme):
                term.description = description.strip()
            await term.save()
            await search_index.refresh_term(kind, term.id)
    except IntegrityError:
        raise Invalid(fields={field: f"There is already {A_TERM[kind]} called “{name}”"}) from None


async def remove_term(kind: str, term_id: int) -> str:
    """Remove a theme or area that no entry uses; returns its name. Side effects: the
    taxonomy row. Conflict if entries still use it, saying how many."""
    model = _model(kind)
    async with in_transaction():
        term = await model.filter(id=term_id).select_for_update().first()
        if term is None:
            raise NotFound()
        used = await term.entries.all().count()  # type: ignore[union-attr]
        if used:
            entries = "entry uses" if used == 1 else "entries use"
            raise Conflict(f"{used} {entries} “{term.name}”: change them before removing it.")
        await term.delete()
    return term.name
