"""What forum staff see of responses. Every query is scoped by the staff member's forum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.surveys.fields import display_answer
from forum_app.surveys.models import SUBMITTED, Response, Survey, SurveyVersion
from forum_app.surveys.services import answers_of, definition_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class ResponseRow:
    id: str
    survey_title: str
    version: int
    submitted_on: date | None


@dataclass(frozen=True)
class Listing:
    rows: list[ResponseRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str


@dataclass(frozen=True)
class ResponseDetail:
    row: ResponseRow
    answers: list[AnswerRow]


def list_responses(session: Session, forum_id: int, page: int = 1) -> Listing:
    """Submitted responses of one forum, newest first, ``PAGE_SIZE`` to a page."""
    total = (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.forum_id == forum_id, Response.status == SUBMITTED)
        )
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(Response.id, Survey.title, SurveyVersion.number, Response.submitted_on)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .join(Survey, SurveyVersion.survey_id == Survey.id)
        .where(Response.forum_id == forum_id, Response.status == SUBMITTED)
        .order_by(Response.submitted_on.desc(), Response.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return Listing([ResponseRow(*row) for row in rows], page, pages, total)


def response_detail(session: Session, forum_id: int, response_id: str) -> ResponseDetail | None:
    """One submitted response of this forum with its answers in question order, or None."""
    response = session.get(Response, response_id)
    if response is None or response.forum_id != forum_id or response.status != SUBMITTED:
        return None
    definition = definition_of(response)
    answers = answers_of(session, response.id)
    rows = [AnswerRow(q.title, display_answer(q, answers.get(q.key))) for q in definition.visible(answers)]
    version = response.survey_version
    row = ResponseRow(response.id, version.survey.title, version.number, response.submitted_on)
    return ResponseDetail(row, rows)
