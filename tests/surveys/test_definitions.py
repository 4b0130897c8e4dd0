"""Survey definitions are validated data; the default survey is plain and complete."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from forum_app.surveys.definitions import (
    KINDS_WITH_OPTIONS,
    QUESTION_KINDS,
    DefinitionError,
    load_packaged,
    parse_definition,
)
from forum_app.surveys.fields import QUESTION_TYPES, clean_text, display_answer, question_type


@pytest.fixture
def document() -> dict[str, Any]:
    return copy.deepcopy(load_packaged())


def test_default_survey_asks_what_a_forum_needs(document: dict[str, Any]) -> None:
    definition = parse_definition(document)
    keys = [q.key for q in definition.questions]
    for key in (
        "age_band",
        "setting",
        "needs",
        "ehcp",
        "services_waited",
        "wait_ehcna_plan",
        "wait_autism_first",
        "wait_adhd_rtt",
        "wait_salt",
        "wait_camhs_rtt",
        "rating_communication",
        "rating_support",
        "worked_well",
        "not_worked",
        "one_change",
        "quote_consent",
    ):
        assert key in keys
    consent = definition.question("quote_consent")
    assert consent is not None and consent.kind == "consent" and not consent.required
    assert all(q.kind in QUESTION_TYPES for q in definition.questions)


def test_question_types_say_what_their_answers_are() -> None:
    def kinds(trait: str) -> set[str]:
        return {kind for kind, entry in QUESTION_TYPES.items() if getattr(entry, trait)}

    assert set(QUESTION_TYPES) == set(QUESTION_KINDS)
    assert kinds("is_choice") == set(KINDS_WITH_OPTIONS) == {"radio", "checkboxes", "rating"}
    assert kinds("is_multi") == {"checkboxes"}
    assert kinds("is_rating") == {"rating"}
    assert kinds("is_free_text") == {"text"}
    assert kinds("is_duration") == {"duration"}
    assert QUESTION_TYPES["checkboxes"].description == "One or more answers"
    assert all(entry.description for entry in QUESTION_TYPES.values())
    assert question_type("radio") is QUESTION_TYPES["radio"]
    assert question_type("slider") is None
    assert question_type(None) is None and question_type(["radio"]) is None


def test_routing_follows_answers(document: dict[str, Any]) -> None:
    definition = parse_definition(document)
    answers = {"services_waited": ["salt", "camhs"]}
    shown = [q.key for q in definition.visible(answers)]
    assert "wait_salt" in shown and "wait_camhs_rtt" in shown and "wait_ehcna_plan" not in shown
    nxt = definition.next_after("services_waited", answers)
    assert nxt is not None and nxt.key == "wait_salt"
    prev = definition.previous_before("rating_communication", answers)
    assert prev is not None and prev.key == "wait_camhs_rtt"
    assert definition.previous_before("age_band", answers) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("questions"), "questions"),
        (lambda d: d["questions"].append(dict(d["questions"][0])), "used twice"),
        (lambda d: d["questions"][0].update(type="slider"), "type must be one of"),
        (lambda d: d["questions"][0].update(key="Bad Key"), "key must be"),
        (lambda d: d["questions"][0].update(options=[{"value": "a", "label": "A"}]), "at least 2 options"),
        (
            lambda d: d["questions"][5].update(show_if={"question": "nope", "any_of": ["x"]}),
            "earlier question",
        ),
        (lambda d: d["questions"][-1].update(required=True), "consent can never be required"),
        (lambda d: d["questions"][0].update(title=""), "'title'"),
    ],
)
def test_invalid_definitions_are_explained(document: dict[str, Any], change: Any, message: str) -> None:
    change(document)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(document)


def test_clean_text_keeps_words_and_drops_control_characters() -> None:
    assert (
        clean_text("  \u201cSmart\u201d quotes\r\nnext line\x00\x07 ")
        == "\u201cSmart\u201d quotes\nnext line"
    )
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    assert clean_text("مرحبا 😞") == "مرحبا 😞"
    assert clean_text(None) == ""


def test_answers_are_displayed_plainly(document: dict[str, Any]) -> None:
    definition = parse_definition(document)
    wait = definition.question("wait_salt")
    needs = definition.question("needs")
    rating = definition.question("rating_support")
    assert wait is not None and needs is not None and rating is not None
    assert display_answer(wait, {"amount": 1, "unit": "months", "still_waiting": False}) == "1 month"
    assert (
        display_answer(wait, {"amount": 9, "unit": "weeks", "still_waiting": True})
        == "9 weeks so far (still waiting)"
    )
    assert display_answer(needs, ["autism", "adhd"]) == "Autism\nADHD"
    assert display_answer(rating, 4) == "Good"
    assert display_answer(needs, None) == "Not answered"
