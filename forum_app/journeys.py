"""What happens to a parent's report, step by step, as plain calls a reader can follow.

Sending a report (``send_report``):

1. ``surveys.services.record_submission``: the response is marked sent (once, however often the form
   arrives) and the answers to questions it skipped are dropped. Nothing is committed yet.
2. ``moderation.intake.hold``: in the same transaction, each free-text answer's original moves into
   its ``ModerationItem`` and a placeholder takes its place in ``Answer.value``, so no original is ever
   committed where coders, viewers or packs read.
3. ``session.commit()``: the report stands.
4. ``after_commit``: the slow part, in transactions of its own. ``moderation.intake.check_after_commit``
   redacts, flags and marks duplicates (alerting the forum's safeguarding contacts), then
   ``code_answers`` codes what is already approved (nothing yet for a new report; demo data that counts
   as moderated). It never raises: a check that fails leaves the answers held for a person.

Approving answers (``approve``, ``approve_answers``):

1. ``moderation.queue.approve_answers``: the approval is committed, the original deleted.
2. ``code_answers``: ``coding.automatic.code_new_answers`` suggests themes for them. A failure is
   logged and leaves them uncoded (``flask themes code-new`` codes them later); it never undoes the
   approval.

A lead's "Not spam" (``mark_not_spam``) commits the response as submitted, then codes what is approved.
Demo data (``forum_app.demo``) takes the same steps through ``store_added``.

Withdrawing a report (``withdraw``):

1. ``surveys.withdrawal.find_sent``: the sent response with the receipt code.
2. ``coding.learning.forget_answers``: every forum model trained on its answers is switched off and its
   parameters deleted (jobs still training are stopped); not committed yet.
3. ``surveys.withdrawal.withdraw``: the answers are deleted and the response marked withdrawn, in the
   same transaction, committed.
4. ``coding.learning.retrain_after_withdrawal``: a retraining without them starts, if the forum still
   has enough confirmed codings. Never raises: the withdrawal already stands.

Importing past responses (``import_responses``): ``surveys.imports.saving.import_export`` adds an
export's responses a batch at a time, and each batch takes a sent report's path through
``store_added``, not as demo data: its free text is held, redacted, flagged and moderated as a new
report's is.

Staff who do not moderate read a report's free text only once moderation has approved it
(``response_for_staff``, with ``moderation.intake.approved_among``).

This module may import every feature; no feature imports it except from its views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from forum_app.accounts.models import Forum
from forum_app.coding import automatic, learning
from forum_app.coding.learning import RetrainRun
from forum_app.moderation import intake, queue
from forum_app.moderation.models import ModerationItem
from forum_app.surveys import services, staff, withdrawal
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.saving import ImportReport, import_export
from forum_app.surveys.models import Answer
from forum_app.surveys.services import LiveSurvey
from forum_app.surveys.staff import ResponseDetail

log = logging.getLogger(__name__)

IMPORT_CHECK_CHUNK = 50  # imported responses checked per transaction, their texts flagged together


# --- sending a report ---------------------------------------------------------------------------


def send_report(session: Session, response_id: str, idempotency_key: str, spam: bool = False) -> bool:
    """Send a parent's report, once. Returns True if this call sent it, False if it already was.

    Raises ``FormTampered`` or ``IncompleteResponse`` (nothing is then written). With ``spam`` the
    response waits in the leads' spam folder: its free text is taken in and checked all the same, but
    it is counted nowhere and not coded.
    """
    if not services.record_submission(session, response_id, idempotency_key, spam=spam):
        return False
    intake.hold(session, [response_id])
    session.commit()
    after_commit(session, [response_id], code=not spam)
    return True


def store_added(
    session: Session,
    response_ids: Sequence[str],
    seeded: bool = False,
    chunk: int = 1,
    imported: bool = False,
) -> None:
    """Sent responses just added in bulk (not yet committed) take a report's path: held, committed,
    then checked (``chunk`` responses to a transaction) and coded. ``seeded`` demo answers count as
    moderated, except flagged and recent ones; ``imported`` ones are alerted as past responses."""
    intake.hold(session, response_ids, seeded=seeded)
    session.commit()
    after_commit(session, response_ids, seeded=seeded, chunk=chunk, imported=imported)


def import_responses(
    session: Session, forum: Forum, export: ImportedExport, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Store an export's past responses in ``forum``'s survey (``saving.import_export``), each batch
    held, committed, then checked as sent reports are (``store_added``), ``IMPORT_CHECK_CHUNK`` responses
    to a transaction. Raises ``ImportFileError`` for questions that do not fit the survey, before
    anything is written."""
    return import_export(
        session,
        forum,
        export,
        take_in=partial(store_added, chunk=IMPORT_CHECK_CHUNK, imported=True),
        progress=progress,
    )


