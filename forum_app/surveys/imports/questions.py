"""Each question of an export, inferred from its column's values, and the survey definition they make.

A question is:

- ``checkboxes`` when it spans one column per option (SurveyMonkey), or when its cells are lists: the
  tool's separator joins parts that recur (``"Autism, ADHD"``), or, for Microsoft Forms, every cell
  ends with ``";"``;
- ``number`` when every answer is a whole number;
- ``radio`` when a few distinct answers recur;
- ``text`` otherwise.

A choice question keeps as options only the answers given at least twice; when a few answers are
given once (someone's own words under "Other"), they are gathered under an option "Other" and their
words go to a text question of their own beside it, so free text never becomes an option label that
every member of staff sees before moderation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from forum_app.surveys.imports.tools import Layout, SourceQuestion

Kind = Literal["radio", "checkboxes", "number", "text"]
MAX_OPTIONS = 30  # more distinct recurring answers than this and a question is free text
MAX_TRACKED = 2_000  # distinct answers counted per column; past this a column is free text
MIN_SHARE_RECURRING = 0.8  # a choice question: answers given twice or more are this share at least
KEY_LENGTH = 40
_WHOLE_NUMBER = re.compile(r"-?\d{1,9}")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


@dataclass
class ColumnValues:
    """What one column's answers look like, counted in one pass without keeping every answer."""

    answered: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    overflow: bool = False
    whole_numbers: bool = True
    lowest: int = 0
    highest: int = 0
    all_end_with_separator: bool = True

    def add(self, cell: str, separator: str) -> None:
        """Count one cell (blank cells are not answers)."""
        value = cell.strip()
        if not value:
            return
        self.answered += 1
        if value in self.counts or len(self.counts) < MAX_TRACKED:
            self.counts[value] += 1
        else:
            self.overflow = True
        self.all_end_with_separator = self.all_end_with_separator and value.endswith(separator.strip())
        if self.whole_numbers and _WHOLE_NUMBER.fullmatch(value):
            number = int(value)
            first = self.answered == 1
            self.lowest = number if first else min(self.lowest, number)
            self.highest = number if first else max(self.highest, number)
        else:
            self.whole_numbers = False


@dataclass(frozen=True)
class ImportedQuestion:
    """A question read from an export: its key, kind and title, the columns it reads, its options as
    (value, label) pairs, the key of the text question that takes answers outside them, and what
    ``split_choices`` needs to read a cell of several choices."""

    key: str
    kind: Kind
    title: str
    columns: tuple[int, ...]
    option_columns: bool = False  # one column per option, labelled by ``options``
    options: tuple[tuple[str, str], ...] = ()
    other_key: str = ""
    other_value: str = ""
    separator: str = ", "
    known_labels: frozenset[str] = frozenset()
    lowest: int = 0
    highest: int = 0
    values_by_label: dict[str, str] = field(default_factory=dict, compare=False)  # the options but "other"

    def definitions(self) -> list[dict[str, Any]]:
        """The question (and its "other answer" text question) as ``parse_definition`` reads them."""
        found: dict[str, Any] = {"key": self.key, "type": self.kind, "title": self.title, "required": False}
        if self.options:
            found["options"] = [{"value": value, "label": label} for value, label in self.options]
        if self.kind == "number":
            found["min"], found["max"] = min(0, self.lowest), max(10_000, self.highest)
        other = {
            "key": self.other_key,
            "type": "text",
            "title": f"{self.title}: other answer",
            "required": False,
        }
        return [found, other] if self.other_key else [found]


def _parts(cell: str, separator: str) -> list[str]:
    return [part.strip() for part in cell.strip().split(separator) if part.strip()]


def split_choices(cell: str, separator: str, known: frozenset[str]) -> list[str]:
    """The choices in one cell, in order. A choice's label may itself contain the separator (Google
    Forms joins "Yes, sometimes" and "No" as "Yes, sometimes, No"), so the longest run of parts that
    is a label in ``known`` is one choice, and a part that is no label and starts in lower case
    ("sometimes") continues the choice before it."""
    parts = _parts(cell, separator)
    choices: list[str] = []
    start = 0
    while start < len(parts):
        end = next(
            (end for end in range(len(parts), start + 1, -1) if separator.join(parts[start:end]) in known),
            start + 1,
        )
        choice = separator.join(parts[start:end])
        if choices and end == start + 1 and choice not in known and choice[0].islower():
            choices[-1] = f"{choices[-1]}{separator}{choice}"
        else:
            choices.append(choice)
        start = end
    return choices


