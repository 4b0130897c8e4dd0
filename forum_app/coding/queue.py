"""The coding workspace: the queue of answers to code, coding one answer, bulk acceptance and undo.

Plain functions taking a session and plain values; the views in ``workspace_views`` only parse the
request and render what these return.

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
- **Bulk acceptance.** Leads and coders may run it, but only ever at the threshold the lead set
  (``Forum.settings["bulk_accept_threshold"]``, 0.5 to 1, 0.9 by default); only leads change it. It
  writes the same rows and log as ``decisions.decide`` would (kind ``bulk``), set-wise, in batches of
  ``BATCH`` answers, committing after each batch so 10,000 answers neither hold locks for long nor
  build one huge transaction. All the decisions of one run share their time, so "undo" takes the whole
  run back.
- **Transactions.** A service that writes commits once (bulk acceptance and the undo of a bulk run:
  once per batch). Nothing writes on a plain page view: the codebook is created (``ensure_codebook``)
  only on the way to a decision.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.codebook.versions import current_version, default_fields, ensure_codebook
from forum_app.coding import decisions
from forum_app.coding.decisions import AnswerState, DecisionError
from forum_app.coding.models import (
    ACCEPTED,
    AUTO,
    CODED,
    MANUAL,
    PENDING,
    SENTIMENTS,
    SUGGESTED,
    CodedAnswer,
    Coding,
    CodingDecision,
)
from forum_app.db import utcnow
from forum_app.forum_settings import CodingSettings, read_section, save_section
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.surveys.answer_ids import public_id as public_id_of
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import Answer, Response, Survey, SurveyVersion
from forum_app.templating import format_moment

PER_PAGE = 25
BATCH = 500
SNIPPET_LENGTH = 160

THRESHOLD_KEY = "bulk_accept_threshold"
DEFAULT_THRESHOLD = 0.9
LOWEST_THRESHOLD = 0.5
HIGHEST_THRESHOLD = 1.0

ALL = "all"
STATUSES = {PENDING: "To code", CODED: "Coded", ALL: "All answers"}
STATUS_LABELS = {PENDING: "To code", CODED: "Coded"}
# name: (label, lowest included, highest excluded)
CONFIDENCE_BANDS: dict[str, tuple[str, float | None, float | None]] = {
    "low": ("Unsure (below 70%)", None, 0.7),
    "medium": ("Fairly sure (70% to 89%)", 0.7, 0.9),
    "high": ("Sure (90% or more)", 0.9, None),
}
ORDERS = {"oldest": "Oldest first", "unsure": "Least sure first"}
# Answers a lead may choose as quotes: the family agreed to be quoted and a moderator approved them.
QUOTABLE = {"yes": "Family agreed to be quoted, approved"}
# The keys that tick a theme (in codebook order) and choose a sentiment (in SENTIMENTS order).
THEME_KEYS = "1234567890qwerty"
SENTIMENT_KEYS = "zxcv"
SENTIMENT_LABELS = {"negative": "Negative", "mixed": "Mixed", "neutral": "Neutral", "positive": "Positive"}


class AnswerNotFound(LookupError):
    """No answer of this forum has this id (another forum's answers are never found)."""


class ThresholdError(ValueError):
    """The threshold typed is not a confidence from 50% to 100%; the message says so."""


# --- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    themes: list[tuple[str, str]]  # (theme id, label) in codebook order
    surveys: list[tuple[int, str]]  # (survey id, title)

    @property
    def theme_labels(self) -> dict[str, str]:
        return dict(self.themes)

    # The fixed choices, as (value, label) pairs for the filters form.
    statuses = tuple(STATUSES.items())
    sentiments = tuple(SENTIMENT_LABELS.items())
    bands = tuple((name, label) for name, (label, _lowest, _highest) in CONFIDENCE_BANDS.items())
    orders = tuple(ORDERS.items())
    quotable = tuple(QUOTABLE.items())


@dataclass(frozen=True)
class Filters:
    """Which answers the queue shows. The defaults are the queue itself: every answer still to code."""

    status: str = PENDING
    theme: str | None = None
    sentiment: str | None = None
    confidence: str | None = None  # a key of CONFIDENCE_BANDS
    survey_id: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    order: str = "oldest"
    quotable: bool = False  # only answers that may be quoted (``quotes.quotable``, less the coding)
    # The person looking: answers they are double-coding blind are kept out of their sight (never
    # in the query string; set from the signed-in user).
    blind_for: int | None = None

    def query(self) -> dict[str, Any]:
        """The filters that differ from the defaults, as query-string arguments (strings)."""
        values = {
            "status": self.status if self.status != PENDING else None,
            "theme": self.theme,
            "sentiment": self.sentiment,
            "confidence": self.confidence,
            "survey": str(self.survey_id) if self.survey_id is not None else None,
            "from": self.period_from.isoformat() if self.period_from else None,
            "to": self.period_to.isoformat() if self.period_to else None,
            "order": self.order if self.order != "oldest" else None,
            "quotable": "yes" if self.quotable else None,
        }
        return {name: value for name, value in values.items() if value}

    @property
    def narrowed(self) -> bool:
        """Whether anything other than the status and order narrows the answers shown."""
        return bool(set(replace(self, status=PENDING, order="oldest").query()))


@dataclass(frozen=True)
class ParsedFilters:
    filters: Filters
    errors: dict[str, str]  # field name -> message, for the invalid values (which are left out)
    values: dict[str, str]  # what was typed or chosen, to show in the form again


FILTER_FIELDS = ("status", "theme", "sentiment", "confidence", "survey", "from", "to", "order", "quotable")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTH_WORDS = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_MONTH_NUMBERS = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_period_bound(text: str, end: bool) -> date | None:
    """A month ("March 2026", "Mar 2026", "2026-03", "3/2026") or a day ("2026-03-14", "14/3/2026").
    A month means its first day as a start (``end`` false) and its last day as an end. None if not
    understood."""
    text = " ".join(text.strip().lower().split())
    try:
        if day := _DAY.match(text):
            year, month, number = (day[1], day[2], day[3]) if day[1] else (day[6], day[5], day[4])
            found = date(int(year), int(month), int(number))
        elif month_words := _MONTH_WORDS.match(text):
            month_number = _MONTHS.get(month_words[1])
            if month_number is None:
                return None
            found = _month_bound(int(month_words[2]), month_number, end)
        elif numbers := _MONTH_NUMBERS.match(text):
            year, month = (numbers[1], numbers[2]) if numbers[1] else (numbers[4], numbers[3])
            found = _month_bound(int(year), int(month), end)
        else:
            return None
    except ValueError:  # no such day or month
        return None
    return found if 2000 <= found.year <= 2100 else None


def _month_bound(year: int, month: int, end: bool) -> date:
    if not 1 <= month <= 12:
        raise ValueError(month)
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def parse_filters(
    args: Mapping[str, str], options: FilterOptions, user_id: int | None = None
) -> ParsedFilters:
    """Read the filters from query-string arguments. An invalid value is left out, with a message.
    ``user_id``: the person looking, whose blind double-coding answers are left out."""
    values = {name: str(args.get(name, "") or "").strip()[:100] for name in FILTER_FIELDS}
    errors: dict[str, str] = {}

    def chosen(name: str, allowed: Collection[str], message: str) -> str | None:
        value = values[name]
        if not value:
            return None
        if value in allowed:
            return value
        errors[name] = message
        return None

    status = chosen("status", STATUSES, "Choose which answers to show: to code, coded or all") or PENDING
    theme = chosen("theme", options.theme_labels, "Choose a theme from the list")
    sentiment = chosen("sentiment", SENTIMENTS, "Choose a sentiment from the list")
    confidence = chosen("confidence", CONFIDENCE_BANDS, "Choose from the list how sure the coder was")
    order = chosen("order", ORDERS, "Choose an order from the list") or "oldest"
    quotable = chosen("quotable", QUOTABLE, "Choose from the list whether the family agreed to be quoted")
    survey_ids = {str(survey_id) for survey_id, _ in options.surveys}
    survey = chosen("survey", survey_ids, "Choose a survey from the list")
    bounds: dict[str, date | None] = {}
    for name, end, what in (("from", False, "start"), ("to", True, "end")):
        bounds[name] = parse_period_bound(values[name], end) if values[name] else None
        if values[name] and bounds[name] is None:
            errors[name] = f"Enter the {what} of the period as a month and year, like March 2026, or a date"
    if bounds["from"] and bounds["to"] and bounds["from"] > bounds["to"]:
        errors["to"] = "The end of the period must be the same as or after its start"
        bounds["to"] = None
    filters = Filters(
        status=status,
        theme=theme,
        sentiment=sentiment,
        confidence=confidence,
        survey_id=int(survey) if survey else None,
        period_from=bounds["from"],
        period_to=bounds["to"],
        order=order,
        quotable=quotable is not None,
        blind_for=user_id,
    )
    return ParsedFilters(filters, errors, values)


def filter_options(session: Session, forum_id: int) -> FilterOptions:
    """The forum's themes (its current codebook, or the shipped one before it has any) and surveys."""
    version = current_version(session, forum_id)
    if version is not None:
        themes = [(row.theme_id, row.label) for row in version.themes]
    else:
        themes = [(fields.theme_id, fields.label) for fields in default_fields()]
    surveys = session.execute(
        select(Survey.id, Survey.title).where(Survey.forum_id == forum_id).order_by(Survey.title, Survey.id)
    ).all()
    return FilterOptions(themes, [(survey_id, title) for survey_id, title in surveys])


def _has_theme(theme: str) -> ColumnElement[bool]:
    """The answer has this theme now: suggested (still to code) or accepted (coded). An ``IN`` over
    the codings of that theme (index ``theme_id, status``) measured twice as fast as a correlated
    ``EXISTS`` at 10,000 answers on SQLite."""
    return CodedAnswer.answer_id.in_(
        select(Coding.answer_id).where(Coding.theme_id == theme, Coding.status.in_((SUGGESTED, ACCEPTED)))
    )


def _blind_answers(user_id: int) -> Select[int]:
    """The answers this person is coding blind in a double-coding sample that the two people have not
    both finished. Until then the workspace must not show them the automatic suggestions or anyone
    else's coding of those answers, or the agreement figures would not measure independent coding."""
    coded_twice = (
        select(func.count(BlindCoding.id))
        .join(AgreementItem, AgreementItem.id == BlindCoding.item_id)
        .where(AgreementItem.sample_id == AgreementSample.id)
        .scalar_subquery()
    )
    items = (
        select(func.count(AgreementItem.id))
        .where(AgreementItem.sample_id == AgreementSample.id)
        .scalar_subquery()
    )
    unfinished = select(AgreementSample.id).where(
        or_(AgreementSample.first_coder_id == user_id, AgreementSample.second_coder_id == user_id),
        coded_twice < 2 * items,
    )
    return select(AgreementItem.answer_id).where(AgreementItem.sample_id.in_(unfinished))


def is_blind_for(session: Session, user_id: int, answer_id: int) -> bool:
    """Whether this person is still coding this answer blind (see ``_blind_answers``)."""
    return bool(
        session.scalar(select(_blind_answers(user_id).where(AgreementItem.answer_id == answer_id).exists()))
    )


def _conditions(forum_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    """Every filter but the status."""
    found: list[ColumnElement[bool]] = [CodedAnswer.forum_id == forum_id]
    if filters.blind_for is not None:
        found.append(CodedAnswer.answer_id.not_in(_blind_answers(filters.blind_for)))
    if filters.theme:
        found.append(_has_theme(filters.theme))
    if filters.sentiment:
        found.append(CodedAnswer.sentiment == filters.sentiment)
    if filters.confidence:
        _label, lowest, highest = CONFIDENCE_BANDS[filters.confidence]
        if lowest is not None:
            found.append(CodedAnswer.confidence >= lowest)
        if highest is not None:
            found.append(CodedAnswer.confidence < highest)
    if filters.survey_id is not None:
        found.append(CodedAnswer.survey_id == filters.survey_id)
    if filters.period_from:
        found.append(CodedAnswer.submitted_on >= filters.period_from)
    if filters.period_to:
        found.append(CodedAnswer.submitted_on <= filters.period_to)
    if filters.quotable:
        found.append(
            CodedAnswer.answer_id.in_(
                select(ModerationItem.answer_id).where(
                    ModerationItem.forum_id == forum_id,
                    ModerationItem.quote_consent.is_(True),
                    ModerationItem.status == APPROVED,
                    ModerationItem.original.is_(None),
                )
            )
        )
    return found


def _with_status(forum_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    found = _conditions(forum_id, filters)
    if filters.status != ALL:
        found.append(CodedAnswer.status == filters.status)
    return found


def _order_columns(filters: Filters) -> tuple[Any, Any]:
    first = CodedAnswer.confidence if filters.order == "unsure" else CodedAnswer.submitted_on
    return first, CodedAnswer.answer_id


# --- counts and the list ------------------------------------------------------------------------


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
        .where(*_conditions(forum_id, filters))
    ).one()
    return Progress(int(coded), int(total))


@dataclass(frozen=True)
class QueueRow:
    answer_id: int
    public_id: str  # how addresses name the answer
    snippet: str
    question: str
    survey: str
    submitted: str  # the month, like "March 2026"
    status: str
    status_label: str
    confidence: int  # percent
    sentiment: str
    themes: list[str]  # labels: suggested (to code) or accepted (coded)
    coded_by: str | None
    coded_at: str | None


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
        session.scalar(select(func.count()).select_from(CodedAnswer).where(*_with_status(forum_id, filters)))
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
            .where(*_with_status(forum_id, filters))
            .order_by(*_order_columns(filters))
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    labels = (options or filter_options(session, forum_id)).theme_labels if ids else {}
    return QueuePage(_rows(session, forum_id, ids, labels), page, pages, total, per_page)


def _rows(session: Session, forum_id: int, ids: Sequence[int], labels: dict[str, str]) -> list[QueueRow]:
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
        )
        .join(Answer, Answer.id == CodedAnswer.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(User, User.id == CodedAnswer.coded_by_id)
        .where(CodedAnswer.answer_id.in_(ids), CodedAnswer.forum_id == forum_id)
    ).all()
    by_id = {row.answer_id: row for row in found}
    themes = _current_themes(session, ids)
    questions = _Questions(session)
    rows = []
    for answer_id in ids:
        row = by_id.get(answer_id)
        if row is None:  # withdrawn between the two queries
            continue
        question, survey = questions.of(row.survey_version_id, row.question_key)
        rows.append(
            QueueRow(
                answer_id=answer_id,
                public_id=row.public_id,
                snippet=_snippet(row.value),
                question=question,
                survey=survey,
                submitted=month_label(row.submitted_on),
                status=row.status,
                status_label=STATUS_LABELS.get(row.status, row.status),
                confidence=percent(row.confidence),
                sentiment=row.sentiment,
                themes=[labels.get(theme, theme) for theme in themes.get(answer_id, [])],
                coded_by=row.email if row.status == CODED else None,
                coded_at=when(row.coded_at) if row.status == CODED else None,
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


class _Questions:
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


def _snippet(value: Any) -> str:
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


def next_in_queue(
    session: Session, forum_id: int, filters: Filters, after: CodedAnswer | None = None
) -> int | None:
    """The next answer in the queue's order after ``after`` (wrapping round to the first), or the
    first one; never ``after`` itself. None when there is no other."""
    conditions = _with_status(forum_id, filters)
    first, answer_id = _order_columns(filters)
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


# --- one answer ---------------------------------------------------------------------------------


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
class AnswerForCoding:
    answer_id: int
    public_id: str  # how addresses name the answer
    text: str
    question: str
    survey: str
    submitted: str
    status: str
    status_label: str
    confidence: int  # percent: how sure the automatic coder is of the answer as a whole
    sentiment: str
    auto_sentiment: str
    themes: list[ThemeToggle]
    sentiments: list[SentimentChoice]
    coded_by: str | None
    coded_at: str | None
    model_label: str
    seen: str  # the state shown, sent back with the form to notice someone else's change

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
        select(Answer.public_id, Answer.value, Answer.question_key, Response.survey_version_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.id == answer_id, Response.forum_id == forum_id)
    ).one_or_none()
    if found is None:
        return None
    question, survey = _Questions(session).of(found.survey_version_id, found.question_key)
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
    return AnswerForCoding(
        answer_id=answer_id,
        public_id=found.public_id,
        text=str(found.value or ""),
        question=question,
        survey=survey,
        submitted=month_label(coded.submitted_on),
        status=coded.status,
        status_label=STATUS_LABELS.get(coded.status, coded.status),
        confidence=percent(coded.confidence),
        sentiment=coded.sentiment,
        auto_sentiment=coded.auto_sentiment,
        themes=toggles,
        sentiments=sentiments,
        coded_by=coder.email if coder and coded.status == CODED else None,
        coded_at=when(coded.coded_at) if coded.status == CODED else None,
        model_label=coded.model_label,
        seen=state_token(state),
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


# --- undo ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    answer_id: int | None  # the answer put back (a single decision), else None
    count: int  # how many answers were put back
    skipped: int = 0  # answers of a bulk run that someone has changed since (left as they are)

    @property
    def bulk(self) -> bool:
        return self.answer_id is None


def undo_last(session: Session, forum_id: int, user_id: int) -> Undone:
    """Take back the user's last decision in this forum (a whole bulk run at once) and commit.

    ``DecisionError`` when there is nothing to undo, or the answer was changed by someone since.
    """
    decision = decisions.last_decision(session, forum_id, user_id)
    if decision is None:
        raise DecisionError("You have no coding decisions to undo.")
    codebook = ensure_codebook(session, forum_id)
    if decision.kind == "bulk":
        return _undo_bulk_run(session, forum_id, user_id, decision.decided_at, codebook.id)
    try:
        coded = decisions.undo(session, decision, user_id, codebook.id)
    except DecisionError:
        session.rollback()
        raise
    session.commit()
    return Undone(coded.answer_id, 1)


def _undo_bulk_run(
    session: Session, forum_id: int, user_id: int, decided_at: datetime, codebook_version_id: int
) -> Undone:
    """Put every answer of one bulk run back to "to code", in batches; skip those changed since."""
    undone = skipped = 0
    last_id = 0
    while True:
        batch = list(
            session.scalars(
                select(CodingDecision)
                .where(
                    CodingDecision.forum_id == forum_id,
                    CodingDecision.user_id == user_id,
                    CodingDecision.kind == "bulk",
                    CodingDecision.decided_at == decided_at,
                    CodingDecision.undone.is_(False),
                    CodingDecision.id > last_id,
                )
                .order_by(CodingDecision.id)
                .limit(BATCH)
            )
        )
        if not batch:
            break
        last_id = batch[-1].id
        ids = [decision.answer_id for decision in batch]
        current = _states(session, ids)
        now = utcnow()
        simple, others = [], []
        for decision in batch:
            before, after = AnswerState.from_dict(decision.before), AnswerState.from_dict(decision.after)
            if current.get(decision.answer_id) != after:
                skipped += 1
            elif before == replace(after, status=PENDING):
                simple.append(decision)
            else:
                others.append(decision)
        _reopen(session, [decision.answer_id for decision in simple])
        session.execute(
            update(CodingDecision)
            .where(CodingDecision.id.in_([decision.id for decision in simple]))
            .values(undone=True)
            .execution_options(synchronize_session=False)
        )
        if simple:
            session.execute(
                insert(CodingDecision),
                [
                    {
                        "answer_id": decision.answer_id,
                        "forum_id": forum_id,
                        "user_id": user_id,
                        "kind": "undo",
                        "before": decision.after,
                        "after": decision.before,
                        "undone": False,
                        "decided_at": now,
                    }
                    for decision in simple
                ],
            )
        for decision in others:  # not made by bulk_accept: the one-at-a-time way
            decisions.undo(session, decision, user_id, codebook_version_id)
        undone += len(simple) + len(others)
        session.commit()
    if not undone:
        raise DecisionError(
            "Someone has changed the coding of every answer of your last bulk acceptance since, "
            "so nothing was undone."
        )
    return Undone(None, undone, skipped)


def _states(session: Session, ids: Sequence[int]) -> dict[int, AnswerState]:
    """``decisions.state_of`` for many answers in two queries (their rows locked on PostgreSQL)."""
    rows = session.execute(
        select(CodedAnswer.answer_id, CodedAnswer.status, CodedAnswer.sentiment)
        .where(CodedAnswer.answer_id.in_(ids))
        .with_for_update(of=CodedAnswer)
    ).all()
    themes: dict[int, set[str]] = defaultdict(set)
    for answer_id, theme, source, status in session.execute(
        select(Coding.answer_id, Coding.theme_id, Coding.source, Coding.status).where(
            Coding.answer_id.in_(ids)
        )
    ):
        if status == ACCEPTED or (source == AUTO and status == SUGGESTED):
            themes[answer_id].add(theme)
    return {
        answer_id: AnswerState(status, tuple(sorted(themes.get(answer_id, set()))), sentiment)
        for answer_id, status, sentiment in rows
    }


def _reopen(session: Session, ids: Sequence[int]) -> None:
    """Put answers back to "to code" with their suggestions (``decisions`` for a pending state)."""
    if ids:
        _set_many(session, ids, auto_status=SUGGESTED, answer_status=PENDING, user_id=None, now=None)


def _set_many(
    session: Session,
    ids: Sequence[int],
    *,
    auto_status: str,
    answer_status: str,
    user_id: int | None,
    now: datetime | None,
) -> None:
    """Give many answers' automatic codings one status, drop their manual ones, set their status."""
    session.execute(
        update(Coding)
        .where(Coding.answer_id.in_(ids), Coding.source == AUTO)
        .values(status=auto_status, coder_id=user_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Coding)
        .where(Coding.answer_id.in_(ids), Coding.source == MANUAL)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CodedAnswer)
        .where(CodedAnswer.answer_id.in_(ids))
        .values(status=answer_status, coded_by_id=user_id, coded_at=now)
        .execution_options(synchronize_session=False)
    )


# --- bulk acceptance ----------------------------------------------------------------------------


def _valid_threshold(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if LOWEST_THRESHOLD <= number <= HIGHEST_THRESHOLD else None


def bulk_threshold(session: Session, forum_id: int) -> float:
    """The confidence at or above which suggestions may be accepted in bulk, as the lead set it."""
    forum = session.get(Forum, forum_id)
    return read_section(forum, CodingSettings).bulk_accept_threshold if forum else DEFAULT_THRESHOLD


def parse_threshold(text: str) -> float:
    """A threshold typed as a percentage ("90", "90%") or a fraction ("0.9"), from 50% to 100%."""
    cleaned = text.strip().rstrip("%").strip()
    message = "Enter a confidence from 50% to 100%, like 90"
    if not cleaned:
        raise ThresholdError(message)
    try:
        number = float(cleaned)
    except ValueError:
        raise ThresholdError(message) from None
    if number != number or number in (float("inf"), float("-inf")):  # NaN and infinities
        raise ThresholdError(message)
    fraction = number if number <= 1 else number / 100
    if _valid_threshold(fraction) is None:
        raise ThresholdError(message)
    return round(fraction, 4)


def set_bulk_threshold(session: Session, forum_id: int, text: str) -> float:
    """Store the lead's threshold for bulk acceptance (``ThresholdError`` if it is not 50% to 100%)."""
    threshold = parse_threshold(text)
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise LookupError(forum_id)
    save_section(session, forum, CodingSettings(threshold))
    return threshold


def _bulk_conditions(forum_id: int, threshold: float, filters: Filters) -> list[ColumnElement[bool]]:
    return [
        *_conditions(forum_id, filters),
        CodedAnswer.status == PENDING,
        CodedAnswer.confidence >= threshold,
    ]


def bulk_preview(session: Session, forum_id: int, threshold: float, filters: Filters) -> int:
    """How many answers ``bulk_accept`` would accept now."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(CodedAnswer)
            .where(*_bulk_conditions(forum_id, threshold, filters))
        )
        or 0
    )


def bulk_accept(
    session: Session, forum_id: int, user_id: int, threshold: float, filters: Filters, batch: int = BATCH
) -> int:
    """Accept the automatic suggestions (themes and sentiment) of every answer still to code that the
    filters select and the coder is at least ``threshold`` sure of, as ``bulk`` decisions of this
    user. Commits after each batch; returns how many answers were accepted (0 when run again)."""
    if _valid_threshold(threshold) is None:
        raise ThresholdError("The threshold must be from 50% to 100%.")
    ensure_codebook(session, forum_id)
    now = utcnow()
    accepted = 0
    last_id = 0
    conditions = _bulk_conditions(forum_id, threshold, filters)
    while True:
        rows = session.execute(
            select(CodedAnswer.answer_id, CodedAnswer.sentiment)
            .where(*conditions, CodedAnswer.answer_id > last_id)
            .order_by(CodedAnswer.answer_id)
            .limit(batch)
            .with_for_update(of=CodedAnswer, skip_locked=True)
        ).all()
        if not rows:
            break
        ids = [row.answer_id for row in rows]
        last_id = ids[-1]
        themes: dict[int, list[str]] = defaultdict(list)
        for answer_id, theme in session.execute(
            select(Coding.answer_id, Coding.theme_id).where(
                Coding.answer_id.in_(ids), Coding.source == AUTO, Coding.status == SUGGESTED
            )
        ):
            themes[answer_id].append(theme)
        # What decisions.decide does for an answer to code whose suggestions are all accepted.
        _set_many(session, ids, auto_status=ACCEPTED, answer_status=CODED, user_id=user_id, now=now)
        pending = [AnswerState(PENDING, tuple(sorted(themes[row.answer_id])), row.sentiment) for row in rows]
        session.execute(
            insert(CodingDecision),
            [
                {
                    "answer_id": row.answer_id,
                    "forum_id": forum_id,
                    "user_id": user_id,
                    "kind": "bulk",
                    "before": state.as_dict(),
                    "after": replace(state, status=CODED).as_dict(),
                    "undone": False,
                    "decided_at": now,
                }
                for row, state in zip(rows, pending, strict=True)
            ],
        )
        session.commit()
        accepted += len(rows)
    session.commit()  # the codebook ensure_codebook may have made, even when nothing was accepted
    return accepted


@dataclass(frozen=True)
class BulkScreen:
    parsed: ParsedFilters
    options: FilterOptions
    threshold: float
    count: int

    @property
    def filters(self) -> Filters:
        return self.parsed.filters

    @property
    def threshold_percent(self) -> int:
        return percent(self.threshold)

    @property
    def described(self) -> list[str]:
        return describe_filters(self.filters, self.options)


def bulk_screen(session: Session, forum_id: int, user_id: int, args: Mapping[str, str]) -> BulkScreen:
    """The bulk page: the lead's threshold and how many answers it would accept under the filters."""
    options = filter_options(session, forum_id)
    parsed = parse_filters(args, options, user_id)
    threshold = bulk_threshold(session, forum_id)
    return BulkScreen(parsed, options, threshold, bulk_preview(session, forum_id, threshold, parsed.filters))


def describe_filters(filters: Filters, options: FilterOptions) -> list[str]:
    """The filters in words, for pages that act on the answers they select."""
    words = []
    if filters.theme:
        words.append(f"theme: {options.theme_labels.get(filters.theme, filters.theme)}")
    if filters.sentiment:
        words.append(f"sentiment: {SENTIMENT_LABELS[filters.sentiment].lower()}")
    if filters.confidence:
        words.append(f"automatic coder: {CONFIDENCE_BANDS[filters.confidence][0].lower()}")
    if filters.survey_id is not None:
        words.append(f"survey: {dict(options.surveys).get(filters.survey_id, '')}")
    if filters.period_from:
        words.append(f"sent from {filters.period_from.day} {filters.period_from:%B %Y}")
    if filters.period_to:
        words.append(f"sent up to {filters.period_to.day} {filters.period_to:%B %Y}")
    return words
