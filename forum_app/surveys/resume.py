"""Save and come back later, without an account: a four-word resume code, stored hashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from forum_app.db import today
from forum_app.surveys.codes import hash_resume_code, new_resume_code, normalise_resume_code
from forum_app.surveys.definitions import Question, parse_definition
from forum_app.surveys.models import IN_PROGRESS, Answer, Response
from forum_app.surveys.services import LiveSurvey, answers_of, get_response, reissue_receipt


class ResumeCodeNotFound(LookupError):
    """No saved answers have this code (mistyped, or never issued)."""


class ResumeCodeExpired(Exception):
    """The code was right but is past its last day."""

    def __init__(self, expired_on: date) -> None:
        super().__init__(expired_on.isoformat())
        self.expired_on = expired_on


class AlreadySent(Exception):
    """The answers saved under this code have since been sent."""


@dataclass(frozen=True)
class Saved:
    """A resume code and the last day it works."""

    code: str
    last_day: date


def save_for_later(session: Session, response_id: str, valid_days: int, on: date | None = None) -> Saved:
    """A new resume code for an in-progress response; any earlier code stops working."""
    code = new_resume_code()
    last_day = (on or today()) + timedelta(days=valid_days)
    response = session.get(Response, response_id)
    if response is None or response.status != IN_PROGRESS:
        raise AlreadySent(response_id)
    response.resume_hash = hash_resume_code(code)
    response.resume_expires_on = last_day
    session.commit()
    return Saved(code, last_day)


@dataclass(frozen=True)
class Resumed:
    response: Response
    receipt_code: str
    dropped: list[str]  # keys of answers to questions the newer survey version no longer asks
    changed_version: bool


def resume(session: Session, code: str, live: LiveSurvey, on: date | None = None) -> Resumed:
    """Find saved answers by their code and bring them onto the survey's current version."""
    if not normalise_resume_code(code):
        raise ResumeCodeNotFound(code)
    found = session.scalar(select(Response.id).where(Response.resume_hash == hash_resume_code(code)))
    response = get_response(session, found, live.survey.id)
    if response is None:
        raise ResumeCodeNotFound(code)
    if response.status != IN_PROGRESS:
        raise AlreadySent(response.id)
    if response.resume_expires_on is not None and response.resume_expires_on < (on or today()):
        raise ResumeCodeExpired(response.resume_expires_on)
    dropped: list[str] = []
    changed = response.survey_version_id != live.version.id
    if changed:
        dropped = _move_to_version(session, response, live)
    # The receipt code lived in the browser that started; this browser gets a new one.
    receipt = reissue_receipt(session, response.id)
    return Resumed(response, receipt, dropped, changed)


def _move_to_version(session: Session, response: Response, live: LiveSurvey) -> list[str]:
    """Keep answers to questions that still exist with the same type; drop the rest."""
    old = parse_definition(response.survey_version.definition)
    answers = answers_of(session, response.id)
    dropped = []
    for key in answers:
        before, after = old.question(key), live.definition.question(key)
        if (
            before is None
            or after is None
            or before.kind != after.kind
            or not _still_valid(after, answers[key])
        ):
            dropped.append(key)
    if dropped:
        session.execute(
            delete(Answer).where(Answer.response_id == response.id, Answer.question_key.in_(dropped))
        )
    response.survey_version_id = live.version.id
    session.commit()
    return dropped


def _still_valid(question: Question, value: object) -> bool:
    """A choice answer is kept only if every chosen option still exists."""
    options = {o.value for o in question.options}
    if not options:
        return True
    chosen = value if isinstance(value, list) else [str(value)]
    return all(str(v) in options for v in chosen)
