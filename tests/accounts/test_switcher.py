"""Someone on the staff of several forums chooses which one they work in; they can never choose a
forum they do not belong to."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from tests.factories import (
    audit_actions,
    csrf_token,
    make_admin,
    make_forum,
    make_staff,
    one,
    page,
    sign_in,
    squashed_text,
)

BOTH = "both@forums.example"


def _two_forums(db_session: Session) -> tuple[Forum, Forum]:
    first = make_forum(db_session, "alpha", "Alpha Parent Carer Forum")
    second = make_forum(db_session, "beta", "Beta Parent Carer Forum")
    make_staff(db_session, BOTH, "alpha", "lead")
    make_staff(db_session, BOTH, "beta", "coder")
    make_staff(db_session, "only@alpha.example", "alpha", "lead")
    make_forum(db_session, "gamma", "Gamma Parent Carer Forum")
    return first, second


def test_switching_forum_changes_what_is_shown_and_the_role(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    _first, second = _two_forums(db_session)
    sign_in(client, BOTH)
    responses = page(client, "/staff/responses")
    assert "Alpha Parent Carer Forum" in squashed_text(responses.header)
    switch = responses.find("a", href="/staff/forums")
    assert switch is not None
    assert squashed_text(switch) == "Switch forum (you are working in Alpha Parent Carer Forum)"
    assert client.get("/staff/audit").status_code == 200  # lead of Alpha
    listing = page(client, "/staff/forums")
    rows = [squashed_text(row) for row in one(listing, "tbody").find_all("tr")]
    assert rows == [
        "Alpha Parent Carer Forum Lead You are working in this forum",
        "Beta Parent Carer Forum Coder Work in Beta Parent Carer Forum",
    ]
    token = csrf_token(listing)
    response = client.post(f"/staff/forums/{second.id}", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/staff/"
    assert "Beta Parent Carer Forum" in squashed_text(page(client, "/staff/responses").header)
    assert client.get("/staff/audit").status_code == 403  # a coder in Beta
    assert "accounts.switch_forum POST" in audit_actions(db_session)


def test_no_one_can_switch_to_a_forum_they_do_not_belong_to(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    first, _second = _two_forums(db_session)
    sign_in(client, "only@alpha.example")
    soup = page(client, "/staff/responses")
    assert soup.find("a", href="/staff/forums") is None  # one forum: no switcher in the menu
    token = csrf_token(soup)
    for forum_id in (first.id + 1, first.id + 2, 999):
        assert client.post(f"/staff/forums/{forum_id}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/staff/forums/{first.id + 1}").status_code == 400  # no CSRF token
    assert "Alpha Parent Carer Forum" in squashed_text(page(client, "/staff/responses").header)


def test_an_administrator_with_no_forum_is_told_so(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    _two_forums(db_session)
    make_admin(db_session)
    sign_in(client, "admin@platform.example")
    assert "not on the staff of any forum" in page(client, "/staff/forums").get_text()
