"""Where each column of a staged export goes, as a lead chose on the upload page, applied to its rows.

Into a new survey, a column is a question of the survey made from the export (its kind inferred, see
``questions``) or is left out. Into an existing survey, a column answers one question of its latest
version, or is left out: each cell is read as that question reads answers (an option by its label or
value, several options, a whole number in its range, a month, or text), and a cell it cannot take is a
row-level error naming the row, the value and the question. Nothing here writes: ``mapped_rows`` checks
every row (the dry run) and ``mapped_export`` gives the ``ImportedExport`` that ``import_export`` stores.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from forum_app.surveys.definitions import Question, SurveyDefinition
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.files import ImportFileError
from forum_app.surveys.imports.questions import ImportedQuestion, split_choices
from forum_app.surveys.imports.rows import Answer, ImportedRow
from forum_app.surveys.imports.staged import date_error, staged_table

# The kinds of question an imported cell can answer; a duration or a consent is never read from a cell.
IMPORTABLE_KINDS = ("radio", "checkboxes", "rating", "number", "text", "month")
SHOWN_CHARS = 60
OTHER_LABELS = frozenset({"other", "another answer"})
_WHOLE_NUMBER = re.compile(r"-?\d{1,9}")
_MONTH = (re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?"), re.compile(r"(\d{1,2})[-/.](\d{4})"))


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def listed_questions(export: ImportedExport) -> list[ImportedQuestion]:
    """The export's questions as the mapping page lists them: each "other answer" text question goes
    with the choice question it belongs to."""
    companions = {question.other_key for question in export.questions if question.other_key}
    return [question for question in export.questions if question.key not in companions]


def importable(definition: SurveyDefinition) -> list[Question]:
    """The survey's questions an imported column may answer."""
    return [question for question in definition.questions if question.kind in IMPORTABLE_KINDS]


def suggested_target(question: ImportedQuestion, targets: Sequence[Question]) -> str:
    """The key of the survey's question with the same title (else the same key), or ""."""
    for target in targets:
        if _plain(target.title) == _plain(question.title):
            return target.key
    return next((target.key for target in targets if target.key == question.key), "")


@dataclass(frozen=True)
class ColumnMapping:
    """Into a new survey: ``kept`` holds the keys of the questions imported (with their "other answer"
    questions). Into an existing survey: ``targets`` maps an export question's key to the survey's
    question its cells answer; the rest are left out."""

    into_existing: bool
    kept: frozenset[str] = frozenset()
    targets: dict[str, Question] = field(default_factory=dict)
    # A choice question's option for other answers, and the text question their words go to.
    others: dict[str, tuple[str, Question]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.targets) if self.into_existing else len(self.kept)


def keep_columns(export: ImportedExport, keys: set[str]) -> ColumnMapping:
    """A new survey of the listed questions ``keys``, each with its "other answer" question."""
    kept = {key for key in keys} | {q.other_key for q in export.questions if q.key in keys and q.other_key}
    return ColumnMapping(into_existing=False, kept=frozenset(kept))


@dataclass(frozen=True)
class MappedRow:
    """One response as it would be imported (None when it has errors), with its errors."""

    number: int
    row: ImportedRow | None
    errors: tuple[str, ...]


def _choices(source: ImportedQuestion, target: Question, cells: Sequence[str], separator: str) -> list[str]:
    """The answers given in the cells of ``source``, as labels."""
    if source.option_columns:
        pairs = zip(source.columns, source.options, strict=True)
        return [label for column, (_, label) in pairs if cells[column].strip()]
    cell = cells[source.columns[0]].strip()
    labels = frozenset(option.label for option in target.options) | source.known_labels
    if not cell:
        return []
    if cell in labels:
        return [cell]
    return split_choices(cell, separator, labels)


def other_answers(target: Question, definition: SurveyDefinition) -> tuple[str, Question] | None:
    """The option of ``target`` for other answers and the text question taking their words
    (``KEY_other``), as a survey made by an import has them; None when it has not both."""
    text = definition.question(f"{target.key}_other")
    option = next(
        (o.value for o in target.options if o.value == "other" or _plain(o.label) in OTHER_LABELS), None
    )
    return (option, text) if option is not None and text is not None and text.kind == "text" else None


def _option_values(target: Question, given: list[str]) -> tuple[list[str], list[str]]:
    """The option values of the choices ``given``, and the choices that are no option."""
    by_text = {_plain(option.value): option.value for option in target.options}
    by_text |= {_plain(option.label): option.value for option in target.options}
    found = [by_text[_plain(choice)] for choice in given if _plain(choice) in by_text]
    return list(dict.fromkeys(found)), [choice for choice in given if _plain(choice) not in by_text]


def _number(target: Question, text: str, row: int) -> tuple[Answer | None, list[str]]:
    if not _WHOLE_NUMBER.fullmatch(text):
        return None, [
            f"Row {row}: “{_shown(text)}” is not a whole number, as “{_shown(target.title)}” needs."
        ]
    number = int(text)
    low, high = target.minimum, target.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"{low if low is not None else 'any'} to {high if high is not None else 'any'}"
        return None, [f"Row {row}: {number} is outside the range of “{_shown(target.title)}” ({span})."]
    return number, []


def _month(target: Question, text: str, row: int) -> tuple[Answer | None, list[str]]:
    for pattern, year_first in zip(_MONTH, (True, False), strict=True):
        found = pattern.fullmatch(text.strip())
        if found:
            year, month = (found.group(1), found.group(2)) if year_first else (found.group(2), found.group(1))
            if 1 <= int(month) <= 12:
                return f"{int(year):04d}-{int(month):02d}", []
    return None, [
        f"Row {row}: “{_shown(text)}” is not a month like 03/2024, as “{_shown(target.title)}” needs."
    ]


