"""Spam without CAPTCHA and without tracking: a honeypot field, a minimum completion time kept only in
the signed browser cookie, and a spam folder where a lead can say "Not spam"."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.coding.models import CodedAnswer
from forum_app.moderation.models import PENDING
from forum_app.moderation.queue import counts
from forum_app.ratelimit import RateLimitHit
from forum_app.surveys import respondent
from forum_app.surveys.models import SPAM, SUBMITTED, Response
from forum_app.surveys.services import count_submitted, looks_automated
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    answer_all,
    approve_all,
    csrf_token,
    idempotency_key,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    question_url,
    receipt_code,
    sign_in,
    start,
    submit,
)

CHECK_URL = f"{SURVEY_URL}check"
SPAM_URL = "/staff/responses?folder=spam"
LEAD = "lead@demo.example"


def _status(session: Session) -> str:
    session.expire_all()
    return session.scalars(select(Response.status)).one()


def _coded(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(CodedAnswer)) or 0


def _waiting(session: Session) -> int:
    """Answers in the moderation queue (a spam response's answers are not)."""
    session.expire_all()
    forum_id = session.scalars(select(Response.forum_id)).first()
    return counts(session, forum_id)[PENDING] if forum_id is not None else 0


def _send(client: FlaskClient, **extra: str) -> str:
    """Send the checked answers; returns the confirmation page's text without its receipt code."""
    response = post_form(client, CHECK_URL, {"idempotency_key": idempotency_key(client), **extra})
    assert response.status_code == 302 and response.location.endswith("/done")
    soup = page(client, f"{SURVEY_URL}done")
    assert receipt_code(soup) is not None
    one(soup, "strong.receipt-code").decompose()
    return soup.main.get_text(" ", strip=True) if soup.main else soup.get_text(" ", strip=True)


def _started_ago(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Note "Start now" as pressed ``seconds`` before the real time."""
    monkeypatch.setattr(respondent, "time", SimpleNamespace(time=lambda: time.time() - seconds))


@pytest.fixture
def survey(db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))


def test_honeypot_is_hidden_from_everyone_and_labelled(survey: None, client: FlaskClient) -> None:
    answer_all(client)
    trap = page(client, CHECK_URL).find("input", attrs={"name": "website"})
    assert trap is not None and trap.get("value", "") == ""
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off" and trap["aria-hidden"] == "true"
    wrapper = trap.find_parent("div")
    assert wrapper is not None
    assert "spam-trap" in wrapper["class"] and wrapper["aria-hidden"] == "true"
    assert one(wrapper, f'label[for="{trap["id"]}"]').get_text(strip=True) == "Leave this empty"


def test_filled_honeypot_is_spam_not_coded_and_looks_sent(
    app: Flask, survey: None, db_session: Session
) -> None:
    person = app.test_client()
    answer_all(person)
    normal_page = _send(person)
    assert _waiting(db_session) == 3  # the normal one waits for moderation

    bot = app.test_client()
    answer_all(bot)
    bot_page = _send(bot, website="https://spam.example")
    assert bot_page == normal_page  # a bot cannot tell it was caught
    statuses = sorted(db_session.scalars(select(Response.status)))
    assert statuses == [SPAM, SUBMITTED]
    assert _waiting(db_session) == 3  # nothing of the spam joined the queue
    approve_all(db_session)
    assert _coded(db_session) == 3  # nor is it coded when the queue is approved
    forum_id = db_session.scalars(select(Response.forum_id)).first()
    assert forum_id is not None and count_submitted(db_session, forum_id) == 1
    # The bot's session is finished like a parent's: the pages lead to the confirmation.
    assert bot.get(question_url("age_band")).location.endswith("/done")
    assert bot.get(CHECK_URL).location.endswith("/done")


def test_sent_too_fast_is_spam(app: Flask, survey: None, client: FlaskClient, db_session: Session) -> None:
    app.config["MIN_COMPLETION_SECONDS"] = 3600
    answer_all(client)
    _send(client)
    assert _status(db_session) == SPAM
    assert _coded(db_session) == 0


def test_beyond_the_hourly_limit_per_source_is_kept_as_spam(
    app: Flask, survey: None, db_session: Session
) -> None:
    app.config["SUBMISSIONS_PER_HOUR"] = 2
    for _ in range(3):  # three families behind one address (a bot, or a very busy coffee morning)
        family = app.test_client()
        answer_all(family)
        _send(family)
    db_session.expire_all()
    assert sorted(db_session.scalars(select(Response.status))) == [SPAM, SUBMITTED, SUBMITTED]
    other = app.test_client()  # another source has its own allowance
    answer_all(other)
    other.post(
        CHECK_URL,
        data={"idempotency_key": idempotency_key(other), "csrf_token": csrf_token(page(other, CHECK_URL))},
        environ_overrides={"REMOTE_ADDR": "192.0.2.7"},
    )
    db_session.expire_all()
    assert sorted(db_session.scalars(select(Response.status))) == [SPAM, SUBMITTED, SUBMITTED, SUBMITTED]
    assert "192.0.2.7" not in str(db_session.scalars(select(RateLimitHit.source)).all())


def test_sent_after_the_minimum_time_is_submitted(
    app: Flask, survey: None, client: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["MIN_COMPLETION_SECONDS"] = 20
    _started_ago(monkeypatch, 60)
    answer_all(client)
    _send(client)
    assert _status(db_session) == SUBMITTED
    assert _waiting(db_session) == 3


def test_the_start_time_is_in_the_cookie_only(app: Flask, survey: None, client: FlaskClient) -> None:
    start(client)
    with client.session_transaction() as cookie:
        kept = next(iter(cookie[respondent.SESSION_KEY].values()))
    assert abs(int(kept["began"]) - time.time()) < 60
    assert not any(isinstance(value, float) for value in kept.values())


def test_resumed_on_another_device_is_not_timed(
    app: Flask, survey: None, client: FlaskClient, db_session: Session
) -> None:
    app.config["MIN_COMPLETION_SECONDS"] = 3600
    start(client)
    for key, data in JOURNEY[:3]:
        assert post_form(client, question_url(key), data).status_code == 302
    saved = post_form(client, question_url("ehcp"), {"answer": "waiting", "action": "save"})
    assert saved.location.endswith("/saved")
    code = one(page(client, f"{SURVEY_URL}saved"), "strong.resume-code").get_text(strip=True)

    other_phone = app.test_client()
    assert post_form(other_phone, f"{SURVEY_URL}resume", {"code": code}).status_code == 302
    for key, data in JOURNEY[4:]:
        assert post_form(other_phone, question_url(key), data).status_code == 302
    _send(other_phone)
    assert _status(db_session) == SUBMITTED


def test_looks_automated() -> None:
    assert looks_automated(" x ", None, 100.0, 0)
    assert not looks_automated("  ", None, 100.0, 20)  # no start time: only the honeypot counts
    assert looks_automated("", 90, 100.0, 20)
    assert not looks_automated("", 80, 100.0, 20)


@pytest.fixture
def spam_id(app: Flask, survey: None, db_session: Session) -> str:
    app.config["MIN_COMPLETION_SECONDS"] = 3600
    bot = app.test_client()
    answer_all(bot)
    assert submit(bot).status_code == 302
    app.config["MIN_COMPLETION_SECONDS"] = 0
    found = db_session.scalars(select(Response).where(Response.status == SPAM)).one()
    return found.id


def test_lead_sees_the_spam_folder_and_marks_not_spam(
    client: FlaskClient, db_session: Session, spam_id: str
) -> None:
    make_staff(db_session, LEAD)
    sign_in(client, LEAD)
    listing = page(client, "/staff/responses")
    assert "0 submitted responses" in listing.get_text(" ", strip=True)
    assert spam_id[:8] not in listing.get_text()
    link = listing.find("a", string="Spam (1)")
    assert link is not None and link["href"] == SPAM_URL

    folder = page(client, SPAM_URL)
    assert one(folder, "h1").get_text(strip=True) == "Spam"
    assert folder.find("a", string=spam_id[:8]) is not None
    assert (
        one(page(client, f"/staff/responses/{spam_id}"), "h1").get_text(strip=True)
        == f"Response {spam_id[:8]}"
    )
    form = folder.find("form", attrs={"action": f"/staff/responses/{spam_id}/not-spam"})
    assert form is not None and form.find("input", attrs={"name": "csrf_token"}) is not None

    assert client.post(f"/staff/responses/{spam_id}/not-spam").status_code == 400  # no CSRF token
    assert _status(db_session) == SPAM
    response = client.post(f"/staff/responses/{spam_id}/not-spam", data={"csrf_token": csrf_token(folder)})
    assert response.status_code == 302 and response.location.endswith(SPAM_URL)
    assert _status(db_session) == SUBMITTED
    assert _waiting(db_session) == 3  # back in the moderation queue, to be approved and coded
    after = BeautifulSoup(client.get(SPAM_URL).get_data(as_text=True), "html.parser")
    assert "is no longer marked as spam" in after.get_text()
    assert after.find("a", string=spam_id[:8]) is None
    assert spam_id[:8] in page(client, "/staff/responses").get_text()
    # Marked once: a second "Not spam" finds nothing to change.
    again = client.post(f"/staff/responses/{spam_id}/not-spam", data={"csrf_token": csrf_token(folder)})
    assert again.status_code == 404


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_coders_and_viewers_have_no_spam_folder(
    client: FlaskClient, db_session: Session, spam_id: str, role: str
) -> None:
    make_staff(db_session, f"{role}@demo.example", role=role)
    sign_in(client, f"{role}@demo.example")
    listing = page(client, "/staff/responses")
    assert listing.find("a", href=SPAM_URL) is None and "Spam" not in listing.get_text()
    page(client, SPAM_URL, status=403)
    page(client, f"/staff/responses/{spam_id}", status=404)
    response = client.post(f"/staff/responses/{spam_id}/not-spam", data={"csrf_token": csrf_token(listing)})
    assert response.status_code == 403
    assert _status(db_session) == SPAM


def test_another_forums_lead_cannot_see_or_mark_it(
    client: FlaskClient, db_session: Session, spam_id: str
) -> None:
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, "lead@other.example", forum_slug="other")
    sign_in(client, "lead@other.example")
    assert page(client, SPAM_URL).find("a", string=spam_id[:8]) is None
    assert "Spam (0)" in page(client, "/staff/responses").get_text()
    page(client, f"/staff/responses/{spam_id}", status=404)
    token = csrf_token(page(client, SPAM_URL))
    assert client.post(f"/staff/responses/{spam_id}/not-spam", data={"csrf_token": token}).status_code == 404
    assert _status(db_session) == SPAM


def test_a_parent_taken_for_spam_can_still_withdraw(
    app: Flask, survey: None, client: FlaskClient, db_session: Session
) -> None:
    app.config["MIN_COMPLETION_SECONDS"] = 3600
    answer_all(client)
    post_form(client, CHECK_URL, {"idempotency_key": idempotency_key(client)})
    code = receipt_code(page(client, f"{SURVEY_URL}done"))
    assert code is not None and _status(db_session) == SPAM
    asked = post_form(app.test_client(), f"{SURVEY_URL}withdraw", {"code": code})
    assert asked.status_code == 200 and "Are you sure" in asked.get_data(as_text=True)
