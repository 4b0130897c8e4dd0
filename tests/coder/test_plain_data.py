"""The plain-words training texts: themes said in everyday words rather than the codebook's jargon."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from forum_app.codebook.shipped import theme_ids

DATA = Path(__file__).resolve().parents[2] / "forum_app" / "coder" / "data" / "train_plain.jsonl"
KEYS = {"id", "text", "themes", "sentiment", "register"}
SENTIMENTS = {"negative", "positive", "neutral"}
JARGON = re.compile(
    r"\b(ehcp|ehcna|camhs|senco|section f|annual review|respite|tribunal|co-?production|local offer|pfa)\b",
    re.IGNORECASE,
)


def _rows() -> list[dict[str, Any]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return _rows()


def test_every_line_has_the_fields_and_values_the_coder_reads(rows: list[dict[str, Any]]) -> None:
    known = set(theme_ids())
    assert len(rows) >= 640
    for row in rows:
        assert set(row) == KEYS, row.get("id")
        assert re.fullmatch(r"tr_plain_\d{4}", row["id"]), row["id"]
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
        assert isinstance(row["themes"], list), row["id"]
        assert set(row["themes"]) <= known, (row["id"], row["themes"])
        assert len(set(row["themes"])) == len(row["themes"]), row["id"]
        assert row["sentiment"] in SENTIMENTS, row["id"]
        assert row["register"] == "plain", row["id"]


def test_ids_and_texts_are_unique(rows: list[dict[str, Any]]) -> None:
    ids = Counter(row["id"] for row in rows)
    texts = Counter(row["text"].strip().lower() for row in rows)
    assert [key for key, n in ids.items() if n > 1] == []
    assert [key for key, n in texts.items() if n > 1] == []


def test_every_theme_has_enough_examples(rows: list[dict[str, Any]]) -> None:
    counts = Counter(theme for row in rows for theme in row["themes"])
    for theme in theme_ids():
        assert counts[theme] >= 45, theme


def test_the_texts_avoid_the_codebook_jargon(rows: list[dict[str, Any]]) -> None:
    assert [row["id"] for row in rows if JARGON.search(row["text"])] == []


def test_sentiments_no_theme_and_redacted_texts_are_present(rows: list[dict[str, Any]]) -> None:
    sentiments = Counter(row["sentiment"] for row in rows)
    assert sentiments["positive"] >= 120
    assert sentiments["neutral"] >= 40
    assert sum(1 for row in rows if not row["themes"]) >= 25
    tags = re.compile(r"\[(name|email|phone|school|address)\]")
    assert sum(1 for row in rows if tags.search(row["text"])) >= 20


def test_mentions_of_the_council_alone_are_not_leadership(rows: list[dict[str, Any]]) -> None:
    council = re.compile(r"\b(council|the authority|local authority|county hall)\b", re.IGNORECASE)
    others = [
        row for row in rows if council.search(row["text"]) and "leadership_commissioning" not in row["themes"]
    ]
    assert len(others) >= 60
