"""A lead makes a new survey from a starter: the page, the address rules, a taken address, and who may."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.builder.models import SurveyDraft
from forum_app.builder.starters import STARTERS, starter
from forum_app.surveys.models import SURVEY_DRAFT, Survey
from tests.builder.factories import CODER, LEAD, OTHER_LEAD, VIEWER, make_two_forums
from tests.factories import (
    audit_actions,
    csrf_token,
    one,
    page,
    parsed,
    sign_in,
    squashed_text,
)

NEW = "/staff/surveys/new"


@pytest.fixture
def forum_id(db_session: Session) -> int:
    """The demo forum with its experience survey and three staff, and a second forum with its lead."""
    return make_two_forums(db_session, coder=True)


def _send(client: FlaskClient, **data: str) -> Any:
    token = csrf_token(page(client, NEW))
    return client.post(
        NEW, data={"starter": "pre-inspection-pulse", "title": "", "slug": "", **data, "csrf_token": token}
    )


def _draft(db_session: Session, forum_id: int, slug: str) -> tuple[Survey, SurveyDraft]:
    db_session.expire_all()
    survey = db_session.scalars(select(Survey).where(Survey.forum_id == forum_id, Survey.slug == slug)).one()
    draft = db_session.get(SurveyDraft, survey.id)
    assert draft is not None
    return survey, draft


def test_the_page_offers_each_starter_with_its_name_and_description(
    client: FlaskClient, forum_id: int
) -> None:
    sign_in(client, LEAD)
    soup = page(client, NEW)
    assert one(soup, "h1").get_text(strip=True) == "New survey"
    radios = soup.select("input[name=starter]")
    assert [radio["value"] for radio in radios] == [found.id for found in STARTERS]
    assert radios[0].has_attr("checked")
    text = squashed_text(soup)
    for found in STARTERS:
        assert found.name in text and found.about in text
    assert "7 questions, about 4 minutes" in text and "1 question, about 2 minutes" in text
    assert soup.select_one("a[href='/staff/surveys/import-survey']") is not None


def test_a_lead_makes_a_draft_from_a_starter_and_is_sent_to_edit_it(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    response = _send(client, title="  Before the inspection, May 2026 ")
    assert response.status_code == 302
    assert response.location == "/staff/surveys/before-the-inspection-may-2026/edit"
    survey, draft = _draft(db_session, forum_id, "before-the-inspection-may-2026")
    assert survey.status == SURVEY_DRAFT and survey.title == "Before the inspection, May 2026"
    pulse = starter("pre-inspection-pulse")
    assert pulse is not None
    assert draft.definition["questions"] == pulse.document["questions"]
    assert draft.definition["title"] == survey.title and draft.definition["slug"] == survey.slug
    assert audit_actions(db_session)[-1] == "builder.new POST"


def test_a_lead_chooses_the_address_and_a_blank_start(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    response = _send(client, starter="blank", title="Short breaks", slug="short-breaks-2026")
    assert response.location == "/staff/surveys/short-breaks-2026/edit"
    _survey, draft = _draft(db_session, forum_id, "short-breaks-2026")
    assert len(draft.definition["questions"]) == 1


def test_a_taken_address_is_refused_with_the_form_kept(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    response = _send(client, title="Your family's survey", slug="send-experience")
    assert response.status_code == 422
    soup = parsed(response)
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary = squashed_text(one(soup, "[data-error-summary]"))
    assert "already has a survey at the address ‘send-experience’" in summary
    assert one(soup, "#title")["value"] == "Your family's survey"
    assert one(soup, "input[value=pre-inspection-pulse]").has_attr("checked")
    assert len(db_session.scalars(select(Survey).where(Survey.forum_id == forum_id)).all()) == 1
    # Another forum's survey at the same address is no obstacle.
    other = client.application.test_client()
    sign_in(other, OTHER_LEAD)
    assert _send(other, title="Experience", slug="send-experience").status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the survey"),
        ({"title": "\x00\x01 "}, "title", "Enter a title for the survey"),
        ({"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
        ({"title": "Pulse", "slug": "Pulse 2026"}, "slug", "lower-case letters, digits and hyphens"),
        ({"title": "Pulse", "slug": "new"}, "slug", "is used by a page of this service"),
        ({"title": "Pulse", "slug": "local-lists"}, "slug", "is used by a page of this service"),
        ({"title": "Pulse", "slug": "import"}, "slug", "is used by a page of this service"),
        ({"title": "日本語"}, "slug", "Enter an address for the survey"),
        ({"title": "Pulse", "starter": "nothing"}, "starter", "Select what to start from"),
        ({"title": "Pulse", "starter": ""}, "starter", "Select what to start from"),
    ],
)
def test_a_wrong_form_is_sent_back_with_the_problem(
    client: FlaskClient, db_session: Session, forum_id: int, data: dict[str, str], field: str, message: str
) -> None:
    sign_in(client, LEAD)
    response = _send(client, **data)
    assert response.status_code == 422
    soup = parsed(response)
    link = one(soup, "[data-error-summary] a")
    assert message in link.get_text() and link["href"] == (
        "#starter-0" if field == "starter" else f"#{field}"
    )
    assert message in squashed_text(one(soup, f"#{field}-error" if field != "starter" else ".error-message"))
    assert len(db_session.scalars(select(Survey).where(Survey.forum_id == forum_id)).all()) == 1


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_only_a_lead_may_make_a_survey(
    client: FlaskClient, db_session: Session, forum_id: int, email: str
) -> None:
    sign_in(client, email)
    assert client.get(NEW).status_code == 403
    token = csrf_token(page(client, "/staff/surveys"))
    response = client.post(NEW, data={"starter": "blank", "title": "T", "slug": "t", "csrf_token": token})
    assert response.status_code == 403
    assert db_session.scalars(select(Survey.slug).where(Survey.forum_id == forum_id)).all() == [
        "send-experience"
    ]
