"""The moderation queue's pages: the queue, one answer, redactions, decisions, who may see what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent
from forum_app.db import today
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.surveys.models import SPAM, Answer, Response
from forum_app.templating import format_date
from forum_app.themes.models import CodedAnswer
from tests.factories import (
    JOURNEY,
    answer_all,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    page,
    sign_in,
    submit,
)
from tests.themes.test_decisions import user_id

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
QUEUE = "/staff/moderation"
# Flagged (suicide); "Hope House" is found as a name (not personal: a service), "Sunflower Centre" is missed.
FLAGGED = (
    "He says he wants to kill himself. Therapy at Hope House helped. "
    "Nobody at the Sunflower Centre called back."
)
NAMED = "Mrs Patel at Oakfield Primary listens and rings me back."


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def _summary(soup: BeautifulSoup) -> list[str]:
    found = soup.find(attrs={"data-error-summary": True})
    return [" ".join(a.get_text(" ").split()) for a in found.find_all("a")] if found else []


def journey_with(**texts: str) -> list[tuple[str, dict[str, Any]]]:
    """The default journey with these free-text answers (by question key)."""
    return [(key, {"answer": texts[key]} if key in texts else data) for key, data in JOURNEY]


def _send(app: Flask, session: Session, **texts: str) -> str:
    """Send the default journey with these free-text answers (by question key); returns the response id."""
    before = set(session.scalars(select(Response.id)))
    family = app.test_client()
    answer_all(family, journey_with(**texts))
    assert submit(family).status_code == 302
    (response_id,) = set(session.scalars(select(Response.id))) - before
    return response_id


def _item(session: Session, response_id: str, key: str) -> ModerationItem:
    session.expire_all()
    found = session.scalar(
        select(ModerationItem)
        .join(Answer, Answer.id == ModerationItem.answer_id)
        .where(Answer.response_id == response_id, Answer.question_key == key)
    )
    assert found is not None
    return found


def _value(session: Session, answer_id: int) -> Any:
    session.expire_all()
    answer = session.get(Answer, answer_id)
    assert answer is not None
    return answer.value


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def _post(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    """POST with the CSRF token of the session (taken from the staff menu's sign-out form)."""
    token = csrf_token(page(client, "/staff/responses"))
    return client.post(url, data={**(data or {}), "csrf_token": token})


@pytest.fixture
def demo(app: Flask, db_session: Session) -> dict[str, str]:
    """The demo forum with a lead, a coder and a viewer; a plain response, then a flagged one with
    a name in one answer. Returns the two responses' ids."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    plain = _send(app, db_session)
    flagged = _send(app, db_session, not_worked=FLAGGED, worked_well=NAMED)
    return {"plain": plain, "flagged": flagged}


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_lists_safeguarding_concerns_first_with_redacted_text_only(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    named = _item(db_session, demo["flagged"], "worked_well")
    named.duplicate_of = demo["plain"]
    db_session.commit()
    soup = page(_signed_in(app, CODER), QUEUE)
    text = _text(soup)
    assert "Waiting (6)" in text and "Held (0)" in text
    assert "1 answer waiting or held suggests a risk of harm" in text
    rows = soup.select(".moderation-queue__item")
    assert len(rows) == 6
    first = rows[0]
    assert first.select_one("a")["href"] == f"{QUEUE}/{flagged.answer_id}"
    assert "Safeguarding concern" in _text(first) and "Suicide" in _text(first)
    assert "Therapy at [name] helped" in _text(first)
    assert "Question What has not worked well?" in _text(first)
    assert format_date(today()) in _text(first)
    assert sum("Safeguarding concern" in _text(row) for row in rows) == 1
    tagged = [row for row in rows if "Possible duplicate" in _text(row)]
    assert len(tagged) == 1 and f"/{named.answer_id}" in tagged[0].select_one("a")["href"]
    # Never the original words in a list.
    assert "Hope House" not in text and "Mrs Patel" not in text and "Oakfield" not in text
    # The staff menu: "Moderation" before "Coding", with the number waiting.
    menu = [a.get_text(strip=True) for a in soup.select(".header__nav a")]
    assert menu.index("Moderation (6waiting)") == menu.index("Coding") - 1


def test_an_empty_queue_says_so(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    make_staff(db_session, LEAD)
    client = _signed_in(app, LEAD)
    assert "No answers are waiting" in _text(page(client, QUEUE))
    assert "No answers are held" in _text(page(client, f"{QUEUE}?status=held"))
    assert "Waiting (0)" in _text(page(client, f"{QUEUE}?status=nonsense&page=abc"))


def test_the_queue_has_pages(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    from forum_app.moderation import queue

    client = _signed_in(app, LEAD)
    original = queue.PAGE_SIZE
    queue.PAGE_SIZE = 4
    try:
        first = page(client, QUEUE)
        second = page(client, f"{QUEUE}?page=2")
        beyond = page(client, f"{QUEUE}?page=99")
    finally:
        queue.PAGE_SIZE = original
    assert "Page 1 of 2" in _text(first) and first.select_one("a[rel=next]")["href"].endswith("page=2")
    ids = [a["href"] for a in first.select(".moderation-queue a") + second.select(".moderation-queue a")]
    assert len(ids) == len(set(ids)) == 6
    assert "Page 2 of 2" in _text(beyond)


# --- one answer ---------------------------------------------------------------------------------


def test_a_flagged_answer_shows_the_procedure_first_and_its_redactions(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    forum_settings = {"safeguarding_procedure": "Ring Jo, our safeguarding lead, on the forum phone."}
    flagged = _item(db_session, demo["flagged"], "not_worked")
    flagged.answer.response.survey_version.survey.forum.settings = forum_settings
    db_session.commit()
    soup = page(_signed_in(app, CODER), f"{QUEUE}/{flagged.answer_id}")
    warning = soup.select_one(".moderation-warning")
    assert warning is not None and "Ring Jo, our safeguarding lead" in _text(warning)
    assert "suicide" in _text(warning)
    assert str(soup).index("moderation-warning") < str(soup).index("moderation-answer")
    marks = [_text(mark) for mark in soup.select(".moderation-answer__text mark")]
    assert marks == ["Hope House [name]"]
    button = soup.select_one(".moderation-redactions button")
    assert _text(button) == "Not personal — show it : “Hope House” [name]"
    coders = soup.find("h2", id="coders-heading").find_next("blockquote")
    assert _text(coders) == FLAGGED.replace("Hope House", "[name]")
    kinds = [option["value"] for option in soup.select("select#kind option")]
    assert kinds[0] == "name" and "school" in kinds
    assert {b.get_text(strip=True) for b in soup.select("main button")} >= {
        "Approve",
        "Hold",
        "Redact these words",
    }
    assert "moves the whole response to the spam folder" in _text(soup)


def test_restoring_and_redacting_again_change_what_coders_see(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{flagged.answer_id}"
    client = _signed_in(app, CODER)
    response = _post(client, f"{url}/restore", {"index": "0"})
    assert response.status_code == 303 and response.location == url
    assert _value(db_session, flagged.answer_id) == FLAGGED
    soup = page(client, url)
    assert "shown as written" in _text(soup)
    assert _text(soup.select_one(".moderation-redactions button")) == "Redact again : “Hope House” [name]"
    assert not soup.select(".moderation-answer__text mark")
    assert _post(client, f"{url}/redact-again", {"index": "0"}).status_code == 303
    assert _value(db_session, flagged.answer_id) == FLAGGED.replace("Hope House", "[name]")


def test_redacting_something_missed(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{flagged.answer_id}"
    client = _signed_in(app, LEAD)
    response = _post(client, f"{url}/redact", {"phrase": "  sunflower centre ", "kind": "school"})
    assert response.status_code == 303
    assert "Redacted 1 place." in _text(page(client, url))
    assert _value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    plain = _item(db_session, demo["plain"], "worked_well")  # "The SENCO listens and rings me back."
    _post(client, f"{QUEUE}/{plain.answer_id}/redact", {"phrase": "EN", "kind": "reference"})
    assert "Redacted 2 places." in _text(page(client, f"{QUEUE}/{plain.answer_id}"))
    assert _value(db_session, plain.answer_id) == "The S[reference]CO list[reference]s and rings me back."


@pytest.mark.parametrize(
    ("path", "data", "message", "target"),
    [
        ("redact", {"phrase": "  ", "kind": "name"}, "Enter the words to redact", "#phrase"),
        (
            "redact",
            {"phrase": "Sunflower", "kind": "favourite colour"},
            "Choose what kind of detail",
            "#kind",
        ),
        ("redact", {"phrase": "Sunflower"}, "Choose what kind of detail", "#kind"),
        ("redact", {"phrase": "Mrs Smith", "kind": "name"}, "Those words are not in the answer", "#phrase"),
        ("redact", {"phrase": "x" * 201, "kind": "name"}, "200 characters or fewer", "#phrase"),
        ("restore", {"index": "1"}, "That redaction is no longer there", "#redactions"),
        ("restore", {"index": "abc"}, "That redaction is no longer there", "#redactions"),
        ("restore", {"index": "-1"}, "That redaction is no longer there", "#redactions"),
        ("restore", {"index": "99999999999999999999"}, "That redaction is no longer there", "#redactions"),
        ("restore", {}, "That redaction is no longer there", "#redactions"),
        ("redact-again", {"index": "٣"}, "That redaction is no longer there", "#redactions"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    app: Flask,
    db_session: Session,
    demo: dict[str, str],
    path: str,
    data: dict[str, str],
    message: str,
    target: str,
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    before = (flagged.answer.value, list(flagged.redactions))
    client = _signed_in(app, CODER)
    response = _post(client, f"{QUEUE}/{flagged.answer_id}/{path}", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    (shown,) = _summary(soup)
    assert message in shown
    assert soup.select_one("[data-error-summary] a")["href"] == target
    assert soup.select(target)
    if path == "redact":  # what was typed is kept
        assert soup.select_one("#phrase")["value"] == data["phrase"]
    again = _item(db_session, demo["flagged"], "not_worked")
    assert (again.answer.value, again.redactions) == before
    assert (
        db_session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("%POST%"))
        )
        == 1
    )


# --- decisions ----------------------------------------------------------------------------------


def test_approve_deletes_the_original_codes_the_answer_and_goes_to_the_next(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    client = _signed_in(app, CODER)
    response = _post(client, f"{QUEUE}/{flagged.answer_id}/approve")
    assert response.status_code == 303
    following = db_session.scalar(
        select(ModerationItem.answer_id)
        .where(ModerationItem.status == PENDING)
        .order_by(ModerationItem.flagged.desc(), ModerationItem.received_on, ModerationItem.answer_id)
    )
    assert response.location == f"{QUEUE}/{following}"
    assert f"Approved answer {flagged.answer_id}" in _text(page(client, response.location))
    done = _item(db_session, demo["flagged"], "not_worked")
    assert (done.status, done.original, done.decided_by) == (APPROVED, None, user_id(db_session, CODER))
    assert done.answer.value == FLAGGED.replace("Hope House", "[name]")
    assert db_session.get(CodedAnswer, flagged.answer_id) is not None

    # Approved: shown without the forms, restoring refused with the reason, approving again too.
    soup = page(client, f"{QUEUE}/{flagged.answer_id}")
    assert "deleted when this answer was approved" in _text(soup) and not soup.select("main form")
    for path, data in (("approve", {}), ("restore", {"index": "0"}), ("hold", {})):
        refused = _post(client, f"{QUEUE}/{flagged.answer_id}/{path}", data)
        assert refused.status_code == 200, path
        assert _summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser")) == [
            "This answer has already been approved."
        ]


def test_after_the_last_answer_the_queue_says_none_are_left(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = _signed_in(app, LEAD)
    ids = list(db_session.scalars(select(ModerationItem.answer_id).order_by(ModerationItem.answer_id)))
    for answer_id in ids:
        response = _post(client, f"{QUEUE}/{answer_id}/approve")
        assert response.status_code == 303
    assert response.location == QUEUE
    text = _text(page(client, QUEUE))
    assert "There are no more answers waiting." in text and "Waiting (0)" in text
    assert db_session.scalar(select(func.count()).select_from(CodedAnswer)) == len(ids)


def test_hold_and_put_back(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    named = _item(db_session, demo["flagged"], "worked_well")
    url = f"{QUEUE}/{named.answer_id}"
    client = _signed_in(app, CODER)
    response = _post(client, f"{url}/hold")
    assert response.status_code == 303 and response.location != url
    assert _item(db_session, demo["flagged"], "worked_well").status == HELD
    held = page(client, f"{QUEUE}?status=held")
    assert "Held (1)" in _text(held) and [a["href"] for a in held.select(".moderation-queue a")] == [url]
    soup = page(client, url)
    assert "Put back in the queue" in _text(soup) and "Answer" in _text(soup) and "held" in _text(soup)
    response = _post(client, f"{url}/release")
    assert response.status_code == 303 and response.location == url
    assert _item(db_session, demo["flagged"], "worked_well").status == PENDING
    assert "is back in the queue" in _text(page(client, url))


def test_reject_as_spam_moves_the_whole_response_out_of_the_queue(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    named = _item(db_session, demo["flagged"], "worked_well")
    client = _signed_in(app, CODER)
    sure = page(client, f"{QUEUE}/{named.answer_id}/spam")
    assert "moves the whole response" in _text(sure) and "spam folder" in _text(sure)
    assert "Mrs Patel" not in _text(sure)
    response = client.post(f"{QUEUE}/{named.answer_id}/spam", data={"csrf_token": csrf_token(sure)})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Response, demo["flagged"]).status == SPAM
    assert f"Moved response {demo['flagged'][:8]} to the spam folder" in _text(
        page(client, response.location)
    )
    text = _text(page(client, QUEUE))
    assert "Waiting (3)" in text and "Safeguarding concern" not in text
    refused = _post(client, f"{QUEUE}/{named.answer_id}/approve")
    assert refused.status_code == 200
    assert "moved to the spam folder" in _text(BeautifulSoup(refused.get_data(as_text=True), "html.parser"))
    assert _item(db_session, demo["flagged"], "worked_well").status == PENDING


def test_a_decision_made_meanwhile_by_someone_else_gets_a_message(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{flagged.answer_id}"
    first, second = _signed_in(app, LEAD), _signed_in(app, CODER)
    token = csrf_token(page(second, url))  # the second moderator has the page open ...
    assert _post(first, f"{url}/approve").status_code == 303  # ... when the first approves it
    for path, data in (("restore", {"index": "0"}), ("redact", {"phrase": "Sunflower", "kind": "school"})):
        response = second.post(f"{url}/{path}", data={**data, "csrf_token": token})
        assert response.status_code == 200
        assert _summary(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == [
            "This answer has already been approved."
        ]
    assert _item(db_session, demo["flagged"], "not_worked").decided_by == user_id(db_session, LEAD)


def test_a_purged_original_cannot_be_restored_but_more_can_be_redacted(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    flagged.original = None
    flagged.original_purged_on = date(2026, 3, 1)
    db_session.commit()
    url = f"{QUEUE}/{flagged.answer_id}"
    client = _signed_in(app, CODER)
    soup = page(client, url)
    assert "The original words were deleted on 1 March 2026" in _text(soup)
    assert not soup.select(".moderation-redactions button")
    assert [_text(mark) for mark in soup.select(".moderation-answer__text mark")] == ["[name]"]
    refused = _post(client, f"{url}/restore", {"index": "0"})
    assert refused.status_code == 200
    assert "cannot be undone" in _summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser"))[0]
    assert _post(client, f"{url}/redact", {"phrase": "Sunflower Centre", "kind": "school"}).status_code == 303
    assert _value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    assert _post(client, f"{url}/approve").status_code == 303


# --- who may see what ---------------------------------------------------------------------------


def test_viewers_may_not_moderate(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{flagged.answer_id}"
    client = _signed_in(app, VIEWER)
    assert "Moderation" not in [
        a.get_text(strip=True) for a in page(client, "/staff/responses").select("nav a")
    ]
    for address in (QUEUE, url, f"{url}/spam"):
        assert client.get(address).status_code == 403, address
    for path in ("restore", "redact-again", "redact", "approve", "hold", "release", "spam"):
        assert (
            _post(client, f"{url}/{path}", {"index": "0", "phrase": "Sunflower", "kind": "name"}).status_code
            == 403
        )
    again = _item(db_session, demo["flagged"], "not_worked")
    assert (again.status, again.answer.value) == (PENDING, FLAGGED.replace("Hope House", "[name]"))


def test_another_forums_answers_are_not_found(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, "lead@other.example", forum_slug="other")
    client = _signed_in(app, "lead@other.example")
    assert "Waiting (0)" in _text(page(client, QUEUE))
    flagged = _item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{flagged.answer_id}"
    page(client, url, 404)
    page(client, f"{url}/spam", 404)
    for path in ("restore", "redact", "approve", "hold", "release", "spam"):
        assert (
            _post(client, f"{url}/{path}", {"index": "0", "phrase": "Hope", "kind": "name"}).status_code
            == 404
        )
    for odd in ("0", "abc", "1e3", "-1", "99999999999999999999", "999999"):
        assert client.get(f"{QUEUE}/{odd}").status_code == 404, odd
    assert _item(db_session, demo["flagged"], "not_worked").status == PENDING


def test_moderation_is_audited_with_ids_only(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = _item(db_session, demo["flagged"], "not_worked")
    named = _item(db_session, demo["flagged"], "worked_well")
    url, other = f"{QUEUE}/{flagged.answer_id}", f"{QUEUE}/{named.answer_id}"
    client = _signed_in(app, LEAD)
    page(client, QUEUE)  # a list: not logged
    page(client, url)
    _post(client, f"{url}/restore", {"index": "0"})
    _post(client, f"{url}/redact-again", {"index": "0"})
    _post(client, f"{url}/redact", {"phrase": "Sunflower Centre", "kind": "school"})
    _post(client, f"{url}/redact", {"phrase": "not there", "kind": "school"})  # refused: not logged
    _post(client, f"{url}/hold")
    _post(client, f"{url}/release")
    _post(client, f"{url}/approve")
    _post(client, f"{other}/spam")
    db_session.expire_all()
    events = [
        (event.action, event.object_id)
        for event in db_session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("moderation.%")).order_by(AuditEvent.id)
        )
    ]
    answer, second = str(flagged.answer_id), str(named.answer_id)
    assert events == [
        ("moderation.item GET", answer),
        ("moderation.restore POST", answer),
        ("moderation.redact_again POST", answer),
        ("moderation.add POST", answer),
        ("moderation.hold_answer POST", answer),
        ("moderation.release POST", answer),
        ("moderation.approve_answer POST", answer),
        ("moderation.spam POST", second),
    ]
    shown = _text(page(client, "/staff/audit"))
    for words in (
        "viewed an answer to moderate",
        "restored a redaction",
        "added a redaction",
        "held an answer",
        "approved an answer",
        "rejected a response as spam",
    ):
        assert words in shown, words
    assert "Hope House" not in shown and "Sunflower" not in shown
