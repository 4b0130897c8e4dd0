"""The builder's own records: a survey's working draft, and an uploaded export waiting to be mapped.

A draft is the one definition a lead edits; publishing copies it into a new, frozen
``SurveyVersion``. An upload keeps only the columns that survived the metadata filter (never an email,
name or IP address), and is deleted once imported or after a day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum_app.db import Base, JSONType


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
    table: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_on: Mapped[date] = mapped_column(Date)
