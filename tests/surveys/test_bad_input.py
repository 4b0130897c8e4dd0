"""Whatever a parent (or a tampered form) sends, every public page answers helpfully, never with a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.extensions import db
from forum_app.surveys.models import IN_PROGRESS, SUBMITTED, Answer, Response, Survey
from forum_app.surveys.services import set_survey_status
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    answer_all,
    csrf_token,
    idempotency_key,
    make_forum,
    make_survey,
    page,
    parsed,
    post_form,
    question_url,
    receipt_code,
    start,
    submit,
)

CHECK_URL = f"{SURVEY_URL}check"
EXPIRED = "open for a long time"
UP_TO_SERVICES_WAITED = JOURNEY[:5]  # answers that make wait_ehcna_plan and wait_camhs_rtt visible


def _setup(db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))


def _saved(db_session: Session, key: str) -> Any:
    db_session.expire_all()
    return db_session.scalar(select(Answer.value).where(Answer.question_key == key))


def _count(db_session: Session, status: str | None = None) -> int:
    db_session.expire_all()
    query = select(func.count()).select_from(Response)
    if status is not None:
        query = query.where(Response.status == status)
    return db_session.scalar(query) or 0


def _textarea(soup: BeautifulSoup) -> str:
    area = soup.find("textarea", attrs={"name": "answer"})
    assert area is not None
    return area.get_text()


def assert_error_page(soup: BeautifulSoup, *messages: str) -> None:
    """The GOV.UK error pattern: "Error:" title, a summary linking to fields, the same messages inline."""
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary = soup.find(class_="error-summary")
    assert summary is not None, "no error summary"
    links = summary.find_all("a")
    assert [link.get_text(strip=True) for link in links] == list(messages)
    for link in links:
        href = str(link["href"])
        assert href.startswith("#") and soup.find(id=href[1:]) is not None, f"{href} points at nothing"
    inline = [
        p.get_text(" ", strip=True).removeprefix("Error:").strip() for p in soup.select(".error-message")
    ]
    assert inline == list(messages)


# --- addresses that lead nowhere -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/s/no-such-forum/send-experience/",
        "/s/demo/no-such-survey/",
        "/s/demo/no-such-survey/q/age_band",
        "/s/demo/no-such-survey/check",
        "/s/demo/no-such-survey/done",
        "/s/demo\x00/send-experience/",
        "/s/demo/send-experience\x00/q/age_band",
    ],
)
def test_unknown_forum_or_survey_gives_a_helpful_404(
    client: FlaskClient, db_session: Session, url: str
) -> None:
    _setup(db_session)
    responses = [client.get(url)] if url.endswith("/done") else [client.get(url), client.post(url, data={})]
    for response in responses:
        assert response.status_code == 404
        text = parsed(response).get_text(" ")
        assert "Survey not found" in text and "Check the web address" in text
    assert _count(db_session) == 0


def test_unknown_page_gives_a_helpful_404(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    soup = page(client, "/no/such/page", status=404)
    assert "Page not found" in soup.get_text() and soup.find("a", href="/") is not None


@pytest.mark.parametrize("key", ["no_such_question", "AGE_BAND", "age_band\x00", "../check"])
def test_unknown_question_key_gives_404(client: FlaskClient, db_session: Session, key: str) -> None:
    _setup(db_session)
    start(client)
    assert "Page not found" in page(client, question_url(key), status=404).get_text()
    token = csrf_token(page(client, question_url("age_band")))
    response = client.post(question_url(key), data={"answer": "0-4", "csrf_token": token})
    assert response.status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Answer)) == 0


# --- a closed survey --------------------------------------------------------------------------


def test_closed_survey_says_so_on_every_page(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    token = csrf_token(page(client, question_url("age_band")))
    set_survey_status(db_session, db_session.scalars(select(Survey.id)).one(), "closed")
    for url in (SURVEY_URL, question_url("age_band"), question_url("setting"), CHECK_URL):
        response = client.get(url)
        assert response.status_code == 410, url
        text = parsed(response).get_text(" ")
        assert "This survey has closed" in text and "Demo Parent Carer Forum" in text
        assert "no longer collecting answers" in text
    answer = client.post(question_url("age_band"), data={"answer": "0-4", "csrf_token": token})
    again = client.post(SURVEY_URL, data={"csrf_token": token})
    assert answer.status_code == again.status_code == 410
    assert _saved(db_session, "age_band") is None and _count(db_session) == 1


# --- answers the form cannot accept -----------------------------------------------------------


def test_missing_answer_uses_the_question_own_message(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    response = post_form(client, question_url("age_band"), {})
    assert response.status_code == 200
    assert_error_page(parsed(response), "Select how old your child is")


def test_text_over_the_limit_is_kept_on_screen_and_not_saved(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    start(client)
    typed = "We waited. " * 500 + "The end"  # 5,507 characters
    response = post_form(client, question_url("not_worked"), {"answer": typed})
    assert response.status_code == 200
    soup = parsed(response)
    assert_error_page(soup, "Your answer must be 5,000 characters or fewer. It is 5,507 now")
    assert _textarea(soup) == typed
    assert _saved(db_session, "not_worked") is None


def test_text_at_the_limit_is_saved(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    typed = "a" * 5000
    assert post_form(client, question_url("not_worked"), {"answer": typed}).status_code == 302
    assert _saved(db_session, "not_worked") == typed


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("age_band", {"answer": "99"}, "Select one of the options shown"),
        ("age_band", {"answer": "<script>alert(1)</script>"}, "Select one of the options shown"),
        ("rating_support", {"answer": "9"}, "Select one of the options shown"),
        ("rating_support", {"answer": "one"}, "Select one of the options shown"),
        ("needs", {"answer": ["autism", "hacked"]}, "Select from the options shown"),
        ("needs", {"answer": ["x" * 300]}, "Select from the options shown"),
    ],
)
def test_tampered_choice_is_refused_plainly(
    client: FlaskClient, db_session: Session, key: str, data: dict[str, Any], message: str
) -> None:
    _setup(db_session)
    answer_all(client, UP_TO_SERVICES_WAITED)
    response = post_form(client, question_url(key), data)
    assert response.status_code == 200
    soup = parsed(response)
    assert_error_page(soup, message)
    assert "<script>" not in response.get_data(as_text=True)
    before = dict(UP_TO_SERVICES_WAITED).get(key, {}).get("answer")
    assert _saved(db_session, key) == before


@pytest.mark.parametrize(
    ("key", "chosen", "label"),
    [
        ("services_waited", ["none", "camhs"], "None of these"),
        ("needs", ["autism", "not_sure"], "We are not sure yet"),
    ],
)
def test_exclusive_option_cannot_be_combined(
    client: FlaskClient, db_session: Session, key: str, chosen: list[str], label: str
) -> None:
    _setup(db_session)
    start(client)
    response = post_form(client, question_url(key), {"answer": chosen})
    assert response.status_code == 200
    soup = parsed(response)
    assert_error_page(soup, f"Select ‘{label}’ on its own, or untick it")
    ticked = [str(box["value"]) for box in soup.find_all("input", attrs={"name": "answer", "checked": True})]
    assert sorted(ticked) == sorted(chosen)
    assert _saved(db_session, key) is None


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"amount": "abc", "unit": "weeks"}, ["Enter a whole number, like 6"]),
        ({"amount": "3.5", "unit": "weeks"}, ["Enter a whole number, like 6"]),
        ({"amount": "-3", "unit": "weeks"}, ["Enter a number from 0 to 520"]),
        ({"amount": "600", "unit": "weeks"}, ["Enter a number from 0 to 520"]),
        ({"amount": "121", "unit": "months"}, ["Enter a number from 0 to 120"]),
        ({"amount": "99999999999999999999", "unit": "months"}, ["Enter a number from 0 to 120"]),
        ({"amount": "12"}, ["Select weeks or months"]),
        ({"amount": "12", "unit": "days"}, ["Select weeks or months"]),
        ({"amount": "abc"}, ["Enter a whole number, like 6", "Select weeks or months"]),
        ({"unit": "weeks"}, ["Enter how long you waited, as a whole number"]),
    ],
)
def test_bad_duration_gives_one_clear_message_per_field(
    client: FlaskClient, db_session: Session, data: dict[str, str], errors: list[str]
) -> None:
    _setup(db_session)
    answer_all(client, UP_TO_SERVICES_WAITED)
    response = post_form(client, question_url("wait_camhs_rtt"), data)
    assert response.status_code == 200
    soup = parsed(response)
    assert_error_page(soup, *errors)
    amount = soup.find("input", attrs={"name": "amount"})
    assert amount is not None and amount["value"] == data.get("amount", "")
    assert _saved(db_session, "wait_camhs_rtt") is None


def test_a_good_duration_after_a_bad_one_is_saved(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    answer_all(client, UP_TO_SERVICES_WAITED)
    post_form(client, question_url("wait_camhs_rtt"), {"amount": "abc", "unit": "weeks"})
    response = post_form(client, question_url("wait_camhs_rtt"), {"amount": " 52 "})
    assert response.status_code == 200  # still no unit
    response = post_form(client, question_url("wait_camhs_rtt"), {"amount": "52", "unit": "weeks"})
    assert response.status_code == 302
    assert _saved(db_session, "wait_camhs_rtt") == {"amount": 52, "unit": "weeks", "still_waiting": False}


def test_an_optional_wait_needs_a_unit_once_a_number_is_given(
    client: FlaskClient, db_session: Session
) -> None:
    """The EHC plan wait may be left blank (a family told no has no plan to count to), but '30' with no
    unit was saved as {"unit": None} and read as 30 weeks."""
    _setup(db_session)
    answer_all(client, UP_TO_SERVICES_WAITED)
    response = post_form(client, question_url("wait_ehcna_plan"), {"amount": "30"})
    assert response.status_code == 200
    assert_error_page(parsed(response), "Select weeks or months")
    assert _saved(db_session, "wait_ehcna_plan") is None
    response = post_form(client, question_url("wait_ehcna_plan"), {})
    assert response.status_code == 302 and _saved(db_session, "wait_ehcna_plan") is None


# --- tampered and stale forms -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["tampered", "", "x" * 5000])
def test_tampered_idempotency_key_is_refused(client: FlaskClient, db_session: Session, key: str) -> None:
    _setup(db_session)
    answer_all(client)
    response = post_form(client, CHECK_URL, {"idempotency_key": key})
    assert response.status_code == 400
    assert "Sorry, we could not accept that" in parsed(response).get_text()
    assert _count(db_session, SUBMITTED) == 0 and _count(db_session, IN_PROGRESS) == 1


def _expire_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the CSRF clock a day and a bit forward: every token issued so far is now too old."""
    issued_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at(self) + 25 * 3600)


