"""Publishing a draft as a new frozen version, and opening and closing a survey.

A published version is never changed: families who started on it finish on it (each response points at
its version), and the next version answers new ones. Packs combine the versions by question key.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forum_app.builder.drafts import DraftChanged, draft_of
from forum_app.builder.routing import routing_problems
from forum_app.db import today
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import (
    SUBMITTED,
    SURVEY_CLOSED,
    SURVEY_DRAFT,
    SURVEY_OPEN,
    Response,
    Survey,
    SurveyVersion,
)
from forum_app.surveys.services import latest_version


class PublishRefused(ValueError):
    """The draft cannot be published; ``problems`` say why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class DatesRefused(ValueError):
    """Open and close dates that cannot be: the message says why."""


@dataclass(frozen=True)
class Published:
    number: int  # the version now answered by new responses
    changed: bool  # False: the draft was the latest version already, nothing was published


def _survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(survey_id)
    return survey


def forum_survey(session: Session, forum_id: int, slug: str) -> Survey | None:
    """The forum's survey at this address, or None (another forum's survey is never found)."""
    return session.scalar(select(Survey).where(Survey.forum_id == forum_id, Survey.slug == slug))


def publish(session: Session, survey_id: int, revision: int | None = None) -> Published:
    """Freeze the draft as the survey's next version; the first one opens the survey.

    ``revision``: the draft revision the lead saw (``DraftChanged`` if another lead saved since).
    Raises ``PublishRefused`` for a draft that is invalid or has a routing problem. A draft identical
    to the latest version publishes nothing. Commits."""
    survey = _survey(session, survey_id)
    draft = draft_of(session, survey_id)
    if revision is not None and revision != draft.revision:
        raise DraftChanged(survey_id)
    problems = routing_problems(draft.document)
    try:
        definition = parse_definition(draft.document)
    except DefinitionError as error:
        problems = [str(error), *problems]
    if problems:
        raise PublishRefused(problems)
    latest = latest_version(session, survey_id)
    if latest is not None and latest.definition == draft.document:
        return Published(latest.number, changed=False)
    number = latest.number + 1 if latest else 1
    session.add(
        SurveyVersion(
            survey_id=survey_id, number=number, definition=copy.deepcopy(draft.document), published_on=today()
        )
    )
    survey.title = definition.title
    if survey.status == SURVEY_DRAFT:
        survey.status = SURVEY_OPEN
    try:
        session.commit()
    except IntegrityError:  # another lead published the same number a moment ago
        session.rollback()
        raise DraftChanged(survey_id) from None
    return Published(number, changed=True)


def set_dates(session: Session, survey_id: int, opens_on: date | None, closes_on: date | None) -> None:
    """The first and last days the survey takes responses (None: no limit). Commits."""
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        raise DatesRefused("The closing date must be the same as or after the opening date")
    survey = _survey(session, survey_id)
    survey.opens_on, survey.closes_on = opens_on, closes_on
    session.commit()


def close_now(session: Session, survey_id: int) -> None:
    """Stop taking responses today. A draft never published cannot close. Commits."""
    survey = _survey(session, survey_id)
    if survey.status == SURVEY_DRAFT:
        raise DatesRefused("This survey is not published yet, so there is nothing to close")
    survey.status = SURVEY_CLOSED
    session.commit()


def reopen(session: Session, survey_id: int) -> None:
    """Take responses again from today: a closing date already past is taken away. Commits."""
    survey = _survey(session, survey_id)
    if survey.status == SURVEY_DRAFT:
        raise DatesRefused("This survey is not published yet: publish it to open it")
    survey.status = SURVEY_OPEN
    day = today()
    if survey.closes_on is not None and survey.closes_on < day:
        survey.closes_on = None
    if survey.opens_on is not None and survey.opens_on > day:
        survey.opens_on = None
    session.commit()


@dataclass(frozen=True)
class VersionRow:
    number: int
    published_on: date
    responses: int  # submitted


def survey_versions(session: Session, survey_id: int) -> list[VersionRow]:
    """The survey's published versions, newest first, with the responses sent on each."""
    sent = (
        select(Response.survey_version_id, func.count().label("sent"))
        .where(Response.status == SUBMITTED)
        .group_by(Response.survey_version_id)
        .subquery()
    )
    rows = session.execute(
        select(SurveyVersion.number, SurveyVersion.published_on, sent.c.sent)
        .outerjoin(sent, sent.c.survey_version_id == SurveyVersion.id)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
    )
    return [VersionRow(number, published_on, count or 0) for number, published_on, count in rows]


def published_keys(session: Session, survey_id: int) -> frozenset[str]:
    """Every question key of every published version: a new question never takes one of them."""
    keys: set[str] = set()
    for definition in session.scalars(
        select(SurveyVersion.definition).where(SurveyVersion.survey_id == survey_id)
    ):
        keys.update(str(q.get("key")) for q in definition.get("questions", []) if isinstance(q, dict))
    return frozenset(keys)
