"""A forum's responses to one survey as a spreadsheet for its own analysis, with the codings.

One row per submitted response of the survey (never spam, withdrawn or unfinished ones, never another
forum's), sent within the chosen period, oldest first. Its columns: ``Response`` (a number given by
this export only, see ``rows``), ``Survey version``, ``Submitted on`` (the day), then one column per
question key across all the survey's versions, headed by the latest wording: an option's label (never
its value), checkboxes joined by "; ". Free text is only ever its approved, redacted text: an answer
still waiting for moderation says ``WAITING``, a rejected one is empty, and the original never leaves
moderation. Then, for each free-text question, the themes (their labels, joined by "; ") and the
sentiment a person confirmed; automatic suggestions nobody confirmed are left out.

Two files: CSV (UTF-8 with a byte order mark, CRLF, so Excel opens it as UTF-8) and XLSX (a
``Responses`` worksheet and an ``About`` worksheet saying what the export holds). A text cell is
never a formula: in CSV one that begins with ``= + - @``, a tab or a carriage return gets an
apostrophe in front (``guard_cell``, as packs and codebooks write); in XLSX every text is a string
cell. Memory stays bounded: responses are read ``CHUNK`` at a time, the CSV is a generator and the
workbook is written in openpyxl's write-only mode to a temporary file.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.codebook.files import guard_cell
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import current_version, theme_labels
from forum_app.coding.labels import SENTIMENT_LABELS
from forum_app.coding.reads import confirmed_codings
from forum_app.moderation.reads import APPROVED, REJECTED, moderation_states
from forum_app.spreadsheets import unique_labels
from forum_app.surveys.definitions import DefinitionError, Question, parse_definition
from forum_app.surveys.fields import QuestionType, question_type
from forum_app.surveys.reads import (
    Selection,
    SurveyOutline,
    latest_questions,
    published_surveys,
    sent_in_pages,
    stored_answers,
    survey_outline,
)
from forum_app.surveys.staff import WAITING

CHUNK = 500  # responses read (and written) at a time
FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR = "; "
FIXED_HEADERS = ("Response", "Survey version", "Submitted on")
THEMES_HEADER = "{title} (themes confirmed by a person)"
SENTIMENT_HEADER = "{title} (sentiment confirmed by a person)"
BOLD = Font(bold=True)
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

Cell = str | int | date | None


# --- the choice: survey, period and format -------------------------------------------------------


@dataclass(frozen=True)
class SurveyChoice:
    slug: str
    title: str


@dataclass(frozen=True)
class ExportChoice:
    slug: str
    kind: str  # "csv" or "xlsx"
    start: date | None = None
    end: date | None = None


def export_surveys(session: Session, forum_id: int) -> list[SurveyChoice]:
    """The forum's surveys that have a published version (a draft has no responses), by title."""
    return [SurveyChoice(slug, title) for slug, title in published_surveys(session, forum_id)]


def _day(text: str, which: str) -> tuple[date | None, str]:
    text = text.strip()
    if not text:
        return None, ""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date(), ""
    except ValueError:
        return None, f"Enter the {which} day as a real date, like 2026-06-30"


def read_choice(
    values: Mapping[str, str], surveys: Sequence[SurveyChoice]
) -> tuple[ExportChoice | None, dict[str, list[str]]]:
    """The choice sent by the export form (``survey``, ``from``, ``to``, ``format``), or the problems
    with it by field name."""
    errors: dict[str, list[str]] = {}
    slug = values.get("survey", "").strip()
    if not slug:
        errors["survey"] = ["Choose a survey"]
    elif slug not in {survey.slug for survey in surveys}:
        errors["survey"] = ["Choose one of the surveys shown"]
    start, problem = _day(values.get("from", ""), "first")
    if problem:
        errors["from"] = [problem]
    end, problem = _day(values.get("to", ""), "last")
    if problem:
        errors["to"] = [problem]
    if start is not None and end is not None and start > end:
        errors["to"] = ["The last day must be the same as or after the first day"]
    kind = values.get("format", "").strip()
    if kind not in FORMATS:
        errors["format"] = ["Choose CSV or Excel (XLSX)"]
    if errors:
        return None, errors
    return ExportChoice(slug, kind, start, end), {}


# --- what the export holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    question: Question | None  # None when a stored question cannot be read (its answers shown as stored)
    kind: QuestionType | None


