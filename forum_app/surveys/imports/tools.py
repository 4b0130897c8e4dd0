"""Which tool made an export, from its header: its metadata columns (dropped, never read further), the
column that gives each response's date, and the columns that hold the questions.

The layouts (column names compared without regard to case or repeated spaces):

- Google Forms (CSV from "Download responses", or the linked Google Sheet saved as CSV/XLSX):
  ``Timestamp``, then ``Email address`` (``Username`` in older Workspace forms) when the form collects
  addresses, ``Score`` for a quiz, then one column per question; a quiz adds ``Q [Score]`` and
  ``Q [Feedback]`` columns. Checkbox answers are joined by ``", "``. Dates follow the sheet's locale:
  ``2024/03/05 10:14:22 am GMT`` or, for a UK sheet, ``05/03/2024 10:14:22``, so day first is the
  usual order.
- Microsoft Forms ("Open results in Excel", XLSX, or that saved as CSV): ``ID``, ``Start time``,
  ``Completion time``, ``Email``, ``Name``, sometimes ``Last modified time``, then the questions; a quiz
  adds ``Total points``, ``Quiz feedback``, and ``Points - Q`` / ``Feedback - Q`` per question.
  Multi-select answers are joined by ``";"`` with a trailing ``";"``. XLSX dates are real dates; a CSV
  saved by UK Excel writes them day first.
- SurveyMonkey ("All individual responses", expanded, CSV or XLSX): two header rows. Row 1:
  ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``, ``Email Address``,
  ``First Name``, ``Last Name``, ``Custom Data 1``..., then the question texts; a question spanning
  several columns has its text in the first and blank cells after it. Row 2: blank under the
  metadata, then ``Response``, ``Open-Ended Response``, ``Other (please specify)`` or an option's
  label (one column per checkbox option, the cell holding the label when it was chosen). Dates are US
  (``03/05/2024 10:14:22 AM``), so month first.
- SmartSurvey (export of the raw data, CSV or XLSX): ``Response ID`` (or ``UserID`` / ``UserNo``),
  ``IP Address``, ``Started``, ``Ended``, ``Unique ID``, ``Name``, ``Email``, ``Tracking Link``,
  ``Custom Variables``..., then the questions, optionally with a second header row as SurveyMonkey's
  (read the same way). Dates are UK, day first.

What these layouts are based on: the column names in this feature's specification, and the tools'
own descriptions of their exports as remembered (the reference pages searched while writing
this did not show a full export of any of them); no real export file was at hand to check against.
SmartSurvey's list is the least certain. That is why a metadata column is dropped by its name
wherever it stands, and why an unknown header is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from forum_app.surveys.imports.files import ImportFileError, Table

Tool = Literal["google_forms", "microsoft_forms", "surveymonkey", "smartsurvey"]
TOOL_NAMES: dict[Tool, str] = {
    "google_forms": "Google Forms",
    "microsoft_forms": "Microsoft Forms",
    "surveymonkey": "SurveyMonkey",
    "smartsurvey": "SmartSurvey",
}

# A second header row says one of these above a question that takes one answer.
SINGLE_ANSWER_LABELS = frozenset({"response", "open-ended response"})
OTHER_LABEL = "other (please specify)"


@dataclass(frozen=True)
class _Signature:
    """How to recognise one tool's export and which of its columns are metadata."""

    tool: Tool
    needs: tuple[frozenset[str], ...]  # the header has at least one name of each set
    metadata: frozenset[str]
    dates: tuple[str, ...]  # the date comes from the first of these that is filled in
    metadata_prefixes: tuple[str, ...] = ()
    metadata_suffixes: tuple[str, ...] = ()
    day_first: bool = True
    separator: str = ", "  # how several choices are joined in one cell
    header_rows: Literal[1, 2] | None = 1  # None: one or two, read from the file


_SIGNATURES = (
    _Signature(
        tool="surveymonkey",
        needs=(
            frozenset({"respondent id"}),
            frozenset({"collector id"}),
            frozenset({"start date", "end date"}),
        ),
        metadata=frozenset(
            {"respondent id", "collector id", "start date", "end date", "ip address", "email address"}
            | {"first name", "last name"}
        ),
        metadata_prefixes=("custom data",),
        dates=("end date", "start date"),
        day_first=False,
        header_rows=2,
    ),
    _Signature(
        tool="microsoft_forms",
        needs=(frozenset({"start time"}), frozenset({"completion time"})),
        metadata=frozenset(
            {"id", "start time", "completion time", "email", "name", "last modified time"}
            | {"total points", "quiz feedback", "grade posted time"}
        ),
        metadata_prefixes=("points - ", "feedback - "),
        dates=("completion time", "start time"),
        separator=";",
    ),
    _Signature(
        tool="smartsurvey",
        needs=(frozenset({"started"}), frozenset({"ended"}), frozenset({"response id", "userid", "userno"})),
        metadata=frozenset(
            {"response id", "userid", "userno", "ip address", "started", "ended", "unique id", "name"}
            | {"email", "email address", "tracking link", "custom variables", "custom value"}
        ),
        metadata_prefixes=("custom variable",),
        dates=("ended", "started"),
        header_rows=None,
    ),
    _Signature(
        tool="google_forms",
        needs=(frozenset({"timestamp"}),),
        metadata=frozenset({"timestamp", "email address", "username", "score", "total score"}),
        metadata_suffixes=(" [score]", " [feedback]"),
        dates=("timestamp",),
    ),
)


