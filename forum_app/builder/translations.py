"""A survey's words in other languages, as a lead handles them: a spreadsheet of the strings to send to a
translator, the translated spreadsheet read back and checked, and the translation kept in the draft.

The spreadsheet (XLSX, or CSV) has one row per string of the survey, in reading order, with the columns
``String id``, ``English``, ``<Language> translation`` (filled with the translation the draft has) and
``Notes`` (where the string is shown). The workbook's first sheet tells the translator what to do.

Reading one back finds the id and translation columns by their headings, cleans each translation (NFC,
control characters out, trimmed, at most 2,000 characters) and refuses, with one plain sentence
(``TranslationFileError``), a file that is not such a spreadsheet, is over 1 MB, has no strings, or names
a string twice. Strings it lacks (or leaves empty) and ids the survey does not have are reported, not
refused: the translation keeps the survey's own strings, and the English shows where one is missing.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from forum_app.builder.drafts import draft_of, save_draft
from forum_app.i18n import Language
from forum_app.surveys.definitions.translations import (
    QUESTION_FIELDS,
    check_translation,
    source_strings,
    with_translation,
)

MAX_FILE_BYTES = 1024 * 1024  # 1 MB: a survey of 200 questions with long hints fits many times over
MAX_TEXT = 2000  # one translated string, as any text of a survey
MAX_ROWS = 25_000  # more than 200 questions of 100 options each
ID_HEADING = "String id"
ENGLISH_HEADING = "English"
NOTES_HEADING = "Notes"
STRINGS_SHEET = "Strings"
STATUS_NAMES = {"draft": "Draft translation — to be checked", "checked": "Checked", None: "Not translated"}
PART_NAMES = {
    "title": "the question itself",
    "hint": "its hint, shown under the question",
    "label": "the words beside its tick box",
    "error": "the message shown if it is not answered",
}
MAX_EXTRA_SHOWN = 20  # ids the survey does not have, listed after an upload
MAX_COLUMNS = 20  # columns read of each row: the downloaded file has four
INSTRUCTIONS = (
    "How to translate this survey",
    "",
    "1. Open the sheet “Strings”. Each row is one piece of text a family reads in the survey.",
    "2. Write the translation of the “English” cell in the “{language} translation” cell of the same row.",
    "3. Do not change the “String id” column, and do not add, remove or reorder rows: the ids tell the "
    "survey where each translation goes.",
    "4. Translate the meaning, in plain words a parent would use. Keep each translation about as short as "
    "the English: it is shown on a phone.",
    "5. Leave a cell empty if you are not sure: the survey shows the English there until it is translated.",
    "6. The “Notes” column says where the text is shown (the survey's title, a question, a hint, an "
    "option). Names of services (such as CAMHS or EHCP) may stay as they are.",
    "7. Save the file as it is (.xlsx) and send it back. A lead of the forum uploads it on the survey's "
    "Languages page, which lists any string that is missing.",
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = re.compile(r"[=+\-@\t\r]")
_XLSX_MAGIC = b"PK\x03\x04"
BOLD = Font(bold=True)


class TranslationFileError(ValueError):
    """A file that cannot be read as a translation; the message is one plain sentence for a lead."""


@dataclass(frozen=True)
class LanguageRow:
    """One language on a survey's Languages page."""

    code: str
    name: str  # in its own words
    english_name: str
    direction: str
    translated: int
    total: int
    status: str | None  # "draft", "checked", or None when the survey has no translation in it

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


@dataclass(frozen=True)
class StringRow:
    """One string of the spreadsheet."""

    id: str
    english: str
    translation: str
    notes: str


@dataclass(frozen=True)
class UploadResult:
    """What an upload saved: how many strings, of how many, and the ids in the file that the survey does
    not have (the first ``MAX_EXTRA_SHOWN``, each cut to 80 characters) and how many there were."""

    saved: int
    total: int
    extra: tuple[str, ...]
    extra_count: int


# --- the survey's languages ------------------------------------------------------------------------


def translation_of(document: dict[str, Any], code: str) -> dict[str, Any] | None:
    """The draft's translation into ``code`` (status and strings), or None."""
    translations = document.get("translations")
    found = translations.get(code) if isinstance(translations, dict) else None
    return found if isinstance(found, dict) else None


def language_rows(document: dict[str, Any], languages: list[Language]) -> list[LanguageRow]:
    """Each language (English left out) with how many of the survey's strings it translates."""
    wanted = source_strings(document)
    rows = []
    for language in languages:
        if language.code == "en":
            continue
        found = translation_of(document, language.code)
        strings = found.get("strings", {}) if found else {}
        translated = sum(1 for name in wanted if str(strings.get(name, "")).strip())
        status = found.get("status") if found else None
        rows.append(
            LanguageRow(
                language.code,
                language.name,
                language.english_name,
                language.direction,
                translated,
                len(wanted),
                status if status in STATUS_NAMES else None,
            )
        )
    return rows


