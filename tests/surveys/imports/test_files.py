"""Reading a CSV or XLSX export into a header and rows of strings, and refusing what is not one."""

from __future__ import annotations

import datetime
import io
import random
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum_app.surveys.imports import files
from forum_app.surveys.imports.files import ImportFileError, Table, read_table
from tests.surveys.imports.factories import GOOGLE, big_csv, csv_bytes, xlsx_bytes

WORDS = [["Timestamp", "Your view"], ["05/03/2024 10:00", "Café, naïve – “quoted” £5 😀"]]


def cells(table: Table) -> list[tuple[str, ...]]:
    return [row.cells for row in table.rows()]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_text_is_read_in_any_utf_encoding_with_or_without_a_byte_order_mark(encoding: str) -> None:
    table = read_table(csv_bytes(WORDS, encoding), "export.csv")
    assert table.header == ("Timestamp", "Your view")  # no byte order mark left on the first name
    assert cells(table) == [tuple(WORDS[1])]


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    data = csv_bytes(WORDS, "utf-16", delimiter="\t")
    assert data.startswith(b"\xff\xfe")
    assert cells(read_table(data, "export.txt")) == [tuple(WORDS[1])]


def test_windows_1252_text_is_read_when_the_file_is_not_utf8() -> None:
    rows = [["Timestamp", "Your view"], ["05/03/2024 10:00", "Café – “quoted” £5"]]
    data = csv_bytes(rows, "cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert cells(read_table(data, "export.csv")) == [tuple(rows[1])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found_from_the_header(delimiter: str) -> None:
    table = read_table(csv_bytes(GOOGLE, delimiter=delimiter), "export.csv")
    assert table.header == tuple(GOOGLE[0])
    assert cells(table)[1][4] == "Speech, language or communication"


def test_ragged_rows_are_padded_or_cut_with_a_note_each() -> None:
    data = b"Timestamp,A,B\r\n05/03/2024,1\r\n06/03/2024,1,2,3\r\n07/03/2024,1,2,,\r\n"
    table = read_table(data, "export.csv")
    assert cells(table) == [("05/03/2024", "1", ""), ("06/03/2024", "1", "2"), ("07/03/2024", "1", "2")]
    assert table.notes == (
        "Row 2 has 2 cells but the header has 3: the missing cells were read as blank.",
        "Row 3 has 4 cells but the header has 3: the cells after column 3 were left out.",
    )  # blank cells past the last column (Excel writes them) need no note


def test_notes_stop_at_a_hundred_and_say_how_many_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_NOTES", 2)
    table = read_table(b"A,B\r\n" + b"1\r\n" * 5, "export.csv")
    assert len(table.notes) == 3 and table.notes[-1] == "3 more rows were mended in the same way."


def test_repeated_column_names_are_made_distinct() -> None:
    data = b"Timestamp,Q,Q,Q (2),Q,,\r\n05/03/2024,a,b,c,d,e,f\r\n"
    assert read_table(data, "export.csv").header == ("Timestamp", "Q", "Q (3)", "Q (2)", "Q (4)", "", "")


def test_blank_rows_are_dropped_and_rows_keep_their_spreadsheet_numbers() -> None:
    data = b"\r\nTimestamp,A\r\n05/03/2024,x\r\n,\r\n06/03/2024,y\r\n\r\n,,\r\n \r\n"
    table = read_table(data, "export.csv")
    assert table.row_count == 2
    assert [(row.number, row.cells) for row in table.rows()] == [
        (3, ("05/03/2024", "x")),
        (5, ("06/03/2024", "y")),
    ]


def test_a_cell_may_hold_new_lines_and_quotes() -> None:
    data = b'Timestamp,A\r\n05/03/2024,"line one\r\nline ""two"""\r\n'
    assert cells(read_table(data, "export.csv")) == [("05/03/2024", 'line one\r\nline "two"')]


def test_formula_looking_cells_are_kept_as_text() -> None:
    rows = [["Timestamp", "A"], ["05/03/2024", "=1+1"], ["05/03/2024", "+44"], ["05/03/2024", "@SUM(A1)"]]
    assert [row[1] for row in cells(read_table(csv_bytes(rows), "a.csv"))] == ["=1+1", "+44", "@SUM(A1)"]


def test_xlsx_values_are_read_as_text() -> None:
    when = datetime.datetime(2024, 3, 5, 10, 14, 22)
    data = xlsx_bytes([["Completion time", "N", "F", "B", "Formula"], [when, 12, 2.5, True, "=1+1"]])
    table = read_table(data, "export.xlsx")
    assert cells(table) == [("2024-03-05 10:14:22", "12", "2.5", "TRUE", "=1+1")]


def test_xlsx_rows_shorter_than_the_header_need_no_note() -> None:
    table = read_table(
        xlsx_bytes([["Timestamp", "A", "B"], ["05/03/2024", "x"], [], ["06/03/2024"]]), "a.xlsx"
    )
    assert cells(table) == [("05/03/2024", "x", ""), ("06/03/2024", "", "")]
    assert table.notes == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"\r\n,,,\r\n", "The file is empty: it has no rows."),
        (b"Timestamp,Q\r\n", "The file has column names but no responses under them."),
        (b"Timestamp,Q\r\n,\r\n\r\n", "The file has column names but no responses under them."),
        (b"12,2024-03-05\r\n13,2024-03-06\r\n", "The first row should hold the column names"),
        (random.Random(7).randbytes(4096), "The file “export.csv” is not a spreadsheet"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "The file “export.csv” is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "This is an old Excel .xls file"),
        (b"PK\x03\x04 not really a zip", "This file is not an Excel workbook that can be read"),
        (
            b'Timestamp,Q\r\n05/03/2024,"x' + b"y" * (files.MAX_CELL_CHARS + 10) + b'"\r\n',
            "Row 2 has a cell longer",
        ),
    ],
)
def test_a_file_that_is_not_a_readable_export_gets_one_plain_sentence(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "export.csv")
    assert str(refused.value).startswith(message)


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_table(out.getvalue(), "export.xlsx")


