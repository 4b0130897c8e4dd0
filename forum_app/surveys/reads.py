"""What other features may read of surveys and their responses: plain values, never the models.

A ``Selection`` names the responses a report counts: one survey's responses of a status (submitted,
unless asked otherwise) sent within a period, optionally only those that gave set answers to
grouping questions. ``selected(selection)`` is the same as SQL, for the read functions of the
features built on surveys (moderation, coding, quotes) to join on; everything else returns values.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from forum_app.surveys.models import IN_PROGRESS as IN_PROGRESS
from forum_app.surveys.models import SPAM as SPAM
from forum_app.surveys.models import SUBMITTED, Answer, Response, Survey, SurveyVersion
from forum_app.surveys.models import WITHDRAWN as WITHDRAWN


@dataclass(frozen=True)
class Selection:
    """One survey's responses of ``status`` sent from ``start`` to ``end`` (either end open when
    None), that answered each grouping question of ``groups`` with its value."""

    survey_id: int
    start: date | None = None
    end: date | None = None
    groups: tuple[tuple[str, str], ...] = ()
    status: str = SUBMITTED


@dataclass(frozen=True)
class SurveyOutline:
    """A survey as a report describes it: its published versions' numbers and every question of every
    version by key, as stored (the latest version's wording wins)."""

    id: int
    forum_id: int
    slug: str
    title: str
    versions: tuple[int, ...]
    questions: Mapping[str, dict[str, Any]] = field(compare=False)


def survey_outline(session: Session, forum_id: int, slug: str) -> SurveyOutline | None:
    """The forum's survey with this slug, or None (two queries: the survey, its versions)."""
    survey = session.scalar(select(Survey).where(Survey.forum_id == forum_id, Survey.slug == slug))
    if survey is None:
        return None
    questions: dict[str, dict[str, Any]] = {}
    for version in survey.versions:
        questions.update({q["key"]: q for q in version.definition.get("questions", [])})
    numbers = tuple(version.number for version in survey.versions)
    return SurveyOutline(survey.id, survey.forum_id, survey.slug, survey.title, numbers, questions)


def selected(selection: Selection) -> Select[Any]:
    """The ids of the selected responses, as a query to filter or join on."""
    query = (
        select(Response.id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(SurveyVersion.survey_id == selection.survey_id, Response.status == selection.status)
    )
    if selection.start is not None:
        query = query.where(Response.submitted_on >= selection.start)
    if selection.end is not None:
        query = query.where(Response.submitted_on <= selection.end)
    for key, wanted in selection.groups:
        query = query.where(
            Response.id.in_(
                select(Answer.response_id).where(
                    Answer.question_key == key, _raw(Answer.value) == json.dumps(wanted)
                )
            )
        )
    return query


def response_ids(session: Session, selection: Selection) -> frozenset[str]:
    return frozenset(session.connection().execute(selected(selection)).scalars())


def count(session: Session, selection: Selection) -> int:
    return session.scalar(select(func.count()).select_from(selected(selection).subquery())) or 0


def submitted_span(session: Session, survey_id: int) -> tuple[date | None, date | None]:
    """The first and last day a response to the survey was sent (None, None when none was)."""
    first, last = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on))
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(SurveyVersion.survey_id == survey_id, Response.status == SUBMITTED)
    ).one()
    return first, last


def started_by_status(session: Session, survey_id: int, start: date, end: date) -> Counter[str]:
    """Every response started from ``start`` to ``end``, by status (in_progress, submitted...)."""
    rows = session.execute(
        select(Response.status, func.count())
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(
            SurveyVersion.survey_id == survey_id,
            Response.started_on >= start,
            Response.started_on <= end,
        )
        .group_by(Response.status)
    ).all()
    return Counter({status: n for status, n in rows})


def answer_counts(session: Session, selection: Selection, keys: Iterable[str]) -> list[tuple[str, Any, int]]:
    """(question key, answer, how many selected responses gave it) for each distinct answer to
    ``keys``, counted in the database; a list answer (checkboxes) is one answer."""
    rows = session.connection().execute(
        select(Answer.question_key, _raw(Answer.value), func.count())
        .where(Answer.response_id.in_(selected(selection)), Answer.question_key.in_(list(keys)))
        .group_by(Answer.question_key, _raw(Answer.value))
    )
    parse = _parser()
    return [(key, parse(raw), n) for key, raw, n in rows.all()]


def answers_by_response(
    session: Session, selection: Selection, keys: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Each selected response that answered any of ``keys`` -> its answers to them."""
    rows = session.connection().execute(
        select(Answer.response_id, Answer.question_key, _raw(Answer.value)).where(
            Answer.response_id.in_(selected(selection)), Answer.question_key.in_(list(keys))
        )
    )
    parse = _parser()
    found: dict[str, dict[str, Any]] = {}
    for response_id, key, raw in rows.all():
        found.setdefault(response_id, {})[key] = parse(raw)
    return found


def published_surveys(session: Session, forum_id: int) -> list[tuple[str, str]]:
    """(slug, title) of the forum's surveys with a published version (a draft has no responses), by
    title."""
    rows = session.execute(
        select(Survey.slug, Survey.title)
        .where(Survey.forum_id == forum_id, Survey.id.in_(select(SurveyVersion.survey_id)))
        .order_by(Survey.title, Survey.slug)
    )
    return [(slug, title) for slug, title in rows.all()]


def latest_questions(session: Session, survey_id: int) -> list[Any]:
    """The latest published version's questions, as stored, in its order ([] when none)."""
    latest = session.scalar(
        select(SurveyVersion.definition)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    listed = latest.get("questions", []) if isinstance(latest, dict) else []
    return list(listed) if isinstance(listed, list) else []


def sent_in_pages(
    session: Session, selection: Selection, forum_id: int, size: int
) -> Iterator[list[tuple[str, int, date]]]:
    """The forum's selected responses as (id, version number, day sent), oldest first, ``size`` at a
    time (each page one query, starting after the last row of the one before)."""
    query = (
        selected(selection)
        .add_columns(SurveyVersion.number, Response.submitted_on)
        .where(Response.forum_id == forum_id, Response.submitted_on.is_not(None))
        .order_by(Response.submitted_on, Response.id)
        .limit(size)
    )
    after: tuple[date, str] | None = None
    while True:
        page = query
        if after is not None:
            day, response_id = after
            later = and_(Response.submitted_on == day, Response.id > response_id)
            page = page.where(or_(Response.submitted_on > day, later))
        rows = [(row[0], row[1], row[2]) for row in session.execute(page).all()]
        if not rows:
            return
        yield rows
        after = (rows[-1][2], rows[-1][0])


def stored_answers(session: Session, response_ids: Sequence[str]) -> list[tuple[str, str, int, Any]]:
    """(response id, question key, answer id, value as stored) of every answer of these responses."""
    found = session.execute(
        select(Answer.response_id, Answer.question_key, Answer.id, Answer.value).where(
            Answer.response_id.in_(list(response_ids))
        )
    )
    return [(response_id, key, answer_id, value) for response_id, key, answer_id, value in found.all()]


def _raw(value: Any) -> Any:
    """An answer's stored JSON as text, the same on SQLite and PostgreSQL ('"11-15"', '["a", "b"]')."""
    return cast(value, Text)


def _parser() -> Callable[[str | None], Any]:
    """json.loads for one read: answers repeat, so each distinct one is parsed once."""
    loads = lru_cache(maxsize=None)(json.loads)
    return lambda raw: loads(raw) if raw is not None else None