def _choice_answers(
    target: Question, given: list[str], other: tuple[str, Question] | None, separator: str, row: int
) -> tuple[dict[str, Answer], list[str]]:
    values, unknown = _option_values(target, given)
    found: dict[str, Answer] = {}
    if unknown and other is not None:  # their words go to the survey's "other answer" question
        values.append(other[0])
        found[other[1].key] = separator.join(unknown)
        unknown = []
    errors = [
        f"Row {row}: “{_shown(choice)}” is not an option of “{_shown(target.title)}”." for choice in unknown
    ]
    if errors:
        return {}, errors
    values = list(dict.fromkeys(values))
    if target.kind == "checkboxes":
        return {**found, target.key: values}, []
    if len(values) > 1:
        text = separator.join(given)
        return {}, [f"Row {row}: “{_shown(text)}” is more than one answer to “{_shown(target.title)}”."]
    value = values[0]
    return {**found, target.key: int(value) if target.kind == "rating" and value.isdigit() else value}, []


def convert(
    source: ImportedQuestion,
    target: Question,
    cells: Sequence[str],
    separator: str,
    row: int,
    other: tuple[str, Question] | None = None,
) -> tuple[dict[str, Answer], list[str]]:
    """The answers the cells of ``source`` give to ``target`` (and to its "other answer" question),
    nothing when blank, and the errors."""
    given = _choices(source, target, cells, separator)
    if not given:
        return {}, []
    text = ", ".join(given) if source.option_columns else cells[source.columns[0]].strip()
    value: Answer | None = text
    errors: list[str] = []
    if target.kind == "number":
        value, errors = _number(target, text, row)
    elif target.kind == "month":
        value, errors = _month(target, text, row)
    elif target.kind != "text":
        return _choice_answers(target, given, other, separator, row)
    return ({target.key: value} if value is not None else {}), errors


def _existing_answers(
    export: ImportedExport, mapping: ColumnMapping, cells: Sequence[str], separator: str, row: int
) -> tuple[dict[str, Answer], list[str]]:
    by_key = {question.key: question for question in export.questions}
    answers: dict[str, Answer] = {}
    errors: list[str] = []
    for key, target in mapping.targets.items():
        found, problems = convert(by_key[key], target, cells, separator, row, mapping.others.get(key))
        errors += problems
        answers.update(found)
    return answers, errors


def mapped_rows(
    staged: dict[str, Any], export: ImportedExport, mapping: ColumnMapping
) -> Iterator[MappedRow]:
    """Every response of the staged export with ``mapping`` applied, in file order, with its errors
    (a date that cannot be read, a cell the chosen question cannot take). Writes nothing."""
    imported = export.rows()  # the rows with a day, in the same order
    separator, date_column = str(staged["separator"]), int(staged["date_column"])
    for table_row in staged_table(staged).rows():
        errors: list[str] = []
        read = next(imported) if table_row.cells[date_column] else None
        if read is None:
            errors.append(date_error(staged, table_row.number))
        if mapping.into_existing:
            answers, problems = _existing_answers(
                export, mapping, table_row.cells, separator, table_row.number
            )
            errors += problems
        else:
            answers = {
                key: value for key, value in (read.answers if read else {}).items() if key in mapping.kept
            }
        row = ImportedRow(read.submitted_on, answers, read.fingerprint) if read and not errors else None
        yield MappedRow(table_row.number, row, tuple(errors))


def _definition_of_new(export: ImportedExport, mapping: ColumnMapping) -> dict[str, Any]:
    definition = copy.deepcopy(export.definition)
    definition["questions"] = [item for item in definition["questions"] if item["key"] in mapping.kept]
    return definition


def _ranges(definition: SurveyDefinition) -> tuple[ImportedQuestion, ...]:
    """The survey's number questions with their full range, so ``saving.misfits`` finds that each fits
    itself (the rows were checked against the range)."""
    return tuple(
        ImportedQuestion(
            question.key,
            "number",
            question.title,
            (),
            lowest=question.minimum if question.minimum is not None else 0,
            highest=question.maximum if question.maximum is not None else 0,
        )
        for question in definition.questions
        if question.kind == "number"
    )


def mapped_export(
    staged: dict[str, Any],
    export: ImportedExport,
    mapping: ColumnMapping,
    survey: tuple[dict[str, Any], SurveyDefinition] | None = None,
) -> ImportedExport:
    """The export ``import_export`` stores: into a new survey, its definition has only the kept
    questions; into an existing one (``survey``: its latest version's document and parsed definition),
    the definition is that version's. Its rows raise ``ImportFileError`` at a row with errors, so check
    them first with ``mapped_rows``."""
    if mapping.into_existing:
        if survey is None:
            raise ValueError("an import into an existing survey needs its latest version")
        definition, questions = copy.deepcopy(survey[0]), _ranges(survey[1])
    else:
        definition = _definition_of_new(export, mapping)
        questions = tuple(question for question in export.questions if question.key in mapping.kept)

    def rows() -> Iterator[ImportedRow]:
        for mapped in mapped_rows(staged, export, mapping):
            if mapped.row is None:
                raise ImportFileError(
                    mapped.errors[0] if mapped.errors else f"Row {mapped.number} has errors."
                )
            yield mapped.row

    return ImportedExport(
        tool=export.tool,
        row_count=export.row_count,
        questions=questions,
        definition=definition,
        notes=export.notes,
        source=rows,
    )
