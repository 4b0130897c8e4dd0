"""Answers are coded automatically once a moderator approves them (and demo data, which counts as
moderated, when seeded), and never otherwise."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.versions import ThemeFields, add_version, current_version, default_fields
from forum_app.coding import automatic
from forum_app.coding.automatic import answer_confidence, code_new_answers
from forum_app.coding.models import AUTO, PENDING, SUGGESTED, CodedAnswer, Coding
from forum_app.demo import seed_demo
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.surveys.models import Answer, Response
from tests.factories import JOURNEY, answer_all, approve_all, make_forum, make_survey, submit

TEXT_KEYS = {"worked_well", "not_worked", "one_change"}


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_answer_confidence_is_the_least_sure_decision() -> None:
    assert answer_confidence({"a": 0.95, "b": 0.1}) == 0.9
    assert answer_confidence({"a": 0.55, "b": 0.02}) == 0.55
    assert answer_confidence({"a": 0.3, "b": 0.45}) == 0.55
    assert answer_confidence({}) == 0.0


def test_an_approved_submission_is_coded_at_once(client: FlaskClient, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    answer_all(client)
    assert _count(db_session, CodedAnswer) == 0  # nothing is coded before it is sent
    submit(client)
    assert _count(db_session, CodedAnswer) == 0  # nor before a moderator approves it
    assert approve_all(db_session) == 3
    coded = db_session.scalars(select(CodedAnswer)).all()
    keys = set(
        db_session.scalars(select(Answer.question_key).where(Answer.id.in_([c.answer_id for c in coded])))
    )
    assert keys == TEXT_KEYS
    not_worked = next(
        c
        for c in coded
        if db_session.get(Answer, c.answer_id).question_key == "not_worked"  # type: ignore[union-attr]
    )
    # "We waited over a year for CAMHS and nobody told us anything."
    themes = {s["theme"] for s in not_worked.suggestions}
    assert {"waiting_times", "mental_health"} <= themes
    assert not_worked.status == PENDING and not_worked.sentiment == "negative"
    assert all(s["evidence"] for s in not_worked.suggestions)
    rows = db_session.scalars(select(Coding).where(Coding.answer_id == not_worked.answer_id)).all()
    assert {row.theme_id for row in rows} == themes
    assert {(row.source, row.status) for row in rows} == {(AUTO, SUGGESTED)}
    version = current_version(db_session, forum.id)
    assert version is not None and version.version == 1
    assert {c.codebook_version_id for c in coded} == {version.id}


def test_an_unsent_or_empty_answer_is_not_coded(client: FlaskClient, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    journey = [(key, {"answer": "   "} if key == "one_change" else data) for key, data in JOURNEY]
    answer_all(client, journey)
    assert code_new_answers(db_session) == 0  # in progress: not coded
    submit(client)
    assert code_new_answers(db_session) == 0  # waiting for moderation: not coded
    approve_all(db_session)
    assert _count(db_session, CodedAnswer) == 2
    assert code_new_answers(db_session) == 0  # already coded: never twice


def test_a_failing_coder_never_loses_the_submission(
    client: FlaskClient,
    db_session: Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the coder broke")

    monkeypatch.setattr(automatic, "_store", broken)
    answer_all(client)
    assert submit(client).status_code == 302
    with caplog.at_level(logging.ERROR):
        assert approve_all(db_session) == 3
    assert "RuntimeError" in caplog.text and "CAMHS" not in caplog.text
    assert _count(db_session, Response) == 1 and _count(db_session, CodedAnswer) == 0
    monkeypatch.undo()
    assert code_new_answers(db_session, forum_id=forum.id) == 3


def test_seeded_responses_count_as_moderated_and_are_coded(app: Flask, db_session: Session) -> None:
    with app.app_context():
        seed_demo(db_session, responses=30, seed=3, until=date(2026, 6, 30))
    values = db_session.scalars(select(Answer.value).where(Answer.question_key.in_(TEXT_KEYS))).all()
    items = db_session.scalars(select(ModerationItem)).all()
    assert len(items) == sum(1 for value in values if isinstance(value, str) and value.strip())
    approved = {item.answer_id for item in items if item.status == APPROVED}
    assert approved == {item.answer_id for item in items if not item.flagged}  # flagged ones wait
    coded = set(db_session.scalars(select(CodedAnswer.answer_id)))
    assert len(coded) > 30
    assert coded == approved
    assert _count(db_session, CodebookVersion) == 1


def test_withdrawing_deletes_the_codings(client: FlaskClient, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    answer_all(client)
    submit(client)
    approve_all(db_session)
    assert _count(db_session, Coding) > 0
    response = db_session.scalars(select(Response)).one()
    db_session.delete(response)
    db_session.commit()
    assert _count(db_session, CodedAnswer) == 0 and _count(db_session, Coding) == 0


def test_a_phrase_the_forum_added_suggests_its_theme(client: FlaskClient, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    fields = default_fields()
    phrase = "sibling group"
    edited = [
        ThemeFields(f.theme_id, f.label, f.definition, f.framework_areas, (*f.indicators, phrase))
        if f.theme_id == "family_impact"
        else f
        for f in fields
    ]
    add_version(db_session, forum.id, fields, source="default")
    version = add_version(db_session, forum.id, edited, source="edit")
    db_session.commit()
    journey = [
        (key, {"answer": "We found a sibling group on Fridays."} if key == "worked_well" else data)
        for key, data in JOURNEY
    ]
    answer_all(client, journey)
    submit(client)
    approve_all(db_session)
    worked_well = db_session.scalars(
        select(CodedAnswer).join(Answer).where(Answer.question_key == "worked_well")
    ).one()
    found = {s["theme"]: s for s in worked_well.suggestions}
    assert "family_impact" in found and found["family_impact"]["confidence"] >= 0.6
    assert any("sibling group" in e["text"] for e in found["family_impact"]["evidence"])
    assert worked_well.codebook_version_id == version.id
