"""A forum's codebook for people: reading its versions, checking and changing a theme, saving a version.

**No version yet.** A forum that has never saved its codebook has none stored: its codebook is the
shipped 16 themes, shown as version 1 and never written by a page view. The first save (an edit or an
import, ``files``) writes that version 1 (source "default") and the change as version 2, in one
transaction. The automatic coder also writes version 1 (``ensure_codebook``) when it first codes one of
the forum's answers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

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
from forum_app.templating import format_moment

MAX_LABEL = 200
MAX_DEFINITION = 5000
MAX_PHRASES = 200
MAX_PHRASE = 100
MAX_NOTE = 300
SOURCE_LABELS = {"default": "Shipped 16 themes", "edit": "Edited", "import": "Imported"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a definition may have tabs and new lines
_WORD = re.compile(r"[^\W_]")


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


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def area_ids() -> tuple[str, ...]:
    return tuple(area_id for area_id, _label in default_codebook().framework_areas)


def phrases_from_text(text: str) -> tuple[str, ...]:
    """Indicator phrases typed one a line (blank lines ignored)."""
    return tuple(line for line in (clean_text(line) for line in text.splitlines()) if line)


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
    areas = _unique(clean_text(area) for area in fields.framework_areas if clean_text(area))
    return ThemeFields(
        theme_id=fields.theme_id,
        label=" ".join(clean_text(fields.label).split()),  # one line, however it was typed
        definition=clean_text(fields.definition.replace("\r\n", "\n").replace("\r", "\n")),
        framework_areas=tuple(sorted(areas, key=lambda area: order.get(area, len(order)))),
        indicators=_unique(phrase for phrase in (clean_text(p) for p in fields.indicators) if phrase),
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
                    f"Framework area '{shorten(area)}' is not one of: {', '.join(allowed)}",
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
    shown = shorten(phrase)
    if len(phrase) > MAX_PHRASE:
        return f"Indicator phrase '{shown}' must be {MAX_PHRASE} characters or fewer ({_has(phrase)})"
    if _CONTROL.search(phrase):
        return f"Indicator phrase '{shown}' must be one line of text"
    if ";" in phrase:
        return f"Indicator phrase '{shown}' has a ';' in it, which separates phrases in CSV files"
    if not _WORD.search(phrase):
        return f"Indicator phrase '{shown}' needs at least one letter or number"
    return ""


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


def save_themes(
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


def check_note(note: str) -> tuple[str, str]:
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        return note, f"The note must be {MAX_NOTE} characters or fewer ({_has(note)})"
    return note, ""


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
    note, note_problem = check_note(note)
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
    return save_themes(
        session,
        forum_id,
        themes,
        source="edit",
        note=note or f"Changed the theme “{shorten(theme.label, 200)}”",
        user_id=user_id,
    )


def _values(fields: ThemeFields) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return fields.label, fields.definition, tuple(fields.framework_areas), tuple(fields.indicators)
