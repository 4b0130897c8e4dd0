"""An export read in one call: the tool, the questions as a survey definition, and the responses.

``read_export`` reads the file through once to check it, once to see what the questions look like,
and twice for the dates (their order, then each one), so that any problem is raised before a caller
writes anything; the responses are then read once more, one at a time, by ``ImportedExport.rows``.
50,000 responses to 30 questions take a few seconds in all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from forum_app.surveys.imports.dates import day_comes_first
from forum_app.surveys.imports.files import read_table
from forum_app.surveys.imports.questions import (
    ImportedQuestion,
    column_values,
    infer_questions,
    survey_definition,
)
from forum_app.surveys.imports.rows import ImportedRow, read_rows, responses, submitted_on
from forum_app.surveys.imports.tools import TOOL_NAMES, Tool, detect_layout


@dataclass(frozen=True)
class ImportedExport:
    """What an export holds, without its metadata: the tool that made it, how many responses, its
    questions and their survey definition, notes on mended rows, and the responses, read afresh from
    the file each time ``rows`` is called (the metadata columns are never read into them)."""

    tool: Tool
    row_count: int
    questions: tuple[ImportedQuestion, ...]
    definition: dict[str, Any]
    notes: tuple[str, ...]
    source: Callable[[], Iterator[ImportedRow]] = field(repr=False, compare=False)

    def rows(self) -> Iterator[ImportedRow]:
        """The responses, in file order (see ``rows.read_rows``)."""
        return self.source()


def read_export(data: bytes, filename: str, slug: str, title: str) -> ImportedExport:
    """Read an export of Google Forms, Microsoft Forms, SurveyMonkey or SmartSurvey (CSV or XLSX) as a
    survey ``slug`` titled ``title``; raises ``ImportFileError`` for a file that cannot be imported."""
    table = read_table(data, filename)
    layout = detect_layout(table)
    questions = infer_questions(
        layout, column_values((row.cells for row in responses(table, layout)), layout)
    )
    dates = (row.cells[column] for row in responses(table, layout) for column in layout.date_columns)
    date_column = table.header[layout.date_columns[0]] if layout.date_columns else "date"
    day_first = day_comes_first(dates, layout.day_first, date_column)
    count = 0
    for row in responses(table, layout):
        submitted_on(row, table, layout, day_first)
        count += 1
    summary = f"Imported from a {TOOL_NAMES[layout.tool]} export."
    return ImportedExport(
        tool=layout.tool,
        row_count=count,
        questions=questions,
        definition=survey_definition(slug, title, questions, summary),
        notes=table.notes,
        source=functools.partial(read_rows, table, layout, questions, day_first),
    )
