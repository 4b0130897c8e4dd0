"""Survey domain logic: publishing definitions, starting, answering and submitting responses.

Every function takes a session and plain values, and commits at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import today
from forum_app.surveys.codes import TOKEN_PATTERN, hash_code, new_receipt_code, new_token
from forum_app.surveys.definitions import SurveyDefinition, parse_definition
from forum_app.surveys.models import (
    IN_PROGRESS,
    SPAM,
    SUBMITTED,
    SURVEY_DRAFT,
    SURVEY_OPEN,
    Answer,
    Response,
    Survey,
    SurveyVersion,
)


class SurveyNotFound(LookupError):
    """No such forum or survey."""


class SurveyClosed(Exception):
    """The survey exists but no longer takes responses."""

    def __init__(self, survey: Survey) -> None:
        super().__init__(survey.slug)
        self.survey = survey


class ResponseNotEditable(Exception):
    """The response was already submitted (or withdrawn): answers can no longer change."""


class IncompleteResponse(Exception):
    """A required question has no answer; ``key`` is the first one."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class FormTampered(Exception):
    """A hidden field did not match what the server issued."""


# --- publishing -----------------------------------------------------------------------------


def publish_survey(session: Session, forum: Forum, document: dict[str, Any]) -> SurveyVersion:
    """Create the survey, or add a new version when the definition changed. Idempotent."""
    definition = parse_definition(document)
    survey = session.scalar(select(Survey).where(Survey.forum_id == forum.id, Survey.slug == definition.slug))
    if survey is None:
        survey = Survey(forum_id=forum.id, slug=definition.slug, title=definition.title)
        session.add(survey)
        session.flush()
    latest = latest_version(session, survey.id)
    if latest is not None and latest.definition == document:
        return latest
    version = SurveyVersion(
        survey_id=survey.id,
        number=(latest.number + 1) if latest else 1,
        definition=document,
        published_on=today(),
    )
    survey.title = definition.title
    session.add(version)
    session.commit()
    return version


def latest_version(session: Session, survey_id: int) -> SurveyVersion | None:
    return session.scalar(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
    )


def find_survey(session: Session, forum_slug: str, survey_slug: str) -> Survey:
    survey = session.scalar(
        select(Survey).join(Forum).where(Forum.slug == forum_slug, Survey.slug == survey_slug)
    )
    if survey is None:
        raise SurveyNotFound(f"{forum_slug}/{survey_slug}")
    return survey


@dataclass(frozen=True)
class LiveSurvey:
    """An open survey with the version new responses answer."""

    survey: Survey
    version: SurveyVersion
    definition: SurveyDefinition


def live_survey(session: Session, forum_slug: str, survey_slug: str) -> LiveSurvey:
    """The open survey at this address, or SurveyNotFound / SurveyClosed."""
    survey = find_survey(session, forum_slug, survey_slug)
    version = latest_version(session, survey.id)
    if version is None or survey.status == SURVEY_DRAFT:  # never published: nobody may know of it
        raise SurveyNotFound(f"{forum_slug}/{survey_slug}")
    if not takes_responses(survey, today()):
        raise SurveyClosed(survey)
    return LiveSurvey(survey, version, parse_definition(version.definition))


def takes_responses(survey: Survey, on: date) -> bool:
    """Open, its forum not suspended (nothing is lost: it reopens as it was), and ``on`` within its
    open and close dates."""
    return (
        survey.status == SURVEY_OPEN
        and survey.forum.suspended_at is None
        and (survey.opens_on is None or survey.opens_on <= on)
        and (survey.closes_on is None or on <= survey.closes_on)
    )


def open_surveys(session: Session) -> list[Survey]:
    """Every survey that takes responses today."""
    day = today()
    found = session.scalars(
        select(Survey)
        .join(Forum)
        .where(Survey.status == SURVEY_OPEN, Forum.suspended_at.is_(None))
        .order_by(Survey.title)
    )
    return [survey for survey in found if takes_responses(survey, day)]


def set_survey_status(session: Session, survey_id: int, status: str) -> None:
    session.execute(update(Survey).where(Survey.id == survey_id).values(status=status))
    session.commit()


# --- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A response just begun, with the receipt code the family keeps to take it back."""

    response: Response
    receipt_code: str


def start_response(session: Session, live: LiveSurvey, on: date | None = None) -> Started:
    """A new in-progress response. Its receipt code is returned once and stored only as a hash."""
    code = new_receipt_code()
    response = Response(
        id=new_token(),
        forum_id=live.survey.forum_id,
        survey_version_id=live.version.id,
        status=IN_PROGRESS,
        started_on=on or today(),
        idempotency_key=new_token(),
        receipt_hash=hash_code(code),
    )
    session.add(response)
    session.commit()
    return Started(response, code)


