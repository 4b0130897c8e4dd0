"""Undo in the coding workspace: taking back a person's last decision, a whole bulk run at once.

One commit for a single decision; a bulk run is put back in batches of ``bulk.BATCH``, committing
after each, and answers someone has changed since are left as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from forum_app.codebook.versions import ensure_codebook
from forum_app.coding import decisions
from forum_app.coding.bulk import BATCH, set_many
from forum_app.coding.decisions import AnswerState, DecisionError
from forum_app.coding.models import ACCEPTED, AUTO, PENDING, SUGGESTED, CodedAnswer, Coding, CodingDecision
from forum_app.db import utcnow


@dataclass(frozen=True)
class Undone:
    answer_id: int | None  # the answer put back (a single decision), else None
    count: int  # how many answers were put back
    skipped: int = 0  # answers of a bulk run that someone has changed since (left as they are)

    @property
    def bulk(self) -> bool:
        return self.answer_id is None


def undo_last(session: Session, forum_id: int, user_id: int) -> Undone:
    """Take back the user's last decision in this forum (a whole bulk run at once) and commit.

    ``DecisionError`` when there is nothing to undo, or the answer was changed by someone since.
    """
    decision = decisions.last_decision(session, forum_id, user_id)
    if decision is None:
        raise DecisionError("You have no coding decisions to undo.")
    codebook = ensure_codebook(session, forum_id)
    if decision.kind == "bulk":
        return _undo_bulk_run(session, forum_id, user_id, decision.decided_at, codebook.id)
    try:
        coded = decisions.undo(session, decision, user_id, codebook.id)
    except DecisionError:
        session.rollback()
        raise
    session.commit()
    return Undone(coded.answer_id, 1)


def _undo_bulk_run(
    session: Session, forum_id: int, user_id: int, decided_at: datetime, codebook_version_id: int
) -> Undone:
    """Put every answer of one bulk run back to "to code", in batches; skip those changed since."""
    undone = skipped = 0
    last_id = 0
    while True:
        batch = list(
            session.scalars(
                select(CodingDecision)
                .where(
                    CodingDecision.forum_id == forum_id,
                    CodingDecision.user_id == user_id,
                    CodingDecision.kind == "bulk",
                    CodingDecision.decided_at == decided_at,
                    CodingDecision.undone.is_(False),
                    CodingDecision.id > last_id,
                )
                .order_by(CodingDecision.id)
                .limit(BATCH)
            )
        )
        if not batch:
            break
        last_id = batch[-1].id
        ids = [decision.answer_id for decision in batch]
        current = _states(session, ids)
        now = utcnow()
        simple, others = [], []
        for decision in batch:
            before, after = AnswerState.from_dict(decision.before), AnswerState.from_dict(decision.after)
            if current.get(decision.answer_id) != after:
                skipped += 1
            elif before == replace(after, status=PENDING):
                simple.append(decision)
            else:
                others.append(decision)
        _reopen(session, [decision.answer_id for decision in simple])
        session.execute(
            update(CodingDecision)
            .where(CodingDecision.id.in_([decision.id for decision in simple]))
            .values(undone=True)
            .execution_options(synchronize_session=False)
        )
        if simple:
            session.execute(
                insert(CodingDecision),
                [
                    {
                        "answer_id": decision.answer_id,
                        "forum_id": forum_id,
                        "user_id": user_id,
                        "kind": "undo",
                        "before": decision.after,
                        "after": decision.before,
                        "undone": False,
                        "decided_at": now,
                    }
                    for decision in simple
                ],
            )
        for decision in others:  # not made by bulk_accept: the one-at-a-time way
            decisions.undo(session, decision, user_id, codebook_version_id)
        undone += len(simple) + len(others)
        session.commit()
    if not undone:
        raise DecisionError(
            "Someone has changed the coding of every answer of your last bulk acceptance since, "
            "so nothing was undone."
        )
    return Undone(None, undone, skipped)


def _states(session: Session, ids: Sequence[int]) -> dict[int, AnswerState]:
    """``decisions.state_of`` for many answers in two queries (their rows locked on PostgreSQL)."""
    rows = session.execute(
        select(CodedAnswer.answer_id, CodedAnswer.status, CodedAnswer.sentiment)
        .where(CodedAnswer.answer_id.in_(ids))
        .with_for_update(of=CodedAnswer)
    ).all()
    themes: dict[int, set[str]] = defaultdict(set)
    for answer_id, theme, source, status in session.execute(
        select(Coding.answer_id, Coding.theme_id, Coding.source, Coding.status).where(
            Coding.answer_id.in_(ids)
        )
    ):
        if status == ACCEPTED or (source == AUTO and status == SUGGESTED):
            themes[answer_id].add(theme)
    return {
        answer_id: AnswerState(status, tuple(sorted(themes.get(answer_id, set()))), sentiment)
        for answer_id, status, sentiment in rows
    }


def _reopen(session: Session, ids: Sequence[int]) -> None:
    """Put answers back to "to code" with their suggestions (``decisions`` for a pending state)."""
    if ids:
        set_many(session, ids, auto_status=SUGGESTED, answer_status=PENDING, user_id=None, now=None)
