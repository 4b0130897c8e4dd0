"""Retention: responses are deleted once a forum no longer needs them (``flask retention purge``).

What is deleted, per forum, on a given day ``today``:

- **Unsent drafts** (``in_progress``): once their resume code has expired (``resume_expires_on``, the
  last day the code works, is before today), or, if they never got a resume code, once they were
  started more than ``resume_days`` days ago (``started_on < today - resume_days``). Without a code
  nobody can come back to them after their browser session ends.
- **Submitted responses**: once ``retention_months`` (the forum's setting, see ``support.py``) have
  passed since ``submitted_on``. A response is kept up to and including the day ``retention_months``
  calendar months after it was sent (a day missing from the shorter month counts as that month's
  last day) and deleted from the day after: sent on 2025-01-31 with 1 month, it is kept until
  2025-02-28 and deleted from 2025-03-01.
- **Withdrawn responses** (their answers are already gone; only the row and its receipt hash stay, so
  the code says "already withdrawn"): by the same rule, counted from ``started_on``, the only date
  they keep.

Answers are deleted explicitly, and everything derived from them (coded answers, codings, coding
decisions, agreement items) goes with them through ``ON DELETE CASCADE`` (SQLite foreign keys are on,
see ``forum_app/db.py``). The deletes are set-wise, in batches of ids, on SQLite and PostgreSQL
alike, with one commit at the end. Running it twice on the same day deletes nothing the second time.

Before anything of a forum is deleted (never on a dry run), the ids of the answers about to go are
handed to ``forget`` if given: ``forum_app.retention.purge_all`` passes one that switches off the
forum's models trained on them (this feature never reaches ``coding`` itself). It returns how many
models it switched off, counted in the report.

The original words of unmoderated answers are purged by ``forum_app.moderation.retention`` after the
forum's ``original_days``; ``forum_app.retention.purge_all`` (``flask retention purge``) runs both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Delete, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import transaction
from forum_app.surveys.models import IN_PROGRESS, SPAM, SUBMITTED, WITHDRAWN, Answer, Response
from forum_app.surveys.support import forum_support

BATCH = 500  # ids per DELETE: well under SQLite's and PostgreSQL's bound-parameter limits

KINDS = ("drafts", "submitted", "withdrawn")

# Given the session, a forum's id and the ids of its answers about to be deleted (not yet committed),
# does what must happen first; returns how many forum models it switched off.
Forget = Callable[[Session, int, Sequence[int]], int]


@dataclass
class ForumPurge:
    """What was (or would be) deleted for one forum: counts only, never any text."""

    slug: str
    retention_months: int
    kept_from: date  # submitted (and withdrawn) responses dated on or after this day are kept
    drafts: int = 0
    submitted: int = 0
    withdrawn: int = 0
    answers: int = 0
    models_off: int = 0  # forum models switched off because they had learned from deleted answers

    @property
    def responses(self) -> int:
        return self.drafts + self.submitted + self.withdrawn


@dataclass
class PurgeReport:
    today: date
    dry_run: bool
    forums: list[ForumPurge] = field(default_factory=list)

    def total(self, kind: str) -> int:
        """The total of one count (``drafts``, ``submitted``, ``withdrawn``, ``answers``, ``responses``)."""
        return sum(int(getattr(forum, kind)) for forum in self.forums)

    @property
    def deleted_anything(self) -> bool:
        return self.total("responses") > 0


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def first_kept_day(today: date, months: int) -> date:
    """The earliest date whose response is still kept on ``today``: everything dated before it has
    been kept for its full ``months`` (kept while ``add_months(dated, months) >= today``)."""
    day = add_months(today, -months)
    # add_months is monotonic but not one-to-one around month ends, so settle on the exact boundary.
    while add_months(day - timedelta(days=1), months) >= today:
        day -= timedelta(days=1)
    while add_months(day, months) < today:
        day += timedelta(days=1)
    return day


def _conditions(
    forum_id: int, today: date, resume_days: int, kept_from: date
) -> dict[str, ColumnElement[bool]]:
    in_forum = Response.forum_id == forum_id
    return {
        "drafts": and_(
            in_forum,
            Response.status == IN_PROGRESS,
            or_(
                Response.resume_expires_on < today,
                and_(
                    Response.resume_expires_on.is_(None),
                    Response.started_on < today - timedelta(days=resume_days),
                ),
            ),
        ),
        # Spam is sent like any response (with its date), so it is kept no longer than one.
        "submitted": and_(
            in_forum, Response.status.in_((SUBMITTED, SPAM)), Response.submitted_on < kept_from
        ),
        "withdrawn": and_(in_forum, Response.status == WITHDRAWN, Response.started_on < kept_from),
    }


def _count(session: Session, condition: ColumnElement[bool]) -> tuple[int, int]:
    """How many responses match, and how many answers they hold."""
    responses = session.scalar(select(func.count()).select_from(Response).where(condition)) or 0
    answers = (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(Answer.response_id.in_(select(Response.id).where(condition)))
        )
        or 0
    )
    return responses, answers


def _delete(session: Session, condition: ColumnElement[bool]) -> tuple[int, int]:
    """Delete the matching responses and their answers, a batch of ids at a time."""
    responses = answers = 0
    while True:
        ids: Sequence[str] = session.scalars(
            select(Response.id).where(condition).order_by(Response.id).limit(BATCH)
        ).all()
        if not ids:
            return responses, answers
        answers += _rowcount(session, delete(Answer).where(Answer.response_id.in_(ids)))
        responses += _rowcount(session, delete(Response).where(Response.id.in_(ids)))


def _rowcount(session: Session, statement: Delete) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _doomed_answers(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[int]:
    """The ids (only) of the answers of the responses matching any of the conditions."""
    doomed = select(Response.id).where(or_(*conditions))
    return list(session.scalars(select(Answer.id).where(Answer.response_id.in_(doomed)).order_by(Answer.id)))


def purge(
    session: Session, today: date, resume_days: int, dry_run: bool = False, forget: Forget | None = None
) -> PurgeReport:
    """Delete what the forums no longer keep (see the module docstring), in one transaction.

    With ``dry_run`` nothing is written: the same conditions are only counted. ``forget`` is called
    per forum with the ids of the answers about to be deleted, before they are.
    """
    report = PurgeReport(today=today, dry_run=dry_run)
    with transaction(session, dry_run):
        for forum in session.scalars(select(Forum).order_by(Forum.slug)).all():
            months = forum_support(forum).retention_months
            kept_from = first_kept_day(today, months)
            found = ForumPurge(slug=forum.slug, retention_months=months, kept_from=kept_from)
            conditions = _conditions(forum.id, today, resume_days, kept_from)
            if forget is not None and not dry_run:
                doomed = _doomed_answers(session, list(conditions.values()))
                found.models_off = forget(session, forum.id, doomed) if doomed else 0
            for kind, condition in conditions.items():
                responses, answers = (_count if dry_run else _delete)(session, condition)
                setattr(found, kind, responses)
                found.answers += answers
            report.forums.append(found)
    return report
