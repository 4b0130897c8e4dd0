"""The moderation queue: what moderators see and the decisions they make.

Safeguarding flags come first, then the oldest answers. A moderator can restore a redaction that
was wrong (shown as written), redact something missed, and then approve (the original is deleted
and the answer goes to coding), hold it for later, or reject the whole response as spam.
Only answers of submitted responses are in the queue: a response rejected as spam leaves it, and
comes back if a lead marks it "not spam".

A flagged answer with no safeguarding action recorded is *overdue* once more than the forum's target of
working days (Monday to Friday) has passed since it arrived; overdue flags head the queue. Answers with no
flag and no redaction can be approved in bulk, through the same ``approve_answers`` as one approval.
The "Other languages" list (``LANGUAGES``) has the waiting and held answers written in a language other
than English, for a moderator who reads them (``moderation.language``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select, update
from sqlalchemy.orm import Session

from forum_app.db import today
from forum_app.moderation.language import ENGLISH, UNKNOWN
from forum_app.moderation.models import (
    APPROVED,
    HELD,
    PENDING,
    SAFEGUARDING_ACTIONS,
    ModerationItem,
    SafeguardingAction,
)
from forum_app.moderation.redact import TAGS, Found, merge
from forum_app.surveys.models import SPAM, SUBMITTED, Response

PAGE_SIZE = 25
QUEUE_STATUSES = (PENDING, HELD)
CONCERNS = "concerns"  # the list of flagged answers, in any state, with no safeguarding action recorded
LANGUAGES = "languages"  # the waiting and held answers written in another language
LISTS = (*QUEUE_STATUSES, CONCERNS, LANGUAGES)
BULK_LIMIT = 100  # answers approved in bulk at a time: each is listed on the confirmation page
MAX_PHRASE_CHARS = 200
_TAG = re.compile("|".join(re.escape(tag) for tag in TAGS.values()))
_KIND_OF_TAG = {tag: kind for kind, tag in TAGS.items()}
_NO_REDACTIONS: list[dict[str, Any]] = []


class ModerationError(Exception):
    """A decision that cannot be made; the message is for the moderator."""


@dataclass(frozen=True)
class Segment:
    """A piece of an answer as the moderator sees it: plain text, or a redaction (with its index)."""

    text: str
    kind: str | None = None
    index: int | None = None  # position in ``ModerationItem.redactions``; None once the original is gone
    restored: bool = False


@dataclass(frozen=True)
class QueuePage:
    items: list[ModerationItem]
    page: int
    pages: int
    counts: dict[str, int]


def working_days_since(day: date, now: date) -> int:
    """Working days (Monday to Friday) after ``day`` up to and including ``now``."""
    if now <= day:
        return 0
    weeks, extra = divmod((now - day).days, 7)
    return weeks * 5 + sum((day + timedelta(days=step)).weekday() < 5 for step in range(1, extra + 1))


def overdue_cutoff(now: date, target_days: int) -> date:
    """The latest day a flag can have arrived on and be overdue on ``now``: more than ``target_days``
    working days have passed since it arrived."""
    day, counted = now, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted > target_days:
                return day - timedelta(days=1)
        day -= timedelta(days=1)


def _actioned() -> Any:
    return exists().where(SafeguardingAction.answer_id == ModerationItem.answer_id)


def _overdue(cutoff: date) -> Any:
    return and_(ModerationItem.flagged, ~_actioned(), ModerationItem.received_on <= cutoff)


def _order(cutoff: date) -> tuple[Any, ...]:
    """Overdue flags, then the other flags, then the oldest answers."""
    return (
        case((_overdue(cutoff), 0), else_=1),
        ModerationItem.flagged.desc(),
        ModerationItem.received_on,
        ModerationItem.answer_id,
    )


def other_language() -> Any:
    """The answers found written in a language other than English."""
    return and_(ModerationItem.language.is_not(None), ModerationItem.language.not_in((ENGLISH, UNKNOWN)))


def _listed(forum_id: int, status: str) -> Any:
    """The answers of one list: waiting or held (of submitted responses), the concerns, or the waiting
    and held ones in other languages."""
    query = select(ModerationItem).where(ModerationItem.forum_id == forum_id)
    if status == CONCERNS:
        return query.where(ModerationItem.flagged, ~_actioned())
    statuses = QUEUE_STATUSES if status == LANGUAGES else (status,)
    query = query.join(Response, Response.id == ModerationItem.response_id).where(
        ModerationItem.status.in_(statuses), Response.status == SUBMITTED
    )
    return query.where(other_language()) if status == LANGUAGES else query


def counts(session: Session, forum_id: int) -> dict[str, int]:
    """How many answers wait (``pending``), are held, and, among those waiting or held, are flagged
    and are in other languages (``languages``)."""
    other = case((other_language(), 1), else_=0)
    rows = session.execute(
        select(ModerationItem.status, ModerationItem.flagged, other, func.count())
        .join(Response, Response.id == ModerationItem.response_id)
        .where(
            ModerationItem.forum_id == forum_id,
            ModerationItem.status.in_(QUEUE_STATUSES),
            Response.status == SUBMITTED,
        )
        .group_by(ModerationItem.status, ModerationItem.flagged, other)
    ).all()
    result = {PENDING: 0, HELD: 0, "flagged": 0, LANGUAGES: 0}
    for status, flagged, in_other, count in rows:
        result[status] += count
        if flagged:
            result["flagged"] += count
        if in_other:
            result[LANGUAGES] += count
    return result


def concern_counts(
    session: Session, forum_id: int, target_days: int = 2, now: date | None = None
) -> dict[str, int]:
    """Flagged answers with no safeguarding action recorded (``concerns``), and how many of them are
    overdue (``overdue``)."""
    cutoff = overdue_cutoff(now or today(), target_days)
    total, overdue = session.execute(
        select(func.count(), func.count(case((ModerationItem.received_on <= cutoff, 1))))
        .select_from(ModerationItem)
        .where(ModerationItem.forum_id == forum_id, ModerationItem.flagged, ~_actioned())
    ).one()
    return {CONCERNS: total or 0, "overdue": overdue or 0}


def queue_page(
    session: Session,
    forum_id: int,
    status: str = PENDING,
    page: int = 1,
    target_days: int = 2,
    now: date | None = None,
) -> QueuePage:
    """One page of a list: overdue flags first, then the other flags, then the oldest."""
    status = status if status in LISTS else PENDING
    now = now or today()
    total = {**counts(session, forum_id), **concern_counts(session, forum_id, target_days, now)}
    pages = max(1, -(-total[status] // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = session.scalars(
        _listed(forum_id, status)
        .order_by(*_order(overdue_cutoff(now, target_days)))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return QueuePage(list(items), page, pages, total)


def actioned_ids(session: Session, answer_ids: Sequence[int]) -> set[int]:
    """Which of these answers have a safeguarding action recorded."""
    if not answer_ids:
        return set()
    return set(
        session.scalars(
            select(SafeguardingAction.answer_id).where(SafeguardingAction.answer_id.in_(list(answer_ids)))
        )
    )


def get_item(session: Session, forum_id: int, answer_id: int) -> ModerationItem | None:
    """An item of this forum, or None (another forum's item is as good as missing)."""
    item = session.get(ModerationItem, answer_id)
    return item if item is not None and item.forum_id == forum_id else None


def next_item(
    session: Session, forum_id: int, status: str = PENDING, target_days: int = 2, now: date | None = None
) -> ModerationItem | None:
    """The first item of the queue, for "approve and next"."""
    return session.scalars(
        _listed(forum_id, status).order_by(*_order(overdue_cutoff(now or today(), target_days))).limit(1)
    ).first()


def neighbours(
    session: Session, forum_id: int, item: ModerationItem, target_days: int = 2, now: date | None = None
) -> tuple[int | None, int | None]:
    """The answers before and after this one in its list (waiting or held), for "previous" and "next".

    An answer out of the queue (approved, or its response in the spam folder) has no previous one, and
    the first waiting answer as its next.
    """
    status = item.status if item.status in QUEUE_STATUSES else PENDING
    ids = list(
        session.scalars(
            _listed(forum_id, status)
            .with_only_columns(ModerationItem.answer_id)
            .order_by(*_order(overdue_cutoff(now or today(), target_days)))
        )
    )
    if item.answer_id not in ids:
        return None, next((answer_id for answer_id in ids if answer_id != item.answer_id), None)
    at = ids.index(item.answer_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def clean_waiting(
    session: Session, forum_id: int, limit: int = BULK_LIMIT
) -> tuple[list[ModerationItem], int]:
    """Waiting answers with no flag, no redaction and no near-duplicate, oldest first: up to ``limit``
    of them, and how many there are in all."""
    query = _listed(forum_id, PENDING).where(
        ModerationItem.flagged.is_(False),
        ModerationItem.duplicate_of.is_(None),
        ModerationItem.redactions == _NO_REDACTIONS,
    )
    total = session.scalar(query.with_only_columns(func.count())) or 0
    items = session.scalars(
        query.order_by(ModerationItem.received_on, ModerationItem.answer_id).limit(limit)
    ).all()
    return list(items), total


# ---------------------------------------------------------------------------------------------
# Showing and changing redactions


def redacted_text(original: str, spans: list[dict[str, Any]]) -> str:
    """``original`` with every unrestored span replaced by its tag."""
    active = merge(Found(span["kind"], span["start"], span["end"]) for span in spans if not span["restored"])
    pieces, last = [], 0
    for span in active:
        pieces += [original[last : span.start], TAGS[span.kind]]
        last = span.end
    pieces.append(original[last:])
    return "".join(pieces)


def segments(item: ModerationItem) -> list[Segment]:
    """The answer split into plain text and redactions, for highlighting.

    While the original is kept, redactions show the words they hide and can be restored; once it is
    gone only the tags in the redacted text are left to show.
    """
    if item.original is None:
        text = item.answer.value if isinstance(item.answer.value, str) else ""
        out, last = [], 0
        for match in _TAG.finditer(text):
            if match.start() > last:
                out.append(Segment(text[last : match.start()]))
            out.append(Segment(match.group(), _KIND_OF_TAG[match.group()]))
            last = match.end()
        if last < len(text):
            out.append(Segment(text[last:]))
        return out
    pieces = _regions(item.redactions)
    out, last = [], 0
    for start, end, index, restored in pieces:
        if start > last:
            out.append(Segment(item.original[last:start]))
        out.append(Segment(item.original[start:end], item.redactions[index]["kind"], index, restored))
        last = end
    if last < len(item.original):
        out.append(Segment(item.original[last:]))
    return out


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def _region(spans: list[dict[str, Any]], index: int) -> set[int]:
    """The active spans that overlap span ``index`` directly or through one another."""
    members, grown = {index}, True
    while grown:
        grown = False
        for i, span in enumerate(spans):
            if i not in members and not span["restored"] and any(_overlaps(span, spans[m]) for m in members):
                members.add(i)
                grown = True
    return members


def _regions(spans: list[dict[str, Any]]) -> list[tuple[int, int, int, bool]]:
    """``(start, end, index, restored)`` of what to highlight, in order: each group of overlapping
    active spans as one redaction (the kind of its first span), then restored spans that overlap
    nothing active (shown as written, and can be redacted again)."""
    out: list[tuple[int, int, int, bool]] = []
    seen: set[int] = set()
    order = sorted(range(len(spans)), key=lambda i: (spans[i]["start"], -spans[i]["end"]))
    for index in order:
        if index in seen or spans[index]["restored"]:
            continue
        members = _region(spans, index)
        seen |= members
        start = min(spans[m]["start"] for m in members)
        out.append((start, max(spans[m]["end"] for m in members), index, False))
    active = list(out)
    for index in order:
        span = spans[index]
        if span["restored"] and not any(
            span["start"] < end and start < span["end"] for start, end, *_ in active
        ):
            out.append((span["start"], span["end"], index, True))
    out.sort()
    kept: list[tuple[int, int, int, bool]] = []
    for piece in out:  # two restored spans over the same words: show the first
        if not kept or piece[0] >= kept[-1][1]:
            kept.append(piece)
    return kept


def _gone_message(item: ModerationItem) -> str:
    if item.original_purged_on is not None:
        return (
            f"The original words were deleted on {item.original_purged_on.day} "
            f"{item.original_purged_on.strftime('%B %Y')}, as the forum keeps them for a limited time, "
            "so this redaction cannot be undone. You can still redact more."
        )
    return (
        "The original words were deleted when this answer was approved, so this redaction cannot be undone."
    )


def _editable(item: ModerationItem) -> None:
    if item.status == APPROVED:
        raise ModerationError("This answer has already been approved.")


def _save_spans(item: ModerationItem, spans: list[dict[str, Any]]) -> None:
    item.redactions = spans  # a new list, so the JSON column is written
    item.answer.value = redacted_text(item.original or "", spans)


def set_restored(session: Session, item: ModerationItem, index: int, restored: bool) -> None:
    """Restore a redaction (it was not personal) or redact it again. Restoring one restores every
    redaction overlapping it, as the page shows them as one."""
    _editable(item)
    if item.original is None:
        raise ModerationError(_gone_message(item))
    if not 0 <= index < len(item.redactions):
        raise ModerationError("That redaction is no longer there. The page has been refreshed.")
    spans = [dict(span) for span in item.redactions]
    for member in _region(spans, index) if restored else {index}:
        spans[member]["restored"] = restored
    _save_spans(item, spans)
    session.commit()


def add_redaction(session: Session, item: ModerationItem, phrase: str, kind: str) -> int:
    """Redact every occurrence of ``phrase`` (any case). Returns how many were redacted."""
    _editable(item)
    phrase = phrase.strip()
    if not phrase:
        raise ModerationError("Enter the words to redact, as they appear in the answer.")
    if len(phrase) > MAX_PHRASE_CHARS:
        raise ModerationError(f"Words to redact must be {MAX_PHRASE_CHARS} characters or fewer.")
    if kind not in TAGS:
        raise ModerationError("Choose what kind of detail the words are.")
    pattern = re.compile(re.escape(phrase), re.IGNORECASE)
    if item.original is None:  # only the redacted text is left: redact in it directly
        text = item.answer.value if isinstance(item.answer.value, str) else ""
        new_text, found = pattern.subn(TAGS[kind], text)
        if found:
            item.answer.value = new_text
            session.commit()
        return found
    added = [
        {"kind": kind, "start": match.start(), "end": match.end(), "source": "moderator", "restored": False}
        for match in pattern.finditer(item.original)
    ]
    found = len(added)
    # A span restored earlier gives way to the moderator's newer choice over the same words.
    spans = [
        dict(span)
        for span in item.redactions
        if not (span["restored"] and any(_overlaps(span, new) for new in added))
    ]
    spans += added
    if found:
        _save_spans(item, spans)
        session.commit()
    return found


# ---------------------------------------------------------------------------------------------
# Decisions


def _decide(session: Session, item: ModerationItem, user_id: int | None, **values: Any) -> bool:
    result = session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.answer_id == item.answer_id,
            ModerationItem.status.in_(QUEUE_STATUSES),
            ModerationItem.response_id.in_(select(Response.id).where(Response.status == SUBMITTED)),
        )
        .values(decided_by=user_id, decided_on=today(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(item)
    return result.rowcount == 1  # type: ignore[attr-defined]


def _undecidable(item: ModerationItem) -> str:
    if item.status == APPROVED:
        return "This answer has already been approved."
    return "This response is no longer in the queue: it was moved to the spam folder or withdrawn."


def approve_answers(
    session: Session, forum_id: int, answer_ids: Sequence[int], user_id: int | None, clean_only: bool = False
) -> list[int]:
    """Approve these answers of this forum that are still in the queue (with ``clean_only``, still
    waiting with no flag, no redaction and no near-duplicate): their originals are deleted, only the
    redacted text stays, ready for coding (``forum_app.journeys.approve_answers`` codes them). Returns
    the ids approved; the others are left alone. Commits.
    """
    if not answer_ids:
        return []
    conditions = [
        ModerationItem.forum_id == forum_id,
        ModerationItem.answer_id.in_(list(answer_ids)),
        ModerationItem.status.in_(QUEUE_STATUSES),
        ModerationItem.response_id.in_(select(Response.id).where(Response.status == SUBMITTED)),
    ]
    if clean_only:
        conditions += [
            ModerationItem.status == PENDING,
            ModerationItem.flagged.is_(False),
            ModerationItem.duplicate_of.is_(None),
            ModerationItem.redactions == _NO_REDACTIONS,
        ]
    approved = session.scalars(
        update(ModerationItem)
        .where(*conditions)
        .values(status=APPROVED, original=None, decided_by=user_id, decided_on=today())
        .returning(ModerationItem.answer_id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted(approved)


def responses_of(session: Session, answer_ids: Sequence[int]) -> list[str]:
    """The responses these answers belong to, each once."""
    if not answer_ids:
        return []
    return sorted(
        set(
            session.scalars(
                select(ModerationItem.response_id).where(ModerationItem.answer_id.in_(list(answer_ids)))
            )
        )
    )


def credit_approvals(session: Session, answer_ids: Sequence[int], user_id: int) -> None:
    """Record ``user_id`` as the moderator of these answers where nobody is recorded (the demo lead's
    approvals of demo data, as a pack quotes only answers approved by a known role). Commits."""
    if answer_ids:
        session.execute(
            update(ModerationItem)
            .where(ModerationItem.answer_id.in_(list(answer_ids)), ModerationItem.decided_by.is_(None))
            .values(decided_by=user_id)
        )
    session.commit()


def approve(session: Session, item: ModerationItem, user_id: int | None) -> None:
    """Approve: the original is deleted, only the redacted text stays, ready for coding (through
    ``forum_app.journeys.approve``, which codes it)."""
    approved = approve_answers(session, item.forum_id, [item.answer_id], user_id)
    session.refresh(item)
    if not approved:
        raise ModerationError(_undecidable(item))


def hold(session: Session, item: ModerationItem, user_id: int, held: bool = True) -> None:
    """Hold an answer to come back to (or put a held one back in the queue)."""
    _editable(item)
    if not _decide(session, item, user_id, status=HELD if held else PENDING):
        raise ModerationError(_undecidable(item))


def reject_as_spam(session: Session, item: ModerationItem) -> None:
    """Move the whole response to the spam folder: counted nowhere, out of the queue, not coded.

    A lead can mark it "not spam" from the spam folder; its answers then come back to the queue.
    """
    _editable(item)
    session.execute(
        update(Response)
        .where(Response.id == item.response_id, Response.status == SUBMITTED)
        .values(status=SPAM)
        .execution_options(synchronize_session=False)
    )
    session.commit()


# ---------------------------------------------------------------------------------------------
# What was done about a safeguarding concern


def record_action(session: Session, item: ModerationItem, action: str, user_id: int | None) -> None:
    """Record one action taken about a flagged answer, from the fixed list: who and when, no text."""
    if action not in SAFEGUARDING_ACTIONS:
        raise ModerationError("Choose what was done about this concern.")
    if not item.flagged:
        raise ModerationError("This answer has no safeguarding concern to record an action for.")
    session.add(
        SafeguardingAction(
            answer_id=item.answer_id, forum_id=item.forum_id, action=action, recorded_by=user_id
        )
    )
    session.commit()


def actions_of(session: Session, answer_id: int) -> list[SafeguardingAction]:
    """The actions recorded about one answer, oldest first."""
    return list(
        session.scalars(
            select(SafeguardingAction)
            .where(SafeguardingAction.answer_id == answer_id)
            .order_by(SafeguardingAction.recorded_at, SafeguardingAction.id)
        )
    )
