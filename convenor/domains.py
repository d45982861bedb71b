"""Finding the domains at start-up without importing them statically.

The core must not import a domain (the layers run one way), yet the app has to mount
each domain's routes and register its models. Like Django's INSTALLED_APPS, the
settings name the domains and each one is found by a fixed module convention:

- ``<domain>.models``  Tortoise models (optional)
- ``<domain>.routes``  ``routes``: a list of Starlette routes for pages (optional)
- ``<domain>.api``     ``routes``: a list of routes mounted under /api/v1 (optional)
- ``<domain>.demo``    ``async def load_demo(context)`` for ``convenor demo`` (optional)
- ``<domain>.cli``     ``commands``: a list of Click commands (optional)
- ``<domain>.jobs``    ``jobs``: a list of ``convenor.jobs.Job`` run by the worker (optional)
- ``<domain>.home``    ``sections``: parts of a delegate's page at ``/i/<token>``, collected
  by ``events.home`` (optional; so events shows the programme without importing it)
- ``<domain>.event_page``  ``links``: async functions ``(event) -> EventPageLink | None``,
  links on an event's public page, collected by ``events.event_page`` (optional;
  programmes links the programme once one is published)
- ``<domain>.delegate_columns``  ``columns``: async functions ``(event_id) -> (heading,
  {registration id: text}) | None``, extra columns of the delegate list exports,
  collected by ``events.export`` (optional; programmes adds "Workshops")
- ``<domain>.event_cancelled``  ``handlers``: async functions ``(event, settings,
  message) -> int`` that email the people the domain tells when the event is cancelled
  and return how many, run by ``events.service.cancel_event`` inside its transaction;
  ``recipients``: async functions ``(event) -> int``, how many the handlers would email
  now, added to the confirmation's count (see ``events.cancel_hooks``; optional;
  programmes cancels the sessions speakers were sent)
- ``<domain>.entry_sections``  ``sections``: async functions ``(entry_id) -> section |
  None``, parts of a directory entry's public page (``/directory/<id>``), collected by
  ``directory.routes.entry_page``; a section has ``anchor``, ``title``, ``template``
  (included with the page's context) and ``context`` (optional; plans lists the actions
  the organisation leads)
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from types import ModuleType
from typing import Any

CORE_MODEL_MODULES = ("convenor.models", "convenor.mail.models")


def optional_module(name: str) -> ModuleType | None:
    """Import ``name`` if it exists; errors inside an existing module still raise.

    The package itself (the domain) must exist: a domain named in the settings that
    cannot be imported (a stale install) would otherwise vanish from the app silently.
    """
    package = name.partition(".")[0]
    if importlib.util.find_spec(package) is None:
        raise ModuleNotFoundError(
            f"No package {package!r}, a domain named in the settings: is Convenor "
            "installed from this checkout (make install)?"
        )
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return None
    if spec is None:
        return None
    return importlib.import_module(name)


def model_modules(domains: Iterable[str]) -> list[str]:
    names = [m for m in CORE_MODEL_MODULES if optional_module(m) is not None]
    names += [f"{d}.models" for d in domains if optional_module(f"{d}.models") is not None]
    return names


def domain_attr(domains: Iterable[str], module: str, attr: str) -> list:
    """Collect ``attr`` from ``<domain>.<module>`` across the domains, in order."""
    found = []
    for domain in domains:
        mod = optional_module(f"{domain}.{module}")
        if mod is not None and hasattr(mod, attr):
            found.append(getattr(mod, attr))
    return found


async def domain_offers(domains: Iterable[str], module: str, attr: str, *args: Any) -> list:
    """What the async functions listed in ``<domain>.<module>.<attr>`` return for
    ``args``, across the domains in order, leaving out None (a domain with nothing to
    add). For the parts of a page or an export that later domains add."""
    found = []
    for makers in domain_attr(domains, module, attr):
        for make in makers:
            if (offered := await make(*args)) is not None:
                found.append(offered)
    return found
