"""The pack as an Excel workbook laid out to the Analysis Function's rules for releasing statistics.

Worksheets, in order: ``Cover`` (what the pack is: forum, area, survey, period, responses, pack ID,
build date, codebook version, independence, contact), ``Contents`` (every later worksheet, linked),
``Notes`` (symbols, the interval wording, disclosure rules, methodology, glossary), ``Summary`` (the
one-page summary, one row per item, figures in their own cells), one worksheet per table named by its
ID (``T1``, ``T2``...), ``Quotes`` (the Q register) and ``Codebook`` when the pack carries it.

Every worksheet has its title in A1 and nothing merged. A worksheet with data holds exactly one
marked-up Excel table (a header row of unique labels, a table style, the panes frozen below the header)
and says so above it. Counts are whole numbers, percentages are numbers shown to 1 decimal place, other
numbers keep the decimal places the pack rounded them to; symbols (``[c]``, ``[x]``...) are text.
No colour carries meaning: the only styling is bold titles and labels.

Same pack, same bytes: the document dates are the pack's build date, and the zip is repacked with
fixed member timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, Cell, Column, Pack, Table
from forum_app.packs.render_csv import header_labels, notes_table, quotes_table, zip_bytes

TABLE_STYLE = "TableStyleLight1"
ONE_TABLE = "This worksheet contains one table."
SYMBOLS_LINE = "Symbols such as [c] are explained in the Notes worksheet."
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
MIN_WIDTH, MAX_WIDTH = 8, 60
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_]")


def render_xlsx(pack: Pack) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None  # a new workbook has one worksheet
    _write_cover(cover, pack)

    contents = workbook.create_sheet("Contents")
    sheets: list[tuple[str, Table]] = [("Notes", notes_table(pack)), ("Summary", summary_table(pack))]
    sheets += [(table.id, table) for table in pack.tables]
    sheets.append(("Quotes", quotes_table(pack)))
    sheets += [(table.id, table) for table in pack.annex]

    _write_contents(contents, sheets)
    for name, table in sheets:
        _write_table_sheet(workbook.create_sheet(name), table, name)

    built = _moment(pack.meta.built_on)
    properties = workbook.properties
    properties.title = _cover_title(pack)
    properties.creator = pack.meta.forum
    properties.language = "en-GB"
    properties.created = built
    properties.modified = built
    return _save(workbook, pack.meta.built_on)


def _save(workbook: Workbook, built_on: str) -> bytes:
    """The workbook as bytes: its dates as set (``Workbook.save`` would stamp "now"), fixed zip times."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as written:
        members = [(info.filename, written.read(info)) for info in written.infolist()]
    return zip_bytes(members, built_on)


def _moment(built_on: str) -> datetime:
    moment = datetime.fromisoformat(built_on)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# --- cover and contents --------------------------------------------------------------------------


def _cover_title(pack: Pack) -> str:
    return f"{pack.meta.survey}: evidence pack from {pack.meta.forum}"


