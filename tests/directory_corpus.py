"""A realistic, seeded directory corpus for tests and benchmarks (issue 17).

``rows(count, seed)`` gives ``count`` rows as flat dicts of strings whose keys are the
importer's own column names (``directory.importer.COLUMNS``), so a row can be written
to an import file as it is (``csv_text``) or turned into an ``EntryData`` (``entry_data``).
Themes, areas and services are ``"; "``-separated, as the importer splits them.

What it holds, on purpose:
- names with Polish, Nordic and German letters (Łódź, Społeczność, Søren, Straße, Æble,
  Tromsø, Kraków...), and some that repeat apart from a number;
- Southampton's wards as areas and the community-safety themes
  (``directory.taxonomy``), some entries with none of either;
- descriptions with common words ("support" in about a third, "food bank" as a phrase,
  "bank holiday" and "food" apart, "youth", "young people"), stop words, and the
  occasional foreign word inside a description;
- every kind, most of them community and voluntary groups.

The same ``(count, seed)`` always gives the same rows, and a longer list starts with
the shorter one's rows (row ``i`` depends only on ``seed`` and ``i``).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from directory.taxonomy import COMMUNITY_SAFETY_THEMES, SOUTHAMPTON_WARDS

SEED = 17
COLUMNS = (
    "name",
    "kind",
    "description",
    "alternate_names",
    "themes",
    "areas",
    "services",
    "website",
    "email",
    "phone",
    "town",
    "postcode",
    "contact_name",
    "contact_email",
)

KINDS = (["community"] * 6 + ["voluntary"] * 4 + ["network"] * 2 + ["faith", "statutory"]) + [
    "business",
    "other",
]
FOREIGN = (
    "Łódź",
    "Społeczność",
    "Kraków",
    "Gdańsk",
    "Wrocław",
    "Żywiec",
    "Søren",
    "Bjørn",
    "Tromsø",
    "Ærø",
    "Æble",
    "Straße",
    "Größe",
    "Müller",
    "Björk",
    "Malmö",
    "Œuvre",
    "Đorđe",
    "Þór",
    "São Paulo",
)
ACTIVITIES = (
    "Youth",
    "Boxing",
    "Football",
    "Gardening",
    "Recovery",
    "Parents",
    "Tenants",
    "Women's",
    "Mosque",
    "Church",
    "Pantry",
    "Sailing",
    "Chess",
    "Dance",
    "Music",
    "Mentoring",
    "Allotment",
    "Lantern",
    "Walking",
    "Cycling",
    "Arts",
    "Carers",
    "Veterans",
    "Refugee",
    "Polish",
    "Somali",
    "Nepalese",
    "Kurdish",
    "Students",
    "Elders",
    "Men's",
    "Skate",
    "Drama",
    "Cookery",
    "Literacy",
    "Coding",
    "Food Bank",
    "Support",
    "Supper",
    "Superheroes",
)
FORMS = (
    "Club",
    "Network",
    "Association",
    "Project",
    "Group",
    "Trust",
    "Collective",
    "Forum",
    "Society",
    "Circle",
    "Hub",
    "Partnership",
    "Alliance",
    "Centre",
)
OPENINGS = (
    "We are a friendly group run by volunteers in {area}.",
    "The {activity_lower} project for the people of {area} and the city.",
    "A charity working with families across {area}.",
    "Run by and for local residents since {year}.",
    "Our team of volunteers meets every week at the community centre.",
)
SENTENCES = (
    "We offer support to young people and their families.",
    "Peer support for parents, carers and grandparents.",
    "We run a food bank every Friday and a community fridge.",
    "Food parcels, hot meals and clothing for anyone in need.",
    "Open on a bank holiday, with food and drinks for all.",
    "Youth sessions on weekday evenings for ages 11 to 18.",
    "Detached youth work on the estates and in the parks.",
    "Mentoring and careers advice for young people leaving school.",
    "Help with housing, benefits and debt advice.",
    "A safe space for women and girls affected by domestic abuse.",
    "We support victims of crime and their families.",
    "Sport and boxing sessions that keep young people away from knife crime.",
    "Recovery meetings for people affected by drugs and alcohol.",
    "English conversation classes and interpreting in Polish, Somali and Kurdish.",
    "Mental health and wellbeing walks, with a cup of tea at the end.",
    "Outreach for rough sleepers on winter nights.",
    "Digital inclusion: help with phones, forms and online safety.",
    "A lunch club for elders who are lonely or isolated.",
    "Gardening and growing food on the allotment, with tools provided.",
    "We work in partnership with schools, the police and the council.",
    "Training for volunteers in safeguarding and first aid.",
    "Drop-in advice is free, confidential and open to all.",
    "The hub is wheelchair accessible and has a hearing loop.",
    "Community safety patrols and reporting of hate crime.",
    "Supported by the lottery and by local businesses.",
)
SERVICES = (
    "Food bank",
    "Drop-in advice",
    "Youth club",
    "Mentoring",
    "Homework club",
    "Peer support group",
    "Hot meals",
    "Befriending",
    "Counselling",
    "Holiday activities",
    "Boxing sessions",
    "Community fridge",
    "Language classes",
    "Helpline",
)
FOREIGN_SENTENCES = (
    "Spotkania dla rodzin z Łodzi i Krakowa.",
    "Społeczność polska w Southampton: kawa, rozmowa i wsparcie.",
    "Vi hjælper familier fra Tromsø og Ærø.",
    "Hilfe für Familien an der Hauptstraße, jede Woche.",
    "Café Mødested for everyone, with smørrebrød on Fridays.",
)
STREETS = ("High Street", "Park Road", "Church Lane", "Station Road", "Victoria Road")


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        first = rng.choice(FOREIGN)
    elif roll < 0.55:
        first = rng.choice(SOUTHAMPTON_WARDS[:-1])
    else:
        first = ""
    words = [first, rng.choice(ACTIVITIES), rng.choice(FORMS)]
    if rng.random() < 0.1:
        words.insert(0, "The")
    return " ".join(w for w in words if w)


def _description(rng: random.Random, area: str, activity: str) -> str:
    opening = rng.choice(OPENINGS).format(
        area=area or "Southampton", activity_lower=activity.lower(), year=rng.randint(1975, 2024)
    )
    sentences = rng.sample(SENTENCES, rng.randint(1, 4))
    if rng.random() < 0.08:
        sentences.append(rng.choice(FOREIGN_SENTENCES))
    return " ".join([opening, *sentences])


def row(index: int, seed: int = SEED) -> dict[str, str]:
    """Row ``index`` of the corpus for ``seed`` (its name may repeat another's)."""
    rng = random.Random(f"{seed}:{index}")
    name = _name(rng)
    activity = next((a for a in ACTIVITIES if a in name), "community")
    areas = rng.sample(SOUTHAMPTON_WARDS, rng.choice((0, 1, 1, 1, 2, 2, 3)))
    themes = rng.sample(COMMUNITY_SAFETY_THEMES, rng.choice((0, 1, 1, 2, 2, 3)))
    alternate = ""
    if rng.random() < 0.2:
        alternate = "\n".join(
            [" ".join(w[0] for w in name.split() if w[0].isalpha()).replace(" ", "").upper()]
            + ([rng.choice(FOREIGN) + " " + rng.choice(FORMS)] if rng.random() < 0.3 else [])
        )
    services = rng.sample(SERVICES, rng.choice((0, 0, 1, 1, 2, 3)))
    slug = f"group{seed}-{index}"
    return {
        "name": name,
        "kind": rng.choice(KINDS),
        "description": _description(rng, areas[0] if areas else "", activity),
        "alternate_names": alternate,
        "themes": "; ".join(themes),
        "areas": "; ".join(areas),
        "services": "; ".join(services),
        "website": f"https://{slug}.example.org",
        "email": f"hello@{slug}.example.org",
        "phone": f"023 80{rng.randint(0, 99):02d} {rng.randint(0, 9999):04d}",
        "town": "Southampton",
        "postcode": f"SO{rng.randint(14, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
        f"{rng.choice('LNPQRSTUWXYZ')}",
        "contact_name": rng.choice(("Sam", "Ola", "Bjørn", "Priya", "Jo")) + " Contact",
        "contact_email": f"contact@{slug}.example.org",
    }


def rows(count: int, seed: int = SEED) -> list[dict[str, str]]:
    """``count`` rows; a name already given gets a number (" 2", " 3"...) after it, so
    names are distinct within one call (lists of different lengths stay prefixes of
    each other)."""
    found: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for index in range(count):
        made = row(index, seed)
        times = seen.get(made["name"], 0) + 1
        seen[made["name"]] = times
        if times > 1:
            made["name"] = f"{made['name']} {times}"
        found.append(made)
    return found


def csv_text(found: list[dict[str, str]]) -> str:
    """The rows as an import file (CSV, with the importer's column names as headings)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(found)
    return out.getvalue()


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def entry_data(made: dict[str, str]):
    """The row as ``directory.forms.EntryData`` (themes and areas as slugs)."""
    from directory.forms import EntryData, ServiceData
    from directory.taxonomy import slugify

    fields = {k: v for k, v in made.items() if k not in ("themes", "areas", "services")}
    return EntryData(
        **fields,
        themes=[slugify(t) for t in split(made["themes"])],
        areas=[slugify(a) for a in split(made["areas"])],
        services=[ServiceData(name=s) for s in split(made["services"])],
    )


def services_of(made: dict[str, str]) -> list[tuple[str, str, str]]:
    """The row's services as ``load`` writes them: (name, description, who for)."""
    return [
        (name, f"{name} for {made['name']}", "Anyone" if position else "")
        for position, name in enumerate(split(made["services"]))
    ]


def status(index: int) -> str:
    """The status row ``index`` is loaded with (``load``): most published, some pending,
    hidden or archived, so statuses matter to counts."""
    return ("pending", "hidden", "archived", *["published"] * 17)[index * 7 % 20]


async def load(
    found: list[dict[str, str]], first_id: int = 1, *, refresh: bool = True
) -> list[int]:
    """Write the rows as entries (ids from ``first_id``, statuses by ``status``) with
    their themes, areas and services, in bulk, then index them with the writers' own
    ``directory.search.index.refresh`` (unless not to ``refresh``: the caller indexes
    them); the taxonomy must exist (``ensure_taxonomy``). Returns the ids, in row order."""
    from datetime import UTC, datetime

    from tortoise.transactions import in_transaction

    from directory.models import Area, Entry, Service, Theme
    from directory.search import index
    from directory.search.text import name_key
    from directory.taxonomy import slugify

    stamp = datetime(2026, 12, 1, tzinfo=UTC)
    themes = {slug: i for i, slug in await Theme.all().values_list("id", "slug")}
    areas = {slug: i for i, slug in await Area.all().values_list("id", "slug")}
    ids = list(range(first_id, first_id + len(found)))
    async with in_transaction() as conn:
        entries, services, links = [], [], {"theme": [], "area": []}
        for entry_id, made in zip(ids, found, strict=True):
            given = {k: made[k] for k in COLUMNS if k not in ("themes", "areas", "services")}
            state = status(entry_id - first_id)
            entries.append(
                Entry(
                    id=entry_id,
                    uuid=f"00000000-0000-4000-8000-{entry_id:012d}",
                    name_key=name_key(made["name"]),
                    status=state,
                    website_domain=made["website"].split("//", 1)[-1],
                    published_at=stamp if state == "published" else None,
                    confirmed_at=stamp,
                    created_at=stamp,
                    updated_at=stamp,
                    **given,
                )
            )
            for position, (name, description, who_for) in enumerate(services_of(made)):
                services.append(
                    Service(
                        entry_id=entry_id,
                        uuid=f"00000000-0000-4000-9000-{entry_id:08d}{position:04d}",
                        name=name,
                        description=description,
                        who_for=who_for,
                        position=position,
                    )
                )
            for kind, known in (("theme", themes), ("area", areas)):
                links[kind] += [(entry_id, known[slugify(n)]) for n in split(made[f"{kind}s"])]
        await Entry.bulk_create(entries, batch_size=1000, using_db=conn)
        await Service.bulk_create(services, batch_size=1000, using_db=conn)
        dialect = conn.capabilities.dialect
        for kind, pairs in links.items():
            if pairs:
                marks = "?, ?" if dialect == "sqlite" else "$1, $2"
                await conn.execute_many(
                    f"INSERT INTO directory_entry_{kind} (entry_id, {kind}_id) VALUES ({marks})",
                    pairs,
                )
        if dialect != "sqlite":
            for table in ("directory_entry", "directory_service"):
                await conn.execute_query(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        if refresh:
            await index.refresh(ids)
    return ids


@dataclass
class Expected:
    """What a search must answer, worked out by brute force over the rows."""

    ids: list[int]  # every match, in the order pages show them
    facets: dict[str, dict[str, int]]  # facet -> value (kind, theme or area slug) -> count


SEARCHED = ("name", "alternate_names", "themes", "areas", "services", "description")
_folded: dict[tuple[str, ...], list[tuple[int, list[str]]]] = {}  # by what is searched


def _values(made: dict[str, str]) -> list[tuple[int, list[str]]]:
    """(weight, folded words) of each field value, as the index weighs them."""
    key = tuple(made[k] for k in SEARCHED)
    kept = _folded.get(key)
    if kept is None:
        kept = _folded[key] = _fold_values(made)
    return kept


def _fold_values(made: dict[str, str]) -> list[tuple[int, list[str]]]:
    from directory.search.text import words

    values = [(8, made["name"])]
    values += [(6, line) for line in made["alternate_names"].splitlines()]
    values += [(4, name) for name in split(made["themes"]) + split(made["areas"])]
    values += [(2, part) for service in services_of(made) for part in service]
    values.append((1, made["description"]))
    return [(weight, words(value)) for weight, value in values]


def _weight(term, values: list[tuple[int, list[str]]]) -> int:
    """The best weight of a value holding the term (0 if none does)."""
    n = len(term.words)
    best = 0
    for weight, said in values:
        if term.phrase:
            found = any(tuple(said[i : i + n]) == term.words for i in range(len(said) - n + 1))
        else:
            found = any(word.startswith(term.words[0]) for word in said)
        if found:
            best = max(best, weight)
    return best


def expected(
    found: list[dict[str, str]],
    ids: list[int],
    text: str = "",
    statuses: tuple[str, ...] = ("published",),
    kind: str = "",
    theme: str = "",
    area: str = "",
) -> Expected:
    """The matches of a query over rows loaded (``load``) with these ids, and each
    facet's counts (each without its own filter), computed without the index."""
    from directory.search.query import parse
    from directory.search.text import name_key
    from directory.taxonomy import slugify

    parsed = parse(text)
    matched = []
    for entry_id, made in zip(ids, found, strict=True):
        if status(entry_id - ids[0]) not in statuses:
            continue
        values = _values(made)
        if any(_weight(term, values) for term in parsed.excluded):
            continue
        ranks = [max(_weight(term, values) for term in group) for group in parsed.groups]
        if all(ranks):
            themes = {slugify(t) for t in split(made["themes"])}
            areas = {slugify(a) for a in split(made["areas"])}
            key = (-sum(ranks), name_key(made["name"]), entry_id)
            matched.append((key, made["kind"], themes, areas))
    facets: dict[str, dict[str, int]] = {"kind": {}, "theme": {}, "area": {}}
    shown = []
    for key, its_kind, themes, areas in matched:
        ok = {
            "kind": not kind or its_kind == kind,
            "theme": not theme or theme in themes,
            "area": not area or area in areas,
        }
        for facet, values in (("kind", {its_kind}), ("theme", themes), ("area", areas)):
            if all(passed for other, passed in ok.items() if other != facet):
                for value in values:
                    facets[facet][value] = facets[facet].get(value, 0) + 1
        if all(ok.values()):
            shown.append(key)
    return Expected([key[2] for key in sorted(shown)], facets)
