"""Factories for pack tests: the demo forum's answers, coded and confirmed, and the pack request for them;
the families' figures and the local population figures that T7 and T3 compare them with."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.coding.bulk import bulk_accept
from forum_app.coding.filters import Filters
from forum_app.demo import seed_demo
from forum_app.packs import disclosure
from forum_app.packs.data import Gathered, PackRequest
from forum_app.packs.population import LocalFigures, OfficialFigure
from forum_app.packs.tables import Publisher
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


PUBLISHER = Publisher(disclosure.DEFAULT_RULES)
AGES = {"0-4": 20, "5-10": 150, "11-15": 150, "16-18": 60, "19-25": 12}  # 392 of 400; 8 did not say
AGE_FIGURES = LocalFigures(
    {"0-4": 10.0, "5-10": 35.0, "11-15": 30.0, "16-18": 15.0, "19-25": 10.0, "other": 0.0},
    "DfE SEN2 2025",
    "January 2025",
)
# The local population figures form: the age figures, and an official EHC figure, as a lead types them.
AGE_TYPED = {
    "age_band-0-4": "10",
    "age_band-5-10": "35",
    "age_band-11-15": "30.5",
    "age_band-16-18": "15",
    "age_band-19-25": "9",
    "age_band-other": "0",
    "age_band-source": "DfE SEN2 2025",
    "age_band-date": "January 2025",
}
OFFICIAL_TYPED = {
    "official-ehcna": "50.8",
    "official-ehcna-source": "DfE SEN2 2025",
    "official-ehcna-date": "calendar year 2024",
}
SEN2_EHC = OfficialFigure(50.8, "DfE SEN2 2025", "calendar year 2024")


def gathered_families(respondents: int = 400, **closed: dict[Any, int]) -> Gathered:
    """Figures for ``respondents`` families with these answers (each family's answers, as the
    builder gathers them, are made up to match: T4 and T7 are protected from them together)."""
    profiles: dict[str, dict[str, Any]] = {str(i): {} for i in range(respondents)}
    for key, answers in closed.items():
        given = [value for value, n in answers.items() for _ in range(n)]
        for family, value in zip(profiles.values(), given, strict=False):
            family[key] = value
    return Gathered(
        date(2025, 1, 1),
        date(2025, 3, 31),
        respondents=respondents,
        closed={key: Counter(answers) for key, answers in closed.items()},
        profiles=profiles,
    )


def reloaded_demo_forum(session: Session) -> Forum:
    """The demo forum as stored now (its settings read again)."""
    session.expire_all()
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()
