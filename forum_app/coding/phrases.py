"""Coding a phrase: a person picks some words of an answer as the evidence for one of its themes.

A phrase is exactly ``text[start:end]`` of the answer's text as staff see it (redacted by moderation),
at most ``MOST_CHARACTERS`` long, with something in it besides spaces and redaction tags: "[email]" is
never evidence. Coding one is a person's decision on the answer (``decisions.decide``): the theme is
added to the answer's themes, logged, and undone like any other coding. When the answer may be quoted
(``quotes.candidates.quotable``: the family agreed, a moderator approved it, the response counts), the
phrase becomes the answer's candidate quote for that theme, and packs quote those words rather than the
whole answer (they still run their final check on them).

Each service function commits once; a refusal rolls back and raises ``PhraseError`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.agreement.reads import is_blind_for
from forum_app.codebook.versions import ensure_codebook
from forum_app.coding import decisions
from forum_app.coding.answer import AnswerNotFound
from forum_app.coding.models import CodedAnswer, CodedPhrase
from forum_app.db import today, utcnow
from forum_app.moderation.redact import TAGS
from forum_app.quotes.candidates import quotable
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.models import Answer

MOST_CHARACTERS = 500
_TAG_RE = re.compile("|".join(re.escape(tag) for tag in TAGS.values()))
_WORD_RE = re.compile(r"\w")


class PhraseError(ValueError):
    """Words that cannot be coded; the message says why, in words for the coder."""


@dataclass(frozen=True)
class Coded:
    phrase_id: int
    theme_id: str
    text: str
    added_theme: bool  # the answer was not coded with the theme before
    quote: bool  # the phrase is the answer's candidate quote for the theme now


def locate(text: str, words: str, start: int | None = None) -> tuple[int, int]:
    """Where ``words`` (spaces around them ignored) are in ``text``: at ``start`` if they are there,
    else their first place. ``PhraseError`` if they are not in it or are not a phrase that can be coded."""
    wanted = words.strip()
    if not wanted:
        raise PhraseError("Enter the words to code, copied exactly from the answer.")
    if len(wanted) > MOST_CHARACTERS:
        raise PhraseError(f"Choose at most {MOST_CHARACTERS} characters: a phrase, not the whole answer.")
    if not _WORD_RE.search(_TAG_RE.sub("", wanted)):
        raise PhraseError(
            "Choose the family’s own words: a redaction tag such as [email] is never evidence on its own."
        )
    if start is not None and start >= 0 and text[start : start + len(wanted)] == wanted:
        return start, start + len(wanted)
    found = text.find(wanted)
    if found >= 0:
        return found, found + len(wanted)
    # Copied across lines or with other spaces: the same words, any spaces between them.
    loose = re.search(r"\s{1,20}".join(re.escape(word) for word in wanted.split()), text)
    if loose is None or len(loose.group()) > MOST_CHARACTERS:
        raise PhraseError(
            "Those words are not in the answer. Copy them exactly from it, or select them in the answer."
        )
    return loose.start(), loose.end()


def _answer(session: Session, forum_id: int, answer_id: int, user_id: int) -> tuple[CodedAnswer, str]:
    coded = session.get(CodedAnswer, answer_id, with_for_update=True)
    if coded is None or coded.forum_id != forum_id or is_blind_for(session, user_id, answer_id):
        raise AnswerNotFound(answer_id)
    return coded, str(session.scalar(select(Answer.value).where(Answer.id == answer_id)) or "")


def _make_quote(session: Session, forum_id: int, phrase: CodedPhrase, user_id: int) -> bool:
    if not quotable(session, forum_id, phrase.answer_id):
        return False
    candidate = session.scalar(
        select(QuoteCandidate).where(
            QuoteCandidate.answer_id == phrase.answer_id, QuoteCandidate.theme_id == phrase.theme_id
        )
    )
    if candidate is None:
        candidate = QuoteCandidate(
            answer_id=phrase.answer_id, forum_id=forum_id, theme_id=phrase.theme_id, marked_on=today()
        )
        session.add(candidate)
    candidate.excerpt, candidate.marked_by = phrase.text, user_id
    return True


def code_phrase(
    session: Session,
    forum_id: int,
    answer_id: int,
    *,
    theme_id: str,
    words: str,
    user_id: int,
    start: int | None = None,
) -> Coded:
    """Code ``words`` of the answer with the theme and commit: the phrase is stored, the theme added
    to the answer's coding (a decision that can be undone) and, if the answer may be quoted, the phrase
    is its candidate quote for the theme. ``AnswerNotFound`` if this forum has no such answer (or the
    user codes it blind); ``PhraseError`` if the words or the theme are refused."""
    try:
        coded, text = _answer(session, forum_id, answer_id, user_id)
        begin, end = locate(text, words, start)
        codebook = ensure_codebook(session, forum_id)
        current = decisions.state_of(session, coded)
        known = [*(row.theme_id for row in codebook.themes), *current.themes]
        if theme_id not in known:
            raise PhraseError("Choose the theme these words are evidence for.")
        added = theme_id not in current.themes or current.status != "coded"
        if added:
            decisions.decide(
                session,
                coded,
                user_id=user_id,
                themes=[*current.themes, theme_id],
                sentiment=coded.sentiment,
                known_themes=known,
                codebook_version_id=codebook.id,
                kind="code",
            )
    except (AnswerNotFound, PhraseError, decisions.DecisionError):
        session.rollback()
        raise
    phrase = session.scalar(
        select(CodedPhrase).where(
            CodedPhrase.answer_id == answer_id,
            CodedPhrase.theme_id == theme_id,
            CodedPhrase.start_offset == begin,
            CodedPhrase.end_offset == end,
        )
    )
    if phrase is None:
        phrase = CodedPhrase(answer_id=answer_id, forum_id=forum_id, theme_id=theme_id)
        session.add(phrase)
    phrase.start_offset, phrase.end_offset, phrase.text = begin, end, text[begin:end]
    phrase.coder_id, phrase.coded_at = user_id, utcnow()
    session.flush()
    quote = _make_quote(session, forum_id, phrase, user_id)
    session.commit()
    return Coded(phrase.id, theme_id, phrase.text, added, quote)


def remove_phrase(session: Session, forum_id: int, answer_id: int, phrase_id: int, user_id: int) -> str:
    """Take a phrase off the answer and commit; return its words. The answer keeps its themes. A
    candidate quote made of these words takes the theme's latest other phrase, or is taken off the
    list if there is none. ``AnswerNotFound`` if this forum's answer has no such phrase."""
    phrase = session.get(CodedPhrase, phrase_id)
    if (
        phrase is None
        or phrase.answer_id != answer_id
        or phrase.forum_id != forum_id
        or is_blind_for(session, user_id, answer_id)
    ):
        session.rollback()
        raise AnswerNotFound(answer_id)
    words, theme_id = phrase.text, phrase.theme_id
    session.delete(phrase)
    session.flush()
    candidate = session.scalar(
        select(QuoteCandidate).where(
            QuoteCandidate.answer_id == answer_id, QuoteCandidate.theme_id == theme_id
        )
    )
    if candidate is not None and candidate.excerpt == words:
        other = session.scalar(
            select(CodedPhrase.text)
            .where(CodedPhrase.answer_id == answer_id, CodedPhrase.theme_id == theme_id)
            .order_by(CodedPhrase.coded_at.desc(), CodedPhrase.id.desc())
            .limit(1)
        )
        if other is not None:
            candidate.excerpt = other
        else:
            session.execute(delete(QuoteCandidate).where(QuoteCandidate.id == candidate.id))
    session.commit()
    return words


@dataclass(frozen=True)
class PhraseLine:
    phrase_id: int
    theme_id: str
    theme: str  # its label
    text: str
    start: int
    end: int
    mine: bool
    coder: str | None  # the coder's email, when it is someone else


def phrases_of(
    session: Session, answer_id: int, user_id: int, labels: dict[str, str] | None = None
) -> list[PhraseLine]:
    """The answer's coded phrases in the order of the text (plain values for the coding page)."""
    rows = session.execute(
        select(CodedPhrase, User.email)
        .outerjoin(User, User.id == CodedPhrase.coder_id)
        .where(CodedPhrase.answer_id == answer_id)
        .order_by(CodedPhrase.start_offset, CodedPhrase.end_offset, CodedPhrase.id)
    ).all()
    labels = labels or {}
    return [
        PhraseLine(
            phrase.id,
            phrase.theme_id,
            labels.get(phrase.theme_id, phrase.theme_id),
            phrase.text,
            phrase.start_offset,
            phrase.end_offset,
            phrase.coder_id == user_id,
            None if phrase.coder_id == user_id else email,
        )
        for phrase, email in rows
    ]
