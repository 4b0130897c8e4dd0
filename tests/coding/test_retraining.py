"""Retraining the coder on a forum's own confirmed codings: the service, the CLI and the button.

The forum here is the demo forum with seeded, automatically coded answers, whose coders then confirm
every suggestion and, consistently, code answers about "Quennick" (a made-up local short-breaks
club) to ``social_care_short_breaks``: a convention the default coder cannot know.
Training uses every 8th packaged example (``fast_settings``) and is compared with a default trained
the same way, so that the comparison measures the forum's codings, not the smaller training set;
one test uses the full settings of the button and the CLI.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from functools import cache

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.services import get_forum
from forum_app.codebook.versions import ensure_codebook
from forum_app.coder.classifier import Example, Model, Prepared, train
from forum_app.coder.model_files import model_from_bytes, model_to_bytes
from forum_app.coder.pipeline import code_texts
from forum_app.coder.shipped_model import default_model, packaged_examples, probe_outputs
from forum_app.coding import retraining
from forum_app.coding.forum_coder import coder_for_forum
from forum_app.coding.models import (
    ACCEPTED,
    CODED,
    MANUAL,
    PENDING,
    REJECTED,
    SUGGESTED,
    CodedAnswer,
    Coding,
    ForumModel,
)
from forum_app.coding.retraining import (
    FAILED,
    QUEUED,
    READY,
    NotEnoughCodings,
    RetrainingInProgress,
    RetrainSettings,
    forum_examples,
    retrain_forum,
    start_retraining,
    train_for_forum,
)
from forum_app.db import utcnow
from forum_app.demo import seed_demo
from forum_app.surveys.models import Answer
from tests.factories import csrf_token, make_staff, page, response_text, sign_in

MINIMUM = 50
THEME = "social_care_short_breaks"
QUENNICK = ("Quennick again.", "We asked about Quennick.", "Quennick matters to us.", "And then Quennick.")
PROBE = "We went to Quennick on Saturday."
LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"


@cache
def fast_settings() -> RetrainSettings:
    """Every 8th packaged example, and a default coder trained on just those to compare with."""
    examples, prepared = retraining._packaged(8)
    default = train(examples, {"threshold_folds": 0}, prepared=prepared)
    return RetrainSettings(packaged_every=8, compare_with=default)


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config.update(
        RETRAIN_MIN_CODED=MINIMUM, RETRAIN_SETTINGS=fast_settings(), RETRAIN_IN_BACKGROUND=False
    )
    return app


def _seed(app: Flask, session: Session, slug: str = "demo", responses: int = 30) -> int:
    """A forum with seeded answers, coded automatically (pending); returns the forum's id."""
    with app.app_context():
        seed_demo(session, responses=responses, seed=1, forum_slug=slug)
    forum = get_forum(session, slug)
    assert forum is not None
    return forum.id


