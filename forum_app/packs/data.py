"""Gathering a pack's raw figures from the database: exact counts, never shown as they are.

Everything here is exact and stays inside the app; ``build.py`` turns it into published figures
through ``disclosure.py``. A response counts when it is submitted (not spam, not withdrawn) and was
sent within the period; themes come only from answers a person has coded (``CodedAnswer.status ==
coded``, which implies approved, redacted text) and their accepted codings.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations
from typing import Any

from sqlalchemy import Select, Text, cast, distinct, func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, Membership
from forum_app.coding.models import ACCEPTED, CODED, CodedAnswer, Coding
from forum_app.moderation.models import APPROVED, ModerationItem, QuoteCandidate
from forum_app.moderation.redact import Found, merge
from forum_app.surveys.models import SPAM, SUBMITTED, Answer, Response, Survey, SurveyVersion

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


@dataclass(frozen=True)
class QuoteSource:
    """A candidate quote with what the Q register says about it (no names, no times)."""

    answer_id: int
    theme_id: str
    text: str  # redacted and approved
    sentiment: str
    response_id: str
    redactions: int  # redactions in the text: restored spans left out, overlapping ones counted once
    approved_by_role: str  # the approver's role in the forum ("lead"), never who
    approved_on: date  # the day of approval


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


def find(session: Session, request: PackRequest) -> tuple[Forum, Survey, list[SurveyVersion]]:
    forum = session.scalar(select(Forum).where(Forum.slug == request.forum_slug))
    if forum is None:
        raise PackRequestError(f"There is no forum '{request.forum_slug}'.")
    survey = session.scalar(
        select(Survey).where(Survey.forum_id == forum.id, Survey.slug == request.survey_slug)
    )
    if survey is None:
        raise PackRequestError(f"Forum '{forum.slug}' has no survey '{request.survey_slug}'.")
    for key in request.filters:
        if key not in FILTER_KEYS:
            raise PackRequestError(f"Packs can only be filtered by {', '.join(FILTER_KEYS)}, not '{key}'.")
    return forum, survey, list(survey.versions)


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


def period_of(session: Session, survey: Survey, request: PackRequest) -> tuple[date, date]:
    """The period asked for (whole months), with open ends filled from the responses' dates."""
    if request.period_from and request.period_to and request.period_from > request.period_to:
        raise PackRequestError("The period must start on or before the day it ends.", "period_to")
    problem = whole_months_problem(request.period_from, request.period_to)
    if problem is not None:
        raise PackRequestError(problem[1] + ".", problem[0])
    first, last = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on))
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(SurveyVersion.survey_id == survey.id, Response.status == SUBMITTED)
    ).one()
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


def check_sizes(session: Session, survey: Survey, request: PackRequest, minimum: int) -> None:
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
    parts: list[tuple[str, Any]] = [(key, _answered(key, value)) for key, value in request.filters.items()]
    if request.period_from is not None:
        parts.append(("the first day", Response.submitted_on >= request.period_from))
    if request.period_to is not None:
        parts.append(("the last day", Response.submitted_on <= request.period_to))

    def families(kept: tuple[tuple[str, Any], ...]) -> int:
        counted = (
            select(func.count(Response.id))
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .where(SurveyVersion.survey_id == survey.id, Response.status == SUBMITTED)
        )
        for _, condition in kept:
            counted = counted.where(condition)
        return session.scalar(counted) or 0

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


def _answered(key: str, wanted: str) -> Any:
    """The condition 'this response answered ``key`` with ``wanted``' (a pre-set group)."""
    return Response.id.in_(
        select(Answer.response_id).where(Answer.question_key == key, _raw(Answer.value) == json.dumps(wanted))
    )


def _names(dropped: list[str]) -> str:
    named = [name if name.startswith("the ") else f"the {name} filter" for name in dropped]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _field_of(name: str) -> str:
    return {"the first day": "period_from", "the last day": "period_to"}.get(name, name)


