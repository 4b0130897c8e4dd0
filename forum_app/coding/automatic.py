"""Coding answers automatically once a moderator approves them (and any approved ones left uncoded).

Coders only ever see redacted, approved text: every approved free-text answer of a submitted response
gets a ``CodedAnswer`` (status ``pending``) holding the
coder's suggestions with their evidence and the sentiment, and one ``Coding`` row (source ``auto``,
status ``suggested``) per suggested theme. People then accept or change them in the workspace.

The coder reads English only. An answer moderation found written in another language
(``ModerationItem.language``) is not coded automatically: its ``CodedAnswer`` has no suggestions, the
least confidence (so "least sure first" puts it first, and bulk acceptance never takes it) and the note
"Written in Polish: needs someone who reads it, or a translation", and waits for a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from forum_app.codebook.versions import ensure_codebook
from forum_app.coding.models import AUTO, NOT_CODED_LABEL, PENDING, SUGGESTED, CodedAnswer, Coding
from forum_app.moderation.language import needs_reader, reader_tag
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.surveys.definitions import keys_of_kind
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion

BATCH = 500
NEUTRAL = "neutral"


@dataclass(frozen=True)
class _Uncoded:
    answer_id: int
    text: str
    forum_id: int
    survey_id: int
    submitted_on: date
    language: str | None = None


def answer_confidence(scores: dict[str, float]) -> float:
    """How sure the coder is of an answer as a whole: a suggestion at 0.55 or a theme left out at
    0.45 both make it unsure. The lowest of the suggested themes' confidences and of one minus each
    other theme's."""
    sure = [score if score >= 0.5 else 1.0 - score for score in scores.values()]
    return round(min(sure), 4) if sure else 0.0


def _uncoded(
    session: Session, forum_id: int | None, response_ids: Sequence[str] | None
) -> Iterable[_Uncoded]:
    versions = select(SurveyVersion.id, SurveyVersion.survey_id, SurveyVersion.definition)
    if response_ids is not None:
        versions = versions.where(
            SurveyVersion.id.in_(
                select(Response.survey_version_id).where(Response.id.in_(response_ids)).distinct()
            )
        )
    for version_id, survey_id, definition in session.execute(versions).all():
        keys = keys_of_kind(definition, "text")
        if not keys:
            continue
        query = (
            select(Answer.id, Answer.value, Response.forum_id, Response.submitted_on, ModerationItem.language)
            .join(Response, Answer.response_id == Response.id)
            .join(ModerationItem, ModerationItem.answer_id == Answer.id)
            .outerjoin(CodedAnswer, CodedAnswer.answer_id == Answer.id)
            .where(
                Response.survey_version_id == version_id,
                Response.status == SUBMITTED,
                ModerationItem.status == APPROVED,
                Answer.question_key.in_(keys),
                CodedAnswer.answer_id.is_(None),
            )
            .order_by(Answer.id)
        )
        if forum_id is not None:
            query = query.where(Response.forum_id == forum_id)
        if response_ids is not None:
            query = query.where(Response.id.in_(response_ids))
        for answer_id, value, answer_forum, submitted_on, language in session.execute(query):
            if isinstance(value, str) and value.strip() and submitted_on is not None:
                yield _Uncoded(answer_id, value, answer_forum, survey_id, submitted_on, language)


def _left_to_people(items: list[_Uncoded], forum_id: int, codebook_id: int) -> list[dict[str, object]]:
    """The coded-answer rows of answers in other languages: no suggestions, for a person to code."""
    return [
        {
            "answer_id": item.answer_id,
            "forum_id": forum_id,
            "survey_id": item.survey_id,
            "submitted_on": item.submitted_on,
            "status": PENDING,
            "confidence": 0.0,
            "auto_sentiment": NEUTRAL,
            "sentiment": NEUTRAL,
            "sentiment_score": 0.0,
            "suggestions": [],
            "notes": [reader_tag(item.language or "")],
            "model_label": NOT_CODED_LABEL,
            "codebook_version_id": codebook_id,
        }
        for item in items
    ]


def _store(session: Session, batch: list[_Uncoded]) -> None:
    from forum_app.coder.pipeline import code_texts
    from forum_app.coding.forum_coder import coder_for_forum

    by_forum: dict[int, list[_Uncoded]] = {}
    for item in batch:
        by_forum.setdefault(item.forum_id, []).append(item)
    for forum_id, found in by_forum.items():
        codebook = ensure_codebook(session, forum_id)
        unread = [item for item in found if needs_reader(item.language)]
        if unread:
            session.execute(insert(CodedAnswer), _left_to_people(unread, forum_id, codebook.id))
        items = [item for item in found if not needs_reader(item.language)]
        if not items:
            continue
        coder = coder_for_forum(session, forum_id, codebook)
        codings = code_texts([item.text for item in items], coder.model)
        coded_rows: list[dict[str, object]] = []
        coding_rows: list[dict[str, object]] = []
        for item, result in zip(items, codings, strict=True):
            result = coder.adjust(item.text, result)
            suggestions = [
                {
                    "theme": suggestion.theme,
                    "confidence": suggestion.confidence,
                    "evidence": [
                        {"kind": ev.kind, "text": ev.text, "detail": ev.detail} for ev in suggestion.evidence
                    ],
                }
                for suggestion in result.themes
            ]
            coded_rows.append(
                {
                    "answer_id": item.answer_id,
                    "forum_id": forum_id,
                    "survey_id": item.survey_id,
                    "submitted_on": item.submitted_on,
                    "status": PENDING,
                    "confidence": answer_confidence(result.scores),
                    "auto_sentiment": result.sentiment.label,
                    "sentiment": result.sentiment.label,
                    "sentiment_score": result.sentiment.score,
                    "suggestions": suggestions,
                    "notes": list(result.notes),
                    "model_label": coder.label,
                    "codebook_version_id": codebook.id,
                }
            )
            coding_rows += [
                {
                    "answer_id": item.answer_id,
                    "theme_id": suggestion.theme,
                    "source": AUTO,
                    "status": SUGGESTED,
                    "confidence": suggestion.confidence,
                    "codebook_version_id": codebook.id,
                }
                for suggestion in result.themes
            ]
        session.execute(insert(CodedAnswer), coded_rows)
        if coding_rows:
            session.execute(insert(Coding), coding_rows)


def code_new_answers(
    session: Session, forum_id: int | None = None, response_ids: Sequence[str] | None = None
) -> int:
    """Code every submitted free-text answer that has no coding yet (of one forum, or of some
    responses). Commits after each batch; returns how many answers were coded."""
    coded = 0
    batch: list[_Uncoded] = []
    for item in list(_uncoded(session, forum_id, response_ids)):
        batch.append(item)
        if len(batch) == BATCH:
            _store(session, batch)
            session.commit()
            coded += len(batch)
            batch = []
    if batch:
        _store(session, batch)
        session.commit()
        coded += len(batch)
    return coded
