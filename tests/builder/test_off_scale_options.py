"""A rating's "Don't know" in the builder: shown marked "[on its own]", kept off the scale when the
options are edited, and never numbered as a point of the scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum_app.builder.editing import (
    EditRefused,
    QuestionChanges,
    add_question,
    edit_question,
    find_question,
    options_text,
)
from forum_app.surveys.definitions import parse_definition
from tests.builder.factories import pulse

STARTERS = Path(__file__).resolve().parents[2] / "forum_app" / "builder" / "starters"


def test_a_rating_keeps_dont_know_off_the_scale_when_edited() -> None:
    document, key = add_question(pulse(), "rating", "How good is it?")
    pasted = "Bad\nDon't know [on its own]\nOK\nGood"
    document = edit_question(document, key, QuestionChanges(title="How good?", options=pasted))
    question = find_question(document, key)
    assert [(o["value"], o["label"], o.get("off_scale", False)) for o in question["options"]] == [
        ("1", "Bad", False),
        ("2", "OK", False),
        ("3", "Good", False),
        ("don_t_know", "Don't know", True),  # after the scale, whatever line it was on
    ]
    assert options_text(question).splitlines()[-1] == "Don't know [on its own]"
    parse_definition(document)
    # Shown and saved again unchanged, it keeps its value; a label that is a number gets a word.
    again = edit_question(document, key, QuestionChanges(title="How good?", options=options_text(question)))
    assert find_question(again, key)["options"] == question["options"]
    numbered = edit_question(
        document, key, QuestionChanges(title="How good?", options="Bad\nGood\n10 [on its own]")
    )
    assert find_question(numbered, key)["options"][-1]["value"] == "answer_10"
    with pytest.raises(EditRefused):
        edit_question(document, key, QuestionChanges(title="How good?", options="Bad\nNot sure [on its own]"))


@pytest.mark.parametrize("name", ["pre-inspection-pulse", "young-people"])
def test_every_rating_of_the_starters_has_an_answer_off_its_scale(name: str) -> None:
    definition = parse_definition(json.loads((STARTERS / f"{name}.json").read_text("utf-8")))
    ratings = [q for q in definition.questions if q.kind == "rating"]
    assert ratings
    for rating in ratings:
        assert [o.value for o in rating.options if o.off_scale] == ["dont_know"]
        assert [o.value for o in rating.scale] == ["1", "2", "3", "4", "5"]
