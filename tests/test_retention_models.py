"""The retention purge makes the forum's coder forget the answers it deletes, as a withdrawal does:
every model trained on one of them is switched off and its parameters deleted, models that never saw
them stay on, a retraining without them starts, and a dry run changes nothing.

The demo forum's twelve answers (sent in early 2026) are all confirmed; model 1 was trained on the
first six, model 2 (in use) on all twelve. The last answer's response is sent long ago, so the purge
as of ``MOMENT`` deletes it alone (the forum keeps responses 24 months).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cache

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.codebook.versions import ensure_codebook
from forum_app.coder.model_files import model_to_bytes
from forum_app.coder.shipped_model import default_model
from forum_app.coding.forum_coder import coder_for_forum
from forum_app.coding.learning import PURGED_MESSAGE, RetrainRun, withdrawal_notice
from forum_app.coding.models import ForumModel
from forum_app.coding.retraining import READY, REMOVED, RetrainSettings
from forum_app.db import utcnow
from forum_app.retention import Purged, purge_all
from forum_app.surveys.models import Answer, Response
from tests.coding.factories import TEXTS, code_answer, forum_id_of, seed_workspace

MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
LONG_AGO = date(2023, 1, 2)
RESUME_DAYS = 30
NO_RETRAIN = RetrainRun(minimum=1000, background=False)


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
def forum(db_session: Session) -> Iterator[tuple[list[int], int, int]]:
    """The confirmed answers' ids and models 1 and 2; the last answer's response is past retention."""
    ids = seed_workspace(db_session)
    for answer_id in ids:
        code_answer(db_session, answer_id)
    first = _model(db_session, ids[:6], active=False)
    second = _model(db_session, ids, active=True)
    old = db_session.get_one(Answer, ids[-1]).response_id
    db_session.execute(
        update(Response).where(Response.id == old).values(started_on=LONG_AGO, submitted_on=LONG_AGO)
    )
    db_session.commit()
    yield ids, first, second


def _purge(session: Session, run: RetrainRun, dry_run: bool = False) -> Purged:
    done = purge_all(session, MOMENT, RESUME_DAYS, dry_run=dry_run, run=run)
    session.expire_all()
    return done


def _parameters_of(session: Session, model_id: int) -> bytes | None:
    return session.scalar(select(ForumModel.parameters).where(ForumModel.id == model_id))


def _coder_label(session: Session) -> str:
    forum_id = forum_id_of(session)
    return coder_for_forum(session, forum_id, ensure_codebook(session, forum_id)).label


def test_a_model_trained_on_a_purged_answer_is_switched_off_and_deleted(
    db_session: Session, forum: tuple[list[int], int, int]
) -> None:
    ids, first, second = forum
    assert _coder_label(db_session) == "forum model 2"
    done = _purge(db_session, NO_RETRAIN)
    assert (done.responses.total("submitted"), done.responses.total("models_off")) == (1, 1)
    assert done.retrained == 0
    assert db_session.get(Answer, ids[-1]) is None and db_session.get(Answer, ids[-2]) is not None
    removed = db_session.get_one(ForumModel, second)
    assert (removed.status, removed.active, _parameters_of(db_session, second)) == (REMOVED, False, None)
    assert removed.message == PURGED_MESSAGE
    kept = db_session.get_one(ForumModel, first)  # never saw that answer
    assert (kept.status, _parameters_of(db_session, first)) == (READY, _parameters())
    assert _coder_label(db_session) == "default"
    notice = withdrawal_notice(db_session, forum_id_of(db_session))
    assert "Forum model 2 was switched off" in notice and "retention period" in notice
    assert "withdrew" not in notice
    # Idempotent: a second run switches nothing else off.
    again = _purge(db_session, NO_RETRAIN)
    assert again.responses.total("models_off") == 0 and again.retrained == 0


def test_a_model_not_trained_on_purged_answers_stays_on(
    db_session: Session, forum: tuple[list[int], int, int]
) -> None:
    _ids, first, second = forum
    db_session.execute(update(ForumModel).where(ForumModel.id == second).values(active=False))
    db_session.execute(update(ForumModel).where(ForumModel.id == first).values(active=True))
    db_session.commit()
    done = _purge(db_session, NO_RETRAIN)
    assert done.responses.total("models_off") == 1
    kept = db_session.get_one(ForumModel, first)
    assert (kept.status, kept.active, _parameters_of(db_session, first)) == (READY, True, _parameters())
    assert _coder_label(db_session) == "forum model 1"


def test_a_retraining_without_them_starts(db_session: Session, forum: tuple[list[int], int, int]) -> None:
    ids, _first, second = forum
    run = RetrainRun(minimum=5, settings=RetrainSettings(packaged_every=16), background=False)
    done = _purge(db_session, run)
    assert done.retrained == 1
    new = db_session.scalars(select(ForumModel).where(ForumModel.id > second)).one()
    assert new.status == READY and new.created_by_id is None
    assert new.metrics["answers"] == ids[:-1]


def test_a_dry_run_changes_nothing(db_session: Session, forum: tuple[list[int], int, int]) -> None:
    ids, first, second = forum
    done = _purge(db_session, RetrainRun(minimum=5, background=False), dry_run=True)
    assert done.responses.total("submitted") == 1
    assert done.responses.total("models_off") == 0 and done.retrained == 0
    assert db_session.get(Answer, ids[-1]) is not None
    for model_id in (first, second):
        model = db_session.get_one(ForumModel, model_id)
        assert (model.status, _parameters_of(db_session, model_id)) == (READY, _parameters())
    assert db_session.get_one(ForumModel, second).active
    assert db_session.scalar(select(ForumModel.id).where(ForumModel.id > second)) is None


def test_the_command_counts_the_models_switched_off(
    app: Flask, runner: FlaskCliRunner, db_session: Session, forum: tuple[list[int], int, int]
) -> None:
    _ids, _first, second = forum
    app.config.update(RETRAIN_MIN_CODED=1000)
    result = runner.invoke(args=["retention", "purge", "--today", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "demo: switched off 1 forum models that had learned from them" in result.output
    assert "Switched off in total: 1 forum models" in result.output
    assert "retraining started for 0 forums" in result.output
    assert not any(text[:30] in result.output for text in TEXTS)
    db_session.expire_all()
    assert db_session.get_one(ForumModel, second).status == REMOVED
