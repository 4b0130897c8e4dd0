"""Submission is idempotent: double taps, resent forms and racing requests make one response."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.extensions import db
from forum_app.surveys.models import SUBMITTED, Response
from forum_app.surveys.services import submit_response
from tests.factories import SURVEY_URL, answer_all, csrf_token, idempotency_key, make_forum, make_survey, page


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
            results.append(submit_response(db.session, response_id, key))

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert _count(db_session) == 1


def test_resent_form_after_confirmation_still_shows_the_receipt(
    client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    answer_all(client)
    soup = page(client, f"{SURVEY_URL}check")
    data = {"csrf_token": csrf_token(soup), "idempotency_key": idempotency_key(client)}
    client.post(f"{SURVEY_URL}check", data=data)
    first_code = page(client, f"{SURVEY_URL}done").find("strong", class_="receipt-code").get_text()
    client.post(f"{SURVEY_URL}check", data=data)
    again = page(client, f"{SURVEY_URL}done").find("strong", class_="receipt-code").get_text()
    assert first_code == again
