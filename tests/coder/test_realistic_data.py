"""The realistic training texts: well-formed lines the coder can learn from."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from forum_app.codebook.shipped import theme_ids

DATA = Path(__file__).resolve().parents[2] / "forum_app" / "coder" / "data" / "train_realistic.jsonl"
KEYS = {"id", "text", "themes", "sentiment", "register"}
SENTIMENTS = {"negative", "positive", "neutral"}
WEAK_THEMES = ("provision_gaps", "ehcp_quality", "annual_reviews", "leadership_commissioning")


def _rows() -> list[dict[str, Any]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return _rows()


def test_every_line_has_the_fields_and_values_the_coder_reads(rows: list[dict[str, Any]]) -> None:
    known = set(theme_ids())
    assert len(rows) >= 700
    for row in rows:
        assert set(row) == KEYS, row.get("id")
        assert re.fullmatch(r"tr_real_\d{4}", row["id"]), row["id"]
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
        assert isinstance(row["themes"], list), row["id"]
        assert set(row["themes"]) <= known, (row["id"], row["themes"])
        assert len(set(row["themes"])) == len(row["themes"]), row["id"]
        assert row["sentiment"] in SENTIMENTS, row["id"]
        assert row["register"] == "realistic", row["id"]


def test_ids_and_texts_are_unique(rows: list[dict[str, Any]]) -> None:
    ids = Counter(row["id"] for row in rows)
    texts = Counter(row["text"].strip().lower() for row in rows)
    assert [key for key, n in ids.items() if n > 1] == []
    assert [key for key, n in texts.items() if n > 1] == []


def test_every_theme_has_enough_examples(rows: list[dict[str, Any]]) -> None:
    counts = Counter(theme for row in rows for theme in row["themes"])
    for theme in theme_ids():
        assert counts[theme] >= (80 if theme in WEAK_THEMES else 40), theme


def test_mentions_of_the_council_alone_are_not_leadership(rows: list[dict[str, Any]]) -> None:
    council = re.compile(r"\b(council|local authority|caseworker|LA)\b")
    others = [
        row for row in rows if council.search(row["text"]) and "leadership_commissioning" not in row["themes"]
    ]
    assert len(others) >= 120


def test_redacted_and_no_theme_texts_are_present(rows: list[dict[str, Any]]) -> None:
    tags = re.compile(r"\[(name|email|phone|school|address)\]")
    assert sum(1 for row in rows if tags.search(row["text"])) >= 35
    assert sum(1 for row in rows if not row["themes"]) >= 25