def after_commit(
    session: Session,
    response_ids: Sequence[str],
    seeded: bool = False,
    code: bool = True,
    chunk: int = 1,
    imported: bool = False,
) -> None:
    """The slow work on reports already committed: the automatic check (``chunk`` responses to a
    transaction), then coding what is approved. Never raises: the reports already stand, and what
    failed waits for a person or a later sweep."""
    try:
        intake.check_after_commit(session, response_ids, seeded=seeded, chunk=chunk, imported=imported)
    except Exception as exc:  # the report already stands; its answers stay held for a moderator
        session.rollback()
        log.error("The check after sending failed (%s); the answers stay held.", type(exc).__name__)
    if code:
        code_answers(session, response_ids)


# --- approving answers --------------------------------------------------------------------------


def approve(session: Session, item: ModerationItem, user_id: int | None) -> None:
    """A moderator approves one answer (``ModerationError`` if it can no longer be), then it is
    coded."""
    queue.approve(session, item, user_id)
    code_answers(session, [item.response_id])


def approve_answers(
    session: Session, forum_id: int, answer_ids: Sequence[int], user_id: int | None, clean_only: bool = False
) -> list[int]:
    """A moderator approves these answers (see ``moderation.queue.approve_answers``), then they are
    coded. Returns the ids approved."""
    approved = queue.approve_answers(session, forum_id, answer_ids, user_id, clean_only=clean_only)
    if approved:
        code_answers(session, queue.responses_of(session, approved))
    return approved


def mark_not_spam(session: Session, forum_id: int, response_id: str) -> bool:
    """A lead's "Not spam": the response is submitted, and its approved answers coded. False if this
    forum has no such spam response."""
    if not staff.mark_not_spam(session, forum_id, response_id):
        return False
    code_answers(session, [response_id])
    return True


def code_answers(session: Session, response_ids: Sequence[str]) -> int:
    """Code these responses' approved answers that have no coding yet. Returns how many. Never raises:
    a failure leaves them uncoded (``flask themes code-new``) and never undoes what was committed."""
    try:
        return automatic.code_new_answers(session, response_ids=response_ids)
    except Exception as exc:  # the approval (or submission) is already committed
        session.rollback()
        log.error("Automatic coding failed (%s); the answers stay in the queue uncoded.", type(exc).__name__)
        return 0


# --- withdrawing a report ----------------------------------------------------------------------


def withdraw(session: Session, code: str, live: LiveSurvey, run: RetrainRun | None = None) -> None:
    """A parent takes their sent answers back with their receipt code (``ReceiptNotFound``,
    ``AlreadyWithdrawn``): the forum's coder forgets them at once, then they are deleted."""
    response = withdrawal.find_sent(session, code, live)
    forum_id = response.forum_id
    answer_ids = list(session.scalars(select(Answer.id).where(Answer.response_id == response.id)))
    forgotten = learning.forget_answers(session, forum_id, answer_ids)
    withdrawal.withdraw(session, code, live)
    try:
        learning.retrain_after_withdrawal(session, forum_id, forgotten, run or RetrainRun(background=False))
    except Exception as exc:  # the withdrawal and the models' deletion are committed
        session.rollback()
        log.error("Retraining after a withdrawal could not start (%s).", type(exc).__name__)


def retrain_run(config: Mapping[str, Any], sessions: Callable[[], sessionmaker[Session]]) -> RetrainRun:
    """How this app runs retraining jobs (for views that cannot reach ``coding``)."""
    return learning.retrain_run(config, sessions)


# --- reading a report ---------------------------------------------------------------------------


def response_for_staff(
    session: Session,
    forum_id: int,
    response_id: str,
    statuses: tuple[str, ...],
    moderator: bool,
) -> ResponseDetail | None:
    """One response of this forum as a member of staff sees it: unless a ``moderator``, free text
    only once moderation has approved it."""
    return staff.response_detail(
        session, forum_id, response_id, statuses, moderator=moderator, approved=intake.approved_among
    )
