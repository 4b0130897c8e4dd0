"""What other features may read of quotes: the candidates that may be quoted, as plain values.

A candidate may be quoted when a lead marked it for the theme, the family ticked "you can quote my
words", a member of staff of the forum whose role is known approved it (so only the redacted text is
left) and a person coded it with that theme (an accepted coding).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Membership
from forum_app.coding.models import ACCEPTED, CODED, CodedAnswer, Coding
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.moderation.reads import redaction_count
from forum_app.moderation.redact import TAGS
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.models import Answer
from forum_app.surveys.reads import Selection, selected


@dataclass(frozen=True)
class QuoteSource:
    """A candidate quote with what the Q register says about it (no names, no times)."""

    answer_id: int
    theme_id: str
    text: str  # redacted and approved: the coded phrase (the candidate's excerpt) if any, else the answer
    sentiment: str
    response_id: str
    redactions: int  # redactions in the text: restored spans left out, overlapping ones counted once
    approved_by_role: str  # the approver's role in the forum ("lead"), never who
    approved_on: date  # the day of approval


def quotable(session: Session, forum_id: int, selection: Selection) -> list[QuoteSource]:
    """The forum's candidates among the selected responses that may be quoted, by theme then answer
    (one query)."""
    candidates = session.execute(
        select(
            QuoteCandidate.answer_id,
            QuoteCandidate.theme_id,
            Answer.value,
            QuoteCandidate.excerpt,
            CodedAnswer.sentiment,
            Answer.response_id,
            ModerationItem.redactions,
            Membership.role,
            ModerationItem.decided_on,
        )
        .join(Answer, Answer.id == QuoteCandidate.answer_id)
        .join(ModerationItem, ModerationItem.answer_id == QuoteCandidate.answer_id)
        .join(
            Membership,
            (Membership.user_id == ModerationItem.decided_by) & (Membership.forum_id == forum_id),
        )
        .join(CodedAnswer, CodedAnswer.answer_id == QuoteCandidate.answer_id)
        .join(
            Coding,
            (Coding.answer_id == QuoteCandidate.answer_id)
            & (Coding.theme_id == QuoteCandidate.theme_id)
            & (Coding.status == ACCEPTED),
        )
        .where(
            QuoteCandidate.forum_id == forum_id,
            Answer.response_id.in_(selected(selection)),
            ModerationItem.status == APPROVED,
            ModerationItem.quote_consent.is_(True),
            ModerationItem.original.is_(None),
            ModerationItem.decided_on.is_not(None),
            CodedAnswer.status == CODED,
        )
        .order_by(QuoteCandidate.theme_id, QuoteCandidate.answer_id)
    )
    return [
        QuoteSource(
            answer_id,
            theme_id,
            excerpt or text,
            sentiment,
            response_id,
            _tags(excerpt) if excerpt else redaction_count(spans or []),
            role,
            day,
        )
        for answer_id, theme_id, text, excerpt, sentiment, response_id, spans, role, day in candidates
        if isinstance(text, str)
    ]


def _tags(excerpt: str) -> int:
    """How many redactions an excerpt shows: the redaction tags in it."""
    return sum(excerpt.count(tag) for tag in TAGS.values())
