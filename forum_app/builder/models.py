"""The builder's own records: a survey's working draft, and an uploaded export waiting to be mapped.

A draft is the one definition a lead edits; publishing copies it into a new, frozen
``SurveyVersion``. An upload keeps only the columns that survived the metadata filter (never an email,
name or IP address); once imported its rows are dropped and only the import's figures stay, and it is
deleted after a day whatever its status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum_app.db import Base, JSONType

# An upload's status: mapped and checked ("staged"), being imported, imported, or stopped by an error.
UPLOAD_STAGED, UPLOAD_IMPORTING, UPLOAD_IMPORTED, UPLOAD_FAILED = "staged", "importing", "imported", "failed"


class SurveyDraft(Base):
    __tablename__ = "survey_drafts"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Every save adds one; a form sends the revision it was drawn from, so two leads never overwrite
    # each other's changes unseen.
    revision: Mapped[int] = mapped_column(default=1)
    updated_on: Mapped[date] = mapped_column(Date)


class ImportUpload(Base):
    """An export read and cleaned of metadata, kept between the upload, the mapping and the import."""

    __tablename__ = "import_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: the page's address
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # {"tool": ..., "columns": [...], "rows": [[...], ...]}: what ``surveys.imports`` read, no metadata.
    # Emptied once imported. Loaded only when read: the progress page never needs it.
    table: Mapped[dict[str, Any]] = mapped_column(JSONType, deferred=True)
    created_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=UPLOAD_STAGED)
    total: Mapped[int] = mapped_column(default=0)  # rows to import, counted by the last dry run
    done: Mapped[int] = mapped_column(default=0)  # rows stored or found imported before, so far
    # Where the rows go ({"slug", "title", "new"}) from the start of the import, then its figures
    # (tool, rows, imported, duplicates, questions), or the problem that stopped it.
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # A staff record, to the minute: when the import last moved (one silent for long was cut off).
    moved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
