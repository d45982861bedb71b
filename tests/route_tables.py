"""Checks shared by each domain's route-table test (``tests/*/test_*_route_table.py``):
which functions of a module are page handlers, and which routes of a table are hidden
by an earlier one."""

from __future__ import annotations

import inspect
import re

from starlette.routing import Match, Route

SAMPLES = {
    "int": "7",
    "str": "x1",
    "": "x1",
    "uuid": "0b9c1a3e-1c4b-4b8e-9d0e-3f5a6b7c8d9e",
    "path": "/x1",
}  # a path parameter's type -> a value


def handlers_of(module, *, optional_extras: bool = False) -> set:
    """Public coroutine functions defined in ``module`` that take only a request (with
    ``optional_extras``, also those whose other parameters have defaults)."""
    found = set()
    for name, value in vars(module).items():
        if name.startswith("_") or not inspect.iscoroutinefunction(value):
            continue
        if value.__module__ != module.__name__:
            continue
        params = list(inspect.signature(value).parameters.values())
        if optional_extras:
            params = [p for p in params if p.default is inspect.Parameter.empty]
        if len(params) == 1:
            found.add(value)
    return found


def sample_path(path: str) -> str:
    """The path with a sample value for each parameter ("{id:int}" -> "7")."""
    return re.sub(r"{\w+:?(\w*)}", lambda m: SAMPLES[m.group(1)], path)


def hidden(table: list) -> list[tuple[str, str, str]]:
    """(method, path, hiding path) for each Route a Route before it in ``table`` answers."""
    found = []
    for i, route in enumerate(table):
        if not isinstance(route, Route):
            continue
        for method in sorted(route.methods):
            scope = {"type": "http", "path": sample_path(route.path), "method": method}
            assert route.matches(scope)[0] == Match.FULL, (route.path, method)
            for earlier in table[:i]:
                if earlier.matches(scope)[0] == Match.FULL:
                    found.append((method, route.path, getattr(earlier, "path", "")))
                    break
    return found
