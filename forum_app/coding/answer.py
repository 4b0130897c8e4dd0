"""The coding workspace's page of one answer: its suggestions and their evidence, the forum's themes
as toggles, the sentiments, and saving a person's coding of it (one commit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.agreement.reads import is_blind_for
from forum_app.codebook.versions import ensure_codebook
from forum_app.coding import decisions
from forum_app.coding.decisions import AnswerState, DecisionError
from forum_app.coding.filters import (
    FilterOptions,
    Filters,
    ParsedFilters,
    filter_options,
    parse_filters,
)
from forum_app.coding.labels import (
    SENTIMENT_LABELS,
    QuestionTitles,
    percent,
    when,
)
from forum_app.coding.models import AUTO, CODED, SENTIMENTS, CodedAnswer, Coding
from forum_app.coding.queue import AnswerHeading, Progress, language_tag, next_in_queue, progress
from forum_app.moderation.models import ModerationItem
from forum_app.surveys.answer_ids import public_id as public_id_of
from forum_app.surveys.models import Answer, Response

# The keys that tick a theme (in codebook order) and choose a sentiment (in SENTIMENTS order).
THEME_KEYS = "1234567890qwerty"
SENTIMENT_KEYS = "zxcv"


class AnswerNotFound(LookupError):
    """No answer of this forum has this id (another forum's answers are never found)."""


@dataclass(frozen=True)
class EvidenceLine:
    kind: str  # "phrase", "rule" or "model"
    text: str


@dataclass(frozen=True)
class ThemeToggle:
    theme_id: str
    label: str
    key: str  # the keyboard shortcut, "" past the 16th theme
    checked: bool
    suggested: bool
    confidence: int | None  # percent, when suggested
    evidence: list[EvidenceLine] = field(default_factory=list)
    decision: str | None = None  # for a coded answer's suggestions: "accepted" or "rejected"


@dataclass(frozen=True)
class SentimentChoice:
    value: str
    label: str
    key: str
    checked: bool
    suggested: bool


@dataclass(frozen=True)
class AnswerForCoding(AnswerHeading):
    text: str
    auto_sentiment: str
    themes: list[ThemeToggle]
    sentiments: list[SentimentChoice]
    coded_by: str | None
    coded_at: str | None
    model_label: str
    seen: str  # the state shown, sent back with the form to notice someone else's change
    language: str  # "Written in Polish: needs someone who reads it, or a translation", or ""

    @property
    def suggestions(self) -> list[ThemeToggle]:
        return sorted((t for t in self.themes if t.suggested), key=lambda t: -(t.confidence or 0))


def state_token(state: AnswerState) -> str:
    return f"{state.status}:{','.join(state.themes)}:{state.sentiment}"


def _evidence(items: Iterable[dict[str, Any]]) -> list[EvidenceLine]:
    """Quoted phrases and rules as they are; the model's weightiest words on one line."""
    lines, words = [], []
    for item in items:
        kind, text, detail = str(item.get("kind", "")), str(item.get("text", "")), str(item.get("detail", ""))
        if kind == "phrase":
            lines.append(EvidenceLine(kind, f"Quotes “{text}” ({detail})."))
        elif kind == "rule":
            lines.append(EvidenceLine(kind, f"Rule: {detail} Found in “{text}”."))
        elif kind == "model" and text:
            words.append(text)
    if words:
        lines.append(EvidenceLine("model", f"Words that weighed most: {', '.join(words)}."))
    return lines


def answer_for_coding(
    session: Session, forum_id: int, answer_id: int, options: FilterOptions | None = None
) -> AnswerForCoding | None:
    """One answer with its suggestions, evidence, the forum's themes as toggles and the sentiments.
    None when this forum has no such answer (another forum's answer is never shown)."""
    coded = session.get(CodedAnswer, answer_id)
    if coded is None or coded.forum_id != forum_id:
        return None
    found = session.execute(
        select(
            Answer.public_id,
            Answer.value,
            Answer.question_key,
            Response.survey_version_id,
            ModerationItem.language,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(ModerationItem, ModerationItem.answer_id == Answer.id)
        .where(Answer.id == answer_id, Response.forum_id == forum_id)
    ).one_or_none()
    if found is None:
        return None
    titles = QuestionTitles(session).of(found.survey_version_id, found.question_key)
    state = decisions.state_of(session, coded)
    outcomes = dict(
        session.execute(
            select(Coding.theme_id, Coding.status).where(Coding.answer_id == answer_id, Coding.source == AUTO)
        ).all()
    )
    suggestions = {str(s["theme"]): s for s in coded.suggestions or []}
    options = options or filter_options(session, forum_id)
    known = set(options.theme_labels)
    # Themes the answer has that the current codebook no longer lists stay visible, so saving keeps them.
    extra = [(theme, theme) for theme in state.themes if theme not in known]
    toggles = []
    for index, (theme, label) in enumerate([*options.themes, *extra]):
        suggestion = suggestions.get(theme)
        toggles.append(
            ThemeToggle(
                theme_id=theme,
                label=label,
                key=THEME_KEYS[index] if index < len(THEME_KEYS) else "",
                checked=theme in state.themes,
                suggested=suggestion is not None,
                confidence=percent(float(suggestion["confidence"])) if suggestion else None,
                evidence=_evidence(suggestion.get("evidence", [])) if suggestion else [],
                decision=outcomes.get(theme) if coded.status == CODED and suggestion else None,
            )
        )
    sentiments = [
        SentimentChoice(
            value, SENTIMENT_LABELS[value], key, value == coded.sentiment, value == coded.auto_sentiment
        )
        for value, key in zip(SENTIMENTS, SENTIMENT_KEYS, strict=True)
    ]
    coder = session.get(User, coded.coded_by_id) if coded.coded_by_id else None
    return AnswerForCoding.of(
        answer_id,
        found.public_id,
        titles,
        coded,
        text=str(found.value or ""),
        auto_sentiment=coded.auto_sentiment,
        themes=toggles,
        sentiments=sentiments,
        coded_by=coder.email if coder and coded.status == CODED else None,
        coded_at=when(coded.coded_at) if coded.status == CODED else None,
        model_label=coded.model_label,
        seen=state_token(state),
        language=language_tag(found.language),
    )


@dataclass(frozen=True)
class CodingScreen:
    answer: AnswerForCoding
    parsed: ParsedFilters
    progress: Progress
    next_id: str | None  # the public id of the answer "Skip" leads to
    can_undo: bool

    @property
    def filters(self) -> Filters:
        return self.parsed.filters


def coding_screen(
    session: Session, forum_id: int, user_id: int, answer_id: int, args: Mapping[str, str]
) -> CodingScreen | None:
    """The coding page of one answer, within the queue the filters select. None: not this forum's."""
    if is_blind_for(session, user_id, answer_id):
        return None
    options = filter_options(session, forum_id)
    answer = answer_for_coding(session, forum_id, answer_id, options)
    if answer is None:
        return None
    parsed = parse_filters(args, options, user_id)
    coded = session.get(CodedAnswer, answer_id)
    following = next_in_queue(session, forum_id, parsed.filters, after=coded)
    return CodingScreen(
        answer,
        parsed,
        progress(session, forum_id, parsed.filters),
        public_id_of(session, following) if following is not None else None,
        decisions.last_decision(session, forum_id, user_id) is not None,
    )


def save_coding(
    session: Session,
    forum_id: int,
    user_id: int,
    answer_id: int,
    *,
    themes: Iterable[str],
    sentiment: str,
    filters: Filters,
    seen: str | None = None,
) -> int | None:
    """Record the user's coding of an answer and commit; return the next answer of the queue.

    ``seen``: the state the user was shown (``AnswerForCoding.seen``). If someone else has changed
    the answer since, nothing is saved (``DecisionError``), so no one overwrites a coding unseen.
    """
    coded = session.get(CodedAnswer, answer_id, with_for_update=True)
    if coded is None or coded.forum_id != forum_id or is_blind_for(session, user_id, answer_id):
        session.rollback()
        raise AnswerNotFound(answer_id)
    try:
        current = decisions.state_of(session, coded)
        if seen is not None and state_token(current) != seen:
            raise DecisionError(
                "Someone else saved a coding of this answer while you had it open, so yours was not "
                "saved. Their coding is shown now: check it and save again."
            )
        codebook = ensure_codebook(session, forum_id)
        decisions.decide(
            session,
            coded,
            user_id=user_id,
            themes=themes,
            sentiment=sentiment,
            known_themes=[*(row.theme_id for row in codebook.themes), *current.themes],
            codebook_version_id=codebook.id,
            kind="code",
        )
    except DecisionError:
        session.rollback()
        raise
    session.commit()
    return next_in_queue(session, forum_id, filters, after=coded)
