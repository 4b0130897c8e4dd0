"""The runner end to end in the Flask test client, with CSRF on, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.surveys.codes import hash_code
from forum_app.surveys.models import SUBMITTED, Answer, Response
from tests.factories import (
    SURVEY_URL,
    answer_all,
    attribute,
    make_forum,
    make_survey,
    one,
    page,
    post_form,
    question_url,
    receipt_code,
    squashed_text,
    start,
    submit,
)


def _setup(db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))


def test_start_page_says_what_happens_and_writes_nothing(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    soup = page(client, SURVEY_URL)
    assert one(soup, "h1").get_text(strip=True) == "Your family's experience of SEND services"
    text = soup.get_text(" ")
    assert "inspectors" in text and "receipt code" in text and "minutes" in text
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0


def test_complete_journey_gives_receipt_and_stores_answers(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    answer_all(client)
    check = page(client, f"{SURVEY_URL}check")
    summary = check.get_text(" ")
    assert "30 weeks" in summary and "14 months so far (still waiting)" in summary
    assert "Autism" in summary and "Yes, you can quote my words" in summary
    response = submit(client)
    assert response.status_code == 302 and response.location.endswith("/done")
    done = page(client, f"{SURVEY_URL}done")
    code = receipt_code(done)
    assert code is not None
    stored = db_session.scalars(select(Response)).one()
    assert stored.status == SUBMITTED and stored.submitted_on is not None
    assert stored.receipt_hash == hash_code(code) and code not in stored.receipt_hash
    answers: dict[str, Any] = dict(db_session.execute(select(Answer.question_key, Answer.value)).all())
    assert answers["needs"] == ["autism", "semh"]
    assert answers["wait_camhs_rtt"] == {"amount": 14, "unit": "months", "still_waiting": True}
    assert answers["rating_support"] == 1 and answers["quote_consent"] is True


def test_answers_live_in_the_database_not_the_cookie(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    cookie_before = client.get_cookie("forum_session")
    long_text = "We waited and waited. " * 200
    post_form(client, question_url("age_band"), {"answer": "5-10"})
    for key in ("setting", "needs", "ehcp", "services_waited", "rating_communication", "rating_support"):
        client.get(question_url(key))
    response = post_form(client, question_url("not_worked"), {"answer": long_text})
    assert response.status_code == 302
    cookie_after = client.get_cookie("forum_session")
    assert cookie_before is not None and cookie_after is not None
    assert len(cookie_after.value) < 600 and "waited" not in cookie_after.value
    assert (
        db_session.scalar(select(Answer.value).where(Answer.question_key == "not_worked"))
        == long_text.strip()
    )


def test_back_links_and_no_count_that_could_jump(client: FlaskClient, db_session: Session) -> None:
    """No "Question 3 of 7": the total would move as routing shows or hides questions."""
    _setup(db_session)
    start(client)
    first = page(client, question_url("age_band"))
    assert one(first, "a.back-link")["href"] == SURVEY_URL
    post_form(client, question_url("age_band"), {"answer": "0-4"})
    second = page(client, question_url("setting"))
    assert one(second, "a.back-link")["href"] == question_url("age_band")
    for soup in (first, second):
        assert not re.search(r"\bof \d+\b", squashed_text(soup)), squashed_text(soup)
    assert one(second, "title").get_text().startswith("Where does your child go")


def test_answers_are_shown_again_when_going_back(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    post_form(client, question_url("age_band"), {"answer": "16-18"})
    soup = page(client, question_url("age_band"))
    assert one(soup, 'input[value="16-18"]').has_attr("checked")


def test_routing_asks_only_for_waits_the_family_had(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    earlier: list[tuple[str, dict[str, Any]]] = [
        ("age_band", {"answer": "5-10"}),
        ("setting", {"answer": "special"}),
        ("needs", {"answer": ["slcn"]}),
        ("ehcp", {"answer": "yes"}),
    ]
    for key, data in earlier:
        post_form(client, question_url(key), data)
    response = post_form(client, question_url("services_waited"), {"answer": ["salt"]})
    assert response.location.endswith("/q/wait_salt")
    response = post_form(client, question_url("wait_salt"), {"amount": "9", "unit": "months"})
    assert response.location.endswith("/q/rating_communication")
    # A wait the family did not have cannot be opened directly.
    assert client.get(question_url("wait_camhs_rtt")).status_code == 302


def test_change_link_returns_to_check_answers(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    answer_all(client)
    check = page(client, f"{SURVEY_URL}check")
    change = check.find("a", href=lambda h: h and "/q/ehcp" in h)
    assert change is not None and "change=1" in change["href"]
    response = post_form(client, attribute(change, "href"), {"answer": "yes"})
    assert response.location.endswith("/check")
    # Changing which services were waited for asks the new wait, then goes back to check.
    response = post_form(
        client, f"{question_url('services_waited')}?change=1", {"answer": ["ehcna", "camhs", "ot"]}
    )
    assert "/q/wait_ot" in response.location and "change=1" in response.location
    response = post_form(client, f"{question_url('wait_ot')}?change=1", {"amount": "3", "unit": "weeks"})
    assert response.location.endswith("/check")


def test_hidden_answers_are_dropped_on_submit(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    answer_all(client)
    post_form(client, f"{question_url('services_waited')}?change=1", {"answer": ["ehcna"]})
    assert submit(client).status_code == 302
    keys = set(db_session.scalars(select(Answer.question_key)))
    assert "wait_ehcna_plan" in keys and "wait_camhs_rtt" not in keys


def test_check_answers_sends_to_first_missing_answer(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    post_form(client, question_url("age_band"), {"answer": "5-10"})
    response = client.get(f"{SURVEY_URL}check")
    assert response.status_code == 302 and response.location.endswith("/q/setting")


def test_after_submitting_questions_lead_to_the_confirmation(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    answer_all(client)
    submit(client)
    response = client.get(question_url("age_band"))
    assert response.status_code == 302 and response.location.endswith("/done")


def test_question_pages_are_not_cached(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    response = client.get(question_url("age_band"))
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
