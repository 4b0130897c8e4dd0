"""The moderation queue: what moderators see and the decisions they make.

Safeguarding flags come first, then the oldest answers. A moderator can restore a redaction that
was wrong (shown as written), redact something missed, and then approve (the original is deleted
and the answer goes to coding), hold it for later, or reject the whole response as spam.
Only answers of submitted responses are in the queue: a response rejected as spam leaves it, and
comes back if a lead marks it "not spam".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum_app.db import today
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.moderation.redact import TAGS, Found, merge
from forum_app.moderation.signals import answers_approved
from forum_app.surveys.models import SPAM, SUBMITTED, Response

PAGE_SIZE = 25
QUEUE_STATUSES = (PENDING, HELD)
MAX_PHRASE_CHARS = 200
_TAG = re.compile("|".join(re.escape(tag) for tag in TAGS.values()))
_KIND_OF_TAG = {tag: kind for kind, tag in TAGS.items()}


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


def _in_queue(forum_id: int, status: str) -> Any:
    return (
        select(ModerationItem)
        .join(Response, Response.id == ModerationItem.response_id)
        .where(
            ModerationItem.forum_id == forum_id, ModerationItem.status == status, Response.status == SUBMITTED
        )
    )


def counts(session: Session, forum_id: int) -> dict[str, int]:
    """How many answers wait (``pending``), are held, and are flagged among those waiting or held."""
    rows = session.execute(
        select(ModerationItem.status, ModerationItem.flagged, func.count())
        .join(Response, Response.id == ModerationItem.response_id)
        .where(
            ModerationItem.forum_id == forum_id,
            ModerationItem.status.in_(QUEUE_STATUSES),
            Response.status == SUBMITTED,
        )
        .group_by(ModerationItem.status, ModerationItem.flagged)
    ).all()
    result = {PENDING: 0, HELD: 0, "flagged": 0}
    for status, flagged, count in rows:
        result[status] += count
        if flagged:
            result["flagged"] += count
    return result


def queue_page(session: Session, forum_id: int, status: str = PENDING, page: int = 1) -> QueuePage:
    """One page of the queue: flagged answers first, then the oldest."""
    status = status if status in QUEUE_STATUSES else PENDING
    total = counts(session, forum_id)
    pages = max(1, -(-total[status] // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = session.scalars(
        _in_queue(forum_id, status)
        .order_by(ModerationItem.flagged.desc(), ModerationItem.received_on, ModerationItem.answer_id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return QueuePage(list(items), page, pages, total)


def get_item(session: Session, forum_id: int, answer_id: int) -> ModerationItem | None:
    """An item of this forum, or None (another forum's item is as good as missing)."""
    item = session.get(ModerationItem, answer_id)
    return item if item is not None and item.forum_id == forum_id else None


def next_item(session: Session, forum_id: int, status: str = PENDING) -> ModerationItem | None:
    """The first item of the queue, for "approve and next"."""
    return session.scalars(
        _in_queue(forum_id, status)
        .order_by(ModerationItem.flagged.desc(), ModerationItem.received_on, ModerationItem.answer_id)
        .limit(1)
    ).first()


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


def approve(session: Session, item: ModerationItem, user_id: int | None) -> None:
    """Approve: the original is deleted, only the redacted text stays, and the answer goes to coding."""
    if not _decide(session, item, user_id, status=APPROVED, original=None):
        raise ModerationError(_undecidable(item))
    answers_approved.send(session, response_ids=[item.response_id])


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
