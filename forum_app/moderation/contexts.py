"""Ready-made page data for the moderation queue's pages: templates print it, they don't think.

Lists show only the redacted text (``Answer.value``); the original words appear on one answer's own
page, to the moderator, for as long as they are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.db import today
from forum_app.moderation import queue
from forum_app.moderation.language import is_unread_reason, needs_reader, reader_tag
from forum_app.moderation.models import APPROVED, HELD, PENDING, SAFEGUARDING_ACTIONS, ModerationItem
from forum_app.moderation.queue import CONCERNS, LANGUAGES, ModerationError, Segment
from forum_app.moderation.redact import TAGS
from forum_app.moderation.settings import moderation_settings
from forum_app.surveys.answer_ids import answer_number, answer_numbers, parse_public_ids, public_ids
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.fields import display_answer
from forum_app.surveys.models import SUBMITTED, SurveyVersion
from forum_app.surveys.services import answers_of, definition_of
from forum_app.templating import excerpt

EXCERPT_LENGTH = 220
ROW_EXCERPT_LENGTH = 110  # one line or two of the compact list
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
    "handle": "A social media handle",
}
assert set(KIND_LABELS) == set(TAGS), "every kind of redaction needs a label"
TABS = (
    (PENDING, "Waiting"),
    (HELD, "Held"),
    (CONCERNS, "Concerns with no action recorded"),
    (LANGUAGES, "Other languages"),
)
NOT_FOUND = "Those words are not in the answer. Type them as they appear, for example “Mrs Smith”."
NO_LONGER_THERE = "That redaction is no longer there. The page has been refreshed."
OUT_OF_QUEUE = (
    "This response has been moved to the spam folder, so its answers are out of the queue. "
    "A lead can mark it “Not spam” from the spam folder."
)


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
    public_id: str  # how addresses name the answer
    excerpt: str
    question: str
    received_on: date
    age_days: int
    flagged: bool
    overdue: bool
    actioned: bool  # a safeguarding action has been recorded
    reasons: list[str]
    redactions: int  # redactions in force
    duplicate: bool
    state: str  # for the concerns list: "waiting", "held", "approved", "in the spam folder"
    language: str  # "Written in Polish: needs someone who reads it, or a translation", or ""


@dataclass(frozen=True)
class QueueScreen:
    status: str
    tabs: list[Tab]
    flagged: int  # flagged answers waiting or held
    concerns: int  # flagged answers with no action recorded, in any state
    overdue: int  # of those, past the forum's target
    target_days: int
    rows: list[QueueRow]
    page: int
    pages: int
    clean: int  # waiting answers with no flag, no redaction, no near-duplicate: can be approved in bulk
    bulk: int  # how many of those one bulk approval takes

    @property
    def total(self) -> int:
        return next(tab.count for tab in self.tabs if tab.current)

    @property
    def label(self) -> str:
        return next(tab.label for tab in self.tabs if tab.current)


def language_tag(item: ModerationItem) -> str:
    """What the queue says of an answer in another language, or "" for one in English (or unknown)."""
    return reader_tag(item.language) if item.language and needs_reader(item.language) else ""


def _target(session: Session, forum_id: int) -> int:
    forum = session.get(Forum, forum_id)
    return moderation_settings(forum).flag_target_days if forum is not None else 2


def active_redactions(item: ModerationItem) -> int:
    return sum(not span.get("restored") for span in item.redactions or [])


def queue_screen(
    session: Session, forum_id: int, status: str, page: int, now: date | None = None
) -> QueueScreen:
    """One page of the waiting (or held) answers, or of the concerns: overdue flags first."""
    status = status if status in queue.LISTS else PENDING
    now = now or today()
    target = _target(session, forum_id)
    found = queue.queue_page(session, forum_id, status, page, target, now)
    versions = {item.answer.response.survey_version_id for item in found.items}
    titles = _question_titles(session, versions)
    actioned = queue.actioned_ids(session, [item.answer_id for item in found.items])
    cutoff = queue.overdue_cutoff(now, target)
    rows = [
        QueueRow(
            answer_id=item.answer_id,
            public_id=item.answer.public_id,
            excerpt=excerpt(item.answer.value, ROW_EXCERPT_LENGTH),
            question=titles.get(
                (item.answer.response.survey_version_id, item.answer.question_key), item.answer.question_key
            ),
            received_on=item.received_on,
            age_days=max(0, (now - item.received_on).days),
            flagged=item.flagged,
            overdue=item.flagged and item.answer_id not in actioned and item.received_on <= cutoff,
            actioned=item.answer_id in actioned,
            reasons=list(item.flag_reasons or []),
            redactions=active_redactions(item),
            duplicate=item.duplicate_of is not None,
            state=_state(item),
            language=language_tag(item),
        )
        for item in found.items
    ]
    tabs = [Tab(value, label, found.counts[value], value == status) for value, label in TABS]
    _, clean = queue.clean_waiting(session, forum_id, limit=0)
    return QueueScreen(
        status=status,
        tabs=tabs,
        flagged=found.counts["flagged"],
        concerns=found.counts[CONCERNS],
        overdue=found.counts["overdue"],
        target_days=target,
        rows=rows,
        page=found.page,
        pages=found.pages,
        clean=clean,
        bulk=min(clean, queue.BULK_LIMIT),
    )


def waiting_count(session: Session, forum_id: int) -> int:
    return queue.counts(session, forum_id)[PENDING]


@dataclass(frozen=True)
class ConcernSummary:
    """Flagged answers nobody has recorded an action for: the staff home page shows them first."""

    count: int
    overdue: int
    target_days: int


def concern_summary(session: Session, forum_id: int, now: date | None = None) -> ConcernSummary:
    target = _target(session, forum_id)
    found = queue.concern_counts(session, forum_id, target, now)
    return ConcernSummary(found[CONCERNS], found["overdue"], target)


# ---------------------------------------------------------------------------------------------
# Bulk approval


@dataclass(frozen=True)
class BulkRow:
    answer_id: int
    public_id: str
    excerpt: str
    question: str
    received_on: date


@dataclass(frozen=True)
class BulkScreen:
    rows: list[BulkRow]
    total: int  # clean answers waiting in all; the page takes the oldest ``len(rows)``


def bulk_screen(session: Session, forum_id: int) -> BulkScreen:
    items, total = queue.clean_waiting(session, forum_id)
    titles = _question_titles(session, {item.answer.response.survey_version_id for item in items})
    rows = [
        BulkRow(
            item.answer_id,
            item.answer.public_id,
            excerpt(item.answer.value, EXCERPT_LENGTH),
            titles.get(
                (item.answer.response.survey_version_id, item.answer.question_key), item.answer.question_key
            ),
            item.received_on,
        )
        for item in items
    ]
    return BulkScreen(rows, total)


def parse_ids(session: Session, forum_id: int, values: Iterable[str]) -> tuple[int, list[int]]:
    """Answers named by a form (by public id), in order and once each: how many were named, and the
    row numbers of those that are this forum's."""
    named = parse_public_ids(values, queue.BULK_LIMIT)
    return len(named), answer_numbers(session, forum_id, named)


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
    family: list[FamilyAnswer]  # the rest of the family's response, in question order
    previous_id: str | None  # the public id of the answer before this one in its list, for "previous" (k)
    next_id: str | None  # the public id of the answer after it, for "next" (n, j)
    actions: list[ActionRow]  # what was done about the concern, oldest first
    choices: list[tuple[str, str]]  # (key, words) of the actions that can be recorded
    overdue: bool  # flagged, no action recorded, past the forum's target
    target_days: int
    language: str  # "Written in Polish: needs someone who reads it, or a translation", or ""
    out_of_queue: str = OUT_OF_QUEUE

    @property
    def answer_id(self) -> int:
        return self.item.answer_id

    @property
    def public_id(self) -> str:
        return self.item.answer.public_id

    @property
    def held(self) -> bool:
        return self.item.status == HELD

    @property
    def reasons(self) -> list[str]:
        """What the flags found the answer may be about (not that they could not read it)."""
        return [reason for reason in self.item.flag_reasons or [] if not is_unread_reason(reason)]


