"""Candidate quotes: the lead's choice of families' own words to quote for a theme in evidence packs.

The rule (PACK.md, "Quote rules"): an answer may be quoted only if the family ticked the separate
"you can quote my words" box, a moderator approved it (so only the redacted text is left) and its
response still counts (submitted: not withdrawn, not in the spam folder). A lead then marks it as a
candidate for some of the themes it is coded with (its accepted codings, once a person has coded it).
Evidence packs use the candidates of a theme only when at least ``PACK_MINIMUM_REPORTS`` reports have
that theme; the overview shows each theme's count so the lead can see which will be used.

This lives in ``themes``, not ``moderation``, because it needs the codings and imports flow one way
(moderation may not import themes). A candidate whose answer is later recoded without that theme, or
whose response is moved to spam, stays in the table but is never listed or counted; it comes back if
the theme or the response does.

Packs check each candidate once more when they are built (``quote_check``): one with a school year, a
month or date, an exact age or a name in it is left out of the pack. The overview and the coding page
say so, with why, so the lead can choose another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.agreement.reads import blind_answers, is_blind_for
from forum_app.coding import decisions
from forum_app.coding.answer import AnswerNotFound
from forum_app.coding.filters import filter_options
from forum_app.coding.models import ACCEPTED, CODED, CodedAnswer, Coding
from forum_app.db import today
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.moderation.settings import moderation_settings
from forum_app.quotes.check import Problem, check_quote, explain
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.models import SUBMITTED, Answer, Response

PACK_MINIMUM_REPORTS = 10  # a theme's quotes go into a pack only from this many reports with it
Row = TypeVarTuple("Row")
MOST_WORDS = 60  # a longer quote needs a marked ellipsis in the pack

NO_CONSENT = "the family did not tick “you can quote my words”"
NOT_APPROVED = "it has not been approved in moderation, so personal details may still be in it"
NOT_COUNTED = "its response is in the spam folder, so it counts nowhere"


class QuoteError(ValueError):
    """Quote choices that cannot be saved; the message says why, in words for the lead."""


def _item(session: Session, forum_id: int, answer_id: int) -> ModerationItem:
    item = session.get(ModerationItem, answer_id)
    if item is None or item.forum_id != forum_id:
        raise AnswerNotFound(answer_id)
    return item


def why_not_quotable(session: Session, forum_id: int, answer_id: int) -> str | None:
    """Why this answer may not be quoted (the first reason, in words), or None if it may.
    ``AnswerNotFound`` if this forum has no such free-text answer."""
    item = _item(session, forum_id, answer_id)
    if session.scalar(select(Response.status).where(Response.id == item.response_id)) != SUBMITTED:
        return NOT_COUNTED
    if not item.quote_consent:
        return NO_CONSENT
    if item.status != APPROVED or item.original is not None:
        return NOT_APPROVED
    return None


def quotable(session: Session, forum_id: int, answer_id: int) -> bool:
    """Consent, approved (redacted text only) and the response still submitted. False for an answer
    this forum does not have."""
    try:
        return why_not_quotable(session, forum_id, answer_id) is None
    except AnswerNotFound:
        return False


def themes_of(session: Session, answer_id: int) -> list[str]:
    """The answer's final themes: its accepted codings once a person has coded it, else none."""
    coded = session.get(CodedAnswer, answer_id)
    if coded is None or coded.status != CODED:
        return []
    return list(decisions.state_of(session, coded).themes)


def _marked(session: Session, answer_id: int) -> set[str]:
    return set(session.scalars(select(QuoteCandidate.theme_id).where(QuoteCandidate.answer_id == answer_id)))


@dataclass(frozen=True)
class Marked:
    added: list[str]
    removed: list[str]
    themes: list[str]  # the answer's candidate themes now

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def mark(
    session: Session,
    forum_id: int,
    answer_id: int,
    theme_ids: Iterable[str],
    user_id: int | None,
    on: date | None = None,
) -> Marked:
    """Make exactly ``theme_ids`` the answer's candidate themes (adding and removing; none unmarks it)
    and commit. ``QuoteError`` if the answer may not be quoted, is not coded yet, or a theme is not one
    of its themes; ``AnswerNotFound`` if this forum has no such answer (or ``user_id`` is coding it blind)."""
    wanted = {str(theme).strip() for theme in theme_ids} - {""}
    try:
        _item(session, forum_id, answer_id)
        if user_id is not None and is_blind_for(session, user_id, answer_id):
            raise AnswerNotFound(answer_id)
        reason = why_not_quotable(session, forum_id, answer_id)
        if reason is not None:
            raise QuoteError(f"This answer cannot be quoted: {reason}.")
        coded = session.get(CodedAnswer, answer_id, with_for_update=True)  # one lead's choice at a time
        if coded is None or coded.status != CODED:
            raise QuoteError("This answer is not coded yet. Save its coding first, then choose its quotes.")
        own = set(themes_of(session, answer_id))
        unknown = sorted(wanted - own)
        if unknown:
            labels = filter_options(session, forum_id).theme_labels
            named = ", ".join(f"“{labels.get(theme, theme)[:100]}”" for theme in unknown[:3])
            raise QuoteError(
                "A quote can only be chosen for the themes the answer is coded with, and "
                f"{named} {'is' if len(unknown) == 1 else 'are'} not among them. Choose from the list."
            )
    except (AnswerNotFound, QuoteError):
        session.rollback()
        raise
    existing = _marked(session, answer_id)
    removed, added = sorted(existing - wanted), sorted(wanted - existing)
    if removed:
        session.execute(
            delete(QuoteCandidate).where(
                QuoteCandidate.answer_id == answer_id, QuoteCandidate.theme_id.in_(removed)
            )
        )
    session.add_all(
        QuoteCandidate(
            answer_id=answer_id, forum_id=forum_id, theme_id=theme, marked_by=user_id, marked_on=on or today()
        )
        for theme in added
    )
    session.commit()
    return Marked(added, removed, sorted(wanted))


