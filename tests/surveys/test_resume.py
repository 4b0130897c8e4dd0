"""Save and come back later: a four-word code, stored hashed, that restores every answer."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.db import today
from forum_app.extensions import db
from forum_app.surveys.codes import hash_resume_code, normalise_resume_code, word_list
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Response
from tests.conftest import make_test_app
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    make_forum,
    make_survey,
    one,
    page,
    post_form,
    question_url,
    receipt_code,
    start,
    submit,
)

RESUME_URL = f"{SURVEY_URL}resume"


def _answer_some(client: FlaskClient, how_many: int) -> None:
    start(client)
    for key, data in JOURNEY[:how_many]:
        assert post_form(client, question_url(key), data).status_code == 302


def _save(client: FlaskClient, key: str, data: dict[str, object]) -> str:
    response = post_form(client, question_url(key), {**data, "action": "save"})
    assert response.status_code == 302 and response.location.endswith("/saved"), response.location
    soup = page(client, f"{SURVEY_URL}saved")
    code = one(soup, "strong.resume-code").get_text(strip=True)
    assert len(code.split()) == 4
    return code


def _resume(client: FlaskClient, code: str) -> Any:
    return post_form(client, RESUME_URL, {"code": code})


def test_save_and_resume_on_another_device_restores_every_answer(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 4)
    code = _save(client, "services_waited", {"answer": ["salt"]})
    stored = db_session.scalars(select(Response)).one()
    assert stored.resume_hash == hash_resume_code(code) and code not in (stored.resume_hash or "")
    assert stored.resume_expires_on == today() + timedelta(days=app.config["RESUME_DAYS"])

    other_phone = app.test_client()
    response = _resume(other_phone, code.upper().replace(" ", "-"))  # any case, any separator
    assert response.status_code == 302 and response.location.endswith("/q/wait_salt")
    for key, value in (("age_band", "11-15"), ("ehcp", "waiting")):
        assert one(page(other_phone, question_url(key)), f'input[value="{value}"]').has_attr("checked")
    assert one(page(other_phone, question_url("services_waited")), 'input[value="salt"]').has_attr("checked")
    # The parent finishes on the other phone and gets a receipt code there.
    for key, data in [("wait_salt", {"amount": "8", "unit": "months"}), *JOURNEY[7:]]:
        assert post_form(other_phone, question_url(key), data).status_code == 302
    assert submit(other_phone).status_code == 302
    assert receipt_code(page(other_phone, f"{SURVEY_URL}done")) is not None
    # Once sent, the resume code no longer opens anything; it says the answers were sent.
    later = _resume(app.test_client(), code)
    assert later.status_code == 200 and "already been sent" in later.get_data(as_text=True)


def test_saving_a_blank_page_keeps_earlier_answers(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 2)
    code = _save(client, "needs", {})
    other = client.application.test_client()
    response = _resume(other, code)
    assert response.location.endswith("/q/needs")


def test_saving_an_invalid_answer_shows_the_problem_and_keeps_the_words(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 9)
    too_long = "word " * 1200
    response = post_form(client, question_url("worked_well"), {"answer": too_long, "action": "save"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "5,000 characters or fewer" in text and too_long.strip()[:100] in text


def test_a_new_save_replaces_the_old_code(app: Flask, client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 1)
    first = _save(client, "setting", {})
    assert _resume(client, first).status_code == 302  # this phone carries on with the code, too
    second = _save(client, "setting", {"answer": "special"})
    assert normalise_resume_code(first) != normalise_resume_code(second)
    assert "could not find" in _resume(app.test_client(), first).get_data(as_text=True)
    assert _resume(app.test_client(), second).status_code == 302


def test_the_saved_page_shows_the_code_once_then_forgets_the_answers_here(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    """On a shared phone, the next person must find neither the resume code nor the saved answers."""
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 2)
    code = _save(client, "setting", {"answer": "special"})
    again = page(client, f"{SURVEY_URL}saved")
    assert again.h1 is not None and again.h1.get_text(strip=True) == "Your answers are saved"
    assert again.find("strong", class_="resume-code") is None
    assert code not in str(again) and code.split()[0] not in again.get_text()
    assert "you need the four-word code" in again.get_text()
    # The draft is no longer this browser's: its questions do not show the answers given.
    question = client.get(question_url("age_band"))
    assert question.status_code == 302 or "checked" not in question.get_data(as_text=True)
    assert _resume(client, code).status_code == 302  # the parent carries on with the code
    assert one(page(client, question_url("age_band")), 'input[value="11-15"]').has_attr("checked")
    # A new visit to the survey's first page starts afresh: the saved page has nothing to say.
    _save(client, "setting", {"answer": "special"})
    page(client, SURVEY_URL)
    assert client.get(f"{SURVEY_URL}saved").location.endswith("/resume")


def test_wrong_and_expired_codes_get_clear_messages(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    _answer_some(client, 1)
    code = _save(client, "setting", {})
    other = app.test_client()
    for wrong, message in [
        ("", "Enter the four words"),
        ("otter otter otter otter", "could not find"),
        ("!!!", "could not find"),
        ("x" * 300, "too long"),
    ]:
        response = _resume(other, wrong)
        soup_text = response.get_data(as_text=True)
        assert response.status_code == 200 and message in soup_text, wrong
        assert "<title>Error:" in soup_text
    stored = db_session.scalars(select(Response)).one()
    stored.resume_expires_on = today() - timedelta(days=1)
    db_session.commit()
    response = _resume(other, code)
    assert response.status_code == 200 and "stopped working" in response.get_data(as_text=True)


def test_guessing_codes_is_rate_limited(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    limit = app.config["CODE_ATTEMPTS_PER_SOURCE"]
    guesser = app.test_client()
    words = word_list()
    guesses = [f"otter maple {words[n]} {words[n + 1]}" for n in range(limit + 2)]  # every one different
    statuses = [_resume(guesser, guess).status_code for guess in guesses]
    assert statuses[:limit] == [200] * limit and statuses[limit:] == [429, 429]
    assert "Too many codes have been tried" in _resume(guesser, "x").get_data(as_text=True)


def test_resume_after_the_survey_changed_keeps_answers_that_still_fit(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    _answer_some(client, 5)  # up to services_waited: ehcna, camhs
    code = _save(client, "wait_ehcna_plan", {})
    changed = copy.deepcopy(load_packaged())
    questions = changed["questions"]
    questions[:] = [q for q in questions if q["key"] != "needs"]  # a question removed
    setting = next(q for q in questions if q["key"] == "setting")
    setting["options"] = [o for o in setting["options"] if o["value"] != "mainstream_secondary"]
    make_survey(db_session, forum, changed)  # version 2
    other = app.test_client()
    response = _resume(other, code)
    assert response.status_code == 302
    # The setting answer no longer fits, so it is asked again, and the parent is told why.
    assert response.location.endswith("/q/setting")
    soup = page(other, question_url("setting"))
    assert "The survey has changed since you saved" in soup.get_text()
    assert one(page(other, question_url("age_band")), 'input[value="11-15"]').has_attr("checked")
    db_session.expire_all()
    assert db_session.scalars(select(Response)).one().survey_version.number == 2


def test_behind_a_proxy_each_family_has_its_own_allowance(database_url: str, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    proxied = make_test_app(database_url, PROXY_COUNT=1, CODE_ATTEMPTS_PER_SOURCE=4)
    guesser, family = proxied.test_client(), proxied.test_client()
    words = word_list()
    for n in range(5):
        post_form(
            guesser, RESUME_URL, {"code": f"a b c {words[n]}"}, headers={"X-Forwarded-For": "198.51.100.7"}
        )
    assert (
        post_form(guesser, RESUME_URL, {"code": "a"}, headers={"X-Forwarded-For": "198.51.100.7"}).status_code
        == 429
    )
    response = post_form(family, RESUME_URL, {"code": "a"}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    db.engine(proxied).dispose()
