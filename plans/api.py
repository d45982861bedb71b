"""The plans JSON API under /api/v1: drafting a plan (priorities, actions, partners)."""

from __future__ import annotations

routes: list = []
