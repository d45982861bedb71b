"""Choosing an action's lead agencies and supporting partners from the directory.

A partner is chosen by entry id or typed by name; a name is matched by its name key
(``directory.search.text.name_key``: case, accents and punctuation aside) among
published and pending entries, a published one first. A name not in the directory is
refused (``UnknownPartners`` lists them) until the organiser confirms, and then becomes
a pending entry through ``directory.service.add_pending_entry`` with the source
"Named in <plan title>", its name cleaned first (``clean_name``: format characters such
as bidi overrides dropped, spaces squeezed; names with control characters never get
here, ``plans.draft_forms`` refuses them).
"""

from __future__ import annotations

from convenor.cleaning import clean_name
from convenor.errors import Invalid
from directory.models import Entry, How, Status
from directory.search.text import name_key
from directory.service import add_pending_entry
from plans.draft_forms import ActionData, PartnerChoice
from plans.models import Action, ActionPartner, PartnerRole, Plan

CHOOSABLE = (Status.PUBLISHED, Status.PENDING)


class UnknownPartners(Invalid):
    """Organisations typed that are not in the directory; the organiser may confirm
    adding them as pending entries (``ActionData.add_missing``)."""

    def __init__(self, names: list[str], fields: dict[str, str]) -> None:
        super().__init__("Some organisations are not in the directory yet.", fields)
        self.names = names


async def find_partner(choice: PartnerChoice) -> Entry | None:
    """The published or pending directory entry chosen (by id) or named (by name key)."""
    live = Entry.filter(status__in=CHOOSABLE, merged_into_id__isnull=True)
    if choice.entry_id is not None:
        return await live.filter(id=choice.entry_id).first()
    key = name_key(choice.name)
    if not key:
        return None
    found = list(await live.filter(name_key=key).order_by("id"))
    found.sort(key=lambda e: e.status != Status.PUBLISHED)  # a published one first
    return found[0] if found else None


async def resolve_partners(plan: Plan, data: ActionData) -> tuple[list[Entry], list[Entry]]:
    """The entries an action's leads and supporting partners name; ``UnknownPartners``
    for names not in the directory unless ``add_missing`` (then pending entries, in the
    caller's transaction), Invalid for an unknown id or an entry both leading and
    supporting."""
    chosen: dict[str, list[Entry]] = {"leads": [], "supports": []}
    missing: dict[str, list[str]] = {}
    for name in ("leads", "supports"):
        for choice in getattr(data, name):
            entry = await find_partner(choice)
            if entry is None and choice.entry_id is not None:
                raise Invalid(fields={name: f"No organisation {choice.entry_id} in the directory"})
            if entry is None and data.add_missing:
                entry = await add_pending_entry(
                    clean_name(choice.name),
                    provenance=How.NOMINATED,
                    source=f"Named in {plan.title}"[:300],
                )
            if entry is None:
                missing.setdefault(name, []).append(clean_name(choice.name))
            elif entry.id not in {e.id for e in chosen[name]}:
                chosen[name].append(entry)
    if missing:
        fields = {
            name: "Not in the directory: "
            + ", ".join(f"\u201c{n}\u201d" for n in names)
            + ". Correct the names, or confirm adding them as pending entries."
            for name, names in missing.items()
        }
        raise UnknownPartners([n for names in missing.values() for n in names], fields)
    both = {e.id for e in chosen["leads"]} & {e.id for e in chosen["supports"]}
    if both:
        named = ", ".join(e.name for e in chosen["supports"] if e.id in both)
        raise Invalid(fields={"supports": f"{named} cannot both lead and support"})
    return chosen["leads"], chosen["supports"]


async def write_partners(action: Action, leads: list[Entry], supports: list[Entry]) -> None:
    await ActionPartner.filter(action_id=action.id).delete()
    for role, entries in ((PartnerRole.LEAD, leads), (PartnerRole.SUPPORT, supports)):
        for position, entry in enumerate(entries):
            await ActionPartner.create(action=action, entry=entry, role=role, position=position)