@dataclass(frozen=True)
class Plan:
    """One export, before its rows are read: the survey, its columns and the words of its About sheet."""

    forum_id: int
    forum_slug: str
    forum: str
    survey: SurveyOutline
    start: date | None
    end: date | None
    made_on: date
    kind: str
    columns: tuple[Column, ...]
    free_text: tuple[str, ...]  # keys of the free-text questions, in column order
    themes: Mapping[str, str]  # theme id -> label
    headers: tuple[str, ...]

    @property
    def selection(self) -> Selection:
        return Selection(self.survey.id, self.start, self.end)

    @property
    def filename(self) -> str:
        forum = _SLUG_UNSAFE.sub("", self.forum_slug) or "forum"
        survey = _SLUG_UNSAFE.sub("", self.survey.slug) or "survey"
        return f"{forum}-{survey}-responses-{self.made_on.isoformat()}.{self.kind}"

    @property
    def period(self) -> str:
        if self.start is None and self.end is None:
            return "All responses, whenever they were sent"
        first = self.start.isoformat() if self.start else "the first response"
        last = self.end.isoformat() if self.end else "the latest response"
        return f"Sent from {first} to {last}, both days included"


def _question(raw: Mapping[str, Any]) -> Question | None:
    """A stored question read on its own (its routing left out: it names other questions)."""
    document = {
        "slug": "export",
        "title": "export",
        "questions": [{name: value for name, value in raw.items() if name != "show_if"}],
    }
    try:
        return parse_definition(document).questions[0]
    except DefinitionError:
        return None


def _theme_labels(session: Session, forum_id: int) -> dict[str, str]:
    version = current_version(session, forum_id)
    if version is not None:
        return theme_labels(version)
    return {theme.id: theme.label for theme in default_codebook().themes}


def _question_order(session: Session, survey: SurveyOutline) -> list[str]:
    """The latest version's questions in its order, then those only earlier versions asked."""
    listed = latest_questions(session, survey.id)
    keys = [raw.get("key") for raw in listed if isinstance(raw, dict)]
    first = [key for key in dict.fromkeys(keys) if isinstance(key, str) and key in survey.questions]
    return first + [key for key in survey.questions if key not in first]


def plan_export(session: Session, forum_id: int, choice: ExportChoice, today: date) -> Plan | None:
    """The export of this forum's survey ``choice.slug``, or None if the forum has no such survey."""
    forum = session.get(Forum, forum_id)
    survey = survey_outline(session, forum_id, choice.slug)
    if forum is None or survey is None:
        return None
    columns: list[Column] = []
    titles: list[str] = []
    for key in _question_order(session, survey):
        raw = survey.questions[key]
        question = _question(raw)
        columns.append(Column(key, question, question_type(raw.get("type"))))
        titles.append(question.title if question else str(raw.get("title") or key))
    free_text = [column for column in columns if column.kind is not None and column.kind.is_free_text]
    coding_titles: list[str] = []
    for column in free_text:
        title = titles[columns.index(column)]
        coding_titles += [THEMES_HEADER.format(title=title), SENTIMENT_HEADER.format(title=title)]
    return Plan(
        forum_id=forum_id,
        forum_slug=forum.slug,
        forum=forum.name,
        survey=survey,
        start=choice.start,
        end=choice.end,
        made_on=today,
        kind=choice.kind,
        columns=tuple(columns),
        free_text=tuple(column.key for column in free_text),
        themes=_theme_labels(session, forum_id),
        headers=tuple(
            unique_labels((label, "Question") for label in (*FIXED_HEADERS, *titles, *coding_titles))
        ),
    )


# --- rows, a chunk at a time --------------------------------------------------------------------


def _shown(column: Column, value: Any) -> Cell:
    """A closed answer as the family chose it: option labels, not values; a number stays a number."""
    if value is None or value == "" or value == []:
        return None
    kind, question = column.kind, column.question
    if kind is None or question is None:
        return str(value)
    try:
        if kind.is_multi and isinstance(value, list):
            return LIST_SEPARATOR.join(question.option_label(str(item)) for item in value)
        if kind.is_choice:
            return question.option_label(str(value))
        if question.kind == "consent":
            return "Yes" if value is True else "No"
        if question.kind == "number" and isinstance(value, int) and not isinstance(value, bool):
            return value
        return kind.display(question, value)
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(value)


def _free_text(value: Any, state: str | None) -> str | None:
    """Approved (redacted) text as it stands; rejected: nothing; anything else is still waiting."""
    if value is None or value == "":
        return None
    if state == APPROVED:
        return str(value)
    if state == REJECTED:
        return None
    return WAITING


