"""Double-coding samples and their answers as staff addresses name them: by their random public id,
looked up within one forum (a sample) or one sample (an item).

A sample's or item's row number stays inside the app: in an address it would tell a member of staff
how many samples every forum together has drawn, and make the next one easy to guess.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementItem, AgreementSample
from forum_app.surveys.answer_ids import is_public_id


def named_sample(session: Session, forum_id: int, public_id: str) -> AgreementSample | None:
    """This forum's sample with that public id, or None (malformed, unknown, or another forum's)."""
    if not is_public_id(public_id):
        return None
    return session.scalar(
        select(AgreementSample).where(
            AgreementSample.public_id == public_id, AgreementSample.forum_id == forum_id
        )
    )


def named_item(session: Session, sample: AgreementSample, public_id: str) -> AgreementItem | None:
    """That sample's item with that public id, or None."""
    if not is_public_id(public_id):
        return None
    return session.scalar(
        select(AgreementItem).where(
            AgreementItem.public_id == public_id, AgreementItem.sample_id == sample.id
        )
    )
