"""The suite's own rules (issue 19), read from the test files' syntax trees: no test is
skipped or expected to fail, and no test module imports another test module (shared
makers live in each domain's ``factories.py``, shared steps in ``tests/journeys.py``,
``tests/forms.py`` and ``tests/commands.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
NEVER = {"skip", "skipif", "xfail", "importorskip"}


def broken_rules(source: str) -> list[str]:
    """What in ``source`` breaks the rules, one line each, in the file's order."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in NEVER:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.rsplit(".", 1)[-1].startswith("test_"):
                found.append((node.lineno, f"imports {'.' * node.level}{module}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.rsplit(".", 1)[-1].startswith("test_"):
                    found.append((node.lineno, f"imports {alias.name}"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_no_test_is_skipped_and_none_imports_another():
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 200  # the walk found the suite
    broken = {
        str(path.relative_to(TESTS)): rules
        for path in files
        if path.name != Path(__file__).name
        and (rules := broken_rules(path.read_text(encoding="utf-8")))
    }
    assert broken == {}


def test_the_rules_catch_each_kind_of_break():
    source = (
        "import pytest\n"
        "from tests.events.test_events_pages import post\n"
        "from .test_grid_pages import public_wall\n"
        "import tests.test_wheel\n"
        "pytestmark = pytest.mark.skipif(True, reason='')\n"
        "def test_x():\n"
        "    pytest.skip('later')\n"
        "@pytest.mark.xfail\n"
        "def test_y(): pass\n"
    )
    assert broken_rules(source) == [
        "line 2: imports tests.events.test_events_pages",
        "line 3: imports .test_grid_pages",
        "line 4: imports tests.test_wheel",
        "line 5: skipif",
        "line 7: skip",
        "line 8: xfail",
    ]


def test_factories_and_shared_steps_pass():
    source = (
        "from tests.events.factories import post\n"
        "from .factories import public_wall\n"
        "from tests.journeys import sign_in\n"
        "import tests.commands\n"
    )
    assert broken_rules(source) == []
