"""Coding models: coded answers, their codings, people's decisions and forum-trained coders.

Staff records may carry exact times (who decided what, when); respondents' records never do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from forum_app.db import Base, JSONType, utcnow

# Coding sources and statuses.
AUTO = "auto"
MANUAL = "manual"
SUGGESTED = "suggested"  # an automatic suggestion nobody has looked at yet
ACCEPTED = "accepted"
REJECTED = "rejected"

# Coded answer statuses.
PENDING = "pending"  # coded automatically only
CODED = "coded"  # a person has decided (or bulk-accepted) its themes

SENTIMENTS = ("negative", "mixed", "neutral", "positive")

# ``CodedAnswer.model_label`` of an answer the coder left to people (written in another language): it
# has no suggestions, and a forum's coder is never trained on it.
NOT_CODED_LABEL = "people"


class CodedAnswer(Base):
    """The coding state of one free-text answer: the automatic suggestions and the people's decision.

    ``forum_id``, ``survey_id`` and ``submitted_on`` are copied from the response so that the queue's
    filters and counts are one indexed query at 10,000 answers.
    """

    __tablename__ = "coded_answers"
    __table_args__ = (
        Index("ix_coded_answers_queue", "forum_id", "status", "submitted_on"),
        Index("ix_coded_answers_confidence", "forum_id", "status", "confidence"),
    )

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    # How sure the automatic coder is of the whole answer: the lowest confidence among its
    # suggestions and (one minus) the highest among the themes it did not suggest.
    confidence: Mapped[float] = mapped_column(Float)
    auto_sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float, default=0.0)
    sentiment: Mapped[str] = mapped_column(String(16))  # the automatic one until a person changes it
    # [{"theme", "confidence", "evidence": [{"kind", "text", "detail"}]}] for every suggested theme.
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    notes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    model_label: Mapped[str] = mapped_column(String(64), default="default")
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"), index=True)
    coded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    coded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Coding(Base):
    """One theme on one answer: an automatic suggestion or a person's addition, and its fate."""

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint("answer_id", "theme_id", "source"),
        Index("ix_codings_theme_status", "theme_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))  # AUTO or MANUAL
    status: Mapped[str] = mapped_column(String(16))  # SUGGESTED, ACCEPTED or REJECTED
    confidence: Mapped[float | None] = mapped_column(Float, default=None)  # automatic codings only
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class CodingDecision(Base):
    """Every decision on an answer's coding, with the state before it, so it can be undone."""

    __tablename__ = "coding_decisions"
    __table_args__ = (Index("ix_coding_decisions_user", "user_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # "code", "bulk", "resolve" or "undo"
    # {"status", "themes": [...], "sentiment"} before and after the decision.
    before: Mapped[dict[str, Any]] = mapped_column(JSONType)
    after: Mapped[dict[str, Any]] = mapped_column(JSONType)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CodedPhrase(Base):
    """Words within an answer a person coded with a theme: evidence for it (``text`` is exactly
    ``answer.value[start_offset:end_offset]``, the redacted text)."""

    __tablename__ = "coded_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    theme_id: Mapped[str] = mapped_column(String(64))
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    coded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ForumModel(Base):
    """A coder retrained on a forum's confirmed codings; its parameters are plain arrays (npz)."""

    __tablename__ = "forum_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, training, ready, failed
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    forum_examples: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    message: Mapped[str] = mapped_column(String(300), default="")
    parameters: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