def _write_cover(sheet: Worksheet, pack: Pack) -> None:
    meta = pack.meta
    sheet.title = "Cover"
    _title(sheet, _cover_title(pack))
    filters = "; ".join(f"{key}: {value}" for key, value in sorted(meta.filters.items()))
    contact = getattr(meta, "contact", "") or f"{meta.forum}, which produced this pack."
    items: list[tuple[str, Cell]] = [
        ("Forum", meta.forum),
        ("Local area", meta.local_area),
        ("Survey", meta.survey),
        ("Survey version(s)", meta.survey_versions),
        ("Fieldwork period", f"{meta.period_from} to {meta.period_to}"),
        ("Responses", meta.responses),
        ("Pack ID", meta.pack_id),
        ("Build date", meta.built_on),
        ("Codebook version", meta.codebook_version if meta.codebook_version is not None else NOT_AVAILABLE),
        ("Responses included", filters or "All responses (no filters)"),
        ("Independence", meta.independence),
        ("Contact", contact),
        ("About this workbook", f"The Contents worksheet lists every table. {SYMBOLS_LINE}"),
    ]
    for row, (label, value) in enumerate(items, start=2):
        label_cell = sheet.cell(row=row, column=1, value=label)
        label_cell.font = BOLD
        _put(sheet, row, 2, value, Column("value", label, "count" if label == "Responses" else "text"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = MAX_WIDTH
    for row in range(2, len(items) + 2):
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _write_contents(sheet: Worksheet, sheets: list[tuple[str, Table]]) -> None:
    _title(sheet, "Contents")
    sheet.cell(row=2, column=1, value=f"{ONE_TABLE} Each worksheet name links to that worksheet.")
    header = 4
    for column, label in enumerate(("Worksheet", "Title"), start=1):
        sheet.cell(row=header, column=column, value=label)
    for row, (name, table) in enumerate(sheets, start=header + 1):
        link = sheet.cell(row=row, column=1, value=name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1", display=name)
        link.style = "Hyperlink"
        _put(sheet, row, 2, table.title, Column("title", "Title"))
    last = header + max(len(sheets), 1)
    _mark_up(sheet, "Contents", header, last, 2)
    _fit_columns(sheet, header, last, 2)


# --- one table per worksheet ---------------------------------------------------------------------


def summary_table(pack: Pack) -> Table:
    """The one-page summary as one table: who answered, headline findings, waits, strengths, caveats,
    questions. Rows that are not findings have [z] (not applicable) in the figure columns."""
    summary = pack.summary
    blank = {key: NOT_APPLICABLE for key in ("count", "base", "percent", "low", "high", "change", "area")}
    rows: list[dict[str, Cell]] = [
        {
            "part": "Who responded",
            "text": summary.who,
            **blank,
            "table": NOT_APPLICABLE,
            "quotes": NOT_APPLICABLE,
        }
    ]
    for number, finding in enumerate(summary.findings, start=1):
        rows.append(
            {
                "part": f"Headline finding {number}",
                "text": finding.text,
                "count": finding.count,
                "base": finding.base,
                "percent": finding.percent,
                "low": finding.low,
                "high": finding.high,
                "change": finding.change,
                "area": finding.framework_area,
                "table": finding.table_id,
                "quotes": ", ".join(finding.quote_ids) or NOT_APPLICABLE,
            }
        )
    waits = f"Waits against the legal and clinical limits: see table {summary.waits_table_id}."
    rows.append(
        {
            "part": "Waiting times",
            "text": waits,
            **blank,
            "table": summary.waits_table_id,
            "quotes": NOT_APPLICABLE,
        }
    )
    for part, texts in (
        ("What is working", summary.working),
        ("Caveat", summary.caveats),
        ("Question to test with leaders", summary.questions),
    ):
        for text in texts:
            rows.append(
                {"part": part, "text": text, **blank, "table": NOT_APPLICABLE, "quotes": NOT_APPLICABLE}
            )
    return Table(
        "Summary",
        "Summary of the evidence pack",
        f"{pack.meta.local_area}, {pack.meta.period_from} to {pack.meta.period_to}",
        (
            Column("part", "Part"),
            Column("text", "Summary"),
            Column("count", "Families", "count"),
            Column("base", "Base", "count"),
            Column("percent", "%", "percent"),
            Column("low", "95% CI lower", "percent"),
            Column("high", "95% CI upper", "percent"),
            Column("change", "Change since the previous pack"),
            Column("area", "Framework area"),
            Column("table", "Table"),
            Column("quotes", "Quotes"),
        ),
        tuple(rows),
    )


def _write_table_sheet(sheet: Worksheet, table: Table, name: str) -> None:
    _title(sheet, table.title)
    sheet.cell(row=2, column=1, value=_text(table.subtitle))
    sheet.cell(row=3, column=1, value=f"{ONE_TABLE} {SYMBOLS_LINE}")
    row = 4
    for note in table.notes:
        sheet.cell(row=row, column=1, value=_text(note))
        row += 1
    header = row
    labels = header_labels(table)
    for column, label in enumerate(labels, start=1):
        sheet.cell(row=header, column=column, value=_text(label)).data_type = "s"
    for offset, values in enumerate(table.rows, start=1):
        for column, spec in enumerate(table.columns, start=1):
            _put(sheet, header + offset, column, values.get(spec.key), spec)
    last = header + max(len(table.rows), 1)  # an Excel table needs a data row, even an empty one
    _mark_up(sheet, name, header, last, len(labels))
    _fit_columns(sheet, header, last, len(labels))


def _mark_up(sheet: Worksheet, name: str, header: int, last: int, columns: int) -> None:
    """Make the range an Excel table (header row, style) and freeze the panes below its header."""
    ref = f"A{header}:{get_column_letter(max(columns, 1))}{last}"
    excel_table = ExcelTable(displayName=_table_name(name), ref=ref)
    excel_table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    sheet.add_table(excel_table)
    sheet.freeze_panes = f"A{header + 1}"
    for column in range(1, columns + 1):
        sheet.cell(row=header, column=column).alignment = Alignment(wrap_text=True, vertical="top")


def _table_name(sheet_name: str) -> str:
    """An Excel table name: letters, digits and underscores, and never a cell reference such as T1."""
    return "Table_" + _UNSAFE_NAME.sub("_", sheet_name)


# --- cells ---------------------------------------------------------------------------------------


def _title(sheet: Worksheet, title: str) -> None:
    cell = sheet.cell(row=1, column=1, value=_text(title))
    cell.data_type = "s"
    cell.font = TITLE_FONT


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(sheet: Worksheet, row: int, column: int, value: Cell, spec: Column) -> None:
    """Write one cell: numbers as numbers with the column's format, text (and symbols) as text."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"  # never a formula, even if it starts with "="
        if spec.kind != "text":
            cell.alignment = Alignment(horizontal="right")  # a symbol lines up with the numbers
        elif len(value) > MAX_WIDTH:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = value
    cell.number_format = _number_format(value, spec)


def _number_format(value: int | float, spec: Column) -> str:
    if spec.kind == "percent":
        return PERCENT_FORMAT
    if isinstance(value, int):
        return COUNT_FORMAT
    if spec.kind == "count":
        return "General"
    digits = repr(value)
    if "e" in digits or "." not in digits:
        return "General"
    places = min(len(digits.split(".")[1]), 6)
    return "0." + "0" * places


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _fit_columns(sheet: Worksheet, header: int, last: int, columns: int) -> None:
    """Widths from the longest header or value (titles above the table may spill over, as they do)."""
    for column in range(1, columns + 1):
        longest = max(
            (
                max(
                    (len(line) for line in _shown(sheet.cell(row=row, column=column).value).splitlines()),
                    default=0,
                )
                for row in range(header, last + 1)
            ),
            default=0,
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
