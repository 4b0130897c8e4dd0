"""One parent's report followed through the journey's plain calls, on a real database: sent (saved,
held for moderation, committed), checked after the commit, approved by a moderator, coded. And the
guarantees between the steps: no original committed in the answer, a failing step after the commit
never loses the report, a failing coder never undoes an approval."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.coding import automatic
from forum_app.coding.models import AUTO, SUGGESTED, CodedAnswer, Coding
from forum_app.extensions import db
from forum_app.moderation import intake
from forum_app.moderation.models import APPROVED, PENDING, ModerationItem
from forum_app.surveys.demo_answers import generate_answers
from forum_app.surveys.models import SUBMITTED, Answer, Response
from forum_app.surveys.services import live_survey, save_answer, start_response
from forum_app.surveys.staff import WAITING
from tests.factories import make_forum, make_survey

NAMED = "Mrs Patel at Oakfield Primary rang me on 07700 900123 about Sam."
REDACTED = "[name] at [school] rang me on [phone] about [name]."
CAMHS = "We waited over a year for CAMHS and nobody told us anything."
CHANGE = "One named person who answers emails."
FREE_TEXT = {"worked_well": NAMED, "not_worked": CAMHS, "one_change": CHANGE}


@pytest.fixture()
def forum_id(app: Flask, db_session: Session) -> Iterator[int]:
    """The demo forum with the default survey, inside an app context as a request has."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    with app.app_context():
        yield forum.id


def _filled_in(session: Session) -> tuple[str, str]:
    """A parent's report, every question answered, not yet sent: its id and idempotency key."""
    live = live_survey(session, "demo", "send-experience")
    response = start_response(session, live).response
    answers: dict[str, Any] = generate_answers(live.definition, random.Random(7))
    answers |= FREE_TEXT | {"quote_consent": True}
    for key, value in answers.items():
        save_answer(session, response.id, key, value)
    return response.id, response.idempotency_key


def _items(session: Session, response_id: str) -> dict[str, ModerationItem]:
    session.expire_all()
    rows = session.execute(
        select(Answer.question_key, ModerationItem)
        .join(ModerationItem, ModerationItem.answer_id == Answer.id)
        .where(Answer.response_id == response_id)
    ).all()
    return {key: item for key, item in rows}


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _committed(app: Flask, response_id: str) -> dict[str, Any]:
    """What another connection reads of this report: its status, answers and held originals."""
    with db.engine(app).connect() as connection:
        return {
            "status": connection.scalar(select(Response.status).where(Response.id == response_id)),
            "values": dict(
                connection.execute(
                    select(Answer.question_key, Answer.value).where(Answer.response_id == response_id)
                ).all()
            ),
            "held": sorted(
                connection.execute(
                    select(ModerationItem.original, ModerationItem.checked).where(
                        ModerationItem.response_id == response_id
                    )
                ).all()
            ),
        }