# --- the lists ----------------------------------------------------------------------------------


def _listed(forum_id: int) -> list[ColumnElement[bool]]:
    """The candidates that count now: this forum's, of a submitted response, consented and approved,
    the answer coded and the theme still one of its accepted themes."""
    return [
        QuoteCandidate.forum_id == forum_id,
        Response.status == SUBMITTED,
        ModerationItem.quote_consent.is_(True),
        ModerationItem.status == APPROVED,
        ModerationItem.original.is_(None),
        CodedAnswer.status == CODED,
        select(Coding.id)
        .where(
            Coding.answer_id == QuoteCandidate.answer_id,
            Coding.theme_id == QuoteCandidate.theme_id,
            Coding.status == ACCEPTED,
        )
        .exists(),
    ]


def _joined(query: Select[*Row]) -> Select[*Row]:
    """``query`` of candidates, joined to their moderation item, response and coding state."""
    return (
        query.join(ModerationItem, ModerationItem.answer_id == QuoteCandidate.answer_id)
        .join(Response, Response.id == ModerationItem.response_id)
        .join(CodedAnswer, CodedAnswer.answer_id == QuoteCandidate.answer_id)
    )


@dataclass(frozen=True)
class Candidate:
    answer_id: int
    public_id: str  # how addresses name the answer
    theme_id: str
    theme: str  # its label
    text: str  # the redacted text, as approved (or the coded phrase of it that was chosen)
    marked_on: date
    words: int
    problems: tuple[Problem, ...] = ()  # what the pack's final check finds: left out of packs if any

    @property
    def too_long(self) -> bool:
        return self.words > MOST_WORDS

    @property
    def left_out(self) -> bool:
        return bool(self.problems)

    @property
    def reasons(self) -> list[str]:
        return explain(self.problems)


def checker(session: Session, forum_id: int) -> Callable[[str], tuple[Problem, ...]]:
    """The final check with the forum's own lists of names of people and settings."""
    forum = session.get(Forum, forum_id)
    settings = moderation_settings(forum) if forum is not None else None
    names = settings.deny_names if settings is not None else ()
    places = settings.deny_list if settings is not None else ()
    return lambda text: check_quote(text, names, places)


def candidates(
    session: Session, forum_id: int, theme_id: str | None = None, hidden_for: int | None = None
) -> list[Candidate]:
    """The forum's candidate quotes that count now, in codebook order of theme, oldest choice first.
    ``hidden_for``: a person whose blind double-coding answers are left out (their themes would show)."""
    query = _joined(
        select(
            QuoteCandidate.answer_id,
            Answer.public_id,
            QuoteCandidate.theme_id,
            QuoteCandidate.marked_on,
            Answer.value,
            QuoteCandidate.excerpt,  # the coded phrase, if one was chosen: quoted instead
        )
        .select_from(QuoteCandidate)
        .join(Answer, Answer.id == QuoteCandidate.answer_id)
    ).where(*_listed(forum_id))
    if theme_id is not None:
        query = query.where(QuoteCandidate.theme_id == theme_id)
    if hidden_for is not None:
        query = query.where(QuoteCandidate.answer_id.not_in(blind_answers(hidden_for)))
    rows = session.execute(query.order_by(QuoteCandidate.marked_on, QuoteCandidate.answer_id)).all()
    labels = filter_options(session, forum_id).theme_labels if rows else {}
    order = {theme: index for index, theme in enumerate(labels)}
    check = checker(session, forum_id)
    found = [
        Candidate(
            answer_id=answer_id,
            public_id=public_id,
            theme_id=theme,
            theme=labels.get(theme, theme),
            text=text,
            marked_on=marked_on,
            words=len(text.split()),
            problems=check(text),
        )
        for answer_id, public_id, theme, marked_on, text in (
            (*row[:4], str(row[5] or row[4] or "")) for row in rows
        )
    ]
    return sorted(found, key=lambda c: (order.get(c.theme_id, len(order)), c.theme_id))  # stable