def get_item(session: Session, forum_id: int, answer_id: int) -> ModerationItem | None:
    return queue.get_item(session, forum_id, answer_id)


def find_item(session: Session, forum_id: int, public_id: str) -> ModerationItem | None:
    """This forum's item for the answer an address names, or None."""
    number = answer_number(session, forum_id, public_id)
    return queue.get_item(session, forum_id, number) if number is not None else None


@dataclass(frozen=True)
class FamilyAnswer:
    question: str
    answer: str
    public_id: str | None = None  # a free-text answer that is moderated: a link to it
    state: str = ""  # its moderation status in words
    flagged: bool = False


def _family(session: Session, item: ModerationItem) -> list[FamilyAnswer]:
    """The family's other answers, as coders would see them, each free-text one with its status."""
    response = item.answer.response
    try:
        definition = definition_of(response)
    except DefinitionError:
        return []
    answers = answers_of(session, response.id)
    moderated = {
        other.answer.question_key: other
        for other in session.scalars(select(ModerationItem).where(ModerationItem.response_id == response.id))
    }
    rows = []
    for question in definition.visible(answers):
        if question.key == item.answer.question_key:
            continue
        other = moderated.get(question.key)
        rows.append(
            FamilyAnswer(
                question.title,
                display_answer(question, answers.get(question.key)),
                other.answer.public_id if other is not None else None,
                _state(other) if other is not None else "",
                bool(other is not None and other.flagged),
            )
        )
    return rows


