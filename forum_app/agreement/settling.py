"""Settling disagreements: the answers of a double-coded sample that the two people coded differently.

``disagreements`` shows them side by side, each coding marked where it differs from the other; a lead
settles one answer's final coding (``resolve``) or takes every answer both people coded the same
(``use_agreed_codings``), once both have finished (``sampling.may_resolve``). Each of those two commits
once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.agreement.reliability import codings_differ, sample_codings
from forum_app.agreement.sampling import (
    SampleError,
    check_coding,
    email_of,
    may_resolve,
    member_role,
    own_coding,
    progress,
    question_and_text,
    theme_choices,
)
from forum_app.coding.decisions import AnswerState, DecisionError, decide, state_of
from forum_app.coding.models import CODED, CodedAnswer, CodingDecision
from forum_app.db import utcnow
from forum_app.templating import excerpt

EXCERPT_LENGTH = 160
NOT_FINISHED = "Disagreements can be settled once both people have coded every answer of the sample."


@dataclass(frozen=True)
class ThemeMark:
    label: str
    differs: bool  # the other person did not choose it


@dataclass(frozen=True)
class Side:
    """One person's coding of an answer, marked where it differs from the other's."""

    name: str
    themes: tuple[str, ...]
    sentiment: str
    marks: list[ThemeMark]
    sentiment_differs: bool


@dataclass(frozen=True)
class Disagreement:
    item_id: int
    item_public_id: str  # how addresses name it
    position: int
    answer_id: int
    question: str
    text: str
    excerpt: str
    first: Side
    second: Side
    resolved: bool
    final_themes: tuple[str, ...] | None  # what the lead settled, when resolved
    final_sentiment: str | None

    @property
    def agreed_themes(self) -> tuple[str, ...]:
        """The themes both people chose: where a lead's decision starts from."""
        return tuple(theme for theme in self.first.themes if theme in self.second.themes)


def _side(name: str, mine: BlindCoding, other: BlindCoding, labels: Mapping[str, str]) -> Side:
    themes = tuple(theme for theme in labels if theme in mine.themes) + tuple(
        theme for theme in sorted(mine.themes) if theme not in labels
    )
    return Side(
        name=name,
        themes=themes,
        sentiment=mine.sentiment,
        marks=[ThemeMark(labels.get(theme, theme), theme not in other.themes) for theme in themes],
        sentiment_differs=mine.sentiment != other.sentiment,
    )


def _disagreement(
    session: Session,
    item: AgreementItem,
    a: BlindCoding,
    b: BlindCoding,
    names: tuple[str, str],
    labels: Mapping[str, str],
    resolution: dict[str, Any] | None,
) -> Disagreement:
    question, text = question_and_text(session, item.answer_id)
    return Disagreement(
        item_id=item.id,
        item_public_id=item.public_id,
        position=item.position,
        answer_id=item.answer_id,
        question=question,
        text=text,
        excerpt=excerpt(text, EXCERPT_LENGTH),
        first=_side(names[0], a, b, labels),
        second=_side(names[1], b, a, labels),
        resolved=item.resolved_at is not None,
        final_themes=tuple(resolution["themes"]) if resolution else None,
        final_sentiment=str(resolution["sentiment"]) if resolution else None,
    )


def disagreements(session: Session, sample_id: int) -> list[Disagreement]:
    """The answers both people coded but coded differently (themes or sentiment), in sample order."""
    sample = session.get(AgreementSample, sample_id)
    if sample is None:
        return []
    state = progress(session, sample)
    labels = {choice.value: choice.label for choice in theme_choices(session, sample)}
    data = sample_codings(session, sample)
    found = []
    for item in data.items:
        a, b = data.first.get(item.id), data.second.get(item.id)
        if a is not None and b is not None and codings_differ(a, b):
            resolution = data.resolutions.get(item.answer_id) if item.resolved_at is not None else None
            found.append(
                _disagreement(session, item, a, b, (state.first.name, state.second.name), labels, resolution)
            )
    return found


