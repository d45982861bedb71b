"""A router that tries only the routes that can match a path's first segment.

Starlette's router tries every route in order until one matches; with every domain's
pages mounted that is over a hundred regular expressions for a programme page, about
a fifth of its cost once the page itself is cached. A route whose path starts with a
fixed segment (``/events/...``, ``/static``) can only match paths that start with that
segment, so this router groups routes by it, keeping their order, and tries only the
group for the request's first segment plus the routes that start with a parameter or
have no path (``Host``). The first full match wins, as in Starlette, so the chosen
route is the same; everything else (405 from a partial match, the trailing-slash
redirect, 404) is Starlette's own logic, over all routes where it needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette._utils import get_route_path
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send

__all__ = ["FirstSegmentRouter", "first_segment"]


def first_segment(path: str) -> str:
    """'/events/3/programme' -> 'events'; '/' -> ''."""
    return path[1:].split("/", 1)[0]


def _fixed_segment(route: BaseRoute) -> str | None:
    """The route's first path segment when it is fixed text, else None (any path)."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        return None
    segment = first_segment(path)
    return None if "{" in segment else segment


class FirstSegmentRouter(Router):
    """Starlette's ``Router``, trying only the routes a path's first segment allows."""

    _indexed: tuple[int, dict[str, list[BaseRoute]], list[BaseRoute]] | None = None

    def candidates(self, route_path: str) -> Sequence[BaseRoute]:
        """The routes that could match ``route_path``, in their declared order."""
        index = self._indexed
        if index is None or index[0] != len(self.routes):
            index = self._indexed = self._index()
        return index[1].get(first_segment(route_path), index[2])

    def _index(self) -> tuple[int, dict[str, list[BaseRoute]], list[BaseRoute]]:
        keys = [_fixed_segment(route) for route in self.routes]
        groups = {
            segment: [r for r, key in zip(self.routes, keys, strict=True) if key in (segment, None)]
            for segment in set(keys) - {None}
        }
        anywhere = [r for r, key in zip(self.routes, keys, strict=True) if key is None]
        return len(self.routes), groups, anywhere

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        route_path = get_route_path(scope)
        partial = None
        partial_scope: Scope = {}
        for route in self.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        if self.redirect_slashes and route_path != "/":
            redirect_scope = dict(scope)
            if route_path.endswith("/"):
                redirect_scope["path"] = redirect_scope["path"].rstrip("/")
            else:
                redirect_scope["path"] = redirect_scope["path"] + "/"
            for route in self.routes:
                match, _ = route.matches(redirect_scope)
                if match is not Match.NONE:
                    redirect = RedirectResponse(url=str(URL(scope=redirect_scope)))
                    await redirect(scope, receive, send)
                    return
        await self.default(scope, receive, send)
