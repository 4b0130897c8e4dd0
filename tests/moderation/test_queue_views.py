"""The moderation queue's lists: waiting, held and concerns, overdue flags, bulk approval, the staff
home page and the spam folder; and who may see and change what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from forum_app.accounts.models import AuditEvent
from forum_app.coding.models import CodedAnswer
from forum_app.db import today
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
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
from tests.moderation.factories import (
    CODER,
    FLAGGED,
    LEAD,
    MODERATOR,
    QUEUE,
    VIEWER,
    flagged_on,
    listed_ids,
    moderation_item,
    post_with_token,
    seed_queue,
    send,
)


@pytest.fixture
def demo(app: Flask, db_session: Session) -> dict[str, str]:
    """The demo forum's moderation queue: a plain response, then a flagged one (``seed_queue``)."""
    return seed_queue(app, db_session)


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


def test_overdue_flags_come_first_and_are_marked(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    now = today()
    recent = moderation_item(db_session, demo["flagged"], "not_worked")  # flagged today
    overdue = flagged_on(app, db_session, now - timedelta(days=10))  # at least 6 working days ago
    actioned = flagged_on(app, db_session, now - timedelta(days=30))  # older, but an action is recorded
    oldest = moderation_item(db_session, demo["plain"], "one_change")  # no flag at all, and the oldest
    oldest.received_on = now - timedelta(days=60)
    db_session.commit()
    client = signed_in(app, LEAD)
    post_with_token(
        client, f"{QUEUE}/{public_id(db_session, actioned.answer_id)}/safeguarding", {"action": "lead_told"}
    )

    soup = page(client, QUEUE)
    ids = listed_ids(soup)
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
    assert listed_ids(soup)[:3] == public_ids(
        db_session, [actioned.answer_id, overdue.answer_id, recent.answer_id]
    )
    assert "Overdue" not in squashed_text(soup.select_one(".moderation-queue"))


def test_the_list_of_concerns_holds_flags_in_any_state_until_an_action_is_recorded(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    client = signed_in(app, MODERATOR)
    assert (
        post_with_token(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/approve").status_code
        == 303
    )
    soup = page(client, f"{QUEUE}?status=concerns")
    assert "Concerns with no action recorded (1)" in squashed_text(soup)
    (row,) = soup.select(".moderation-queue__item")
    assert listed_ids(soup) == [public_id(db_session, flagged.answer_id)] and "Approved" in squashed_text(row)
    post_with_token(
        client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "no_action"}
    )
    soup = page(client, f"{QUEUE}?status=concerns")
    assert "Concerns with no action recorded (0)" in squashed_text(soup)
    assert "Every flagged answer has an action recorded." in squashed_text(soup)


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
    post_with_token(other, f"{QUEUE}/{held}/hold")
    post_with_token(other, f"{QUEUE}/{redacted}/redact", {"phrase": "a", "kind": "name"})
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
        post_with_token(client, f"{QUEUE}/{named}/approve")
    assert page(client, QUEUE).select_one(".moderation-bulk") is None
    assert "No waiting answer is free of flags" in squashed_text(page(client, f"{QUEUE}/bulk"))
    response = post_with_token(client, f"{QUEUE}/bulk", {"answer_id": "abc"})
    assert response.status_code == 303 and "Approved 0 answers" in squashed_text(page(client, QUEUE))


def test_bulk_approval_is_for_moderators_of_this_forum_only(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    clean = public_ids(db_session, _clean_ids(db_session, demo))
    viewer = signed_in(app, VIEWER)
    assert viewer.get(f"{QUEUE}/bulk").status_code == 403
    assert post_with_token(viewer, f"{QUEUE}/bulk", {"answer_id": clean[0]}).status_code == 403
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, "lead@other.example", forum_slug="other")
    stranger = signed_in(app, "lead@other.example")
    assert not page(stranger, f"{QUEUE}/bulk").select("input[name=answer_id]")
    post_with_token(stranger, f"{QUEUE}/bulk", {"answer_id": clean[0]})
    assert moderation_item(db_session, demo["plain"], "worked_well").status == PENDING


# --- the staff home page --------------------------------------------------------------------------


def test_the_staff_home_page_shows_unactioned_concerns_first_until_an_action_is_recorded(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    flagged_on(app, db_session, today() - timedelta(days=14))
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
    post_with_token(
        client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "lead_told"}
    )
    assert "1 flagged answer has no action recorded, 1 overdue" in squashed_text(
        page(client, "/staff/responses")
    )
    flagged_ids = db_session.scalars(select(ModerationItem.answer_id).where(ModerationItem.flagged)).all()
    for named in public_ids(db_session, list(flagged_ids)):
        post_with_token(client, f"{QUEUE}/{named}/safeguarding", {"action": "no_action"})
    home = page(client, "/staff/responses")
    assert home.select_one("[data-safeguarding-alert]") is None
    assert "concern" not in squashed_text(home.select_one(".header__nav"))


# --- the spam folder ------------------------------------------------------------------------------


def test_the_spam_folder_shows_the_redacted_text_of_each_response(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    client = signed_in(app, LEAD)
    post_with_token(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/spam")
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
            post_with_token(
                client, f"{url}/{path}", {"index": "0", "phrase": "Sunflower", "kind": "name"}
            ).status_code
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
            post_with_token(
                client, f"{url}/{path}", {"index": "0", "phrase": "Hope", "kind": "name"}
            ).status_code
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
    post_with_token(client, f"{url}/restore", {"index": "0"})
    post_with_token(client, f"{url}/redact-again", {"index": "0"})
    post_with_token(client, f"{url}/redact", {"phrase": "Sunflower Hub", "kind": "school"})
    post_with_token(client, f"{url}/redact", {"phrase": "not there", "kind": "school"})  # refused: not logged
    post_with_token(client, f"{url}/hold")
    post_with_token(client, f"{url}/release")
    post_with_token(client, f"{url}/approve")
    post_with_token(client, f"{other}/spam")
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
