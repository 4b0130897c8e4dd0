"""Bulk acceptance in the coding workspace: accepting the automatic suggestions of every answer the
coder is sure enough of, at the threshold the lead set.

Leads and coders may run it, but only ever at the threshold the lead set
(the forum's ``CodingSettings``, 0.5 to 1, 0.9 by default); only leads change it. It
writes the same rows and log as ``decisions.decide`` would (kind ``bulk``), set-wise, in batches of
``BATCH`` answers, committing after each batch so 10,000 answers neither hold locks for long nor
build one huge transaction. All the decisions of one run share their time, so "undo" takes the whole
run back (``undo``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.codebook.versions import ensure_codebook
from forum_app.coding.decisions import AnswerState
from forum_app.coding.filters import (
    FilterOptions,
    Filters,
    ParsedFilters,
    describe_filters,
    filter_conditions,
    filter_options,
    parse_filters,
)
from forum_app.coding.labels import percent
from forum_app.coding.models import (
    ACCEPTED,
    AUTO,
    CODED,
    MANUAL,
    PENDING,
    SUGGESTED,
    CodedAnswer,
    Coding,
    CodingDecision,
)
from forum_app.db import utcnow
from forum_app.forum_settings import CodingSettings, read_section, save_section

BATCH = 500
THRESHOLD_KEY = "bulk_accept_threshold"
DEFAULT_THRESHOLD = 0.9
LOWEST_THRESHOLD = 0.5
HIGHEST_THRESHOLD = 1.0


class ThresholdError(ValueError):
    """The threshold typed is not a confidence from 50% to 100%; the message says so."""


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
        *filter_conditions(forum_id, filters),
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
        set_many(session, ids, auto_status=ACCEPTED, answer_status=CODED, user_id=user_id, now=now)
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


def set_many(
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
