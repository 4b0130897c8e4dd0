"""The held-out realistic set in bench/data: well-formed, covering every theme, and apart from training."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from forum_app.codebook.shipped import theme_ids
from forum_app.coder.sentiment import LABELS
from forum_app.coder.shipped_model import packaged_examples

HELD_OUT = Path(__file__).resolve().parents[2] / "bench" / "data" / "coder_heldout.jsonl"
REGISTERS = {"rambling", "textspeak", "officialese", "multi", "short", "youth", "positive"}
WORDINGS = {"codebook", "plain"}


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line.strip()]


def _clean(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_line_is_well_formed() -> None:
    rows = _rows()
    known = set(theme_ids())
    assert len(rows) >= 320
    for row in rows:
        assert set(row) == {"id", "text", "themes", "sentiment", "register", "wording"}, row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        assert set(row["themes"]) <= known, row
        assert len(set(row["themes"])) == len(row["themes"]), row
        assert row["sentiment"] in LABELS, row
        assert row["register"] in REGISTERS, row
        assert row["wording"] in WORDINGS, row
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("ho_") for i in ids)
    texts = [_clean(row["text"]) for row in rows]
    assert len(set(texts)) == len(texts)


def test_every_theme_and_register_is_well_covered() -> None:
    rows = _rows()
    themes = Counter(theme for row in rows for theme in row["themes"])
    assert {theme: themes[theme] for theme in theme_ids() if themes[theme] < 20} == {}
    registers = Counter(row["register"] for row in rows)
    assert set(registers) == REGISTERS
    assert min(registers.values()) >= 40
    assert sum(not row["themes"] for row in rows) >= 10
    assert set(Counter(row["sentiment"] for row in rows)) == set(LABELS)


def test_both_wordings_are_well_covered() -> None:
    rows = _rows()
    plain = [row for row in rows if row["wording"] == "plain"]
    assert len(plain) >= 250
    assert len(rows) - len(plain) >= 300
    themes = Counter(theme for row in plain for theme in row["themes"])
    assert {theme: themes[theme] for theme in theme_ids() if themes[theme] < 15} == {}
    assert set(Counter(row["register"] for row in plain)) == REGISTERS


def test_no_held_out_text_is_near_a_training_line() -> None:
    held_out = [_clean(row["text"]) for row in _rows()]
    training = [_clean(example.text) for example in packaged_examples()]
    assert len(training) > 1000
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(3, 3), lowercase=False)
    matrix = normalize(vectorizer.fit_transform(held_out + training).astype(np.float64))
    similarity = (matrix[: len(held_out)] @ matrix[len(held_out) :].T).toarray()
    best = similarity.max(axis=1)
    too_close = [held_out[i][:80] for i in np.flatnonzero(best >= 0.8)]
    assert too_close == []
    assert not set(held_out) & set(training)