def _raw(value: Any) -> Any:
    """An answer's stored JSON as text, the same on SQLite and PostgreSQL ('"11-15"', '["a", "b"]')."""
    return cast(value, Text)


def _responses(survey: Survey, start: date, end: date, status: str = SUBMITTED) -> Select[Any]:
    return (
        select(Response.id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(
            SurveyVersion.survey_id == survey.id,
            Response.status == status,
            Response.submitted_on >= start,
            Response.submitted_on <= end,
        )
    )


def _keys_of(versions: list[SurveyVersion]) -> dict[str, dict[str, Any]]:
    """Every question of every version by key (the latest version's wording wins)."""
    questions: dict[str, dict[str, Any]] = {}
    for version in versions:
        for question in version.definition.get("questions", []):
            questions[question["key"]] = question
    return questions


def gather(
    session: Session,
    forum: Forum,
    survey: Survey,
    versions: list[SurveyVersion],
    start: date,
    end: date,
    filters: dict[str, str],
) -> Gathered:
    questions = _keys_of(versions)
    closed_keys = [key for key, q in questions.items() if q.get("type") in ("radio", "checkboxes", "rating")]
    wait_keys = [key for key, q in questions.items() if q.get("type") == "duration"]
    responses = _responses(survey, start, end)
    for key, wanted in filters.items():  # pre-set groups only (checked in ``find``)
        responses = responses.where(_answered(key, wanted))
    out = Gathered(start, end)
    connection = session.connection()  # Core, not the ORM: some of these queries return many rows
    parse = lru_cache(maxsize=None)(json.loads)  # answers repeat: each distinct one is parsed once
    kept = set(connection.execute(responses).scalars())
    out.respondents = len(kept)
    # Closed questions and waits: counted per distinct answer in the database.
    counted = connection.execute(
        select(Answer.question_key, _raw(Answer.value), func.count())
        .where(Answer.response_id.in_(responses), Answer.question_key.in_(closed_keys + wait_keys))
        .group_by(Answer.question_key, _raw(Answer.value))
    ).all()
    for key, raw, n in counted:
        value = parse(raw) if raw is not None else None
        if key in wait_keys:
            if isinstance(value, dict) and isinstance(value.get("amount"), int | float):
                weeks = value["amount"] * (WEEKS_PER_MONTH if value.get("unit") == "months" else 1)
                out.waits[key.removeprefix("wait_")].extend(
                    [Wait(float(weeks), bool(value.get("still_waiting")))] * n
                )
        elif value not in (None, "", []):
            out.closed.setdefault(key, Counter())[tuple(value) if isinstance(value, list) else value] += n
    # The grouping questions, per respondent, for T5.
    groups: dict[str, dict[str, Any]] = defaultdict(dict)
    rows = connection.execute(
        select(Answer.response_id, Answer.question_key, _raw(Answer.value)).where(
            Answer.response_id.in_(responses), Answer.question_key.in_(FILTER_KEYS)
        )
    )
    for response_id, key, raw in rows.all():
        groups[response_id][key] = parse(raw) if raw is not None else None

    coded = connection.execute(
        select(Answer.response_id, CodedAnswer.answer_id, CodedAnswer.sentiment)
        .join(CodedAnswer, CodedAnswer.answer_id == Answer.id)
        .where(Answer.response_id.in_(responses), CodedAnswer.status == CODED)
    ).all()
    sentiment_of = {
        answer_id: sentiment for response_id, answer_id, sentiment in coded if response_id in kept
    }
    coded_respondents = {response_id for response_id, _, _ in coded if response_id in kept}
    out.text_base = len(coded_respondents)
    out.groups = {r: groups.get(r, {}) for r in coded_respondents}
    out.profiles = {r: groups.get(r, {}) for r in kept}
    mentions = connection.execute(
        select(Answer.response_id, Coding.answer_id, Coding.theme_id)
        .join(Answer, Answer.id == Coding.answer_id)
        .join(CodedAnswer, CodedAnswer.answer_id == Coding.answer_id)
        .where(Answer.response_id.in_(responses), CodedAnswer.status == CODED, Coding.status == ACCEPTED)
    )
    for response_id, answer_id, theme_id in mentions.all():
        if response_id in kept:
            out.themes[theme_id].setdefault(response_id, set()).add(sentiment_of.get(answer_id, "neutral"))

    items = connection.execute(
        select(ModerationItem.response_id, ModerationItem.status, CodedAnswer.status)
        .outerjoin(CodedAnswer, CodedAnswer.answer_id == ModerationItem.answer_id)
        .where(ModerationItem.response_id.in_(responses))
    )
    for response_id, moderation, coding in items.all():
        if response_id not in kept:
            continue
        if moderation != APPROVED:
            out.awaiting_moderation += 1
        elif coding != CODED:
            out.awaiting_coding += 1
    out.spam = (
        session.scalar(select(func.count()).select_from(_responses(survey, start, end, SPAM).subquery())) or 0
    )
    out.started = Counter(
        dict(
            session.execute(
                select(Response.status, func.count())
                .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
                .where(
                    SurveyVersion.survey_id == survey.id,
                    Response.started_on >= start,
                    Response.started_on <= end,
                )
                .group_by(Response.status)
            ).all()
        )
    )
    out.possible_duplicates = (
        session.scalar(
            select(func.count(distinct(ModerationItem.response_id))).where(
                ModerationItem.response_id.in_(responses), ModerationItem.duplicate_of.is_not(None)
            )
        )
        or 0
    )
    out.quotes = _quote_sources(session, forum, responses, kept)
    return out


def redaction_count(spans: list[dict[str, Any]]) -> int:
    """How many redactions an approved text shows: its unrestored spans, overlapping ones as one tag."""
    return len(merge(Found(s["kind"], s["start"], s["end"]) for s in spans if not s.get("restored")))


def _quote_sources(
    session: Session, forum: Forum, responses: Select[Any], kept: set[str]
) -> list[QuoteSource]:
    """The lead's candidates among these responses that may be quoted: consent, approved (only the
    redacted text left) by a member of staff of this forum, coded by a person with that theme."""
    candidates = session.execute(
        select(
            QuoteCandidate.answer_id,
            QuoteCandidate.theme_id,
            Answer.value,
            CodedAnswer.sentiment,
            Answer.response_id,
            ModerationItem.redactions,
            Membership.role,
            ModerationItem.decided_on,
        )
        .join(Answer, Answer.id == QuoteCandidate.answer_id)
        .join(ModerationItem, ModerationItem.answer_id == QuoteCandidate.answer_id)
        .join(
            Membership,
            (Membership.user_id == ModerationItem.decided_by) & (Membership.forum_id == forum.id),
        )
        .join(CodedAnswer, CodedAnswer.answer_id == QuoteCandidate.answer_id)
        .join(
            Coding,
            (Coding.answer_id == QuoteCandidate.answer_id)
            & (Coding.theme_id == QuoteCandidate.theme_id)
            & (Coding.status == ACCEPTED),
        )
        .where(
            QuoteCandidate.forum_id == forum.id,
            Answer.response_id.in_(responses),
            ModerationItem.status == APPROVED,
            ModerationItem.quote_consent.is_(True),
            ModerationItem.original.is_(None),
            ModerationItem.decided_on.is_not(None),
            CodedAnswer.status == CODED,
        )
        .order_by(QuoteCandidate.theme_id, QuoteCandidate.answer_id)
    )
    return [
        QuoteSource(
            answer_id, theme_id, text, sentiment, response_id, redaction_count(spans or []), role, day
        )
        for answer_id, theme_id, text, sentiment, response_id, spans, role, day in candidates
        if response_id in kept and isinstance(text, str)
    ]
