"""A forum's codebook as files: exporting a version as JSON or CSV, and importing a file as the next version.

Two formats, both with exactly the 16 theme ids (none added, left out or repeated):

- JSON: ``{"format": "forum-codebook", "format_version": 1, "forum": SLUG, "version": N,
  "themes": [{"id", "label", "definition", "framework_areas", "indicators"}]}``; the last two are
  lists of strings. Only ``themes`` is required on import; each theme needs all five keys.
- CSV for spreadsheets: UTF-8 with a byte order mark (so Excel reads it as UTF-8), a header row
  ``theme_id,label,definition,framework_areas,indicators``, then one row per theme. Framework areas
  (their ids) and indicator phrases are joined by ``"; "``, so a phrase may not contain ``;``. A cell
  that begins with ``= + - @``, a tab or a carriage return is written with an apostrophe in front, so a
  spreadsheet never runs it as a formula; import takes that apostrophe off again. Rows are numbered as a
  spreadsheet numbers them: the header is row 1.

An import is all or nothing: any problem, and the file's problems are listed (each with its row or
theme number) and nothing is written. A file the same as the current version makes no new version.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from forum_app.codebook.editing import (
    CodebookSnapshot,
    SaveResult,
    check_note,
    check_theme,
    clean_text,
    save_themes,
    shorten,
    snapshot_of,
)
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import ThemeFields
from forum_app.inputs import UnreadableJSON, load_json

FORMAT = "forum-codebook"
FORMAT_VERSION = 1
CSV_COLUMNS = ("theme_id", "label", "definition", "framework_areas", "indicators")
LIST_SEPARATOR = "; "
MAX_FILE_BYTES = 1024 * 1024  # 1 MB
MAX_JSON_DEPTH = 8  # a codebook file nests 3 deep (file, themes list, theme, list of phrases)
MAX_ERRORS = 100  # a badly broken file lists this many problems, then says there are more

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"'*[=+\-@\t\r]", re.DOTALL)

Kind = Literal["json", "csv"]


# --- export --------------------------------------------------------------------------------------


def _as_snapshot(version: CodebookSnapshot | CodebookVersion) -> CodebookSnapshot:
    return version if isinstance(version, CodebookSnapshot) else snapshot_of(version)


def export_json(version: CodebookSnapshot | CodebookVersion, forum: str = "") -> str:
    """The version as a JSON document (see the module docstring); ``forum`` is the forum's slug."""
    snapshot = _as_snapshot(version)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "forum": forum,
        "version": snapshot.number,
        "themes": [
            {
                "id": theme.theme_id,
                "label": theme.label,
                "definition": theme.definition,
                "framework_areas": list(theme.framework_areas),
                "indicators": list(theme.indicators),
            }
            for theme in snapshot.themes
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def guard_cell(text: str) -> str:
    """An apostrophe in front of a cell a spreadsheet would run as a formula (see ``unguard_cell``)."""
    return "'" + text if _GUARDED.match(text) else text


def unguard_cell(text: str) -> str:
    """The cell as written before ``guard_cell``: exactly one added apostrophe is taken off."""
    return text[1:] if text.startswith("'") and _GUARDED.match(text[1:]) else text


def export_csv(version: CodebookSnapshot | CodebookVersion) -> str:
    """The version as CSV for spreadsheets, starting with a byte order mark (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for theme in _as_snapshot(version).themes:
        cells = (
            theme.theme_id,
            theme.label,
            theme.definition,
            LIST_SEPARATOR.join(theme.framework_areas),
            LIST_SEPARATOR.join(theme.indicators),
        )
        writer.writerow([guard_cell(cell) for cell in cells])
    return "\ufeff" + out.getvalue()


def export_filename(forum_slug: str, number: int, kind: Kind) -> str:
    return f"codebook-{forum_slug}-v{number}.{kind}"


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """A parsed file: all 16 themes in the codebook's order, or the problems (and no themes)."""

    themes: list[ThemeFields] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Collector:
    """Problems found in a file, capped at ``MAX_ERRORS``."""

    errors: list[str] = field(default_factory=list)
    more: bool = False

    def add(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more = True

    def result(self) -> list[str]:
        if self.more:
            return [*self.errors, f"There are more problems; the first {MAX_ERRORS} are listed."]
        return self.errors


@dataclass(frozen=True)
class _Raw:
    """One theme as read from a file, before checking: ``where`` is "Row 5" or "Theme 3".

    ``fields`` is None when the entry could not be read (its problem is already listed); its id still
    counts, so the theme is not also reported missing.
    """

    where: str
    theme_id: str
    fields: ThemeFields | None
    problems: tuple[str, ...] = ()


def detect_kind(data: bytes, filename_or_kind: str) -> Kind:
    name = filename_or_kind.strip().lower()
    if name == "json" or name.endswith(".json"):
        return "json"
    if name == "csv" or name.endswith(".csv"):
        return "csv"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if start in (b"{", b"[") else "csv"


def parse_import(data: bytes, filename_or_kind: str) -> ImportResult:
    """Read a codebook file (JSON or CSV, told by ``filename_or_kind`` or else by its content).

    Returns the 16 checked themes in the codebook's order, or every problem found, each naming its row
    (CSV) or theme (JSON), such as "Row 5 (waiting_times): framework area 'foo' is not one of: ...".
    """
    if not data.strip():
        return ImportResult(errors=["The file is empty."])
    if len(data) > MAX_FILE_BYTES:
        return ImportResult(errors=[f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest is 1 MB."])
    if data.startswith(b"PK\x03\x04"):
        return ImportResult(
            errors=[
                "This looks like an Excel workbook (.xlsx). In Excel, choose File, Save As, "
                "and the type 'CSV UTF-8 (Comma delimited)', then import that file."
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ImportResult(
            errors=[
                f"Line {line}: the file is not UTF-8 text. In Excel, save it as "
                "'CSV UTF-8 (Comma delimited)'; in other programs, choose the UTF-8 encoding."
            ]
        )
    collector = _Collector()
    kind = detect_kind(data, filename_or_kind)
    raws = _read_json(text, collector) if kind == "json" else _read_csv(text, collector)
    if raws is None:
        return ImportResult(errors=collector.result())
    return _check_file(raws, "row" if kind == "csv" else "theme", collector)


def _read_json(text: str, collector: _Collector) -> list[_Raw] | None:
    """The file's themes, or None if it cannot be read as a codebook at all."""
    try:
        document = load_json(text, max_depth=MAX_JSON_DEPTH)
    except json.JSONDecodeError as exc:
        collector.add(f"Line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg}).")
        return None
    except UnreadableJSON as refused:
        collector.add(f"This is not a codebook file as made by “Export as JSON”. {refused}")
        return None
    if not isinstance(document, dict):
        collector.add('The file must be a JSON object with a "themes" list, as made by "Export as JSON".')
        return None
    if "format" in document and document["format"] != FORMAT:
        shown = json.dumps(document["format"])[:60]
        collector.add(f'The "format" is {shown}; a codebook file has "{FORMAT}".')
    if "format_version" in document and document["format_version"] != FORMAT_VERSION:
        collector.add(
            f'The file is "format_version" {json.dumps(document["format_version"])[:20]}; '
            f"this service reads version {FORMAT_VERSION}."
        )
    themes = document.get("themes")
    if not isinstance(themes, list):
        collector.add('The file has no "themes" list.')
        return None
    raws: list[_Raw] = []
    for number, item in enumerate(themes, start=1):
        where = f"Theme {number}"
        if not isinstance(item, dict):
            raws.append(_Raw(where, "", None, (f"{where}: must be an object with {', '.join(_JSON_KEYS)}.",)))
            continue
        theme_id = item.get("id")
        if not isinstance(theme_id, str) or not theme_id.strip():
            raws.append(_Raw(where, "", None, (f'{where}: has no "id".',)))
            continue
        theme_id = theme_id.strip()
        where = f"{where} ({shorten(theme_id)})"
        problems = _json_problems(item)
        if problems:
            raws.append(_Raw(where, theme_id, None, tuple(f"{where}: {problem}" for problem in problems)))
            continue
        raws.append(_Raw(where, theme_id, _theme_fields(theme_id, item, tuple)))
    return raws


def _theme_fields(
    theme_id: str, found: Mapping[str, Any], as_list: Callable[[Any], tuple[str, ...]]
) -> ThemeFields:
    """One theme of a file: its label and definition as they are, its two lists read by ``as_list``."""
    return ThemeFields(
        theme_id,
        found["label"],
        found["definition"],
        as_list(found["framework_areas"]),
        as_list(found["indicators"]),
    )


_JSON_KEYS = ("id", "label", "definition", "framework_areas", "indicators")


def _json_problems(item: dict[str, Any]) -> list[str]:
    """What is missing from one theme of a JSON file, or of the wrong type."""
    problems = []
    for key in ("label", "definition", "framework_areas", "indicators"):
        value = item.get(key)
        if key not in item:
            problems.append(f'"{key}" is missing.')
        elif key in ("label", "definition") and not isinstance(value, str):
            problems.append(f'"{key}" must be text.')
        elif key in ("framework_areas", "indicators") and (
            not isinstance(value, list) or not all(isinstance(entry, str) for entry in value)
        ):
            problems.append(f'"{key}" must be a list of text, like ["a", "b"].')
    return problems


def _delimiter(text: str) -> str:
    """Excel in some countries saves CSV with ";" (or text with tabs) between columns: read those too."""
    first = text.split("\n", 1)[0]
    if "," not in first:
        for candidate in (";", "\t"):
            if candidate in first:
                return candidate
    return ","


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(part for part in (clean_text(item) for item in cell.split(";")) if part)


def _read_csv(text: str, collector: _Collector) -> list[_Raw] | None:
    """The file's themes, or None if it cannot be read as a codebook at all."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    raws: list[_Raw] = []
    columns: dict[str, int] = {}
    row_number = 0
    try:
        for cells in reader:
            row_number += 1
            if row_number == 1:
                columns = _header(cells, collector)
                if not columns:
                    return None
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank row, as spreadsheets often leave at the end
            where = f"Row {row_number}"
            if len(cells) != len(CSV_COLUMNS):
                problem = (
                    f"{where}: has {len(cells)} cells; every row needs {len(CSV_COLUMNS)}, "
                    f"one for each column ({', '.join(CSV_COLUMNS)})."
                )
                index = columns["theme_id"]
                theme_id = cells[index].strip() if index < len(cells) else ""
                raws.append(_Raw(where, theme_id, None, (problem,)))
                continue
            value = {name: unguard_cell(cells[index]) for name, index in columns.items()}
            theme_id = value["theme_id"].strip()
            if not theme_id:
                collector.add(f"{where}: the theme_id cell is empty.")
                continue
            fields = _theme_fields(theme_id, value, _split_list)
            raws.append(_Raw(f"{where} ({shorten(theme_id)})", theme_id, fields))
    except csv.Error as exc:
        collector.add(f"Line {reader.line_num}: this is not a valid CSV row ({exc}).")
        return None
    if row_number == 0:
        collector.add("The file is empty.")
        return None
    return raws


def _header(cells: Sequence[str], collector: _Collector) -> dict[str, int]:
    names = [cell.strip().lower() for cell in cells]
    if sorted(names) != sorted(CSV_COLUMNS):
        found = ", ".join(shorten(cell.strip(), 30) for cell in cells[:8]) or "nothing"
        collector.add(
            f"Row 1: the first row must name the columns {','.join(CSV_COLUMNS)} "
            f"(it has: {found}). Start from a file made by 'Export as CSV'."
        )
        return {}
    return {name: names.index(name) for name in CSV_COLUMNS}


def _check_file(raws: list[_Raw], noun: str, collector: _Collector) -> ImportResult:
    ids = default_codebook().ids
    seen: dict[str, str] = {}
    checked: dict[str, ThemeFields] = {}
    for raw in raws:
        for message in raw.problems:
            collector.add(message)
        theme_id = raw.theme_id
        if raw.problems and not theme_id:
            continue
        if theme_id not in ids:
            collector.add(
                f"{raw.where}: theme id '{shorten(theme_id)}' is not one of the 16 themes "
                f"(theme ids cannot be added or renamed): {', '.join(ids)}."
            )
            continue
        if theme_id in seen:
            collector.add(f"{raw.where}: this theme is already in {seen[theme_id].split(' (')[0].lower()}.")
            continue
        seen[theme_id] = raw.where
        if raw.fields is None:
            continue
        theme, problems = check_theme(raw.fields)
        for problem in problems:
            collector.add(f"{raw.where}: {problem.in_file}.")
        checked[theme_id] = theme
    missing = [theme_id for theme_id in ids if theme_id not in seen]
    if missing:
        collector.add(
            f"The file has no {noun} for {', '.join(missing)}. Every one of the 16 themes must be in it "
            "(theme ids cannot be left out)."
        )
    if collector.errors:
        return ImportResult(errors=collector.result())
    return ImportResult(themes=[checked[theme_id] for theme_id in ids])


def import_codebook(
    session: Session,
    forum_id: int,
    user_id: int | None,
    data: bytes,
    kind: str,
    note: str = "",
) -> SaveResult:
    """Import a codebook file as the forum's next version, all or nothing, in one transaction.

    ``kind`` is "json", "csv" or the file's name. Nothing is written if the file has any problem or is
    the same as the current version.
    """
    note, note_problem = check_note(note)
    parsed = parse_import(data, kind)
    errors = [*parsed.errors, *([note_problem] if note_problem else [])]
    if errors:
        return SaveResult("invalid", errors=errors)
    name = kind if kind.lower() not in ("json", "csv") else f"a {kind.upper()} file"
    return save_themes(
        session,
        forum_id,
        parsed.themes,
        source="import",
        note=note or f"Imported from {shorten(name, 200)}",
        user_id=user_id,
    )
