"""Every free-text answer is held for moderation as it is submitted, then checked automatically.

The submission commits first: ``hold`` runs inside the submitting transaction (``journeys.send_report``
calls it before the commit) and only moves each free-text answer's original into its
``ModerationItem`` (pending, ``checked`` False, flagged "could not be checked automatically"),
leaving a placeholder in ``Answer.value``, so no original is ever committed where coders, viewers or
packs read. Right after the commit, ``check_after_commit`` (``check_responses``) runs the slow part,
redaction, safeguarding flags and duplicates, for each response in its own short transaction (responses
that arrived together in bulk a chunk at a time, their texts flagged together), and then alerts the
forum's safeguarding contacts about flagged answers (``alerts``). If a check fails or is interrupted,
its answers stay "not yet checked", first in the queue for a person; ``check_unchecked`` (``flask
moderation check``, and whenever a moderator opens the queue) tries them again, up to
``MAX_CHECK_ATTEMPTS`` times in all.

The check also finds the language each answer is written in (``language``). The redactor, the flags
and the coder read English only, so an answer in another language is flagged "not read by the automatic
check" (first in the queue, and in the concerns until someone records what was done), is never approved
without a person, and is left for people to code. It alerts nobody by itself: an alert is sent when the
flags find a concern, as for any answer.

Demo data (``seeded``) counts as already moderated, except flagged answers, answers in other languages
and the last fortnight's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from forum_app.accounts.models import Forum
from forum_app.db import today
from forum_app.mail import mail_settings
from forum_app.moderation.alerts import Alerts, Flagged, send_alert
from forum_app.moderation.duplicates import mark_duplicate
from forum_app.moderation.language import DetectedLanguage, detect_language, unread_reason
from forum_app.moderation.models import APPROVED, PENDING, ModerationItem
from forum_app.moderation.redact import Redaction, redact
from forum_app.moderation.safeguarding import Flag, flag_many
from forum_app.moderation.settings import ModerationSettings, moderation_settings
from forum_app.surveys.definitions import keys_of_kind
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion

log = logging.getLogger(__name__)

UNCHECKED_TEXT = "[text held for moderation]"
UNCHECKED_REASON = "could not be checked automatically"
SEEDED_PENDING_DAYS = 14  # demo answers from the last fortnight wait in the queue
MAX_CHECK_ATTEMPTS = 3  # an answer whose check failed this often is left to a person
SWEEP_RESPONSES = 50  # responses checked again each time the queue is opened
SEEDED_CHUNK = 200  # demo responses checked per transaction


class CheckedMeanwhile(Exception):
    """Another check of the same answers committed first."""


@dataclass
class CheckReport:
    checked: int = 0  # responses checked
    failed: int = 0  # responses whose check failed: their answers stay held for a person
    flagged: int = 0  # answers flagged by the check
    alerts: int = 0  # alert emails sent
    flagged_answers: list[int] = field(default_factory=list)


Keys = tuple[frozenset[str], frozenset[str]]  # a version's free-text and consent questions


def _text_keys(version: SurveyVersion, cache: dict[int, Keys]) -> Keys:
    if version.id not in cache:
        cache[version.id] = (
            keys_of_kind(version.definition, "text"),
            keys_of_kind(version.definition, "consent"),
        )
    return cache[version.id]


def hold(session: Session, response_ids: Sequence[str], seeded: bool = False) -> int:
    """Hold the free-text answers of these responses for moderation, unchecked. Returns how many.

    Quick (no text is examined) and does not commit: it is part of the submitting transaction.
    """
    responses = session.scalars(select(Response).where(Response.id.in_(response_ids))).all()
    if not responses:
        return 0
    by_response: dict[str, list[Answer]] = defaultdict(list)
    for answer in session.scalars(select(Answer).where(Answer.response_id.in_(response_ids))):
        by_response[answer.response_id].append(answer)
    keys: dict[int, Keys] = {}
    held = 0
    for response in responses:
        version = response.survey_version
        text_keys, consent_keys = _text_keys(version, keys)
        answers = by_response.get(response.id, [])
        consent = any(answer.value is True for answer in answers if answer.question_key in consent_keys)
        for answer in answers:
            if answer.question_key not in text_keys or not isinstance(answer.value, str) or not answer.value:
                continue
            session.add(
                ModerationItem(
                    answer_id=answer.id,
                    response_id=response.id,
                    forum_id=response.forum_id,
                    survey_id=version.survey_id,
                    status=PENDING,
                    original=answer.value,
                    redactions=[],
                    flagged=True,
                    flag_reasons=[UNCHECKED_REASON],
                    quote_consent=consent,
                    received_on=response.submitted_on or today(),
                    checked=False,
                    check_attempts=1,  # the check that follows the commit
                )
            )
            answer.value = UNCHECKED_TEXT
            held += 1
    session.flush()
    return held


def _spans(found: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"kind": one.kind, "start": one.start, "end": one.end, "source": "auto", "restored": False}
        for one in found
    ]


def _check(session: Session, response_ids: Sequence[str], seeded: bool) -> list[ModerationItem]:
    """Redact, flag, find the language of and mark duplicates for the unchecked answers of these
    responses. Returns the items the flags found a concern in. Does not commit; raises if the check
    fails."""
    items = session.scalars(
        select(ModerationItem)
        .where(ModerationItem.response_id.in_(response_ids), ModerationItem.checked.is_(False))
        .options(selectinload(ModerationItem.answer))
        .order_by(ModerationItem.answer_id)
    ).all()
    if not items:
        return []
    settings: dict[int, ModerationSettings] = {}
    for forum in session.scalars(select(Forum).where(Forum.id.in_({item.forum_id for item in items}))):
        settings[forum.id] = moderation_settings(forum)
    # First the slow part, reading only, so no write lock is held while it runs.
    # An item whose original was deleted before it could be checked has no result.
    texts = [item.original for item in items if item.original is not None]
    flags = iter(flag_many(texts))
    results: list[tuple[Redaction, Flag, DetectedLanguage] | None] = []
    for item in items:
        if item.original is None:
            results.append(None)
            continue
        found = settings[item.forum_id]
        redaction = redact(item.original, found.deny_list, found.deny_names)
        results.append((redaction, next(flags), detect_language(item.original)))
    # Claimed for this check: if another check (a sweep) got there first, this one stands down.
    claimed = session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.answer_id.in_([item.answer_id for item in items]),
            ModerationItem.checked.is_(False),
        )
        .values(checked=True)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != len(items):  # type: ignore[attr-defined]
        raise CheckedMeanwhile()
    recent = today() - timedelta(days=SEEDED_PENDING_DAYS)
    flagged = []
    for item, result in zip(items, results, strict=True):
        item.checked = True
        if result is None:
            item.answer.value = UNCHECKED_TEXT
            continue
        redaction, concern, language = result
        reasons = list(concern.reasons)
        item.language = language.code
        if language.needs_reader:  # the flags could not read it: a person must
            reasons.append(unread_reason(language.code))
        approved = seeded and not reasons and item.received_on <= recent
        item.redactions = _spans(redaction.found)
        item.flagged = bool(reasons)
        item.flag_reasons = reasons
        item.answer.value = redaction.text
        if approved:
            item.status = APPROVED
            item.original = None
            item.decided_on = item.received_on
        if concern.reasons:  # a concern the flags found: the forum is alerted
            flagged.append(item)
    if not seeded:  # demo data is templated and counts as moderated
        keys: dict[int, Keys] = {}
        responses = session.scalars(select(Response).where(Response.id.in_(response_ids))).all()
        for response in responses:
            answers = session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
            text_keys, _ = _text_keys(response.survey_version, keys)
            mark_duplicate(session, response.survey_version.survey_id, response.id, answers, text_keys)
    session.flush()
    return flagged


def _alert(session: Session, items: Sequence[ModerationItem], alerts: Alerts) -> int:
    """Alert each forum about its flagged answers of submitted responses. Returns emails sent."""
    submitted = set(
        session.scalars(  # spam is not in the queue
            select(Response.id).where(
                Response.id.in_({item.response_id for item in items}), Response.status == SUBMITTED
            )
        )
    )
    by_forum: dict[int, list[Flagged]] = defaultdict(list)
    for item in items:
        if item.response_id in submitted:
            by_forum[item.forum_id].append(Flagged(item.answer.public_id, tuple(item.flag_reasons)))
    sent = 0
    for forum_id, flagged in by_forum.items():
        forum = session.get(Forum, forum_id)
        try:
            sent += forum is not None and send_alert(forum, flagged, alerts)
        except Exception as exc:  # an alert must never undo or hold up the report
            log.error("A safeguarding alert could not be sent (%s).", type(exc).__name__)
    return sent


def check_responses(
    session: Session,
    response_ids: Sequence[str],
    seeded: bool = False,
    alerts: Alerts | None = None,
    chunk: int = 1,
) -> CheckReport:
    """Check these responses' unchecked answers, ``chunk`` responses to a transaction (a parent's
    report stands or fails alone; responses that arrived together in bulk may share one, demo data
    ``SEEDED_CHUNK`` at a time), and alert about each chunk's flagged ones with ``alerts``, in one email
    a forum. Never raises for a failed check: the chunk's answers stay unchecked, held for a person."""
    report = CheckReport()
    chunk = SEEDED_CHUNK if seeded else chunk
    ids = list(dict.fromkeys(response_ids))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        try:
            flagged = _check(session, part, seeded)
            session.commit()
        except CheckedMeanwhile:
            session.rollback()
            continue
        except Exception as exc:  # the report already stands; a person or the sweep checks it instead
            session.rollback()
            log.error(
                "The automatic check failed (%s); the answers of %d responses stay held for a moderator.",
                type(exc).__name__,
                len(part),
            )
            report.failed += len(part)
            continue
        report.checked += len(part)
        report.flagged += len(flagged)
        report.flagged_answers += [item.answer_id for item in flagged]
        if flagged and alerts is not None:
            report.alerts += _alert(session, flagged, alerts)
    return report