def test_one_report_from_sending_to_coding(app: Flask, db_session: Session, forum_id: int) -> None:
    response_id, key = _filled_in(db_session)
    assert _items(db_session, response_id) == {}  # a draft is nobody's to moderate

    # Send: saved, held and committed before the slow check starts. What another connection reads
    # after each commit of the journey:
    commits: list[dict[str, Any]] = []
    listener = lambda _session: commits.append(_committed(app, response_id))  # noqa: E731
    event.listen(db_session, "after_commit", listener)
    assert journeys.send_report(db_session, response_id, key) is True
    event.remove(db_session, "after_commit", listener)
    sent = commits[0]
    assert sent["status"] == SUBMITTED
    assert {k: sent["values"][k] for k in FREE_TEXT} == dict.fromkeys(FREE_TEXT, intake.UNCHECKED_TEXT)
    assert sent["held"] == sorted((text, False) for text in FREE_TEXT.values())
    assert not any(NAMED in commit["values"].values() for commit in commits)  # never committed there

    # Checked after the commit: redacted in the answer, the original kept for the moderator.
    items = _items(db_session, response_id)
    assert set(items) == set(FREE_TEXT)
    assert all(item.checked and item.status == PENDING for item in items.values())
    assert items["worked_well"].answer.value == REDACTED and items["worked_well"].original == NAMED
    assert items["not_worked"].answer.value == CAMHS and items["worked_well"].quote_consent
    assert _count(db_session, CodedAnswer) == 0  # nothing is coded before a moderator approves it
    assert journeys.send_report(db_session, response_id, key) is False  # sent once, however often
    assert _count(db_session, ModerationItem) == 3

    # Staff who do not moderate see the free text only once it is approved.
    waiting = journeys.response_for_staff(db_session, forum_id, response_id, (SUBMITTED,), moderator=False)
    assert waiting is not None and sum(row.answer == WAITING for row in waiting.answers) == 3
    moderated = journeys.response_for_staff(db_session, forum_id, response_id, (SUBMITTED,), moderator=True)
    assert moderated is not None and REDACTED in {row.answer for row in moderated.answers}

    # Approved: the original deleted, the answers coded from the redacted text.
    answer_ids = sorted(item.answer_id for item in items.values())
    assert journeys.approve_answers(db_session, forum_id, answer_ids, None) == answer_ids
    items = _items(db_session, response_id)
    assert all(item.status == APPROVED and item.original is None for item in items.values())
    coded = {
        key: db_session.get(CodedAnswer, item.answer_id) for key, item in items.items()
    }  # one coded answer each
    assert all(found is not None for found in coded.values())
    not_worked = coded["not_worked"]
    assert not_worked is not None and not_worked.sentiment == "negative"
    themes = {suggestion["theme"] for suggestion in not_worked.suggestions}
    assert {"waiting_times", "mental_health"} <= themes
    codings = db_session.scalars(select(Coding).where(Coding.answer_id == not_worked.answer_id)).all()
    assert {coding.theme_id for coding in codings} == themes
    assert {(coding.source, coding.status) for coding in codings} == {(AUTO, SUGGESTED)}
    shown = journeys.response_for_staff(db_session, forum_id, response_id, (SUBMITTED,), moderator=False)
    assert shown is not None and {REDACTED, CAMHS, CHANGE} <= {row.answer for row in shown.answers}
    assert journeys.approve_answers(db_session, forum_id, answer_ids, None) == []  # decided once
    assert _count(db_session, CodedAnswer) == 3  # and coded once


def test_a_failure_after_the_commit_never_loses_the_report(
    db_session: Session, forum_id: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    response_id, key = _filled_in(db_session)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(NAMED)  # an error message may hold the parent's words

    monkeypatch.setattr(intake, "check_after_commit", broken)
    monkeypatch.setattr(automatic, "code_new_answers", broken)
    with caplog.at_level(logging.ERROR):
        assert journeys.send_report(db_session, response_id, key) is True
    assert "RuntimeError" in caplog.text and "Patel" not in caplog.text
    monkeypatch.undo()
    db_session.expire_all()
    assert db_session.get(Response, response_id).status == SUBMITTED  # type: ignore[union-attr]
    items = _items(db_session, response_id)
    assert items["worked_well"].original == NAMED and not items["worked_well"].checked  # held, unchecked
    assert items["worked_well"].answer.value == intake.UNCHECKED_TEXT
    # The sweep checks it later.
    assert intake.check_unchecked(db_session).checked == 1
    assert _items(db_session, response_id)["worked_well"].answer.value == REDACTED


def test_a_failing_coder_never_undoes_the_approval(
    db_session: Session, forum_id: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    response_id, key = _filled_in(db_session)
    assert journeys.send_report(db_session, response_id, key)
    answer_ids = sorted(item.answer_id for item in _items(db_session, response_id).values())

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the coder broke")

    monkeypatch.setattr(automatic, "_store", broken)
    with caplog.at_level(logging.ERROR):
        assert journeys.approve_answers(db_session, forum_id, answer_ids, None) == answer_ids
    assert "Automatic coding failed (RuntimeError)" in caplog.text
    assert all(item.status == APPROVED for item in _items(db_session, response_id).values())
    assert _count(db_session, CodedAnswer) == 0
    monkeypatch.undo()
    assert journeys.code_answers(db_session, [response_id]) == 3  # coded later, once


def test_a_report_sent_as_spam_is_checked_but_coded_only_once_a_lead_says_it_is_not(
    db_session: Session, forum_id: int
) -> None:
    response_id, key = _filled_in(db_session)
    assert journeys.send_report(db_session, response_id, key, spam=True)
    items = _items(db_session, response_id)
    assert items["worked_well"].checked and items["worked_well"].answer.value == REDACTED
    answer_ids = [item.answer_id for item in items.values()]
    assert journeys.approve_answers(db_session, forum_id, answer_ids, None) == []  # not in the queue
    assert journeys.mark_not_spam(db_session, forum_id, response_id)
    assert not journeys.mark_not_spam(db_session, forum_id, response_id)
    assert len(journeys.approve_answers(db_session, forum_id, answer_ids, None)) == 3
    assert _count(db_session, CodedAnswer) == 3