@contextmanager
def _database(app: Flask) -> Iterator[Session]:
    """A session in an app context of its own, opened and closed around each use."""
    with app.app_context():
        yield db.session


@pytest.mark.parametrize("how", ["missing", "garbage", "expired", "session ended"])
def test_stale_token_on_a_question_keeps_the_words_and_saves_on_the_next_press(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    with _database(app) as session:
        _setup(session)
    start(client)
    token = csrf_token(page(client, question_url("not_worked")))
    data = {"answer": "Nobody called us back.\r\nWe gave up in the end."}
    if how == "garbage":
        data["csrf_token"] = "not-a-token"
    elif how == "expired":
        data["csrf_token"] = token
        _expire_tokens(monkeypatch)
    elif how == "session ended":
        data["csrf_token"] = token
        client.delete_cookie("forum_session")
    response = client.post(question_url("not_worked"), data=data)
    assert response.status_code == 200
    soup = parsed(response)
    assert EXPIRED in soup.get_text() and soup.title is not None
    assert soup.title.get_text().startswith("Error: ")
    assert _textarea(soup) == "Nobody called us back.\nWe gave up in the end."
    with _database(app) as session:
        assert _saved(session, "not_worked") is None
    # Pressing the button again sends the page's fresh token, and the answer is saved.
    again = client.post(
        question_url("not_worked"), data={"answer": _textarea(soup), "csrf_token": csrf_token(soup)}
    )
    assert again.status_code == 302 and again.location.endswith("/q/one_change")
    with _database(app) as session:
        assert _saved(session, "not_worked") == "Nobody called us back.\nWe gave up in the end."


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_stale_token_on_the_start_page_starts_nothing(
    client: FlaskClient, db_session: Session, token: str | None
) -> None:
    _setup(db_session)
    page(client, SURVEY_URL)
    response = client.post(SURVEY_URL, data={} if token is None else {"csrf_token": token})
    assert response.status_code == 200
    soup = parsed(response)
    assert EXPIRED in soup.get_text() and _count(db_session) == 0
    assert client.post(SURVEY_URL, data={"csrf_token": csrf_token(soup)}).status_code == 302
    assert _count(db_session, IN_PROGRESS) == 1


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_stale_token_on_the_check_page_sends_nothing(
    app: Flask, client: FlaskClient, token: str | None
) -> None:
    with _database(app) as session:
        _setup(session)
    answer_all(client)
    key = idempotency_key(client)
    response = client.post(
        CHECK_URL, data={"idempotency_key": key, **({"csrf_token": token} if token else {})}
    )
    assert response.status_code == 200
    soup = parsed(response)
    assert EXPIRED in soup.get_text() and "They are all saved" in soup.get_text()
    with _database(app) as session:
        assert _count(session, SUBMITTED) == 0
    again = client.post(CHECK_URL, data={"idempotency_key": key, "csrf_token": csrf_token(soup)})
    assert again.status_code == 302 and again.location.endswith("/done")
    with _database(app) as session:
        assert _count(session, SUBMITTED) == 1


def test_check_page_open_past_the_session_keeps_the_answers_and_sends_on_the_next_press(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _database(app) as session:
        _setup(session)
    answer_all(client)
    data = {"idempotency_key": idempotency_key(client), "csrf_token": csrf_token(page(client, CHECK_URL))}
    _expire_tokens(monkeypatch)  # the session cookie (12 hours) has expired along with the token
    response = client.post(CHECK_URL, data=data)
    assert response.status_code == 200
    soup = parsed(response)
    assert EXPIRED in soup.get_text() and "They are all saved" in soup.get_text()
    with _database(app) as session:
        assert _count(session, SUBMITTED) == 0
    again = client.post(CHECK_URL, data={**data, "csrf_token": csrf_token(soup)})
    assert again.status_code == 302 and again.location.endswith("/done")
    assert receipt_code(page(client, f"{SURVEY_URL}done")) is not None  # a new one: the old was lost
    with _database(app) as session:
        assert _count(session, SUBMITTED) == 1


def test_check_page_with_a_forged_key_sends_nothing(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    answer_all(client)
    other = FlaskClient(client.application, use_cookies=True)
    token = csrf_token(page(other, SURVEY_URL))
    for key in ("0" * 32, "\x00" * 32, "x" * 5000):
        response = other.post(CHECK_URL, data={"idempotency_key": key, "csrf_token": token})
        assert response.status_code == 302 and response.location.endswith(SURVEY_URL)
    assert _count(db_session, SUBMITTED) == 0


def test_body_over_the_size_limit_gets_a_friendly_413(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    start(client)
    token = csrf_token(page(client, question_url("not_worked")))
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for url in (question_url("not_worked"), SURVEY_URL, CHECK_URL):
        response = client.post(url, data={"answer": too_big, "csrf_token": token})
        assert response.status_code == 413, url
        assert "That was too long to send" in parsed(response).get_text()
    assert _saved(db_session, "not_worked") is None and _count(db_session) == 1


def test_resent_forms_after_sending_lead_to_the_confirmation(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    answer_all(client)
    question_token = csrf_token(page(client, question_url("age_band")))
    key = idempotency_key(client)
    assert submit(client).status_code == 302
    resent = client.post(question_url("age_band"), data={"answer": "0-4", "csrf_token": question_token})
    assert resent.status_code == 302 and resent.location.endswith("/done")
    resent = client.post(CHECK_URL, data={"idempotency_key": key, "csrf_token": question_token})
    assert resent.status_code == 302 and resent.location.endswith("/done")
    assert _saved(db_session, "age_band") == "11-15"
    assert _count(db_session, SUBMITTED) == 1 and _count(db_session) == 1


# --- text from anywhere: emoji, right-to-left, Word, Windows, control characters ---------------

PASTED = (
    "Line one 😀👨‍👩‍👧\r\n"
    "مرحبا، ابني ينتظر منذ سنة\r\n"
    "שלום, חיכינו הרבה זמן\r\n"
    "Word says “smart quotes”, ‘single’ – and… a café\r\n"
    "bell\x07 nul\x00 escape\x1b delete\x7f vertical\x0btab\there\r"
    "e\u0301 the end"
)
STORED = (
    "Line one 😀👨‍👩‍👧\n"
    "مرحبا، ابني ينتظر منذ سنة\n"
    "שלום, חיכינו הרבה זמן\n"
    "Word says “smart quotes”, ‘single’ – and… a café\n"
    "bell nul escape delete verticaltab\there\n"
    "\u00e9 the end"
)


def test_pasted_text_is_stored_cleanly_and_shown_back(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    journey = [(key, {"answer": PASTED}) if key == "not_worked" else (key, data) for key, data in JOURNEY]
    answer_all(client, journey)
    assert _saved(db_session, "not_worked") == STORED
    assert _textarea(page(client, question_url("not_worked"))) == STORED
    check = page(client, CHECK_URL)
    shown = [dd for dd in check.find_all("dd", class_="summary-list__value") if "Line one" in dd.get_text()]
    assert len(shown) == 1
    lines = shown[0].find_all("p")
    assert [p.get_text() for p in lines] == STORED.split("\n")
    assert all(p.get("dir") == "auto" for p in lines)
    assert submit(client).status_code == 302
    assert _saved(db_session, "not_worked") == STORED


@pytest.mark.parametrize("typed", ["\x00", " \r\n\t ", "\x00\x01\x02"])
def test_text_of_only_invisible_characters_counts_as_no_answer(
    client: FlaskClient, db_session: Session, typed: str
) -> None:
    _setup(db_session)
    start(client)
    assert post_form(client, question_url("not_worked"), {"answer": typed}).status_code == 302
    assert _saved(db_session, "not_worked") is None


def test_right_to_left_text_is_given_its_own_direction(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    start(client)
    post_form(client, question_url("not_worked"), {"answer": "مرحبا، ابني ينتظر منذ سنة"})
    area = page(client, question_url("not_worked")).find("textarea")
    assert area is not None and area.get("dir") == "auto"
