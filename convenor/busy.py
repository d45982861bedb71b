"""How many HTTP requests this process is serving right now.

``RequestIdMiddleware`` counts every request in and out. Work that can either run at
once on the event loop or be handed to a thread asks ``others_waiting()``: with no
other request in flight nothing would use the time a hand-over frees, so the lone
request is answered sooner at once; with others in flight, the loop serves them while
the thread works (directory search on SQLite, ``directory.search.reader``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_in_flight = 0  # one event loop per process serves requests (uvicorn's worker)


@contextlib.contextmanager
def serving() -> Iterator[None]:
    global _in_flight
    _in_flight += 1
    try:
        yield
    finally:
        _in_flight -= 1


def in_flight() -> int:
    return _in_flight


def others_waiting() -> bool:
    """True when requests other than the caller's are being served."""
    return _in_flight > 1
