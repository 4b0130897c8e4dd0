"""The coding workspace's queue: the answers to code, how many are coded, and the next one.

Plain functions taking a session and plain values; the views only parse the request and render what
these return.

Choices, written down:

- **Order.** The queue is oldest first by default (day submitted, then answer id): a fair order, it
  never changes while answers leave the queue, and a period's evidence is finished in turn. "Least
  sure first" (the automatic coder's confidence, lowest first) puts the answers that most need a
  person at the front. Both orders are served by the indexes ``(forum_id, status, submitted_on)`` and
  ``(forum_id, status, confidence)`` (the answer id, the table's key, completes each).
- **Pages.** The list uses numbered pages (offset) so a page can be linked to and told apart
  ("page 3 of 40"); "Save and next" and "Skip" use the keyset (the first answer after this one in
  the queue's order, wrapping round to the start), so they never skip or repeat an answer while
  others code alongside.
- **Counts** are SQL ``count``\\s on the indexes; no page loads more than its own 25 rows.
- **No writes.** Nothing writes on a plain page view: the codebook is created (``ensure_codebook``)
  only on the way to a decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, Self

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.coding import decisions
from forum_app.coding.bulk import bulk_threshold
from forum_app.coding.filters import (
    STATUSES,
    FilterOptions,
    Filters,
    ParsedFilters,
    filter_conditions,
    filter_options,
    order_columns,
    parse_filters,
    queue_conditions,
)
from forum_app.coding.labels import STATUS_LABELS, QuestionTitles, month_label, percent, snippet, when
from forum_app.coding.models import ACCEPTED, CODED, PENDING, SUGGESTED, CodedAnswer, Coding
from forum_app.coding.search import Piece, marked_snippet
from forum_app.moderation.language import needs_reader, reader_tag
from forum_app.moderation.models import ModerationItem
from forum_app.surveys.models import Answer, Response

PER_PAGE = 25


@dataclass(frozen=True)
class Progress:
    coded: int
    total: int

    @property
    def pending(self) -> int:
        return self.total - self.coded

    @property
    def percent(self) -> int:
        return int(100 * self.coded / self.total) if self.total else 0

    @property
    def label(self) -> str:
        return f"{self.coded:,} of {self.total:,} coded"


def progress(session: Session, forum_id: int, filters: Filters) -> Progress:
    """How many of the answers these filters select (whatever their status) are coded: one count."""
    total, coded = session.execute(
        select(func.count(), func.coalesce(func.sum(case((CodedAnswer.status == CODED, 1), else_=0)), 0))
        .select_from(CodedAnswer)
        .where(*filter_conditions(forum_id, filters))
    ).one()
    return Progress(int(coded), int(total))


class CodedColumns(Protocol):
    """The columns of ``CodedAnswer`` an answer's heading shows: the row itself, or a query's row."""

    @property
    def submitted_on(self) -> date: ...
    @property
    def status(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def sentiment(self) -> str: ...


@dataclass(frozen=True)
class AnswerHeading:
    """What the queue and the page of one answer both say about an answer."""

    answer_id: int
    public_id: str  # how addresses name the answer
    question: str
    survey: str
    submitted: str  # the month, like "March 2026"
    status: str
    status_label: str
    confidence: int  # percent: how sure the automatic coder is of the answer as a whole
    sentiment: str

    @classmethod
    def of(
        cls, answer_id: int, public_id: str, titles: tuple[str, str], coded: CodedColumns, **more: Any
    ) -> Self:
        """The heading of a coded answer, with the question and survey ``titles``; ``more``: the fields
        the queue's row or the answer's page adds."""
        question, survey = titles
        return cls(
            answer_id=answer_id,
            public_id=public_id,
            question=question,
            survey=survey,
            submitted=month_label(coded.submitted_on),
            status=coded.status,
            status_label=STATUS_LABELS.get(coded.status, coded.status),
            confidence=percent(coded.confidence),
            sentiment=coded.sentiment,
            **more,
        )


@dataclass(frozen=True)
class QueueRow(AnswerHeading):
    snippet: str
    themes: list[str]  # labels: suggested (to code) or accepted (coded)
    coded_by: str | None
    coded_at: str | None
    language: str  # "Written in Polish: needs someone who reads it, or a translation", or ""
    marked: list[Piece]  # the snippet from near the first match of a search, matches marked


def language_tag(code: str | None) -> str:
    """What the coding pages say of an answer in another language, or "" for one in English."""
    return reader_tag(code) if code and needs_reader(code) else ""


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    pages: int
    total: int
    per_page: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _count(session: Session, forum_id: int, filters: Filters) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(CodedAnswer).where(*queue_conditions(forum_id, filters))
        )
        or 0
    )


def queue_page(
    session: Session,
    forum_id: int,
    filters: Filters,
    page: int = 1,
    per_page: int = PER_PAGE,
    total: int | None = None,
    options: FilterOptions | None = None,
) -> QueuePage:
    """One page of the answers the filters select, in the queue's order. ``total``: their number when
    the caller has counted them already (``progress`` does); ``options``: the forum's, if at hand."""
    if total is None:
        total = _count(session, forum_id, filters)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    ids = list(
        session.scalars(
            select(CodedAnswer.answer_id)
            .where(*queue_conditions(forum_id, filters))
            .order_by(*order_columns(filters))
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    labels = (options or filter_options(session, forum_id)).theme_labels if ids else {}
    rows = _rows(session, forum_id, ids, labels, filters.terms)
    return QueuePage(rows, page, pages, total, per_page)


def _rows(
    session: Session, forum_id: int, ids: Sequence[int], labels: dict[str, str], terms: list[str]
) -> list[QueueRow]:
    if not ids:
        return []
    found = session.execute(
        select(
            CodedAnswer.answer_id,
            CodedAnswer.status,
            CodedAnswer.confidence,
            CodedAnswer.sentiment,
            CodedAnswer.submitted_on,
            CodedAnswer.coded_at,
            Answer.public_id,
            Answer.value,
            Answer.question_key,
            Response.survey_version_id,
            User.email,
            ModerationItem.language,
        )
        .join(Answer, Answer.id == CodedAnswer.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(User, User.id == CodedAnswer.coded_by_id)
        .outerjoin(ModerationItem, ModerationItem.answer_id == CodedAnswer.answer_id)
        .where(CodedAnswer.answer_id.in_(ids), CodedAnswer.forum_id == forum_id)
    ).all()
    by_id = {row.answer_id: row for row in found}
    themes = _current_themes(session, ids)
    questions = QuestionTitles(session)
    rows = []
    for answer_id in ids:
        row = by_id.get(answer_id)
        if row is None:  # withdrawn between the two queries
            continue
        rows.append(
            QueueRow.of(
                answer_id,
                row.public_id,
                questions.of(row.survey_version_id, row.question_key),
                row,
                snippet=snippet(row.value),
                themes=[labels.get(theme, theme) for theme in themes.get(answer_id, [])],
                coded_by=row.email if row.status == CODED else None,
                coded_at=when(row.coded_at) if row.status == CODED else None,
                language=language_tag(row.language),
                marked=marked_snippet(row.value, terms),
            )
        )
    return rows


def _current_themes(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each answer's themes now: the suggestions while it is to code, the accepted ones once coded."""
    found: dict[int, list[str]] = defaultdict(list)
    for answer_id, theme in session.execute(
        select(Coding.answer_id, Coding.theme_id)
        .where(Coding.answer_id.in_(ids), Coding.status.in_((SUGGESTED, ACCEPTED)))
        .order_by(Coding.answer_id, Coding.confidence.desc(), Coding.theme_id)
    ):
        found[answer_id].append(theme)
    return found


def next_in_queue(
    session: Session, forum_id: int, filters: Filters, after: CodedAnswer | None = None
) -> int | None:
    """The next answer in the queue's order after ``after`` (wrapping round to the first), or the
    first one; never ``after`` itself. None when there is no other."""
    conditions = queue_conditions(forum_id, filters)
    first, answer_id = order_columns(filters)
    query = select(CodedAnswer.answer_id).where(*conditions).order_by(first, answer_id).limit(1)
    if after is None:
        return session.scalar(query)
    value = after.confidence if filters.order == "unsure" else after.submitted_on
    later = session.scalar(query.where(or_(first > value, and_(first == value, answer_id > after.answer_id))))
    if later is not None:
        return later
    return session.scalar(query.where(answer_id != after.answer_id))


@dataclass(frozen=True)
class QueueScreen:
    parsed: ParsedFilters
    options: FilterOptions
    progress: Progress
    page: QueuePage
    threshold: float
    can_undo: bool

    @property
    def filters(self) -> Filters:
        return self.parsed.filters

    @property
    def status_label(self) -> str:
        return STATUSES[self.filters.status]


def queue_screen(
    session: Session, forum_id: int, user_id: int, args: Mapping[str, str], page: int = 1
) -> QueueScreen:
    """Everything the queue page shows, with two counts and one page of rows."""
    options = filter_options(session, forum_id)
    parsed = parse_filters(args, options, user_id)
    counted = progress(session, forum_id, parsed.filters)
    status = parsed.filters.status
    total = counted.pending if status == PENDING else counted.coded if status == CODED else counted.total
    listing = queue_page(session, forum_id, parsed.filters, page, total=total, options=options)
    return QueueScreen(
        parsed,
        options,
        counted,
        listing,
        bulk_threshold(session, forum_id),
        decisions.last_decision(session, forum_id, user_id) is not None,
    )
