"""People's decisions on an answer's coding: accepted, rejected and added themes, who and when, undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.codebook.versions import ensure_codebook
from forum_app.coding.decisions import DecisionError, decide, last_decision, state_of, undo
from forum_app.coding.models import (
    ACCEPTED,
    AUTO,
    CODED,
    MANUAL,
    PENDING,
    REJECTED,
    SUGGESTED,
    CodedAnswer,
    Coding,
    CodingDecision,
)
from tests.coding.factories import add_coded_answers
from tests.factories import make_forum, make_staff, make_survey, user_id

# Answers whose automatic themes do not depend on fine details of the model.
TEXTS = [
    "We waited 2 years for an autism assessment and nobody told us anything.",
    "CAMHS said the wait is 18 months and in the meantime our daughter stopped eating.",
    "The annual review was late again and the plan was never amended.",
    "Short breaks were cut and we have had no respite for a year.",
]


def _codings(session: Session, answer_id: int) -> set[tuple[str, str, str, int | None]]:
    rows = session.execute(
        select(Coding.theme_id, Coding.source, Coding.status, Coding.coder_id).where(
            Coding.answer_id == answer_id
        )
    ).all()
    return {(theme, source, status, coder) for theme, source, status, coder in rows}


@pytest.fixture
def setup(db_session: Session) -> tuple[list[int], int, int, list[str], int]:
    """Four coded answers of the demo forum, a lead and a coder; returns the answer ids, the two user
    ids, the codebook's theme ids and its version id."""
    forum = make_forum(db_session)
    version = make_survey(db_session, forum)
    ids = add_coded_answers(db_session, version, TEXTS)
    make_staff(db_session, "lead@example.org", role="lead")
    make_staff(db_session, "coder@example.org", role="coder")
    codebook = ensure_codebook(db_session, forum.id)
    db_session.commit()
    themes = [row.theme_id for row in codebook.themes]
    return (
        ids,
        user_id(db_session, "lead@example.org"),
        user_id(db_session, "coder@example.org"),
        themes,
        codebook.id,
    )


def _coded(session: Session, answer_id: int) -> CodedAnswer:
    coded = session.get(CodedAnswer, answer_id)
    assert coded is not None
    return coded


