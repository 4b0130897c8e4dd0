"""The pack as tidy CSV files in one zip, and the tabular pieces the spreadsheet shares with it.

``render_csv_zip(pack)`` gives a zip holding ``T1.csv``, ``T2.csv``... (one per table), ``quotes.csv``
(the Q register), ``notes.csv`` (symbols, the interval wording, disclosure rules, methodology and
glossary), and the annex: ``codebook.csv`` and ``questionnaire.csv``. Each file is UTF-8 with a byte order
mark (so Excel reads it as UTF-8), one header row of column labels, then one row per table row: no title
rows, nothing merged. Counts and percentages are plain numbers (percentages to 1 decimal place),
symbols such as ``[c]`` are written as they are, an empty cell is empty. A text cell that a spreadsheet
would run as a formula gets an apostrophe in front (``guard_cell``, as for codebook exports).

The same pack gives the same bytes: members are written in a fixed order with a fixed timestamp (the
pack's build date). ``zip_bytes`` does this for the XLSX renderer too.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

from forum_app.codebook.files import guard_cell
from forum_app.packs.contents import CI_WORDING, SYMBOLS, Cell, Column, Pack, Table
from forum_app.spreadsheets import unique_labels

DISCLOSURE_RULES = (
    "Every figure passed disclosure control before any percentage or interval was worked out: counts of "
    "1 to 7 are shown as [c], all other counts are rounded to the nearest 5 and zero stays 0; totals are "
    "rounded from unrounded values; percentages and intervals are worked out from the rounded counts; a "
    "statistic over 7 or fewer values is not shown. A forum may set stricter rules."
)
NOTES_ID = "Notes"
QUOTES_ID = "Quotes"


# --- tables shared by the CSV and XLSX renderers -------------------------------------------------


def notes_table(pack: Pack) -> Table:
    """Symbols, the fixed interval wording, the disclosure rules, methodology and glossary, one per row."""
    rows: list[dict[str, Cell]] = []

    def add(topic: str, item: str, text: str) -> None:
        rows.append({"topic": topic, "item": item, "text": text})

    for symbol, meaning in {**SYMBOLS, **pack.symbols}.items():
        add("Symbol", symbol, meaning)
    add("Confidence intervals", "95% confidence interval", CI_WORDING)
    add("Disclosure control", "Rules", DISCLOSURE_RULES)
    for section in pack.methodology:
        for paragraph in section.paragraphs:
            add("Methodology", section.heading, paragraph)
    for term, definition in pack.glossary:
        add("Glossary", term, definition)
    return Table(
        NOTES_ID,
        "Notes: symbols, uncertainty, disclosure control and methodology",
        "What the symbols in the tables mean, how the figures were protected and how the survey was run",
        (Column("topic", "Topic"), Column("item", "Item"), Column("text", "Explanation")),
        tuple(rows),
    )


def quotes_table(pack: Pack) -> Table:
    """The Q register (PACK.md's columns first), then each quote's theme, words and how many comments it
    stands for. Consent is "Y" for every quote, as none is shown without it; the approval is a role and
    a day, never a person or a time."""
    return Table(
        QUOTES_ID,
        "What families say: the quote register",
        "Approved, consented and redacted quotes, with their words and how many comments each stands for",
        (
            Column("quote_id", "Quote ID"),
            Column("theme_id", "Theme ID"),
            Column("framework_area", "Framework area"),
            Column("sentiment", "Sentiment"),
            Column("descriptor", "Descriptor"),
            Column("words", "Words", "count"),
            Column("consent", "Consent"),
            Column("redactions", "Redactions", "count"),
            Column("approved_by_role", "Approved by (role)"),
            Column("approved_date", "Approved date"),
            Column("theme", "Theme"),
            Column("text", "Quote"),
            Column("of_comments", "Comments on this theme"),
            Column("minority", "One family's view"),
        ),
        tuple(
            {
                "quote_id": quote.id,
                "theme_id": quote.theme_id,
                "framework_area": quote.framework_area,
                "sentiment": quote.sentiment,
                "descriptor": quote.descriptor,
                "words": quote.words,
                "consent": "Y",
                "redactions": quote.redactions,
                "approved_by_role": quote.approved_by_role,
                "approved_date": quote.approved_on,
                "theme": quote.theme_label,
                "text": quote.text,
                "of_comments": quote.of_comments,
                "minority": "Yes" if quote.minority else "No",
            }
            for quote in pack.quotes
        ),
    )


def header_labels(table: Table) -> list[str]:
    """Column labels on one line each, made unique as Excel wants them (``spreadsheets.unique_labels``)."""
    return unique_labels((column.label, column.key) for column in table.columns)


# --- CSV -----------------------------------------------------------------------------------------


def csv_text(table: Table) -> str:
    """One table as tidy CSV, starting with a byte order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard_cell(label) for label in header_labels(table)])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(column.key), column) for column in table.columns])
    return "\ufeff" + out.getvalue()


def _csv_cell(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_cell(value)
    if isinstance(value, float) and column.kind == "percent":
        return f"{value:.1f}"
    return repr(value)


def csv_files(pack: Pack) -> dict[str, bytes]:
    """File name -> bytes, in the order they go into the zip."""
    files = {f"{table.id}.csv": csv_text(table).encode("utf-8") for table in pack.tables}
    files["quotes.csv"] = csv_text(quotes_table(pack)).encode("utf-8")
    files["notes.csv"] = csv_text(notes_table(pack)).encode("utf-8")
    for table in pack.annex:
        files[f"{table.id.lower()}.csv"] = csv_text(table).encode("utf-8")
    return files


def render_csv_zip(pack: Pack) -> bytes:
    return zip_bytes(csv_files(pack).items(), pack.meta.built_on)


# --- zips that are the same bytes every time -----------------------------------------------------


def zip_stamp(built_on: str) -> tuple[int, int, int, int, int, int]:
    """The zip member timestamp for a pack built on ``built_on`` (an ISO date or date and time)."""
    moment = datetime.fromisoformat(built_on)
    year = max(1980, moment.year)  # the earliest date a zip can hold
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


def zip_bytes(members: Iterable[tuple[str, bytes]], built_on: str) -> bytes:
    """A deflated zip of the members in the order given, every one stamped with the build date."""
    stamp = zip_stamp(built_on)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whichever system built it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
