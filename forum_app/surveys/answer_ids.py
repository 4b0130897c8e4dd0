"""Answers as staff addresses name them: by their random public id, looked up within one forum.

An answer's row number (``Answer.id``) stays inside the app: in an address it would tell a member of
staff how many answers every forum together holds, and make the next one easy to guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.surveys.codes import PUBLIC_ID_PATTERN
from forum_app.surveys.models import Answer, Response


def is_public_id(value: str) -> bool:
    return PUBLIC_ID_PATTERN.fullmatch(value) is not None


def parse_public_ids(values: Iterable[str], limit: int) -> list[str]:
    """Public ids from a form, in order and once each, at most ``limit``; anything else is dropped."""
    found: list[str] = []
    for value in values:
        text = value.strip()
        if is_public_id(text) and text not in found:
            found.append(text)
        if len(found) >= limit:
            break
    return found


def answer_numbers(session: Session, forum_id: int, public_ids: Sequence[str]) -> list[int]:
    """The row numbers of those of this forum's answers, in the order given; others are left out."""
    wanted = [value for value in public_ids if is_public_id(value)]
    if not wanted:
        return []
    rows = session.execute(
        select(Answer.public_id, Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.public_id.in_(wanted), Response.forum_id == forum_id)
    )
    found = {named: number for named, number in rows}
    return [found[value] for value in wanted if value in found]


def answer_number(session: Session, forum_id: int, public_id: str) -> int | None:
    """This forum's answer with that public id, or None (malformed, unknown, or another forum's)."""
    found = answer_numbers(session, forum_id, [public_id])
    return found[0] if found else None


def public_ids(session: Session, answer_ids: Iterable[int]) -> dict[int, str]:
    """Row number -> public id, for the answers that exist."""
    wanted = set(answer_ids)
    if not wanted:
        return {}
    rows = session.execute(select(Answer.id, Answer.public_id).where(Answer.id.in_(wanted)))
    return {number: named for number, named in rows}


def public_id(session: Session, answer_id: int) -> str:
    """The public id of an answer known to exist."""
    return public_ids(session, [answer_id])[answer_id]
