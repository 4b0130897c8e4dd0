"""What other features ask of double coding: which answers a person is still coding blind.

The coding workspace and the quote pages hide those answers' suggestions and codings from that person
until both people have finished the sample, so the agreement figures measure independent coding.
"""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding


def blind_answers(user_id: int) -> Select[int]:
    """The answers this person is coding blind in a double-coding sample that the two people have not
    both finished. Until then the workspace must not show them the automatic suggestions or anyone
    else's coding of those answers, or the agreement figures would not measure independent coding."""
    coded_twice = (
        select(func.count(BlindCoding.id))
        .join(AgreementItem, AgreementItem.id == BlindCoding.item_id)
        .where(AgreementItem.sample_id == AgreementSample.id)
        .scalar_subquery()
    )
    items = (
        select(func.count(AgreementItem.id))
        .where(AgreementItem.sample_id == AgreementSample.id)
        .scalar_subquery()
    )
    unfinished = select(AgreementSample.id).where(
        or_(AgreementSample.first_coder_id == user_id, AgreementSample.second_coder_id == user_id),
        coded_twice < 2 * items,
    )
    return select(AgreementItem.answer_id).where(AgreementItem.sample_id.in_(unfinished))


def is_blind_for(session: Session, user_id: int, answer_id: int) -> bool:
    """Whether this person is still coding this answer blind (see ``blind_answers``)."""
    return bool(
        session.scalar(select(blind_answers(user_id).where(AgreementItem.answer_id == answer_id).exists()))
    )
