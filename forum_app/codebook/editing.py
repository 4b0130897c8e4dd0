"""A forum's codebook for people: reading its versions, changing a theme, importing and exporting files.

**No version yet.** A forum that has never saved its codebook has none stored: its codebook is the
shipped 16 themes, shown as version 1 and never written by a page view. The first save (an edit or an
import) writes that version 1 (source "default") and the change as version 2, in one transaction. The
automatic coder also writes version 1 (``ensure_codebook``) when it first codes one of the forum's answers.

**Files.** Two formats, both with exactly the 16 theme ids (none added, left out or repeated):

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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from forum_app.accounts.models import User
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import (
    ThemeFields,
    add_version,
    current_version,
    default_fields,
    ensure_codebook,
)
from forum_app.inputs import UnreadableJSON, load_json
from forum_app.templating import format_moment

FORMAT = "forum-codebook"
FORMAT_VERSION = 1
CSV_COLUMNS = ("theme_id", "label", "definition", "framework_areas", "indicators")
LIST_SEPARATOR = "; "
MAX_FILE_BYTES = 1024 * 1024  # 1 MB
MAX_LABEL = 200
MAX_DEFINITION = 5000
MAX_PHRASES = 200
MAX_PHRASE = 100
MAX_NOTE = 300
MAX_JSON_DEPTH = 8  # a codebook file nests 3 deep (file, themes list, theme, list of phrases)
MAX_ERRORS = 100  # a badly broken file lists this many problems, then says there are more
SOURCE_LABELS = {"default": "Shipped 16 themes", "edit": "Edited", "import": "Imported"}

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"'*[=+\-@\t\r]", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a definition may have tabs and new lines
_WORD = re.compile(r"[^\W_]")

Kind = Literal["json", "csv"]


class CodebookInputError(ValueError):
    """Something about the request itself (not the user's input) is wrong, such as an unknown theme id."""


# --- reading versions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookSnapshot:
    """One version of a forum's codebook, ready to show or export.

    ``stored`` is False for the shipped codebook of a forum that has not saved a version yet.
    """

    number: int
    themes: tuple[ThemeFields, ...]
    headline: frozenset[str]
    source: str
    note: str
    created_at: datetime | None
    created_by: str | None
    stored: bool

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def when(self) -> str:
        return format_moment(self.created_at)

    def theme(self, theme_id: str) -> ThemeFields | None:
        return next((theme for theme in self.themes if theme.theme_id == theme_id), None)


@dataclass(frozen=True)
class HistoryRow:
    number: int
    created_at: datetime | None
    when: str
    who: str
    source_label: str
    note: str
    current: bool
    stored: bool


def _headline() -> frozenset[str]:
    return frozenset(theme.id for theme in default_codebook().themes if theme.headline)


def default_snapshot() -> CodebookSnapshot:
    """The shipped 16 themes, as the version 1 a forum will get when it first saves its codebook."""
    return CodebookSnapshot(
        number=1,
        themes=tuple(default_fields()),
        headline=_headline(),
        source="default",
        note="The 16 inspection themes",
        created_at=None,
        created_by=None,
        stored=False,
    )


def snapshot_of(version: CodebookVersion, created_by: str | None = None) -> CodebookSnapshot:
    return CodebookSnapshot(
        number=version.version,
        themes=tuple(ThemeFields.of(row) for row in version.themes),
        headline=frozenset(row.theme_id for row in version.themes if row.headline),
        source=version.source,
        note=version.note,
        created_at=version.created_at,
        created_by=created_by,
        stored=True,
    )


def _email(session: Session, user_id: int | None) -> str | None:
    return None if user_id is None else session.scalar(select(User.email).where(User.id == user_id))


def load_snapshot(session: Session, forum_id: int, number: int | None = None) -> CodebookSnapshot | None:
    """Version ``number`` of the forum's codebook (default: the current one), or None if there is none.

    Writes nothing: a forum without a stored version gets the shipped codebook as version 1.
    """
    if number is None:
        version = current_version(session, forum_id)
    else:
        version = session.scalar(
            select(CodebookVersion)
            .where(CodebookVersion.forum_id == forum_id, CodebookVersion.version == number)
            .options(selectinload(CodebookVersion.themes))
        )
    if version is not None:
        return snapshot_of(version, _email(session, version.created_by_id))
    stored_any = session.scalar(
        select(CodebookVersion.id).where(CodebookVersion.forum_id == forum_id).limit(1)
    )
    if stored_any is None and number in (None, 1):
        return default_snapshot()
    return None


def history(session: Session, forum_id: int) -> list[HistoryRow]:
    """Every version of the forum's codebook, newest (the current one) first."""
    rows = session.execute(
        select(
            CodebookVersion.version,
            CodebookVersion.created_at,
            CodebookVersion.source,
            CodebookVersion.note,
            User.email,
        )
        .outerjoin(User, User.id == CodebookVersion.created_by_id)
        .where(CodebookVersion.forum_id == forum_id)
        .order_by(CodebookVersion.version.desc())
    ).all()
    if not rows:
        shipped = default_snapshot()
        return [HistoryRow(1, None, "", "", shipped.source_label, shipped.note, True, False)]
    return [
        HistoryRow(
            number=number,
            created_at=created_at,
            when=format_moment(created_at),
            who=email or ("Automatic" if source == "default" else "Command line"),
            source_label=SOURCE_LABELS.get(source, source),
            note=note,
            current=index == 0,
            stored=True,
        )
        for index, (number, created_at, source, note, email) in enumerate(rows)
    ]


# --- checking one theme --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a theme: ``text`` for the edit form, ``file_text`` for a file."""

    field: str
    text: str
    file_text: str = ""

    @property
    def in_file(self) -> str:
        text = self.file_text or self.text
        return text[:1].lower() + text[1:]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def area_ids() -> tuple[str, ...]:
    return tuple(area_id for area_id, _label in default_codebook().framework_areas)


def phrases_from_text(text: str) -> tuple[str, ...]:
    """Indicator phrases typed one a line (blank lines ignored)."""
    return tuple(line for line in (_clean(line) for line in text.splitlines()) if line)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return tuple(kept)


def normalise(fields: ThemeFields) -> ThemeFields:
    """Spaces trimmed, new lines made ``\\n``, framework areas in the codebook's order, repeats dropped."""
    order = {area: index for index, area in enumerate(area_ids())}
    areas = _unique(_clean(area) for area in fields.framework_areas if _clean(area))
    return ThemeFields(
        theme_id=fields.theme_id,
        label=" ".join(_clean(fields.label).split()),  # one line, however it was typed
        definition=_clean(fields.definition.replace("\r\n", "\n").replace("\r", "\n")),
        framework_areas=tuple(sorted(areas, key=lambda area: order.get(area, len(order)))),
        indicators=_unique(phrase for phrase in (_clean(p) for p in fields.indicators) if phrase),
    )


def check_theme(fields: ThemeFields) -> tuple[ThemeFields, list[Problem]]:
    """The theme tidied up (``normalise``), and everything wrong with it."""
    theme = normalise(fields)
    problems: list[Problem] = []
    if not theme.label:
        problems.append(Problem("label", "Enter a label", "The label is empty"))
    elif len(theme.label) > MAX_LABEL:
        problems.append(
            Problem("label", f"The label must be {MAX_LABEL} characters or fewer ({_has(theme.label)})")
        )
    elif _CONTROL.search(theme.label):
        problems.append(Problem("label", "The label must be one line of text"))
    if len(theme.definition) > MAX_DEFINITION:
        problems.append(
            Problem(
                "definition",
                f"The definition must be {MAX_DEFINITION:,} characters or fewer ({_has(theme.definition)})",
            )
        )
    elif _CONTROL_IN_TEXT.search(theme.definition):
        problems.append(Problem("definition", "The definition has control characters in it; remove them"))
    allowed = area_ids()
    for area in theme.framework_areas:
        if area not in allowed:
            problems.append(
                Problem(
                    "framework_areas",
                    f"Framework area '{_short(area)}' is not one of: {', '.join(allowed)}",
                )
            )
    if len(theme.indicators) > MAX_PHRASES:
        problems.append(
            Problem(
                "indicators",
                f"There are {len(theme.indicators):,} indicator phrases; "
                f"a theme can have up to {MAX_PHRASES}",
            )
        )
    for phrase in theme.indicators:
        message = _phrase_problem(phrase)
        if message:
            problems.append(Problem("indicators", message))
    return theme, problems


def _has(text: str) -> str:
    return f"it has {len(text):,}"


def _phrase_problem(phrase: str) -> str:
    shown = _short(phrase)
    if len(phrase) > MAX_PHRASE:
        return f"Indicator phrase '{shown}' must be {MAX_PHRASE} characters or fewer ({_has(phrase)})"
    if _CONTROL.search(phrase):
        return f"Indicator phrase '{shown}' must be one line of text"
    if ";" in phrase:
        return f"Indicator phrase '{shown}' has a ';' in it, which separates phrases in CSV files"
    if not _WORD.search(phrase):
        return f"Indicator phrase '{shown}' needs at least one letter or number"
    return ""


# --- export --------------------------------------------------------------------------------------


def _snapshot(version: CodebookSnapshot | CodebookVersion) -> CodebookSnapshot:
    return version if isinstance(version, CodebookSnapshot) else snapshot_of(version)


def export_json(version: CodebookSnapshot | CodebookVersion, forum: str = "") -> str:
    """The version as a JSON document (see the module docstring); ``forum`` is the forum's slug."""
    snapshot = _snapshot(version)
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
    for theme in _snapshot(version).themes:
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
        where = f"{where} ({_short(theme_id)})"
        problems = _json_problems(item)
        if problems:
            raws.append(_Raw(where, theme_id, None, tuple(f"{where}: {problem}" for problem in problems)))
            continue
        fields = ThemeFields(
            theme_id,
            item["label"],
            item["definition"],
            tuple(item["framework_areas"]),
            tuple(item["indicators"]),
        )
        raws.append(_Raw(where, theme_id, fields))
    return raws


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
    return tuple(part for part in (_clean(item) for item in cell.split(";")) if part)


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
            fields = ThemeFields(
                theme_id,
                value["label"],
                value["definition"],
                _split_list(value["framework_areas"]),
                _split_list(value["indicators"]),
            )
            raws.append(_Raw(f"{where} ({_short(theme_id)})", theme_id, fields))
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
        found = ", ".join(_short(cell.strip(), 30) for cell in cells[:8]) or "nothing"
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
                f"{raw.where}: theme id '{_short(theme_id)}' is not one of the 16 themes "
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


# --- saving --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What a save did: "saved" (a new version), "unchanged" (nothing to save) or "invalid".

    ``errors`` are whole-form or file problems; ``field_errors`` are the edit form's, by field name.
    ``version`` is the new version's number, or the current one's when nothing was saved.
    """

    status: Literal["saved", "unchanged", "invalid"]
    version: int | None = None
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def saved(self) -> bool:
        return self.status == "saved"


RACE_MESSAGE = (
    "Someone else saved the codebook at the same moment, so your change was not saved. "
    "Check the current codebook and try again."
)


def _save(
    session: Session,
    forum_id: int,
    themes: list[ThemeFields],
    *,
    source: str,
    note: str,
    user_id: int | None,
) -> SaveResult:
    """Write ``themes`` as the forum's next version unless they are the current ones; commits."""
    current = load_snapshot(session, forum_id)
    assert current is not None  # a forum always has a current codebook (stored or shipped)
    if [normalise(theme) for theme in current.themes] == themes:
        session.rollback()
        return SaveResult("unchanged", current.number)
    try:
        if not current.stored:
            ensure_codebook(session, forum_id)
        version = add_version(session, forum_id, themes, source=source, note=note, user_id=user_id)
        number = version.version
        session.commit()
    except IntegrityError:
        session.rollback()
        return SaveResult("invalid", errors=[RACE_MESSAGE])
    return SaveResult("saved", number)


def _check_note(note: str) -> tuple[str, str]:
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        return note, f"The note must be {MAX_NOTE} characters or fewer ({_has(note)})"
    return note, ""


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
    note, note_problem = _check_note(note)
    parsed = parse_import(data, kind)
    errors = [*parsed.errors, *([note_problem] if note_problem else [])]
    if errors:
        return SaveResult("invalid", errors=errors)
    name = kind if kind.lower() not in ("json", "csv") else f"a {kind.upper()} file"
    return _save(
        session,
        forum_id,
        parsed.themes,
        source="import",
        note=note or f"Imported from {_short(name, 200)}",
        user_id=user_id,
    )


def update_theme(
    session: Session,
    forum_id: int,
    user_id: int | None,
    theme_id: str,
    fields: ThemeFields,
    note: str = "",
    base_version: int | None = None,
) -> SaveResult:
    """Save a change to one theme as the forum's next version (every other theme as it is now).

    ``base_version`` is the version the form was filled in from: if someone has changed this theme
    since then, nothing is saved and the person is asked to look again. Problems with the fields come
    back in ``field_errors``; nothing is raised for them.
    """
    if theme_id not in default_codebook().ids:
        raise CodebookInputError(f"No theme {theme_id!r}.")
    theme, problems = check_theme(ThemeFields(theme_id, *_values(fields)))
    note, note_problem = _check_note(note)
    field_errors: dict[str, list[str]] = {}
    for problem in problems:
        field_errors.setdefault(problem.field, []).append(problem.text)
    if note_problem:
        field_errors.setdefault("note", []).append(note_problem)
    if field_errors:
        return SaveResult("invalid", field_errors=field_errors)
    current = load_snapshot(session, forum_id)
    assert current is not None
    if base_version is not None and base_version != current.number:
        base = load_snapshot(session, forum_id, base_version)
        if base is None or base.theme(theme_id) != current.theme(theme_id):
            return SaveResult(
                "invalid",
                current.number,
                errors=[
                    f"Someone else changed this theme (version {current.number}) while you were editing it, "
                    "so your change was not saved. Look at their change in the codebook; saving this form "
                    "again will replace it with yours."
                ],
            )
    themes = [theme if row.theme_id == theme_id else normalise(row) for row in current.themes]
    return _save(
        session,
        forum_id,
        themes,
        source="edit",
        note=note or f"Changed the theme “{_short(theme.label, 200)}”",
        user_id=user_id,
    )


def _values(fields: ThemeFields) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return fields.label, fields.definition, tuple(fields.framework_areas), tuple(fields.indicators)
