"""A forum's codebook: versions stored in the database, started from the shipped 16 themes.

A version is never edited. Saving a change (an edit or an import) writes a whole new version, so every
coding can name the exact codebook it used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from forum_app.codebook.models import CodebookTheme, CodebookVersion
from forum_app.codebook.shipped import Codebook, default_codebook


@dataclass(frozen=True)
class ThemeFields:
    """What a lead may change about a theme (its id never changes)."""

    theme_id: str
    label: str
    definition: str
    framework_areas: tuple[str, ...]
    indicators: tuple[str, ...]

    @classmethod
    def of(cls, row: CodebookTheme) -> ThemeFields:
        return cls(row.theme_id, row.label, row.definition, tuple(row.framework_areas), tuple(row.indicators))


def default_fields() -> list[ThemeFields]:
    return [
        ThemeFields(theme.id, theme.label, theme.definition, theme.framework_areas, theme.indicators)
        for theme in default_codebook().themes
    ]


def current_version(session: Session, forum_id: int) -> CodebookVersion | None:
    return session.scalar(
        select(CodebookVersion)
        .where(CodebookVersion.forum_id == forum_id)
        .order_by(CodebookVersion.version.desc())
        .limit(1)
        .options(selectinload(CodebookVersion.themes))
    )


def ensure_codebook(session: Session, forum_id: int) -> CodebookVersion:
    """The forum's current codebook version, creating version 1 from the shipped themes if it has none.

    Flushes but does not commit: the caller's transaction decides.
    """
    found = current_version(session, forum_id)
    if found is not None:
        return found
    return add_version(session, forum_id, default_fields(), source="default", note="The 16 inspection themes")


def add_version(
    session: Session,
    forum_id: int,
    themes: list[ThemeFields],
    *,
    source: str,
    note: str = "",
    user_id: int | None = None,
) -> CodebookVersion:
    """Write ``themes`` as the forum's next codebook version (flushed, not committed)."""
    latest = session.scalar(
        select(func.max(CodebookVersion.version)).where(CodebookVersion.forum_id == forum_id)
    )
    headline = {theme.id for theme in default_codebook().themes if theme.headline}
    version = CodebookVersion(
        forum_id=forum_id,
        version=(latest or 0) + 1,
        name=default_codebook().name,
        source=source,
        note=note[:300],
        created_by_id=user_id,
    )
    version.themes = [
        CodebookTheme(
            theme_id=fields.theme_id,
            position=position,
            label=fields.label,
            definition=fields.definition,
            framework_areas=list(fields.framework_areas),
            indicators=list(fields.indicators),
            headline=fields.theme_id in headline,
        )
        for position, fields in enumerate(themes, start=1)
    ]
    session.add(version)
    session.flush()
    return version


def as_codebook(version: CodebookVersion) -> Codebook:
    """The stored version as the coder's ``Codebook`` (the shipped rules and sub-themes kept)."""
    shipped = default_codebook()
    themes = []
    for row in version.themes:
        base = shipped.theme(row.theme_id)
        themes.append(
            replace(
                base,
                number=row.position,
                label=row.label,
                definition=row.definition,
                framework_areas=tuple(row.framework_areas),
                indicators=tuple(row.indicators),
            )
        )
    return Codebook(
        name=version.name,
        version=str(version.version),
        themes=tuple(themes),
        framework_areas=shipped.framework_areas,
    )


def theme_labels(version: CodebookVersion) -> dict[str, str]:
    return {row.theme_id: row.label for row in version.themes}