def rows(session: Session, plan: Plan) -> Iterator[list[Cell]]:
    """One list of cells per response, in the order of ``plan.headers``.

    The first cell is the response's number in this export (1, 2, 3... oldest first), never its id:
    the id would let anyone join rows of different exports (or the app's addresses) together, while a
    number that only this file gives links nothing beyond it.
    """
    number = 0
    by_key = {column.key: column for column in plan.columns}
    for chunk in sent_in_pages(session, plan.selection, plan.forum_id, CHUNK):
        ids = [response_id for response_id, _, _ in chunk]
        answers: dict[str, dict[str, tuple[int, Any]]] = {}
        for response_id, key, answer_id, value in stored_answers(session, ids):
            if key in by_key:
                answers.setdefault(response_id, {})[key] = (answer_id, value)
        # Any answer moderation took in is free text, whatever a later version made of its question.
        states = moderation_states(session, ids)
        approved = [answer_id for answer_id, state in states.items() if state == APPROVED]
        codings = confirmed_codings(session, approved)
        for response_id, version, day in chunk:
            number += 1
            given = answers.get(response_id, {})
            cells: list[Cell] = [number, version, day]
            for column in plan.columns:
                answer_id, value = given.get(column.key, (0, None))
                if column.key in plan.free_text or answer_id in states:
                    cells.append(_free_text(value, states.get(answer_id)))
                else:
                    cells.append(_shown(column, value))
            for key in plan.free_text:
                confirmed = codings.get(given[key][0]) if key in given else None
                if confirmed is None:
                    cells += [None, None]
                    continue
                labels = [plan.themes.get(theme, theme) for theme in confirmed.themes]
                cells.append(LIST_SEPARATOR.join(sorted(labels, key=str.casefold)) or None)
                cells.append(SENTIMENT_LABELS.get(confirmed.sentiment, confirmed.sentiment))
            yield cells


# --- CSV ----------------------------------------------------------------------------------------


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return guard_cell(value)


def csv_chunks(session: Session, plan: Plan) -> Iterator[bytes]:
    """The CSV file, a chunk of rows at a time: UTF-8 with a byte order mark, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header in plan.headers])
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    pending = 0
    for cells in rows(session, plan):
        if pending == 0:
            out.seek(0)
            out.truncate()
        writer.writerow([csv_cell(cell) for cell in cells])
        pending += 1
        if pending == CHUNK:
            yield out.getvalue().encode("utf-8")
            pending = 0
    if pending:
        yield out.getvalue().encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool = False) -> WriteOnlyCell:
    """One cell: text always as a string cell (never a formula, whatever it starts with), a number as a
    number, a day as a date."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = BOLD
    return cell


def xlsx_value(sheet: WriteOnlyWorksheet, value: Cell) -> Any:
    """A data cell as openpyxl is quickest to take it: a plain value, which it stores as text, a number
    or a date, except text beginning with "=", which it would take for a formula (``xlsx_cell``)."""
    if isinstance(value, str):
        text = _text(value)
        return xlsx_cell(sheet, text) if text.startswith("=") else text
    if isinstance(value, date):
        return xlsx_cell(sheet, value)
    return value


def about_lines(plan: Plan) -> list[tuple[str, str]]:
    """What the export holds, as (item, explanation): the About worksheet."""
    versions = ", ".join(str(number) for number in plan.survey.versions)
    return [
        ("Forum", plan.forum),
        ("Survey", f"{plan.survey.title} (versions {versions})"),
        ("Period", plan.period),
        ("Made on", plan.made_on.isoformat()),
        (
            "What each row is",
            "One submitted response. Spam, withdrawn and unfinished responses are not included. "
            "\u201cResponse\u201d numbers the rows of this file only, oldest first: it is not the "
            "response's reference in the app and changes from one export to the next.",
        ),
        (
            "Answers",
            "One column per question across all versions of the survey, headed by the latest wording. "
            "Options are shown by their labels; several chosen options are joined by \u201c; \u201d. "
            "An empty cell means the question was not asked or not answered.",
        ),
        (
            "Written answers",
            "Only the moderated text approved by the forum, with personal details redacted. "
            f"An answer not yet approved says {WAITING}; an answer rejected by a moderator is empty. "
            "The words the family first wrote are never included.",
        ),
        (
            "Themes and sentiment",
            "For each written answer, the themes and sentiment a person confirmed in the coding "
            "workspace (including suggestions a person accepted in bulk). Automatic suggestions nobody "
            "has confirmed are not included, so an answer not yet coded has empty theme and sentiment "
            "cells.",
        ),
        (
            "Keep it safe",
            "This file holds families' own words: keep it within the forum and delete it when the "
            "analysis is done.",
        ),
    ]


def _write_about(workbook: Workbook, plan: Plan) -> None:
    sheet = workbook.create_sheet("About")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    title = xlsx_cell(sheet, f"Responses to {plan.survey.title} from {plan.forum}")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for item, words in about_lines(plan):
        explanation = xlsx_cell(sheet, words)
        explanation.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append([xlsx_cell(sheet, item, bold=True), explanation])


def xlsx_file(session: Session, plan: Plan) -> IO[bytes]:
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Responses to {plan.survey.title}"
    workbook.properties.creator = plan.forum
    workbook.properties.language = "en-GB"
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, header, bold=True) for header in plan.headers])
    for cells in rows(session, plan):
        sheet.append([xlsx_value(sheet, cell) for cell in cells])
    _write_about(workbook, plan)
    output = tempfile.TemporaryFile()  # noqa: SIM115  (closed by whoever sends it)
    try:
        workbook.save(output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output
