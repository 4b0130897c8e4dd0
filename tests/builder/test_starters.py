"""The surveys a lead starts from, and the JSON Schema of a survey definition: every starter passes both
``parse_definition`` and the schema, and the schema names exactly the fields ``parse_definition`` reads."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import jsonschema
import pytest

from forum_app.builder import files
from forum_app.builder.starters import BLANK, STARTERS, slug_problem, starter, suggest_slug
from forum_app.config import PROJECT_ROOT
from forum_app.surveys import definitions
from forum_app.surveys.definitions import (
    KEY_PATTERN,
    KINDS_WITH_OPTIONS,
    QUESTION_KINDS,
    DefinitionError,
    load_packaged,
    parse_definition,
    translations,
)

VALIDATOR = jsonschema.Draft202012Validator(files.schema())
DEFAULT = load_packaged()


def _schema_errors(document: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(files.schema())
    assert files.schema()["$id"] == files.SCHEMA_ID


@pytest.mark.parametrize("found", STARTERS, ids=lambda found: found.id)
def test_every_starter_is_a_valid_definition_by_both_checks(found: Any) -> None:
    document = found.document
    parse_definition(document)
    assert _schema_errors(document) == []
    assert found.name and found.about and found.questions == len(document["questions"])


def test_the_default_survey_and_its_exported_file_pass_the_schema() -> None:
    assert _schema_errors(DEFAULT) == []
    assert _schema_errors(files.read_definition_file(files.export_definition(DEFAULT))) == []
    assert _schema_errors(json.loads(files.export_definition(DEFAULT))) == []


def test_the_starters_are_the_experience_survey_a_pulse_a_young_peoples_version_and_blank() -> None:
    assert [found.id for found in STARTERS] == [
        "send-experience",
        "send-experience-easy-read",
        "pre-inspection-pulse",
        "young-people",
        BLANK,
    ]
    experience = starter("send-experience")
    assert experience is not None and experience.document == DEFAULT
    blank = starter(BLANK)
    assert blank is not None and len(blank.document["questions"]) == 1
    assert starter("nothing") is None


def _questions(starter_id: str) -> dict[str, dict[str, Any]]:
    found = starter(starter_id)
    assert found is not None
    return {question["key"]: question for question in found.document["questions"]}


def _same_meaning(question: dict[str, Any], default: dict[str, Any]) -> bool:
    return question["type"] == default["type"] and [o["value"] for o in question.get("options", [])] == [
        o["value"] for o in default.get("options", [])
    ]


def test_the_pulse_is_short_and_reuses_the_experience_surveys_keys_so_packs_combine() -> None:
    pulse = _questions("pre-inspection-pulse")
    default = {question["key"]: question for question in DEFAULT["questions"]}
    assert 5 <= len(pulse) <= 7
    shared = [key for key in pulse if key in default]
    assert {"age_band", "ehcp", "services_waited", "rating_communication", "rating_support"} <= set(shared)
    for key in shared:  # a reused key asks the same thing, with the same answers
        assert _same_meaning(pulse[key], default[key]), key
        assert pulse[key]["title"] == default[key]["title"], key
    assert any(question["type"] == "text" for question in pulse.values())
    assert pulse["quote_consent"]["type"] == "consent" and not pulse["quote_consent"]["required"]


def _words_per_sentence(text: str) -> float:
    sentences = [part for part in re.split(r"[.?!]\s*", text) if part.strip()]
    return sum(len(part.split()) for part in sentences) / len(sentences)


def test_the_young_peoples_version_asks_them_about_themselves_in_simpler_words() -> None:
    young = _questions("young-people")
    found = starter("young-people")
    assert found is not None
    document = found.document
    assert "11 to 25" in document["summary"]
    assert [o["value"] for o in young["age_band"]["options"]] == ["11-15", "16-18", "19-25"]
    titles = [question["title"] for question in young.values()]
    assert not any("your child" in title.lower() for title in titles)
    assert sum(title.lower().count("you") > 0 for title in titles) >= len(titles) - 1
    texts = titles + [question.get("hint", "") for question in young.values() if question.get("hint")]
    assert max(_words_per_sentence(text) for text in texts) <= 16
    default = {question["key"]: question for question in DEFAULT["questions"]}
    for key in young.keys() & default.keys():  # a shared key keeps the experience survey's answers
        defaults = {o["value"] for o in default[key].get("options", [])}
        assert {o["value"] for o in young[key].get("options", [])} <= defaults, key
    assert sum(question["type"] == "text" for question in young.values()) >= 2


def test_the_schema_names_exactly_the_fields_parse_definition_reads() -> None:
    rules = files.schema()
    question = rules["$defs"]["question"]
    source = inspect.getsource(definitions) + inspect.getsource(translations)
    read = set(re.findall(r"""(?:raw|item|cond)(?:\.get\(|\[)"(\w+)"|_text\(\w+, "(\w+)\"""", source))
    names = {name for pair in read for name in pair if name}
    described = (
        set(rules["properties"])
        | set(question["properties"])
        | set(rules["$defs"]["option"]["properties"])
        | set(question["properties"]["show_if"]["properties"])
    ) - set(files.FILE_KEYS)
    assert names == described
    assert question["properties"]["type"]["enum"] == list(QUESTION_KINDS)
    assert question["properties"]["key"]["pattern"] == KEY_PATTERN.pattern
    assert set(rules["required"]) == {"slug", "title", "questions"}
    assert set(question["required"]) == {"key", "type", "title"}
    with_options = question["allOf"][0]
    assert with_options["if"]["properties"]["type"]["enum"] == list(KINDS_WITH_OPTIONS)


def _a_question(**changes: Any) -> dict[str, Any]:
    question: dict[str, Any] = {"key": "q", "type": "radio", "title": "Q?"}
    question["options"] = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    question.update(changes)
    return {key: value for key, value in question.items() if value is not None}


BROKEN = {
    "no slug": {"title": "T", "questions": [_a_question()]},
    "blank title": {"slug": "s", "title": "  ", "questions": [_a_question()]},
    "no questions": {"slug": "s", "title": "T", "questions": []},
    "minutes zero": {"slug": "s", "title": "T", "minutes": 0, "questions": [_a_question()]},
    "bad key": {"slug": "s", "title": "T", "questions": [_a_question(key="Bad Key")]},
    "unknown type": {"slug": "s", "title": "T", "questions": [_a_question(type="slider")]},
    "no options": {"slug": "s", "title": "T", "questions": [_a_question(options=None)]},
    "one option": {
        "slug": "s",
        "title": "T",
        "questions": [_a_question(options=[{"value": "a", "label": "A"}])],
    },
    "option without label": {
        "slug": "s",
        "title": "T",
        "questions": [_a_question(options=[{"value": "a"}, {"value": "b", "label": "B"}])],
    },
    "required consent": {
        "slug": "s",
        "title": "T",
        "questions": [_a_question(type="consent", options=None, label="Yes", required=True)],
    },
    "consent without label": {
        "slug": "s",
        "title": "T",
        "questions": [_a_question(type="consent", options=None, required=False)],
    },
    "empty any_of": {
        "slug": "s",
        "title": "T",
        "questions": [_a_question(), _a_question(key="r", show_if={"question": "q", "any_of": []})],
    },
}


@pytest.mark.parametrize("name", BROKEN)
def test_parse_definition_and_the_schema_refuse_the_same_broken_documents(name: str) -> None:
    document = BROKEN[name]
    with pytest.raises(DefinitionError):
        parse_definition(document)
    assert _schema_errors(document), name


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Young people's survey 2026", "young-peoples-survey-2026"),
        ("  Café — pulse!! ", "cafe-pulse"),
        ("Ysgol Gymraeg: arolwg", "ysgol-gymraeg-arolwg"),
        ("日本語", ""),
        ("a" * 100, "a" * 64),
        ("word " * 30, "-".join(["word"] * 13)),
    ],
)
def test_an_address_is_suggested_from_the_title(title: str, slug: str) -> None:
    assert suggest_slug(title) == slug
    assert slug_problem(slug) is None if slug else slug_problem(slug) == "Enter an address for the survey"


@pytest.mark.parametrize(
    "slug", ["Pulse", "pulse 2026", "pulse--2026", "-pulse", "pulse_2026", "new", "a" * 65]
)
def test_an_address_that_cannot_be_one_is_refused(slug: str) -> None:
    assert slug_problem(slug)


def test_the_documentation_explains_every_field_of_the_schema() -> None:
    rules = files.schema()
    question = rules["$defs"]["question"]
    names = (
        set(rules["properties"])
        | set(question["properties"])
        | set(rules["$defs"]["option"]["properties"])
        | set(question["properties"]["show_if"]["properties"])
    )
    text = (PROJECT_ROOT / "docs" / "survey-schema.md").read_text(encoding="utf-8")
    assert [name for name in sorted(names) if f"`{name}`" not in text] == []
    assert files.SCHEMA_ID in text and "forum_app/surveys/definitions/schema.json" in text
