"""What quotes keep: a lead's choice of an answer as a possible quote for a theme."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum_app.db import Base


class QuoteCandidate(Base):
    """A lead's choice of an approved, consented answer as a possible quote for one theme."""

    __tablename__ = "quote_candidates"
    __table_args__ = (
        UniqueConstraint("answer_id", "theme_id"),
        Index("ix_quote_candidates_forum", "forum_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    theme_id: Mapped[str] = mapped_column(String(64))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    marked_on: Mapped[date] = mapped_column(Date)
    # Words of the answer coded with the theme (``coding.phrases``): packs quote these, not the whole answer.
    excerpt: Mapped[str | None] = mapped_column(Text, default=None)
