"""Retention: ``flask retention purge`` deletes old drafts and responses, with their answers and codings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.accounts.models import Forum
from forum_app.coding.models import CodedAnswer, Coding
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import IN_PROGRESS, SPAM, SUBMITTED, WITHDRAWN, Answer, Response, SurveyVersion
from forum_app.surveys.retention import add_months, first_kept_day, purge
from tests.factories import answer_all, approve_all, make_forum, make_survey, submit

TODAY = date(2025, 6, 15)
RESUME_DAYS = 30
SECRET = "We waited over a year for CAMHS and nobody told us anything."


def _count(session: Session, model: type, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _forum(session: Session, slug: str, months: int | None = None) -> tuple[Forum, SurveyVersion]:
    forum = make_forum(session, slug=slug, name=f"{slug.title()} Forum")
    if months is not None:
        forum.settings = {"retention_months": months}
        session.commit()
    return forum, make_survey(session, forum)


def _response(
    session: Session,
    version: SurveyVersion,
    status: str,
    started_on: date,
    submitted_on: date | None = None,
    resume_expires_on: date | None = None,
) -> str:
    """One response with explicit dates; drafts and sent ones get a free-text answer."""
    response_id = new_token()
    session.add(
        Response(
            id=response_id,
            forum_id=version.survey.forum_id,
            survey_version_id=version.id,
            status=status,
            started_on=started_on,
            submitted_on=submitted_on,
            idempotency_key=new_token(),
            resume_hash=new_token() if resume_expires_on else None,
            resume_expires_on=resume_expires_on,
        )
    )
    if status != WITHDRAWN:
        session.add(Answer(response_id=response_id, question_key="not_worked", value=SECRET))
        session.add(Answer(response_id=response_id, question_key="age_band", value="11-15"))
    if status in (SUBMITTED, SPAM):  # taken in by moderation as a real submission is
        session.flush()
        journeys.store_added(session, [response_id])
    session.commit()
    if status == SUBMITTED:  # approved, and so coded
        approve_all(session, [response_id])
    return response_id


def _exists(session: Session, response_id: str) -> bool:
    session.expire_all()
    return session.get(Response, response_id) is not None


def test_month_arithmetic() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    # Sent on 2025-01-31 with 1 month: kept on 2025-02-28, deleted from 2025-03-01.
    assert first_kept_day(date(2025, 2, 28), 1) <= date(2025, 1, 31)
    assert first_kept_day(date(2025, 3, 1), 1) == date(2025, 2, 1)
    assert first_kept_day(date(2025, 3, 30), 1) == date(2025, 3, 1)  # 2025-02-28 + 1 month < 03-30
    start = date(2023, 1, 1)
    for offset in range(0, 800, 3):
        today = start + timedelta(days=offset)
        for months in (1, 2, 6, 24, 120):
            kept = first_kept_day(today, months)
            assert add_months(kept, months) >= today > add_months(kept - timedelta(days=1), months)


def test_drafts_are_deleted_after_the_resume_period(db_session: Session) -> None:
    _, version = _forum(db_session, "demo")
    expired = _response(
        db_session, version, IN_PROGRESS, TODAY - timedelta(days=40), None, TODAY - timedelta(1)
    )
    last_day = _response(db_session, version, IN_PROGRESS, TODAY - timedelta(days=40), None, TODAY)
    fresh = _response(
        db_session, version, IN_PROGRESS, TODAY - timedelta(days=2), None, TODAY + timedelta(28)
    )
    no_code_old = _response(db_session, version, IN_PROGRESS, TODAY - timedelta(days=RESUME_DAYS + 1))
    no_code_edge = _response(db_session, version, IN_PROGRESS, TODAY - timedelta(days=RESUME_DAYS))

    report = purge(db_session, TODAY, RESUME_DAYS)

    assert (report.total("drafts"), report.total("answers")) == (2, 4)
    assert not _exists(db_session, expired) and not _exists(db_session, no_code_old)
    assert _exists(db_session, last_day) and _exists(db_session, fresh) and _exists(db_session, no_code_edge)
    gone = [expired, no_code_old]
    assert _count(db_session, Answer, Answer.response_id.in_(gone)) == 0


def test_sent_responses_past_retention_go_with_their_answers_and_codings(db_session: Session) -> None:
    _, version = _forum(db_session, "demo", months=6)
    kept_from = date(2024, 12, 15)  # six months before TODAY
    old = _response(db_session, version, SUBMITTED, kept_from - timedelta(3), kept_from - timedelta(1))
    inside = _response(db_session, version, SUBMITTED, kept_from - timedelta(3), kept_from)
    old_answers = list(db_session.scalars(select(Answer.id).where(Answer.response_id == old)))
    assert _count(db_session, CodedAnswer, CodedAnswer.answer_id.in_(old_answers)) == 1  # auto-coded
    assert _count(db_session, Coding, Coding.answer_id.in_(old_answers)) > 0

    report = purge(db_session, TODAY, RESUME_DAYS)

    assert (report.total("submitted"), report.total("answers")) == (1, 2)
    assert not _exists(db_session, old) and _exists(db_session, inside)
    assert _count(db_session, Answer, Answer.id.in_(old_answers)) == 0
    assert _count(db_session, CodedAnswer, CodedAnswer.answer_id.in_(old_answers)) == 0
    assert _count(db_session, Coding, Coding.answer_id.in_(old_answers)) == 0
    assert _count(db_session, CodedAnswer) == 1  # the kept response's coding stays
    # Idempotent: the same day again deletes nothing.
    again = purge(db_session, TODAY, RESUME_DAYS)
    assert again.total("responses") == 0 and again.total("answers") == 0
    assert _exists(db_session, inside)


def test_spam_is_kept_no_longer_than_a_sent_response(db_session: Session) -> None:
    _, version = _forum(db_session, "demo", months=6)
    kept_from = date(2024, 12, 15)  # six months before TODAY
    old = _response(db_session, version, SPAM, kept_from - timedelta(3), kept_from - timedelta(1))
    inside = _response(db_session, version, SPAM, kept_from - timedelta(3), kept_from)
    report = purge(db_session, TODAY, RESUME_DAYS)
    assert report.total("submitted") == 1
    assert not _exists(db_session, old) and _exists(db_session, inside)


def test_each_forum_keeps_its_own_retention_period(db_session: Session) -> None:
    _, short = _forum(db_session, "short", months=3)
    _, long = _forum(db_session, "long", months=12)
    _, default = _forum(db_session, "default")  # 24 months
    sent = TODAY - timedelta(days=200)  # about 6.5 months ago
    in_short = _response(db_session, short, SUBMITTED, sent, sent)
    in_long = _response(db_session, long, SUBMITTED, sent, sent)
    very_old = TODAY - timedelta(days=800)
    in_default = _response(db_session, default, SUBMITTED, very_old, very_old)
    withdrawn_short = _response(db_session, short, WITHDRAWN, sent)
    withdrawn_long = _response(db_session, long, WITHDRAWN, sent)

    report = purge(db_session, TODAY, RESUME_DAYS)

    by_slug = {forum.slug: forum for forum in report.forums}
    assert (by_slug["short"].submitted, by_slug["short"].withdrawn) == (1, 1)
    assert (by_slug["long"].submitted, by_slug["long"].withdrawn) == (0, 0)
    assert by_slug["default"].submitted == 1 and by_slug["default"].retention_months == 24
    assert not _exists(db_session, in_short) and not _exists(db_session, withdrawn_short)
    assert _exists(db_session, in_long) and _exists(db_session, withdrawn_long)
    assert not _exists(db_session, in_default)


def test_a_dry_run_writes_nothing(db_session: Session) -> None:
    _, version = _forum(db_session, "demo", months=1)
    old = _response(db_session, version, SUBMITTED, date(2024, 1, 1), date(2024, 1, 1))
    draft = _response(db_session, version, IN_PROGRESS, date(2024, 1, 1))
    before = (_count(db_session, Response), _count(db_session, Answer), _count(db_session, Coding))

    report = purge(db_session, TODAY, RESUME_DAYS, dry_run=True)

    assert report.dry_run and (report.total("submitted"), report.total("drafts")) == (1, 1)
    assert report.total("answers") == 4
    assert (_count(db_session, Response), _count(db_session, Answer), _count(db_session, Coding)) == before
    assert _exists(db_session, old) and _exists(db_session, draft)


def test_many_responses_are_deleted_in_batches(db_session: Session) -> None:
    _, version = _forum(db_session, "demo", months=1)
    rows = [
        {
            "id": new_token(),
            "forum_id": version.survey.forum_id,
            "survey_version_id": version.id,
            "status": SUBMITTED,
            "started_on": date(2024, 1, 1),
            "submitted_on": date(2024, 1, 1),
            "idempotency_key": new_token(),
        }
        for _ in range(1_203)
    ]
    db_session.execute(insert(Response), rows)
    db_session.execute(
        insert(Answer),
        [{"response_id": row["id"], "question_key": "age_band", "value": "11-15"} for row in rows],
    )
    db_session.commit()
    report = purge(db_session, TODAY, RESUME_DAYS)
    assert (report.total("submitted"), report.total("answers")) == (1_203, 1_203)
    assert _count(db_session, Response) == 0 and _count(db_session, Answer) == 0


def test_a_real_submission_is_purged_with_its_codings(client: FlaskClient, db_session: Session) -> None:
    forum, _ = _forum(db_session, "demo")
    answer_all(client)
    sent = submit(client)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    approve_all(db_session)
    assert _count(db_session, CodedAnswer) == 3 and _count(db_session, Coding) > 0
    sent_on = db_session.scalar(select(Response.submitted_on))
    assert sent_on is not None
    kept_until = add_months(sent_on, 24)
    assert purge(db_session, kept_until, RESUME_DAYS).total("responses") == 0
    report = purge(db_session, kept_until + timedelta(days=1), RESUME_DAYS)
    assert report.total("submitted") == 1
    assert _count(db_session, Response) == 0 and _count(db_session, Answer) == 0
    assert _count(db_session, CodedAnswer) == 0 and _count(db_session, Coding) == 0
    assert forum.slug == "demo"


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_command_prints_counts_and_no_text(
    app: Flask, runner: FlaskCliRunner, db_session: Session, dry_run: bool
) -> None:
    _, demo = _forum(db_session, "demo", months=1)
    _, other = _forum(db_session, "other", months=60)
    _response(db_session, demo, SUBMITTED, date(2025, 1, 31), date(2025, 1, 31))
    _response(db_session, demo, IN_PROGRESS, date(2025, 1, 1))
    _response(db_session, other, SUBMITTED, date(2025, 1, 31), date(2025, 1, 31))
    args = ["retention", "purge", "--today", "2025-02-28"] + (["--dry-run"] if dry_run else [])

    on_last_day = runner.invoke(args=args)
    assert on_last_day.exit_code == 0, on_last_day.output
    assert "1 drafts, 0 submitted, 0 withdrawn" in on_last_day.output

    args[3] = "2025-03-01"
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "demo:" in out and "other:" in out
    if dry_run:  # the draft is still there to count
        assert "Would delete in total: 1 drafts, 1 submitted, 0 withdrawn responses (4 answers)" in out
    else:  # the draft went on the first run
        assert "Deleted in total: 0 drafts, 1 submitted, 0 withdrawn responses (2 answers)" in out
    assert "dry run" in out if dry_run else "dry run" not in out
    assert SECRET not in out and "CAMHS" not in out and "11-15" not in out
    db_session.expire_all()
    assert _count(db_session, Response) == (3 if dry_run else 1)

    second = runner.invoke(args=args)
    assert second.exit_code == 0
    expected = "1 drafts, 1 submitted" if dry_run else "0 drafts, 0 submitted"
    assert expected in next(line for line in second.output.splitlines() if "in total" in line)
