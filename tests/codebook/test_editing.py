"""A forum's codebook as files and versions: export, import (all or nothing), edits and the CLI."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.codebook.editing import (
    CodebookInputError,
    CodebookSnapshot,
    default_snapshot,
    history,
    load_snapshot,
    normalise,
    update_theme,
)
from forum_app.codebook.files import (
    CSV_COLUMNS,
    MAX_FILE_BYTES,
    export_csv,
    export_json,
    guard_cell,
    import_codebook,
    parse_import,
    unguard_cell,
)
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import ThemeFields, current_version, ensure_codebook
from tests.factories import make_forum

IDS = default_codebook().ids
AREAS = tuple(area for area, _label in default_codebook().framework_areas)


def _shipped() -> list[ThemeFields]:
    return [normalise(theme) for theme in default_snapshot().themes]


def _snapshot(themes: list[ThemeFields], number: int = 3) -> CodebookSnapshot:
    return replace(default_snapshot(), themes=tuple(themes), number=number)


def _changed(index: int, **changes: object) -> list[ThemeFields]:
    themes = _shipped()
    themes[index] = replace(themes[index], **changes)  # type: ignore[arg-type]
    return themes


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _shipped_csv_rows() -> list[list[str]]:
    return _csv_rows(export_csv(default_snapshot()))


def _json_document() -> dict[str, object]:
    document: dict[str, object] = json.loads(export_json(default_snapshot(), "demo"))
    return document


def _errors(data: bytes, kind: str) -> list[str]:
    result = parse_import(data, kind)
    assert not result.ok and result.themes == []
    return result.errors


def _versions(session: Session, forum_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(CodebookVersion).where(CodebookVersion.forum_id == forum_id)
        )
        or 0
    )


# --- export and round trips ----------------------------------------------------------------------

TRICKY = ThemeFields(
    "waiting_times",
    '=HYPERLINK("http://evil.example","Waits")',
    '+Definition, with "quotes", commas;\nand a second line — café, ليس, 🙂',
    ("right_help", "identification_assessment"),
    ("-minus first", "@at first", "waiting list", "'=already quoted", "wait* ..for"),
)


def test_json_export_has_the_documented_shape() -> None:
    document = _json_document()
    assert list(document) == ["format", "format_version", "forum", "version", "themes"]
    assert document["format"] == "forum-codebook" and document["format_version"] == 1
    assert document["forum"] == "demo" and document["version"] == 1
    themes = document["themes"]
    assert isinstance(themes, list) and [theme["id"] for theme in themes] == list(IDS)
    assert set(themes[0]) == {"id", "label", "definition", "framework_areas", "indicators"}


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_the_shipped_codebook_survives_a_round_trip(kind: str) -> None:
    text = export_json(default_snapshot()) if kind == "json" else export_csv(default_snapshot())
    result = parse_import(text.encode("utf-8"), f"codebook.{kind}")
    assert result.ok, result.errors
    assert result.themes == _shipped()


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_tricky_text_survives_a_round_trip(kind: str) -> None:
    themes = _shipped()
    themes[0] = normalise(TRICKY)
    snapshot = _snapshot(themes)
    text = export_json(snapshot) if kind == "json" else export_csv(snapshot)
    result = parse_import(text.encode("utf-8"), kind)
    assert result.ok, result.errors
    assert result.themes == themes
    assert result.themes[0].framework_areas == ("identification_assessment", "right_help")  # codebook order


def test_csv_export_opens_in_excel_one_row_a_theme() -> None:
    text = export_csv(default_snapshot())
    assert text.startswith("\ufefftheme_id,label,definition,framework_areas,indicators\r\n")
    rows = _csv_rows(text)
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == 17
    waiting = rows[1]
    shipped = default_codebook().theme("waiting_times")
    assert waiting[0] == "waiting_times" and waiting[1] == shipped.label
    assert waiting[3] == "; ".join(shipped.framework_areas)
    assert waiting[4] == "; ".join(shipped.indicators)


def test_csv_export_guards_against_formulas() -> None:
    themes = _shipped()
    themes[0] = normalise(TRICKY)
    rows = _csv_rows(export_csv(_snapshot(themes)))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[1][1] == "'" + TRICKY.label
    assert rows[1][2].startswith("'+Definition")
    assert rows[1][4].startswith("'-minus first; @at first")  # the cell is guarded, not each phrase
    # The guard is undone exactly, even for text that already starts with apostrophes.
    for text in ["=1+2", "'=1", "''@x", "'plain", "plain", "-", "", "\tTab"]:
        assert unguard_cell(guard_cell(text)) == text
        assert guard_cell(text)[:1] not in ("=", "+", "-", "@", "\t")


# --- problems in files, each with its row ----------------------------------------------------------


def test_an_unknown_framework_area_names_its_row_and_theme() -> None:
    rows = _shipped_csv_rows()
    rows[4][3] = "right_help; foo"
    errors = _errors(_write_csv(rows), "codebook.csv")
    assert errors == [f"Row 5 ({IDS[3]}): framework area 'foo' is not one of: {', '.join(AREAS)}."]


def test_unknown_duplicate_and_missing_theme_ids_are_errors() -> None:
    rows = _shipped_csv_rows()
    rows[2][0] = "waiting_times"  # row 3 repeats row 2, so provision_gaps is missing
    rows[3][0] = "brand_new_theme"  # row 4: ehcp_quality is missing too
    errors = _errors(_write_csv(rows), "codebook.csv")
    assert errors[0] == "Row 3 (waiting_times): this theme is already in row 2."
    assert errors[1].startswith(
        "Row 4 (brand_new_theme): theme id 'brand_new_theme' is not one of the 16 themes"
    )
    assert errors[2].startswith("The file has no row for provision_gaps, ehcp_quality.")
    assert len(errors) == 3


def test_json_problems_name_the_theme_by_its_number() -> None:
    document = _json_document()
    themes = document["themes"]
    assert isinstance(themes, list)
    themes[1]["label"] = "   "
    themes[2]["indicators"] = "not a list"
    del themes[3]["definition"]
    themes[4]["framework_areas"] = ["nowhere"]
    themes.append(dict(themes[0]))
    themes[5] = "not an object"
    themes[6] = {"label": "no id"}
    errors = _errors(json.dumps(document).encode(), "json")
    assert errors == [
        f"Theme 2 ({IDS[1]}): the label is empty.",
        f'Theme 3 ({IDS[2]}): "indicators" must be a list of text, like ["a", "b"].',
        f'Theme 4 ({IDS[3]}): "definition" is missing.',
        f"Theme 5 ({IDS[4]}): framework area 'nowhere' is not one of: {', '.join(AREAS)}.",
        "Theme 6: must be an object with id, label, definition, framework_areas, indicators.",
        'Theme 7: has no "id".',
        f"Theme 17 ({IDS[0]}): this theme is already in theme 1.",
        f"The file has no theme for {IDS[5]}, {IDS[6]}. Every one of the 16 themes must be in it "
        "(theme ids cannot be left out).",
    ]


def test_limits_on_labels_definitions_and_phrases() -> None:
    rows = _shipped_csv_rows()
    rows[1][1] = "L" * 201
    rows[2][2] = "D" * 5001
    rows[3][4] = "; ".join(f"phrase {n}" for n in range(201))
    rows[4][4] = "fine; " + "p" * 101
    rows[5][1] = "A" * 200  # exactly at the limit: fine
    errors = _errors(_write_csv(rows), "csv")
    assert errors == [
        f"Row 2 ({IDS[0]}): the label must be 200 characters or fewer (it has 201).",
        f"Row 3 ({IDS[1]}): the definition must be 5,000 characters or fewer (it has 5,001).",
        f"Row 4 ({IDS[2]}): there are 201 indicator phrases; a theme can have up to 200.",
        f"Row 5 ({IDS[3]}): indicator phrase '{'p' * 39}…' must be 100 characters or fewer (it has 101).",
    ]


@pytest.mark.parametrize(
    ("data", "kind", "expected"),
    [
        (b"", "codebook.csv", "The file is empty."),
        (b"  \r\n", "codebook.json", "The file is empty."),
        (b"x" * (MAX_FILE_BYTES + 1), "codebook.csv", "The file is 1.0 MB; the largest is 1 MB."),
        (b"PK\x03\x04rest of a zip", "codebook.xlsx", "This looks like an Excel workbook (.xlsx)."),
        (
            "theme_id,label\r\ncaf\u00e9".encode("latin-1"),
            "codebook.csv",
            "Line 2: the file is not UTF-8 text.",
        ),
        (b'{\n  "themes": [\n    {"id": }\n]}', "codebook.json", "Line 3, column 12: this is not valid JSON"),
        (b"[1, 2]", "codebook.json", 'The file must be a JSON object with a "themes" list'),
        (b'{"format": "something-else", "themes": []}', "x.json", 'The "format" is "something-else"'),
        (b'{"format_version": 2, "themes": []}', "x.json", 'The file is "format_version" 2;'),
        (b'{"version": 3}', "x.json", 'The file has no "themes" list.'),
        (
            b"id,name,text\r\nwaiting_times,a,b\r\n",
            "codebook.csv",
            "Row 1: the first row must name the columns",
        ),
        (b'theme_id,label,definition,framework_areas,indicators\r\n"unclosed,a\r\n', "c.csv", "Line 2:"),
    ],
)
def test_files_that_cannot_be_read_say_why(data: bytes, kind: str, expected: str) -> None:
    errors = _errors(data, kind)
    assert errors[0].startswith(expected), errors


def test_a_row_with_the_wrong_number_of_cells_is_an_error() -> None:
    rows = _shipped_csv_rows()
    rows[6] = rows[6][:3]
    rows[7] = [*rows[7], "extra"]
    errors = _errors(_write_csv(rows), "csv")
    assert errors[0].startswith("Row 7: has 3 cells; every row needs 5")
    assert errors[1].startswith("Row 8: has 6 cells; every row needs 5")


def test_spreadsheet_habits_are_read_correctly() -> None:
    """Semicolons between columns (Excel in some countries), blank rows at the end, columns in another
    order, and list cells with or without a space after each ";"."""
    rows = _shipped_csv_rows()
    order = [1, 0, 4, 3, 2]
    moved = [[row[i] for i in order] for row in rows]
    moved[1][3] = "right_help;identification_assessment"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([*moved, ["", "", "", "", ""], []])
    result = parse_import(out.getvalue().encode("utf-8"), "from-excel.csv")  # no byte order mark
    assert result.ok, result.errors
    assert result.themes == _shipped()


def test_json_or_csv_is_told_by_the_content_when_the_name_does_not_say() -> None:
    assert parse_import(export_json(default_snapshot()).encode(), "codebook.txt").ok
    assert parse_import(export_csv(default_snapshot()).encode(), "codebook").ok


def test_a_very_broken_file_lists_a_hundred_problems_then_stops() -> None:
    rows = [list(CSV_COLUMNS)] + [[f"theme_{n}", "x", "", "", ""] for n in range(300)]
    errors = _errors(_write_csv(rows), "csv")
    assert len(errors) == 101 and errors[-1] == "There are more problems; the first 100 are listed."


# --- versions: all or nothing ----------------------------------------------------------------------


def test_a_failing_import_writes_nothing(db_session: Session) -> None:
    forum = make_forum(db_session)
    ensure_codebook(db_session, forum.id)
    db_session.commit()
    rows = _shipped_csv_rows()
    for row in rows[1:16]:
        row[1] = "Changed " + row[1]  # fifteen good changes ...
    rows[16][3] = "foo"  # ... and one bad cell in the last row
    result = import_codebook(db_session, forum.id, None, _write_csv(rows), "codebook.csv")
    assert result.status == "invalid" and result.errors[0].startswith(f"Row 17 ({IDS[15]}):")
    db_session.expire_all()
    assert _versions(db_session, forum.id) == 1
    version = current_version(db_session, forum.id)
    assert version is not None and version.version == 1
    assert [row.label for row in version.themes] == [theme.label for theme in _shipped()]


def test_a_failing_import_into_a_forum_without_a_codebook_writes_nothing(db_session: Session) -> None:
    forum = make_forum(db_session)
    result = import_codebook(db_session, forum.id, None, b"theme_id\r\n", "codebook.csv")
    assert result.status == "invalid"
    assert _versions(db_session, forum.id) == 0


def test_an_import_makes_one_new_version_and_a_second_identical_one_makes_none(db_session: Session) -> None:
    forum, other = make_forum(db_session), make_forum(db_session, "other", "Other Forum")
    themes = _changed(2, label="Plans", indicators=("woolly plan", "not specific"))
    data = export_csv(_snapshot(themes)).encode()
    result = import_codebook(db_session, forum.id, None, data, "shared.csv", note="From Northshire")
    assert (result.status, result.version) == ("saved", 2)  # version 1 is the shipped codebook
    rows = history(db_session, forum.id)
    assert [(row.number, row.source_label, row.note) for row in rows] == [
        (2, "Imported", "From Northshire"),
        (1, "Shipped 16 themes", "The 16 inspection themes"),
    ]
    snapshot = load_snapshot(db_session, forum.id)
    assert snapshot is not None and list(snapshot.themes) == themes
    again = import_codebook(db_session, forum.id, None, export_json(snapshot).encode(), "json")
    assert (again.status, again.version) == ("unchanged", 2)
    assert _versions(db_session, forum.id) == 2
    assert _versions(db_session, other.id) == 0  # another forum's codebook is its own


def test_importing_the_shipped_codebook_into_a_new_forum_changes_nothing(db_session: Session) -> None:
    forum = make_forum(db_session)
    result = import_codebook(db_session, forum.id, None, export_csv(default_snapshot()).encode(), "csv")
    assert (result.status, result.version) == ("unchanged", 1)
    assert _versions(db_session, forum.id) == 0


def test_a_page_view_writes_nothing(db_session: Session) -> None:
    forum = make_forum(db_session)
    snapshot = load_snapshot(db_session, forum.id)
    assert snapshot is not None and snapshot.number == 1 and not snapshot.stored
    assert load_snapshot(db_session, forum.id, 1) == snapshot
    assert load_snapshot(db_session, forum.id, 2) is None
    assert [row.number for row in history(db_session, forum.id)] == [1]
    assert _versions(db_session, forum.id) == 0


# --- editing one theme -------------------------------------------------------------------------------


def _edit(theme_id: str, **changes: object) -> ThemeFields:
    shipped = next(theme for theme in _shipped() if theme.theme_id == theme_id)
    return replace(shipped, **changes)  # type: ignore[arg-type]


def test_an_edit_saves_a_whole_new_version(db_session: Session) -> None:
    forum = make_forum(db_session)
    fields = _edit("mental_health", label="  Mental health  ", indicators=("CAMHS", "camhs", "anxiety"))
    result = update_theme(
        db_session, forum.id, None, "mental_health", fields, "Shorter label", base_version=1
    )
    assert (result.status, result.version) == ("saved", 2)
    snapshot = load_snapshot(db_session, forum.id)
    assert snapshot is not None and snapshot.source == "edit" and snapshot.note == "Shorter label"
    theme = snapshot.theme("mental_health")
    assert theme is not None and theme.label == "Mental health" and theme.indicators == ("CAMHS", "anxiety")
    assert [t for t in snapshot.themes if t.theme_id != "mental_health"] == [
        t for t in _shipped() if t.theme_id != "mental_health"
    ]
    old = load_snapshot(db_session, forum.id, 1)
    assert (
        old is not None and old.source == "default" and old.theme("mental_health") == _edit("mental_health")
    )
    same = update_theme(db_session, forum.id, None, "mental_health", fields, base_version=2)
    assert (same.status, same.version) == ("unchanged", 2)
    assert _versions(db_session, forum.id) == 2


def test_edit_problems_come_back_by_field_and_write_nothing(db_session: Session) -> None:
    forum = make_forum(db_session)
    fields = _edit(
        "waiting_times",
        label="",
        definition="x" * 5001,
        framework_areas=("right_help", "nowhere"),
        indicators=("ok", "a;b", "!!!", "w" * 101),
    )
    result = update_theme(db_session, forum.id, None, "waiting_times", fields, "n" * 301)
    assert result.status == "invalid" and not result.errors
    assert result.field_errors == {
        "label": ["Enter a label"],
        "definition": ["The definition must be 5,000 characters or fewer (it has 5,001)"],
        "framework_areas": [f"Framework area 'nowhere' is not one of: {', '.join(AREAS)}"],
        "indicators": [
            "Indicator phrase 'a;b' has a ';' in it, which separates phrases in CSV files",
            "Indicator phrase '!!!' needs at least one letter or number",
            f"Indicator phrase '{'w' * 39}…' must be 100 characters or fewer (it has 101)",
        ],
        "note": ["The note must be 300 characters or fewer (it has 301)"],
    }
    assert _versions(db_session, forum.id) == 0
    with pytest.raises(CodebookInputError):
        update_theme(db_session, forum.id, None, "no_such_theme", _edit("waiting_times"))


def test_an_edit_made_while_someone_else_changed_the_same_theme_is_refused(db_session: Session) -> None:
    forum = make_forum(db_session)
    first = update_theme(
        db_session, forum.id, None, "ehcp_quality", _edit("ehcp_quality", label="A"), base_version=1
    )
    assert first.version == 2
    # Someone who opened the form at version 1 changes a different theme: fine.
    other = update_theme(
        db_session, forum.id, None, "mental_health", _edit("mental_health", label="B"), base_version=1
    )
    assert other.status == "saved" and other.version == 3
    # ... the same theme: refused, naming the current version, which saving again would overwrite.
    clash = update_theme(
        db_session, forum.id, None, "ehcp_quality", _edit("ehcp_quality", label="C"), base_version=1
    )
    assert clash.status == "invalid" and clash.version == 3
    assert clash.errors and "Someone else changed this theme (version 3)" in clash.errors[0]
    assert _versions(db_session, forum.id) == 3
    snapshot = load_snapshot(db_session, forum.id)
    assert snapshot is not None
    assert [snapshot.theme("ehcp_quality"), snapshot.theme("mental_health")] == [
        _edit("ehcp_quality", label="A"),
        _edit("mental_health", label="B"),
    ]


# --- the command line ----------------------------------------------------------------------------------


def test_cli_exports_and_imports(runner: FlaskCliRunner, db_session: Session, tmp_path: Path) -> None:
    forum = make_forum(db_session)
    out = tmp_path / "codebook.csv"
    result = runner.invoke(
        args=["themes", "codebook-export", "--forum", "demo", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbftheme_id,label,")
    printed = runner.invoke(args=["themes", "codebook-export", "--forum", "demo"])
    assert printed.exit_code == 0 and json.loads(printed.output)["version"] == 1

    rows = _csv_rows(out.read_text(encoding="utf-8"))
    rows[2][1] = "Gaps in provision"
    out.write_bytes(_write_csv(rows))
    imported = runner.invoke(args=["themes", "codebook-import", "--forum", "demo", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "as version 2" in imported.output
    again = runner.invoke(args=["themes", "codebook-import", "--forum", "demo", str(out)])
    assert again.exit_code == 0 and "no new version" in again.output

    rows[5][3] = "foo"
    rows[6][1] = ""
    out.write_bytes(_write_csv(rows))
    failed = runner.invoke(args=["themes", "codebook-import", "--forum", "demo", str(out)])
    assert failed.exit_code == 1
    assert f"Row 6 ({IDS[4]}): framework area 'foo'" in failed.output
    assert f"Row 7 ({IDS[5]}): the label is empty." in failed.output
    assert "Nothing was imported: 2 problems." in failed.output
    assert _versions(db_session, forum.id) == 2

    missing = runner.invoke(args=["themes", "codebook-export", "--forum", "nowhere"])
    assert missing.exit_code == 1 and "no forum with the slug 'nowhere'" in missing.output
    old = runner.invoke(args=["themes", "codebook-export", "--forum", "demo", "--version", "9"])
    assert old.exit_code == 1 and "no codebook version 9" in old.output