def test_files_over_the_limits_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert files.MAX_ROWS >= 200_000 and files.MAX_FILE_BYTES >= 50 * 1024 * 1024
    data = csv_bytes(GOOGLE)
    monkeypatch.setattr(files, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows of responses"):
        read_table(data, "export.csv")
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="the largest this service reads"):
        read_table(data, "export.csv")
    monkeypatch.setattr(files, "MAX_COLUMNS", 3)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10_000)
    with pytest.raises(ImportFileError, match="7 columns; the most this service reads is 3"):
        read_table(data, "export.csv")


def test_fifty_thousand_rows_of_thirty_columns_are_read() -> None:
    table = read_table(big_csv(50_000, 28), "export.csv")
    assert table.row_count == 50_000 and len(table.header) == 30
    assert sum(1 for _ in table.rows()) == 50_000


def test_rows_are_read_one_at_a_time_never_as_a_copy_of_the_file() -> None:
    data = big_csv(10_000, 28)
    tracemalloc.start()
    try:
        table = read_table(data, "export.csv")
        assert sum(1 for _ in table.rows()) == 10_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(data) // 4


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(lambda text: text.encode("utf-8")),
        st.lists(st.lists(st.text(max_size=8), max_size=4), max_size=4).map(csv_bytes),
        st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
    ),
    st.sampled_from(["export.csv", "export.xlsx", "export.txt"]),
)
def test_any_bytes_give_a_table_or_an_import_file_error(data: bytes, filename: str) -> None:
    try:
        table = read_table(data, filename)
    except ImportFileError as refused:
        assert str(refused).endswith(".")
        return
    assert table.row_count == sum(1 for _ in table.rows())
    assert all(len(row.cells) == len(table.header) for row in table.rows())
