"""The page's entries, read by search as one JSON array and made into models.

Each entry comes as a JSON array of its columns in ``columns()`` order (SQLite builds
it with ``json_array``, PostgreSQL with ``json_build_array``): one row for the reader's
thread to hand over (``directory.search.reader``), and no column names repeated for
every entry.

The models are made as the ORM's own ``Model._init_from_db`` makes them (the same
attributes, converted by the same fields), in a third of the time: plain columns go
into the instance in one step, and a timestamp's text is parsed once, by the standard
library's C parser, however many entries share it (the ORM parses each in pure
Python, about 14 microseconds a time). ``tests/directory/test_directory_search.py``
checks that every attribute equals what the ORM reads.
"""

# SQL here is assembled only from the model's own column names.

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from tortoise.fields import DatetimeField
from tortoise.fields.data import CharEnumFieldInstance

from directory.models import Entry


@functools.cache
def columns() -> tuple[str, ...]:
    """The entry's columns, in the order its JSON array holds them. Read on first use:
    the ORM adds the foreign keys' columns to the model when it starts."""
    return tuple(sorted(Entry._meta.db_fields))


@functools.cache
def sqlite_json() -> str:
    """SQLite: an aggregate of ``directory_entry`` rows as one JSON array of arrays."""
    return f"json_group_array(json_array({', '.join(columns())}))"


@functools.cache
def postgres_json() -> str:
    """PostgreSQL: an aggregate of ``directory_entry e`` rows as JSON text (timestamps
    as ISO 8601 text)."""
    values = ", ".join(f"e.{column}" for column in columns())
    return f"coalesce(json_agg(json_build_array({values})), '[]')::text"


def _timestamp(field: DatetimeField) -> Callable[[Any], Any]:
    """A timestamp from its text (or None), each distinct value converted once: the
    answers are datetimes, which no one can change, so entries may share them."""

    @functools.lru_cache(maxsize=4096)
    def convert(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return field.to_python_value(datetime.fromisoformat(value))
            except ValueError:
                pass  # the ORM's own parser, as a last resort
        return field.to_python_value(value)

    return convert


def _member(field: CharEnumFieldInstance) -> Callable[[Any], Any]:
    """An enum member from its value by one look-up (calling the enum class, as the ORM
    does, takes ten times as long); anything else as the ORM answers it."""
    members = {member.value: member for member in field.enum_type}

    def convert(value: Any) -> Any:
        found = members.get(value)
        return field.to_python_value(value) if found is None else found

    return convert


@functools.cache
def _plan() -> tuple[tuple[str, ...], tuple[tuple[int, str, Callable[[Any], Any]], ...], bool]:
    """Each column's attribute; the columns that need converting, with how; and the
    model's ``_custom_generated_pk``, as ``Model._init_from_db`` works them out."""
    meta = Entry._meta
    attributes = {key: attribute for key, attribute, _ in meta.db_native_fields}
    convert: dict[str, tuple[str, Callable[[Any], Any]]] = {}
    for key, attribute, field in meta.db_default_fields:
        kind = field.field_type
        convert[key] = (attribute, lambda value, kind=kind: None if value is None else kind(value))
    for key, attribute, field in meta.db_complex_fields:
        if isinstance(field, DatetimeField):
            how = _timestamp(field)
        elif isinstance(field, CharEnumFieldInstance):
            how = _member(field)
        else:
            how = field.to_python_value
        convert[key] = (attribute, how)
    names = tuple(attributes.get(key) or convert[key][0] for key in columns())
    converted = tuple(
        (index, *convert[key]) for index, key in enumerate(columns()) if key in convert
    )
    return names, converted, meta.db_pk_column not in meta.generated_db_fields


def made(values: list) -> Entry:
    """An entry from its columns' values (in ``columns()`` order)."""
    names, converted, custom_pk = _plan()
    attributes = dict(zip(names, values, strict=True))
    for index, attribute, convert in converted:
        attributes[attribute] = convert(values[index])
    attributes.update(
        _partial=False, _saved_in_db=True, _custom_generated_pk=custom_pk, _await_when_save={}
    )
    entry = Entry.__new__(Entry)
    entry.__dict__ = attributes
    return entry


def made_entries(text: str | None) -> dict[int, Entry]:
    """Entries by id from a JSON array of entries' column values."""
    if not text:
        return {}
    return {entry.id: entry for entry in map(made, orjson.loads(text))}
