"""Serving the pages' one flat table through Starlette's own ``Mount``s, by path segment.

Starlette's router tries routes in order, so with ~280 page routes a request for a
programme page was matched against ~160 patterns first (about 70 us of a ~185 us
request; benchmarks/RESULTS.md, "Route groups"). ``group_routes`` puts routes that share
a first path segment ("/staff", then "/staff/events", ...) under one ``Mount`` each,
recursively, so a request passes a handful of prefixes at each level instead.

Which route answers a request does not change. A Mount takes every request under its
prefix, so only literal segments are grouped, and only among the routes after the last
one at that level that could answer such a request too (a route whose segment is a
parameter, ``/{token:str}/...``, or has a ``:path`` parameter, or another app's Mount):
those routes, and everything before them, keep their places. After it, a route moves up
into its segment's group only past routes of other literal segments, which cannot match
its paths; a route that ends at this level (``/staff``) matches one segment only. So the
groups go first there, then the rest in their order: most requests are for pages under
a group.

A parameter segment is grouped too when nothing else could answer its paths: if every
route at a level of two or more segments starts with the same parameter
(``/i/{token:str}/...``) and the rest are one segment each, the longer ones share one
Mount and the one-segment routes keep their order around it (the Mount takes only paths
with a segment after the parameter).

``tests/convenor/test_route_groups.py`` checks, for every route of the app and each of
its methods, that the grouped app sends a sample path to the same handler as the flat
table does.

Only public Starlette API: ``Route(path, endpoint, methods=, name=, include_in_schema=)``,
``Mount(path, routes=)`` and its ``matches`` (``RouteGroup`` subclasses it to leave a
group's prefix with a trailing slash to the redirect, as the flat table did), ``Match``
and ``BaseRoute``. Fewer than ``MIN_GROUP`` routes sharing a segment stay as they are.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

MIN_GROUP = 3  # fewer routes than this sharing a segment are not worth a Mount


class RouteGroup(Mount):
    """A Mount made by ``group_routes`` (so tools can tell it from the app's own).

    It leaves the prefix with a trailing slash ("/staff/") alone unless one of its
    routes answers it: the router above then redirects it to the route for the prefix
    itself ("/staff"), as the flat table did.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.FULL and scope["path"].endswith("/"):
            path, root = scope["path"], scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            if path[len(child["root_path"]) - len(root) :] == "/":  # the prefix and a slash
                inner = {**scope, **child}
                if not any(route.matches(inner)[0] is not Match.NONE for route in self.routes):
                    return Match.NONE, {}
        return match, child


def _split(path: str) -> tuple[str, str] | None:
    """("/seg", "/rest") for a path of two or more segments, else None."""
    if not path.startswith("/"):
        return None
    head, sep, rest = path[1:].partition("/")
    if not sep or not head:
        return None
    return "/" + head, "/" + rest


def _is_parameter(segment: str) -> bool:
    return "{" in segment


def _key(segment: str) -> str:
    """A segment as grouped: "/{token}" is "/{token:str}" (the same parameter)."""
    if segment.startswith("/{") and segment.endswith("}") and ":" not in segment:
        return segment[:-1] + ":str}"
    return segment


def _relative(route: Route, rest: str) -> Route:
    return Route(
        rest,
        route.endpoint,
        methods=sorted(route.methods) if route.methods else None,
        name=route.name,
        include_in_schema=route.include_in_schema,
    )


def _barrier(route: BaseRoute) -> bool:
    """Whether ``route`` could answer paths under another segment's Mount: a route whose
    first segment is a parameter (a ``:path`` one included), or an app's Mount. (A
    ``:path`` parameter after a literal first segment stays under that segment.)"""
    if not isinstance(route, Route):
        return True
    split = _split(route.path)
    if split is None:
        return ":path}" in route.path
    return _is_parameter(split[0])


def _one_parameter_group(routes: list[BaseRoute]) -> list[BaseRoute] | None:
    """If every route of two or more segments starts with the same parameter
    ("/{token:str}/...") and the others are one segment each (never a path the Mount
    takes: it needs a segment after the parameter), the longer ones under one Mount in
    the place of the first, the others where they were. None if the routes are not
    like that."""
    if not all(isinstance(route, Route) for route in routes):
        return None
    splits = [_split(route.path) for route in routes]  # type: ignore[attr-defined]
    if any(s is None and ":path}" in r.path for r, s in zip(routes, splits, strict=True)):  # type: ignore[attr-defined]
        return None
    members = [(r, s[1]) for r, s in zip(routes, splits, strict=True) if s is not None]
    keys = {_key(split[0]) for split in splits if split is not None}
    if len(keys) != 1 or len(members) < MIN_GROUP:
        return None
    (segment,) = keys
    if not _is_parameter(segment):
        return None
    group = RouteGroup(segment, routes=group_routes([_relative(r, rest) for r, rest in members]))
    first = next(i for i, split in enumerate(splits) if split is not None)
    singles = [route for route, split in zip(routes, splits, strict=True) if split is None]
    return [*singles[:first], group, *singles[first:]]


def group_routes(routes: list[BaseRoute]) -> list[BaseRoute]:
    """The same routes, those sharing leading segments under nested Mounts."""
    shared = _one_parameter_group(routes)
    if shared is not None:
        return shared
    last_barrier = max((i for i, r in enumerate(routes) if _barrier(r)), default=-1)
    grouped: list[BaseRoute] = list(routes[: last_barrier + 1])
    items: list[list] = []  # [segment, [(route, rest), ...]] or [None, route]
    groups: dict[str, list] = {}
    for route in routes[last_barrier + 1 :]:
        split = _split(route.path) if isinstance(route, Route) else None
        if split is None:
            items.append([None, route])
            continue
        segment, rest = split
        if segment not in groups:
            groups[segment] = [segment, []]
            items.append(groups[segment])
        groups[segment][1].append((route, rest))
    # Past the barrier, routes of different literal segments (and one-segment routes,
    # which no Mount takes) never answer the same path, so the groups go first: most
    # requests are for a page under one, and pass the others' one pattern each.
    mounts: list[BaseRoute] = []
    others: list[BaseRoute] = []
    for segment, members in items:
        if segment is None:
            others.append(members)
        elif len(members) < MIN_GROUP:
            others.extend(route for route, _ in members)
        else:
            children = group_routes([_relative(route, rest) for route, rest in members])
            mounts.append(RouteGroup(segment, routes=children))
    return [*grouped, *mounts, *others]
