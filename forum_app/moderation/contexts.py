"""Ready-made page data for the moderation queue's pages: templates print it, they don't think.

Lists show only the redacted text (``Answer.value``); the original words appear on one answer's own
page, to the moderator, for as long as they are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.moderation import queue
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.moderation.queue import ModerationError, Segment
from forum_app.moderation.redact import TAGS
from forum_app.moderation.settings import moderation_settings
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.models import SUBMITTED, SurveyVersion

EXCERPT_LENGTH = 220
# What each kind of redaction is, in words, for the "Redact something missed" form.
KIND_LABELS: dict[str, str] = {
    "name": "A name",
    "school": "A school, nursery or other setting",
    "address": "An address",
    "postcode": "A postcode",
    "phone": "A phone number",
    "email": "An email address",
    "dob": "A date of birth",
    "nhs": "An NHS number",
    "nino": "A National Insurance number",
    "reference": "A reference number",
    "url": "A web link",
}
assert set(KIND_LABELS) == set(TAGS), "every kind of redaction needs a label"
TABS = ((PENDING, "Waiting"), (HELD, "Held"))
NOT_FOUND = "Those words are not in the answer. Type them as they appear, for example “Mrs Smith”."
NO_LONGER_THERE = "That redaction is no longer there. The page has been refreshed."
OUT_OF_QUEUE = (
    "This response has been moved to the spam folder, so its answers are out of the queue. "
    "A lead can mark it “Not spam” from the spam folder."
)


def excerpt(value: Any, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(str(value or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def _question_titles(session: Session, version_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """Question titles by (survey version, question key), each version's definition parsed once."""
    titles: dict[tuple[int, str], str] = {}
    for version_id, definition in session.execute(
        select(SurveyVersion.id, SurveyVersion.definition).where(SurveyVersion.id.in_(set(version_ids)))
    ):
        try:
            questions = parse_definition(definition).questions
        except DefinitionError:
            continue
        titles.update({(version_id, question.key): question.title for question in questions})
    return titles


def _question(session: Session, item: ModerationItem) -> str:
    version_id = item.answer.response.survey_version_id
    key = item.answer.question_key
    return _question_titles(session, [version_id]).get((version_id, key), key)


# ---------------------------------------------------------------------------------------------
# The queue


@dataclass(frozen=True)
class Tab:
    status: str
    label: str
    count: int
    current: bool


@dataclass(frozen=True)
class QueueRow:
    answer_id: int
    excerpt: str
    question: str
    received_on: date
    flagged: bool
    reasons: list[str]
    duplicate: bool


@dataclass(frozen=True)
class QueueScreen:
    status: str
    tabs: list[Tab]
    flagged: int  # flagged answers waiting or held
    rows: list[QueueRow]
    page: int
    pages: int

    @property
    def total(self) -> int:
        return next(tab.count for tab in self.tabs if tab.current)

    @property
    def label(self) -> str:
        return next(tab.label for tab in self.tabs if tab.current)


def queue_screen(session: Session, forum_id: int, status: str, page: int) -> QueueScreen:
    """One page of the waiting (or held) answers, flagged ones first."""
    status = status if status in queue.QUEUE_STATUSES else PENDING
    found = queue.queue_page(session, forum_id, status, page)
    versions = {item.answer.response.survey_version_id for item in found.items}
    titles = _question_titles(session, versions)
    rows = [
        QueueRow(
            answer_id=item.answer_id,
            excerpt=excerpt(item.answer.value),
            question=titles.get(
                (item.answer.response.survey_version_id, item.answer.question_key), item.answer.question_key
            ),
            received_on=item.received_on,
            flagged=item.flagged,
            reasons=list(item.flag_reasons or []),
            duplicate=item.duplicate_of is not None,
        )
        for item in found.items
    ]
    tabs = [Tab(value, label, found.counts[value], value == status) for value, label in TABS]
    return QueueScreen(status, tabs, found.counts["flagged"], rows, found.page, found.pages)


def waiting_count(session: Session, forum_id: int) -> int:
    return queue.counts(session, forum_id)[PENDING]


# ---------------------------------------------------------------------------------------------
# One answer


@dataclass(frozen=True)
class ItemScreen:
    item: ModerationItem
    question: str
    procedure: str
    segments: list[Segment]
    redactions: list[Segment]  # the segments that are redactions, in the order of the text
    redacted: str  # what coders will see
    gone: str  # why redactions can no longer be undone ("" while the original is kept)
    in_queue: bool  # waiting or held, of a submitted response: decisions can be made
    state: str  # in words: "waiting", "held", "approved", "in the spam folder"
    duplicate_of: str | None  # the response whose text is nearly the same, if any
    kinds: list[tuple[str, str]]  # (kind, label) for the "Redact something missed" form
    tags: dict[str, str]  # kind -> its tag, e.g. "[name]"
    out_of_queue: str = OUT_OF_QUEUE

    @property
    def answer_id(self) -> int:
        return self.item.answer_id

    @property
    def held(self) -> bool:
        return self.item.status == HELD


def get_item(session: Session, forum_id: int, answer_id: int) -> ModerationItem | None:
    return queue.get_item(session, forum_id, answer_id)


def _state(item: ModerationItem) -> str:
    if item.answer.response.status != SUBMITTED:
        return "in the spam folder"
    return {PENDING: "waiting", HELD: "held", APPROVED: "approved"}.get(item.status, item.status)


def gone_message(item: ModerationItem) -> str:
    """Why the original words cannot be shown any more, or "" while they are kept."""
    return queue._gone_message(item) if item.original is None else ""


def item_screen(session: Session, item: ModerationItem) -> ItemScreen:
    forum = session.get(Forum, item.forum_id)
    assert forum is not None
    parts = queue.segments(item)
    return ItemScreen(
        item=item,
        question=_question(session, item),
        procedure=moderation_settings(forum).procedure,
        segments=parts,
        redactions=[part for part in parts if part.kind is not None and part.index is not None],
        redacted=item.answer.value if isinstance(item.answer.value, str) else "",
        gone=gone_message(item),
        in_queue=in_queue(item),
        state=_state(item),
        duplicate_of=item.duplicate_of,
        kinds=list(KIND_LABELS.items()),
        tags=TAGS,
    )


def in_queue(item: ModerationItem) -> bool:
    return item.status in queue.QUEUE_STATUSES and item.answer.response.status == SUBMITTED


def check_in_queue(item: ModerationItem) -> None:
    """Refuse a change to an answer that has left the queue (approved, or its response is spam)."""
    if item.status == APPROVED:
        raise ModerationError("This answer has already been approved.")
    if item.answer.response.status != SUBMITTED:
        raise ModerationError(OUT_OF_QUEUE)


def redaction_error_field(phrase: str, kind: str) -> str:
    """Which field of "Redact something missed" a refusal is about: the words, or their kind."""
    words = phrase.strip()
    return "kind" if words and len(words) <= queue.MAX_PHRASE_CHARS and kind not in TAGS else "phrase"


def parse_index(value: str | None) -> int:
    """A redaction's index from a form; a message when it is not a whole number."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise ModerationError(NO_LONGER_THERE)
    return int(text)


def next_waiting(session: Session, forum_id: int) -> int | None:
    """The first answer waiting in the queue, for "after a decision, the next one"."""
    found = queue.next_item(session, forum_id, PENDING)
    return found.answer_id if found is not None else None
