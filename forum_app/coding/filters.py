"""The coding workspace's filters: which answers the queue, the bulk page and the quotes overview show.

The filters travel in the query string (``Filters.query``); ``parse_filters`` reads them back, leaving
out what it cannot understand with a message for the form. ``filter_conditions`` turns them into SQL
(the text search: ``coding.search``). How sure the automatic coder is can be chosen as a band
(``confidence``) or as a range of whole percentages (``sure_from``, ``sure_to``), or both. An
answer that the person looking is double-coding blind is never shown to them
(``agreement.reads.blind_answers``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from forum_app.agreement.reads import blind_answers
from forum_app.codebook.versions import current_version, default_fields
from forum_app.coding.labels import SENTIMENT_LABELS
from forum_app.coding.models import ACCEPTED, CODED, PENDING, SENTIMENTS, SUGGESTED, CodedAnswer, Coding
from forum_app.coding.search import SEARCH_LENGTH, search_condition, search_terms
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.surveys.models import Survey

ALL = "all"
STATUSES = {PENDING: "To code", CODED: "Coded", ALL: "All answers"}
# name: (label, lowest included, highest excluded)
CONFIDENCE_BANDS: dict[str, tuple[str, float | None, float | None]] = {
    "low": ("Unsure (below 70%)", None, 0.7),
    "medium": ("Fairly sure (70% to 89%)", 0.7, 0.9),
    "high": ("Sure (90% or more)", 0.9, None),
}
ORDERS = {"oldest": "Oldest first", "unsure": "Least sure first"}
# Answers a lead may choose as quotes: the family agreed to be quoted and a moderator approved them.
QUOTABLE = {"yes": "Family agreed to be quoted, approved"}


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
    search: str | None = None  # words and "quoted phrases" the answer's text must all hold
    theme: str | None = None
    sentiment: str | None = None
    confidence: str | None = None  # a key of CONFIDENCE_BANDS
    # How sure the automatic coder is, in whole percent as the pages show it (both included).
    sure_from: int | None = None
    sure_to: int | None = None
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
            "q": self.search,
            "theme": self.theme,
            "sentiment": self.sentiment,
            "confidence": self.confidence,
            "sure_from": str(self.sure_from) if self.sure_from is not None else None,
            "sure_to": str(self.sure_to) if self.sure_to is not None else None,
            "survey": str(self.survey_id) if self.survey_id is not None else None,
            "from": self.period_from.isoformat() if self.period_from else None,
            "to": self.period_to.isoformat() if self.period_to else None,
            "order": self.order if self.order != "oldest" else None,
            "quotable": "yes" if self.quotable else None,
        }
        return {name: value for name, value in values.items() if value}

    @property
    def terms(self) -> list[str]:
        """The words and phrases searched for."""
        return search_terms(self.search) if self.search else []

    @property
    def narrowed(self) -> bool:
        """Whether anything other than the status and order narrows the answers shown."""
        return bool(set(replace(self, status=PENDING, order="oldest").query()))


@dataclass(frozen=True)
class ParsedFilters:
    filters: Filters
    errors: dict[str, str]  # field name -> message, for the invalid values (which are left out)
    values: dict[str, str]  # what was typed or chosen, to show in the form again


FILTER_FIELDS = (
    "status",
    "q",
    "theme",
    "sentiment",
    "confidence",
    "sure_from",
    "sure_to",
    "survey",
    "from",
    "to",
    "order",
    "quotable",
)
_PERCENT = re.compile(r"^(\d{1,3})\s*%?$")
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
    typed = {name: str(args.get(name, "") or "").strip() for name in FILTER_FIELDS}
    values = {name: value[: SEARCH_LENGTH if name == "q" else 100] for name, value in typed.items()}
    errors: dict[str, str] = {}
    # Control characters (a NUL cannot even reach PostgreSQL) count as spaces between words.
    search = " ".join("".join(c if c.isprintable() else " " for c in values["q"]).split()) or None
    if len(typed["q"]) > SEARCH_LENGTH:
        errors["q"] = f"Search for {SEARCH_LENGTH} characters or fewer"
        search = None
    elif search and not search_terms(search):
        search = None

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
    sure_from, sure_to = _sure_range(values, errors)
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
        search=search,
        theme=theme,
        sentiment=sentiment,
        confidence=confidence,
        sure_from=sure_from,
        sure_to=sure_to,
        survey_id=int(survey) if survey else None,
        period_from=bounds["from"],
        period_to=bounds["to"],
        order=order,
        quotable=quotable is not None,
        blind_for=user_id,
    )
    return ParsedFilters(filters, errors, values)


def _sure_range(values: Mapping[str, str], errors: dict[str, str]) -> tuple[int | None, int | None]:
    """The range of how sure the automatic coder is, in whole percent; a bad bound is left out."""
    bounds: dict[str, int | None] = {}
    for name, what in (("sure_from", "lowest"), ("sure_to", "highest")):
        found = _PERCENT.match(values[name]) if values[name] else None
        bounds[name] = int(found[1]) if found and int(found[1]) <= 100 else None
        if values[name] and bounds[name] is None:
            errors[name] = f"Enter the {what} percentage as a whole number from 0 to 100"
    lowest, highest = bounds["sure_from"], bounds["sure_to"]
    if lowest is not None and highest is not None and lowest > highest:
        errors["sure_to"] = "The highest percentage must be the same as or more than the lowest"
        highest = None
    return lowest, highest


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


def filter_conditions(forum_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    """Every filter but the status."""
    found: list[ColumnElement[bool]] = [CodedAnswer.forum_id == forum_id]
    if filters.blind_for is not None:
        found.append(CodedAnswer.answer_id.not_in(blind_answers(filters.blind_for)))
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
    # A percentage as the pages round it: 70% is from 0.695 up to (not including) 0.705.
    if filters.sure_from is not None:
        found.append(CodedAnswer.confidence >= (filters.sure_from - 0.5) / 100)
    if filters.sure_to is not None:
        found.append(CodedAnswer.confidence < (filters.sure_to + 0.5) / 100)
    if filters.terms:
        found.append(search_condition(filters.terms))
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


def queue_conditions(forum_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    """Every filter, the status too: the answers the queue lists."""
    found = filter_conditions(forum_id, filters)
    if filters.status != ALL:
        found.append(CodedAnswer.status == filters.status)
    return found


def order_columns(filters: Filters) -> tuple[Any, Any]:
    first = CodedAnswer.confidence if filters.order == "unsure" else CodedAnswer.submitted_on
    return first, CodedAnswer.answer_id


def describe_filters(filters: Filters, options: FilterOptions) -> list[str]:
    """The filters in words, for pages that act on the answers they select."""
    words = []
    if filters.search:
        words.append(f"text: {filters.search}")
    if filters.theme:
        words.append(f"theme: {options.theme_labels.get(filters.theme, filters.theme)}")
    if filters.sentiment:
        words.append(f"sentiment: {SENTIMENT_LABELS[filters.sentiment].lower()}")
    if filters.confidence:
        words.append(f"automatic coder: {CONFIDENCE_BANDS[filters.confidence][0].lower()}")
    if filters.sure_from is not None or filters.sure_to is not None:
        lowest, highest = filters.sure_from or 0, 100 if filters.sure_to is None else filters.sure_to
        words.append(f"automatic coder: from {lowest}% to {highest}% sure")
    if filters.survey_id is not None:
        words.append(f"survey: {dict(options.surveys).get(filters.survey_id, '')}")
    if filters.period_from:
        words.append(f"sent from {filters.period_from.day} {filters.period_from:%B %Y}")
    if filters.period_to:
        words.append(f"sent up to {filters.period_to.day} {filters.period_to:%B %Y}")
    return words
