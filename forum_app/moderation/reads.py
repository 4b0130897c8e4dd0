"""What other features may read of moderation: plain values, never the models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from forum_app.moderation.models import APPROVED as APPROVED
from forum_app.moderation.models import HELD, PENDING, ModerationItem
from forum_app.moderation.models import REJECTED as REJECTED
from forum_app.moderation.queue import counts
from forum_app.moderation.redact import Found, merge
from forum_app.surveys.reads import Selection, selected


def possible_duplicates(session: Session, selection: Selection) -> int:
    """Selected responses a moderator was told may repeat an earlier one."""
    return (
        session.scalar(
            select(func.count(distinct(ModerationItem.response_id))).where(
                ModerationItem.response_id.in_(selected(selection)), ModerationItem.duplicate_of.is_not(None)
            )
        )
        or 0
    )


def awaiting_decision(session: Session, forum_id: int) -> int:
    """The forum's answers of counted responses waiting for a moderator (pending or held)."""
    found = counts(session, forum_id)
    return found[PENDING] + found[HELD]


def redaction_count(spans: Iterable[Mapping[str, Any]]) -> int:
    """How many redactions an approved text shows (``ModerationItem.redactions``): its unrestored
    spans, overlapping ones as one tag."""
    return len(merge(Found(s["kind"], s["start"], s["end"]) for s in spans if not s.get("restored")))


def moderation_states(session: Session, response_ids: Sequence[str]) -> dict[int, str]:
    """The moderation status (``PENDING``, ``HELD``, ``APPROVED`` or ``REJECTED``) of every answer of
    these responses that moderation took in, by answer id (answers it never took in are left out)."""
    if not response_ids:
        return {}
    rows = session.execute(
        select(ModerationItem.answer_id, ModerationItem.status).where(
            ModerationItem.response_id.in_(list(response_ids))
        )
    )
    return {answer_id: status for answer_id, status in rows.all()}
