"""Sign-in is throttled per account and per source, and every refused attempt is in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum, User
from forum_app.accounts.signin import THROTTLED, WRONG, sign_in
from forum_app.ratelimit import RateLimitHit
from tests.factories import STAFF_PASSWORD, make_forum, make_staff, page, post_form

LEAD, CODER = "lead@demo.example", "coder@other.example"
TOO_MANY = "Too many attempts. Wait 15 minutes and try again, or ask your forum lead to reset your password"
WRONG_MESSAGE = "Enter a correct email address and password"


def _setup(db_session: Session) -> None:
    make_forum(db_session)
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, LEAD)
    make_staff(db_session, LEAD, forum_slug="other", role="coder")  # the lead works for both forums
    make_staff(db_session, CODER, forum_slug="other", role="coder")


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client: FlaskClient, email: str, password: str) -> tuple[int, str]:
    response = post_form(client, "/staff/login", {"email": email, "password": password})
    return response.status_code, response.get_data(as_text=True)


def _events(db_session: Session) -> list[tuple[str | None, str | None, str]]:
    """(forum slug, email, action) of each audit entry, oldest first."""
    db_session.expire_all()
    rows = db_session.execute(
        select(Forum.slug, User.email, AuditEvent.action)
        .select_from(AuditEvent)
        .outerjoin(Forum, Forum.id == AuditEvent.forum_id)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.id)
    )
    return [(slug, email, action) for slug, email, action in rows]


def test_thirty_wrong_passwords_then_the_right_one_is_refused(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    statuses = [_try(client, LEAD, f"wrong password number {n}") for n in range(30)]
    assert [status for status, _ in statuses[:10]] == [200] * 10
    assert all(WRONG_MESSAGE in body for _, body in statuses[:10])
    assert [status for status, _ in statuses[10:]] == [429] * 20
    assert all(TOO_MANY in body and WRONG_MESSAGE not in body for _, body in statuses[10:])
    status, body = _try(client, LEAD, STAFF_PASSWORD)
    assert status == 429 and TOO_MANY in body
    assert client.get("/staff/responses").status_code == 302  # not signed in

    # Another person, from another source, is not affected by the lock on the first account.
    other = _from(app, "192.0.2.7")
    status, _ = _try(other, CODER, STAFF_PASSWORD)
    assert status == 302 and other.get("/staff/responses").status_code == 200

    # Each forum the account belongs to sees the failures, and each lock once: the account's (11th
    # attempt) and the source's (31st).
    events = _events(db_session)
    for slug in ("demo", "other"):
        mine = [action for forum, email, action in events if forum == slug and email == LEAD]
        assert mine == ["accounts.login failed"] * 10 + ["accounts.login throttled"] * 2
    assert ("other", CODER, "accounts.login POST") in events


def test_a_source_is_locked_after_thirty_attempts_at_any_accounts(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    for n in range(30):
        status, _ = _try(client, f"nobody{n}@nowhere.example", STAFF_PASSWORD)
        assert status == 200
    status, body = _try(client, CODER, STAFF_PASSWORD)
    assert status == 429 and TOO_MANY in body
    status, _ = _try(_from(app, "2001:db8:1::5"), CODER, STAFF_PASSWORD)
    assert status == 302
    # Unknown addresses are logged without a forum, and neither the address typed nor the source is kept.
    events = _events(db_session)
    assert events.count((None, None, "accounts.login failed")) == 30
    assert ("other", CODER, "accounts.login throttled") in events
    stored = " ".join(
        f"{event.action} {event.object_id}" for event in db_session.scalars(select(AuditEvent))
    ) + " ".join(hit.source for hit in db_session.scalars(select(RateLimitHit)))
    assert "nowhere" not in stored and "nobody" not in stored and "127.0.0.1" not in stored


def test_unknown_and_known_accounts_are_throttled_alike(app: Flask, db_session: Session) -> None:
    _setup(db_session)
    answers = {}
    for email, address in ((LEAD, "192.0.2.1"), ("nobody@demo.example", "192.0.2.2")):
        client = _from(app, address)
        answers[email] = [_try(client, email, "not the password at all")[0] for _ in range(12)]
    assert answers[LEAD] == answers["nobody@demo.example"] == [200] * 10 + [429] * 2


def test_the_lock_wears_off_as_its_window_slides_on(db_session: Session) -> None:
    _setup(db_session)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    for minute in range(10):
        outcome = sign_in(db_session, LEAD, "wrong guess", "source", now=start + timedelta(minutes=minute))
        assert outcome.problem == WRONG
    for minute in (14, 15, 17):  # a new window starts at 9:15, but most of the 11 tries still count
        refused = sign_in(db_session, LEAD, STAFF_PASSWORD, "source", now=start + timedelta(minutes=minute))
        assert refused.problem == THROTTLED, minute
    later = sign_in(db_session, LEAD, STAFF_PASSWORD, "source", now=start + timedelta(minutes=29))
    assert later.user is not None and later.token


def test_odd_sign_in_input_never_gives_a_500(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    for email, password in [
        ("\x00", "\x00"),
        ("é" * 254, "ü" * 200),
        ("lead@demo.example\n", STAFF_PASSWORD),
        ("🙂@🙂.example", "🙂" * 50),
        ("%00' OR 1=1 --", "x"),
    ]:
        status, _ = _try(client, email, password)
        assert status == 200, (email, status)


def test_a_lead_reads_failed_sign_ins_in_the_audit_log(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    assert _try(client, LEAD, "a wrong guess at it")[0] == 200
    assert _try(client, LEAD, STAFF_PASSWORD)[0] == 302
    shown = page(client, "/staff/audit").get_text(" ")
    assert "tried to sign in with a wrong password" in shown and "signed in" in shown
    assert "a wrong guess" not in shown
