"""An export kept between the upload page's steps, without its metadata, and read back as an export.

``stage_table`` reads a file as ``read_export`` does (the same refusals) and keeps only what an import
needs: each response's question cells, its row number and its day (an ISO date, never the time). The
metadata columns (emails, names, IP addresses, ids, exact times) are not copied, nor is the file.

``staged_export`` reads the kept table back as the ``ImportedExport`` that ``read_export`` would have
made of the file: the same questions, the same definition and the same fingerprints, so a row imported
from the upload page and the same row imported by ``flask surveys import`` are one response.

Each row is kept as its own JSON text and decoded only when it is read, so a staged export of 50,000
rows is held in memory as 50,000 strings, never as lists of cells.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from forum_app.surveys.imports.dates import day_comes_first
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.files import ImportFileError, Table, TableRow, read_table
from forum_app.surveys.imports.questions import column_values, infer_questions, survey_definition
from forum_app.surveys.imports.rows import read_rows, responses, submitted_on
from forum_app.surveys.imports.tools import TOOL_NAMES, Layout, SourceQuestion, Tool, detect_layout

STAGED_VERSION = 1
DATE_NAME = "Date"


def stage_table(data: bytes, filename: str) -> dict[str, Any]:
    """The export in ``data`` as a JSON document without its metadata; raises ``ImportFileError`` for a
    file that cannot be imported (as ``read_export`` does). A row whose date cannot be read is kept
    without a day, so that every such row can be named at once (``staged_rows``)."""
    table = read_table(data, filename)
    layout = detect_layout(table)
    if not layout.date_columns:
        raise ImportFileError("This export has no column giving the day of each response.")
    infer_questions(layout, column_values((row.cells for row in responses(table, layout)), layout))
    dates = (row.cells[column] for row in responses(table, layout) for column in layout.date_columns)
    day_first = day_comes_first(dates, layout.day_first, table.header[layout.date_columns[0]])
    kept = sorted({column for source in layout.questions for column in source.columns})
    rows: list[str] = []
    for row in responses(table, layout):
        try:
            day: str | None = submitted_on(row, table, layout, day_first).isoformat()
        except ImportFileError:
            day = None  # the date's text is metadata: only the row number is kept
        rows.append(
            json.dumps([row.number, day, *(row.cells[column] for column in kept)], ensure_ascii=False)
        )
    return {
        "version": STAGED_VERSION,
        "tool": layout.tool,
        "width": len(table.header),
        "date_column": layout.date_columns[0],
        "date_name": table.header[layout.date_columns[0]][:100],
        "separator": layout.separator,
        "columns": kept,
        "questions": [
            {"title": source.title, "columns": list(source.columns), "labels": list(source.labels)}
            for source in layout.questions
        ],
        "notes": list(table.notes),
        "rows": rows,
    }


def staged_rows(staged: dict[str, Any]) -> Iterator[tuple[int, str | None, list[str]]]:
    """Each kept response as its row number, its day (None when its date could not be read) and its
    question cells, in the order of ``staged["columns"]``."""
    for text in staged["rows"]:
        number, day, *cells = json.loads(text)
        yield int(number), day, [str(cell) for cell in cells]


def date_error(staged: dict[str, Any], number: int) -> str:
    """The sentence for row ``number`` whose date could not be read (without the date's text)."""
    column = staged["date_name"] or DATE_NAME
    return f"Row {number}: the date in the column “{column}” cannot be read as a date like 05/03/2024."


def _layout(staged: dict[str, Any]) -> Layout:
    tool: Tool = staged["tool"]
    questions = tuple(
        SourceQuestion(item["title"], tuple(item["columns"]), tuple(item["labels"]))
        for item in staged["questions"]
    )
    return Layout(
        tool=tool,
        header_rows=1,
        date_columns=(int(staged["date_column"]),),
        dropped=(),
        questions=questions,
        day_first=True,
        separator=str(staged["separator"]),
    )


def staged_table(staged: dict[str, Any], dated_only: bool = False) -> Table:
    """The kept table as full-width rows: each question cell in its column, the day (ISO) in the date
    column, and every other column blank. With ``dated_only``, the rows whose date could not be read
    are left out (no other row's fingerprint changes: theirs have a day, so never their content)."""
    width, date_column, columns = int(staged["width"]), int(staged["date_column"]), staged["columns"]
    header = [""] * width
    header[date_column] = staged["date_name"] or DATE_NAME

    def rows() -> Iterator[TableRow]:
        for number, day, cells in staged_rows(staged):
            if dated_only and day is None:
                continue
            full = [""] * width
            full[date_column] = day or ""
            for column, cell in zip(columns, cells, strict=True):
                full[column] = cell
            yield TableRow(number, tuple(full))

    return Table(
        header=tuple(header), row_count=len(staged["rows"]), notes=tuple(staged["notes"]), source=rows
    )


def staged_export(staged: dict[str, Any], slug: str, title: str) -> ImportedExport:
    """The staged export read as ``read_export`` reads the file: its questions inferred again from the
    same cells, its rows with the same fingerprints. The rows whose date could not be read are left out
    of its rows (``date_error`` names them)."""
    if staged.get("version") != STAGED_VERSION:
        raise ImportFileError(
            "This upload was made by an older version of the service: upload the file again."
        )
    table, layout = staged_table(staged), _layout(staged)
    questions = infer_questions(layout, column_values((row.cells for row in table.rows()), layout))
    summary = f"Imported from a {TOOL_NAMES[layout.tool]} export."
    return ImportedExport(
        tool=layout.tool,
        row_count=table.row_count,
        questions=questions,
        definition=survey_definition(slug, title, questions, summary),
        notes=table.notes,
        source=functools.partial(read_rows, staged_table(staged, dated_only=True), layout, questions, True),
    )
