"""The tests' own layout: shared helpers live in factories and fixtures, never in a test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
ROOT = TESTS.parent


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """Every module that ``source`` (a module of ``package``) imports from, made absolute, with its
    line. For ``from a import b``: both ``a`` and ``a.b``, which may be a module too."""
    parts = package.split(".")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def imported_test_modules(source: str, package: str) -> set[str]:
    """The test modules (``tests.**.test_*``) among those ``source`` imports from."""
    return {
        module
        for _, module in imported_modules(source, package)
        if module.split(".")[0] == "tests" and module.split(".")[-1].startswith("test_")
    }


def test_no_module_of_the_tests_imports_a_test_module() -> None:
    """A helper two test modules need goes in ``tests/factories.py``, a feature's ``factories.py`` or a
    fixture in ``conftest.py``: importing a test module ties one feature's tests to another's, and
    pytest may collect the imported tests twice."""
    found: list[str] = []
    for path in sorted(TESTS.rglob("*.py")):
        package = ".".join(path.relative_to(ROOT).parent.parts)
        found += [
            f"{path.relative_to(ROOT)} imports {m}" for m in imported_test_modules(path.read_text(), package)
        ]
    assert sorted(found) == []


def test_every_way_of_importing_a_test_module_is_found() -> None:
    source = "\n".join(
        [
            "import tests.surveys.test_runner",
            "from tests.packs.test_build import REQUEST",
            "from tests.packs import test_stats",
            "from .test_charts import TEXT",
            "from . import test_linked",
            "from ..moderation.test_roles import LEAD",
            "from tests.factories import page",
            "from tests.packs.factories import REQUEST",
            "from . import factories",
            "from .sample import full_sample_pack",
            "import pytest",
        ]
    )
    assert imported_test_modules(source, "tests.packs") == {
        "tests.surveys.test_runner",
        "tests.packs.test_build",
        "tests.packs.test_stats",
        "tests.packs.test_charts",
        "tests.packs.test_linked",
        "tests.moderation.test_roles",
    }
