"""Factories for coding tests: answers that reached coding, with their automatic themes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.coding.automatic import code_new_answers
from forum_app.coding.models import CodedAnswer
from forum_app.moderation.intake import take_in
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion
from tests.factories import approve_all


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
