"""Survey definitions: validated data, not code.

A definition is a JSON document with a slug, a title and an ordered list of
questions. ``parse_definition`` checks it and returns typed objects; nothing
else in the app reads the raw JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from forum_app.pictograms import PICTOGRAMS
from forum_app.surveys.definitions.translations import languages_of, localise, validate_translations

QUESTION_KINDS = ("radio", "checkboxes", "text", "number", "duration", "month", "rating", "consent")
KINDS_WITH_OPTIONS = ("radio", "checkboxes", "rating")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DEFAULT_SURVEY_SLUG = "send-experience"
EASY_READ_SURVEY_SLUG = "send-experience-easy-read"  # the same questions in Easy Read
STYLES = ("easy-read",)  # a survey's optional look: "easy-read" is larger text with more space


class DefinitionError(ValueError):
    """A survey definition is invalid; the message names the question and the problem."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    exclusive: bool = False
    off_scale: bool = False  # "Don't know" on a rating: an answer, but no place on the scale


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer includes one of ``any_of``."""

    question: str
    any_of: tuple[str, ...]

    def holds(self, answers: dict[str, Any]) -> bool:
        given = answers.get(self.question)
        chosen = set(given) if isinstance(given, list) else {given}
        return bool(chosen & set(self.any_of))


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    title: str
    hint: str = ""
    label: str = ""
    error: str = ""  # shown when a required question is not answered
    required: bool = True
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    minimum: int | None = None
    maximum: int | None = None
    picture: str = ""  # a pictogram in static/pictograms/, shown beside the title

    @property
    def scale(self) -> tuple[Option, ...]:
        """The options that are places on the scale ("Don't know" and the like are not)."""
        return tuple(o for o in self.options if not o.off_scale)

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class SurveyDefinition:
    slug: str
    title: str
    summary: str
    minutes: int
    questions: tuple[Question, ...]
    language: str = "en"  # the language its words are in
    languages: tuple[str, ...] = ()  # the languages, besides English, it has been translated into
    style: str = ""
    _by_key: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({q.key: q for q in self.questions})

    def question(self, key: str) -> Question | None:
        return self._by_key.get(key)

    def visible(self, answers: dict[str, Any]) -> list[Question]:
        """The questions this respondent is asked, given their answers so far. A consent question
        (may we quote your words?) is asked only of a family who wrote something in a free-text
        question they were asked: with no words, there is nothing to quote."""
        shown = [q for q in self.questions if q.show_if is None or q.show_if.holds(answers)]
        wrote = any(q.kind == "text" and _has_words(answers.get(q.key)) for q in shown)
        return [q for q in shown if q.kind != "consent" or wrote]

    def first_appeared(self, before: list[Question], answers: dict[str, Any]) -> Question | None:
        """The first question these answers show that ``before`` (those shown earlier) did not, and
        that has no answer yet: such as the consent question, once a family writes something."""
        return next((q for q in self.visible(answers) if q not in before and q.key not in answers), None)

    def next_after(self, key: str, answers: dict[str, Any]) -> Question | None:
        shown = self.visible(answers)
        keys = [q.key for q in shown]
        if key not in keys:
            return shown[0] if shown else None
        index = keys.index(key)
        return shown[index + 1] if index + 1 < len(shown) else None

    def previous_before(self, key: str, answers: dict[str, Any]) -> Question | None:
        shown = self.visible(answers)
        keys = [q.key for q in shown]
        if key not in keys or keys.index(key) == 0:
            return None
        return shown[keys.index(key) - 1]


def _has_words(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text(raw: dict[str, Any], name: str, where: str, required: bool = True) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise DefinitionError(f"{where}: '{name}' must be a non-empty string.")
    return value


def _parse_off_scale(item: dict[str, Any], kind: str, where: str) -> bool:
    """``off_scale``: an answer such as "Don't know" on a rating (or a radio), never a place on the
    scale. Its value must not be a whole number, so it is never read or counted as one."""
    off_scale = item.get("off_scale", False)
    if not isinstance(off_scale, bool):
        raise DefinitionError(f"{where}: 'off_scale' must be true or false.")
    if off_scale and kind not in ("rating", "radio"):
        raise DefinitionError(f"{where}: only a rating or radio option can be off the scale.")
    if off_scale and re.fullmatch(r"-?\d+", str(item.get("value", ""))):
        raise DefinitionError(f"{where}: an off-scale option's value must be a word, like dont_know.")
    return off_scale


def _parse_options(raw: dict[str, Any], where: str) -> tuple[Option, ...]:
    items = raw.get("options")
    if not isinstance(items, list) or len(items) < 2:
        raise DefinitionError(f"{where}: needs a list of at least 2 options.")
    options = []
    for item in items:
        if not isinstance(item, dict):
            raise DefinitionError(f"{where}: each option must be an object with value and label.")
        options.append(
            Option(
                value=_text(item, "value", where),
                label=_text(item, "label", where),
                exclusive=bool(item.get("exclusive", False)),
                off_scale=_parse_off_scale(item, str(raw.get("type")), where),
            )
        )
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        raise DefinitionError(f"{where}: option values must be unique.")
    if sum(not o.off_scale for o in options) < 2:
        raise DefinitionError(f"{where}: needs at least 2 options on the scale.")
    return tuple(options)


def _parse_question(raw: Any, index: int, earlier: dict[str, Question]) -> Question:
    if not isinstance(raw, dict):
        raise DefinitionError(f"question {index + 1}: must be an object.")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise DefinitionError(f"question {index + 1}: key must be lower-case letters, digits or _.")
    where = f"question '{key}'"
    if key in earlier:
        raise DefinitionError(f"{where}: the key is used twice.")
    kind = raw.get("type")
    if kind not in QUESTION_KINDS:
        raise DefinitionError(f"{where}: type must be one of {', '.join(QUESTION_KINDS)}.")
    options = _parse_options(raw, where) if kind in KINDS_WITH_OPTIONS else ()
    show_if = None
    if "show_if" in raw:
        cond = raw["show_if"]
        if not isinstance(cond, dict) or cond.get("question") not in earlier:
            raise DefinitionError(f"{where}: show_if must name an earlier question.")
        any_of = cond.get("any_of")
        if not isinstance(any_of, list) or not any_of:
            raise DefinitionError(f"{where}: show_if needs a non-empty any_of list.")
        show_if = Condition(question=cond["question"], any_of=tuple(str(v) for v in any_of))
    if kind == "consent" and raw.get("required"):
        raise DefinitionError(f"{where}: consent can never be required.")
    return Question(
        key=key,
        kind=kind,
        title=_text(raw, "title", where),
        hint=_text(raw, "hint", where, required=False),
        label=_text(raw, "label", where, required=kind == "consent"),
        error=_text(raw, "error", where, required=False),
        required=bool(raw.get("required", True)),
        options=options,
        show_if=show_if,
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        picture=_picture(raw, where),
    )


def _picture(raw: dict[str, Any], where: str) -> str:
    picture = raw.get("picture", "")
    if picture and (not isinstance(picture, str) or picture not in PICTOGRAMS):
        raise DefinitionError(f"{where}: 'picture' must be one of {', '.join(sorted(PICTOGRAMS))}.")
    return str(picture) if picture else ""


def parse_definition(raw: Any, language: str = "en") -> SurveyDefinition:
    """Check a definition document and return it as typed objects, its words in ``language`` where it
    has been translated into it (else in English)."""
    if not isinstance(raw, dict):
        raise DefinitionError("A survey definition must be a JSON object.")
    problem = validate_translations(raw)
    if problem:
        raise DefinitionError(problem)
    languages = languages_of(raw)
    if language in languages:
        raw = localise(raw, language)
    else:
        language = "en"
    slug = _text(raw, "slug", "survey")
    questions: dict[str, Question] = {}
    items = raw.get("questions")
    if not isinstance(items, list) or not items:
        raise DefinitionError("survey: 'questions' must be a non-empty list.")
    for index, item in enumerate(items):
        question = _parse_question(item, index, questions)
        questions[question.key] = question
    minutes = raw.get("minutes", 10)
    if not isinstance(minutes, int) or minutes < 1:
        raise DefinitionError("survey: 'minutes' must be a positive whole number.")
    return SurveyDefinition(
        slug=slug,
        title=_text(raw, "title", "survey"),
        summary=_text(raw, "summary", "survey", required=False),
        minutes=minutes,
        questions=tuple(questions.values()),
        language=language,
        languages=languages,
        style=_style(raw),
    )


def _style(raw: dict[str, Any]) -> str:
    style = raw.get("style", "")
    if style and (not isinstance(style, str) or style not in STYLES):
        raise DefinitionError(f"survey: 'style' must be one of {', '.join(STYLES)}.")
    return str(style) if style else ""


def load_packaged(slug: str = DEFAULT_SURVEY_SLUG) -> dict[str, Any]:
    """The raw JSON of a definition shipped with the app."""
    text = resources.files(__name__).joinpath(f"{slug}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    parse_definition(document)
    return document


def keys_of_kind(definition: dict[str, Any], kind: str) -> frozenset[str]:
    """The keys of a stored definition's questions of one kind (``"text"``, ``"consent"``...)."""
    return frozenset(q["key"] for q in definition.get("questions", []) if q.get("type") == kind)
