"""Factories for coding tests: answers that reached coding, with their automatic themes; the demo forum's
coding workspace with its staff, and what its pages and queue show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.coding.answer import save_coding
from forum_app.coding.automatic import code_new_answers
from forum_app.coding.decisions import state_of
from forum_app.coding.filters import FilterOptions, Filters, filter_options
from forum_app.coding.models import CodedAnswer
from forum_app.coding.queue import queue_page
from forum_app.moderation.intake import take_in
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion
from tests.factories import approve_all, make_forum, make_staff, make_survey, one, user_id

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
QUEUE = "/staff/coding"
TEXTS = [
    "We waited 2 years for an autism assessment and nobody told us anything.",
    "CAMHS said the wait is 18 months and in the meantime our daughter stopped eating.",
    "The annual review was late again and the plan was never amended.",
    "Short breaks were cut and we have had no respite for a year.",
    "Our SENCO is brilliant, she listens and rings me back the same day.",
    "The school excluded him three times and the council has no specialist place.",
    "We had to go to tribunal to get speech and language therapy in the plan.",
    "Nobody answers emails at the SEND team and the case officer changed four times.",
    "The EHC needs assessment took 40 weeks instead of 20.",
    "Transition to college was planned a year ahead and went really well.",
    "The OT waiting list is over a year long.",
    "My son has no friends and is never invited to clubs in our town.",
]
# Three months of answers: January, February and March 2026, four in each.
DAYS = [date(2026, 1 + index // 4, 1 + 3 * (index % 4)) for index in range(len(TEXTS))]


def add_coded_answers(
    session: Session, version: SurveyVersion, texts: Sequence[str], days: Sequence[date] | None = None
) -> list[int]:
    """One submitted response per text (its answer to "What has not worked well?"), taken in
    by moderation, approved and so coded automatically; returns the answers' ids in the order of ``texts``."""
    forum_id = version.survey.forum_id
    ids: list[int] = []
    for index, text in enumerate(texts):
        day = days[index] if days else date(2026, 1, 1) + timedelta(days=index)
        response = Response(
            id=new_token(),
            forum_id=forum_id,
            survey_version_id=version.id,
            status=SUBMITTED,
            started_on=day,
            submitted_on=day,
            idempotency_key=new_token(),
        )
        session.add(response)
        session.flush()
        answer = Answer(response_id=response.id, question_key="not_worked", value=text)
        session.add(answer)
        session.flush()
        ids.append(answer.id)
    response_ids = [session.get_one(Answer, answer_id).response_id for answer_id in ids]
    take_in(session, response_ids)
    session.commit()
    approve_all(session, response_ids)  # approval codes them
    assert code_new_answers(session, forum_id=forum_id) == 0
    coded = session.scalars(select(CodedAnswer.answer_id).where(CodedAnswer.answer_id.in_(ids))).all()
    assert len(coded) == len(texts)
    return ids


def seed_workspace(session: Session) -> list[int]:
    """Twelve coded answers of the demo forum (``TEXTS`` on ``DAYS``), and a lead, a coder and a viewer
    of it; returns the answers' ids."""
    forum = make_forum(session)
    ids = add_coded_answers(session, make_survey(session, forum), TEXTS, DAYS)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(session, email, role=role)
    return ids


def forum_id_of(session: Session, slug: str = "demo") -> int:
    found = session.scalar(select(Forum.id).where(Forum.slug == slug))
    assert found is not None
    return found


def filter_options_of(session: Session) -> FilterOptions:
    """The demo forum's filter choices."""
    return filter_options(session, forum_id_of(session))


def queued_ids(session: Session, filters: Filters, per_page: int = 100) -> list[int]:
    """The answers on the first page of the demo forum's queue with these filters."""
    listing = queue_page(session, forum_id_of(session), filters, 1, per_page)
    return [row.answer_id for row in listing.rows]


def error_summary(soup: BeautifulSoup) -> list[str]:
    """The messages of the page's error summary."""
    found = one(soup, "[data-error-summary]")
    return [" ".join(a.get_text(" ").split()) for a in found.find_all("a")] if found else []


def code_answer(
    session: Session, answer_id: int, who: str = CODER, themes: list[str] | None = None
) -> int | None:
    """``who`` saves a coding of the answer: these themes (by default, the ones it has now), negative."""
    coded = session.get(CodedAnswer, answer_id)
    assert coded is not None
    session.expire_all()
    return save_coding(
        session,
        forum_id_of(session),
        user_id(session, who),
        answer_id,
        themes=themes if themes is not None else list(state_of(session, coded).themes),
        sentiment="negative",
        filters=Filters(),
    )