def test_a_pending_answer_has_its_suggestions_as_its_themes(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, *_ = setup
    coded = _coded(db_session, ids[0])
    state = state_of(db_session, coded)
    assert state.status == PENDING
    assert set(state.themes) == {s["theme"] for s in coded.suggestions}
    assert {"waiting_times", "identification_of_needs"} <= set(state.themes)
    assert state.sentiment == coded.auto_sentiment == "negative"


def test_deciding_accepts_rejects_and_adds_themes_and_records_who_and_when(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, lead, _coder, themes, version = setup
    coded = _coded(db_session, ids[0])
    suggested = set(state_of(db_session, coded).themes)
    dropped = "identification_of_needs"
    added = "family_impact" if "family_impact" not in suggested else "transitions_pfa"
    wanted = (suggested - {dropped}) | {added}
    decision = decide(
        db_session,
        coded,
        user_id=lead,
        themes=wanted,
        sentiment="mixed",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    db_session.expire_all()

    coded = _coded(db_session, ids[0])
    assert coded.status == CODED and coded.sentiment == "mixed" and coded.auto_sentiment == "negative"
    assert coded.coded_by_id == lead and coded.coded_at is not None
    rows = _codings(db_session, ids[0])
    assert rows == (
        {(theme, AUTO, ACCEPTED, lead) for theme in suggested - {dropped}}
        | {(dropped, AUTO, REJECTED, lead), (added, MANUAL, ACCEPTED, lead)}
    )
    assert state_of(db_session, coded).themes == tuple(sorted(wanted))

    logged = db_session.get(CodingDecision, decision.id)
    assert logged is not None and logged.kind == "code" and logged.user_id == lead and not logged.undone
    assert logged.before == {
        "status": PENDING,
        "themes": sorted(suggested),
        "sentiment": "negative",
        "by": None,
        "at": None,
    }
    assert logged.after == {"status": CODED, "themes": sorted(wanted), "sentiment": "mixed"}
    assert logged.decided_at is not None


def test_no_theme_at_all_is_a_decision_too(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, lead, _coder, themes, version = setup
    coded = _coded(db_session, ids[2])
    decide(
        db_session,
        coded,
        user_id=lead,
        themes=[],
        sentiment="neutral",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    assert state_of(db_session, coded).themes == ()
    assert {status for _theme, _source, status, _coder in _codings(db_session, ids[2])} == {REJECTED}


@pytest.mark.parametrize(
    ("themes", "sentiment", "message"),
    [(["no_such_theme"], "negative", "Unknown theme"), (["waiting_times"], "furious", "Choose a sentiment")],
)
def test_an_impossible_decision_is_refused_with_a_message(
    db_session: Session,
    setup: tuple[list[int], int, int, list[str], int],
    themes: list[str],
    sentiment: str,
    message: str,
) -> None:
    ids, lead, _coder, known, version = setup
    coded = _coded(db_session, ids[0])
    before = _codings(db_session, ids[0])
    with pytest.raises(DecisionError, match=message):
        decide(
            db_session,
            coded,
            user_id=lead,
            themes=themes,
            sentiment=sentiment,
            known_themes=known,
            codebook_version_id=version,
        )
    db_session.rollback()
    assert _codings(db_session, ids[0]) == before
    assert db_session.scalar(select(CodingDecision.id)) is None


def test_undo_puts_a_pending_answer_back_with_its_suggestions(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, _lead, coder, themes, version = setup
    coded = _coded(db_session, ids[1])
    original = _codings(db_session, ids[1])
    decision = decide(
        db_session,
        coded,
        user_id=coder,
        themes=["family_impact"],
        sentiment="positive",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    assert last_decision(db_session, coded.forum_id, coder) == decision

    undo(db_session, decision, coder, version)
    db_session.commit()
    db_session.expire_all()
    coded = _coded(db_session, ids[1])
    assert coded.status == PENDING and coded.coded_by_id is None and coded.coded_at is None
    assert coded.sentiment == coded.auto_sentiment
    assert _codings(db_session, ids[1]) == original  # the manual theme is gone, suggestions are back
    assert all(status == SUGGESTED for _t, _s, status, _c in original)
    kinds = db_session.execute(
        select(CodingDecision.kind, CodingDecision.undone).order_by(CodingDecision.id)
    ).all()
    assert [tuple(row) for row in kinds] == [("code", True), ("undo", False)]
    assert last_decision(db_session, coded.forum_id, coder) is None  # an undo is never itself undone


def test_last_decision_is_the_users_own_latest_in_this_forum(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, lead, coder, themes, version = setup

    def code(answer_id: int, who: int) -> CodingDecision:
        decision = decide(
            db_session,
            _coded(db_session, answer_id),
            user_id=who,
            themes=["waiting_times"],
            sentiment="negative",
            known_themes=themes,
            codebook_version_id=version,
        )
        db_session.commit()
        return decision

    first = code(ids[0], coder)
    second = code(ids[1], coder)
    code(ids[2], lead)  # someone else's decision is not the coder's to undo
    forum_id = _coded(db_session, ids[0]).forum_id
    assert last_decision(db_session, forum_id, coder) == second
    assert last_decision(db_session, forum_id + 1000, coder) is None  # another forum
    undo(db_session, second, coder, version)
    db_session.commit()
    assert last_decision(db_session, forum_id, coder) == first  # undo again: the one before


def test_undo_is_refused_once_someone_else_has_changed_the_answer(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, lead, coder, themes, version = setup
    earlier = decide(
        db_session,
        _coded(db_session, ids[1]),
        user_id=coder,
        themes=[],
        sentiment="neutral",
        known_themes=themes,
        codebook_version_id=version,
    )
    coded = _coded(db_session, ids[0])
    mine = decide(
        db_session,
        coded,
        user_id=coder,
        themes=["waiting_times"],
        sentiment="negative",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    decide(
        db_session,
        coded,
        user_id=lead,
        themes=["waiting_times", "family_impact"],
        sentiment="negative",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    leads = _codings(db_session, ids[0])
    with pytest.raises(DecisionError, match="changed"):
        undo(db_session, mine, coder, version)
    db_session.rollback()
    assert _codings(db_session, ids[0]) == leads
    assert state_of(db_session, _coded(db_session, ids[0])).themes == ("family_impact", "waiting_times")
    # The lead's decision stands, so it no longer blocks undoing the coder's earlier work.
    assert last_decision(db_session, coded.forum_id, coder) == earlier


def test_undoing_a_second_coding_restores_the_first(
    db_session: Session, setup: tuple[list[int], int, int, list[str], int]
) -> None:
    ids, lead, coder, themes, version = setup
    coded = _coded(db_session, ids[3])
    decide(
        db_session,
        coded,
        user_id=coder,
        themes=["social_care_short_breaks", "family_impact"],
        sentiment="negative",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    recode = decide(
        db_session,
        coded,
        user_id=lead,
        themes=["social_care_short_breaks"],
        sentiment="mixed",
        known_themes=themes,
        codebook_version_id=version,
    )
    db_session.commit()
    undo(db_session, recode, lead, version)
    db_session.commit()
    state = state_of(db_session, _coded(db_session, ids[3]))
    assert (state.status, state.themes, state.sentiment) == (
        CODED,
        ("family_impact", "social_care_short_breaks"),
        "negative",
    )
    restored = _coded(db_session, ids[3])
    assert restored.coded_by_id == coder  # the first coding is the coder's again, not the lead's
    assert {row[3] for row in _codings(db_session, ids[3])} == {coder}
