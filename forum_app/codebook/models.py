"""Codebook models: a forum's codebook versions and their themes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.db import Base, JSONType, utcnow


class CodebookVersion(Base):
    """One version of a forum's codebook. Never edited: a change makes a new version."""

    __tablename__ = "codebook_versions"
    __table_args__ = (UniqueConstraint("forum_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    # What made this version: "default", "edit" or "import", with a short note for the history.
    source: Mapped[str] = mapped_column(String(16), default="default")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    themes: Mapped[list[CodebookTheme]] = relationship(
        back_populates="version",
        order_by="CodebookTheme.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CodebookTheme(Base):
    __tablename__ = "codebook_themes"
    __table_args__ = (UniqueConstraint("version_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("codebook_versions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    framework_areas: Mapped[list[str]] = mapped_column(JSONType, default=list)
    indicators: Mapped[list[str]] = mapped_column(JSONType, default=list)
    headline: Mapped[bool] = mapped_column(Boolean, default=False)

    version: Mapped[CodebookVersion] = relationship(back_populates="themes")
