"""Publishing drafts as frozen versions, and opening and closing surveys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.builder.drafts import DraftChanged, draft_of, save_draft
from forum_app.builder.editing import add_question, remove_question
from forum_app.builder.publishing import (
    DatesRefused,
    PublishRefused,
    close_now,
    publish,
    published_keys,
    reopen,
    set_dates,
    survey_versions,
)
from forum_app.db import today
from forum_app.surveys.models import SUBMITTED, SURVEY_CLOSED, SURVEY_DRAFT, SURVEY_OPEN, Response, Survey
from forum_app.surveys.services import latest_version
from tests.builder.factories import make_pulse
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    make_forum,
    make_survey,
    page,
    post_form,
    question_url,
    start,
    submit,
)


def _survey(session: Session, survey_id: int) -> Survey:
    session.expire_all()
    found = session.get(Survey, survey_id)
    assert found is not None
    return found


def test_the_first_publish_makes_version_1_and_opens_the_survey(db_session: Session) -> None:
    survey = make_pulse(db_session, make_forum(db_session))
    assert survey.status == SURVEY_DRAFT
    result = publish(db_session, survey.id)
    assert (result.number, result.changed) == (1, True)
    assert _survey(db_session, survey.id).status == SURVEY_OPEN
    version = latest_version(db_session, survey.id)
    assert version is not None and version.definition == draft_of(db_session, survey.id).document


def test_an_edited_draft_is_version_2_and_an_unchanged_one_publishes_nothing(db_session: Session) -> None:
    survey = make_pulse(db_session, make_forum(db_session))
    publish(db_session, survey.id)
    assert publish(db_session, survey.id) == type(publish(db_session, survey.id))(1, False)
    draft = draft_of(db_session, survey.id)
    document, _key = add_question(draft.document, "month", "When did you last ask for help?")
    revision = save_draft(db_session, survey.id, document, draft.revision)
    assert publish(db_session, survey.id, revision).number == 2
    first, second = sorted(survey_versions(db_session, survey.id), key=lambda row: row.number)
    assert (first.number, second.number) == (1, 2)
    assert "when_did_you_last_ask_for_help" in published_keys(db_session, survey.id)
    # Edited back to version 1's questions: a draft identical to the latest (2) still makes version 3.
    back = remove_question(document, "when_did_you_last_ask_for_help")
    save_draft(db_session, survey.id, back, revision)
    assert publish(db_session, survey.id).number == 3
    assert publish(db_session, survey.id).changed is False
    stored = latest_version(db_session, survey.id)
    assert stored is not None and stored.number == 3


def test_a_draft_with_a_routing_problem_or_a_stale_revision_is_not_published(db_session: Session) -> None:
    survey = make_pulse(db_session, make_forum(db_session))
    draft = draft_of(db_session, survey.id)
    document = draft.document
    document["questions"][2]["show_if"]["any_of"] = ["ot"]
    revision = save_draft(db_session, survey.id, document, draft.revision)
    with pytest.raises(PublishRefused) as refused:
        publish(db_session, survey.id, revision)
    assert "“What happened with CAMHS?”" in refused.value.problems[0]
    with pytest.raises(DraftChanged):
        publish(db_session, survey.id, draft.revision)
    assert latest_version(db_session, survey.id) is None
    assert _survey(db_session, survey.id).status == SURVEY_DRAFT


def test_dates_close_and_reopen(db_session: Session) -> None:
    forum = make_forum(db_session)
    survey = make_pulse(db_session, forum)
    with pytest.raises(DatesRefused):
        close_now(db_session, survey.id)  # nothing to close before it is published
    publish(db_session, survey.id)
    day = today()
    with pytest.raises(DatesRefused):
        set_dates(db_session, survey.id, day, day - timedelta(days=1))
    set_dates(db_session, survey.id, day, day)
    assert (_survey(db_session, survey.id).opens_on, _survey(db_session, survey.id).closes_on) == (day, day)
    close_now(db_session, survey.id)
    assert _survey(db_session, survey.id).status == SURVEY_CLOSED
    set_dates(db_session, survey.id, None, day - timedelta(days=3))
    reopen(db_session, survey.id)
    reopened = _survey(db_session, survey.id)
    assert (reopened.status, reopened.closes_on) == (SURVEY_OPEN, None)  # a past closing date is taken away


@pytest.mark.parametrize("when", ["not yet open", "past its closing date", "closed now"])
def test_a_survey_outside_its_dates_refuses_families_with_the_closed_page(
    app: Flask, db_session: Session, when: str
) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    client = app.test_client()
    page(client, SURVEY_URL)
    day = today()
    if when == "not yet open":
        set_dates(db_session, survey_id, day + timedelta(days=1), None)
    elif when == "past its closing date":
        set_dates(db_session, survey_id, None, day - timedelta(days=1))
    else:
        close_now(db_session, survey_id)
    assert "This survey has closed" in page(client, SURVEY_URL, 410).get_text()


def test_a_family_halfway_through_version_1_finishes_on_version_1(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    client = app.test_client()
    start(client)
    for key, data in JOURNEY[:5]:
        assert post_form(client, question_url(key), data).status_code == 302
    # Meanwhile a lead removes a question this family has still to answer, and publishes version 2.
    draft = draft_of(db_session, survey_id)
    save_draft(db_session, survey_id, remove_question(draft.document, "one_change"), draft.revision)
    assert publish(db_session, survey_id).number == 2
    for key, data in JOURNEY[5:]:
        response = post_form(client, question_url(key), data)
        assert response.status_code == 302, key  # "one_change" too: it is in their version
    assert submit(client).status_code == 302
    db_session.expire_all()
    (sent,) = db_session.scalars(select(Response).where(Response.status == SUBMITTED))
    assert sent.survey_version.number == 1
    assert {answer.question_key for answer in sent.answers} >= {"one_change"}
    # A family starting now answers version 2.
    other = app.test_client()
    start(other)
    newest = db_session.scalars(select(Response).where(Response.status != SUBMITTED)).one()
    assert newest.survey_version.number == 2