class _Keys:
    """Question keys and option values made from titles and labels: lower case, ``_`` between words,
    unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, text: str, fallback: str, prefix: str = "q_", suffix: str = "") -> str:
        """A new key from ``text`` (``fallback`` when it has no Latin letter or digit), with ``prefix``
        when it would start with a digit, then ``suffix``; ``_2``, ``_3``... when already used."""
        base = _NOT_KEY.sub("_", text.casefold()).strip("_")[:KEY_LENGTH].rstrip("_") or fallback
        if not base[0].isalpha():
            base = f"{prefix}{base}"
        base += suffix
        key, count = base, 1
        while key in self.used:
            count += 1
            key = f"{base}_{count}"
        self.used.add(key)
        return key


def _choice_parts(values: ColumnValues, separator: str) -> tuple[Counter[str], frozenset[str], bool]:
    """How often each choice is made across a column of lists, the labels known from cells of one
    choice, and whether any cell holds several."""
    split = {value: _parts(value, separator) for value in values.counts}
    known = frozenset(parts[0] for parts in split.values() if len(parts) == 1)
    # A cell given again and again whose parts are never chosen alone is one label with the separator in
    # it ("Yes, Definitely", a radio question's option).
    known |= {
        separator.join(parts)
        for value, parts in split.items()
        if len(parts) > 1 and values.counts[value] > 1 and not known & set(parts)
    }
    parts: Counter[str] = Counter()
    several = False
    for value, count in values.counts.items():
        choices = split_choices(value, separator, known)
        several = several or len(choices) > 1
        for choice in choices:
            parts[choice] += count
    return parts, known, several


def _recurring(counts: Counter[str], total: int) -> list[str] | None:
    """The answers given twice or more, if they make a choice question; else None."""
    recurring = [value for value, count in counts.items() if count >= 2]
    share = sum(counts[value] for value in recurring) / total if total else 0
    if 2 <= len(recurring) <= MAX_OPTIONS and share >= MIN_SHARE_RECURRING:
        return recurring
    return None


def _choice_question(
    source: SourceQuestion, kind: Kind, labels: Sequence[str], rare: bool, keys: _Keys, **extra: Any
) -> ImportedQuestion:
    key = keys.make(source.title, "question")
    values = _Keys()
    options = tuple((values.make(label, "option", ""), label) for label in labels)
    other_value = values.make("other", "other") if rare else ""
    if rare:
        options += ((other_value, "Another answer" if "Other" in labels else "Other"),)
    other_key = keys.make(source.title, "question", suffix="_other") if rare else ""
    return ImportedQuestion(
        key,
        kind,
        source.title,
        source.columns,
        options=options,
        values_by_label={label: value for value, label in options if value != other_value},
        other_key=other_key,
        other_value=other_value,
        **extra,
    )


def _single_column(
    source: SourceQuestion, values: ColumnValues, separator: str, keys: _Keys
) -> ImportedQuestion:
    """A question of one column, by what its answers look like."""
    if values.answered and not values.overflow:
        parts, known, several = _choice_parts(values, separator)
        listed = several or (separator == ";" and values.all_end_with_separator)
        options = _recurring(parts, sum(parts.values())) if listed else None
        if options is not None:
            rare = len(options) < len(parts)
            return _choice_question(
                source,
                "checkboxes",
                options,
                rare,
                keys,
                separator=separator,
                known_labels=known | set(options),
            )
    if values.answered and values.whole_numbers:
        key = keys.make(source.title, "question")
        return ImportedQuestion(
            key, "number", source.title, source.columns, lowest=values.lowest, highest=values.highest
        )
    options = _recurring(values.counts, values.answered) if not values.overflow else None
    if options is not None:
        return _choice_question(source, "radio", options, len(options) < len(values.counts), keys)
    return ImportedQuestion(keys.make(source.title, "question"), "text", source.title, source.columns)


def _is_option_column(values: ColumnValues, label: str) -> bool:
    """Whether a labelled column is one option of a checkbox question: every cell is blank or the label."""
    return not values.overflow and set(values.counts) <= {label.strip()}


def column_values(rows: Iterable[Sequence[str]], layout: Layout) -> dict[int, ColumnValues]:
    """One pass over the responses: what each question column's answers look like."""
    found = {column: ColumnValues() for source in layout.questions for column in source.columns}
    for cells in rows:
        for column, values in found.items():
            values.add(cells[column], layout.separator)
    return found


def infer_questions(layout: Layout, values: dict[int, ColumnValues]) -> tuple[ImportedQuestion, ...]:
    """The questions of an export, in column order, from its layout and its columns' answers."""
    keys = _Keys()
    found: list[ImportedQuestion] = []
    for given in layout.questions:
        if not given.title and not any(values[column].answered for column in given.columns):
            continue  # an empty column without a name, as spreadsheets leave at the right
        source = SourceQuestion(given.title or f"Column {given.columns[0] + 1}", given.columns, given.labels)
        if len(source.columns) == 1:
            found.append(_single_column(source, values[source.columns[0]], layout.separator, keys))
            continue
        pairs = list(zip(source.columns, source.labels, strict=True))
        if all(_is_option_column(values[column], label) for column, label in pairs):
            found.append(
                _choice_question(source, "checkboxes", source.labels, False, keys, option_columns=True)
            )
            continue
        for column, label in pairs:  # a grid: each row of it is a question
            part = SourceQuestion(f"{source.title}: {label}", (column,), ("",))
            found.append(_single_column(part, values[column], layout.separator, keys))
    return tuple(found)


def survey_definition(
    slug: str, title: str, questions: Sequence[ImportedQuestion], summary: str = ""
) -> dict[str, Any]:
    """A survey definition document (as ``parse_definition`` reads) holding the imported questions."""
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "questions": [item for question in questions for item in question.definitions()],
    }
