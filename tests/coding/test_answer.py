"""Coding one answer: the coding page, save and next, codings saved meanwhile, and undo."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.codebook.versions import default_fields
from forum_app.coding.decisions import DecisionError, state_of
from forum_app.coding.filters import Filters, parse_filters
from forum_app.coding.models import CODED, PENDING, CodedAnswer, CodingDecision
from forum_app.coding.queue import next_in_queue
from forum_app.coding.undo import undo_last
from tests.coding.factories import (
    CODER,
    LEAD,
    QUEUE,
    TEXTS,
    code_answer,
    error_summary,
    filter_options_of,
    forum_id_of,
    queued_ids,
    seed_workspace,
)
from tests.factories import csrf_token, one, page, post_form, public_id, signed_in, squashed_text, user_id


@pytest.fixture
def demo(db_session: Session) -> list[int]:
    """Twelve coded answers of the demo forum, and a lead, a coder and a viewer of it."""
    return seed_workspace(db_session)


# --- coding one answer --------------------------------------------------------------------------


def test_the_coding_page_shows_the_answer_evidence_and_every_theme(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(client, f"/staff/coding/{public_id(db_session, demo[0])}")
    text = squashed_text(soup)
    assert TEXTS[0] in text and "What has not worked well?" in text and "January 2026" in text
    boxes = soup.select("input[name=theme]")
    assert len(boxes) == len(default_fields()) == 16
    coded = db_session.get(CodedAnswer, demo[0])
    assert coded is not None
    assert {box["value"] for box in boxes if box.has_attr("checked")} == {
        s["theme"] for s in coded.suggestions
    }
    waiting = soup.find(id="theme-waiting_times-hint")
    assert waiting is not None and "% sure" in waiting.get_text() and "“" in waiting.get_text()  # quotes
    assert one(soup, "input#theme-waiting_times")["aria-describedby"] == "theme-waiting_times-hint"
    radios = soup.select("input[name=sentiment]")
    assert [r["value"] for r in radios] == ["negative", "mixed", "neutral", "positive"]
    assert [r["value"] for r in radios if r.has_attr("checked")] == [coded.sentiment]
    keys = [kbd.get_text() for kbd in soup.select("label kbd")]
    assert keys == [*"1234567890qwerty", *"zxcv"]
    assert soup.find("script", src="/static/coding.js") is not None
    assert soup.find("button", string="Save and next") is not None


def test_save_and_next_records_who_and_when_and_keeps_the_filters(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    options = filter_options_of(db_session)
    filters = parse_filters({"order": "unsure", "to": "2026-03"}, options).filters
    least_sure = queued_ids(db_session, filters)[0]  # the first of the queue, whatever the coder's scores
    assert least_sure in demo
    url = f"/staff/coding/{public_id(db_session, least_sure)}?order=unsure&to=2026-03"
    soup = page(client, url)
    seen = one(soup, "input[name=seen]")["value"]
    response = client.post(
        url,
        data={
            "theme": ["communication_coproduction", "family_impact"],
            "sentiment": "positive",
            "seen": seen,
            "csrf_token": csrf_token(soup),
        },
    )
    assert response.status_code == 303
    location = urlsplit(response.location)
    assert parse_qs(location.query) == {"order": ["unsure"], "to": ["2026-03-31"]}
    assert location.path == f"/staff/coding/{public_id(db_session, queued_ids(db_session, filters)[0])}"

    db_session.expire_all()
    coded = db_session.get(CodedAnswer, least_sure)
    assert coded is not None and coded.status == CODED and coded.sentiment == "positive"
    assert coded.coded_by_id == user_id(db_session, CODER) and coded.coded_at is not None
    assert state_of(db_session, coded).themes == ("communication_coproduction", "family_impact")
    decision = db_session.scalars(select(CodingDecision)).one()
    assert (decision.kind, decision.user_id, decision.answer_id) == ("code", coded.coded_by_id, least_sure)

    following = page(client, response.location)
    assert "Saved your coding of answer" in squashed_text(following)
    again = page(client, f"/staff/coding/{public_id(db_session, least_sure)}")
    assert f"Coded by {CODER} on" in squashed_text(again)
    ticked = {box["value"] for box in again.select("input[name=theme]") if box.has_attr("checked")}
    assert ticked == {"communication_coproduction", "family_impact"}


def test_next_follows_the_queue_and_the_last_answer_leads_back_to_it(
    db_session: Session, demo: list[int]
) -> None:
    forum_id = forum_id_of(db_session)
    assert code_answer(db_session, demo[0]) == demo[1]
    assert code_answer(db_session, demo[5]) == demo[6]
    assert code_answer(db_session, demo[11]) == demo[1]  # wraps round to the oldest left
    coded = db_session.get(CodedAnswer, demo[3])
    assert next_in_queue(db_session, forum_id, Filters(), after=coded) == demo[4]  # a skip
    for answer_id in demo:
        if db_session.get(CodedAnswer, answer_id).status == PENDING:  # type: ignore[union-attr]
            following = code_answer(db_session, answer_id)
    assert following is None
    assert next_in_queue(db_session, forum_id, Filters()) is None


def test_the_last_answer_of_the_queue_goes_back_to_the_queue(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    for answer_id in demo[1:]:
        code_answer(db_session, answer_id)
    client = signed_in(app, CODER)
    response = post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}",
        {"theme": ["waiting_times"], "sentiment": "negative"},
    )
    assert response.status_code == 303 and response.location == QUEUE
    text = squashed_text(page(client, QUEUE))
    assert "That was the last answer here" in text and "12 of 12 coded" in text


def test_a_coding_saved_meanwhile_by_someone_else_is_not_overwritten(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    coder = signed_in(app, CODER)
    soup = page(coder, f"/staff/coding/{public_id(db_session, demo[2])}")
    code_answer(db_session, demo[2], who=LEAD, themes=["annual_reviews"])
    response = coder.post(
        f"/staff/coding/{public_id(db_session, demo[2])}",
        data={
            "theme": ["family_impact"],
            "sentiment": "positive",
            "seen": one(soup, "input[name=seen]")["value"],
            "csrf_token": csrf_token(soup),
        },
    )
    assert response.status_code == 200
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Someone else saved a coding" in squashed_text(shown) and error_summary(shown)
    assert f"Coded by {LEAD}" in squashed_text(shown)
    db_session.expire_all()
    assert state_of(db_session, db_session.get(CodedAnswer, demo[2])).themes == ("annual_reviews",)  # type: ignore[arg-type]


def test_an_impossible_coding_gets_a_message(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    response = post_form(
        client, f"/staff/coding/{public_id(db_session, demo[0])}", {"theme": ["no_such_theme"]}
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert one(soup, "title").get_text().startswith("Error: ") and error_summary(soup) == [
        "Unknown theme: no_such_theme."
    ]
    response = post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}",
        {"theme": ["waiting_times"], "sentiment": ""},
    )
    assert "Choose a sentiment" in response.get_data(as_text=True)
    assert db_session.get(CodedAnswer, demo[0]).status == PENDING  # type: ignore[union-attr]


# --- undo ---------------------------------------------------------------------------------------


def test_undo_goes_back_to_the_answer_as_it_was(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}?sentiment=negative",
        {"theme": [], "sentiment": "neutral"},
    )
    soup = page(client, f"/staff/coding/{public_id(db_session, demo[1])}?sentiment=negative")
    undo = soup.find("form", attrs={"data-coding-undo": True})
    assert undo is not None and undo["action"] == "/staff/coding/undo?sentiment=negative"
    response = client.post(
        undo["action"], data={"csrf_token": csrf_token(soup), "from": public_id(db_session, demo[1])}
    )
    assert (
        response.status_code == 303
        and response.location == f"/staff/coding/{public_id(db_session, demo[0])}?sentiment=negative"
    )
    assert "back as it was" in squashed_text(page(client, response.location))
    db_session.expire_all()
    coded = db_session.get(CodedAnswer, demo[0])
    assert coded is not None and coded.status == PENDING and coded.coded_by_id is None
    assert set(state_of(db_session, coded).themes) == {s["theme"] for s in coded.suggestions}

    # Opening the undo address (reloaded, bookmarked) changes nothing and leads to the queue.
    assert client.get("/staff/coding/undo?sentiment=negative").location == f"{QUEUE}?sentiment=negative"
    assert db_session.scalar(select(func.count()).where(CodingDecision.kind == "undo")) == 1

    # Nothing left to undo: a message, back where the coder was.
    response = client.post(
        "/staff/coding/undo", data={"csrf_token": csrf_token(soup), "from": public_id(db_session, demo[1])}
    )
    assert response.location == f"/staff/coding/{public_id(db_session, demo[1])}"
    assert "You have no coding decisions to undo" in squashed_text(page(client, response.location))


def test_undo_takes_back_only_your_own_decisions(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    code_answer(db_session, demo[0], who=CODER)
    code_answer(db_session, demo[1], who=LEAD)
    undone = undo_last(db_session, forum_id, user_id(db_session, CODER))
    assert (undone.answer_id, undone.count, undone.bulk) == (demo[0], 1, False)
    assert db_session.get(CodedAnswer, demo[1]).status == CODED  # type: ignore[union-attr]
    with pytest.raises(DecisionError, match="no coding decisions"):
        undo_last(db_session, forum_id, user_id(db_session, CODER))
