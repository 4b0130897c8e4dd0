"""What the leads' spam folder shows of each response: its free-text answers.

Free text is redacted as it arrives, spam or not (``responses_received``), so ``Answer.value`` of a
free-text answer holds the redacted text: the folder shows only that, never the original words.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.surveys.definitions import keys_of_kind
from forum_app.surveys.models import Answer, Response, SurveyVersion
from forum_app.templating import excerpt

EXCERPT_LENGTH = 300


def free_texts(session: Session, forum_id: int, response_ids: Sequence[str]) -> dict[str, list[str]]:
    """The free-text answers (redacted, shortened) of these responses of one forum, by response id."""
    if not response_ids:
        return {}
    rows = session.execute(
        select(
            Answer.response_id, Answer.question_key, Answer.value, SurveyVersion.id, SurveyVersion.definition
        )
        .join(Response, Response.id == Answer.response_id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(Response.forum_id == forum_id, Answer.response_id.in_(list(response_ids)))
        .order_by(Answer.id)
    ).all()
    keys: dict[int, frozenset[str]] = {}
    texts: dict[str, list[str]] = {}
    for response_id, key, value, version_id, definition in rows:
        if version_id not in keys:
            keys[version_id] = keys_of_kind(definition, "text")
        if key in keys[version_id] and isinstance(value, str) and value.strip():
            texts.setdefault(response_id, []).append(excerpt(value, EXCERPT_LENGTH))
    return texts
