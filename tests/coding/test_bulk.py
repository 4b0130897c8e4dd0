"""Bulk acceptance of the confident suggestions: what it accepts, its undo, and the lead's threshold."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.coding.bulk import (
    DEFAULT_THRESHOLD,
    THRESHOLD_KEY,
    ThresholdError,
    bulk_accept,
    bulk_preview,
    bulk_threshold,
)
from forum_app.coding.decisions import state_of
from forum_app.coding.filters import Filters
from forum_app.coding.models import ACCEPTED, AUTO, CODED, PENDING, CodedAnswer, Coding, CodingDecision
from forum_app.coding.undo import undo_last
from tests.coding.factories import CODER, LEAD, QUEUE, code_answer, error_summary, forum_id_of, seed_workspace
from tests.factories import csrf_token, one, page, signed_in, squashed_text, user_id


@pytest.fixture
def demo(db_session: Session) -> list[int]:
    """Twelve coded answers of the demo forum, and a lead, a coder and a viewer of it."""
    return seed_workspace(db_session)


# --- bulk acceptance ----------------------------------------------------------------------------


def test_bulk_acceptance_accepts_the_confident_suggestions_once(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    coder = user_id(db_session, CODER)
    rows = {c.answer_id: c for c in db_session.scalars(select(CodedAnswer))}
    code_answer(db_session, demo[0], themes=[])  # coded already: never touched by bulk acceptance
    threshold = 0.8
    expected = sorted(a for a in demo[1:] if rows[a].confidence >= threshold)
    assert 0 < len(expected) < 11
    suggestions = {a: {s["theme"] for s in rows[a].suggestions} for a in expected}
    sentiments = {a: rows[a].sentiment for a in expected}

    assert bulk_preview(db_session, forum_id, threshold, Filters()) == len(expected)
    assert bulk_accept(db_session, forum_id, coder, threshold, Filters(), batch=2) == len(expected)
    assert bulk_accept(db_session, forum_id, coder, threshold, Filters()) == 0  # idempotent
    assert bulk_preview(db_session, forum_id, threshold, Filters()) == 0

    db_session.expire_all()
    for answer_id in expected:
        coded = db_session.get(CodedAnswer, answer_id)
        assert coded is not None and coded.status == CODED and coded.coded_by_id == coder
        assert coded.coded_at is not None and coded.sentiment == sentiments[answer_id]
        state = state_of(db_session, coded)
        assert set(state.themes) == suggestions[answer_id]
        codings = db_session.execute(
            select(Coding.source, Coding.status, Coding.coder_id).where(Coding.answer_id == answer_id)
        ).all()
        assert {tuple(row) for row in codings} <= {(AUTO, ACCEPTED, coder)}
    logged = db_session.scalars(select(CodingDecision).where(CodingDecision.kind == "bulk")).all()
    assert sorted(d.answer_id for d in logged) == expected
    assert len({d.decided_at for d in logged}) == 1  # one run
    assert all(d.before["status"] == PENDING and d.after["status"] == CODED for d in logged)
    assert all(d.before["themes"] == d.after["themes"] == sorted(suggestions[d.answer_id]) for d in logged)
    untouched = db_session.get(CodedAnswer, demo[0])
    assert untouched is not None and state_of(db_session, untouched).themes == ()


def test_bulk_acceptance_keeps_to_the_filters(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    waiting = Filters(theme="waiting_times")
    expected = [
        c.answer_id
        for c in db_session.scalars(select(CodedAnswer).where(CodedAnswer.confidence >= 0.5))
        if "waiting_times" in {s["theme"] for s in c.suggestions}
    ]
    accepted = bulk_accept(db_session, forum_id, user_id(db_session, LEAD), 0.5, waiting)
    assert accepted == len(expected) > 0
    coded = set(db_session.scalars(select(CodedAnswer.answer_id).where(CodedAnswer.status == CODED)))
    assert coded == set(expected)


def test_undo_after_bulk_acceptance_takes_the_whole_run_back(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    lead, coder = user_id(db_session, LEAD), user_id(db_session, CODER)
    before = {a: state_of(db_session, db_session.get(CodedAnswer, a)) for a in demo}  # type: ignore[arg-type]
    count = bulk_accept(db_session, forum_id, coder, 0.5, Filters(), batch=5)
    assert count == 12
    code_answer(db_session, demo[3], who=LEAD, themes=["family_impact"])  # changed since by someone else

    undone = undo_last(db_session, forum_id, coder)
    assert (undone.bulk, undone.count, undone.skipped) == (True, 11, 1)
    db_session.expire_all()
    for answer_id in demo:
        state = state_of(db_session, db_session.get(CodedAnswer, answer_id))  # type: ignore[arg-type]
        if answer_id == demo[3]:
            assert state.themes == ("family_impact",) and state.status == CODED
        else:
            assert state == before[answer_id]
            assert db_session.get(CodedAnswer, answer_id).coded_by_id is None  # type: ignore[union-attr]
    assert undo_last(db_session, forum_id, lead).answer_id == demo[3]  # the lead's own
    undos = db_session.scalar(select(func.count()).where(CodingDecision.kind == "undo"))
    assert undos == 12


def test_the_bulk_page_asks_before_accepting(app: Flask, db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    client = signed_in(app, CODER)
    count = bulk_preview(db_session, forum_id, 0.9, Filters())
    soup = page(client, "/staff/coding/bulk")
    text = squashed_text(soup)
    assert "at least 90% sure" in text
    if count:
        assert f"Are you sure? This marks {count} answer" in text
    assert soup.find("input", attrs={"name": "threshold"}) is None  # only the lead sets it
    response = client.post(
        "/staff/coding/bulk?theme=waiting_times", data={"csrf_token": csrf_token(soup), "threshold": "0.5"}
    )
    assert response.status_code == 303 and response.location == f"{QUEUE}?theme=waiting_times"
    accepted = db_session.scalar(select(func.count()).where(CodingDecision.kind == "bulk"))
    expected = bulk_preview(db_session, forum_id, 0.5, Filters(theme="waiting_times"))
    assert f"Accepted the suggestions of {accepted}" in squashed_text(page(client, response.location))
    assert expected > 0  # at 50% more were waiting, but the form's threshold counts for nothing
    assert (
        client.post(
            "/staff/coding/bulk/threshold", data={"csrf_token": csrf_token(soup), "threshold": "50"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("typed", "stored"), [("80", 0.8), ("80%", 0.8), ("0.75", 0.75), ("100", 1.0), (" 50 ", 0.5)]
)
def test_the_lead_sets_the_threshold(
    app: Flask, db_session: Session, demo: list[int], typed: str, stored: float
) -> None:
    client = signed_in(app, LEAD)
    token = csrf_token(page(client, "/staff/coding/bulk?sentiment=negative"))
    response = client.post(
        "/staff/coding/bulk/threshold?sentiment=negative", data={"threshold": typed, "csrf_token": token}
    )
    assert response.status_code == 303 and response.location == "/staff/coding/bulk?sentiment=negative"
    assert bulk_threshold(db_session, forum_id_of(db_session)) == stored
    assert f"at least {round(stored * 100)}% sure" in squashed_text(page(client, response.location))
    assert db_session.scalar(select(func.count()).select_from(CodingDecision)) == 0  # nothing accepted


@pytest.mark.parametrize("typed", ["", "abc", "40", "101", "0.2", "nan", "inf", "-90"])
def test_an_impossible_threshold_gets_a_message(
    app: Flask, db_session: Session, demo: list[int], typed: str
) -> None:
    client = signed_in(app, LEAD)
    soup = page(client, "/staff/coding/bulk")
    response = client.post(
        "/staff/coding/bulk/threshold", data={"csrf_token": csrf_token(soup), "threshold": typed}
    )
    assert response.status_code == 200
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert one(shown, "title").get_text().startswith("Error: ")
    assert error_summary(shown) == ["Enter a confidence from 50% to 100%, like 90"]
    assert bulk_threshold(db_session, forum_id_of(db_session)) == DEFAULT_THRESHOLD


def test_a_stored_threshold_out_of_range_falls_back_to_the_default(
    db_session: Session, demo: list[int]
) -> None:
    forum = db_session.get(Forum, forum_id_of(db_session))
    assert forum is not None
    for bad in (0.1, "high", None, 7):
        forum.settings = {**forum.settings, THRESHOLD_KEY: bad}
        db_session.commit()
        assert bulk_threshold(db_session, forum.id) == 0.9
    with pytest.raises(ThresholdError):
        bulk_accept(db_session, forum.id, user_id(db_session, LEAD), 0.3, Filters())
