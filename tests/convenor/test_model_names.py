"""Every domain's models share one Tortoise app ("models"), so a class name is global.

Two domains each declaring ``Theme`` would leave one of them silently unregistered
(foreign keys to "models.Theme" then point at the other's table). This happened once,
when plans added a comment theme beside the directory's.
"""

from __future__ import annotations

import importlib
import inspect

from tortoise.models import Model

from convenor.domains import model_modules
from convenor.settings import DEFAULT_DOMAINS


def declared_models() -> list[tuple[str, str]]:
    found = []
    for name in model_modules(DEFAULT_DOMAINS):
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Model) and value.__module__ == name:
                found.append((attr, name))
    return found


def test_model_class_names_are_unique_across_domains():
    names = [attr for attr, _ in declared_models()]

    assert len(names) > 40  # every domain's models were found
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert duplicates == []


def test_the_check_finds_a_clash():
    names = [attr for attr, _ in declared_models()] + ["Theme"]

    assert sorted({n for n in names if names.count(n) > 1}) == ["Theme"]
