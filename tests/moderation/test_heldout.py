"""The safeguarding flags and the redactor on the held-out sets in ``heldout/``.

Those texts were written apart from the rules, the name lists and the classifier's training lines,
in other voices and registers, and nothing is trained or tuned on them: they stand for the real
answers the product will meet. The scoring is ``bench/moderation_heldout.py``'s (which also lists
every miss); these tests hold the product to the levels it must keep.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).parent / "heldout"


def _bench() -> ModuleType:
    path = ROOT / "bench" / "moderation_heldout.py"
    spec = importlib.util.spec_from_file_location("moderation_heldout", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (HELDOUT / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def flags() -> dict[str, Any]:
    return _bench().score_flags(_rows("safeguarding.jsonl"))


@pytest.fixture(scope="module")
def redaction() -> dict[str, Any]:
    return _bench().score_redaction(_rows("redaction.jsonl"))


def test_flags_catch_risk_written_in_ways_never_seen(flags: dict[str, Any]) -> None:
    assert flags["errors"] == []
    assert flags["recall"] >= 0.95, flags["missed"]
    for category, found in flags["per_category"].items():
        assert found["recall"] >= 0.85, (category, found)
    assert flags["bad_input"]["caught"] == flags["bad_input"]["risk"]


def test_angry_ordinary_complaints_are_seldom_flagged(flags: dict[str, Any]) -> None:
    assert flags["false_flag_rate"] <= 0.10, flags["false_flagged"]
    assert flags["bad_input"]["false_flags"] <= 1


def test_identifiers_with_a_fixed_shape_are_all_redacted(redaction: dict[str, Any]) -> None:
    assert redaction["errors"] == []
    for kind in ("postcode", "phone", "email", "nhs", "nino", "url"):
        found = redaction["per_kind"][kind]
        assert found["caught"] == found["of"], (kind, redaction["missed"])


def test_names_schools_and_details_as_people_write_them(redaction: dict[str, Any]) -> None:
    assert redaction["recall"] >= 0.80, redaction["missed"]
    assert redaction["per_kind"]["name"]["recall"] >= 0.80, redaction["missed"]
    assert redaction["per_kind"]["dob"]["recall"] >= 0.85, redaction["missed"]


def test_clean_answers_keep_their_words(redaction: dict[str, Any]) -> None:
    assert redaction["clean_share_kept"] >= 0.99, redaction["clean_words_removed"]
    assert redaction["other_share_kept"] >= 0.97
