"""Answers in other languages reach a person: held in the moderation queue, flagged "not read by the
automatic check", tagged with their language, listed under "Other languages", never approved in bulk,
and left by the coder for a person to code, with the same tag. An English answer goes the usual way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.coding.models import CODED, NOT_CODED_LABEL, CodedAnswer, Coding
from forum_app.coding.retraining import confirmed_count, forum_examples
from forum_app.moderation import intake, queue
from forum_app.moderation.contexts import queue_screen
from forum_app.moderation.language import reader_tag, unread_reason
from forum_app.moderation.models import APPROVED, PENDING, ModerationItem
from tests.factories import (
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    public_id,
    signed_in,
    squashed_text,
)
from tests.moderation.factories import LEAD, QUEUE, moderation_item, send

POLISH = "Mój syn czeka na diagnozę już dwa lata, a szkoła nie daje mu żadnego wsparcia."
URDU = "میرے بیٹے کو اسکول میں کوئی مدد نہیں ملتی، ہم دو سال سے انتظار کر رہے ہیں"
ROMAN_URDU = "meri beti ko EHCP nahi mila abhi tak, school wale kuch nahi karte"
ENGLISH = "We waited over a year for CAMHS and nobody told us anything."
POLISH_TAG = "Written in Polish: needs someone who reads it, or a translation"
URDU_TAG = "Written in Urdu: needs someone who reads it, or a translation"


@pytest.fixture
def sent(app: Flask, db_session: Session) -> dict[str, ModerationItem]:
    """A family's report with an answer in Polish, one in Urdu and one in English."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, LEAD)
    response_id = send(app, db_session, worked_well=POLISH, not_worked=URDU, one_change=ENGLISH)
    keys = {"pl": "worked_well", "ur": "not_worked", "en": "one_change"}
    return {code: moderation_item(db_session, response_id, key) for code, key in keys.items()}


def test_answers_in_other_languages_are_held_and_flagged_for_a_person(
    db_session: Session, sent: dict[str, ModerationItem]
) -> None:
    polish, urdu, english = sent["pl"], sent["ur"], sent["en"]
    assert (polish.language, urdu.language, english.language) == ("pl", "ur", "en")
    for item, code in ((polish, "pl"), (urdu, "ur")):
        assert item.checked and item.status == PENDING and item.flagged
        assert unread_reason(code) in item.flag_reasons
    assert english.checked and not english.flagged and english.flag_reasons == []
    # First in the queue, and never approved in bulk with the clean answers.
    forum_id = english.forum_id
    first_two = {item.answer_id for item in queue.queue_page(db_session, forum_id).items[:2]}
    assert first_two == {polish.answer_id, urdu.answer_id}
    clean, _ = queue.clean_waiting(db_session, forum_id)
    assert [item.answer_id for item in clean] == [english.answer_id]
    assert journeys.approve_answers(db_session, forum_id, [polish.answer_id], None, clean_only=True) == []


def test_the_queue_lists_other_languages_with_their_tag(
    app: Flask, db_session: Session, sent: dict[str, ModerationItem]
) -> None:
    client = signed_in(app, LEAD)
    waiting = page(client, QUEUE)
    assert "Other languages (2)" in squashed_text(waiting)
    tags = [tag.get_text(" ", strip=True) for tag in waiting.select("[data-language-tag]")]
    assert sorted(tags) == sorted([POLISH_TAG, URDU_TAG])
    others = page(client, f"{QUEUE}?status=languages")
    rows = others.select(".moderation-queue__item")
    assert len(rows) == 2 and all("needs someone who reads it" in squashed_text(row) for row in rows)
    assert ENGLISH not in squashed_text(others)
    item = page(client, f"{QUEUE}/{public_id(db_session, sent['pl'].answer_id)}")
    assert one(item, "[data-language-tag]").get_text(strip=True) == POLISH_TAG
    english = page(client, f"{QUEUE}/{public_id(db_session, sent['en'].answer_id)}")
    assert english.select("[data-language-tag]") == []


def test_approved_answers_in_other_languages_are_left_to_people_to_code(
    app: Flask, db_session: Session, sent: dict[str, ModerationItem]
) -> None:
    ids = sorted(item.answer_id for item in sent.values())
    forum_id = sent["en"].forum_id
    assert journeys.approve_answers(db_session, forum_id, ids, None) == ids
    for code, tag in (("pl", POLISH_TAG), ("ur", URDU_TAG)):
        coded = db_session.get(CodedAnswer, sent[code].answer_id)
        assert coded is not None and coded.status == "pending"
        assert coded.suggestions == [] and coded.notes == [tag] and coded.model_label == NOT_CODED_LABEL
        assert coded.confidence == 0.0
        codings = select(func.count()).select_from(Coding).where(Coding.answer_id == sent[code].answer_id)
        assert db_session.scalar(codings) == 0
    english = db_session.get(CodedAnswer, sent["en"].answer_id)
    assert english is not None and english.model_label != NOT_CODED_LABEL and english.suggestions
    # The coding queue and the answer's page say so.
    client = signed_in(app, LEAD)
    listing = page(client, "/staff/coding")
    tags = [tag.get_text(" ", strip=True) for tag in listing.select("[data-language-tag]")]
    assert sorted(tags) == sorted([POLISH_TAG, URDU_TAG])
    answer = page(client, f"/staff/coding/{public_id(db_session, sent['pl'].answer_id)}")
    assert one(answer, "[data-language-tag]").get_text(strip=True) == POLISH_TAG
    english_page = page(client, f"/staff/coding/{public_id(db_session, sent['en'].answer_id)}")
    assert english_page.select("[data-language-tag]") == []
    # Once people have coded them, the forum's English coder is not trained on them.
    db_session.execute(update(CodedAnswer).values(status=CODED))
    db_session.commit()
    assert [example.text for example in forum_examples(db_session, forum_id)] == [ENGLISH]
    assert confirmed_count(db_session, forum_id) == 1


def test_urdu_in_latin_letters_is_not_taken_for_english(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    item = moderation_item(db_session, send(app, db_session, not_worked=ROMAN_URDU), "not_worked")
    assert item.language == "ur-Latn" and item.flagged and item.status == PENDING
    rows = queue_screen(db_session, item.forum_id, queue.LANGUAGES, 1).rows
    assert [row.language for row in rows] == [reader_tag("ur-Latn")]


def test_demo_answers_in_other_languages_wait_for_a_person_and_alert_nobody_by_themselves(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_survey(db_session, make_forum(db_session))
    monkeypatch.setattr(intake, "check_after_commit", lambda *args, **kwargs: None)  # checked below
    response_id = send(app, db_session, worked_well=POLISH, not_worked=URDU, one_change=ENGLISH)
    monkeypatch.undo()
    db_session.execute(
        update(ModerationItem)
        .where(ModerationItem.response_id == response_id)
        .values(received_on=date.today() - timedelta(days=60))
    )
    db_session.commit()
    report = intake.check_responses(db_session, [response_id], seeded=True)
    assert report.checked == 1 and report.flagged == 0 and report.flagged_answers == []  # no alert
    polish = moderation_item(db_session, response_id, "worked_well")
    urdu = moderation_item(db_session, response_id, "not_worked")
    english = moderation_item(db_session, response_id, "one_change")
    assert polish.status == urdu.status == PENDING and polish.original == POLISH
    assert english.status == APPROVED
