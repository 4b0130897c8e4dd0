"""The moderation queue's pages: the queue, one answer, redactions, decisions, who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from forum_app.accounts.models import AuditEvent
from forum_app.coding.models import CodedAnswer
from forum_app.db import today
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.surveys.models import SPAM, Answer, Response
from forum_app.templating import format_date
from tests.factories import (
    attribute,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    public_id,
    public_ids,
    signed_in,
    squashed_text,
    user_id,
)
from tests.moderation.factories import FLAGGED, NAMED, moderation_item, send

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
MODERATOR = "second-lead@example.org"  # another lead: leads moderate
QUEUE = "/staff/moderation"


def _summary(soup: BeautifulSoup) -> list[str]:
    found = one(soup, "[data-error-summary]")
    return [" ".join(a.get_text(" ").split()) for a in found.find_all("a")] if found else []


def _value(session: Session, answer_id: int) -> Any:
    session.expire_all()
    answer = session.get(Answer, answer_id)
    assert answer is not None
    return answer.value


def _post(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    """POST with the CSRF token of the session (taken from the staff menu's sign-out form)."""
    token = csrf_token(page(client, "/staff/responses"))
    return client.post(url, data={**(data or {}), "csrf_token": token})


@pytest.fixture
def demo(app: Flask, db_session: Session) -> dict[str, str]:
    """The demo forum with two leads, a coder and a viewer; a plain response, then a flagged one with
    a name in one answer. Returns the two responses' ids."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    for email, role in ((LEAD, "lead"), (MODERATOR, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    plain = send(app, db_session)
    flagged = send(app, db_session, not_worked=FLAGGED, worked_well=NAMED)
    return {"plain": plain, "flagged": flagged}


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_lists_safeguarding_concerns_first_with_redacted_text_only(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    named.duplicate_of = demo["plain"]
    db_session.commit()
    soup = page(signed_in(app, MODERATOR), QUEUE)
    text = squashed_text(soup)
    assert "Waiting (6)" in text and "Held (0)" in text and "Concerns with no action recorded (1)" in text
    assert "1 flagged answer has no action recorded." in text
    rows = soup.select(".moderation-queue__item")
    assert len(rows) == 6
    first = rows[0]
    assert one(first, "a")["href"] == f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    assert "Safeguarding concern" in squashed_text(first) and "Suicide" in squashed_text(first)
    assert "Therapy at [name] helped" in squashed_text(first)
    assert "1 redaction" in squashed_text(first) and "Today" in squashed_text(first)
    assert sum("Safeguarding concern" in squashed_text(row) for row in rows) == 1
    tagged = [row for row in rows if "Possible duplicate" in squashed_text(row)]
    assert len(tagged) == 1 and f"/{public_id(db_session, named.answer_id)}" in one(tagged[0], "a")["href"]
    # Never the original words in a list.
    assert "Hope House" not in text and "Mrs Patel" not in text and "Oakfield" not in text
    # The staff menu: "Moderation" before "Coding", with the number waiting and the concerns to act on.
    menu = [a.get_text(strip=True) for a in soup.select(".header__nav a")]
    assert menu.index("Moderation (6waiting, 1 concern to act on)") == menu.index("Coding") - 1


def test_an_empty_queue_says_so(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    make_staff(db_session, LEAD)
    client = signed_in(app, LEAD)
    assert "No answers are waiting" in squashed_text(page(client, QUEUE))
    assert "No answers are held" in squashed_text(page(client, f"{QUEUE}?status=held"))
    assert "Waiting (0)" in squashed_text(page(client, f"{QUEUE}?status=nonsense&page=abc"))


def test_the_queue_has_pages(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    from forum_app.moderation import queue

    client = signed_in(app, LEAD)
    original = queue.PAGE_SIZE
    queue.PAGE_SIZE = 4
    try:
        first = page(client, QUEUE)
        second = page(client, f"{QUEUE}?page=2")
        beyond = page(client, f"{QUEUE}?page=99")
    finally:
        queue.PAGE_SIZE = original
    assert "Page 1 of 2" in squashed_text(first) and attribute(one(first, "a[rel=next]"), "href").endswith(
        "page=2"
    )
    ids = [a["href"] for a in first.select(".moderation-queue a") + second.select(".moderation-queue a")]
    assert len(ids) == len(set(ids)) == 6
    assert "Page 2 of 2" in squashed_text(beyond)


# --- one answer ---------------------------------------------------------------------------------


def test_a_flagged_answer_shows_the_procedure_first_and_its_redactions(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    forum_settings = {"safeguarding_procedure": "Ring Jo, our safeguarding lead, on the forum phone."}
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    flagged.answer.response.survey_version.survey.forum.settings = forum_settings
    db_session.commit()
    soup = page(signed_in(app, MODERATOR), f"{QUEUE}/{public_id(db_session, flagged.answer_id)}")
    warning = soup.select_one(".moderation-warning")
    assert warning is not None and "Ring Jo, our safeguarding lead" in squashed_text(warning)
    assert "suicide" in squashed_text(warning)
    assert str(soup).index("moderation-warning") < str(soup).index("moderation-answer")
    marks = [squashed_text(mark) for mark in soup.select(".moderation-answer__text mark")]
    assert marks == ["Hope House [name]"]
    button = soup.select_one(".moderation-redactions button")
    assert squashed_text(button) == "Not personal — show it : “Hope House” [name]"
    coders = one(soup, "h2#coders-heading").find_next("blockquote")
    assert squashed_text(coders) == FLAGGED.replace("Hope House", "[name]")
    kinds = [option["value"] for option in soup.select("select#kind option")]
    assert kinds[0] == "name" and "school" in kinds
    assert {b.get_text(strip=True) for b in soup.select("main button")} >= {
        "Approve",
        "Hold",
        "Redact these words",
    }
    assert "moves the whole response to the spam folder" in squashed_text(soup)


def test_restoring_and_redacting_again_change_what_coders_see(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, MODERATOR)
    response = _post(client, f"{url}/restore", {"index": "0"})
    assert response.status_code == 303 and response.location == url
    assert _value(db_session, flagged.answer_id) == FLAGGED
    soup = page(client, url)
    assert "shown as written" in squashed_text(soup)
    assert (
        squashed_text(soup.select_one(".moderation-redactions button"))
        == "Redact again : “Hope House” [name]"
    )
    assert not soup.select(".moderation-answer__text mark")
    assert _post(client, f"{url}/redact-again", {"index": "0"}).status_code == 303
    assert _value(db_session, flagged.answer_id) == FLAGGED.replace("Hope House", "[name]")


def test_redacting_something_missed(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, LEAD)
    response = _post(client, f"{url}/redact", {"phrase": "  sunflower hub ", "kind": "school"})
    assert response.status_code == 303
    assert "Redacted 1 place." in squashed_text(page(client, url))
    assert _value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    plain = moderation_item(
        db_session, demo["plain"], "worked_well"
    )  # "The SENCO listens and rings me back."
    _post(
        client,
        f"{QUEUE}/{public_id(db_session, plain.answer_id)}/redact",
        {"phrase": "EN", "kind": "reference"},
    )
    assert "Redacted 2 places." in squashed_text(
        page(client, f"{QUEUE}/{public_id(db_session, plain.answer_id)}")
    )
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
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    before = (flagged.answer.value, list(flagged.redactions))
    client = signed_in(app, MODERATOR)
    response = _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/{path}", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    (shown,) = _summary(soup)
    assert message in shown
    assert one(soup, "[data-error-summary] a")["href"] == target
    assert soup.select(target)
    if path == "redact":  # what was typed is kept
        assert one(soup, "#phrase")["value"] == data["phrase"]
    again = moderation_item(db_session, demo["flagged"], "not_worked")
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
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, MODERATOR)
    response = _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/approve")
    assert response.status_code == 303
    following = db_session.scalar(
        select(ModerationItem.answer_id)
        .where(ModerationItem.status == PENDING)
        .order_by(ModerationItem.flagged.desc(), ModerationItem.received_on, ModerationItem.answer_id)
    )
    assert following is not None and response.location == f"{QUEUE}/{public_id(db_session, following)}"
    assert f"Approved answer {public_id(db_session, flagged.answer_id)}" in squashed_text(
        page(client, response.location)
    )
    done = moderation_item(db_session, demo["flagged"], "not_worked")
    assert (done.status, done.original, done.decided_by) == (APPROVED, None, user_id(db_session, MODERATOR))
    assert done.answer.value == FLAGGED.replace("Hope House", "[name]")
    assert db_session.get(CodedAnswer, flagged.answer_id) is not None

    # Approved: shown without the forms, restoring refused with the reason, approving again too.
    soup = page(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}")
    assert "deleted when this answer was approved" in squashed_text(soup)
    assert [form["action"] for form in soup.select("main form")] == [f"{url}/safeguarding"]
    for path, data in (("approve", {}), ("restore", {"index": "0"}), ("hold", {})):
        refused = _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/{path}", data)
        assert refused.status_code == 200, path
        assert _summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser")) == [
            "This answer has already been approved."
        ]


def test_after_the_last_answer_the_queue_says_none_are_left(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = signed_in(app, LEAD)
    ids = list(db_session.scalars(select(ModerationItem.answer_id).order_by(ModerationItem.answer_id)))
    for named in public_ids(db_session, ids):
        response = _post(client, f"{QUEUE}/{named}/approve")
        assert response.status_code == 303
    assert response.location == QUEUE
    text = squashed_text(page(client, QUEUE))
    assert "There are no more answers waiting." in text and "Waiting (0)" in text
    assert db_session.scalar(select(func.count()).select_from(CodedAnswer)) == len(ids)


def test_hold_and_put_back(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    url = f"{QUEUE}/{public_id(db_session, named.answer_id)}"
    client = signed_in(app, MODERATOR)
    response = _post(client, f"{url}/hold")
    assert response.status_code == 303 and response.location != url
    assert moderation_item(db_session, demo["flagged"], "worked_well").status == HELD
    held = page(client, f"{QUEUE}?status=held")
    assert "Held (1)" in squashed_text(held) and [a["href"] for a in held.select(".moderation-queue a")] == [
        url
    ]
    soup = page(client, url)
    assert (
        "Put back in the queue" in squashed_text(soup)
        and "Answer" in squashed_text(soup)
        and "held" in squashed_text(soup)
    )
    response = _post(client, f"{url}/release")
    assert response.status_code == 303 and response.location == url
    assert moderation_item(db_session, demo["flagged"], "worked_well").status == PENDING
    assert "is back in the queue" in squashed_text(page(client, url))


def test_reject_as_spam_moves_the_whole_response_out_of_the_queue(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    client = signed_in(app, MODERATOR)
    sure = page(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/spam")
    assert "moves the whole response" in squashed_text(sure) and "spam folder" in squashed_text(sure)
    assert "Mrs Patel" not in squashed_text(sure)
    response = client.post(
        f"{QUEUE}/{public_id(db_session, named.answer_id)}/spam", data={"csrf_token": csrf_token(sure)}
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get_one(Response, demo["flagged"]).status == SPAM
    assert f"Moved response {demo['flagged'][:8]} to the spam folder" in squashed_text(
        page(client, response.location)
    )
    soup = page(client, QUEUE)
    assert "Waiting (3)" in squashed_text(soup)
    assert not any(
        "Safeguarding concern" in squashed_text(row) for row in soup.select(".moderation-queue__item")
    )
    # The concern itself stays on the list of concerns until someone records what was done.
    assert "Concerns with no action recorded (1)" in squashed_text(soup)
    refused = _post(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/approve")
    assert refused.status_code == 200
    assert "moved to the spam folder" in squashed_text(
        BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    )
    assert moderation_item(db_session, demo["flagged"], "worked_well").status == PENDING


def test_a_decision_made_meanwhile_by_someone_else_gets_a_message(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    first, second = signed_in(app, LEAD), signed_in(app, MODERATOR)
    token = csrf_token(page(second, url))  # the second moderator has the page open ...
    assert _post(first, f"{url}/approve").status_code == 303  # ... when the first approves it
    for path, data in (("restore", {"index": "0"}), ("redact", {"phrase": "Sunflower", "kind": "school"})):
        response = second.post(f"{url}/{path}", data={**data, "csrf_token": token})
        assert response.status_code == 200
        assert _summary(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == [
            "This answer has already been approved."
        ]
    assert moderation_item(db_session, demo["flagged"], "not_worked").decided_by == user_id(db_session, LEAD)


def test_a_purged_original_cannot_be_restored_but_more_can_be_redacted(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    flagged.original = None
    flagged.original_purged_on = date(2026, 3, 1)
    db_session.commit()
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, MODERATOR)
    soup = page(client, url)
    assert "The original words were deleted on 1 March 2026" in squashed_text(soup)
    assert not soup.select(".moderation-redactions button")
    assert [squashed_text(mark) for mark in soup.select(".moderation-answer__text mark")] == ["[name]"]
    refused = _post(client, f"{url}/restore", {"index": "0"})
    assert refused.status_code == 200
    assert "cannot be undone" in _summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser"))[0]
    assert _post(client, f"{url}/redact", {"phrase": "Sunflower Hub", "kind": "school"}).status_code == 303
    assert _value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    assert _post(client, f"{url}/approve").status_code == 303


# --- who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("email", [VIEWER, CODER])
def test_only_leads_moderate(app: Flask, db_session: Session, demo: dict[str, str], email: str) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, email)
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
    again = moderation_item(db_session, demo["flagged"], "not_worked")
    assert (again.status, again.answer.value) == (PENDING, FLAGGED.replace("Hope House", "[name]"))


def test_another_forums_answers_are_not_found(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, "lead@other.example", forum_slug="other")
    client = signed_in(app, "lead@other.example")
    assert "Waiting (0)" in squashed_text(page(client, QUEUE))
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    page(client, url, 404)
    page(client, f"{url}/spam", 404)
    for path in ("restore", "redact", "approve", "hold", "release", "spam"):
        assert (
            _post(client, f"{url}/{path}", {"index": "0", "phrase": "Hope", "kind": "name"}).status_code
            == 404
        )
    for odd in ("0", "abc", "1e3", "-1", "99999999999999999999", "999999", "0123456789abcdef"):
        assert client.get(f"{QUEUE}/{odd}").status_code == 404, odd
    assert moderation_item(db_session, demo["flagged"], "not_worked").status == PENDING


def test_moderation_is_audited_with_ids_only(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    answer, second = public_id(db_session, flagged.answer_id), public_id(db_session, named.answer_id)
    url, other = f"{QUEUE}/{answer}", f"{QUEUE}/{second}"
    client = signed_in(app, LEAD)
    page(client, QUEUE)  # a list: not logged
    page(client, url)
    _post(client, f"{url}/restore", {"index": "0"})
    _post(client, f"{url}/redact-again", {"index": "0"})
    _post(client, f"{url}/redact", {"phrase": "Sunflower Hub", "kind": "school"})
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
    shown = squashed_text(page(client, "/staff/audit"))
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


# --- working days and overdue flags -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "now", "expected"),
    [
        (date(2026, 12, 4), date(2026, 12, 4), 0),  # Friday, the same day
        (date(2026, 12, 4), date(2026, 12, 6), 0),  # Friday to Sunday: the weekend does not count
        (date(2026, 12, 4), date(2026, 12, 7), 1),  # Friday to Monday
        (date(2026, 12, 4), date(2026, 12, 9), 3),  # Friday to Wednesday
        (date(2026, 12, 5), date(2026, 12, 9), 3),  # Saturday to Wednesday
        (date(2026, 11, 2), date(2026, 12, 7), 25),  # five whole weeks
        (date(2026, 12, 9), date(2026, 12, 7), 0),  # in the future
    ],
)
def test_working_days_count_monday_to_friday(day: date, now: date, expected: int) -> None:
    from forum_app.moderation.queue import working_days_since

    assert working_days_since(day, now) == expected


@pytest.mark.parametrize("target", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("now", [date(2026, 12, 7) + timedelta(days=step) for step in range(7)])
def test_the_overdue_cutoff_is_the_last_day_past_the_target(target: int, now: date) -> None:
    from forum_app.moderation.queue import overdue_cutoff, working_days_since

    cutoff = overdue_cutoff(now, target)
    assert working_days_since(cutoff, now) > target
    assert working_days_since(cutoff + timedelta(days=1), now) <= target


def _flag(app: Flask, session: Session, received: date) -> ModerationItem:
    """Send a response whose "what has not worked" answer is flagged, received on ``received``."""
    found = moderation_item(session, send(app, session, not_worked=FLAGGED), "not_worked")
    found.received_on = received
    session.commit()
    return found


def _ids(soup: BeautifulSoup) -> list[str]:
    """The public ids of the answers listed, from their links."""
    return [attribute(a, "href").rsplit("/", 1)[1] for a in soup.select(".moderation-queue__title a")]


def test_overdue_flags_come_first_and_are_marked(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    now = today()
    recent = moderation_item(db_session, demo["flagged"], "not_worked")  # flagged today
    overdue = _flag(app, db_session, now - timedelta(days=10))  # at least 6 working days ago
    actioned = _flag(app, db_session, now - timedelta(days=30))  # older, but an action is recorded
    oldest = moderation_item(db_session, demo["plain"], "one_change")  # no flag at all, and the oldest
    oldest.received_on = now - timedelta(days=60)
    db_session.commit()
    client = signed_in(app, LEAD)
    _post(
        client, f"{QUEUE}/{public_id(db_session, actioned.answer_id)}/safeguarding", {"action": "lead_told"}
    )

    soup = page(client, QUEUE)
    ids = _ids(soup)
    in_order = [overdue.answer_id, actioned.answer_id, recent.answer_id, oldest.answer_id]
    assert ids[:4] == public_ids(db_session, in_order)
    rows = soup.select(".moderation-queue__item")
    assert "Overdue" in squashed_text(rows[0]) and "10 days old" in squashed_text(rows[0])
    assert "Overdue" not in squashed_text(rows[1]) and "(action recorded)" in squashed_text(rows[1])
    assert "Overdue" not in squashed_text(rows[2])
    assert "2 flagged answers have no action recorded, 1 of them overdue" in squashed_text(soup)
    assert "target is 2 working days" in squashed_text(soup)
    # The item says so too, and the next answer after it is the next in that order.
    item = page(client, f"{QUEUE}/{public_id(db_session, overdue.answer_id)}")
    assert "Overdue" in squashed_text(item.select_one(".moderation-warning"))
    assert one(item, "a[rel=next]")["href"] == f"{QUEUE}/{public_id(db_session, actioned.answer_id)}"
    assert item.select_one("a[rel=prev]") is None

    # With a target of 10 working days nothing is overdue: flags by age, the oldest first.
    forum = overdue.answer.response.survey_version.survey.forum
    forum.settings = {"flag_target_days": 10}
    db_session.commit()
    soup = page(client, QUEUE)
    assert _ids(soup)[:3] == public_ids(db_session, [actioned.answer_id, overdue.answer_id, recent.answer_id])
    assert "Overdue" not in squashed_text(soup.select_one(".moderation-queue"))


def test_the_list_of_concerns_holds_flags_in_any_state_until_an_action_is_recorded(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    client = signed_in(app, MODERATOR)
    assert _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/approve").status_code == 303
    soup = page(client, f"{QUEUE}?status=concerns")
    assert "Concerns with no action recorded (1)" in squashed_text(soup)
    (row,) = soup.select(".moderation-queue__item")
    assert _ids(soup) == [public_id(db_session, flagged.answer_id)] and "Approved" in squashed_text(row)
    _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "no_action"})
    soup = page(client, f"{QUEUE}?status=concerns")
    assert "Concerns with no action recorded (0)" in squashed_text(soup)
    assert "Every flagged answer has an action recorded." in squashed_text(soup)


# --- the whole response on one screen, keyboard order -----------------------------------------------


def test_an_answer_shows_the_rest_of_the_familys_response_and_the_decision_near_the_top(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    client = signed_in(app, MODERATOR)
    _post(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/hold")
    soup = page(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}")
    family = soup.select_one(".moderation-family")
    assert family is not None
    rows = {
        squashed_text(row.find("dt")): squashed_text(row.find("dd"))
        for row in family.select(".moderation-family__row")
    }
    # Closed questions, as the family answered them.
    assert any("11 to 15" in value or "11-15" in value for value in rows.values()), rows
    assert "What has not worked well?" not in rows  # this answer is shown once, above
    # The other free-text answers: redacted, with their moderation status and a link.
    worked = next(value for key, value in rows.items() if "worked well" in key)
    assert "[name] at [school] listens" in worked and "Mrs Patel" not in squashed_text(family)
    assert worked.endswith(f"Answer {public_id(db_session, named.answer_id)} : held")
    assert family.select_one(f"a[href='{QUEUE}/{public_id(db_session, named.answer_id)}']") is not None
    # The decision comes before the redaction tools and the family's answers.
    html = str(soup)
    assert html.index('id="decision"') < html.index('id="redactions"') < html.index('id="family-heading"')
    # The shortcuts panel is first in the page (shown by the script), with the keys it promises.
    main = soup.select_one("main")
    assert main is not None and one(main, "div")["class"] == ["moderation-shortcuts"]
    assert soup.select_one("form[data-moderation-approve]") and soup.select_one("form[data-moderation-hold]")
    assert soup.select_one("script[src$='moderation.js']") is not None
    assert (
        not soup.select("main script:not([src])") and "onclick" not in html
    )  # the CSP allows no inline code


def test_approving_goes_on_to_the_answer_after_this_one(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = signed_in(app, LEAD)
    first = page(client, QUEUE)
    order = _ids(first)
    second = page(client, f"{QUEUE}/{order[1]}")  # skipped the first with "next"
    assert one(second, "a[rel=prev]")["href"] == f"{QUEUE}/{order[0]}"
    assert one(second, "a[rel=next]")["href"] == f"{QUEUE}/{order[2]}"
    response = _post(client, f"{QUEUE}/{order[1]}/approve")
    assert response.location == f"{QUEUE}/{order[2]}"  # not back to the skipped one
    response = _post(client, f"{QUEUE}/{order[2]}/hold")
    assert response.location == f"{QUEUE}/{order[3]}"
    # The last answer of the list: on to the first one still waiting.
    response = _post(client, f"{QUEUE}/{order[-1]}/approve")
    assert response.location == f"{QUEUE}/{order[0]}"


# --- bulk approval ------------------------------------------------------------------------------


def _clean_ids(session: Session, demo: dict[str, str]) -> list[int]:
    return sorted(
        moderation_item(session, demo[which], key).answer_id
        for which, key in (
            ("plain", "worked_well"),
            ("plain", "not_worked"),
            ("plain", "one_change"),
            ("flagged", "one_change"),
        )
    )


def test_bulk_approval_lists_the_clean_answers_and_approves_exactly_those(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = signed_in(app, MODERATOR)
    queue_page = page(client, QUEUE)
    link = queue_page.select_one(".moderation-bulk a")
    assert squashed_text(link) == "Approve 4 answers with no flags and no redactions"
    sure = page(client, attribute(link, "href"))
    shown = [field["value"] for field in sure.select("input[name=answer_id]")]
    numbers = _clean_ids(db_session, demo)
    assert shown == public_ids(db_session, numbers)
    assert "The SENCO listens and rings me back." in squashed_text(sure)
    # Meanwhile: one is held, one gets a redaction, and a new clean answer arrives (not shown: not approved).
    held, redacted = shown[0], shown[1]
    other = signed_in(app, LEAD)
    _post(other, f"{QUEUE}/{held}/hold")
    _post(other, f"{QUEUE}/{redacted}/redact", {"phrase": "a", "kind": "name"})
    newcomer = moderation_item(db_session, send(app, db_session), "one_change").answer_id
    flagged = moderation_item(db_session, demo["flagged"], "not_worked").answer_id
    fields = [("answer_id", named) for named in [*shown, public_id(db_session, flagged), "0123456789abcdef"]]
    token = csrf_token(sure)
    response = client.post(f"{QUEUE}/bulk", data=MultiDict([*fields, ("csrf_token", token)]))
    assert response.status_code == 303 and response.location == QUEUE
    message = squashed_text(page(client, QUEUE))
    assert "Approved 2 answers" in message and "4 answers changed after the list was shown" in message
    db_session.expire_all()
    pairs = zip(shown, numbers, strict=True)
    statuses = {named: db_session.get_one(ModerationItem, number).status for named, number in pairs}
    assert statuses == {held: HELD, redacted: PENDING, shown[2]: APPROVED, shown[3]: APPROVED}
    for answer_id in numbers[2:]:
        done = db_session.get_one(ModerationItem, answer_id)
        assert done.original is None and done.decided_by == user_id(db_session, MODERATOR)
        assert db_session.get(CodedAnswer, answer_id) is not None  # coded, as after one approval
    assert db_session.get_one(ModerationItem, flagged).status == PENDING  # not clean: never approved in bulk
    assert db_session.get_one(ModerationItem, newcomer).status == PENDING  # not on the list: left alone
    assert db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "moderation.bulk_approve POST")
    )


def test_bulk_approval_with_nothing_clean_says_so(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = signed_in(app, LEAD)
    for named in public_ids(db_session, _clean_ids(db_session, demo)):
        _post(client, f"{QUEUE}/{named}/approve")
    assert page(client, QUEUE).select_one(".moderation-bulk") is None
    assert "No waiting answer is free of flags" in squashed_text(page(client, f"{QUEUE}/bulk"))
    response = _post(client, f"{QUEUE}/bulk", {"answer_id": "abc"})
    assert response.status_code == 303 and "Approved 0 answers" in squashed_text(page(client, QUEUE))


def test_bulk_approval_is_for_moderators_of_this_forum_only(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    clean = public_ids(db_session, _clean_ids(db_session, demo))
    viewer = signed_in(app, VIEWER)
    assert viewer.get(f"{QUEUE}/bulk").status_code == 403
    assert _post(viewer, f"{QUEUE}/bulk", {"answer_id": clean[0]}).status_code == 403
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, "lead@other.example", forum_slug="other")
    stranger = signed_in(app, "lead@other.example")
    assert not page(stranger, f"{QUEUE}/bulk").select("input[name=answer_id]")
    _post(stranger, f"{QUEUE}/bulk", {"answer_id": clean[0]})
    assert moderation_item(db_session, demo["plain"], "worked_well").status == PENDING


# --- what was done about a safeguarding concern ---------------------------------------------------


def test_recording_a_safeguarding_action_shows_who_and_when_and_is_audited(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    from forum_app.moderation.models import SafeguardingAction

    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, MODERATOR)
    soup = page(client, url)
    assert "Nobody has recorded an action yet" in squashed_text(soup)
    choices = [squashed_text(label) for label in soup.select("form[data-safeguarding-form] label")]
    assert "Referred to children’s social care (front door or MASH)" in choices
    assert "Reviewed: no action needed" in choices and not soup.select(
        "form[data-safeguarding-form] textarea"
    )
    response = _post(client, f"{url}/safeguarding", {"action": "social_care"})
    assert response.status_code == 303 and response.location == f"{url}#safeguarding"
    soup = page(client, url)
    (recorded,) = [squashed_text(li) for li in soup.select(".moderation-actions li")]
    assert recorded.startswith(
        "Referred to children’s social care (front door or MASH): recorded by " + MODERATOR
    )
    assert format_date(today()) in recorded
    _post(signed_in(app, LEAD), f"{url}/safeguarding", {"action": "lead_told"})
    db_session.expire_all()
    rows = db_session.scalars(select(SafeguardingAction).order_by(SafeguardingAction.id)).all()
    assert [(row.action, row.recorded_by, row.forum_id) for row in rows] == [
        ("social_care", user_id(db_session, MODERATOR), flagged.forum_id),
        ("lead_told", user_id(db_session, LEAD), flagged.forum_id),
    ]
    events = db_session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "moderation.record_safeguarding POST")
    ).all()
    assert events == [public_id(db_session, flagged.answer_id)] * 2
    assert "recorded a safeguarding action" in squashed_text(page(signed_in(app, LEAD), "/staff/audit"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose what was done about this concern."),
        ({"action": "told my neighbour"}, "Choose what was done about this concern."),
        ({"action": "x" * 5000}, "Choose what was done about this concern."),
    ],
)
def test_a_safeguarding_action_must_be_one_of_the_list(
    app: Flask, db_session: Session, demo: dict[str, str], data: dict[str, str], message: str
) -> None:
    from forum_app.moderation.models import SafeguardingAction

    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    response = _post(
        signed_in(app, MODERATOR), f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", data
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert _summary(soup) == [message]
    assert one(soup, "[data-error-summary] a")["href"] == "#safeguarding-action"
    assert soup.select("#safeguarding-action") and soup.select_one("#safeguarding-error") is not None
    assert db_session.scalar(select(func.count()).select_from(SafeguardingAction)) == 0


def test_safeguarding_actions_only_for_flagged_answers_by_moderators_of_this_forum(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    from forum_app.moderation.models import SafeguardingAction

    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    plain = moderation_item(db_session, demo["plain"], "worked_well")
    coder = signed_in(app, MODERATOR)
    assert (
        page(coder, f"{QUEUE}/{public_id(db_session, plain.answer_id)}").select_one(
            "form[data-safeguarding-form]"
        )
        is None
    )
    refused = _post(
        coder, f"{QUEUE}/{public_id(db_session, plain.answer_id)}/safeguarding", {"action": "police"}
    )
    assert refused.status_code == 200 and "no safeguarding concern" in squashed_text(
        BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    )
    assert (
        _post(
            signed_in(app, VIEWER),
            f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding",
            {"action": "police"},
        ).status_code
        == 403
    )
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, "lead@other.example", forum_slug="other")
    stranger = signed_in(app, "lead@other.example")
    assert (
        _post(
            stranger, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "police"}
        ).status_code
        == 404
    )
    assert db_session.scalar(select(func.count()).select_from(SafeguardingAction)) == 0


# --- the staff home page --------------------------------------------------------------------------


def test_the_staff_home_page_shows_unactioned_concerns_first_until_an_action_is_recorded(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    _flag(app, db_session, today() - timedelta(days=14))
    client = signed_in(app, LEAD)
    home = page(client, "/staff/responses")
    main = home.select_one("main")
    assert main is not None
    alert = main.find(True)  # the first thing on the page
    assert alert is not None and alert.has_attr("data-safeguarding-alert")
    assert "2 flagged answers have no action recorded, 1 overdue" in squashed_text(alert)
    assert "target of 2 working days" in squashed_text(alert)
    assert one(alert, "a")["href"] == f"{QUEUE}?status=concerns"
    # A viewer cannot act on it (and cannot open the queue): not shown.
    assert page(signed_in(app, VIEWER), "/staff/responses").select_one("[data-safeguarding-alert]") is None
    # Recording an action on each takes it off.
    _post(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "lead_told"})
    assert "1 flagged answer has no action recorded, 1 overdue" in squashed_text(
        page(client, "/staff/responses")
    )
    flagged_ids = db_session.scalars(select(ModerationItem.answer_id).where(ModerationItem.flagged)).all()
    for named in public_ids(db_session, list(flagged_ids)):
        _post(client, f"{QUEUE}/{named}/safeguarding", {"action": "no_action"})
    home = page(client, "/staff/responses")
    assert home.select_one("[data-safeguarding-alert]") is None
    assert "concern" not in squashed_text(home.select_one(".header__nav"))


# --- the spam folder ------------------------------------------------------------------------------


def test_the_spam_folder_shows_the_redacted_text_of_each_response(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    client = signed_in(app, LEAD)
    _post(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/spam")
    soup = page(client, "/staff/responses?folder=spam")
    (row,) = soup.select(".spam-list__item")
    texts = [squashed_text(li) for li in row.select(".spam-texts li")]
    assert "“[name] at [school] listens and rings me back.”" in texts
    assert any("Therapy at [name] helped" in text for text in texts)
    assert (
        "Mrs Patel" not in squashed_text(soup)
        and "Oakfield" not in squashed_text(soup)
        and "Hope House" not in squashed_text(soup)
    )
    assert "No written answers" not in squashed_text(row)
