"""The annex formats: XLSX (Analysis Function layout), tidy CSV zip, JSON with its schema, the manifest."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from forum_app.packs.annex import codebook_table, questionnaire_table
from forum_app.packs.contents import (
    SUPPRESSED,
    Bar,
    Chart,
    Column,
    Finding,
    Meta,
    Pack,
    Quote,
    Section,
    Summary,
    Table,
)
from forum_app.packs.manifest import manifest, software_version
from forum_app.packs.render_csv import header_labels, render_csv_zip
from forum_app.packs.render_json import load_json, render_json
from forum_app.packs.render_xlsx import render_xlsx
from tests.packs.sample import sample_pack

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "pack-schema.json"
FIXED_STAMP = (2026, 11, 23, 0, 0, 0)


def risky_pack() -> Pack:
    """The sample with formula-like text in a table cell and a quote."""
    pack = sample_pack()
    t1 = pack.table("T1")
    rows = (*t1.rows, {**t1.rows[0], "area": "=HYPERLINK(1)", "respondents": SUPPRESSED})
    quote = dataclasses.replace(pack.quotes[0], descriptor="-ish, @home +more")
    tables = tuple(dataclasses.replace(t, rows=rows) if t.id == "T1" else t for t in pack.tables)
    return dataclasses.replace(pack, tables=tables, quotes=(quote, *pack.quotes[1:]))


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table_of(sheet: Worksheet) -> Any:
    (table,) = sheet.tables.values()
    return table


def header_row(sheet: Worksheet) -> int:
    return int(table_of(sheet).ref.split(":")[0][1:])


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_sheets_in_order_with_titles_in_a1() -> None:
    pack = sample_pack()
    book = workbook(render_xlsx(pack))
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Summary", "T1", "T2", "T3", "Quotes"]
    for sheet in book.worksheets:
        assert isinstance(sheet["A1"].value, str) and sheet["A1"].value
        assert not sheet.merged_cells.ranges
    for table in pack.tables:
        sheet = book[table.id]
        assert sheet["A1"].value == table.title
        assert sheet["A2"].value == table.subtitle
        assert sheet["A3"].value.startswith("This worksheet contains one table.")


def test_xlsx_cover_has_one_item_per_row() -> None:
    pack = sample_pack()
    cover = workbook(render_xlsx(pack))["Cover"]
    items = {row[0]: row[1] for row in cover.iter_rows(min_row=2, values_only=True)}
    assert pack.meta.forum in cover["A1"].value
    assert items["Forum"] == pack.meta.forum
    assert items["Local area"] == pack.meta.local_area
    assert items["Pack ID"] == pack.meta.pack_id
    assert items["Build date"] == pack.meta.built_on
    assert items["Codebook version"] == 1
    assert items["Responses"] == 215
    assert items["Fieldwork period"] == "2026-04-01 to 2026-09-30"
    assert items["Independence"] == pack.meta.independence
    assert items["Contact"]
    assert not cover.tables


def test_xlsx_contents_links_every_later_sheet() -> None:
    book = workbook(render_xlsx(sample_pack()))
    contents = book["Contents"]
    start = header_row(contents)
    assert [c.value for c in contents[start]][:2] == ["Worksheet", "Title"]
    links = [
        (row[0].value, row[0].hyperlink.location, row[1].value)
        for row in contents.iter_rows(min_row=start + 1)
        if row[0].value
    ]
    assert [name for name, _, _ in links] == book.sheetnames[2:]
    assert all(location == f"'{name}'!A1" for name, location, _ in links)
    assert ("T2", "'T2'!A1", "Themes in families' own words") in links


def test_xlsx_tables_are_excel_tables_with_typed_cells() -> None:
    pack = sample_pack()
    book = workbook(render_xlsx(pack))
    names = set()
    for sheet in book.worksheets[1:]:
        table = table_of(sheet)
        names.add(table.displayName)
        assert table.tableStyleInfo.name
        assert table.headerRowCount in (None, 1)
        start = header_row(sheet)
        assert sheet.freeze_panes == f"A{start + 1}"
    assert len(names) == len(book.worksheets) - 1

    t2 = pack.table("T2")
    sheet = book["T2"]
    start = header_row(sheet)
    headers = [cell.value for cell in sheet[start]]
    assert headers == [column.label for column in t2.columns]
    assert len(set(headers)) == len(headers)
    assert table_of(sheet).ref == f"A{start}:L{start + len(t2.rows)}"
    first, *_, suppressed = list(sheet.iter_rows(min_row=start + 1, max_row=start + len(t2.rows)))
    by_label = dict(zip(headers, first, strict=True))
    assert by_label["Families mentioning"].value == 120 and by_label["Families mentioning"].data_type == "n"
    assert by_label["%"].value == 60 and by_label["%"].data_type == "n"
    assert by_label["%"].number_format == "0.0"
    assert by_label["95% CI lower"].value == pytest.approx(53.1)
    assert by_label["Kappa (second coder)"].value == pytest.approx(0.71)
    suppressed_cells = dict(zip(headers, suppressed, strict=True))
    assert suppressed_cells["Families mentioning"].value == "[c]"
    assert suppressed_cells["Families mentioning"].data_type == "s"
    assert suppressed_cells["Kappa (second coder)"].value == "[x]"
    for column in "ABCDEFGHIJKL":
        assert 8 <= sheet.column_dimensions[column].width <= 60


def test_xlsx_notes_summary_and_quotes() -> None:
    pack = sample_pack()
    book = workbook(render_xlsx(pack))
    notes = [row for row in book["Notes"].iter_rows(values_only=True)]
    items = {row[1] for row in notes}
    assert {"[c]", "[x]", "[z]", "[u]"} <= items
    assert any(row[2] and row[2].startswith("The interval shows how much") for row in notes)
    assert any(row[0] == "Disclosure control" for row in notes)
    assert (
        "Methodology",
        "How the survey was run",
        "An online survey, anonymous, open to all families.",
    ) in notes

    summary = book["Summary"]
    rows = list(summary.iter_rows(min_row=header_row(summary) + 1, values_only=True))
    finding = next(row for row in rows if row[0] == "Headline finding 1")
    assert finding[1:7] == ("Most families reported long waits", 120, 200, 60, pytest.approx(53.1), 66.5)
    assert rows[0][0] == "Who responded" and rows[0][2] == "[z]"

    quotes = book["Quotes"]
    start = header_row(quotes)
    assert [c.value for c in quotes[start]][:2] == ["Quote ID", "Theme ID"]
    q1 = [c.value for c in quotes[start + 1]]
    assert q1 == [
        "Q-001",
        "waiting_times",
        "Identifying needs",
        "negative",
        "parent, secondary age",
        11,
        "Y",
        1,
        "lead",
        "2026-10-02",
        "Waiting times",
        "We waited 14 months for [service] and nobody told us anything.",
        "1 of 120 comments on this theme",
        "No",
    ]


def test_xlsx_formula_like_text_stays_text() -> None:
    book = workbook(render_xlsx(risky_pack()))
    cells = [cell for row in book["T1"].iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_annex_codebook_and_questionnaire_are_the_last_sheets_and_csv_files() -> None:
    pack = sample_pack()
    assert "Codebook" not in workbook(render_xlsx(pack)).sheetnames
    codebook = codebook_table(
        (
            SimpleNamespace(
                theme_id="waiting_times",
                label="Waiting times",
                framework_areas=["a1"],
                definition="Waits.",
            ),
        ),
        {"a1": "(1) Identifying needs"},
        3,
    )
    questions: dict[str, dict[str, Any]] = {
        "services_waited": {
            "key": "services_waited",
            "type": "checkboxes",
            "title": "Which of these has your family waited for?",
            "options": [{"value": "ehcna", "label": "EHC needs assessment"}, {"value": "ot", "label": "OT"}],
        },
        "wait_ehcna": {
            "key": "wait_ehcna",
            "type": "duration",
            "title": "How long did you wait?",
            "show_if": {"question": "services_waited", "any_of": ["ehcna"]},
        },
    }
    with_annex = dataclasses.replace(pack, annex=(codebook, questionnaire_table(questions, "1")))
    book = workbook(render_xlsx(with_annex))
    assert book.sheetnames[-2:] == ["Codebook", "Questionnaire"]
    sheet = book["Codebook"]
    start = header_row(sheet)
    assert [c.value for c in sheet[start + 1]] == [
        "waiting_times",
        "Waiting times",
        "(1) Identifying needs",
        "Waits.",
    ]
    sheet = book["Questionnaire"]
    start = header_row(sheet)
    asked = [[c.value for c in sheet[start + n]] for n in (1, 2)]
    assert asked[0][:6] == [
        "services_waited",
        "One or more answers",
        "Which of these has your family waited for?",
        None,
        "EHC needs assessment; OT",
        "Everyone",
    ]
    assert asked[1][5] == "Families who answered 'EHC needs assessment' to services_waited"
    names = zipfile.ZipFile(io.BytesIO(render_csv_zip(with_annex))).namelist()
    assert names[-2:] == ["codebook.csv", "questionnaire.csv"]
    assert load_json(render_json(with_annex)) == with_annex


# --- CSV -----------------------------------------------------------------------------------------


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_csv_zip_has_one_tidy_file_per_table() -> None:
    pack = sample_pack()
    files = read_zip(render_csv_zip(pack))
    assert list(files) == ["T1.csv", "T2.csv", "T3.csv", "quotes.csv", "notes.csv"]
    for name, data in files.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
    for table in pack.tables:
        rows = list(csv.reader(io.StringIO(files[f"{table.id}.csv"].decode("utf-8-sig"))))
        assert rows[0] == header_labels(table)
        assert len(rows) == len(table.rows) + 1
    t2 = list(csv.DictReader(io.StringIO(files["T2.csv"].decode("utf-8-sig"))))
    assert t2[0]["Families mentioning"] == "120"
    assert t2[0]["%"] == "60.0"
    assert t2[3]["Families mentioning"] == "[c]"
    notes = files["notes.csv"].decode("utf-8-sig")
    for symbol in ("[c]", "[x]", "[z]", "[u]"):
        assert f"Symbol,{symbol}," in notes


def test_csv_guards_formula_like_text() -> None:
    files = read_zip(render_csv_zip(risky_pack()))
    t1 = list(csv.DictReader(io.StringIO(files["T1.csv"].decode("utf-8-sig"))))
    assert t1[-1]["Framework area"] == "'=HYPERLINK(1)"
    quotes = list(csv.DictReader(io.StringIO(files["quotes.csv"].decode("utf-8-sig"))))
    assert quotes[0]["Descriptor"] == "'-ish, @home +more"
    assert quotes[0]["Quote ID"] == "Q-001"


# --- JSON ----------------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_json_round_trips_sorted_and_ends_with_new_line() -> None:
    pack = sample_pack()
    data = render_json(pack)
    assert data.endswith(b"}\n")
    document = json.loads(data)
    assert data.decode("utf-8") == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert load_json(data) == pack
    assert document["tables"][1]["rows"][3]["respondents"] == "[c]"
    assert isinstance(document["tables"][1]["rows"][0]["respondents"], int)


def test_json_matches_the_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    validator = jsonschema.Draft202012Validator(schema())
    validator.validate(json.loads(render_json(sample_pack())))
    broken = json.loads(render_json(sample_pack()))
    broken["tables"][0]["columns"][0]["kind"] = "pie"
    assert not validator.is_valid(broken)


@pytest.mark.parametrize(
    ("definition", "model"),
    [
        ("meta", Meta),
        ("summary", Summary),
        ("finding", Finding),
        ("table", Table),
        ("column", Column),
        ("chart", Chart),
        ("bar", Bar),
        ("quote", Quote),
        ("section", Section),
    ],
)
def test_schema_documents_every_field(definition: str, model: type) -> None:
    properties = schema()["$defs"][definition]["properties"]
    assert set(properties) == {field.name for field in dataclasses.fields(model)}


def test_schema_documents_every_pack_field() -> None:
    assert set(schema()["properties"]) == {field.name for field in dataclasses.fields(Pack)}


# --- manifest and determinism --------------------------------------------------------------------


def test_manifest_hashes_match_the_bytes() -> None:
    pack = sample_pack()
    files = {"pack.xlsx": render_xlsx(pack), "pack.zip": render_csv_zip(pack), "pack.json": render_json(pack)}
    document = json.loads(manifest(files, pack))
    assert document["pack_id"] == pack.meta.pack_id
    assert document["built_on"] == "2026-11-23"
    assert document["period"] == {"from": "2026-04-01", "to": "2026-09-30"}
    assert document["codebook_version"] == 1
    assert document["filters"] == {}
    assert document["software"]["version"] == software_version() != "unknown"
    assert [entry["name"] for entry in document["files"]] == sorted(files)
    for entry in document["files"]:
        data = files[entry["name"]]
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest(files, pack) == manifest(dict(reversed(files.items())), pack)


@pytest.mark.parametrize("render", [render_xlsx, render_csv_zip, render_json])
def test_same_pack_same_bytes(render: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(sample_pack())
    later = 2_000_000_000.0  # 2033: any clock reading the renderer might take would differ
    monkeypatch.setattr("time.time", lambda: later)
    assert render(sample_pack()) == first


@pytest.mark.parametrize("render", [render_xlsx, render_csv_zip])
def test_zip_members_carry_the_build_date(render: Any) -> None:
    with zipfile.ZipFile(io.BytesIO(render(sample_pack()))) as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_STAMP}


def test_xlsx_document_dates_are_the_build_date() -> None:
    properties = workbook(render_xlsx(sample_pack())).properties
    assert properties.created is not None and properties.created.date().isoformat() == "2026-11-23"
    assert properties.modified == properties.created


def test_repeated_column_labels_are_made_unique() -> None:
    pack = sample_pack()
    t1 = pack.table("T1")
    columns = (*t1.columns[:2], dataclasses.replace(t1.columns[2], label="families"), *t1.columns[3:])
    tables = tuple(dataclasses.replace(t, columns=columns) if t.id == "T1" else t for t in pack.tables)
    book = workbook(render_xlsx(dataclasses.replace(pack, tables=tables)))
    sheet = book["T1"]
    assert [c.value for c in sheet[header_row(sheet)]][:3] == ["Framework area", "Families", "families (2)"]
