"""Changes a lead makes to a survey's draft, as plain functions on its definition document.

Each function takes a document (the dict ``parse_definition`` reads) and returns a new one; the
document given is never changed. A change that would break the survey raises ``EditRefused`` with
messages a lead can act on, keyed by the form field they are about.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from forum_app.surveys.definitions import KINDS_WITH_OPTIONS, QUESTION_KINDS
from forum_app.surveys.fields import clean_text

MAX_TITLE = 300
MAX_SURVEY_TITLE = 200  # the surveys table's column
MAX_HINT = 1000
MAX_OPTION = 200
MAX_OPTIONS = 200
MAX_KEY = 40
NUMBER_LIMIT = 1_000_000
# Written after an option in the options box: the option must be chosen on its own ("None of these").
ON_ITS_OWN = "[on its own]"
KIND_NAMES = {
    "radio": "One answer from a list",
    "checkboxes": "One or more answers from a list",
    "text": "Free text",
    "number": "A whole number",
    "duration": "How long (weeks or months)",
    "month": "A month and year",
    "rating": "A rating scale",
    "consent": "A tick box (such as permission to quote)",
}
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)])\s+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


class EditRefused(ValueError):
    """A change that was not made; ``errors`` maps a form field (or ``"form"``) to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class QuestionChanges:
    """What the question form sends, read but not yet checked."""

    title: str
    hint: str = ""
    error: str = ""
    label: str = ""
    required: bool = True
    options: str = ""  # one option a line; ON_ITS_OWN after an exclusive one
    minimum: str = ""
    maximum: str = ""
    # The question this one depends on and the answers that show it; None: always shown.
    show_if: tuple[str, tuple[str, ...]] | None = None


def questions_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    items = document.get("questions")
    return [q for q in items if isinstance(q, dict)] if isinstance(items, list) else []