def candidate_counts(session: Session, forum_id: int) -> dict[str, int]:
    """How many candidate quotes that count now each theme has (themes with none are left out)."""
    rows = session.execute(
        _joined(select(QuoteCandidate.theme_id, func.count()).select_from(QuoteCandidate))
        .where(*_listed(forum_id))
        .group_by(QuoteCandidate.theme_id)
    ).all()
    return {theme: int(count) for theme, count in rows}


def theme_reports(session: Session, forum_id: int, theme_ids: Iterable[str]) -> dict[str, int]:
    """How many reports (submitted responses) have an answer coded with each theme so far."""
    wanted = list(theme_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Coding.theme_id, func.count(func.distinct(Answer.response_id)))
        .join(CodedAnswer, CodedAnswer.answer_id == Coding.answer_id)
        .join(Answer, Answer.id == Coding.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(
            CodedAnswer.forum_id == forum_id,
            CodedAnswer.status == CODED,
            Coding.status == ACCEPTED,
            Coding.theme_id.in_(wanted),
            Response.status == SUBMITTED,
        )
        .group_by(Coding.theme_id)
    ).all()
    return {theme: int(count) for theme, count in rows}


# --- page data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeQuotes:
    theme_id: str
    label: str
    reports: int
    quotes: list[Candidate]

    @property
    def enough(self) -> bool:
        return self.reports >= PACK_MINIMUM_REPORTS


@dataclass(frozen=True)
class QuotesOverview:
    themes: list[ThemeQuotes]
    minimum: int = PACK_MINIMUM_REPORTS
    most_words: int = MOST_WORDS

    @property
    def total(self) -> int:
        return sum(len(theme.quotes) for theme in self.themes)

    @property
    def left_out(self) -> int:
        return sum(quote.left_out for theme in self.themes for quote in theme.quotes)


def overview(session: Session, forum_id: int, user_id: int | None = None) -> QuotesOverview:
    """The lead's overview: candidate quotes grouped by theme, with each theme's number of reports."""
    found = candidates(session, forum_id, hidden_for=user_id)
    grouped: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in found:
        grouped[candidate.theme_id].append(candidate)
    reports = theme_reports(session, forum_id, grouped)
    return QuotesOverview(
        [
            ThemeQuotes(theme, quotes[0].theme, reports.get(theme, 0), quotes)
            for theme, quotes in grouped.items()  # in codebook order: ``candidates`` sorts them
        ]
    )


@dataclass(frozen=True)
class QuotePanel:
    """The coding page's "Quote for the evidence pack" section."""

    answer_id: int
    reason: str | None  # why it may not be quoted; None if it may
    coded: bool
    choices: list[QuoteChoice]  # its accepted themes, ticked when chosen
    problems: tuple[Problem, ...] = ()  # what the pack's final check finds: left out of packs if any

    @property
    def reasons(self) -> list[str]:
        return explain(self.problems)

    @property
    def quotable(self) -> bool:
        return self.reason is None

    @property
    def chosen(self) -> list[str]:
        return [choice.label for choice in self.choices if choice.checked]


@dataclass(frozen=True)
class QuoteChoice:
    """One of the answer's accepted themes on the panel, ticked when the lead chose it for a quote."""

    theme_id: str
    label: str
    checked: bool


def quote_panel(session: Session, forum_id: int, answer_id: int) -> QuotePanel | None:
    """Whether the answer may be quoted and, once coded, its themes with the chosen ones ticked.
    None if this forum has no such free-text answer."""
    try:
        reason = why_not_quotable(session, forum_id, answer_id)
    except AnswerNotFound:
        return None
    own = themes_of(session, answer_id)
    labels = filter_options(session, forum_id).theme_labels if own else {}
    marked = _marked(session, answer_id)
    order = {theme: index for index, theme in enumerate(labels)}
    choices = [
        QuoteChoice(theme, labels.get(theme, theme), theme in marked)
        for theme in sorted(own, key=lambda t: (order.get(t, len(order)), t))
    ]
    coded = session.scalar(select(CodedAnswer.status).where(CodedAnswer.answer_id == answer_id)) == CODED
    problems: tuple[Problem, ...] = ()
    if reason is None:
        # Packs quote a candidate's coded phrase when it has one: the check runs on what they quote.
        excerpts = list(
            session.scalars(select(QuoteCandidate.excerpt).where(QuoteCandidate.answer_id == answer_id))
        )
        if excerpts and all(excerpts):
            texts = [str(excerpt) for excerpt in excerpts]
        else:
            texts = [str(session.scalar(select(Answer.value).where(Answer.id == answer_id)) or "")]
        check = checker(session, forum_id)
        problems = tuple(problem for text in texts for problem in check(text))
    return QuotePanel(answer_id, reason, coded, choices, problems)