@dataclass(frozen=True)
class ActionRow:
    words: str
    who: str
    at: datetime


def _actions(session: Session, answer_id: int) -> list[ActionRow]:
    recorded = queue.actions_of(session, answer_id)
    emails = {
        user.id: user.email
        for user in session.scalars(
            select(User).where(User.id.in_({row.recorded_by for row in recorded if row.recorded_by}))
        )
    }
    return [
        ActionRow(
            SAFEGUARDING_ACTIONS.get(row.action, row.action),
            emails.get(row.recorded_by or 0, "a deleted account"),
            row.recorded_at,
        )
        for row in recorded
    ]


def _state(item: ModerationItem) -> str:
    if item.answer.response.status != SUBMITTED:
        return "in the spam folder"
    return {PENDING: "waiting", HELD: "held", APPROVED: "approved"}.get(item.status, item.status)


def gone_message(item: ModerationItem) -> str:
    """Why the original words cannot be shown any more, or "" while they are kept."""
    return queue._gone_message(item) if item.original is None else ""


def item_screen(session: Session, item: ModerationItem, now: date | None = None) -> ItemScreen:
    forum = session.get(Forum, item.forum_id)
    assert forum is not None
    now = now or today()
    target = moderation_settings(forum).flag_target_days
    parts = queue.segments(item)
    before, after = queue.neighbours(session, item.forum_id, item, target, now)
    named = public_ids(session, [found for found in (before, after) if found is not None])
    actions = _actions(session, item.answer_id) if item.flagged else []
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
        family=_family(session, item),
        previous_id=named.get(before) if before is not None else None,
        next_id=named.get(after) if after is not None else None,
        actions=actions,
        choices=list(SAFEGUARDING_ACTIONS.items()),
        overdue=item.flagged and not actions and item.received_on <= queue.overdue_cutoff(now, target),
        target_days=target,
        language=language_tag(item),
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
    found = queue.next_item(session, forum_id, PENDING, _target(session, forum_id))
    return found.answer_id if found is not None else None


def following(session: Session, item: ModerationItem) -> int | None:
    """The answer after this one in its list, before a decision takes it out: where to go next."""
    return queue.neighbours(session, item.forum_id, item, _target(session, item.forum_id))[1]


def still_waiting(session: Session, forum_id: int, answer_id: int | None) -> bool:
    found = queue.get_item(session, forum_id, answer_id) if answer_id is not None else None
    return found is not None and in_queue(found)