def find_question(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The question with this key (raises ``LookupError``)."""
    for question in questions_of(document):
        if question.get("key") == key:
            return question
    raise LookupError(key)


def title_of(document: dict[str, Any], key: str) -> str:
    """How a message names a question: its title, or its key if it has none."""
    try:
        return str(find_question(document, key).get("title") or key)
    except LookupError:
        return key


def _slug(text: str, limit: int) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [word for word in _NOT_KEY.split(plain) if word]
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}_{word}" if slug else word
    return slug or (words[0][:limit] if words else "")


def new_key(title: str, taken: set[str] | frozenset[str]) -> str:
    """A question key made from its title, used by no question in ``taken``."""
    base = _slug(title, MAX_KEY) or "question"
    if not base[0].isalpha():
        base = f"q_{base}"[:MAX_KEY]
    key, number = base, 2
    while key in taken:
        key = f"{base[: MAX_KEY - 4]}_{number}"
        number += 1
    return key


def _option_value(label: str, taken: set[str]) -> str:
    base = _slug(label, 40) or "option"
    value, number = base, 2
    while value in taken:
        value = f"{base}_{number}"
        number += 1
    return value


def _default_options(kind: str) -> list[dict[str, Any]]:
    if kind == "radio":
        return [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
    if kind == "checkboxes":
        return [
            {"value": "first", "label": "First option"},
            {"value": "second", "label": "Second option"},
            {"value": "none", "label": "None of these", "exclusive": True},
        ]
    labels = ["Very poor", "Poor", "Neither good nor poor", "Good", "Very good"]
    return [{"value": str(number), "label": label} for number, label in enumerate(labels, start=1)]


def new_question(kind: str, title: str, key: str) -> dict[str, Any]:
    """A question of ``kind`` with sensible defaults, ready to edit."""
    question: dict[str, Any] = {"key": key, "type": kind, "title": title, "required": True}
    if kind in KINDS_WITH_OPTIONS:
        question["options"] = _default_options(kind)
    if kind == "number":
        question.update({"min": 0, "max": 100})
    if kind in ("text", "consent"):
        question["required"] = False
    if kind == "consent":
        question["label"] = "Yes, you can quote my words without my name"
    return question


def add_question(
    document: dict[str, Any], kind: str, title: str, taken: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], str]:
    """The document with a new question of ``kind`` at the end, and its key. ``taken``: keys also in
    use elsewhere (the survey's published versions), so an answer's key never changes meaning."""
    errors: dict[str, str] = {}
    title = " ".join(clean_text(title).split())
    if kind not in QUESTION_KINDS:
        errors["kind"] = "Select the type of question"
    if not title:
        errors["title"] = "Enter the question"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The question must be {MAX_TITLE} characters or fewer"
    if errors:
        raise EditRefused(errors)
    changed = copy.deepcopy(document)
    key = new_key(title, {str(q.get("key")) for q in questions_of(changed)} | set(taken))
    changed.setdefault("questions", []).append(new_question(kind, title, key))
    return changed, key


def options_text(question: dict[str, Any]) -> str:
    """The options as the options box shows them: one a line, exclusive ones marked."""
    lines = []
    for option in question.get("options") or []:
        label = str(option.get("label", ""))
        apart = option.get("exclusive") or option.get("off_scale")  # on a rating: not on the scale
        lines.append(f"{label} {ON_ITS_OWN}" if apart else label)
    return "\n".join(lines)


def _option_lines(text: str) -> list[tuple[str, bool]]:
    """(label, exclusive) for each line of a pasted list, bullets and repeats left out."""
    found: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for line in clean_text(text).split("\n"):
        label = _BULLET.sub("", line).strip()
        exclusive = label.lower().endswith(ON_ITS_OWN)
        if exclusive:
            label = label[: -len(ON_ITS_OWN)].strip()
        label = " ".join(label.split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            found.append((label, exclusive))
    return found


def options_from_text(text: str, kind: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The options a pasted list gives. An option whose label is unchanged keeps its value, so answers
    already given still count for it; a rating's options are numbered from 1, worst first."""
    lines = _option_lines(text)
    if len(lines) < 2:
        raise EditRefused({"options": "Enter at least 2 options, one on each line"})
    if len(lines) > MAX_OPTIONS:
        raise EditRefused({"options": f"Enter {MAX_OPTIONS} options or fewer"})
    too_long = next((label for label, _ in lines if len(label) > MAX_OPTION), None)
    if too_long is not None:
        raise EditRefused({"options": f"Each option must be {MAX_OPTION} characters or fewer"})
    if kind == "rating":
        return _rating_options(lines, existing)
    by_label = {str(o.get("label", "")).casefold(): str(o.get("value")) for o in existing}
    kept = {by_label[label.casefold()] for label, _ in lines if label.casefold() in by_label}
    taken = set(kept)
    options = []
    for label, exclusive in lines:
        value = by_label.get(label.casefold()) or _option_value(label, taken)
        taken.add(value)
        option: dict[str, Any] = {"value": value, "label": label}
        if exclusive and kind == "checkboxes":
            option["exclusive"] = True
        options.append(option)
    return options


def _rating_options(lines: list[tuple[str, bool]], existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The points of the scale numbered from 1, worst first; a line marked ON_ITS_OWN ("Don't know")
    is an answer off the scale, after the others, its value a word (kept when its label is)."""
    scale = [label for label, apart in lines if not apart]
    if len(scale) < 2:
        raise EditRefused({"options": "Enter at least 2 points of the scale, one on each line"})
    options: list[dict[str, Any]] = [{"value": str(n), "label": label} for n, label in enumerate(scale, 1)]
    kept = {str(o.get("label", "")).casefold(): str(o.get("value")) for o in existing if o.get("off_scale")}
    taken = {o["value"] for o in options} | set(kept.values())
    for label in (label for label, apart in lines if apart):
        value = kept.get(label.casefold()) or _option_value(label, taken)
        if re.fullmatch(r"-?\d+", value):  # a number would be read as a place on the scale
            value = _option_value(f"answer {label}", taken)
        taken.add(value)
        options.append({"value": value, "label": label, "off_scale": True})
    return options


def _whole_number(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,7}", text) or abs(int(text)) > NUMBER_LIMIT:
        errors[field] = f"Enter a whole number from -{NUMBER_LIMIT:,} to {NUMBER_LIMIT:,}"
        return None
    return int(text)


def _check_texts(changes: QuestionChanges, kind: str, errors: dict[str, str]) -> None:
    if not changes.title.strip():
        errors["title"] = "Enter the question"
    elif len(changes.title) > MAX_TITLE:
        errors["title"] = f"The question must be {MAX_TITLE} characters or fewer"
    for name in ("hint", "error", "label"):
        if len(getattr(changes, name)) > MAX_HINT:
            errors[name] = f"This must be {MAX_HINT} characters or fewer"
    if kind == "consent" and not changes.label.strip():
        errors["label"] = "Enter the words beside the tick box"


def _apply_numbers(question: dict[str, Any], changes: QuestionChanges, errors: dict[str, str]) -> None:
    low = _whole_number(changes.minimum, "minimum", errors)
    high = _whole_number(changes.maximum, "maximum", errors)
    if low is not None and high is not None and high < low:
        errors["maximum"] = "The largest number must be the same as or more than the smallest"
    for name, value in (("min", low), ("max", high)):
        if value is None:
            question.pop(name, None)
        else:
            question[name] = value


def edit_question(document: dict[str, Any], key: str, changes: QuestionChanges) -> dict[str, Any]:
    """The document with question ``key`` changed (raises ``LookupError``, or ``EditRefused`` with
    every problem found)."""
    changed = copy.deepcopy(document)
    question = find_question(changed, key)
    kind = str(question.get("type"))
    errors: dict[str, str] = {}
    changes = replace(
        changes,
        title=clean_text(changes.title),
        hint=clean_text(changes.hint),
        error=clean_text(changes.error),
        label=clean_text(changes.label),
    )
    _check_texts(changes, kind, errors)
    question["title"] = " ".join(changes.title.split())
    for name in ("hint", "error"):
        text = getattr(changes, name).strip()
        if text:
            question[name] = text
        else:
            question.pop(name, None)
    if kind == "consent":
        question["label"] = changes.label.strip()
    question["required"] = changes.required and kind != "consent"
    if kind in KINDS_WITH_OPTIONS:
        try:
            question["options"] = options_from_text(changes.options, kind, question.get("options") or [])
        except EditRefused as refused:
            errors.update(refused.errors)
    if kind == "number":
        _apply_numbers(question, changes, errors)
    if errors:
        raise EditRefused(errors)
    if changes.show_if is None:
        return clear_show_if(changed, key)
    return set_show_if(changed, key, *changes.show_if)


def edit_details(document: dict[str, Any], title: str, summary: str, minutes: str) -> dict[str, Any]:
    """The document with the survey's title, its introduction and the minutes it takes changed."""
    errors: dict[str, str] = {}
    title, summary = " ".join(clean_text(title).split()), clean_text(summary)
    if not title:
        errors["title"] = "Enter the survey's title"
    elif len(title) > MAX_SURVEY_TITLE:
        errors["title"] = f"The title must be {MAX_SURVEY_TITLE} characters or fewer"
    if len(summary) > MAX_HINT:
        errors["summary"] = f"The introduction must be {MAX_HINT} characters or fewer"
    number = minutes.strip()
    if not re.fullmatch(r"\d{1,3}", number) or not 1 <= int(number) <= 120:
        errors["minutes"] = "Enter how many minutes it takes, as a whole number from 1 to 120"
    if errors:
        raise EditRefused(errors)
    changed = copy.deepcopy(document)
    changed.update({"title": title, "summary": summary, "minutes": int(number)})
    return changed


def set_show_if(document: dict[str, Any], key: str, on: str, any_of: tuple[str, ...]) -> dict[str, Any]:
    """Show question ``key`` only if the answer to the earlier question ``on`` is one of ``any_of``."""
    changed = copy.deepcopy(document)
    keys = [q.get("key") for q in questions_of(changed)]
    question = find_question(changed, key)
    if on not in keys or keys.index(on) >= keys.index(key):
        raise EditRefused({"show_if": "Choose answers to a question that comes before this one"})
    depends = find_question(changed, on)
    if depends.get("type") not in KINDS_WITH_OPTIONS:
        raise EditRefused({"show_if": f"“{title_of(changed, on)}” has no options to choose from"})
    offered = [str(o.get("value")) for o in depends.get("options") or []]
    chosen = [value for value in offered if value in set(any_of)]
    if not chosen or len(chosen) != len(set(any_of)):
        raise EditRefused({"show_if": f"Choose answers that “{title_of(changed, on)}” offers"})
    question["show_if"] = {"question": on, "any_of": chosen}
    return changed


def clear_show_if(document: dict[str, Any], key: str) -> dict[str, Any]:
    """Question ``key`` shown to everyone."""
    changed = copy.deepcopy(document)
    find_question(changed, key).pop("show_if", None)
    return changed


def _depends_on(question: dict[str, Any]) -> str | None:
    condition = question.get("show_if")
    return str(condition.get("question")) if isinstance(condition, dict) else None


def move_question(document: dict[str, Any], key: str, direction: str) -> dict[str, Any]:
    """The document with question ``key`` one place ``"up"`` or ``"down"``. Refused when the move
    would put a question before the one whose answer decides whether it is shown."""
    changed = copy.deepcopy(document)
    questions = changed.get("questions")
    keys = [q.get("key") for q in questions_of(changed)]
    if key not in keys or direction not in ("up", "down") or not isinstance(questions, list):
        raise LookupError(key)
    index = keys.index(key)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(keys):
        return changed  # already first or last
    first, second = sorted((index, other))
    earlier, later = questions[first], questions[second]
    if _depends_on(later) == earlier.get("key"):
        raise EditRefused(
            {
                "form": f"“{title_of(changed, str(later.get('key')))}” is shown only for some answers to "
                f"“{title_of(changed, str(earlier.get('key')))}”, so it must stay after it. Change or "
                "remove its “show only if” first."
            }
        )
    questions[first], questions[second] = later, earlier
    return changed


def remove_question(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The document without question ``key``. Refused while another question's "show only if" names it,
    or when it is the survey's only question."""
    changed = copy.deepcopy(document)
    find_question(changed, key)
    dependants = [q for q in questions_of(changed) if _depends_on(q) == key]
    if dependants:
        names = ", ".join(f"“{q.get('title') or q.get('key')}”" for q in dependants)
        raise EditRefused(
            {
                "form": f"“{title_of(changed, key)}” cannot be removed: {names} "
                f"{'is' if len(dependants) == 1 else 'are'} shown only for some of its answers. "
                "Change their “show only if” first."
            }
        )
    remaining = [q for q in changed.get("questions", []) if not (isinstance(q, dict) and q.get("key") == key)]
    if not remaining:
        raise EditRefused(
            {"form": "A survey needs at least one question. Add another before removing this one."}
        )
    changed["questions"] = remaining
    return changed


# --- what the pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    key: str
    title: str
    kind: str  # in words
    required: bool
    condition: str  # "Shown only if ..." or ""
    first: bool
    last: bool


def condition_words(document: dict[str, Any], question: dict[str, Any]) -> str:
    """A question's "show only if" in words, naming the answers by their labels."""
    raw = question.get("show_if")
    if not isinstance(raw, dict):
        return ""
    on = str(raw.get("question", ""))
    try:
        labels = {
            str(o.get("value")): str(o.get("label")) for o in find_question(document, on).get("options") or []
        }
    except LookupError:
        labels = {}
    answers = [f"“{labels.get(str(v), str(v))}”" for v in raw.get("any_of") or []]
    listed = (
        answers[0] if len(answers) == 1 else f"{', '.join(answers[:-1])} or {answers[-1]}" if answers else "—"
    )
    return f"Shown only if the answer to “{title_of(document, on)}” is {listed}"


def question_rows(document: dict[str, Any]) -> list[QuestionRow]:
    """The draft's questions in order, as the edit page lists them."""
    questions = questions_of(document)
    return [
        QuestionRow(
            key=str(q.get("key")),
            title=str(q.get("title") or q.get("key")),
            kind=KIND_NAMES.get(str(q.get("type")), str(q.get("type"))),
            required=bool(q.get("required", True)) and q.get("type") != "consent",
            condition=condition_words(document, q),
            first=index == 0,
            last=index == len(questions) - 1,
        )
        for index, q in enumerate(questions)
    ]


@dataclass(frozen=True)
class ConditionChoice:
    """An earlier question whose answers can decide whether this one is shown."""

    key: str
    title: str
    options: tuple[tuple[str, str], ...]  # (form value "key=value", label)
    chosen: frozenset[str]  # form values ticked now


def condition_choices(document: dict[str, Any], key: str) -> list[ConditionChoice]:
    """The questions before ``key`` that have options, with the answers ticked in its "show only if"."""
    current = find_question(document, key).get("show_if")
    on = current.get("question") if isinstance(current, dict) else None
    ticked = {str(v) for v in current.get("any_of") or []} if isinstance(current, dict) else set()
    choices = []
    for question in questions_of(document):
        if question.get("key") == key:
            break
        if question.get("type") not in KINDS_WITH_OPTIONS:
            continue
        qkey = str(question.get("key"))
        options = tuple(
            (f"{qkey}={o.get('value')}", str(o.get("label"))) for o in question.get("options") or []
        )
        chosen = frozenset(f"{qkey}={v}" for v in ticked) if on == qkey else frozenset()
        choices.append(ConditionChoice(qkey, str(question.get("title") or qkey), options, chosen))
    return choices


def read_show_if(values: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The "show only if" the form's ticked answers ("key=value" each) give; None when none is ticked."""
    pairs = [value.partition("=") for value in values if value]
    if not pairs:
        return None
    keys = {key for key, _sep, _value in pairs}
    if len(keys) != 1 or any(not sep for _key, sep, _value in pairs):
        raise EditRefused({"show_if": "Tick answers to one question only"})
    return keys.pop(), tuple(value for _key, _sep, value in pairs)
