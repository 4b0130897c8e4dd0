"""An exported spreadsheet (CSV or XLSX) as a header and rows of strings.

``read_table`` checks the whole file once (encoding, size, header, rows) and returns a ``Table`` whose
rows are read again from the file each time they are asked for, one at a time: a file of 50,000 rows
is never held as a list of rows, only as the bytes that were uploaded.

CSV text may be UTF-8 (with or without a byte order mark), UTF-16 (with a byte order mark, as Excel's
"Unicode text" and some SurveyMonkey exports are, or without one) or Windows-1252 (older Excel on
Windows); columns may be separated by ``,``, ``;`` or a tab. XLSX is read by openpyxl in read-only
mode: the first worksheet, cell values as stored (a formula is read as its text, never run).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from openpyxl import load_workbook

MAX_FILE_BYTES = 100 * 1024 * 1024  # 100 MB: 50,000 responses of long free text fit well within it
MAX_ROWS = 250_000  # data rows; the largest forum surveys have a few thousand
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 100_000  # one cell; a free-text answer is a few thousand at most
MAX_NOTES = 100  # notes on ragged rows; past this one note says how many more there were
DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 64 * 1024  # how much of a CSV file is looked at to choose its encoding and delimiter

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old Excel .xls format
_TEXT_CONTROLS = frozenset(chr(n) for n in range(32)) - {"\t", "\n", "\r"}


class ImportFileError(ValueError):
    """A file that cannot be imported; the message is one plain sentence for a forum lead."""


class TableRow(NamedTuple):
    """One data row: its row number as a spreadsheet shows it, and exactly one cell per column."""

    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A file's header (column names, blank where the file has none, repeated names made distinct),
    how many data rows it has, notes on rows that were mended, and its rows, read afresh each time."""

    header: tuple[str, ...]
    row_count: int
    notes: tuple[str, ...]
    source: Callable[[], Iterator[TableRow]]

    def rows(self) -> Iterator[TableRow]:
        """The data rows in file order, blank rows left out, each as wide as the header."""
        return self.source()


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX export (which of the two is decided by the content, not by ``filename``,
    which only names the file in messages); raise ``ImportFileError`` for a file that cannot be read."""
    if not data or data.isspace():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; the largest this service reads is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            "This is an old Excel .xls file: open it in Excel and save it as .xlsx or CSV, then import that."
        )
    if data.startswith(_XLSX_MAGIC):
        return _checked(_xlsx_source(data), cells_may_be_missing=True)
    try:
        encoding = _encoding(data)
        sample = codecs.getincrementaldecoder(encoding)().decode(data[:SAMPLE_BYTES])
    except UnicodeError as exc:
        raise _not_a_spreadsheet(filename) from exc
    if any(char in _TEXT_CONTROLS for char in sample):
        raise _not_a_spreadsheet(filename)
    return _checked(_csv_source(data, encoding, _delimiter(sample)), cells_may_be_missing=False)


# --- CSV -------------------------------------------------------------------------------------------


def _encoding(data: bytes) -> str:
    """The text encoding of a CSV file, by its byte order mark, its zero bytes, or whether it is UTF-8.
    Raises ``UnicodeError`` for a file with zero bytes that is not UTF-16 text (so not text at all)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        # Text in UTF-16 without a byte order mark: a zero byte beside most Latin characters.
        if odd > len(sample) // 4 and even < odd // 8:
            return "utf-16-le"
        if even > len(sample) // 4 and odd < even // 8:
            return "utf-16-be"
        raise UnicodeError("zero bytes in what is not UTF-16 text")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), SAMPLE_BYTES):
            decoder.decode(data[start : start + SAMPLE_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _not_a_spreadsheet(filename: str) -> ImportFileError:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:80]
    return ImportFileError(
        f"The file “{name}” is not a spreadsheet: export the responses as CSV or Excel (.xlsx)."
    )


def _delimiter(sample: str) -> str:
    """The delimiter that splits the first line into the most columns (a comma when none splits it)."""
    first = sample.lstrip("\r\n")
    counts = {}
    for candidate in DELIMITERS:
        try:
            counts[candidate] = len(next(csv.reader(io.StringIO(first), delimiter=candidate), []))
        except csv.Error:
            counts[candidate] = 0
    return max(DELIMITERS, key=lambda candidate: (counts[candidate], candidate == ","))


def _csv_source(data: bytes, encoding: str, delimiter: str) -> Callable[[], Iterator[tuple[int, list[str]]]]:
    def rows() -> Iterator[tuple[int, list[str]]]:
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="", errors="replace")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise ImportFileError(
                f"Line {reader.line_num} of the file cannot be read as CSV: a cell is too long or "
                "a quotation mark is out of place."
            ) from exc

    return rows


