"""Gathering a pack's raw figures from the database: exact counts, never shown as they are.

Everything here is exact and stays inside the app; ``build.py`` turns it into published figures
through ``disclosure.py``. A response counts when it is submitted (not spam, not withdrawn) and was
sent within the period; themes come only from answers a person has coded (``CodedAnswer.status ==
coded``, which implies approved, redacted text) and their accepted codings.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.coding import reads as coding
from forum_app.moderation import reads as moderation
from forum_app.quotes.reads import QuoteSource, quotable
from forum_app.surveys import reads as responses
from forum_app.surveys.fields import question_type
from forum_app.surveys.reads import SPAM, Selection, SurveyOutline, survey_outline

WEEKS_PER_MONTH = 52 / 12
# Questions a pack may be filtered by (pre-set groups only: no free filters, which would allow differencing).
FILTER_KEYS = ("age_band", "setting", "ehcp")
SENTIMENT_ORDER = ("negative", "mixed", "neutral", "positive")
# The fewest families a pack may describe, and the fewest it may leave out of any pack it could be
# compared with (DESIGN.md). A forum may raise it (``forum.settings["minimum_families"]``, beside
# ``suppression_threshold``), never lower it.
MIN_FAMILIES = 20
MIN_FAMILIES_SETTING = "minimum_families"


class PackRequestError(ValueError):
    """A pack cannot be made as asked; the message says why (and never gives a small count).

    ``field``: the part of the request the message is about (a form field's name), if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PackRequest:
    forum_slug: str
    survey_slug: str
    period_from: date | None = None  # None: from the first response
    period_to: date | None = None  # None: to the last response
    filters: dict[str, str] = field(default_factory=dict)
    # Right of reply: the day the local partnership received the pack, and its response, unedited.
    partnership_seen_on: date | None = None
    partnership_response: str = ""


@dataclass
class Wait:
    weeks: float
    still_waiting: bool


@dataclass
class Gathered:
    """Exact figures for one period."""

    period_from: date
    period_to: date
    respondents: int = 0
    # Closed questions: question key -> how many respondents gave each answer (a tuple for checkboxes).
    closed: dict[str, Counter[Any]] = field(default_factory=dict)
    waits: dict[str, list[Wait]] = field(default_factory=lambda: defaultdict(list))
    text_base: int = 0  # respondents with at least one coded free-text answer
    # Respondents with coded free text -> their answers to the grouping questions (FILTER_KEYS).
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every respondent counted -> the same answers (quote descriptors are counted over all of them).
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # theme id -> {response id: the sentiments of that respondent's coded answers mentioning it}
    themes: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    awaiting_moderation: int = 0  # free-text answers not yet approved
    awaiting_coding: int = 0  # approved answers nobody has coded yet
    spam: int = 0
    # Every response started in the period, by status (in_progress, submitted, withdrawn, spam), whatever
    # the pack's selection: the reach funnel of the methodology.
    started: Counter[str] = field(default_factory=Counter)
    possible_duplicates: int = 0  # counted responses a moderator was told may repeat an earlier one
    # Candidate quotes a lead marked, consented, approved by a member of staff whose role is known.
    quotes: list[QuoteSource] = field(default_factory=list)


def find(session: Session, request: PackRequest) -> tuple[Forum, SurveyOutline]:
    forum = session.scalar(select(Forum).where(Forum.slug == request.forum_slug))
    if forum is None:
        raise PackRequestError(f"There is no forum '{request.forum_slug}'.")
    survey = survey_outline(session, forum.id, request.survey_slug)
    if survey is None:
        raise PackRequestError(f"Forum '{forum.slug}' has no survey '{request.survey_slug}'.")
    for key in request.filters:
        if key not in FILTER_KEYS:
            raise PackRequestError(f"Packs can only be filtered by {', '.join(FILTER_KEYS)}, not '{key}'.")
    return forum, survey


def minimum_families(settings: Mapping[str, Any] | None) -> int:
    """The fewest families a filtered or period pack (and what it leaves out) may hold for this forum.

    ``settings["minimum_families"]``: missing or empty means 20; a whole number (or one in a string,
    as a form sends it) below 20 is raised to 20, like ``suppression_threshold`` below 7. Anything
    else is refused with ValueError."""
    value = (settings or {}).get(MIN_FAMILIES_SETTING)
    if value is None or value == "":
        return MIN_FAMILIES
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{MIN_FAMILIES_SETTING} must be a whole number, not {value!r}")
    return max(value, MIN_FAMILIES)


def whole_months_problem(period_from: date | None, period_to: date | None) -> tuple[str, str] | None:
    """(field, message) when a period is not whole months, else None: a pack starts on the first day
    of a month and ends on the last, so two packs cannot be set a few days apart and compared."""
    if period_from is not None and period_from.day != 1:
        return (
            "period_from",
            f"Packs cover whole months: start on the first day of a month, like "
            f"{period_from.replace(day=1).isoformat()}, not {period_from.isoformat()}",
        )
    if period_to is not None and period_to.day != _last_day(period_to):
        last = period_to.replace(day=_last_day(period_to))
        return (
            "period_to",
            f"Packs cover whole months: end on the last day of a month, like {last.isoformat()}, "
            f"not {period_to.isoformat()}",
        )
    return None


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def period_of(session: Session, survey_id: int, request: PackRequest) -> tuple[date, date]:
    """The period asked for (whole months), with open ends filled from the responses' dates."""
    if request.period_from and request.period_to and request.period_from > request.period_to:
        raise PackRequestError("The period must start on or before the day it ends.", "period_to")
    problem = whole_months_problem(request.period_from, request.period_to)
    if problem is not None:
        raise PackRequestError(problem[1] + ".", problem[0])
    first, last = responses.submitted_span(session, survey_id)
    start = request.period_from or first or date.today()
    end = request.period_to or last or date.today()
    if start > end:
        raise PackRequestError("The period must start on or before the day it ends.")
    return start, end


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: as many whole months when the period is whole
    months (January to June -> July to December), otherwise as many days."""
    if start.day == 1 and end.day == _last_day(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.year * 12 + start.month - 1 - months
        return date(first // 12, first % 12 + 1, 1), start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def check_sizes(session: Session, survey_id: int, request: PackRequest, minimum: int) -> None:
    """Refuse a pack that describes fewer than ``minimum`` families, or that could be compared with a
    broader pack to single out between 1 and ``minimum - 1`` families.

    The families a pack counts are the survey's submitted responses that meet every part of the
    request: each filter, the first day and the last day. Dropping any of those parts gives a pack
    that may also be made (the whole survey, the same period without a filter, the same filter with
    no end date...); the families it adds are what the two packs differ by. Each such difference must
    be none at all (the same pack) or at least ``minimum`` families. A survey nobody has answered
    gives a pack that says so. The messages say which comparison fails, never how many families it
    would single out.

    Limit, stated rather than hidden: two packs whose periods share one end (January to March, January
    to April) differ by whole months that this does not check; a month with few families could be
    read from the pair. Closing that needs every month to hold none or ``minimum`` families, which
    few forums' surveys would meet."""
    # Each part: its name, and what it adds to the selection (a group, the first day, the last day).
    parts: list[tuple[str, Any]] = [(key, (key, value)) for key, value in request.filters.items()]
    if request.period_from is not None:
        parts.append(("the first day", request.period_from))
    if request.period_to is not None:
        parts.append(("the last day", request.period_to))

    def families(kept: tuple[tuple[str, Any], ...]) -> int:
        ends = dict(kept)
        groups = tuple(value for name, value in kept if name not in ("the first day", "the last day"))
        selection = Selection(survey_id, ends.get("the first day"), ends.get("the last day"), groups)
        return responses.count(session, selection)

    counted = families(tuple(parts))
    if counted < minimum:
        if (counted if not parts else families(())) == 0:
            return  # no family has answered the survey: the pack says so, and describes nobody
        if not parts:
            raise PackRequestError(
                f"This survey has answers from fewer than {minimum} families, so a pack could describe "
                f"single families: packs are made from {minimum} families or more."
            )
        raise PackRequestError(
            f"This selection has fewer than {minimum} families, so a pack could describe single "
            f"families: packs are made from {minimum} families or more. Choose a longer period or "
            "fewer filters.",
            _field_of(parts[0][0]) if len(parts) == 1 else None,
        )
    for size in range(len(parts) - 1, -1, -1):
        for kept in combinations(parts, size):
            difference = families(kept) - counted
            if 0 < difference < minimum:
                dropped = [name for name, _ in parts if all(name != other for other, _ in kept)]
                raise PackRequestError(
                    f"This pack leaves out fewer than {minimum} families that a pack without "
                    f"{_names(dropped)} would include, so comparing the two would describe those few "
                    f"families. Packs leave out none or at least {minimum}: choose a longer period or "
                    "fewer filters.",
                    _field_of(dropped[0]) if len(dropped) == 1 else None,
                )


def _names(dropped: list[str]) -> str:
    named = [name if name.startswith("the ") else f"the {name} filter" for name in dropped]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _field_of(name: str) -> str:
    return {"the first day": "period_from", "the last day": "period_to"}.get(name, name)


def gather(
    session: Session,
    forum_id: int,
    survey: SurveyOutline,
    start: date,
    end: date,
    filters: dict[str, str],
) -> Gathered:
    """The exact figures of the survey's counted responses sent from ``start`` to ``end`` in the
    pre-set groups ``filters`` (checked in ``find``), read through each feature's read functions."""
    kinds = {key: question_type(q.get("type")) for key, q in survey.questions.items()}
    closed_keys = [key for key, kind in kinds.items() if kind is not None and kind.is_choice]
    wait_keys = [key for key, kind in kinds.items() if kind is not None and kind.is_duration]
    selection = Selection(survey.id, start, end, tuple(filters.items()))
    out = Gathered(start, end)
    kept = responses.response_ids(session, selection)
    out.respondents = len(kept)
    _count_answers(out, responses.answer_counts(session, selection, closed_keys + wait_keys), wait_keys)
    groups = responses.answers_by_response(session, selection, FILTER_KEYS)  # for T5 and descriptors
    coded = coding.coded_texts(session, selection)
    sentiment_of = {text.answer_id: text.sentiment for text in coded}
    coded_respondents = {text.response_id for text in coded}
    out.text_base = len(coded_respondents)
    out.groups = {r: groups.get(r, {}) for r in coded_respondents}
    out.profiles = {r: groups.get(r, {}) for r in kept}
    for mention in coding.accepted_codings(session, selection):
        sentiment = sentiment_of.get(mention.answer_id, "neutral")
        out.themes[mention.theme_id].setdefault(mention.response_id, set()).add(sentiment)
    awaiting = coding.awaiting(session, selection)
    out.awaiting_moderation, out.awaiting_coding = awaiting.moderation, awaiting.coding
    out.spam = responses.count(session, Selection(survey.id, start, end, status=SPAM))
    out.started = responses.started_by_status(session, survey.id, start, end)
    out.possible_duplicates = moderation.possible_duplicates(session, selection)
    out.quotes = quotable(session, forum_id, selection)
    return out


def _count_answers(out: Gathered, counted: list[tuple[str, Any, int]], wait_keys: list[str]) -> None:
    """Add the counted answers to closed questions and waits (key, answer, how many) to ``out``."""
    for key, value, n in counted:
        if key in wait_keys:
            if isinstance(value, dict) and isinstance(value.get("amount"), int | float):
                weeks = value["amount"] * (WEEKS_PER_MONTH if value.get("unit") == "months" else 1)
                out.waits[key.removeprefix("wait_")].extend(
                    [Wait(float(weeks), bool(value.get("still_waiting")))] * n
                )
        elif value not in (None, "", []):
            out.closed.setdefault(key, Counter())[tuple(value) if isinstance(value, list) else value] += n
