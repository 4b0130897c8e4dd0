"""A family's withdrawn answers leave the forum's coder at once: every model trained on them is
switched off and its parameters deleted, jobs still training are stopped, a retraining without them
starts, and the forum's examples never include withdrawn or spam responses.

The demo forum's twelve answers are all confirmed; two forum models are stored (with the shipped
default's parameters, standing in for trained ones): model 1 trained on the first six answers, model
2 (in use) on all twelve. The family of the last answer withdraws.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.codebook.versions import ensure_codebook
from forum_app.coder.model_files import model_to_bytes
from forum_app.coder.shipped_model import default_model
from forum_app.coding.forum_coder import coder_for_forum
from forum_app.coding.learning import RetrainRun, forget_answers, withdrawal_notice
from forum_app.coding.models import ForumModel
from forum_app.coding.retraining import (
    FAILED,
    READY,
    REMOVED,
    TRAINING,
    RetrainSettings,
    forum_examples,
    forum_training_set,
)
from forum_app.db import utcnow
from forum_app.surveys.codes import hash_code, new_receipt_code
from forum_app.surveys.models import SPAM, WITHDRAWN, Answer, Response, Survey
from forum_app.surveys.services import live_survey
from tests.coding.factories import CODER, LEAD, code_answer, forum_id_of, seed_workspace
from tests.factories import SURVEY_URL, attribute, csrf_token, one, page, post_form, sign_in

FAST = RetrainSettings(packaged_every=16)


@cache
def _parameters() -> bytes:
    return model_to_bytes(default_model())


def _model(session: Session, answers: list[int], active: bool) -> int:
    model = ForumModel(
        forum_id=forum_id_of(session),
        status=READY,
        active=active,
        forum_examples=len(answers),
        metrics={"answers": answers},
        parameters=_parameters(),
        finished_at=utcnow(),
    )
    session.add(model)
    session.commit()
    return model.id


@pytest.fixture
def forum(db_session: Session) -> Iterator[tuple[list[int], int, int, str]]:
    """The confirmed answers' ids, models 1 and 2, and the receipt code of the last answer's family."""
    ids = seed_workspace(db_session)
    for answer_id in ids:
        code_answer(db_session, answer_id)
    first = _model(db_session, ids[:6], active=False)
    second = _model(db_session, ids, active=True)
    code = new_receipt_code()
    response = db_session.get_one(Response, db_session.get_one(Answer, ids[-1]).response_id)
    response.receipt_hash = hash_code(code)
    db_session.commit()
    yield ids, first, second, code


def _withdraw(session: Session, code: str, run: RetrainRun) -> None:
    slug = session.scalars(select(Survey.slug)).one()
    journeys.withdraw(session, code, live_survey(session, "demo", slug), run)
    session.expire_all()


def _parameters_of(session: Session, model_id: int) -> bytes | None:
    return session.scalar(select(ForumModel.parameters).where(ForumModel.id == model_id))


def test_a_withdrawal_deletes_the_models_trained_on_it(
    db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    ids, first, second, code = forum
    forum_id = forum_id_of(db_session)
    assert (
        coder_for_forum(db_session, forum_id, ensure_codebook(db_session, forum_id)).label == "forum model 2"
    )
    _withdraw(db_session, code, RetrainRun(minimum=1000, background=False))  # too few left to retrain
    removed = db_session.get_one(ForumModel, second)
    assert (removed.status, removed.active, _parameters_of(db_session, second)) == (REMOVED, False, None)
    assert "a family withdrew" in removed.message
    kept = db_session.get_one(ForumModel, first)  # never saw those answers
    assert (kept.status, _parameters_of(db_session, first)) == (READY, _parameters())
    coder = coder_for_forum(db_session, forum_id, ensure_codebook(db_session, forum_id))
    assert coder.label == "default"
    assert db_session.scalar(select(ForumModel.id).where(ForumModel.id > second)) is None  # none queued
    assert db_session.get(Answer, ids[-1]) is None
    assert "Forum model 2 was switched off" in withdrawal_notice(db_session, forum_id)


def test_a_retraining_without_them_starts(
    db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    ids, _first, second, code = forum
    _withdraw(db_session, code, RetrainRun(minimum=5, settings=FAST, background=False))
    new = db_session.scalars(select(ForumModel).where(ForumModel.id > second)).one()
    assert new.status == READY and new.created_by_id is None
    assert new.metrics["answers"] == ids[:-1]
    if new.active:
        assert withdrawal_notice(db_session, forum_id_of(db_session)) == ""


def test_a_job_still_training_is_stopped(db_session: Session, forum: tuple[list[int], int, int, str]) -> None:
    ids, _first, _second, _code = forum
    forum_id = forum_id_of(db_session)
    job = ForumModel(forum_id=forum_id, status=TRAINING)
    db_session.add(job)
    db_session.commit()
    forgotten = forget_answers(db_session, forum_id, [ids[0]])
    db_session.commit()
    assert forgotten.stopped == 1 and forgotten.retrain
    assert db_session.get_one(ForumModel, job.id).status == FAILED


def test_a_model_from_before_the_record_is_dropped_when_it_could_have_seen_them(
    db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    ids, first, _second, _code = forum
    forum_id = forum_id_of(db_session)
    db_session.execute(update(ForumModel).where(ForumModel.id == first).values(metrics={}))
    db_session.commit()
    assert forget_answers(db_session, forum_id, [ids[-1]]).removed == [first, _second]
    db_session.rollback()
    never = forget_answers(db_session, forum_id, [])
    assert never.removed == [] and not never.retrain


def test_examples_leave_out_withdrawn_and_spam_responses(
    db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    ids, *_ = forum
    forum_id = forum_id_of(db_session)
    assert forum_training_set(db_session, forum_id)[0] == ids
    spam = db_session.get_one(Answer, ids[0]).response_id
    withdrawn = db_session.get_one(Answer, ids[1]).response_id
    db_session.execute(update(Response).where(Response.id == spam).values(status=SPAM))
    db_session.execute(update(Response).where(Response.id == withdrawn).values(status=WITHDRAWN))
    db_session.commit()
    assert forum_training_set(db_session, forum_id)[0] == ids[2:]
    assert len(forum_examples(db_session, forum_id)) == len(ids) - 2


def test_the_page_says_so_without_saying_who(
    app: Flask, client: FlaskClient, db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    _ids, _first, _second, code = forum
    _withdraw(db_session, code, RetrainRun(minimum=1000, background=False))
    sign_in(client, LEAD)
    soup = page(client, "/staff/coder")
    notice = one(soup, ".notice").get_text(" ", strip=True)
    assert "Forum model 2 was switched off and its data deleted because a family withdrew" in notice
    assert "Switched off and deleted" in soup.get_text()
    assert CODER not in notice


def test_a_withdrawn_model_cannot_be_switched_back_on(
    app: Flask, client: FlaskClient, db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    _ids, _first, second, code = forum
    _withdraw(db_session, code, RetrainRun(minimum=1000, background=False))
    sign_in(client, LEAD)
    soup = page(client, "/staff/coder")
    token = csrf_token(soup)
    response = client.post("/staff/coder/use", data={"model_id": str(second), "csrf_token": token})
    assert response.status_code == 400


def test_the_familys_withdrawal_page_makes_the_coder_forget(
    app: Flask, client: FlaskClient, db_session: Session, forum: tuple[list[int], int, int, str]
) -> None:
    _ids, _first, second, code = forum
    app.config.update(RETRAIN_MIN_CODED=1000)
    asked = post_form(client, f"{SURVEY_URL}withdraw", {"code": code})
    soup = BeautifulSoup(asked.get_data(as_text=True), "html.parser")
    hidden = attribute(soup.find("input", attrs={"name": "code"}), "value")
    done = client.post(f"{SURVEY_URL}withdraw/confirm", data={"code": hidden, "csrf_token": csrf_token(soup)})
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get_one(ForumModel, second).status == REMOVED
    assert _parameters_of(db_session, second) is None
