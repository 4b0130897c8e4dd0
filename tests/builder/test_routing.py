"""Routing problems, in words naming the question: order, dead ends, no options, never shown."""

from __future__ import annotations

from typing import Any

from forum_app.builder.editing import QuestionChanges, edit_question
from forum_app.builder.routing import routing_problems
from forum_app.surveys.definitions import load_packaged
from tests.builder.factories import pulse


def _with(document: dict[str, Any], key: str, **fields: Any) -> dict[str, Any]:
    for question in document["questions"]:
        if question["key"] == key:
            question.update(fields)
    return document


def test_a_good_survey_has_no_problem() -> None:
    assert routing_problems(pulse()) == []
    assert routing_problems(load_packaged()) == []


def test_a_condition_on_itself_or_on_a_later_question() -> None:
    itself = _with(pulse(), "area", show_if={"question": "area", "any_of": ["north"]})
    assert routing_problems(itself) == [
        "“Which area do you live in?” is shown only for some of its own answers, so it can never be shown."
    ]
    document = pulse()
    document["questions"][1], document["questions"][2] = document["questions"][2], document["questions"][1]
    (problem,) = routing_problems(document)
    assert problem.startswith(
        "“What happened with CAMHS?” is shown only for some answers to “Which services have you used?”, "
        "which comes after it."
    )


def test_a_condition_on_values_the_question_does_not_offer_is_a_dead_end() -> None:
    document = _with(pulse(), "camhs_story", show_if={"question": "services", "any_of": ["ot"]})
    assert routing_problems(document) == [
        "“What happened with CAMHS?” is shown only for answers “Which services have you used?” no longer "
        "offers, so it can never be shown. Choose its answers again in its “show only if”."
    ]
    # The lead takes CAMHS out of the options: the condition now names nothing on offer.
    changes = QuestionChanges(title="Which services have you used?", options="Speech\nOT")
    assert "can never be shown" in routing_problems(edit_question(pulse(), "services", changes))[0]
    partly = _with(pulse(), "camhs_story", show_if={"question": "services", "any_of": ["camhs", "ot"]})
    assert routing_problems(partly) == [
        "“What happened with CAMHS?” is shown for 1 answer “Which services have you used?” no longer offers. "
        "Choose its answers again in its “show only if”."
    ]


def test_a_condition_on_a_question_without_options() -> None:
    document = _with(pulse(), "children", show_if={"question": "camhs_story", "any_of": ["yes"]})
    (problem, *_rest) = routing_problems(document)
    assert problem.startswith(
        "“How many children do you care for?” is shown only for some answers to “What happened with CAMHS?”, "
        "which has no options to choose from (free text)."
    )


def test_a_question_after_one_never_shown_is_never_shown_either() -> None:
    document = pulse()
    _with(document, "services", show_if={"question": "area", "any_of": ["east"]})
    problems = routing_problems(document)
    assert len(problems) == 2
    assert problems[1] == (
        "“What happened with CAMHS?” can never be shown, because “Which services have you used?”, whose "
        "answer decides it, is never shown."
    )


def test_a_condition_on_a_question_the_survey_no_longer_has_or_malformed() -> None:
    document = _with(pulse(), "children", show_if={"question": "gone", "any_of": ["x"]})
    assert "no longer has" in routing_problems(document)[0]
    broken = _with(pulse(), "children", show_if="area")
    assert len(routing_problems(broken)) == 1
    assert routing_problems({"questions": "nothing"}) == []
