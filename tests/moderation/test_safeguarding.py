"""Safeguarding flags: recall first, plain denials respected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum_app.moderation.evaluation import score_flags
from forum_app.moderation.safeguarding import flag

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("My daughter is self-harming at school.", "self-harm"),
        ("she's been cutting herself", "self-harm"),
        ("banging his head against the wall every night", "self-harm"),
        ("He keeps saying he wants to kill himself.", "suicide"),
        ("sometimes i think everyone would be better off without me", "suicide"),
        ("She doesn't want to be alive anymore.", "suicide"),
        ("I've started having thoughts I shouldn't be having.", "suicide"),
        ("Her stepdad hits her and she is scared to go home.", "abuse"),
        ("The taxi escort slapped him.", "abuse"),
        ("restraining my son and shutting him in a cupboard", "abuse"),
        ("told us she 'deserved' to be left in a wet pad", "abuse"),
        ("He ran out into the road again.", "child in danger"),
        ("I don't know how much longer we can keep him and his brothers safe at home.", "child in danger"),
        ("my mum has started drinking and i do most of the caring", "child in danger"),
        ("I am at breaking point.", "parent at breaking point"),
        ("I can't cope any more", "parent at breaking point"),
        ("I'm at the end of my tether.", "parent at breaking point"),
    ],
)
def test_risk_is_flagged(text: str, reason: str) -> None:
    result = flag(text)
    assert result
    assert reason in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "She is not suicidal and has never self-harmed, but she is very anxious.",
        "The plan was late and the annual review was cancelled twice.",
        "Safety valve agreement = cutting EHCPs by the back door.",
        "CAMHS rejected the referral because she's 'not in crisis'.",
        "The OT report was great and the SENCO listens.",
        "Overnight respite was cut from 52 nights a year to 20.",
    ],
)
def test_ordinary_or_denied_is_not_flagged(text: str) -> None:
    assert not flag(text)


def test_self_contained_negations_still_flag() -> None:
    assert flag("he says he doesn't want to live")
    assert flag("no one keeps him safe at school, he is not safe")


def test_recall_on_labelled_lines() -> None:
    rows = []
    for name in ("dev_labels.jsonl", "cases.jsonl"):
        rows += [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line]
    result = score_flags(rows)
    assert result["recall"] == 1.0, result["missed"]
    assert result["false_positive_rate"] <= 0.1, result["extra"]
