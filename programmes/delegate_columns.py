"""Columns programmes adds to the events domain's delegate list exports (the domain
convention ``<domain>.delegate_columns`` of ``convenor.domains``, collected by
``events.export``): who holds a place in which workshop."""

from __future__ import annotations

from programmes.workshop_lists import workshops_held

columns = [workshops_held]
