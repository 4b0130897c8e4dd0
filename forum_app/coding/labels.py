"""How the coding workspace words an answer: status and sentiment names, percentages, months, moments
and question titles, the same on the queue, the page of one answer and the bulk page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.coding.models import CODED, PENDING
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import Survey, SurveyVersion
from forum_app.templating import format_moment

SNIPPET_LENGTH = 160
STATUS_LABELS = {PENDING: "To code", CODED: "Coded"}
SENTIMENT_LABELS = {"negative": "Negative", "mixed": "Mixed", "neutral": "Neutral", "positive": "Positive"}


class QuestionTitles:
    """Question and survey titles by survey version, each version's definition parsed once."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._versions: dict[int, tuple[dict[str, str], str]] = {}

    def of(self, version_id: int, key: str) -> tuple[str, str]:
        if version_id not in self._versions:
            definition_json, title = self._session.execute(
                select(SurveyVersion.definition, Survey.title)
                .join(Survey, Survey.id == SurveyVersion.survey_id)
                .where(SurveyVersion.id == version_id)
            ).one()
            try:
                titles = {q.key: q.title for q in parse_definition(definition_json).questions}
            except DefinitionError:
                titles = {}
            self._versions[version_id] = (titles, title)
        titles, survey = self._versions[version_id]
        return titles.get(key, key), survey


def snippet(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) <= SNIPPET_LENGTH:
        return text
    return text[: SNIPPET_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def percent(confidence: float | None) -> int:
    return round(100 * (confidence or 0.0))


def month_label(day: date | None) -> str:
    return f"{day:%B %Y}" if day else ""


def when(moment: datetime | None) -> str | None:
    """A staff record's time as people in England read it: "3 March 2026 at 2:05pm"."""
    return format_moment(moment) if moment is not None else None
