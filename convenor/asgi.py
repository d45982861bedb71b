"""ASGI entry point for uvicorn (``convenor serve`` with several workers imports this)."""

from __future__ import annotations

from starlette.applications import Starlette

from convenor.app import create_app
from convenor.settings import Settings


def app_from_env() -> Starlette:
    return create_app(Settings.from_env())
