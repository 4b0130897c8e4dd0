"""Submission is idempotent: double taps, resent forms and racing requests make one response."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.extensions import db
from forum_app.journeys import send_report
from forum_app.surveys.models import SUBMITTED, Response
from tests.factories import (
    SURVEY_URL,
    answer_all,
    csrf_token,
    idempotency_key,
    make_forum,
    make_survey,
    page,
    question_url,
    receipt_code,
    submit,
)


def _count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response).where(Response.status == SUBMITTED)) or 0


def test_double_submit_creates_one_response(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    answer_all(client)
    soup = page(client, f"{SURVEY_URL}check")
    data = {"csrf_token": csrf_token(soup), "idempotency_key": idempotency_key(client)}
    first = client.post(f"{SURVEY_URL}check", data=data)
    second = client.post(f"{SURVEY_URL}check", data=data)  # the same form, sent again
    assert first.status_code == second.status_code == 302
    assert first.location == second.location and first.location.endswith("/done")
    assert _count(db_session) == 1
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1


def test_racing_submissions_create_one_response(app: Flask, client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    answer_all(client)
    response_id = db_session.scalars(select(Response.id)).one()
    key = idempotency_key(client)
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def tap() -> None:
        with app.app_context():
            barrier.wait()
            results.append(send_report(db.session, response_id, key))

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert _count(db_session) == 1


def _sent_twice(client: FlaskClient) -> dict[str, str]:
    """Send, and send the same form again (a double tap); returns the form data."""
    answer_all(client)
    soup = page(client, f"{SURVEY_URL}check")
    data = {"csrf_token": csrf_token(soup), "idempotency_key": idempotency_key(client)}
    for _ in range(2):
        sent = client.post(f"{SURVEY_URL}check", data=data)
        assert sent.status_code == 302 and sent.location.endswith("/done")
    return data


def test_the_receipt_code_is_shown_once_then_forgotten(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    data = _sent_twice(client)
    code = receipt_code(page(client, f"{SURVEY_URL}done"))  # a double tap still shows it, once
    assert code is not None
    with client.session_transaction() as browser_session:
        assert code not in str(dict(browser_session))  # not even in the signed (readable) cookie
    reloaded = page(client, f"{SURVEY_URL}done")
    assert reloaded.h1 is not None and reloaded.h1.get_text(strip=True) == "Your answers were sent"
    assert receipt_code(reloaded) is None and code not in str(reloaded)
    assert "shown only once" in reloaded.get_text()
    resent = client.post(f"{SURVEY_URL}check", data=data)  # a form sent again from the history
    assert resent.status_code == 302 and resent.location.endswith("/done")
    for url in (f"{SURVEY_URL}check", question_url("age_band")):
        assert client.get(url).location.endswith("/done")
    assert code not in str(page(client, f"{SURVEY_URL}done"))
    assert _count(db_session) == 1


def test_a_new_visit_after_sending_starts_fresh(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    _sent_twice(client)
    code = receipt_code(page(client, f"{SURVEY_URL}done"))
    assert code is not None
    visit = page(client, SURVEY_URL)  # the next person on a shared phone follows the survey link
    assert code not in str(visit) and "Continue where you left off" not in visit.get_text()
    assert "Start now" in visit.get_text()
    assert client.get(f"{SURVEY_URL}done").location.endswith(SURVEY_URL)  # nothing sent by them yet
    assert client.get(question_url("age_band")).location.endswith(SURVEY_URL)
    answer_all(client)
    sent = submit(client)
    assert sent.status_code == 302 and sent.location.endswith("/done")
    second = receipt_code(page(client, f"{SURVEY_URL}done"))
    assert second is not None and second != code
    assert _count(db_session) == 2
