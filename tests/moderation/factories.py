"""Factories for moderation tests: families sending answers with chosen words, and their queue items."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.moderation.models import ModerationItem
from forum_app.surveys.models import Answer, Response
from tests.factories import JOURNEY, answer_all, submit

# Flagged (suicide); "Hope House" is found as a name (not personal: a service), "Sunflower Hub" is missed.
FLAGGED = (
    "He says he wants to kill himself. Therapy at Hope House helped. Nobody at the Sunflower Hub called back."
)
NAMED = "Mrs Patel at Oakfield Primary listens and rings me back."


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
