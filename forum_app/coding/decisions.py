"""People's decisions on an answer's coding: set its themes and sentiment, and undo.

An answer's state is its status (``pending``: only the automatic coder has looked at it; ``coded``: a
person decided), its themes and its sentiment. For a pending answer the themes are the automatic
suggestions; for a coded one, the accepted codings. Every decision is logged with the state before
and after it (``CodingDecision``), so the last one can be undone, and so who decided what, and when,
is always known.

These functions flush; the service that calls them commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from forum_app.accounts.models import User
from forum_app.coding.models import (
    ACCEPTED,
    AUTO,
    CODED,
    MANUAL,
    PENDING,
    REJECTED,
    SENTIMENTS,
    SUGGESTED,
    CodedAnswer,
    Coding,
    CodingDecision,
)
from forum_app.db import utcnow


class DecisionError(ValueError):
    """A decision that cannot be made; the message says why, in words for the person making it."""


@dataclass(frozen=True)
class AnswerState:
    status: str
    themes: tuple[str, ...]  # sorted
    sentiment: str

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "themes": list(self.themes), "sentiment": self.sentiment}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerState:
        return cls(str(data["status"]), tuple(sorted(data["themes"])), str(data["sentiment"]))


def state_of(session: Session, coded: CodedAnswer) -> AnswerState:
    rows = session.execute(
        select(Coding.theme_id, Coding.source, Coding.status).where(Coding.answer_id == coded.answer_id)
    ).all()
    if coded.status == PENDING:
        themes = {theme for theme, source, status in rows if source == AUTO and status == SUGGESTED}
    else:
        themes = {theme for theme, _source, status in rows if status == ACCEPTED}
    return AnswerState(coded.status, tuple(sorted(themes)), coded.sentiment)


def _apply(
    session: Session,
    coded: CodedAnswer,
    state: AnswerState,
    user_id: int | None,
    codebook_version_id: int,
    now: datetime,
) -> None:
    answer_id = coded.answer_id
    auto_themes = set(
        session.scalars(select(Coding.theme_id).where(Coding.answer_id == answer_id, Coding.source == AUTO))
    )
    wanted = set(state.themes)
    if state.status == PENDING:
        session.execute(
            update(Coding)
            .where(Coding.answer_id == answer_id, Coding.source == AUTO)
            .values(status=SUGGESTED, coder_id=None, decided_at=None)
        )
        session.execute(delete(Coding).where(Coding.answer_id == answer_id, Coding.source == MANUAL))
        coded.coded_by_id, coded.coded_at = None, None
    else:
        for theme, status in ((t, ACCEPTED if t in wanted else REJECTED) for t in auto_themes):
            session.execute(
                update(Coding)
                .where(Coding.answer_id == answer_id, Coding.source == AUTO, Coding.theme_id == theme)
                .values(status=status, coder_id=user_id, decided_at=now)
            )
        manual = wanted - auto_themes
        session.execute(
            delete(Coding).where(
                Coding.answer_id == answer_id, Coding.source == MANUAL, Coding.theme_id.not_in(manual)
            )
        )
        existing = set(
            session.scalars(
                select(Coding.theme_id).where(Coding.answer_id == answer_id, Coding.source == MANUAL)
            )
        )
        session.add_all(
            Coding(
                answer_id=answer_id,
                theme_id=theme,
                source=MANUAL,
                status=ACCEPTED,
                codebook_version_id=codebook_version_id,
                coder_id=user_id,
                decided_at=now,
            )
            for theme in sorted(manual - existing)
        )
        coded.coded_by_id, coded.coded_at = user_id, now
    coded.status = state.status
    coded.sentiment = state.sentiment


def decide(
    session: Session,
    coded: CodedAnswer,
    *,
    user_id: int | None,
    themes: Iterable[str],
    sentiment: str,
    known_themes: Iterable[str],
    codebook_version_id: int,
    kind: str = "code",
) -> CodingDecision:
    """Set a coded answer's themes and sentiment as a person's decision, and log it (flushed)."""
    themes = tuple(sorted(set(themes)))
    unknown = sorted(set(themes) - set(known_themes))
    if unknown:
        raise DecisionError(f"Unknown theme: {', '.join(unknown)}.")
    if sentiment not in SENTIMENTS:
        raise DecisionError("Choose a sentiment: negative, mixed, neutral or positive.")
    now = utcnow()
    before = state_of(session, coded)
    # Who coded it before, and when, so that an undo gives the coding back to them.
    earlier = {"by": coded.coded_by_id, "at": coded.coded_at.isoformat() if coded.coded_at else None}
    after = AnswerState(CODED, themes, sentiment)
    _apply(session, coded, after, user_id, codebook_version_id, now)
    decision = CodingDecision(
        answer_id=coded.answer_id,
        forum_id=coded.forum_id,
        user_id=user_id,
        kind=kind,
        before={**before.as_dict(), **earlier},
        after=after.as_dict(),
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    return decision


def last_decision(session: Session, forum_id: int, user_id: int) -> CodingDecision | None:
    """The user's most recent decision in this forum that can still be undone: not undone already,
    and not overtaken by someone else's later decision on the same answer (theirs stands)."""
    later = aliased(CodingDecision)
    overtaken = exists().where(
        later.answer_id == CodingDecision.answer_id,
        later.id > CodingDecision.id,
        or_(later.user_id.is_(None), later.user_id != user_id),
    )
    return session.scalar(
        select(CodingDecision)
        .where(
            CodingDecision.forum_id == forum_id,
            CodingDecision.user_id == user_id,
            CodingDecision.kind != "undo",
            CodingDecision.undone.is_(False),
            ~overtaken,
        )
        .order_by(CodingDecision.decided_at.desc(), CodingDecision.id.desc())
        .limit(1)
    )


def undo(session: Session, decision: CodingDecision, user_id: int, codebook_version_id: int) -> CodedAnswer:
    """Put the answer back as it was before ``decision`` (flushed), credited to whoever had coded it
    then. Refused if it changed since."""
    coded = session.get(CodedAnswer, decision.answer_id)
    if coded is None:
        raise DecisionError("That answer is no longer here (it may have been withdrawn).")
    current = state_of(session, coded)
    if current != AnswerState.from_dict(decision.after):
        raise DecisionError("Someone has changed this answer's coding since, so it was not undone.")
    before = AnswerState.from_dict(decision.before)
    now = utcnow()
    by, at = decision.before.get("by"), decision.before.get("at")
    if before.status == CODED and by is not None and at and session.get(User, by) is not None:
        _apply(session, coded, before, by, codebook_version_id, datetime.fromisoformat(at))
    else:
        _apply(session, coded, before, user_id, codebook_version_id, now)
    decision.undone = True
    session.add(
        CodingDecision(
            answer_id=coded.answer_id,
            forum_id=coded.forum_id,
            user_id=user_id,
            kind="undo",
            before=current.as_dict(),
            after=before.as_dict(),
            decided_at=now,
        )
    )
    session.flush()
    return coded
