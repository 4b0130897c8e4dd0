"""Every free-text answer is redacted and checked for safeguarding concerns as it is submitted.

``take_in`` runs inside the submission's transaction (``surveys.signals.responses_received``): it
stores the original in a ``ModerationItem``, writes the redacted text into ``Answer.value`` and
flags worrying answers, so no original is ever committed where coders, viewers or packs read.
Demo data (``seeded``) counts as already moderated, except flagged answers and the last fortnight's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import today
from forum_app.moderation.duplicates import mark_duplicate
from forum_app.moderation.models import APPROVED, PENDING, ModerationItem
from forum_app.moderation.redact import redact
from forum_app.moderation.safeguarding import flag
from forum_app.moderation.settings import moderation_settings
from forum_app.surveys.definitions import keys_of_kind
from forum_app.surveys.models import Answer, Response
from forum_app.surveys.signals import responses_received

log = logging.getLogger(__name__)

UNCHECKED_TEXT = "[text held for moderation]"
UNCHECKED_REASON = "could not be checked automatically"
SEEDED_PENDING_DAYS = 14  # demo answers from the last fortnight wait in the queue


def _check(text: str, settings: Any) -> tuple[str, list[dict[str, Any]], list[str]]:
    try:
        redaction = redact(text, settings.deny_list, settings.deny_names)
        concern = flag(text)
    except Exception as exc:  # keep the submission; a person checks it instead
        log.error("Redaction failed (%s); the answer is held for a moderator.", type(exc).__name__)
        return UNCHECKED_TEXT, [], [UNCHECKED_REASON]
    spans = [
        {"kind": found.kind, "start": found.start, "end": found.end, "source": "auto", "restored": False}
        for found in redaction.found
    ]
    return redaction.text, spans, list(concern.reasons)


def take_in(session: Session, response_ids: Sequence[str], seeded: bool = False) -> int:
    """Redact, flag and queue the free-text answers of these responses. Returns how many were queued.

    Does not commit: it is part of the caller's transaction.
    """
    responses = session.scalars(select(Response).where(Response.id.in_(response_ids))).all()
    if not responses:
        return 0
    by_response: dict[str, list[Answer]] = defaultdict(list)
    for answer in session.scalars(select(Answer).where(Answer.response_id.in_(response_ids))):
        by_response[answer.response_id].append(answer)
    forums = {
        forum.id: moderation_settings(forum)
        for forum in session.scalars(
            select(Forum).where(Forum.id.in_({response.forum_id for response in responses}))
        )
    }
    recent = today() - timedelta(days=SEEDED_PENDING_DAYS)
    keys: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
    queued = 0
    for response in responses:
        version = response.survey_version
        if version.id not in keys:
            keys[version.id] = (
                keys_of_kind(version.definition, "text"),
                keys_of_kind(version.definition, "consent"),
            )
        text_keys, consent_keys = keys[version.id]
        answers = by_response.get(response.id, [])
        consent = any(answer.value is True for answer in answers if answer.question_key in consent_keys)
        received = response.submitted_on or today()
        for answer in answers:
            if answer.question_key not in text_keys or not isinstance(answer.value, str) or not answer.value:
                continue
            original = answer.value
            redacted, spans, reasons = _check(original, forums[response.forum_id])
            approved = seeded and not reasons and received <= recent
            session.add(
                ModerationItem(
                    answer_id=answer.id,
                    response_id=response.id,
                    forum_id=response.forum_id,
                    survey_id=version.survey_id,
                    status=APPROVED if approved else PENDING,
                    original=None if approved else original,
                    redactions=spans,
                    flagged=bool(reasons),
                    flag_reasons=reasons,
                    quote_consent=consent,
                    received_on=received,
                    decided_on=received if approved else None,
                )
            )
            answer.value = redacted
            queued += 1
        if not seeded:  # demo data is templated and counts as moderated
            mark_duplicate(session, version.survey_id, response.id, answers, text_keys)
    session.flush()
    return queued


def _on_received(session: Session, response_ids: Sequence[str], seeded: bool = False, **_: Any) -> None:
    take_in(session, response_ids, seeded=seeded)


def connect_signals() -> None:
    responses_received.connect(_on_received)
