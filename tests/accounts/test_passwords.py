"""What a new password must be (NIST SP 800-63B style), and one-time passwords of about 80 bits."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.passwords import (
    ONE_TIME_ALPHABET,
    ONE_TIME_LENGTH,
    context_words,
    one_time_password,
    password_problem,
)
from forum_app.accounts.services import AccountError, create_user
from forum_app.accounts.signin import EXPIRED
from forum_app.accounts.signin import sign_in as sign_in_service
from tests.factories import STAFF_PASSWORD, audit_actions, make_forum, make_staff, post_form, sign_in

LEAD = "jo.bloggs@demo.example"
NEW = "new@demo.example"
CONTEXT = context_words(LEAD, "Demo Parent Carer Forum", "demo")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop123", "too easy to guess"),
        ("short", "needs at least 12 characters"),
        ("x" * 201, "200 characters or fewer"),
        (LEAD, "must not be made from your email address or the forum's name"),
        ("JoBloggs1234!", "must not be made from your email address"),
        ("Demo Parent Carer Forum 2026", "forum's name"),
        ("forum evidence 2026", "forum's name"),
    ],
)
def test_weak_passwords_are_refused_with_what_to_do(password: str, message: str) -> None:
    problem = password_problem(password, CONTEXT)
    assert problem is not None and message in problem and problem.startswith("Your new password")


@pytest.mark.parametrize(
    "password",
    [
        STAFF_PASSWORD,
        "maple otter lantern quiet",
        "the kettle sang at dawn",
        "Tr0ub4dor&3 in Leeds",
        "é" * 3 + "🙂 ♫ déjà vu encore",
    ],
)
def test_long_passphrases_are_accepted_without_composition_rules(password: str) -> None:
    assert password_problem(password, CONTEXT) is None


def test_the_context_is_the_email_its_parts_and_the_forum() -> None:
    assert {"jo.bloggs@demo.example", "bloggs", "demo", "example", "parent", "carer", "forum"} <= set(CONTEXT)
    assert "forum evidence" in CONTEXT  # the product's name


def test_one_time_passwords_have_80_bits() -> None:
    assert len(set(ONE_TIME_ALPHABET)) == len(ONE_TIME_ALPHABET) == 32
    assert not set(ONE_TIME_ALPHABET) & set("01lo")  # nothing to misread
    passwords = [one_time_password() for _ in range(500)]
    for password in passwords:
        assert re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", password), password
        assert set(password.replace("-", "")) <= set(ONE_TIME_ALPHABET)
    assert math.log2(len(ONE_TIME_ALPHABET)) * ONE_TIME_LENGTH == 80
    assert len(passwords[0].replace("-", "")) == ONE_TIME_LENGTH
    assert len(set(passwords)) == 500
    used = {character for password in passwords for character in password.replace("-", "")}
    assert used == set(ONE_TIME_ALPHABET)  # every character is drawn, so all 32 carry the bits


def test_a_weak_new_password_is_refused_on_the_page(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    sign_in(client, LEAD)
    for weak, message in (
        ("password1234", "too easy to guess"),
        (LEAD, "must not be made from your email address"),
    ):
        response = post_form(client, "/staff/password", {"current": STAFF_PASSWORD, "new": weak})
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    response = post_form(
        client, "/staff/password", {"current": STAFF_PASSWORD, "new": "violet tugboat mends nets"}
    )
    assert response.status_code == 302


def test_create_user_refuses_a_weak_password(db_session: Session) -> None:
    make_forum(db_session)
    with pytest.raises(AccountError, match="too easy to guess"):
        create_user(db_session, "new@demo.example", "demo", "coder", password="aaaaaaaaaaaa")
    with pytest.raises(AccountError, match="email address"):
        create_user(db_session, "new@demo.example", "demo", "coder", password="new@demo.example")
    assert (
        create_user(db_session, "new@demo.example", "demo", "coder", password=STAFF_PASSWORD).password is None
    )


def _expires_at(db_session: Session, email: str) -> datetime | None:
    db_session.expire_all()
    moment = db_session.scalars(select(User.password_expires_at).where(User.email == email)).one()
    return None if moment is None else moment.replace(tzinfo=UTC)


def test_one_time_passwords_expire_after_three_days(db_session: Session) -> None:
    make_forum(db_session)
    before = datetime.now(UTC)
    one_time = create_user(db_session, NEW, "demo", "coder").password
    assert one_time is not None
    expires = _expires_at(db_session, NEW)
    assert expires is not None
    assert before + timedelta(days=3) <= expires <= datetime.now(UTC) + timedelta(days=3)
    minute = timedelta(minutes=1)
    in_time = sign_in_service(db_session, NEW, one_time, "here", now=expires - minute)
    assert in_time.user is not None
    late = sign_in_service(db_session, NEW, one_time, "there", now=expires + minute)
    assert late.user is None and late.problem == EXPIRED
    assert "accounts.login expired" in audit_actions(db_session)


def test_an_expired_one_time_password_asks_for_a_new_one_and_a_reset_gives_three_more_days(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, db_session: Session
) -> None:
    make_forum(db_session)
    one_time = create_user(db_session, NEW, "demo", "coder").password
    assert one_time is not None
    db_session.execute(update(User).values(password_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db_session.commit()
    response = post_form(client, "/staff/login", {"email": NEW, "password": one_time})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your one-time password has expired" in text and "flask users reset-password" in text
    assert client.get("/staff/responses").status_code == 302  # not signed in

    result = runner.invoke(args=["users", "reset-password", "--email", NEW])
    assert result.exit_code == 0 and "It works for 3 days" in result.output
    expires = _expires_at(db_session, NEW)
    assert expires is not None and expires > datetime.now(UTC) + timedelta(days=2, hours=23)
    fresh = result.output.split(f"{NEW}: ")[1].split()[0]
    assert post_form(client, "/staff/login", {"email": NEW, "password": fresh}).status_code == 302
    response = post_form(client, "/staff/password", {"current": fresh, "new": "violet tugboat mends nets"})
    assert response.status_code == 302
    assert _expires_at(db_session, NEW) is None  # a chosen password does not expire
