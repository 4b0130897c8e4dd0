"""Assisted entry: a lead or coder enters a parent's answers for them in the ordinary runner. The
response is marked as assisted and says nothing of who entered it."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent
from forum_app.surveys.models import SUBMITTED, Response, Survey
from tests.builder.factories import CODER, LEAD, VIEWER, make_pulse, make_two_forums, table_text
from tests.factories import (
    SURVEY_URL,
    answer_all,
    csrf_token,
    one,
    page,
    parsed,
    question_url,
    receipt_code,
    signed_in,
    squashed_text,
    submit,
    user_id,
)

BASE = "/staff/surveys/send-experience"
START = f"{BASE}/assisted"
BANNER = "You are entering answers on a parent’s behalf"


@pytest.fixture
def forum(db_session: Session) -> int:
    return make_two_forums(db_session, coder=True)


def _responses(session: Session) -> list[Response]:
    session.expire_all()
    return list(session.scalars(select(Response)))


def _start(client: FlaskClient) -> str:
    """Press "Enter answers for a parent" on the survey's page; where it leads."""
    response = client.post(START, data={"csrf_token": csrf_token(page(client, BASE))})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return str(response.location)


def _banner(client: FlaskClient, url: str) -> str:
    found = parsed(client.get(url, follow_redirects=True)).select_one("[data-assisted-banner]")
    return squashed_text(found) if found is not None else ""


@pytest.mark.parametrize("email", [LEAD, CODER])
def test_staff_enter_a_parents_answers_marked_as_assisted(
    app: Flask, db_session: Session, forum: int, email: str
) -> None:
    client = signed_in(app, email)
    assert _start(client) == question_url("age_band")
    [started] = _responses(db_session)
    assert started.assisted is True and started.status == "in_progress"
    assert BANNER in _banner(client, question_url("age_band"))
    answer_all(client)  # from the start page it carries on with the same response
    assert BANNER in _banner(client, f"{SURVEY_URL}check")
    submit(client)
    done = page(client, f"{SURVEY_URL}done")
    assert receipt_code(done) is not None
    banner = squashed_text(one(done, "[data-assisted-banner]"))
    assert BANNER in banner and "Read the receipt code out to the parent" in banner
    again = one(done, "[data-assisted-banner] form")
    assert again["action"] == START and squashed_text(again) == "Enter another parent’s answers"
    [sent] = _responses(db_session)
    assert (sent.id, sent.status, sent.assisted) == (started.id, SUBMITTED, True)


def test_enter_another_parents_answers_starts_a_fresh_assisted_response(
    app: Flask, db_session: Session, forum: int
) -> None:
    client = signed_in(app, LEAD)
    _start(client)
    answer_all(client)
    submit(client)
    done = page(client, f"{SURVEY_URL}done")
    response = client.post(START, data={"csrf_token": csrf_token(done)})
    assert response.status_code == 303 and response.location == question_url("age_band")
    responses = _responses(db_session)
    assert len(responses) == 2 and all(response.assisted for response in responses)
    assert {response.status for response in responses} == {SUBMITTED, "in_progress"}


def test_assisted_sendings_from_one_address_are_not_taken_for_spam(
    app: Flask, db_session: Session, forum: int
) -> None:
    app.config["SUBMISSIONS_PER_HOUR"] = 1  # an event's shared wifi: one address for every family
    client = signed_in(app, LEAD)
    for _family in range(3):
        _start(client)
        answer_all(client)
        submit(client)
    responses = _responses(db_session)
    assert len(responses) == 3 and {response.status for response in responses} == {SUBMITTED}


def test_a_parents_own_answers_are_not_assisted_and_show_no_banner(
    app: Flask, client: FlaskClient, db_session: Session, forum: int
) -> None:
    answer_all(client)
    assert _banner(client, f"{SURVEY_URL}check") == ""
    submit(client)
    assert _banner(client, f"{SURVEY_URL}done") == ""
    [sent] = _responses(db_session)
    assert sent.assisted is False


def test_the_public_cannot_start_assisted_entry(app: Flask, db_session: Session, forum: int) -> None:
    public = app.test_client()
    assert public.post(START).status_code == 400  # no CSRF token
    # With a token of the public runner's own session, still not signed in.
    response = public.post(START, data={"csrf_token": csrf_token(page(public, SURVEY_URL))})
    assert response.status_code == 302 and response.location.startswith("/staff/login")
    lead = signed_in(app, LEAD)
    assert lead.post(START).status_code == 400  # no CSRF token
    assert _responses(db_session) == []
    assert _banner(public, SURVEY_URL) == "" and _banner(lead, SURVEY_URL) == ""


