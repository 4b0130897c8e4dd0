"""Only moderated text beyond moderators: every staff page that shows answers, visited as a viewer
and as a coder while an answer waits for moderation, shows "[waiting for moderation]" (or nothing)
instead of its text; a lead sees the redacted text."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.surveys.models import Answer
from forum_app.surveys.staff import WAITING
from tests.factories import (
    approve_all,
    make_forum,
    make_staff,
    make_survey,
    public_id,
    sign_in,
)
from tests.moderation.factories import send

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
APPROVED_TEXT = "The trampoline club at the leisure centre was brilliant for him."
WAITING_TEXT = "Mrs Patel said the xylophone lessons stopped and nobody told us why."
WAITING_REDACTED = "[name] said the xylophone lessons stopped and nobody told us why."
SECRET = "xylophone"  # a word of the waiting answer that redaction leaves in


def _answer_id(session: Session, response_id: str, key: str) -> int:
    return session.scalars(
        select(Answer.id).where(Answer.response_id == response_id, Answer.question_key == key)
    ).one()


def _status_and_text(client: FlaskClient, url: str) -> tuple[int, str]:
    got = client.get(url)
    body = got.get_data(as_text=True)
    if got.mimetype == "text/html":
        body = " ".join(BeautifulSoup(body, "html.parser").get_text(" ").split())
    return got.status_code, body


@pytest.fixture()
def responses(app: Flask, db_session: Session) -> dict[str, str]:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    approved = send(app, db_session, not_worked=APPROVED_TEXT)
    approve_all(db_session, [approved])  # approved, and so coded
    waiting = send(app, db_session, not_worked=WAITING_TEXT)
    return {"approved": approved, "waiting": waiting}


def _pages(app: Flask, session: Session, responses: dict[str, str], role: str) -> list[str]:
    """Every staff page a GET reaches without an id, and those that show one response or answer."""
    urls = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.rule.startswith("/staff")
    ]
    waiting_answer = public_id(session, _answer_id(session, responses["waiting"], "not_worked"))
    approved_answer = public_id(session, _answer_id(session, responses["approved"], "not_worked"))
    urls += [
        f"/staff/responses/{responses['waiting']}",
        f"/staff/responses/{responses['approved']}",
        f"/staff/coding/{waiting_answer}",
        f"/staff/coding/{approved_answer}",
        "/staff/coding?status=all",
        "/staff/coding/next",
    ]
    urls.append(f"/staff/moderation/{waiting_answer}")
    return urls


@pytest.mark.parametrize("role", ["viewer", "coder"])
def test_viewers_and_coders_never_see_text_waiting_for_moderation(
    app: Flask, db_session: Session, responses: dict[str, str], role: str
) -> None:
    client = app.test_client()
    sign_in(client, VIEWER if role == "viewer" else CODER)
    visited = {}
    for url in _pages(app, db_session, responses, role):
        status, text = _status_and_text(client, url)
        visited[url] = status
        assert SECRET not in text, url
        assert "Patel" not in text, url
    assert visited[f"/staff/responses/{responses['waiting']}"] == 200
    status, waiting = _status_and_text(client, f"/staff/responses/{responses['waiting']}")
    assert WAITING in waiting
    assert "Mainstream secondary school" in waiting  # answers that are not free text are shown
    status, approved = _status_and_text(client, f"/staff/responses/{responses['approved']}")
    assert APPROVED_TEXT in approved and WAITING not in approved
    if role == "coder":
        assert APPROVED_TEXT in _status_and_text(client, "/staff/coding?status=all")[1]


def test_a_lead_sees_the_redacted_text(app: Flask, db_session: Session, responses: dict[str, str]) -> None:
    client = app.test_client()
    sign_in(client, LEAD)
    status, text = _status_and_text(client, f"/staff/responses/{responses['waiting']}")
    assert status == 200
    assert WAITING_REDACTED in text and "Patel" not in text and WAITING not in text
    assert APPROVED_TEXT in _status_and_text(client, f"/staff/responses/{responses['approved']}")[1]
