"""Each response of an export as the day it was sent, its answers by question key, and a fingerprint.

Only question columns are read here: the metadata columns a ``Layout`` drops (names, emails, IP
addresses, ids, exact times) never reach an ``ImportedRow``. Cells are kept as given, stripped of
surrounding spaces: one starting with ``=``, ``+``, ``-`` or ``@`` is text like any other (exports
guard such cells when they write them).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from forum_app.surveys.imports.dates import read_day
from forum_app.surveys.imports.files import Table, TableRow
from forum_app.surveys.imports.questions import ImportedQuestion, split_choices
from forum_app.surveys.imports.tools import Layout

Answer = str | int | list[str]


@dataclass(frozen=True)
class ImportedRow:
    """One response: the day it was sent, its answers (option values for choices, a whole number,
    or text) by question key, and a fingerprint that is the same whenever the same export is read."""

    submitted_on: datetime.date
    answers: dict[str, Answer]
    fingerprint: str


def responses(table: Table, layout: Layout) -> Iterator[TableRow]:
    """The rows of ``table`` that are responses (after a second header row, if there is one)."""
    rows = table.rows()
    for _ in range(layout.header_rows - 1):
        next(rows, None)
    return rows


def submitted_on(row: TableRow, table: Table, layout: Layout, day_first: bool) -> datetime.date:
    """The day of a response: its first filled-in date column (the completion time, else the start)."""
    value = next((row.cells[column] for column in layout.date_columns if row.cells[column].strip()), "")
    column = table.header[layout.date_columns[0]] if layout.date_columns else "date"
    return read_day(value, day_first, column, row.number)


def _choice_answers(question: ImportedQuestion, cells: Sequence[str]) -> dict[str, Answer]:
    """A choice question's answer, and its "other answer" text when some choice is not an option."""
    if question.option_columns:
        pairs = zip(question.columns, question.options, strict=True)
        picked = [value for column, (value, _) in pairs if cells[column].strip()]
        return {question.key: picked} if picked else {}
    cell = cells[question.columns[0]].strip()
    if not cell:
        return {}
    values = question.values_by_label
    given = (
        [cell] if question.kind == "radio" else split_choices(cell, question.separator, question.known_labels)
    )
    others = [choice for choice in given if choice not in values]
    picked = [values[choice] for choice in given if choice not in others]
    found: dict[str, Answer] = {}
    if others and question.other_key:
        picked.append(question.other_value)
        found[question.other_key] = question.separator.join(others)
    if picked:
        found[question.key] = picked[0] if question.kind == "radio" else list(dict.fromkeys(picked))
    return found


def answers_of(cells: Sequence[str], questions: Sequence[ImportedQuestion]) -> dict[str, Answer]:
    """A response's answers by question key; unanswered questions are left out."""
    found: dict[str, Answer] = {}
    for question in questions:
        if question.kind in ("radio", "checkboxes"):
            found.update(_choice_answers(question, cells))
            continue
        cell = cells[question.columns[0]].strip()
        if cell:
            found[question.key] = int(cell) if question.kind == "number" else cell
    return found


def _named_columns(layout: Layout) -> list[tuple[str, int]]:
    """Each question column named by its header (and second header), never by inferred keys or kinds,
    so that a later export of the same survey, with more responses, gives the same fingerprints for the
    responses it shares."""
    return [
        (f"{source.title or column}\x1f{label}", column)
        for source in layout.questions
        for column, label in zip(source.columns, source.labels, strict=True)
    ]


def _content(day: datetime.date, cells: Sequence[str], named: list[tuple[str, int]]) -> str:
    """What a fingerprint is made of: the day and each filled-in question cell, by its column's name."""
    filled = sorted((name, cells[column].strip()) for name, column in named if cells[column].strip())
    return json.dumps([day.isoformat(), filled], ensure_ascii=False, separators=(",", ":"))


def read_rows(
    table: Table, layout: Layout, questions: Sequence[ImportedQuestion], day_first: bool
) -> Iterator[ImportedRow]:
    """Every response of the export, in file order. Two responses alike in every answer and day get
    different fingerprints (the second is the second of its kind), so both are imported, and reading
    the same file again gives the same fingerprints. Raises ``ImportFileError`` on an unreadable date."""
    seen: Counter[bytes] = Counter()
    named = _named_columns(layout)
    for row in responses(table, layout):
        day = submitted_on(row, table, layout, day_first)
        content = _content(day, row.cells, named)
        digest = hashlib.sha256(content.encode()).digest()
        seen[digest] += 1
        fingerprint = hashlib.sha256(digest + str(seen[digest]).encode()).hexdigest()
        yield ImportedRow(day, answers_of(row.cells, questions), fingerprint)
