"""Server-side staff sessions: a copied cookie stops working once its session has ended."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.sessions import StaffSession, current, end_all_sessions, end_session, start_session
from forum_app.db import utcnow
from tests.factories import (
    STAFF_PASSWORD,
    audit_actions,
    csrf_token,
    make_forum,
    make_staff,
    page,
    post_form,
    sign_in,
    squashed_text,
)

LEAD, CODER = "lead@demo.example", "coder@demo.example"
RESPONSES = "/staff/responses"
HOME = "/staff/"
NEW_PASSWORD = "maple otter lantern quiet"


def _setup(db_session: Session) -> int:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    user_id = db_session.scalars(select(User.id).where(User.email == LEAD)).one()
    return int(user_id)


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of ``client``'s session cookie, as a thief would."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def _works(client: FlaskClient) -> bool:
    response = client.get(RESPONSES)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.location.startswith("/staff/login"), response.location
    return False


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    thief = _copy(app, client)
    assert _works(thief)
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(page(client, RESPONSES))})
    assert response.status_code == 302
    assert not _works(client) and not _works(thief)
    assert audit_actions(db_session) == ["accounts.login POST", "accounts.logout POST"]


def test_a_password_change_ends_every_other_session(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    thief = _copy(app, client)
    elsewhere = app.test_client()
    sign_in(elsewhere, LEAD)
    response = post_form(client, "/staff/password", {"current": STAFF_PASSWORD, "new": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == HOME
    assert _works(client)  # the person who changed it carries on, in a fresh session
    assert not _works(thief) and not _works(elsewhere)
    assert not _works(_copy(app, thief))


def test_deactivation_ends_the_session_at_once(app: Flask, client: FlaskClient, db_session: Session) -> None:
    user_id = _setup(db_session)
    sign_in(client, LEAD)
    thief = _copy(app, client)
    db_session.execute(update(User).where(User.id == user_id).values(active=False))
    db_session.commit()
    assert not _works(thief) and not _works(client)
    db_session.execute(update(User).where(User.id == user_id).values(active=True))
    db_session.commit()
    assert not _works(thief)  # the session was dropped from the cookie: sign in again


def test_sign_out_everywhere_ends_every_session_of_that_person_only(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    thief = _copy(app, client)
    elsewhere = app.test_client()
    sign_in(elsewhere, LEAD)
    coder = app.test_client()
    sign_in(coder, CODER)
    account = page(client, "/staff/account")
    assert "signed in on 2 devices or browsers" in squashed_text(account)
    confirm = client.post("/staff/account/sign-out-everywhere", data={"csrf_token": csrf_token(account)})
    assert confirm.status_code == 200 and _works(client)  # first it asks for the password
    response = client.post(
        "/staff/account/sign-out-everywhere",
        data={"csrf_token": csrf_token(account), "password": STAFF_PASSWORD},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "signed out on every device" in response.get_data(as_text=True)
    assert not _works(client) and not _works(thief) and not _works(elsewhere)
    assert _works(coder)
    assert "accounts.sign_out_everywhere POST" in audit_actions(db_session)


def test_sign_out_everywhere_needs_a_csrf_token(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    assert client.post("/staff/account/sign-out-everywhere", data={}).status_code == 400
    assert _works(client)


def test_signing_in_gives_a_new_session_and_ends_the_old_one(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    page(client, "/staff/login")
    before = _copy(app, client)
    sign_in(client, LEAD)
    first = _copy(app, client)
    sign_in(client, CODER)  # the same browser signs in again, as someone else
    assert not _works(before) and not _works(first)
    assert _works(client)
    tokens = db_session.scalars(select(StaffSession)).all()
    assert len(tokens) == 2 and sum(row.ended_at is None for row in tokens) == 1


def test_an_idle_session_sends_staff_to_sign_in_with_the_reason(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    sign_in(client, LEAD)
    assert _works(client)
    long_ago = utcnow() - timedelta(minutes=31)
    db_session.execute(update(StaffSession).values(last_seen_at=long_ago))
    db_session.commit()
    response = client.get(RESPONSES, follow_redirects=True)
    assert response.request.path == "/staff/login"
    assert "You were signed out after 30 minutes without activity" in response.get_data(as_text=True)
    assert not _works(client)
    sign_in(client, LEAD)
    assert _works(client)


def test_idle_and_absolute_timeouts(db_session: Session) -> None:
    user_id = _setup(db_session)
    start = utcnow()
    token = start_session(db_session, user_id, now=start)
    assert current(db_session, token, now=start + timedelta(minutes=29)) is not None
    # Each use moves the idle clock on: 29 minutes after the last use is still fine.
    assert current(db_session, token, now=start + timedelta(minutes=58)) is not None
    assert current(db_session, token, now=start + timedelta(minutes=89)) is None

    token = start_session(db_session, user_id, now=start)
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=20)
        assert current(db_session, token, now=moment) is not None, moment - start
    assert current(db_session, token, now=start + timedelta(hours=12, minutes=1)) is None


def test_page_views_write_last_seen_at_at_most_once_a_minute(db_session: Session) -> None:
    user_id = _setup(db_session)
    start = utcnow()
    token = start_session(db_session, user_id, now=start)
    found = current(db_session, token, now=start + timedelta(seconds=50))
    assert found is not None and found.last_seen_at.replace(tzinfo=None) == start.replace(tzinfo=None)
    found = current(db_session, token, now=start + timedelta(seconds=70))
    assert found is not None and found.last_seen_at.replace(tzinfo=None) == (
        start + timedelta(seconds=70)
    ).replace(tzinfo=None)


def test_tokens_are_stored_as_hashes_and_sessions_end(db_session: Session) -> None:
    user_id = _setup(db_session)
    tokens = [start_session(db_session, user_id) for _ in range(3)]
    stored = db_session.scalars(select(StaffSession.token_hash)).all()
    assert len(set(tokens)) == 3 and not set(tokens) & set(stored)
    assert all(len(value) == 64 for value in stored)
    end_session(db_session, tokens[0])
    assert current(db_session, tokens[0]) is None and current(db_session, tokens[1]) is not None
    assert end_all_sessions(db_session, user_id) == 2
    assert end_all_sessions(db_session, user_id) == 0
    assert all(current(db_session, token) is None for token in tokens)
    assert current(db_session, "not a token") is None and current(db_session, "") is None


def test_long_dead_sessions_are_deleted_when_someone_signs_in(db_session: Session) -> None:
    user_id = _setup(db_session)
    long_ago = utcnow() - timedelta(days=3)
    ended = start_session(db_session, user_id, now=long_ago)
    end_session(db_session, ended)
    start_session(db_session, user_id, now=long_ago)  # never used again: long expired
    recent = start_session(db_session, user_id, now=utcnow() - timedelta(hours=1))
    start_session(db_session, user_id)
    db_session.expire_all()
    assert len(db_session.scalars(select(StaffSession)).all()) == 2
    assert current(db_session, recent) is None  # idle for an hour, but kept until it is long dead
