"""What forum staff see of responses. Every query is scoped by the staff member's forum.

Only moderators see free text nobody has approved yet (redacted, or held while it is checked): to
anyone else such an answer is ``WAITING``, until moderation says it is approved: the caller passes
moderation's read function (``Approved``), as surveys never import moderation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum_app.surveys.fields import display_answer
from forum_app.surveys.models import SPAM, SUBMITTED, Answer, Response, Survey, SurveyVersion
from forum_app.surveys.services import answers_of, definition_of

Approved = Callable[[Session, Sequence[int]], set[int]]  # which of these answer ids are approved
PAGE_SIZE = 50
WAITING = "[waiting for moderation]"


@dataclass(frozen=True)
class ResponseRow:
    id: str
    survey_title: str
    version: int
    submitted_on: date | None


def count_with_status(session: Session, forum_id: int, status: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.forum_id == forum_id, Response.status == status)
        )
        or 0
    )


def weekly_counts(session: Session, forum_id: int, weeks: int, today: date) -> list[tuple[date, int]]:
    """Submitted responses of one forum per week (Monday to Sunday), oldest first, for the ``weeks``
    weeks up to the one ``today`` is in, which counts so far."""
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts = dict.fromkeys((first + timedelta(weeks=n) for n in range(weeks)), 0)
    rows = session.execute(
        select(Response.submitted_on, func.count())
        .where(Response.forum_id == forum_id, Response.status == SUBMITTED, Response.submitted_on >= first)
        .group_by(Response.submitted_on)
    )
    for day, count in rows:
        if day is not None and day <= today:
            counts[day - timedelta(days=day.weekday())] += count
    return list(counts.items())


@dataclass(frozen=True)
class Listing:
    rows: list[ResponseRow]
    page: int
    pages: int
    total: int
    assisted: int = 0  # of ``total``, entered by a member of staff on a parent's behalf


def list_responses(session: Session, forum_id: int, page: int = 1, status: str = SUBMITTED) -> Listing:
    """Submitted (or, for the spam folder, ``SPAM``) responses of one forum, newest first,
    ``PAGE_SIZE`` to a page."""
    total = count_with_status(session, forum_id, status)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(Response.id, Survey.title, SurveyVersion.number, Response.submitted_on)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .join(Survey, SurveyVersion.survey_id == Survey.id)
        .where(Response.forum_id == forum_id, Response.status == status)
        .order_by(Response.submitted_on.desc(), Response.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    assisted = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.forum_id == forum_id, Response.status == status, Response.assisted.is_(True))
    )
    return Listing([ResponseRow(*row) for row in rows], page, pages, total, assisted or 0)


def approved_free_text(
    session: Session, response_id: str, keys: frozenset[str], approved: Approved | None
) -> set[str]:
    """The keys among ``keys`` of this response's answers that ``approved`` says a moderator has
    approved (none without it)."""
    ids = dict(
        session.execute(
            select(Answer.id, Answer.question_key).where(
                Answer.response_id == response_id, Answer.question_key.in_(keys)
            )
        ).all()
    )
    found = approved(session, list(ids)) if approved is not None and ids else set()
    return {ids[answer_id] for answer_id in found if answer_id in ids}


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str


@dataclass(frozen=True)
class ResponseDetail(ResponseRow):
    """A response's row of the list with its answers, in question order."""

    answers: list[AnswerRow]
    assisted: bool = False  # entered by a member of staff on a parent's behalf (never saying who)


def response_detail(
    session: Session,
    forum_id: int,
    response_id: str,
    statuses: tuple[str, ...] = (SUBMITTED,),
    moderator: bool = False,
    approved: Approved | None = None,
) -> ResponseDetail | None:
    """One submitted response (or one of ``statuses``) of this forum with its answers in question
    order, or None. Unless for a ``moderator``, free text that ``approved`` does not name is
    ``WAITING`` (all of it without ``approved``)."""
    response = session.get(Response, response_id)
    if response is None or response.forum_id != forum_id or response.status not in statuses:
        return None
    definition = definition_of(response)
    answers = answers_of(session, response.id)
    if not moderator:
        free_text = frozenset(q.key for q in definition.questions if q.kind == "text")
        shown = approved_free_text(session, response.id, free_text, approved)
        answers = {
            key: WAITING if key in free_text and key not in shown and value not in (None, "") else value
            for key, value in answers.items()
        }
    rows = [AnswerRow(q.title, display_answer(q, answers.get(q.key))) for q in definition.visible(answers)]
    version = response.survey_version
    return ResponseDetail(
        response.id, version.survey.title, version.number, response.submitted_on, rows, response.assisted
    )


def mark_not_spam(session: Session, forum_id: int, response_id: str) -> bool:
    """A lead's "Not spam": the response becomes submitted, to be coded like any other
    (``forum_app.journeys.mark_not_spam``). False if this forum has no such spam response (another
    forum's, or already marked). Commits."""
    result = session.execute(
        update(Response)
        .where(Response.id == response_id, Response.forum_id == forum_id, Response.status == SPAM)
        .values(status=SUBMITTED)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return False
    session.commit()
    return True
