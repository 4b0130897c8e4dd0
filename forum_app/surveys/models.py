"""Surveys, their immutable published versions, responses and answers.

Respondents are anonymous: a response stores no IP address, no user agent and
no exact timestamp; dates are kept to the day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.accounts.models import Forum
from forum_app.db import Base, JSONType, utcnow
from forum_app.surveys.codes import new_public_id

SURVEY_OPEN = "open"
SURVEY_CLOSED = "closed"
# Made in the builder and never published: no version yet, so no family can reach it.
SURVEY_DRAFT = "draft"

IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
# Sent, but it looked automated (honeypot filled, or sent too fast): kept for a lead to review,
# counted nowhere and not coded unless a lead marks it "not spam".
SPAM = "spam"


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("forum_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=SURVEY_OPEN)
    # An open survey takes responses only from ``opens_on`` to ``closes_on``, both days included.
    opens_on: Mapped[date | None] = mapped_column(Date, default=None)
    closes_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The short public link's code (``/j/<code>``), given when the survey is first shared.
    short_code: Mapped[str | None] = mapped_column(String(16), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    forum: Mapped[Forum] = relationship()
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )


class SurveyVersion(Base):
    """A published survey definition. Never edited: a change makes a new version."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_on: Mapped[date] = mapped_column(Date)

    survey: Mapped[Survey] = relationship(back_populates="versions")


class Response(Base):
    """One family's report. The id is random so it reveals nothing about order or volume."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_forum_status_submitted", "forum_id", "status", "submitted_on"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    started_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date, default=None)
    # Sent with the final "submit" form; a resent form finds the same row.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # "Save and come back later": the hash of the resume code and the last day it works.
    resume_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    resume_expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    # Entered by a member of staff on a parent's behalf (at an event, on the phone, from paper). Which
    # member of staff did it is never stored: the answers stay as anonymous as the parent's own.
    assisted: Mapped[bool] = mapped_column(default=False, server_default=false())

    survey_version: Mapped[SurveyVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff addresses name an answer by this random id, never by ``id`` (which counts every answer).
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONType)

    response: Mapped[Response] = relationship(back_populates="answers")