def test_viewers_and_other_forums_cannot_start_it(app: Flask, db_session: Session, forum: int) -> None:
    viewer = signed_in(app, VIEWER)
    soup = page(viewer, BASE)
    assert soup.select(f"form[action='{START}']") == [] and soup.select("#assisted") == []
    assert viewer.post(START, data={"csrf_token": csrf_token(soup)}).status_code == 403
    other = signed_in(app, "lead@other.example")
    token = csrf_token(page(other, "/staff/surveys"))
    assert other.post(START, data={"csrf_token": token}).status_code == 404
    assert _responses(db_session) == []


def test_a_survey_not_taking_responses_refuses_it(app: Flask, db_session: Session, forum: int) -> None:
    survey = db_session.scalars(select(Survey).where(Survey.slug == "send-experience")).one()
    survey.closes_on = date(2020, 1, 31)
    db_session.commit()
    client = signed_in(app, LEAD)
    soup = page(client, BASE)
    assert soup.select(f"form[action='{START}']") == []
    assert "This survey is not taking responses today, so no answers can be entered." in squashed_text(soup)
    response = client.post(START, data={"csrf_token": csrf_token(soup)})
    assert response.status_code == 409
    summary = one(parsed(response), "[data-error-summary] a")
    assert summary["href"] == "#assisted" and "not taking responses today" in squashed_text(summary)
    make_pulse(db_session, survey.forum)  # never published: no section, and refused
    draft = page(client, "/staff/surveys/pulse")
    assert draft.select("#assisted") == []
    token = csrf_token(draft)
    assert client.post("/staff/surveys/pulse/assisted", data={"csrf_token": token}).status_code == 409
    assert _responses(db_session) == []


def test_nothing_on_the_response_identifies_the_member_of_staff(
    app: Flask, db_session: Session, forum: int
) -> None:
    client = signed_in(app, CODER)
    _start(client)
    answer_all(client)
    submit(client)
    [sent] = _responses(db_session)
    columns = {column.key for column in inspect(Response).columns}
    assert columns == {
        "id", "forum_id", "survey_version_id", "status", "started_on", "submitted_on", "idempotency_key",
        "receipt_hash", "resume_hash", "resume_expires_on", "assisted",
    }  # fmt: skip
    stored = table_text(db_session, "responses") + table_text(db_session, "answers")
    assert CODER not in stored
    # The audit log says a coder started an assisted entry to this survey, never which response it was.
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "builder.assisted_start POST"))
    [event] = list(events)
    assert (event.user_id, event.object_id) == (user_id(db_session, CODER), "send-experience")
    assert sent.id not in table_text(db_session, "audit_events")


def test_staff_see_which_responses_were_assisted(app: Flask, db_session: Session, forum: int) -> None:
    own = app.test_client()  # a parent's own response
    answer_all(own)
    submit(own)
    client = signed_in(app, LEAD)
    _start(client)
    answer_all(client)
    submit(client)
    assisted = next(response for response in _responses(db_session) if response.assisted)
    listing = squashed_text(one(page(client, "/staff/responses"), "main"))
    assert "2 submitted responses. 1 of them was entered by staff on a parent’s behalf (assisted)." in listing
    detail = page(client, f"/staff/responses/{assisted.id}")
    shown = squashed_text(one(detail, "[data-assisted]"))
    assert shown == "Assisted: a member of staff entered these answers on a parent’s behalf."
    parents = next(r for r in _responses(db_session) if not r.assisted and r.status == SUBMITTED)
    assert page(client, f"/staff/responses/{parents.id}").select("[data-assisted]") == []


def test_signing_out_ends_assisted_entry(app: Flask, db_session: Session, forum: int) -> None:
    client = signed_in(app, LEAD)
    _start(client)
    assert BANNER in _banner(client, question_url("age_band"))
    token = csrf_token(page(client, BASE))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code in (302, 303)
    assert _banner(client, SURVEY_URL) == ""
    answer_all(client)
    assert sorted(response.assisted for response in _responses(db_session)) == [False, True]
