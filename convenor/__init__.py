"""Convenor's core: settings, database, staff accounts, security, mail and calendars.

Nothing in this package imports a domain (directory, events, programmes, plans); the app
finds the domains by name at start-up (see ``convenor.domains``).
"""

# the {id:int} path convertor must be registered before any route is compiled
from convenor import convertors  # noqa: F401