def string_rows(document: dict[str, Any], code: str) -> list[StringRow]:
    """The survey's strings in reading order, each with its translation into ``code`` (blank if none)."""
    found = translation_of(document, code)
    strings = found.get("strings", {}) if found else {}
    notes = _notes(document)
    return [
        StringRow(name, english, str(strings.get(name, "")), notes.get(name, ""))
        for name, english in source_strings(document).items()
    ]


def _notes(document: dict[str, Any]) -> dict[str, str]:
    """Where each string is shown, in words a translator reads."""
    notes = {"title": "The survey's title", "summary": "The survey's introduction"}
    for number, question in enumerate(document.get("questions") or [], start=1):
        if not isinstance(question, dict):
            continue
        key = question.get("key")
        for name in QUESTION_FIELDS:
            notes[f"{key}.{name}"] = f"Question {number}: {PART_NAMES[name]}"
        for option in question.get("options") or []:
            if isinstance(option, dict):
                notes[f"{key}.options.{option.get('value')}"] = f"Question {number}: an answer to choose"
    return notes


# --- the spreadsheet -------------------------------------------------------------------------------


def translation_heading(language: Language) -> str:
    return f"{language.english_name} translation"


def strings_xlsx(rows: list[StringRow], language: Language) -> bytes:
    """The workbook to send to a translator: instructions first, then the sheet of strings."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "How to translate"
    for number, line in enumerate(INSTRUCTIONS, start=1):
        _text_cell(about, number, 1, line.format(language=language.english_name), bold=number == 1)
    about.column_dimensions["A"].width = 110
    sheet = book.create_sheet(STRINGS_SHEET)
    headings = (ID_HEADING, ENGLISH_HEADING, translation_heading(language), NOTES_HEADING)
    for column, heading in enumerate(headings, start=1):
        _text_cell(sheet, 1, column, heading, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    written = Alignment(wrap_text=True, vertical="top", readingOrder=2 if language.direction == "rtl" else 0)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate((row.id, row.english, row.translation, row.notes), start=1):
            cell = _text_cell(sheet, number, column, value)
            cell.alignment = written if column == 3 else wrap
    for letter, width in zip("ABCD", (28, 50, 50, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = 0
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def _text_cell(sheet: Worksheet, row: int, column: int, value: str, bold: bool = False) -> Any:
    cell = sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula, even if it starts with "="
    if bold:
        cell.font = BOLD
    return cell


def strings_csv(rows: list[StringRow], language: Language) -> bytes:
    """The strings as CSV in UTF-8 with a byte order mark (so spreadsheets read its letters right); a
    cell a spreadsheet would run as a formula starts with an apostrophe, taken off again on upload."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((ID_HEADING, ENGLISH_HEADING, translation_heading(language), NOTES_HEADING))
    for row in rows:
        writer.writerow([_guard(value) for value in (row.id, row.english, row.translation, row.notes)])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _guard(text: str) -> str:
    return "'" + text if _FORMULA_START.match(text.lstrip("'")) else text


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text.lstrip("'")) else text


def download_name(slug: str, code: str, kind: str) -> str:
    """The download's file name: only letters, digits and hyphens, so any header is safe."""
    return f"{re.sub(r'[^A-Za-z0-9-]+', '-', slug)[:64]}-{code}-strings.{kind}"


# --- reading a translated spreadsheet -------------------------------------------------------------


