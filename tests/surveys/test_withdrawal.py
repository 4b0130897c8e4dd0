"""Withdrawal: the receipt code takes sent answers back; they are deleted and counted nowhere."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.surveys.models import SUBMITTED, WITHDRAWN, Answer, Response
from forum_app.surveys.staff import list_responses
from tests.factories import (
    SURVEY_URL,
    answer_all,
    attribute,
    csrf_token,
    make_forum,
    make_survey,
    page,
    post_form,
    receipt_code,
    submit,
)

WITHDRAW_URL = f"{SURVEY_URL}withdraw"
CONFIRM_URL = f"{SURVEY_URL}withdraw/confirm"


def _send(client: FlaskClient) -> str:
    answer_all(client)
    submit(client)
    code = receipt_code(page(client, f"{SURVEY_URL}done"))
    assert code is not None
    return code


def _withdraw(client: FlaskClient, code: str) -> Any:
    """Enter the code, then confirm on the page that asks "Are you sure?"."""
    asked = post_form(client, WITHDRAW_URL, {"code": code})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Are you sure" in text, text[:3000]
    soup = BeautifulSoup(text, "html.parser")
    hidden = soup.find("input", attrs={"name": "code"})
    return client.post(CONFIRM_URL, data={"code": attribute(hidden, "value"), "csrf_token": csrf_token(soup)})


def test_withdrawal_deletes_the_answers(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    code = _send(client)
    _send(app.test_client())  # another family, who stays
    assert list_responses(db_session, forum.id).total == 2
    response = _withdraw(app.test_client(), code.lower().replace("-", " "))  # typed loosely, elsewhere
    assert response.status_code == 302 and response.location.endswith("/withdrawn")
    assert "Your answers have been deleted" in page(client, f"{SURVEY_URL}withdrawn").get_text()
    db_session.expire_all()
    statuses = sorted(db_session.scalars(select(Response.status)))
    assert statuses == [SUBMITTED, WITHDRAWN]
    withdrawn = db_session.scalars(select(Response).where(Response.status == WITHDRAWN)).one()
    assert withdrawn.submitted_on is None
    assert (
        db_session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == withdrawn.id))
        == 0
    )
    assert list_responses(db_session, forum.id).total == 1
    again = post_form(app.test_client(), WITHDRAW_URL, {"code": code})
    assert "already been withdrawn" in again.get_data(as_text=True)


def test_wrong_codes_get_a_clear_message(app: Flask, client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    _send(client)
    other = app.test_client()
    for wrong, message in [
        ("", "Enter your receipt code"),
        ("AAAA-BBBB-CCCC", "could not find"),
        ("short", "could not find"),
        ("x" * 101, "too long"),
    ]:
        response = post_form(other, WITHDRAW_URL, {"code": wrong})
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and message in text and "<title>Error:" in text, wrong
    assert (
        db_session.scalar(select(func.count()).select_from(Response).where(Response.status == SUBMITTED)) == 1
    )


def test_an_unsent_response_cannot_be_withdrawn(app: Flask, client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    answer_all(client)
    # The receipt code exists from the start (kept in the browser session) but only works once sent.
    with client.session_transaction() as browser_session:
        (entry,) = browser_session["responses"].values()
    response = post_form(app.test_client(), WITHDRAW_URL, {"code": entry["receipt"]})
    assert "could not find" in response.get_data(as_text=True)
    assert db_session.scalars(select(Response.status)).one() == "in_progress"


def test_confirm_without_a_valid_form_deletes_nothing(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    code = _send(client)
    other = app.test_client()
    no_token = other.post(CONFIRM_URL, data={"code": code})
    assert no_token.status_code == 200 and "nothing was deleted" in no_token.get_data(as_text=True)
    token = csrf_token(page(other, WITHDRAW_URL))
    assert other.post(CONFIRM_URL, data={"code": "ZZZZ-ZZZZ-ZZZZ", "csrf_token": token}).status_code == 302
    assert (
        db_session.scalar(select(func.count()).select_from(Response).where(Response.status == SUBMITTED)) == 1
    )


def test_guessing_receipt_codes_is_rate_limited(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    guesser = app.test_client()
    limit = app.config["CODE_ATTEMPTS_PER_SOURCE"]
    statuses = [
        post_form(guesser, WITHDRAW_URL, {"code": f"AAAA-BBBB-{n:04d}"}).status_code for n in range(limit + 1)
    ]
    assert statuses[-1] == 429 and statuses[:limit] == [200] * limit


def test_guessing_through_the_confirm_step_is_rate_limited(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    code = _send(client)
    guesser = app.test_client()
    token = csrf_token(page(guesser, WITHDRAW_URL))
    limit = app.config["CODE_ATTEMPTS_PER_SOURCE"]
    for n in range(limit):  # straight to "Yes, delete my answers", skipping the page that counts
        guess = guesser.post(CONFIRM_URL, data={"code": f"AAAA-BBBB-{n:04d}", "csrf_token": token})
        assert guess.status_code == 302 and guess.location.endswith("/withdraw")
    right = guesser.post(CONFIRM_URL, data={"code": code, "csrf_token": token})
    assert right.status_code == 429 and "Too many codes have been tried" in right.get_data(as_text=True)
    assert code not in right.get_data(as_text=True)
    assert post_form(guesser, WITHDRAW_URL, {"code": code}).status_code == 429  # one allowance for both
    db_session.expire_all()
    assert db_session.scalars(select(Response.status)).one() == SUBMITTED