def disagreement(session: Session, item: AgreementItem) -> Disagreement | None:
    """One answer's two codings side by side (None until both people have coded it)."""
    sample = item.sample
    a = own_coding(session, item.id, sample.first_coder_id) if sample.first_coder_id else None
    b = own_coding(session, item.id, sample.second_coder_id) if sample.second_coder_id else None
    if a is None or b is None:
        return None
    labels = {choice.value: choice.label for choice in theme_choices(session, sample)}
    data = sample_codings(session, sample) if item.resolved_at is not None else None
    resolution = data.resolutions.get(item.answer_id) if data else None
    names = (email_of(session, sample.first_coder_id), email_of(session, sample.second_coder_id))
    return _disagreement(session, item, a, b, names, labels, resolution)


def next_unresolved(session: Session, sample_id: int, after_position: int = 0) -> Disagreement | None:
    pending = [d for d in disagreements(session, sample_id) if not d.resolved]
    later = [d for d in pending if d.position > after_position]
    return (later or pending)[0] if pending else None


# --- settling disagreements ---------------------------------------------------------------------


def resolve(
    session: Session, item: AgreementItem, user_id: int, themes: Iterable[str], sentiment: str
) -> CodingDecision:
    """Settle a sampled answer's final coding as a lead's decision (kind "resolve"), and mark the
    sample's answer resolved. Commits."""
    sample = item.sample
    state = progress(session, sample)
    role = member_role(session, sample.forum_id, user_id)
    if role != "lead":
        raise SampleError("Only a forum lead can settle a disagreement.")
    if not may_resolve(state, role):
        raise SampleError(NOT_FINISHED)
    chosen = check_coding(session, sample, themes, sentiment)
    coded = session.get(CodedAnswer, item.answer_id)
    if coded is None or coded.forum_id != sample.forum_id:
        raise SampleError("That answer is no longer here (it may have been withdrawn).")
    try:
        decision = decide(
            session,
            coded,
            user_id=user_id,
            themes=chosen,
            sentiment=sentiment,
            known_themes=[choice.value for choice in theme_choices(session, sample)],
            codebook_version_id=sample.codebook_version_id,
            kind="resolve",
        )
    except DecisionError as error:
        session.rollback()
        raise SampleError(str(error)) from error
    item.resolved_by_id, item.resolved_at = user_id, decision.decided_at
    session.commit()
    return decision


def use_agreed_codings(session: Session, sample: AgreementSample, user_id: int) -> int:
    """Make what both people chose, where they chose the same themes and sentiment, the final coding
    of those answers of a finished sample, as the lead's decisions (kind "resolve"); each such answer
    is marked settled, so pressing again changes nothing and a later coding stands. Commits; returns
    how many answers' coding changed."""
    if member_role(session, sample.forum_id, user_id) != "lead":
        raise SampleError("Only a forum lead can use the agreed codings.")
    if not may_resolve(progress(session, sample), "lead"):
        raise SampleError(NOT_FINISHED)
    rows = session.execute(
        select(AgreementItem, BlindCoding)
        .join(BlindCoding, BlindCoding.item_id == AgreementItem.id)
        .where(AgreementItem.sample_id == sample.id, AgreementItem.resolved_at.is_(None))
    ).all()
    items: dict[int, AgreementItem] = {}
    codings: dict[int, dict[int, BlindCoding]] = {}
    for item, coding in rows:
        items[item.id] = item
        codings.setdefault(item.id, {})[coding.coder_id] = coding
    known = [choice.value for choice in theme_choices(session, sample)]
    now, changed = utcnow(), 0
    for item_id, both in codings.items():
        first, second = both.get(sample.first_coder_id or 0), both.get(sample.second_coder_id or 0)
        if first is None or second is None:
            continue
        if set(first.themes) != set(second.themes) or first.sentiment != second.sentiment:
            continue
        item = items[item_id]
        coded = session.get(CodedAnswer, item.answer_id)
        if coded is None:
            continue
        agreed = AnswerState(CODED, tuple(sorted(set(first.themes))), first.sentiment)
        if state_of(session, coded) != agreed:
            decide(
                session,
                coded,
                user_id=user_id,
                themes=agreed.themes,
                sentiment=agreed.sentiment,
                known_themes=[*known, *agreed.themes],
                codebook_version_id=sample.codebook_version_id,
                kind="resolve",
            )
            changed += 1
        item.resolved_by_id, item.resolved_at = user_id, now
    session.commit()
    return changed