def get_response(session: Session, response_id: str | None, survey_id: int) -> Response | None:
    """The response with this id if it belongs to this survey."""
    if not response_id:
        return None
    response = session.get(Response, response_id)
    if response is None or response.survey_version.survey_id != survey_id:
        return None
    return response


def response_by_key(session: Session, idempotency_key: str, survey_id: int) -> Response | None:
    """The response holding this idempotency key, if it belongs to this survey."""
    if not TOKEN_PATTERN.fullmatch(idempotency_key):
        return None
    found = session.scalar(select(Response.id).where(Response.idempotency_key == idempotency_key))
    return get_response(session, found, survey_id)


def definition_of(response: Response, language: str = "en") -> SurveyDefinition:
    """The version a response answers, its words in ``language`` where translated."""
    return parse_definition(response.survey_version.definition, language)


def answers_of(session: Session, response_id: str) -> dict[str, Any]:
    rows = session.execute(select(Answer.question_key, Answer.value).where(Answer.response_id == response_id))
    return {key: value for key, value in rows}


def save_answer(session: Session, response_id: str, key: str, value: Any) -> None:
    """Store (or replace, or with ``None`` clear) one answer of an in-progress response."""
    response = session.get(Response, response_id, with_for_update=True)
    if response is None or response.status != IN_PROGRESS:
        session.rollback()
        raise ResponseNotEditable(response_id)
    existing = session.scalar(
        select(Answer).where(Answer.response_id == response_id, Answer.question_key == key)
    )
    if value is None:
        if existing is not None:
            session.delete(existing)
    elif existing is None:
        session.add(Answer(response_id=response_id, question_key=key, value=value))
    else:
        existing.value = value
    session.commit()


def first_unanswered(definition: SurveyDefinition, answers: dict[str, Any]) -> str | None:
    """The first visible required question without an answer."""
    for question in definition.visible(answers):
        if question.required and answers.get(question.key) in (None, "", []):
            return question.key
    return None


def looks_automated(honeypot: str, began: int | None, now: float, min_seconds: int) -> bool:
    """A bot's submission: the hidden honeypot field was filled in, or the survey was sent less
    than ``min_seconds`` after "Start now" (``began`` is None when the journey started elsewhere,
    such as with a resume code on another device: then only the honeypot counts)."""
    if honeypot.strip():
        return True
    return began is not None and now - began < min_seconds


def record_submission(session: Session, response_id: str, idempotency_key: str, spam: bool = False) -> bool:
    """Mark a response as sent, once. Returns True if this call sent it, False if it already was.

    A double tap or a resent form reaches the conditional UPDATE twice; only the
    first changes the row, so there is only ever one submitted response.
    With ``spam`` the response is kept as ``SPAM`` for a lead to review: it is counted nowhere.
    Does not commit: the caller takes the free text in for moderation in the same transaction, then
    commits (``forum_app.journeys.send_report``), so no original is ever committed in ``Answer.value``.
    """
    response = session.get(Response, response_id)
    if response is None or response.idempotency_key != idempotency_key:
        raise FormTampered("idempotency key does not match")
    if response.status != IN_PROGRESS:
        return False
    definition = definition_of(response)
    answers = answers_of(session, response_id)
    missing = first_unanswered(definition, answers)
    if missing is not None:
        raise IncompleteResponse(missing)
    result = session.execute(
        update(Response)
        .where(
            Response.id == response_id,
            Response.idempotency_key == idempotency_key,
            Response.status == IN_PROGRESS,
        )
        .values(status=SPAM if spam else SUBMITTED, submitted_on=today())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return False
    visible = {q.key for q in definition.visible(answers)}
    hidden = [key for key in answers if key not in visible]
    if hidden:
        session.execute(
            delete(Answer).where(Answer.response_id == response_id, Answer.question_key.in_(hidden))
        )
    session.refresh(response)
    return True


def reissue_receipt(session: Session, response_id: str) -> str:
    """A new receipt code for a response whose first code was lost with the browser session."""
    code = new_receipt_code()
    session.execute(update(Response).where(Response.id == response_id).values(receipt_hash=hash_code(code)))
    session.commit()
    return code


def count_submitted(session: Session, forum_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.forum_id == forum_id, Response.status == SUBMITTED)
        )
        or 0
    )
