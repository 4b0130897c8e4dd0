"""One answer in the moderation queue: its redactions, the decisions on it, the rest of the family's
response, and what was done about a safeguarding concern."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent
from forum_app.coding.models import CodedAnswer
from forum_app.db import today
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.surveys.models import SPAM, Response
from forum_app.templating import format_date
from tests.factories import (
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
    FLAGGED,
    LEAD,
    MODERATOR,
    QUEUE,
    VIEWER,
    answer_value,
    error_summary,
    listed_ids,
    moderation_item,
    post_with_token,
    seed_queue,
)


@pytest.fixture
def demo(app: Flask, db_session: Session) -> dict[str, str]:
    """The demo forum's moderation queue: a plain response, then a flagged one (``seed_queue``)."""
    return seed_queue(app, db_session)


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
    response = post_with_token(client, f"{url}/restore", {"index": "0"})
    assert response.status_code == 303 and response.location == url
    assert answer_value(db_session, flagged.answer_id) == FLAGGED
    soup = page(client, url)
    assert "shown as written" in squashed_text(soup)
    assert (
        squashed_text(soup.select_one(".moderation-redactions button"))
        == "Redact again : “Hope House” [name]"
    )
    assert not soup.select(".moderation-answer__text mark")
    assert post_with_token(client, f"{url}/redact-again", {"index": "0"}).status_code == 303
    assert answer_value(db_session, flagged.answer_id) == FLAGGED.replace("Hope House", "[name]")


def test_redacting_something_missed(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    url = f"{QUEUE}/{public_id(db_session, flagged.answer_id)}"
    client = signed_in(app, LEAD)
    response = post_with_token(client, f"{url}/redact", {"phrase": "  sunflower hub ", "kind": "school"})
    assert response.status_code == 303
    assert "Redacted 1 place." in squashed_text(page(client, url))
    assert answer_value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    plain = moderation_item(
        db_session, demo["plain"], "worked_well"
    )  # "The SENCO listens and rings me back."
    post_with_token(
        client,
        f"{QUEUE}/{public_id(db_session, plain.answer_id)}/redact",
        {"phrase": "EN", "kind": "reference"},
    )
    assert "Redacted 2 places." in squashed_text(
        page(client, f"{QUEUE}/{public_id(db_session, plain.answer_id)}")
    )
    assert (
        answer_value(db_session, plain.answer_id) == "The S[reference]CO list[reference]s and rings me back."
    )


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
    response = post_with_token(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/{path}", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    (shown,) = error_summary(soup)
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
    response = post_with_token(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/approve")
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
        refused = post_with_token(client, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/{path}", data)
        assert refused.status_code == 200, path
        assert error_summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser")) == [
            "This answer has already been approved."
        ]


def test_after_the_last_answer_the_queue_says_none_are_left(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    client = signed_in(app, LEAD)
    ids = list(db_session.scalars(select(ModerationItem.answer_id).order_by(ModerationItem.answer_id)))
    for named in public_ids(db_session, ids):
        response = post_with_token(client, f"{QUEUE}/{named}/approve")
        assert response.status_code == 303
    assert response.location == QUEUE
    text = squashed_text(page(client, QUEUE))
    assert "There are no more answers waiting." in text and "Waiting (0)" in text
    assert db_session.scalar(select(func.count()).select_from(CodedAnswer)) == len(ids)


def test_hold_and_put_back(app: Flask, db_session: Session, demo: dict[str, str]) -> None:
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    url = f"{QUEUE}/{public_id(db_session, named.answer_id)}"
    client = signed_in(app, MODERATOR)
    response = post_with_token(client, f"{url}/hold")
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
    response = post_with_token(client, f"{url}/release")
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
    refused = post_with_token(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/approve")
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
    assert post_with_token(first, f"{url}/approve").status_code == 303  # ... when the first approves it
    for path, data in (("restore", {"index": "0"}), ("redact", {"phrase": "Sunflower", "kind": "school"})):
        response = second.post(f"{url}/{path}", data={**data, "csrf_token": token})
        assert response.status_code == 200
        assert error_summary(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == [
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
    refused = post_with_token(client, f"{url}/restore", {"index": "0"})
    assert refused.status_code == 200
    assert (
        "cannot be undone" in error_summary(BeautifulSoup(refused.get_data(as_text=True), "html.parser"))[0]
    )
    assert (
        post_with_token(client, f"{url}/redact", {"phrase": "Sunflower Hub", "kind": "school"}).status_code
        == 303
    )
    assert answer_value(db_session, flagged.answer_id) == (
        "He says he wants to kill himself. Therapy at [name] helped. Nobody at the [school] called back."
    )
    assert post_with_token(client, f"{url}/approve").status_code == 303


# --- the whole response on one screen, keyboard order -----------------------------------------------


def test_an_answer_shows_the_rest_of_the_familys_response_and_the_decision_near_the_top(
    app: Flask, db_session: Session, demo: dict[str, str]
) -> None:
    flagged = moderation_item(db_session, demo["flagged"], "not_worked")
    named = moderation_item(db_session, demo["flagged"], "worked_well")
    client = signed_in(app, MODERATOR)
    post_with_token(client, f"{QUEUE}/{public_id(db_session, named.answer_id)}/hold")
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
    order = listed_ids(first)
    second = page(client, f"{QUEUE}/{order[1]}")  # skipped the first with "next"
    assert one(second, "a[rel=prev]")["href"] == f"{QUEUE}/{order[0]}"
    assert one(second, "a[rel=next]")["href"] == f"{QUEUE}/{order[2]}"
    response = post_with_token(client, f"{QUEUE}/{order[1]}/approve")
    assert response.location == f"{QUEUE}/{order[2]}"  # not back to the skipped one
    response = post_with_token(client, f"{QUEUE}/{order[2]}/hold")
    assert response.location == f"{QUEUE}/{order[3]}"
    # The last answer of the list: on to the first one still waiting.
    response = post_with_token(client, f"{QUEUE}/{order[-1]}/approve")
    assert response.location == f"{QUEUE}/{order[0]}"


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
    response = post_with_token(client, f"{url}/safeguarding", {"action": "social_care"})
    assert response.status_code == 303 and response.location == f"{url}#safeguarding"
    soup = page(client, url)
    (recorded,) = [squashed_text(li) for li in soup.select(".moderation-actions li")]
    assert recorded.startswith(
        "Referred to children’s social care (front door or MASH): recorded by " + MODERATOR
    )
    assert format_date(today()) in recorded
    post_with_token(signed_in(app, LEAD), f"{url}/safeguarding", {"action": "lead_told"})
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
    response = post_with_token(
        signed_in(app, MODERATOR), f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", data
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert error_summary(soup) == [message]
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
    refused = post_with_token(
        coder, f"{QUEUE}/{public_id(db_session, plain.answer_id)}/safeguarding", {"action": "police"}
    )
    assert refused.status_code == 200 and "no safeguarding concern" in squashed_text(
        BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    )
    assert (
        post_with_token(
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
        post_with_token(
            stranger, f"{QUEUE}/{public_id(db_session, flagged.answer_id)}/safeguarding", {"action": "police"}
        ).status_code
        == 404
    )
    assert db_session.scalar(select(func.count()).select_from(SafeguardingAction)) == 0
