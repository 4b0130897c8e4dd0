"""Every feature, and every feature's models, can be imported first, on its own: no import cycle hides
behind the order in which the app happens to import things."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "forum_app"
FEATURES = sorted(path.parent.name for path in APP.glob("*/__init__.py"))
FIRST_IMPORTS = [
    f"forum_app.{feature}{suffix}"
    for feature in FEATURES
    for suffix in ("", ".models", ".reads")
    if (APP / feature / f"{suffix[1:] or '__init__'}.py").exists()
] + ["forum_app.journeys", "forum_app.forum_settings", "forum_app.demo", "forum_app.retention"]


def test_the_list_covers_every_feature_and_its_models() -> None:
    assert {"surveys", "moderation", "codebook", "coder", "coding", "agreement", "quotes", "packs"} <= set(
        FEATURES
    )
    assert "forum_app.agreement.models" in FIRST_IMPORTS and "forum_app.surveys.reads" in FIRST_IMPORTS


@pytest.mark.parametrize("module", FIRST_IMPORTS)
def test_a_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=APP.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_builder_builds_on_surveys_alone() -> None:
    """``builder`` reads and writes surveys through ``surveys`` and the forums through ``accounts``; only
    its upload page's view reaches the rest of the pipeline, through ``journeys``."""
    allowed = {"builder", "surveys", "accounts"}
    features = set(FEATURES)
    for path in (APP / "builder").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                if parts[0] == "forum_app" and len(parts) > 1 and parts[1] in features:
                    assert parts[1] in allowed, f"{path.name} imports {name}"
