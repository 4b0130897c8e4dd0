"""What other features may read of coding: plain values about the answers a person has coded.

Only answers a person has coded count (``CodedAnswer.status == coded``: approved, redacted text, its
themes decided), and of their codings only the accepted ones. Each function reads the responses of a
``surveys.reads.Selection`` in one query, except ``confirmed_codings``, which reads a chunk of answers
by id (for the export of responses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.coding.models import ACCEPTED, CODED, CodedAnswer, Coding
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.surveys.models import Answer
from forum_app.surveys.reads import Selection, selected


@dataclass(frozen=True)
class CodedText:
    """A free-text answer a person has coded, with the sentiment they settled on."""

    response_id: str
    answer_id: int
    sentiment: str


def coded_texts(session: Session, selection: Selection) -> list[CodedText]:
    rows = session.connection().execute(
        select(Answer.response_id, CodedAnswer.answer_id, CodedAnswer.sentiment)
        .join(CodedAnswer, CodedAnswer.answer_id == Answer.id)
        .where(Answer.response_id.in_(selected(selection)), CodedAnswer.status == CODED)
    )
    return [CodedText(*row) for row in rows.all()]


@dataclass(frozen=True)
class Mention:
    """An accepted theme on an answer a person has coded."""

    response_id: str
    answer_id: int
    theme_id: str


def accepted_codings(session: Session, selection: Selection) -> list[Mention]:
    rows = session.connection().execute(
        select(Answer.response_id, Coding.answer_id, Coding.theme_id)
        .join(Answer, Answer.id == Coding.answer_id)
        .join(CodedAnswer, CodedAnswer.answer_id == Coding.answer_id)
        .where(
            Answer.response_id.in_(selected(selection)),
            CodedAnswer.status == CODED,
            Coding.status == ACCEPTED,
        )
    )
    return [Mention(*row) for row in rows.all()]


@dataclass(frozen=True)
class Awaiting:
    """Free-text answers of the selection still on their way into a report."""

    moderation: int  # not yet approved (pending or held)
    coding: int  # approved, but nobody has coded them yet


def awaiting(session: Session, selection: Selection) -> Awaiting:
    rows = session.connection().execute(
        select(ModerationItem.status, CodedAnswer.status)
        .outerjoin(CodedAnswer, CodedAnswer.answer_id == ModerationItem.answer_id)
        .where(ModerationItem.response_id.in_(selected(selection)))
    )
    moderation = coding = 0
    for moderated, coded in rows.all():
        if moderated != APPROVED:
            moderation += 1
        elif coded != CODED:
            coding += 1
    return Awaiting(moderation, coding)


@dataclass(frozen=True)
class Confirmed:
    """What a person settled on for one answer: the themes they accepted and its sentiment."""

    themes: tuple[str, ...]
    sentiment: str


def confirmed_codings(session: Session, answer_ids: Sequence[int]) -> dict[int, Confirmed]:
    """Of these answers, those a person has coded -> their accepted themes (ids, sorted) and sentiment.
    Automatic suggestions nobody has confirmed are left out."""
    if not answer_ids:
        return {}
    wanted = list(answer_ids)
    sentiments = dict(
        session.execute(
            select(CodedAnswer.answer_id, CodedAnswer.sentiment).where(
                CodedAnswer.answer_id.in_(wanted), CodedAnswer.status == CODED
            )
        ).all()
    )
    themes: dict[int, list[str]] = {}
    rows = session.execute(
        select(Coding.answer_id, Coding.theme_id).where(
            Coding.answer_id.in_(list(sentiments)), Coding.status == ACCEPTED
        )
    )
    for answer_id, theme_id in rows.all():
        themes.setdefault(answer_id, []).append(theme_id)
    return {
        answer_id: Confirmed(tuple(sorted(set(themes.get(answer_id, [])))), sentiment)
        for answer_id, sentiment in sentiments.items()
    }
