"""Staff sign-in, one-time passwords, what a lead sees (their forum only) and the ``users`` CLI.

These tests make requests without the ``db_session`` fixture: it keeps an app context open, so
requests would share its ``g`` and with it Flask-Login's cached user, across clients too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.services import create_user
from forum_app.extensions import db
from forum_app.surveys.models import IN_PROGRESS, SUBMITTED, Response
from tests.factories import (
    STAFF_PASSWORD,
    answer_all,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    parsed,
    submit,
)

SIGN_IN = "/staff/login"
RESPONSES = "/staff/responses"
HOME = "/staff/"
PASSWORD_PAGE = "/staff/password"
LEAD = "lead@demo.example"
WRONG = "Enter a correct email address and password"
NEW_PASSWORD = "maple otter lantern quiet"
ONE_TIME = re.compile(r"One-time password[^:]*: (\S+)")


@contextmanager
def _database(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


def _setup(app: Flask, staff: bool = True) -> None:
    with _database(app) as session:
        make_survey(session, make_forum(session))
        if staff:
            make_staff(session, LEAD)


def _user(app: Flask, email: str) -> User:
    with _database(app) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(user)
        return user


def _sign_in(client: FlaskClient, email: str = LEAD, password: str = STAFF_PASSWORD, query: str = "") -> Any:
    token = csrf_token(page(client, SIGN_IN + query))
    return client.post(SIGN_IN + query, data={"email": email, "password": password, "csrf_token": token})


def _signed_in(client: FlaskClient) -> bool:
    """Whether the browser session holds a user, checked against what the staff area does."""
    with client.session_transaction() as session:
        has_user = "_user_id" in session
    sent_to_sign_in = (client.get(RESPONSES).location or "").startswith(SIGN_IN)
    assert has_user != sent_to_sign_in
    return has_user


def _sign_out(client: FlaskClient) -> Any:
    return client.post("/staff/logout", data={"csrf_token": csrf_token(page(client, RESPONSES))})


def _parent_sends(app: Flask, send: bool = True) -> str:
    """A parent answers every question in their own browser (and sends, unless told not to)."""
    parent = app.test_client()
    answer_all(parent)
    if send:
        assert submit(parent).status_code == 302
    with _database(app) as session:
        status = SUBMITTED if send else IN_PROGRESS
        return session.scalars(select(Response.id).where(Response.status == status)).one()


# --- passwords and signing in -----------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_only(app: Flask) -> None:
    _setup(app)
    with _database(app) as session:
        one_time = create_user(session, "new@demo.example", "demo", "viewer").password
    assert one_time
    for email, password in ((LEAD, STAFF_PASSWORD), ("new@demo.example", one_time)):
        stored = _user(app, email).password_hash
        assert stored.startswith("$argon2id$") and password not in stored


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (LEAD, "not the right password"),
        ("nobody@demo.example", STAFF_PASSWORD),
        (LEAD, ""),
        ("LEAD@demo.example ", "x" * 200),
        ("lead\x00@demo.example", STAFF_PASSWORD),
        (LEAD, STAFF_PASSWORD + "\x00"),
    ],
)
def test_wrong_credentials_give_a_clear_error_and_no_session(
    app: Flask, client: FlaskClient, email: str, password: str
) -> None:
    _setup(app)
    response = _sign_in(client, email, password)
    assert response.status_code == 200
    soup = parsed(response)
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary = soup.find(class_="error-summary")
    assert summary is not None
    assert WRONG in summary.get_text() or "Enter your password" in summary.get_text()
    assert not _signed_in(client)


def test_right_credentials_sign_in_and_return_to_the_page_asked_for(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    asked = client.get(f"{RESPONSES}?page=1")
    assert asked.status_code == 302 and asked.location.startswith(SIGN_IN)
    response = _sign_in(client, "  Lead@Demo.Example ", query="?next=/staff/responses%3Fpage%3D1")
    assert response.status_code == 302 and response.location == f"{RESPONSES}?page=1"
    assert _signed_in(client)


def test_sign_in_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    response = client.post(SIGN_IN, data={"email": LEAD, "password": STAFF_PASSWORD})
    assert response.status_code == 400 and "This page has expired" in parsed(response).get_text()
    assert not _signed_in(client)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/staff/responses",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_cannot_send_staff_to_another_site(app: Flask, client: FlaskClient, target: str) -> None:
    _setup(app)
    response = _sign_in(client, query="?" + urlencode({"next": target}))
    assert response.status_code == 302 and response.location == HOME


# --- one-time passwords -----------------------------------------------------------------------


def test_one_time_password_must_be_changed_before_seeing_responses(app: Flask, client: FlaskClient) -> None:
    _setup(app, staff=False)
    with _database(app) as session:
        one_time = create_user(session, "new@demo.example", "demo", "lead").password
    assert one_time is not None
    assert _sign_in(client, "new@demo.example", one_time).status_code == 302
    for url in (RESPONSES, "/staff/responses/" + "0" * 32):
        response = client.get(url)
        assert response.status_code == 302 and response.location == PASSWORD_PAGE
    token = csrf_token(page(client, PASSWORD_PAGE))
    for current, new, message in [
        ("wrong-one-time-password", NEW_PASSWORD, "Your current password is not right."),
        (one_time, "short", "Your new password needs at least 12 characters."),
        (one_time, one_time, "Your new password must be different from the current one."),
    ]:
        response = client.post(PASSWORD_PAGE, data={"current": current, "new": new, "csrf_token": token})
        assert response.status_code == 200
        summary = parsed(response).find(class_="error-summary")
        assert summary is not None and message in summary.get_text()
        assert client.get(RESPONSES).location == PASSWORD_PAGE
    response = client.post(
        PASSWORD_PAGE, data={"current": one_time, "new": NEW_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and response.location == HOME
    assert one(page(client, RESPONSES), "h1").get_text(strip=True) == "Responses"
    assert not _user(app, "new@demo.example").must_change_password
    assert _sign_out(client).status_code == 302
    assert _sign_in(client, "new@demo.example", one_time).status_code == 200
    assert _sign_in(client, "new@demo.example", NEW_PASSWORD).status_code == 302
    assert client.get(RESPONSES).status_code == 200


# --- what a lead sees -------------------------------------------------------------------------


def test_lead_sees_submitted_responses_only_and_opens_one(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    sent = _parent_sends(app)
    unsent = _parent_sends(app, send=False)
    assert _sign_in(client).status_code == 302
    listing = page(client, RESPONSES)
    assert "1 submitted response." in listing.get_text()
    links = [str(a["href"]) for a in listing.select("table a")]
    assert links == [f"{RESPONSES}/{sent}"]
    assert unsent[:8] not in listing.get_text()
    detail = page(client, links[0]).get_text(" ")
    assert "The SENCO listens and rings me back." in detail and "30 weeks" in detail
    assert "14 months so far (still waiting)" in detail and "Autism" in detail
    assert client.get(f"{RESPONSES}/{unsent}").status_code == 404


@pytest.mark.parametrize("response_id", ["0" * 32, "nope", "\x00", "%00", "' OR 1=1 --", "x" * 5000])
def test_unknown_response_ids_give_404(app: Flask, client: FlaskClient, response_id: str) -> None:
    _setup(app)
    _sign_in(client)
    assert "Page not found" in page(client, f"{RESPONSES}/{response_id}", status=404).get_text()


@pytest.mark.parametrize("number", ["abc", "0", "-1", "99999999999999999999999", "²", "١"])
def test_odd_page_numbers_still_list_responses(app: Flask, client: FlaskClient, number: str) -> None:
    _setup(app)
    _sign_in(client)
    assert one(page(client, f"{RESPONSES}?page={number}"), "h1").get_text(strip=True) == "Responses"


def test_a_lead_sees_only_their_own_forum(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    with _database(app) as session:
        make_forum(session, "other", name="Other Forum")
        make_staff(session, "lead@other.example", forum_slug="other")
    sent = _parent_sends(app)
    assert _sign_in(client, "lead@other.example").status_code == 302
    listing = page(client, RESPONSES)
    assert "0 submitted responses." in listing.get_text() and sent[:8] not in str(listing)
    assert "Other Forum" in listing.get_text()
    response = client.get(f"{RESPONSES}/{sent}")
    assert response.status_code == 404 and "The SENCO" not in response.get_data(as_text=True)
    # The forum's own lead can open it: the 404 above is about tenancy, not a bad link.
    own = app.test_client()
    assert _sign_in(own).status_code == 302
    assert own.get(f"{RESPONSES}/{sent}").status_code == 200


# --- signing out ------------------------------------------------------------------------------


def test_sign_out_is_a_post_with_csrf(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    _sign_in(client)
    assert client.get("/staff/logout").status_code == 405
    refused = client.post("/staff/logout", data={})
    assert refused.status_code == 400 and _signed_in(client)
    response = _sign_out(client)
    assert response.status_code == 302 and response.location == SIGN_IN
    assert not _signed_in(client)


# --- the users CLI ----------------------------------------------------------------------------


def test_users_create_prints_a_one_time_password_that_must_be_changed(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    _setup(app, staff=False)
    result = runner.invoke(
        args=["users", "create", "--email", "Coder@Demo.example", "--forum", "demo", "--role", "coder"]
    )
    assert result.exit_code == 0, result.output
    assert "Created coder@demo.example as coder of demo." in result.output
    found = ONE_TIME.search(result.output)
    assert found is not None
    assert _user(app, "coder@demo.example").must_change_password
    assert _sign_in(client, "coder@demo.example", found.group(1)).status_code == 302
    assert client.get(RESPONSES).location == PASSWORD_PAGE
    again = runner.invoke(
        args=["users", "create", "--email", "coder@demo.example", "--forum", "demo", "--role", "lead"]
    )
    assert again.exit_code == 0 and "Their password is unchanged" in again.output
    assert ONE_TIME.search(again.output) is None


@pytest.mark.parametrize(
    ("email", "forum", "role", "message"),
    [
        ("new@demo.example", "nope", "lead", "There is no forum with the slug 'nope'."),
        ("not-an-email", "demo", "lead", "'not-an-email' is not an email address."),
        ("two@@demo.example", "demo", "lead", "is not an email address."),
        ("new@demo.example", "demo", "admin", "Invalid value for '--role'"),
    ],
)
def test_users_create_refuses_bad_input_clearly(
    app: Flask, runner: FlaskCliRunner, email: str, forum: str, role: str, message: str
) -> None:
    _setup(app, staff=False)
    result = runner.invoke(args=["users", "create", "--email", email, "--forum", forum, "--role", role])
    assert result.exit_code != 0 and message in result.output
    assert "One-time password" not in result.output and "Traceback" not in result.output
    with _database(app) as session:
        assert session.scalars(select(User)).all() == []


def test_users_reset_password_gives_a_new_one_time_password(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    _setup(app)
    result = runner.invoke(args=["users", "reset-password", "--email", " LEAD@demo.example"])
    assert result.exit_code == 0, result.output
    found = ONE_TIME.search(result.output)
    assert found is not None and f"for {LEAD}:" in result.output
    assert _user(app, LEAD).must_change_password
    assert _sign_in(client, LEAD, STAFF_PASSWORD).status_code == 200
    assert _sign_in(client, LEAD, found.group(1)).status_code == 302
    assert client.get(RESPONSES).location == PASSWORD_PAGE


def test_users_reset_password_refuses_an_unknown_email(app: Flask, runner: FlaskCliRunner) -> None:
    _setup(app)
    result = runner.invoke(args=["users", "reset-password", "--email", "nobody@demo.example"])
    assert result.exit_code != 0 and "There is no user with the email 'nobody@demo.example'." in result.output
    assert not _user(app, LEAD).must_change_password
