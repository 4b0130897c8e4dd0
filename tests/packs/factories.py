"""Factories for pack tests: the demo forum's answers, coded and confirmed, and the pack request for them."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.coding.bulk import bulk_accept
from forum_app.coding.filters import Filters
from forum_app.demo import seed_demo
from forum_app.packs.data import PackRequest
from forum_app.surveys.models import Survey

UNTIL = date(2026, 6, 30)
# The demo survey's year up to ``UNTIL``.
REQUEST = PackRequest("demo", "send-experience", date(2025, 7, 1), UNTIL)


def seed_coded(
    app: Flask, session: Session, responses: int = 300, seed_number: int = 7
) -> tuple[int, int, int]:
    """The demo forum with ``responses`` responses until ``UNTIL``, every suggested theme confirmed by
    its lead: (forum id, survey id, lead id)."""
    with app.app_context():
        seed_demo(session, responses=responses, seed=seed_number, until=UNTIL)
    forum = session.scalars(select(Forum)).one()
    lead = session.scalars(select(User)).one()
    bulk_accept(session, forum.id, lead.id, 0.5, Filters())  # every suggestion confirmed by a person
    survey = session.scalars(select(Survey)).one()
    return forum.id, survey.id, lead.id