def _confirm(session: Session, forum_id: int, quennick_every: int = 3) -> int:
    """Confirm every automatic suggestion of the forum; every ``quennick_every``-th answer also
    mentions Quennick, which the forum's coders code to THEME by hand. Returns the answers confirmed."""
    version = ensure_codebook(session, forum_id)
    rows = session.execute(
        select(CodedAnswer.answer_id, Answer.value)
        .join(Answer, Answer.id == CodedAnswer.answer_id)
        .where(CodedAnswer.forum_id == forum_id)
        .order_by(CodedAnswer.answer_id)
    ).all()
    for index, (answer_id, value) in enumerate(rows):
        if index % quennick_every == 0:
            extra = QUENNICK[index // quennick_every % len(QUENNICK)]
            session.execute(update(Answer).where(Answer.id == answer_id).values(value=f"{value} {extra}"))
            session.add(
                Coding(
                    answer_id=answer_id,
                    theme_id=THEME,
                    source=MANUAL,
                    status=ACCEPTED,
                    codebook_version_id=version.id,
                )
            )
    ids = [answer_id for answer_id, _ in rows]
    session.execute(
        update(Coding).where(Coding.answer_id.in_(ids), Coding.status == SUGGESTED).values(status=ACCEPTED)
    )
    session.execute(update(CodedAnswer).where(CodedAnswer.forum_id == forum_id).values(status=CODED))
    session.commit()
    return len(rows)


def _forum_ready(app: Flask, session: Session, slug: str = "demo") -> int:
    forum_id = _seed(app, session, slug)
    assert _confirm(session, forum_id) >= MINIMUM
    return forum_id


def _themes_for(session: Session, forum_id: int, text: str) -> tuple[str, tuple[str, ...]]:
    coder = coder_for_forum(session, forum_id, ensure_codebook(session, forum_id))
    session.commit()
    return coder.label, code_texts([text], coder.model)[0].theme_ids


def _sign_in(client: FlaskClient, session: Session, role: str = "lead", slug: str = "demo") -> None:
    """Add a member of staff with this role to the forum ``slug`` and sign ``client`` in as them."""
    email = {"lead": LEAD, "coder": CODER, "viewer": VIEWER}[role].replace("@", f"+{slug}@")
    make_staff(session, email, slug, role)
    sign_in(client, email)


def _post(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> object:
    token = csrf_token(page(client, "/staff/coder"))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def _models(session: Session) -> list[ForumModel]:
    session.commit()  # a fresh snapshot: other sessions and threads write too
    session.expire_all()  # (the app's sessions keep loaded values after a commit)
    return list(session.scalars(select(ForumModel).order_by(ForumModel.id)))


# --- parameters as bytes --------------------------------------------------------------------------


def test_model_bytes_round_trip_and_refuse_pickles() -> None:
    model = default_model()
    loaded = model_from_bytes(model_to_bytes(model))
    assert probe_outputs(loaded) == model.meta["probes"]
    buffer = io.BytesIO()
    np.savez(buffer, header=np.array([{"format": 1}], dtype=object))  # would need unpickling
    with pytest.raises(ValueError, match="allow_pickle"):
        model_from_bytes(buffer.getvalue())


# --- the forum's confirmed codings -------------------------------------------------------------


def test_only_confirmed_codings_of_the_forum_are_examples(app: Flask, db_session: Session) -> None:
    forum_id = _seed(app, db_session, responses=6)
    other_id = _seed(app, db_session, slug="elsewhere", responses=6)
    rows = db_session.scalars(
        select(CodedAnswer).where(CodedAnswer.forum_id == forum_id).order_by(CodedAnswer.answer_id)
    ).all()
    decided, pending = rows[0], rows[1]
    assert forum_examples(db_session, forum_id) == []  # nothing decided yet
    version = ensure_codebook(db_session, forum_id)
    autos = db_session.scalars(select(Coding).where(Coding.answer_id == decided.answer_id)).all()
    for index, coding in enumerate(autos):
        coding.status = ACCEPTED if index == 0 else REJECTED
    db_session.add(
        Coding(
            answer_id=decided.answer_id,
            theme_id="tribunals_appeals",
            source=MANUAL,
            status=ACCEPTED,
            codebook_version_id=version.id,
        )
    )
    db_session.add(
        Coding(
            answer_id=pending.answer_id,
            theme_id="tribunals_appeals",
            source=MANUAL,
            status=ACCEPTED,
            codebook_version_id=version.id,
        )
    )
    decided.status, decided.sentiment = CODED, "positive"
    db_session.execute(update(CodedAnswer).where(CodedAnswer.forum_id == other_id).values(status=CODED))
    db_session.commit()
    examples = forum_examples(db_session, forum_id)
    text = db_session.scalar(select(Answer.value).where(Answer.id == decided.answer_id))
    expected = {autos[0].theme_id, "tribunals_appeals"} if autos else {"tribunals_appeals"}
    assert len(examples) == 1 and examples[0].text == text
    assert set(examples[0].themes) == expected and examples[0].sentiment == "positive"
    assert pending.status == PENDING
    assert retraining.confirmed_count(db_session, forum_id) == 1
    assert retraining.confirmed_count(db_session, other_id) == len(forum_examples(db_session, other_id)) > 0


# --- retraining --------------------------------------------------------------------------------


def test_retraining_learns_the_forums_own_coding(app: Flask, db_session: Session) -> None:
    forum_id = _forum_ready(app, db_session)
    other_id = _seed(app, db_session, slug="elsewhere", responses=3)
    assert _themes_for(db_session, forum_id, PROBE) == ("default", ())
    job = retrain_forum(db_session, forum_id, None, MINIMUM, fast_settings())
    assert job.status == READY and job.active, job.message
    metrics = job.metrics
    assert metrics["forum_examples"] == job.forum_examples >= MINIMUM
    assert metrics["held_out"] == job.forum_examples and metrics["check_folds"] == 3
    assert metrics["new"]["macro_f1"] >= metrics["default"]["macro_f1"]
    assert job.message.startswith("Switched on")
    parameters = db_session.scalar(select(ForumModel.parameters).where(ForumModel.id == job.id))
    assert parameters
    with np.load(io.BytesIO(parameters), allow_pickle=False) as arrays:  # plain arrays, no pickle
        assert {"header", "theme_coef", "word_terms", "thresholds"} <= set(arrays.files)
        assert all(arrays[name].dtype != object for name in arrays.files)
    assert model_from_bytes(parameters).theme_ids == default_model().theme_ids
    label, themes = _themes_for(db_session, forum_id, PROBE)
    assert label == "forum model 1" and THEME in themes
    # Another forum never gets this forum's model.
    assert _themes_for(db_session, other_id, PROBE) == ("default", ())


def test_full_settings_once() -> None:
    """The settings the button and the CLI use (all 3,806 packaged examples): the forum's
    convention is learned, the held-out check is honest, and it takes button-like time."""
    base = [e for e in packaged_examples() if e.group == "survey"][:150]
    forum = [
        Example(f"{e.text} {QUENNICK[i % len(QUENNICK)]}", (*e.themes, THEME), e.sentiment, "forum")
        if i % 3 == 0
        else Example(e.text, e.themes, e.sentiment, "forum")
        for i, e in enumerate(base)
    ]
    trained = train_for_forum(forum)
    metrics = trained.metrics
    assert metrics["packaged_examples"] == len(packaged_examples()) and metrics["repeat"] == 1
    assert metrics["held_out"] == len(forum) and metrics["check_folds"] == 3
    assert metrics["new"]["macro_f1"] > metrics["default"]["macro_f1"] and trained.better
    assert THEME in code_texts([PROBE], trained.model)[0].theme_ids
    assert THEME not in code_texts([PROBE])[0].theme_ids


def test_a_worse_model_is_kept_but_not_switched_on(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum_id = _forum_ready(app, db_session)
    real, default = retraining._coded, fast_settings().compare_with

    def worse_new_model(model: Model, examples: list[Example], prepared: list[Prepared]) -> object:
        themes, sentiments = real(model, examples, prepared)
        return (themes, sentiments) if model is default else ([()] * len(themes), sentiments)

    monkeypatch.setattr(retraining, "_coded", worse_new_model)
    job = retrain_forum(db_session, forum_id, None, MINIMUM, fast_settings())
    assert job.status == READY and not job.active
    assert job.message.startswith("Not switched on") and "lower than the default" in job.message
    assert _themes_for(db_session, forum_id, PROBE)[0] == "default"


def test_a_failed_job_says_only_what_went_wrong(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum_id = _forum_ready(app, db_session)

    def broken(examples: list[Example], settings: object = None) -> object:
        raise ValueError(f"cannot learn from {examples[0].text}")

    monkeypatch.setattr(retraining, "train_for_forum", broken)
    job = retrain_forum(db_session, forum_id, None, MINIMUM, fast_settings())
    assert job.status == FAILED and not job.active and job.finished_at is not None
    assert "ValueError" in job.message and "cannot learn" not in job.message
    assert db_session.scalar(select(ForumModel.parameters).where(ForumModel.id == job.id)) is None


def test_one_job_per_forum_and_a_cut_off_job_does_not_block(app: Flask, db_session: Session) -> None:
    forum_id = _forum_ready(app, db_session)
    other_id = _forum_ready(app, db_session, "elsewhere")
    first = start_retraining(db_session, forum_id, None, MINIMUM)
    assert first.status == QUEUED
    with pytest.raises(RetrainingInProgress, match="already being retrained"):
        start_retraining(db_session, forum_id, None, MINIMUM)
    assert start_retraining(db_session, other_id, None, MINIMUM).status == QUEUED  # per forum
    # A job left behind by a stopped process stops blocking after a while, and is marked failed.
    first.created_at = utcnow() - retraining.STALE_AFTER - timedelta(minutes=1)
    db_session.commit()
    shown = retraining.coder_page(db_session, forum_id, MINIMUM)
    assert shown.job is None and shown.can_retrain and shown.history[0].status_text == "Stopped"
    second = start_retraining(db_session, forum_id, None, MINIMUM)
    db_session.refresh(first)
    assert second.status == QUEUED and first.status == FAILED and "Interrupted" in first.message


def test_below_the_minimum_nothing_is_trained(app: Flask, db_session: Session) -> None:
    forum_id = _seed(app, db_session, responses=3)
    with pytest.raises(NotEnoughCodings, match=f"at least {MINIMUM}"):
        retrain_forum(db_session, forum_id, None, MINIMUM, fast_settings())
    assert _models(db_session) == []


# --- the command line --------------------------------------------------------------------------


def test_cli_retrains_and_codes_new_answers_with_the_forum_model(app: Flask, db_session: Session) -> None:
    forum_id = _forum_ready(app, db_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["themes", "retrain", "--forum", "demo"])
    assert result.exit_code == 0, result.output
    count = retraining.confirmed_count(db_session, forum_id)
    assert f"Trained forum model 1 on {count} confirmed codings of demo" in result.output
    assert "macro-F1" in result.output and " new, " in result.output and " default" in result.output
    assert "Switched on: new answers of demo are now coded by forum model 1." in result.output
    # Answers without a coding are coded by the forum's model.
    pending = db_session.scalars(select(CodedAnswer.answer_id).where(CodedAnswer.forum_id == forum_id)).all()
    db_session.execute(delete(Coding).where(Coding.answer_id.in_(pending)))
    db_session.execute(delete(CodedAnswer).where(CodedAnswer.forum_id == forum_id))
    db_session.commit()
    result = runner.invoke(args=["themes", "code-new", "--forum", "demo"])
    assert result.exit_code == 0, result.output
    assert f"Coded {len(pending)} answers of demo that had no coding yet." in result.output
    labels = set(db_session.scalars(select(CodedAnswer.model_label)))
    assert labels == {"forum model 1"}
    result = runner.invoke(args=["themes", "code-new"])
    assert result.exit_code == 0 and "Coded 0 answers that had no coding yet." in result.output


def test_cli_refuses_below_the_minimum_and_unknown_forums(app: Flask, db_session: Session) -> None:
    _seed(app, db_session, responses=3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["themes", "retrain", "--forum", "demo"])
    assert result.exit_code != 0
    assert f"Retraining needs at least {MINIMUM} confirmed codings; this forum has 0." in result.output
    result = runner.invoke(args=["themes", "retrain", "--forum", "nowhere"])
    assert result.exit_code != 0 and "no forum with the slug 'nowhere'" in result.output
    assert _models(db_session) == []


# --- the page and its buttons ------------------------------------------------------------------


def test_the_page_says_what_is_in_use_and_why_retraining_is_not_possible_yet(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _seed(app, db_session, responses=3)
    _sign_in(client, db_session)
    soup = page(client, "/staff/coder")
    text = " ".join(soup.get_text(" ").split())
    assert soup.title is not None and soup.title.get_text() == "Automatic coder"
    assert "coded by the default coder" in text and "Your forum has 0 confirmed codings" in text
    button = soup.find("button", string="Retrain on our codings")
    assert button is not None and button.has_attr("disabled")
    reason = soup.find(id=button["aria-describedby"])
    assert reason is not None and f"at least {MINIMUM} confirmed codings" in reason.get_text()
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    response = _post(client, "/staff/coder/retrain")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert f"Retraining needs at least {MINIMUM} confirmed codings" in response_text(response)
    assert response_text(response).count("There is a problem") == 1
    assert _models(db_session) == []


def test_coders_and_viewers_cannot_use_the_page(app: Flask, db_session: Session) -> None:
    _forum_ready(app, db_session)
    for role in ("coder", "viewer"):
        client = app.test_client()
        _sign_in(client, db_session, role)
        token = csrf_token(page(client, "/staff/responses"))
        assert client.get("/staff/coder").status_code == 403
        for url, data in (("/staff/coder/retrain", {}), ("/staff/coder/use", {"model_id": "default"})):
            assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, (role, url)
    assert _models(db_session) == []


def test_the_button_trains_and_a_lead_switches_models(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum_id = _forum_ready(app, db_session)
    other_id = _forum_ready(app, db_session, "elsewhere")
    elsewhere = retrain_forum(db_session, other_id, None, MINIMUM, fast_settings())
    _sign_in(client, db_session)
    response = _post(client, "/staff/coder/retrain")  # in this request's thread (test setting)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.location.endswith("/staff/coder")  # type: ignore[attr-defined]
    mine = [model for model in _models(db_session) if model.forum_id == forum_id]
    assert [(model.status, model.active) for model in mine] == [(READY, True)]
    soup = page(client, "/staff/coder?follow=1")
    text = " ".join(soup.get_text(" ").split())
    assert "Forum model 1: ready. Switched on" in text
    count = retraining.confirmed_count(db_session, forum_id)
    assert f"New answers are coded by forum model 1 , retrained on {count} of your" in text
    assert "it scored macro-F1" in text
    assert len(soup.select(".coder-models tbody tr")) == 1  # the other forum's model is not listed
    # Back to the default, then forum model 1 again.
    assert _post(client, "/staff/coder/use", {"model_id": "default"}).status_code == 303  # type: ignore[attr-defined]
    assert _themes_for(db_session, forum_id, PROBE)[0] == "default"
    assert "coded by the default coder" in " ".join(page(client, "/staff/coder").get_text(" ").split())
    assert _post(client, "/staff/coder/use", {"model_id": str(mine[0].id)}).status_code == 303  # type: ignore[attr-defined]
    assert _themes_for(db_session, forum_id, PROBE)[0] == "forum model 1"
    # Another forum's model, or nonsense, cannot be switched on here.
    for choice in (str(elsewhere.id), "0", "abc", "99999999999"):
        response = _post(client, "/staff/coder/use", {"model_id": choice})
        assert response.status_code == 400, choice  # type: ignore[attr-defined]
    assert "cannot be used" in response_text(
        _post(client, "/staff/coder/use", {"model_id": str(elsewhere.id)})
    )
    assert _themes_for(db_session, forum_id, PROBE)[0] == "forum model 1"
    db_session.refresh(elsewhere)
    assert elsewhere.active  # untouched
    # A second job while one is queued is refused.
    start_retraining(db_session, forum_id, None, MINIMUM)
    response = _post(client, "/staff/coder/retrain")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "already being retrained" in response_text(response)


def _join(name: str, seconds: float) -> None:
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join(seconds)
            assert not thread.is_alive(), f"{name} still running after {seconds} s"


@pytest.fixture
def background(app: Flask) -> Iterator[Flask]:
    app.config["RETRAIN_IN_BACKGROUND"] = True
    yield app


def test_the_button_runs_the_job_in_a_background_thread(
    background: Flask, client: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum_id = _forum_ready(background, db_session)
    _sign_in(client, db_session)
    go = threading.Event()  # the job waits for it, so the page can be seen while it trains
    real = retraining.train_for_forum

    def held(examples: list[Example], settings: RetrainSettings | None = None) -> object:
        assert go.wait(60)
        return real(examples, settings)

    monkeypatch.setattr(retraining, "train_for_forum", held)
    response = _post(client, "/staff/coder/retrain")
    assert response.status_code == 303  # type: ignore[attr-defined]
    (job,) = _models(db_session)
    name = f"retrain-forum-model-{job.id}"
    assert any(thread.name == name for thread in threading.enumerate())
    deadline = time.monotonic() + 30
    while _models(db_session)[0].status == QUEUED and time.monotonic() < deadline:
        time.sleep(0.05)
    soup = page(client, "/staff/coder")
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None  # only when asked for
    assert soup.find("a", string="reload this page automatically every 10 seconds") is not None
    button = soup.find("button", string="Retrain on our codings")
    assert button is not None and button.has_attr("disabled")
    soup = page(client, "/staff/coder?follow=1")
    text = " ".join(soup.get_text(" ").split())
    assert soup.find("meta", attrs={"http-equiv": "refresh", "content": "10"}) is not None
    assert "Forum model 1: training" in text and "Stop reloading this page" in text
    go.set()
    deadline = time.monotonic() + 120
    while _models(db_session)[0].status in retraining.RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)
    _join(name, 30)
    (job,) = _models(db_session)
    assert job.status == READY and job.active and job.forum_id == forum_id, job.message
    soup = page(client, "/staff/coder?follow=1")
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None  # finished: no more reloading
    assert "Forum model 1: ready." in " ".join(soup.get_text(" ").split())
    label, themes = _themes_for(db_session, forum_id, PROBE)
    assert label == "forum model 1" and THEME in themes


def test_the_page_needs_a_csrf_token_to_retrain(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _forum_ready(app, db_session)
    _sign_in(client, db_session)
    assert client.post("/staff/coder/retrain").status_code == 400
    assert db_session.scalar(select(func.count()).select_from(ForumModel)) == 0
