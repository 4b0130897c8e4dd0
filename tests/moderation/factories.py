"""Factories for moderation tests: families sending answers with chosen words, and their queue items; the
demo forum's queue with its staff, and what its pages show."""

from __future__ import annotations

from datetime import date
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.moderation.models import ModerationItem
from forum_app.surveys.models import Answer, Response
from tests.factories import (
    JOURNEY,
    answer_all,
    attribute,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    submit,
)

# Flagged (suicide); "Hope House" is found as a name (not personal: a service), "Sunflower Hub" is missed.
FLAGGED = (
    "He says he wants to kill himself. Therapy at Hope House helped. Nobody at the Sunflower Hub called back."
)
NAMED = "Mrs Patel at Oakfield Primary listens and rings me back."
LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
MODERATOR = "second-lead@example.org"  # another lead: leads moderate
QUEUE = "/staff/moderation"


def journey_with(**texts: str) -> list[tuple[str, dict[str, Any]]]:
    """The default journey with these free-text answers (by question key)."""
    return [(key, {"answer": texts[key]} if key in texts else data) for key, data in JOURNEY]


def send(app: Flask, session: Session, client: FlaskClient | None = None, **texts: str) -> str:
    """A family (``client``, or a new one) sends the default journey with these free-text answers (by
    question key); returns the response id."""
    before = set(session.scalars(select(Response.id)))
    family = client or app.test_client()
    answer_all(family, journey_with(**texts))
    sent = submit(family)
    assert sent.status_code == 302 and sent.location.endswith("/done")
    (response_id,) = set(session.scalars(select(Response.id))) - before
    return response_id


def moderation_item(session: Session, response_id: str, key: str) -> ModerationItem:
    """The queue item of this response's answer to question ``key``, freshly loaded."""
    session.expire_all()
    found = session.scalar(
        select(ModerationItem)
        .join(Answer, Answer.id == ModerationItem.answer_id)
        .where(Answer.response_id == response_id, Answer.question_key == key)
    )
    assert found is not None
    return found


def seed_queue(app: Flask, session: Session) -> dict[str, str]:
    """The demo forum with two leads, a coder and a viewer; a plain response, then a flagged one with
    a name in one answer. Returns the two responses' ids."""
    forum = make_forum(session)
    make_survey(session, forum)
    for email, role in ((LEAD, "lead"), (MODERATOR, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(session, email, role=role)
    plain = send(app, session)
    flagged = send(app, session, not_worked=FLAGGED, worked_well=NAMED)
    return {"plain": plain, "flagged": flagged}


def flagged_on(app: Flask, session: Session, received: date) -> ModerationItem:
    """Send a response whose "what has not worked" answer is flagged, received on ``received``."""
    found = moderation_item(session, send(app, session, not_worked=FLAGGED), "not_worked")
    found.received_on = received
    session.commit()
    return found


def post_with_token(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    """POST with the CSRF token of the session (taken from the staff menu's sign-out form)."""
    token = csrf_token(page(client, "/staff/responses"))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def answer_value(session: Session, answer_id: int) -> Any:
    """The answer's words as stored now."""
    session.expire_all()
    answer = session.get(Answer, answer_id)
    assert answer is not None
    return answer.value


def error_summary(soup: BeautifulSoup) -> list[str]:
    """The messages of the page's error summary."""
    found = one(soup, "[data-error-summary]")
    return [" ".join(a.get_text(" ").split()) for a in found.find_all("a")] if found else []


def listed_ids(soup: BeautifulSoup) -> list[str]:
    """The public ids of the answers listed, from their links."""
    return [attribute(a, "href").rsplit("/", 1)[1] for a in soup.select(".moderation-queue__title a")]
