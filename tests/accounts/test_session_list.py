""" "Your account" lists the person's open sessions; ending one, or all, asks for the password again."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from forum_app.accounts.models import User
from forum_app.accounts.session_views import ago_words
from forum_app.accounts.sessions import StaffSession, list_open
from forum_app.db import utcnow
from tests.factories import (
    STAFF_PASSWORD,
    audit_actions,
    csrf_token,
    make_forum,
    make_staff,
    page,
    sign_in,
    squashed_text,
)

LEAD, CODER = "lead@demo.example", "coder@demo.example"
ACCOUNT, END = "/staff/account", "/staff/account/end-session"
EVERYWHERE = "/staff/account/sign-out-everywhere"
RESPONSES = "/staff/responses"


def _setup(db_session: Session) -> None:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")


def _works(client: FlaskClient) -> bool:
    response = client.get(RESPONSES)
    assert response.status_code in {200, 302}
    return response.status_code == 200


def _session_ids(db_session: Session, email: str) -> list[int]:
    db_session.expire_all()
    user_id = db_session.scalars(select(User.id).where(User.email == email)).one()
    return [row.id for row in list_open(db_session, user_id)]


def _end(client: FlaskClient, session_id: int | str, password: str | None = STAFF_PASSWORD) -> TestResponse:
    data = {"csrf_token": csrf_token(page(client, ACCOUNT)), "session": str(session_id)}
    if password is not None:
        data["password"] = password
    return client.post(END, data=data)


def test_the_account_page_lists_open_sessions_and_ends_another(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    other = app.test_client()
    sign_in(other, LEAD)
    shown = page(client, ACCOUNT)
    rows = shown.select("table tbody tr")
    assert len(rows) == 2
    assert "This browser" in squashed_text(rows[0]) and "just now" in squashed_text(rows[0])
    assert rows[0].find("button") is None and squashed_text(rows[1].find("button")).startswith("End ")
    ids = [int(str(field["value"])) for field in shown.select("input[name=session]")]
    assert ids == [max(_session_ids(db_session, LEAD))]  # the other browser signed in second
    token_hashes = db_session.scalars(select(StaffSession.token_hash)).all()
    assert not any(token_hash in str(shown) for token_hash in token_hashes)

    confirm = _end(client, ids[0], password=None)  # the "End" button asks for the password first
    assert confirm.status_code == 200 and _works(other)
    assert "Your password" in confirm.get_data(as_text=True)
    response = _end(client, ids[0])
    assert response.status_code == 302 and response.location == ACCOUNT
    assert "That session has ended" in squashed_text(page(client, ACCOUNT))
    assert not _works(other) and other.get(RESPONSES).location.startswith("/staff/login")
    assert _works(client)
    assert len(page(client, ACCOUNT).select("table tbody tr")) == 1
    assert "accounts.end_session POST" in audit_actions(db_session)


def test_a_wrong_password_is_refused_and_counted(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"] = 3
    _setup(db_session)
    sign_in(client, LEAD)  # one attempt against the account
    other = app.test_client()
    sign_in(other, LEAD)  # two
    other_id = max(_session_ids(db_session, LEAD))
    response = _end(client, other_id, "not my password")  # three
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your password is not right" in text
    assert "There is a problem" in text
    assert _works(other)
    assert "accounts.confirm failed" in audit_actions(db_session)
    throttled = _end(client, other_id)  # four: over the limit, even with the right password
    assert throttled.status_code == 429 and "too many attempts" in throttled.get_data(as_text=True)
    assert _works(other)
    everywhere = client.post(
        EVERYWHERE, data={"csrf_token": csrf_token(page(client, ACCOUNT)), "password": "wrong"}
    )
    assert everywhere.status_code == 429 and _works(client) and _works(other)


def test_an_empty_password_is_asked_for(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    response = client.post(EVERYWHERE, data={"csrf_token": csrf_token(page(client, ACCOUNT)), "password": ""})
    assert response.status_code == 200 and "Enter your password" in response.get_data(as_text=True)
    assert _works(client)


def test_someone_elses_session_is_not_found(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    lead = app.test_client()
    sign_in(lead, LEAD)
    (lead_session,) = _session_ids(db_session, LEAD)
    sign_in(client, CODER)
    assert _end(client, lead_session, password=None).status_code == 404
    assert _end(client, lead_session).status_code == 404
    for odd in ("", "x", "-1", "99999999999999999999"):
        assert _end(client, odd).status_code == 404
    (own,) = _session_ids(db_session, CODER)
    assert _end(client, own).status_code == 404  # this one: sign out instead
    assert _works(lead) and _works(client)


def test_last_used_in_words() -> None:
    now = utcnow()
    assert ago_words(now - timedelta(seconds=20), now) == "just now"
    assert ago_words(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago_words(now - timedelta(minutes=12, seconds=5), now) == "12 minutes ago"
    assert ago_words(now - timedelta(hours=2, minutes=3), now) == "2 hours ago"
