"""What moderation keeps: one item per free-text answer, near-duplicate bands, safeguarding actions.

From submission on, ``Answer.value`` holds the *redacted* text (or, until the automatic check has
run, a placeholder), so every page beyond the moderation queue sees only that. The original text
lives in ``ModerationItem.original`` only until the answer is approved, or until the forum's
``original_days`` have passed (``retention purge``), whichever is first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.db import Base, JSONType, utcnow
from forum_app.surveys.models import Answer

PENDING = "pending"
APPROVED = "approved"
HELD = "held"
REJECTED = "rejected"  # rejected as spam: the response is marked spam and counted nowhere
STATUSES = (PENDING, HELD, APPROVED, REJECTED)


class ModerationItem(Base):
    """One free-text answer awaiting (or past) moderation.

    ``redactions`` lists the spans found in ``original`` (or added by a moderator) as dicts
    ``{"kind", "start", "end", "source": "auto"|"moderator", "restored": bool}``; a restored span
    is shown as written. ``Answer.value`` is always ``original`` with the unrestored spans tagged.

    ``checked`` is False from the submission until the automatic check (redaction, safeguarding flags,
    duplicates) has run in its own transaction: meanwhile ``Answer.value`` is a placeholder and the
    item is flagged "could not be checked automatically", so a person sees it first.
    ``check_attempts`` counts the checks started, so one that keeps failing is left to a person.

    ``language`` is what the check found the answer written in (``moderation.language``: "en", "pl",
    "ur", "unknown"...; None until checked). An answer in another language is flagged for a person who
    reads it, and the coder leaves it to people.
    """

    __tablename__ = "moderation_items"
    __table_args__ = (
        Index("ix_moderation_items_queue", "forum_id", "status", "flagged", "received_on"),
        Index("ix_moderation_items_unchecked", "checked", "forum_id"),
    )

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    original: Mapped[str | None] = mapped_column(Text, default=None)
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Another response in the same survey whose free text is nearly the same (possible repeat or spam).
    duplicate_of: Mapped[str | None] = mapped_column(String(32), default=None)
    quote_consent: Mapped[bool] = mapped_column(default=False)
    checked: Mapped[bool] = mapped_column(default=False, server_default=false())
    check_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    received_on: Mapped[date] = mapped_column(Date)
    original_purged_on: Mapped[date | None] = mapped_column(Date, default=None)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)

    answer: Mapped[Answer] = relationship()


class DuplicateBand(Base):
    """One locality-sensitive hash band of a response's free text, to find near-duplicates quickly."""

    __tablename__ = "duplicate_bands"
    __table_args__ = (Index("ix_duplicate_bands_lookup", "survey_id", "band"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    band: Mapped[int] = mapped_column(BigInteger)


# What a moderator can record about a safeguarding concern: a fixed list, so no free text (and no
# personal detail) is ever written down. The keys are stored; the words are shown.
SAFEGUARDING_ACTIONS: dict[str, str] = {
    "lead_told": "Told the forum’s safeguarding lead",
    "social_care": "Referred to children’s social care (front door or MASH)",
    "adult_care": "Referred to adult social care",
    "police": "Called the police or 999",
    "partnership": "Shared with the local safeguarding partnership",
    "no_action": "Reviewed: no action needed",
}


class SafeguardingAction(Base):
    """What was done about one flagged answer, by whom and when (an answer may have several)."""

    __tablename__ = "safeguarding_actions"
    __table_args__ = (Index("ix_safeguarding_actions_answer", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
