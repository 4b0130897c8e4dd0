"""Survey files: a survey definition written as a JSON file to share, and such a file read back.

The file is the definition as ``docs/survey-schema.md`` explains it (the JSON Schema is
``forum_app/surveys/definitions/schema.json``), with two more keys: ``"$schema"`` (the schema's id) and
``"format_version": 1``. Reading a file refuses, with one plain sentence (``SurveyFileError``), anything
that is not such a file: not UTF-8, not JSON, too large, another format version, an invalid definition,
or a survey too big to be one (more than 200 questions, 100 options, or a text of over 2,000
characters). Fields the schema does not name are left out, so a file cannot smuggle data into a draft.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.builder.drafts import create_survey
from forum_app.builder.models import SurveyDraft
from forum_app.builder.starters import MAX_TITLE, slug_problem
from forum_app.inputs import UnreadableJSON, load_json
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import Survey
from forum_app.surveys.services import latest_version

SCHEMA_ID = "https://forum-evidence.invalid/schemas/survey-definition.json"
FORMAT_VERSION = 1
FILE_KEYS = ("$schema", "format_version")  # in a file, not in a stored definition
MAX_FILE_BYTES = 1024 * 1024
MAX_QUESTIONS = 200
MAX_OPTIONS = 100
MAX_TEXT = 2000
MAX_JSON_DEPTH = 8  # a definition nests 5 deep (survey, questions, question, options, option)


class SurveyFileError(ValueError):
    """A file that is not a survey file this service can read; the message says why, in one sentence."""


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of a survey definition (draft 2020-12)."""
    text = resources.files("forum_app.surveys.definitions").joinpath("schema.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def export_definition(document: dict[str, Any]) -> bytes:
    """The definition as a survey file: pretty JSON in UTF-8, starting with its schema and format."""
    body = {key: value for key, value in document.items() if key not in FILE_KEYS}
    text = json.dumps(
        {"$schema": SCHEMA_ID, "format_version": FORMAT_VERSION, **body}, ensure_ascii=False, indent=2
    )
    return (text + "\n").encode("utf-8")


def export_filename(slug: str) -> str:
    """The download's file name: only letters, digits and hyphens of the address, so any header is safe."""
    return f"survey-{re.sub(r'[^A-Za-z0-9-]+', '-', slug)[:64]}.json"


def read_definition_file(data: bytes) -> dict[str, Any]:
    """The survey definition in a survey file, checked by ``parse_definition`` and with only the fields
    of the schema. Raises ``SurveyFileError``."""
    if not data.strip():
        raise SurveyFileError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise SurveyFileError(f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest is 1 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\0"
    if "\0" in text:  # UTF-16 without a byte order mark decodes, with a nul in every other byte
        raise SurveyFileError("The file is not UTF-8 text: save it as UTF-8 and try again.")
    try:
        document = load_json(text, max_depth=MAX_JSON_DEPTH)
    except json.JSONDecodeError as exc:
        raise SurveyFileError(
            f"The file is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except UnreadableJSON as refused:
        reason = str(refused)
        raise SurveyFileError(f"The file is not a survey file: {reason[:1].lower()}{reason[1:]}") from None
    if not isinstance(document, dict):
        raise SurveyFileError(
            "The file is not a survey file: it must be one JSON object with a questions list."
        )
    version = document.get("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:
        shown = json.dumps(version)[:20]
        raise SurveyFileError(
            f"The file is format version {shown}; this service reads version {FORMAT_VERSION}."
        )
    _check_limits(document)
    document = _known_fields(document)
    try:
        parse_definition(document)
    except DefinitionError as exc:
        raise SurveyFileError(f"The survey in the file cannot be used: {exc}") from None
    return document


def _check_limits(document: dict[str, Any]) -> None:
    """Refuse a survey too big to be one, or with text no survey can hold, before it is checked question by
    question."""
    questions = document.get("questions")
    if not isinstance(questions, list):
        return  # parse_definition says what is wrong
    if len(questions) > MAX_QUESTIONS:
        raise SurveyFileError(
            f"The survey has {len(questions)} questions; a survey file can have at most {MAX_QUESTIONS}."
        )
    title = document.get("title")
    if isinstance(title, str) and len(title) > MAX_TITLE:
        raise SurveyFileError(f"The survey's title is {len(title):,} characters; the most is {MAX_TITLE}.")
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            continue
        options = question.get("options")
        if isinstance(options, list) and len(options) > MAX_OPTIONS:
            raise SurveyFileError(
                f"Question {number} has {len(options)} options; a question can have at most {MAX_OPTIONS}."
            )
        condition = question.get("show_if")
        values = condition.get("any_of") if isinstance(condition, dict) else None
        if isinstance(values, list) and len(values) > MAX_OPTIONS:
            raise SurveyFileError(f"Question {number} is shown for more than {MAX_OPTIONS} answers.")
    found = _text_problem(document, "the survey")
    if found:
        raise SurveyFileError(found)


# Control characters other than tab and line ends never belong in a survey (and PostgreSQL rejects NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_problem(value: Any, where: str) -> str | None:
    """What is wrong with the first text that is too long or has a character no survey can hold (a control
    character, or half of a character written as a JSON escape), saying where ("question 3"); or None."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return f"A text in {where} is longer than {MAX_TEXT:,} characters, the most a survey takes."
        if _CONTROL.search(value) or (not value.isascii() and not _encodes(value)):
            return (
                f"A text in {where} has a character that cannot be in a survey, such as a control character."
            )
        return None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for number, item in enumerate(items, start=1):
        inner = f"question {number}" if where == "the survey" and isinstance(value, list) else where
        found = _text_problem(item, inner)
        if found:
            return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _properties(definition: dict[str, Any]) -> frozenset[str]:
    return frozenset(definition["properties"])


def _known_fields(document: dict[str, Any]) -> dict[str, Any]:
    """The document with only the fields the schema names (and without the file's own two keys)."""
    rules = schema()
    question_rule = rules["$defs"]["question"]
    top = _properties(rules) - set(FILE_KEYS)
    asked = _properties(question_rule)
    offered = _properties(rules["$defs"]["option"])
    shown = _properties(question_rule["properties"]["show_if"])
    kept = {key: value for key, value in document.items() if key in top}
    questions = kept.get("questions")
    if not isinstance(questions, list):
        return kept
    cleaned = []
    for question in questions:
        if isinstance(question, dict):
            question = {key: value for key, value in question.items() if key in asked}
            if isinstance(question.get("options"), list):
                question["options"] = [
                    {key: value for key, value in option.items() if key in offered}
                    if isinstance(option, dict)
                    else option
                    for option in question["options"]
                ]
            if isinstance(question.get("show_if"), dict):
                question["show_if"] = {
                    key: value for key, value in question["show_if"].items() if key in shown
                }
        cleaned.append(question)
    kept["questions"] = cleaned
    return kept


def import_survey(session: Session, forum_id: int, data: bytes, slug: str = "") -> Survey:
    """A new draft survey of the forum from a survey file, at ``slug`` if given, else at the file's.

    Raises ``SurveyFileError`` for a file that cannot be read or an address that cannot be one, and
    ``SlugTaken`` when the forum already has a survey at the address. Commits."""
    document = read_definition_file(data)
    if slug:
        document["slug"] = slug
    problem = slug_problem(document["slug"])
    if problem:
        raise SurveyFileError(f"{problem} (the file's survey is at ‘{document['slug'][:64]}’).")
    return create_survey(session, forum_id, document)


def definition_for_export(session: Session, forum_id: int, slug: str) -> dict[str, Any] | None:
    """The forum's survey at ``slug`` as a lead last saved it (its draft), else its latest published
    version; None if the forum has no such survey. Reads only."""
    survey_id = session.scalar(select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == slug))
    if survey_id is None:
        return None
    draft = session.get(SurveyDraft, survey_id)
    if draft is not None:
        return copy.deepcopy(draft.definition)
    version = latest_version(session, survey_id)
    return copy.deepcopy(version.definition) if version is not None else None
