"""Factories for double-coding tests: a sample's items, and the samples the browser checks open."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.services import get_forum
from forum_app.agreement import sampling
from forum_app.agreement.models import AgreementItem
from tests.factories import make_staff

WAITING = "waiting_times"
NEVER_USED = "family_impact"
BROWSER_CODERS = ("ana@example.org", "ben@example.org")
BROWSER_SAMPLE = "Browser check sample"


def sample_items(session: Session, sample_id: int) -> list[AgreementItem]:
    """A sample's items in the order both coders see them."""
    return list(
        session.scalars(
            select(AgreementItem).where(AgreementItem.sample_id == sample_id).order_by(AgreementItem.position)
        )
    )


def seed_browser_samples(session: Session, lead_email: str) -> None:
    """Two coders; a sample of the demo forum's answers they have both coded, two of them differently;
    and a one-answer sample the lead (``lead_email``) is still coding. For tests/browser (its ``_seed``)."""
    forum = get_forum(session, "demo")
    assert forum is not None
    for email in BROWSER_CODERS:
        make_staff(session, email, role="coder")
    ids = {email: user_id for user_id, email in session.execute(select(User.id, User.email))}
    lead, ana, ben = ids[lead_email], ids[BROWSER_CODERS[0]], ids[BROWSER_CODERS[1]]
    done = sampling.create_sample(session, forum.id, lead, 1.0, ana, ben, BROWSER_SAMPLE, seed=1)
    for n, item in enumerate(sample_items(session, done.id)):
        sampling.save_blind(session, item, ana, [WAITING] if n == 0 else [NEVER_USED], "negative")
        theirs = [WAITING] if n == 0 else ([NEVER_USED, "communication_coproduction"] if n == 1 else [])
        sampling.save_blind(session, item, ben, theirs, "negative" if n < 2 else "mixed")
    # One answer of three, so the lead's coding workspace still has answers they are not coding blind.
    sampling.create_sample(session, forum.id, lead, 0.34, lead, ana, "Lead's own sample", seed=2)