def read_translation(data: bytes, language: Language) -> dict[str, str]:
    """The translation in an uploaded spreadsheet, by string id (an empty cell is an empty string).
    Raises ``TranslationFileError``."""
    if not data.strip():
        raise TranslationFileError("The file is empty: choose the spreadsheet with the translation.")
    if len(data) > MAX_FILE_BYTES:
        raise TranslationFileError("The file is larger than 1 MB. Choose a smaller file.")
    table = _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data)
    heading = translation_heading(language)
    header, rows = _table(table, heading)
    columns = {name.strip().casefold(): index for index, name in enumerate(header)}
    id_column = columns[ID_HEADING.casefold()]
    text_column = columns.get(heading.casefold())
    if text_column is None:
        raise TranslationFileError(
            f"The file has no “{heading}” column: download the strings for {language.english_name}, "
            "write the translation in that column, and upload the file."
        )
    found: dict[str, str] = {}
    seen: dict[str, int] = {}
    csv_file = not data.startswith(_XLSX_MAGIC)
    for number, cells in rows:
        name = _cell(cells, id_column).strip()
        if not name:
            continue
        if name in seen:
            raise TranslationFileError(
                f"The string id “{name[:80]}” is in row {seen[name]} and row {number}: keep each id "
                "once, as in the file you downloaded."
            )
        seen[name] = number
        text = _clean(_cell(cells, text_column))
        text = _unguard(text) if csv_file else text
        if len(text) > MAX_TEXT:
            raise TranslationFileError(
                f"The translation in row {number} is {len(text):,} characters; the most is {MAX_TEXT:,}."
            )
        found[name[:200]] = text
    if not found:
        raise TranslationFileError("The file has its column headings but no strings under them.")
    return found


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _clean(text: str) -> str:
    """NFC, line ends as "\\n", control characters out, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text).strip()


Rows = list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)


def _table(rows: Iterator[tuple[int, list[str]]], heading: str) -> tuple[list[str], Rows]:
    """The header row (the first row naming the id column) and the rows under it."""
    header: list[str] | None = None
    under: Rows = []
    for number, cells in rows:
        if header is None:
            if any(cell.strip().casefold() == ID_HEADING.casefold() for cell in cells):
                header = cells
            continue
        if any(cell.strip() for cell in cells):
            under.append((number, cells))
            if len(under) > MAX_ROWS:
                raise TranslationFileError(f"The file has more than {MAX_ROWS:,} rows: a survey has fewer.")
    if header is None:
        raise TranslationFileError(
            f"The file has no “{ID_HEADING}” column: upload the spreadsheet downloaded from this page, "
            f"with its headings “{ID_HEADING}” and “{heading}” kept."
        )
    return header, under


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\0"
    if "\0" in text:
        raise TranslationFileError(
            "The file is not a spreadsheet this page reads: upload the .xlsx file (or a CSV file in UTF-8)."
        )
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel in many languages writes ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return iter(list(enumerate(([str(cell) for cell in row] for row in reader), start=1)))
    except csv.Error:
        raise TranslationFileError(
            f"Line {reader.line_num} of the file cannot be read as CSV: a quotation mark is out of place."
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The rows of the workbook's sheet of strings (the first sheet with a "String id" heading)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles it leaves out
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            sheets = [_sheet_rows(sheet) for sheet in book.worksheets[:10]]
            book.close()
        except TranslationFileError:
            raise
        except Exception:  # a damaged or foreign zip file fails in many ways; each means the same
            raise TranslationFileError(
                "The file is not an Excel workbook that can be read: upload the .xlsx file downloaded "
                "from this page, saved as .xlsx."
            ) from None
    for rows in sheets:
        if any(cell.strip().casefold() == ID_HEADING.casefold() for row in rows[:20] for cell in row):
            return iter(list(enumerate(rows, start=1)))
    return iter(list(enumerate(sheets[0] if sheets else [], start=1)))


def _sheet_rows(sheet: Any) -> list[list[str]]:
    rows = []
    for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        rows.append(["" if value is None else str(value) for value in row])
        if len(rows) > MAX_ROWS + 100:
            raise TranslationFileError(f"The file has more than {MAX_ROWS:,} rows: a survey has fewer.")
    return rows


# --- saving ---------------------------------------------------------------------------------------


def save_upload(session: Session, survey_id: int, code: str, strings: dict[str, str]) -> UploadResult:
    """Keep the file's strings for the survey's own ids in the draft, as a draft translation into
    ``code``; what was saved, missing and extra. Raises ``DraftChanged`` and ``DefinitionError`` as
    ``save_draft`` does. Commits."""
    draft = draft_of(session, survey_id)
    wanted = source_strings(draft.document)
    check = check_translation(draft.document, strings)
    kept = {name: text for name, text in strings.items() if name in wanted and text}
    save_draft(session, survey_id, with_translation(draft.document, code, kept, "draft"), draft.revision)
    extra = tuple(name[:80] for name in check.extra[:MAX_EXTRA_SHOWN])
    return UploadResult(len(kept), len(wanted), extra, len(check.extra))


def missing_strings(document: dict[str, Any], code: str) -> list[tuple[str, str]]:
    """The survey's strings that its translation into ``code`` lacks, as (id, English)."""
    found = translation_of(document, code)
    strings = found.get("strings", {}) if found else {}
    wanted = source_strings(document)
    return [(name, wanted[name]) for name in check_translation(document, strings).missing]


def with_status(document: dict[str, Any], code: str, status: str) -> dict[str, Any]:
    """A copy of the document with its translation into ``code`` marked ``status``; raises
    ``LookupError`` if it has none."""
    found = translation_of(document, code)
    if found is None:
        raise LookupError(code)
    return with_translation(document, code, dict(found.get("strings") or {}), status)


def without_translation(document: dict[str, Any], code: str) -> dict[str, Any]:
    """A copy of the document without its translation into ``code``; raises ``LookupError`` if it has
    none."""
    if translation_of(document, code) is None:
        raise LookupError(code)
    changed = copy.deepcopy(document)
    del changed["translations"][code]
    if not changed["translations"]:
        del changed["translations"]
    return changed