# --- XLSX ------------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A stored cell value as the text a spreadsheet shows (dates as ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _xlsx_source(data: bytes) -> Callable[[], Iterator[tuple[int, list[str]]]]:
    def rows() -> Iterator[tuple[int, list[str]]]:
        # openpyxl warns about styles and extensions it leaves out; they do not change the values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            except Exception as exc:  # a damaged or foreign zip file fails in many ways; each means the same
                raise ImportFileError(
                    "This file is not an Excel workbook that can be read: export the responses again "
                    "as .xlsx or CSV."
                ) from exc
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # some tools record the wrong size; read what is there
            values = sheet.iter_rows(values_only=True)
            number = 0
            while True:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row = next(values, None)
                if row is None:
                    return
                number += 1
                yield number, [_cell_text(value) for value in row]
        except ImportFileError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a damaged sheet; each means the same
            raise ImportFileError(
                "This Excel workbook is damaged and cannot be read: export the responses again."
            ) from exc
        finally:
            book.close()

    return rows


# --- the checks common to both ---------------------------------------------------------------------


def _distinct(names: list[str]) -> tuple[str, ...]:
    """Column names with a repeated name numbered ("Q", "Q (2)"); blank names stay blank."""
    given = set(names)
    used: set[str] = set()
    result = []
    for name in names:
        unique, count = name, 1
        while name and (unique in used or (count > 1 and unique in given)):
            count += 1
            unique = f"{name} ({count})"
        used.add(unique)
        result.append(unique)
    return tuple(result)


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _first_row(raw: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The header: the first row that is not blank, checked to be one."""
    for _, cells in raw:
        if _is_blank(cells):
            continue
        names = [cell.strip() for cell in cells]
        if not any(any(char.isalpha() for char in name) for name in names):
            raise ImportFileError(
                "The first row should hold the column names (such as “Timestamp”), but it holds none: "
                "export the responses again with the column names in the first row."
            )
        _check_width(len(names))
        return names
    raise ImportFileError("The file is empty: it has no rows.")


def _check_width(width: int) -> None:
    if width > MAX_COLUMNS:
        raise ImportFileError(f"The file has {width} columns; the most this service reads is {MAX_COLUMNS}.")


def _filled_width(cells: list[str]) -> int:
    """How many cells the row has up to its last one that is not blank."""
    return next((index + 1 for index in range(len(cells) - 1, -1, -1) if cells[index].strip()), 0)


def _note(number: int, cells: list[str], width: int, cells_may_be_missing: bool) -> str:
    """A note on a row that is not ``width`` cells wide, when mending it loses or assumes anything."""
    if max(map(len, cells), default=0) > MAX_CELL_CHARS:
        raise ImportFileError(f"Row {number} has a cell longer than {MAX_CELL_CHARS:,} characters.")
    found = f"Row {number} has {len(cells)} cells but the header has {width}: "
    if len(cells) > width and not cells_may_be_missing and not _is_blank(cells[width:]):
        return found + f"the cells after column {width} were left out."
    if len(cells) < width and not cells_may_be_missing:
        return found + "the missing cells were read as blank."
    return ""


def _fitted(cells: list[str], width: int) -> tuple[str, ...]:
    """The row made exactly ``width`` cells wide: cut, or padded with blank cells."""
    return tuple(cells[:width]) + ("",) * (width - len(cells))


def _checked(source: Callable[[], Iterator[tuple[int, list[str]]]], cells_may_be_missing: bool) -> Table:
    """Read the file once to check it and count its rows; return the Table that reads it again."""
    raw = source()
    names = _first_row(raw)
    width = len(names)
    count = mended = widest = 0
    notes: list[str] = []
    for number, cells in raw:
        if _is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows of responses: split it into smaller files."
            )
        if cells_may_be_missing:
            widest = max(widest, _filled_width(cells))
        note = _note(number, cells, width, cells_may_be_missing)
        mended += bool(note)
        if note and len(notes) < MAX_NOTES:
            notes.append(note)
    if count == 0:
        raise ImportFileError("The file has column names but no responses under them.")
    if mended > len(notes):
        notes.append(f"{mended - len(notes):,} more rows were mended in the same way.")
    if widest > width:  # a workbook leaves out empty header cells, as over a question's later columns
        _check_width(widest)
        names += [""] * (widest - width)
        width = widest

    def rows() -> Iterator[TableRow]:
        body = source()
        _first_row(body)
        for number, cells in body:
            if not _is_blank(cells):
                yield TableRow(number, _fitted(cells, width))

    return Table(header=_distinct(names), row_count=count, notes=tuple(notes), source=rows)
