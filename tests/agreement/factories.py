"""Factories for double-coding tests: a sample's items, the samples the browser checks open, and the demo
forum set up for double coding with a constructed case whose figures are worked out by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.services import get_forum
from forum_app.agreement import sampling
from forum_app.agreement.models import AgreementItem, AgreementSample
from forum_app.coding.models import CodedAnswer
from forum_app.demo import seed_demo
from tests.factories import make_forum, make_staff, make_survey

WAITING = "waiting_times"
NEVER_USED = "family_impact"
BROWSER_CODERS = ("ana@example.org", "ben@example.org")
BROWSER_SAMPLE = "Browser check sample"
LEAD = "lead@demo.example"
CODER_A = "ana@demo.example"
CODER_B = "ben@demo.example"
CODER_C = "cat@demo.example"
VIEWER = "vic@demo.example"
OTHER_LEAD = "lead@other.example"
WAITING_LABEL = "Waiting for health or therapy services and diagnostic assessments"


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


@dataclass(frozen=True)
class SampledForum:
    """The demo forum as set up for double coding: its id, its staff's user ids by email, and how many
    free-text answers it has to sample."""

    id: int
    users: dict[str, int]
    answers: int  # coded or pending free-text answers


def seed_double_coding(session: Session, responses: int = 10) -> SampledForum:
    """The demo forum with ``responses`` submitted responses (their free-text answers coded
    automatically), a lead, three coders and a viewer; and a second forum with a lead."""
    seed_demo(session, responses=responses, seed=11)
    for email, role in (
        (LEAD, "lead"),
        (CODER_A, "coder"),
        (CODER_B, "coder"),
        (CODER_C, "coder"),
        (VIEWER, "viewer"),
    ):
        make_staff(session, email, role=role)
    make_survey(session, make_forum(session, "other", "Other Forum"))
    make_staff(session, OTHER_LEAD, forum_slug="other")
    forum = get_forum(session, "demo")
    assert forum is not None
    users = {email: user_id for user_id, email in session.execute(select(User.id, User.email))}
    answers = session.scalar(
        select(func.count()).select_from(CodedAnswer).where(CodedAnswer.forum_id == forum.id)
    )
    assert answers, "the demo responses' free-text answers were not coded"
    return SampledForum(forum.id, users, answers or 0)


def draw_sample(
    session: Session, forum: SampledForum, fraction: float = 1.0, seed: int = 1, **kwargs: object
) -> AgreementSample:
    """A sample, "Spring check", drawn by the lead for coders A and B (or the coders in ``kwargs``)."""
    people = {"first_coder_id": forum.users[CODER_A], "second_coder_id": forum.users[CODER_B], **kwargs}
    return sampling.create_sample(
        session,
        forum.id,
        forum.users[LEAD],
        fraction,
        name="Spring check",
        seed=seed,
        **people,  # type: ignore[arg-type]
    )


def code_constructed_case(
    session: Session, forum: SampledForum, sample: AgreementSample
) -> list[AgreementItem]:
    """The constructed case. Coder A codes answers 1-12, coder B answers 1-10.

    Theme ``waiting_times``: A gives it to answers 1-5 (and 11-12), B to 1-4 and 6.
    Sentiment: A positive on 1-3, B positive on 1-2 and mixed on 3; negative otherwise.
    The automatic coder (set here) suggests exactly A's themes, sentiment negative throughout.
    """
    items = sample_items(session, sample.id)
    assert len(items) >= 12, "the seeded forum has too few free-text answers for this case"
    a, b = forum.users[CODER_A], forum.users[CODER_B]
    for n, item in enumerate(items[:12], start=1):
        sampling.save_blind(
            session, item, a, [WAITING] if n <= 5 or n > 10 else [], "positive" if n <= 3 else "negative"
        )
    for n, item in enumerate(items[:10], start=1):
        themes = [WAITING] if n <= 4 or n == 6 else []
        sampling.save_blind(
            session, item, b, themes, "positive" if n <= 2 else ("mixed" if n == 3 else "negative")
        )
    for n, item in enumerate(items, start=1):
        coded = session.get(CodedAnswer, item.answer_id)
        assert coded is not None
        coded.suggestions = (
            [{"theme": WAITING, "confidence": 0.9, "evidence": []}] if n <= 5 or n in (11, 12) else []
        )
        coded.auto_sentiment = "negative"
    session.commit()
    return items


def finish_constructed_case(session: Session, forum: SampledForum, items: list[AgreementItem]) -> None:
    """Both finish the constructed case: B codes 11-12 as A did, both code the rest with no theme."""
    a, b = forum.users[CODER_A], forum.users[CODER_B]
    for n, item in enumerate(items, start=1):
        if n > 10:
            sampling.save_blind(session, item, b, [WAITING] if n <= 12 else [], "negative")
        if n > 12:
            sampling.save_blind(session, item, a, [], "negative")
    assert sampling.progress(session, items[0].sample).complete


_TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')


def page_html(client: FlaskClient, url: str) -> str:
    """The page at ``url`` (which must be there), its CSRF tokens left out so two pages can be compared."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _TOKEN.sub("", response.get_data(as_text=True))
