"""A survey's working draft: made from a starter or a file, read, and saved with a revision check.

Every document saved here passes ``parse_definition``, so a draft is always a survey that could be
published. Nothing here publishes: see ``publishing``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.builder.models import SurveyDraft
from forum_app.db import today
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import SURVEY_DRAFT, Survey
from forum_app.surveys.services import latest_version


class SlugTaken(ValueError):
    """The forum already has a survey at this address."""


class DraftChanged(Exception):
    """Another lead saved the draft since this form was drawn; nothing was saved."""


@dataclass(frozen=True)
class Draft:
    survey_id: int
    document: dict[str, Any]
    revision: int


def create_survey(session: Session, forum_id: int, document: dict[str, Any]) -> Survey:
    """A new survey of this forum, unpublished (``SURVEY_DRAFT``), whose draft is ``document``.

    Raises ``DefinitionError`` for an invalid document and ``SlugTaken`` when the slug is in use.
    Commits."""
    definition = parse_definition(document)
    taken = session.scalar(
        select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == definition.slug)
    )
    if taken is not None:
        raise SlugTaken(definition.slug)
    survey = Survey(forum_id=forum_id, slug=definition.slug, title=definition.title, status=SURVEY_DRAFT)
    session.add(survey)
    session.flush()
    session.add(SurveyDraft(survey_id=survey.id, definition=copy.deepcopy(document), updated_on=today()))
    session.commit()
    return survey


def draft_of(session: Session, survey_id: int) -> Draft:
    """The survey's draft. A survey made before the builder (or by an import) has none yet: its
    draft starts as its latest published version."""
    found = session.get(SurveyDraft, survey_id)
    if found is None:
        version = latest_version(session, survey_id)
        if version is None:
            raise LookupError(survey_id)
        found = SurveyDraft(
            survey_id=survey_id, definition=copy.deepcopy(version.definition), updated_on=today()
        )
        session.add(found)
        session.commit()
    return Draft(survey_id, copy.deepcopy(found.definition), found.revision)


def save_draft(session: Session, survey_id: int, document: dict[str, Any], revision: int) -> int:
    """Replace the draft with ``document`` if it is still at ``revision``; the new revision.

    The slug never changes here (it is the survey's address). Raises ``DefinitionError`` for an
    invalid document and ``DraftChanged`` when another save came first. Commits."""
    definition = parse_definition(document)
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(survey_id)
    if definition.slug != survey.slug:
        raise DefinitionError("survey: the slug is the survey's address and cannot change.")
    result = session.execute(
        update(SurveyDraft)
        .where(SurveyDraft.survey_id == survey_id, SurveyDraft.revision == revision)
        .values(definition=copy.deepcopy(document), revision=revision + 1, updated_on=today())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise DraftChanged(survey_id)
    session.commit()
    return revision + 1
