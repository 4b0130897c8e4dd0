"""Limits that keep the code readable: no module of the app, its tests or its benchmarks over 600 lines,
no function over 80.

A module past the limit is split by responsibility (as ``coding`` is into ``filters``, ``queue``,
``answer``, ``bulk`` and ``undo``, and its tests with them), and a long function into named steps,
never into arbitrary chunks; what two test modules share goes into their feature's ``factories.py``.
A function's length is its ``def`` line to its last line, decorators excluded; methods and nested
functions count on their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("forum_app", "tests", "bench")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def offenders(source: str, name: str) -> list[str]:
    """What in this module's source is over the limits, in words naming the module and function."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{name}:{node.lineno} {node.name}: {length} lines (at most {MAX_FUNCTION_LINES})"
                )
    return found


def test_no_module_or_function_of_the_app_is_over_the_limits() -> None:
    found_in = {folder: sorted((ROOT / folder).rglob("*.py")) for folder in CHECKED}
    # The walk found the app, its tests and its benchmarks.
    assert len(found_in["forum_app"]) > 100 and len(found_in["tests"]) > 100 and len(found_in["bench"]) > 5
    modules = [path for folder in CHECKED for path in found_in[folder]]
    found = [
        problem
        for path in modules
        for problem in offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "Split these by responsibility, or into named steps:\n" + "\n".join(found)


def test_the_limits_name_what_is_over_them() -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES - 1))
    just_right = f"@decorated\ndef short():\n{body}"
    assert offenders(just_right, "ok.py") == []  # 80 lines from the def; the decorator is not counted
    method_body = "".join(f"        x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    too_long = f"class Page:\n    def render(self):\n{method_body}"
    assert offenders(too_long, "page.py") == ["page.py:2 render: 81 lines (at most 80)"]
    long_module = "x = 1\n" * (MAX_MODULE_LINES + 1)
    assert offenders(long_module, "big.py") == ["big.py: 601 lines (at most 600)"]
    assert offenders("x = 1\n" * MAX_MODULE_LINES, "full.py") == []
