"""The synthetic answer generator gives valid, varied, deterministic answers for any definition."""

import random
import re
from datetime import date
from typing import Any

from forum_app.surveys.definitions import SurveyDefinition, load_packaged, parse_definition
from forum_app.surveys.demo_answers import generate_answers

TEXT_KEYS = ("worked_well", "not_worked", "one_change")


def default_definition() -> SurveyDefinition:
    return parse_definition(load_packaged())


def many(definition: SurveyDefinition, count: int, seed: int = 2024) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [generate_answers(definition, rng) for _ in range(count)]


def assert_valid(definition: SurveyDefinition, answers: dict[str, Any]) -> None:
    """The rules the survey forms apply, checked against one generated answer set."""
    visible = definition.visible(answers)
    assert set(answers) <= {q.key for q in visible}, "answers to questions that were never shown"
    for question in visible:
        value = answers.get(question.key)
        if value is None:
            assert not question.required or question.kind == "consent", f"{question.key} is required"
            continue
        values = [o.value for o in question.options]
        if question.kind == "radio":
            assert value in values
        elif question.kind == "checkboxes":
            assert isinstance(value, list) and value and len(set(value)) == len(value)
            assert set(value) <= set(values)
            exclusive = {o.value for o in question.options if o.exclusive}
            assert len(value) == 1 or not exclusive & set(value), f"{question.key}: {value}"
        elif question.kind == "rating":
            assert type(value) is int and str(value) in values
        elif question.kind == "duration":
            assert set(value) == {"amount", "unit", "still_waiting"}
            assert type(value["amount"]) is int and value["amount"] >= 0
            assert value["unit"] in ("weeks", "months")
            assert value["amount"] <= (520 if value["unit"] == "weeks" else 120)
            assert isinstance(value["still_waiting"], bool)
        elif question.kind == "consent":
            assert isinstance(value, bool)
        elif question.kind == "text":
            assert isinstance(value, str) and value.strip() and len(value) <= 5000
        elif question.kind == "number":
            assert type(value) is int
            assert question.minimum is None or value >= question.minimum
            assert question.maximum is None or value <= question.maximum
        elif question.kind == "month":
            assert isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value)
            year, month = map(int, value.split("-"))
            today = date.today()
            assert year >= 1990 and (year, month) < (today.year, today.month), value


def test_same_seed_gives_identical_answers_and_a_different_seed_does_not() -> None:
    definition = default_definition()
    first, again = many(definition, 50, seed=7), many(definition, 50, seed=7)
    assert first == again
    assert many(definition, 50, seed=8) != first


def test_every_generated_answer_set_is_valid_for_the_default_survey() -> None:
    definition = default_definition()
    for answers in many(definition, 500):
        assert_valid(definition, answers)
        # Consent is asked only of a family who wrote something.
        if any(answers.get(key) for key in TEXT_KEYS):
            assert isinstance(answers["quote_consent"], bool)
        else:
            assert "quote_consent" not in answers


def test_free_text_is_varied_and_sometimes_left_empty() -> None:
    responses = many(default_definition(), 500)
    not_worked = [r["not_worked"] for r in responses if r.get("not_worked")]
    assert len(set(not_worked)) >= 0.9 * len(not_worked)
    for key in TEXT_KEYS:
        texts = [r.get(key) for r in responses]
        empty = sum(1 for t in texts if not t)
        assert 0.1 * len(texts) <= empty <= 0.3 * len(texts), key
        assert any(len(t.split()) >= 20 for t in texts if t) or key == "one_change"
        assert all("{" not in t and "}" not in t for t in texts if t), "a placeholder was left unfilled"
    consent = sum(r.get("quote_consent", False) for r in responses) / len(responses)
    assert 0.3 <= consent <= 0.5


def test_default_survey_answers_are_plausible() -> None:
    responses = many(default_definition(), 1000)
    older = [r for r in responses if r["age_band"] == "16-18"]
    younger = [r for r in responses if r["age_band"] in ("0-4", "5-10")]
    assert sum(r["setting"] == "post16" for r in older) > len(older) / 3
    assert not any(r["setting"] == "post16" for r in younger)
    autism = [r["wait_autism_first"] for r in responses if "wait_autism_first" in r]
    assert autism and sum(w["still_waiting"] for w in autism) > len(autism) / 3
    ratings = [r["rating_support"] for r in responses]
    assert sum(ratings) / len(ratings) < 3 and 5 in ratings and 1 in ratings
    assert any(r["services_waited"] == ["none"] for r in responses)


def test_works_for_a_custom_definition_with_number_month_and_routing() -> None:
    definition = parse_definition(
        {
            "slug": "custom",
            "title": "A short check-in",
            "questions": [
                {"key": "siblings", "type": "number", "title": "How many siblings?", "min": 0, "max": 6},
                {
                    "key": "diagnosed",
                    "type": "radio",
                    "title": "Has your child got a diagnosis?",
                    "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
                },
                {
                    "key": "diagnosed_on",
                    "type": "month",
                    "title": "When was the diagnosis?",
                    "show_if": {"question": "diagnosed", "any_of": ["yes"]},
                },
                {
                    "key": "helped",
                    "type": "checkboxes",
                    "title": "Who helped?",
                    "options": [
                        {"value": "school", "label": "School"},
                        {"value": "gp", "label": "GP"},
                        {"value": "nobody", "label": "Nobody", "exclusive": True},
                    ],
                },
                {"key": "wait", "type": "duration", "title": "How long did you wait for a GP appointment?"},
                {"key": "story", "type": "text", "title": "Tell us more", "required": False},
                {"key": "ok_to_quote", "type": "consent", "title": "Quote?", "label": "Yes, quote me"},
            ],
        }
    )
    rng = random.Random(3)
    responses = [generate_answers(definition, rng) for _ in range(200)]
    for answers in responses:
        assert_valid(definition, answers)
        assert ("diagnosed_on" in answers) == (answers["diagnosed"] == "yes")
    assert {r["diagnosed"] for r in responses} == {"yes", "no"}
    assert len({r["siblings"] for r in responses}) > 3
    assert any(r.get("story") for r in responses)
