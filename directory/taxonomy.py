"""The configurable taxonomy: themes and areas served, with the demo's lists.

The lists below are what the demo and a fresh install start with (Southampton's wards
and community-safety themes); staff can add to them, and other places replace them.
"""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from directory.models import Area, Theme
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