@dataclass(frozen=True)
class SourceQuestion:
    """A question as the export gives it: its title and its columns, with each column's label from a
    second header row ("" without one). Several labelled columns are options or rows of a grid. The
    title is blank for a column without a name."""

    title: str
    columns: tuple[int, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """How to read one export: the tool, how many header rows (the second is the first of
    ``Table.rows()``), where the date is, which columns are metadata, and the questions."""

    tool: Tool
    header_rows: int
    date_columns: tuple[int, ...]
    dropped: tuple[int, ...]
    questions: tuple[SourceQuestion, ...]
    day_first: bool
    separator: str


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def _is_metadata(name: str, signature: _Signature) -> bool:
    plain = _plain(name)
    return (
        plain in signature.metadata
        or plain.startswith(signature.metadata_prefixes)
        or plain.endswith(signature.metadata_suffixes)
    )


def _signature_of(header: Sequence[str]) -> _Signature:
    names = {_plain(name) for name in header}
    for signature in _SIGNATURES:
        if all(names & needed for needed in signature.needs):
            return signature
    raise ImportFileError(
        "This file's columns are not those of an export from Google Forms, Microsoft Forms, SurveyMonkey "
        "or SmartSurvey: export the responses from one of these, without changing the column names."
    )


def _second_header(table: Table, signature: _Signature, dropped: set[int]) -> tuple[str, ...]:
    """The second header row, or () when the file has one header row."""
    if signature.header_rows == 1:
        return ()
    first = next(table.rows()).cells
    questions = [index for index in range(len(table.header)) if index not in dropped]
    looks_like_labels = all(not first[index].strip() for index in dropped) and (
        any(not table.header[index] for index in questions)
        or any(_plain(first[index]) in SINGLE_ANSWER_LABELS for index in questions)
    )
    if signature.header_rows == 2 or looks_like_labels:
        return tuple(cell.strip() for cell in first)
    return ()


def _grouped(header: Sequence[str], labels: Sequence[str], questions: list[int]) -> list[SourceQuestion]:
    """Questions from their columns: with a second header row, a titled column and the untitled ones
    after it are one question; its ``Response`` column and its "Other (please specify)" column (titled
    "Question: Other (please specify)") are questions of their own."""
    groups: list[tuple[str, list[int]]] = []
    for index in questions:
        title = header[index].strip()
        if title or not groups or not labels:
            groups.append((title, [index]))
        else:
            groups[-1][1].append(index)
    found: list[SourceQuestion] = []
    for title, columns in groups:
        if not labels:
            found.append(SourceQuestion(title, (columns[0],), ("",)))
            continue
        said = {index: _plain(labels[index]) for index in columns}
        options = [index for index in columns if said[index] not in SINGLE_ANSWER_LABELS | {OTHER_LABEL}]
        found += [
            SourceQuestion(title, (index,), ("",)) for index in columns if said[index] in SINGLE_ANSWER_LABELS
        ]
        if options:
            found.append(SourceQuestion(title, tuple(options), tuple(labels[index] for index in options)))
        found += [
            SourceQuestion(f"{title}: {labels[index]}", (index,), ("",))
            for index in columns
            if said[index] == OTHER_LABEL
        ]
    return found


def detect_layout(table: Table) -> Layout:
    """The layout of ``table``; raises ``ImportFileError`` naming the four tools for any other file,
    or when a known tool's export has no question columns or no responses."""
    header = table.header
    signature = _signature_of(header)
    dropped = {index for index, name in enumerate(header) if _is_metadata(name, signature)}
    labels = _second_header(table, signature, dropped)
    if labels and table.row_count < 2:
        raise ImportFileError("The file has column names but no responses under them.")
    questions = _grouped(header, labels, [index for index in range(len(header)) if index not in dropped])
    if not questions:
        raise ImportFileError(
            f"This {TOOL_NAMES[signature.tool]} export has no questions, only the columns about who "
            "answered and when."
        )
    plain = [_plain(name) for name in header]
    return Layout(
        tool=signature.tool,
        header_rows=2 if labels else 1,
        date_columns=tuple(plain.index(name) for name in signature.dates if name in plain),
        dropped=tuple(sorted(dropped)),
        questions=tuple(questions),
        day_first=signature.day_first,
        separator=signature.separator,
    )
