"""The ``{name:int}`` path convertor for every route: ids the database can hold, or 404.

Starlette's own ``int`` convertor takes any run of digits, so
``/events/99999999999999999999/programme`` reached the database and failed there
(out of range on PostgreSQL's ``integer``, an overflow in SQLite's driver) as a 500.
Ids here are PostgreSQL ``integer`` columns (the smaller of the two databases'
ranges), so the path pattern itself accepts only 0 to 2,147,483,647 (leading zeros
allowed, as before); a longer or larger number matches no route and is a 404.
Importing ``convenor`` registers it, before any route is compiled.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

DATABASE_INT_MAX = 2**31 - 1


def at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..limit (leading zeros allowed)."""
    digits = str(limit)
    if len(digits) == 1:
        return f"0*[0-{digits}]"
    alternatives = [f"[0-9]{{1,{len(digits) - 1}}}"]
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        if digit != "0":
            upper = int(digit) - 1
            low = "0" if i else "1"
            if int(low) <= upper:
                alternatives.append(f"{digits[:i]}[{low}-{upper}][0-9]{{{rest}}}")
    alternatives.append(digits)
    return "0*(?:" + "|".join(alternatives) + ")"


class DatabaseIntConvertor(Convertor[int]):
    regex = at_most(DATABASE_INT_MAX)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        if not 0 <= value <= DATABASE_INT_MAX:
            raise ValueError(f"{value} is not an id the database can hold")
        return str(value)


register_url_convertor("int", DatabaseIntConvertor())