def check_unchecked(
    session: Session,
    forum_id: int | None = None,
    alerts: Alerts | None = None,
    limit: int | None = SWEEP_RESPONSES,
) -> CheckReport:
    """Check again the answers still unchecked (of one forum, or all), oldest first: up to ``limit``
    responses, each answer at most ``MAX_CHECK_ATTEMPTS`` times in all. Commits."""
    query = (
        select(ModerationItem.response_id)
        .where(ModerationItem.checked.is_(False), ModerationItem.check_attempts < MAX_CHECK_ATTEMPTS)
        .group_by(ModerationItem.response_id)
        .order_by(ModerationItem.response_id)
    )
    if forum_id is not None:
        query = query.where(ModerationItem.forum_id == forum_id)
    if limit is not None:
        query = query.limit(limit)
    response_ids = list(session.scalars(query))
    if not response_ids:
        return CheckReport()
    # Counted before the check starts, so a check that never ends still counts as tried.
    session.execute(
        update(ModerationItem)
        .where(ModerationItem.response_id.in_(response_ids), ModerationItem.checked.is_(False))
        .values(check_attempts=ModerationItem.check_attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return check_responses(session, response_ids, alerts=alerts)


def take_in(session: Session, response_ids: Sequence[str], seeded: bool = False) -> int:
    """Hold and check these responses' free-text answers in the caller's transaction, without
    alerts (for data loaded in bulk). Returns how many were taken in. Does not commit."""
    held = hold(session, response_ids, seeded=seeded)
    _check(session, response_ids, seeded)
    return held


def approved_among(session: Session, answer_ids: Sequence[int]) -> set[int]:
    """Which of these answers a moderator has approved."""
    if not answer_ids:
        return set()
    return set(
        session.scalars(
            select(ModerationItem.answer_id).where(
                ModerationItem.answer_id.in_(answer_ids), ModerationItem.status == APPROVED
            )
        )
    )


def app_alerts(imported: bool = False) -> Alerts:
    """The app's alert settings (mail from its config, links to the queue's answer pages), for answers
    just sent or, with ``imported``, imported from past responses."""
    config = current_app.config
    urls = current_app.url_map.bind("localhost")
    return Alerts(
        mail=mail_settings(config),
        base_url=str(config.get("PUBLIC_BASE_URL") or ""),
        path_of=lambda public_id: urls.build("moderation.item", {"answer_id": public_id}),
        imported=imported,
    )


def check_after_commit(
    session: Session,
    response_ids: Sequence[str],
    seeded: bool = False,
    chunk: int = 1,
    imported: bool = False,
) -> CheckReport:
    """The slow check of responses just committed (``chunk`` as for ``check_responses``), alerting the
    forum's safeguarding contacts (not for demo data; an ``imported`` answer's alert says it is old).
    Never raises for a failed check or missing alert settings: the report stands."""
    try:
        alerts = None if seeded else app_alerts(imported)
    except Exception as exc:  # no alert is better than a lost check
        log.error("Safeguarding alerts are off (%s).", type(exc).__name__)
        alerts = None
    return check_responses(session, response_ids, seeded=seeded, alerts=alerts, chunk=chunk)
