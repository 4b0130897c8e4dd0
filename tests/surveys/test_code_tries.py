"""Code tries: a generous allowance per source (a drop-in's shared wifi) and a small one per code typed,
so one family mistyping their code never locks the others out; the tries left are shown."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.ratelimit import RateLimitHit
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    answer_all,
    attribute,
    csrf_token,
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

RESUME_URL = f"{SURVEY_URL}resume"
WITHDRAW_URL = f"{SURVEY_URL}withdraw"
CONFIRM_URL = f"{SURVEY_URL}withdraw/confirm"
WRONG = "otter otter otter otter"


def _save(client: FlaskClient) -> str:
    start(client)
    key, data = JOURNEY[0]
    assert post_form(client, question_url(key), data).status_code == 302
    next_key, _ = JOURNEY[1]
    assert post_form(client, question_url(next_key), {"action": "save"}).status_code == 302
    return one(page(client, f"{SURVEY_URL}saved"), "strong.resume-code").get_text(strip=True)


def _send(client: FlaskClient) -> str:
    answer_all(client)
    submit(client)
    code = receipt_code(page(client, f"{SURVEY_URL}done"))
    assert code is not None
    return code


def _error(response: Any) -> str:
    return squashed_text(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".error-message")
    )


def test_a_wrong_code_says_how_many_tries_are_left(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    family = app.test_client()
    allowed = app.config["CODE_TRIES_PER_CODE"]
    assert allowed == 5
    errors = [_error(post_form(family, RESUME_URL, {"code": WRONG})) for _ in range(allowed)]
    assert all("could not find saved answers with that code" in error for error in errors)
    assert [error.split("try again.")[-1].strip() for error in errors] == [
        "You have 4 more tries this hour.",
        "You have 3 more tries this hour.",
        "You have 2 more tries this hour.",
        "You have 1 more try this hour.",
        "That was the last try this hour.",
    ]
    locked = post_form(family, RESUME_URL, {"code": WRONG.upper().replace(" ", "-")})  # the same code
    assert locked.status_code == 429
    text = _error(locked)
    assert "That code has been tried too many times" in text
    assert re.search(r"or try again in ([1-9]|[1-9][0-9]|1[01][0-9]|120) minutes?\.", text), text
    assert "If you need help, ask Demo Parent Carer Forum." in text
    assert "<title>Error:" in locked.get_data(as_text=True)


def test_one_familys_locked_code_does_not_lock_out_another_on_the_same_wifi(
    app: Flask, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    code = _save(app.test_client())
    mistyping, other = app.test_client(), app.test_client()  # the same source: one drop-in's wifi
    for _ in range(app.config["CODE_TRIES_PER_CODE"]):
        assert post_form(mistyping, RESUME_URL, {"code": WRONG}).status_code == 200
    assert post_form(mistyping, RESUME_URL, {"code": WRONG}).status_code == 429
    another_wrong = post_form(mistyping, RESUME_URL, {"code": "otter maple otter maple"})
    assert another_wrong.status_code == 200 and "You have 4 more tries this hour." in _error(another_wrong)
    assert post_form(other, RESUME_URL, {"code": code}).status_code == 302


def test_a_right_code_is_never_counted_against_itself(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    family = app.test_client()
    code = _save(family)
    for _ in range(app.config["CODE_TRIES_PER_CODE"] + 1):
        assert post_form(family, RESUME_URL, {"code": code}).status_code == 302


def test_the_source_allowance_limits_many_different_codes(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    app.config["CODE_ATTEMPTS_PER_SOURCE"] = 3
    guesser = app.test_client()
    first = post_form(guesser, RESUME_URL, {"code": "otter otter otter maple"})
    assert "You have 2 more tries this hour." in _error(first)  # the fewer of the code's and the source's
    for guess in ("otter otter maple maple", "otter maple maple maple"):
        assert post_form(guesser, RESUME_URL, {"code": guess}).status_code == 200
    refused = post_form(guesser, RESUME_URL, {"code": "maple maple maple maple"})
    assert refused.status_code == 429
    assert "Too many codes have been tried from this internet connection" in _error(refused)


def test_the_forums_email_is_given_when_a_code_is_locked(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    forum.settings = {**(forum.settings or {}), "contact_email": "hello@demo-forum.example"}
    db_session.commit()
    make_survey(db_session, forum)
    app.config["CODE_TRIES_PER_CODE"] = 1
    family = app.test_client()
    assert "That was the last try this hour." in _error(post_form(family, RESUME_URL, {"code": WRONG}))
    text = _error(post_form(family, RESUME_URL, {"code": WRONG}))
    assert "email Demo Parent Carer Forum at hello@demo-forum.example" in text


def test_typed_codes_are_never_stored_as_typed(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    post_form(app.test_client(), RESUME_URL, {"code": WRONG})
    post_form(app.test_client(), WITHDRAW_URL, {"code": "AAAA-BBBB-CCCC"})
    stored = " ".join(f"{hit.scope} {hit.source}" for hit in db_session.scalars(select(RateLimitHit)))
    assert "resume-code" in stored and "withdraw-code" in stored
    for typed in ("otter", "AAAA", "aaaa", "BBBBCCCC"):
        assert typed not in stored


def test_receipt_codes_are_limited_per_code_too(app: Flask, client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    code = _send(client)
    mistyping = app.test_client()
    for left in ("4 more tries", "3 more tries", "2 more tries", "1 more try", "the last try"):
        wrong = post_form(mistyping, WITHDRAW_URL, {"code": "AAAA-BBBB-CCCC"})
        assert wrong.status_code == 200 and "could not find sent answers" in _error(wrong)
        assert f"{left} this hour." in _error(wrong)
    assert post_form(mistyping, WITHDRAW_URL, {"code": "aaaa bbbb cccc"}).status_code == 429
    right = post_form(app.test_client(), WITHDRAW_URL, {"code": code})
    assert right.status_code == 200 and "Are you sure" in right.get_data(as_text=True)


def test_wrong_codes_at_the_confirm_step_count_against_the_code(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    guesser = app.test_client()
    token = csrf_token(page(guesser, WITHDRAW_URL))
    for _ in range(app.config["CODE_TRIES_PER_CODE"]):
        guess = guesser.post(CONFIRM_URL, data={"code": "AAAA-BBBB-CCCC", "csrf_token": token})
        assert guess.status_code == 302
    assert guesser.post(CONFIRM_URL, data={"code": "AAAA-BBBB-CCCC", "csrf_token": token}).status_code == 429
    assert post_form(guesser, WITHDRAW_URL, {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def test_resuming_says_welcome_back_once(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    code = _save(app.test_client())
    other = app.test_client()
    resumed = post_form(other, RESUME_URL, {"code": code})
    assert resumed.status_code == 302
    landed = page(other, resumed.location)
    notice = squashed_text(one(landed, ".notice"))
    assert notice == "Welcome back. Your answers are saved. Carry on from where you stopped."
    assert attribute(one(landed, ".notice"), "role") == "status"
    assert (
        landed.select_one(".notice") is not None
        and page(other, resumed.location).select_one(".notice") is None
    )


def test_a_family_who_answered_everything_is_welcomed_back_on_check_answers(
    app: Flask, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    family = app.test_client()
    answer_all(family, JOURNEY[:-1])
    last_key, last_data = JOURNEY[-1]
    assert post_form(family, question_url(last_key), {**last_data, "action": "save"}).status_code == 302
    code = one(page(family, f"{SURVEY_URL}saved"), "strong.resume-code").get_text(strip=True)
    other = app.test_client()
    resumed = post_form(other, RESUME_URL, {"code": code})
    assert resumed.status_code == 302 and resumed.location.endswith("/check")
    welcome = one(page(other, f"{SURVEY_URL}check"), ".notice").get_text(strip=True)
    assert welcome == "Welcome back. Your answers are saved. Check them, then send them."
    assert page(other, question_url("age_band")).select_one(".notice") is None
