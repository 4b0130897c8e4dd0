"""Near-duplicate free text within a survey is marked for the moderator (never rejected)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.moderation.duplicates import BANDS, bands, find_and_record, jaccard, shingles
from forum_app.moderation.models import DuplicateBand, ModerationItem
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion
from tests.factories import JOURNEY, answer_all, make_forum, make_survey, submit

TEXT = (
    "We waited nearly two years for an assessment and in that time nobody from the council rang us back. "
    "The school did its best but the teaching assistant was shared between four children and was often "
    "moved to cover lessons. By the time the plan arrived the provision it described had already gone, "
    "and we had to start again with the annual review."
)
OTHER = (
    "Our daughter moved to college this year and the transition was handled well by the new tutor. "
    "The speech and language therapist visited twice before the start of term. "
    "What still does not work is transport: the taxi changes every week and she finds that very hard."
)


def _with_changes(text: str, changes: dict[int, str]) -> str:
    words = text.split()
    for position, word in changes.items():
        words[position] = word
    return " ".join(words)


def _response(session: Session, version: SurveyVersion, **answers: str) -> str:
    response_id = new_token()
    session.add(
        Response(
            id=response_id,
            forum_id=version.survey.forum_id,
            survey_version_id=version.id,
            status=SUBMITTED,
            started_on=date(2026, 1, 5),
            submitted_on=date(2026, 1, 5),
            idempotency_key=new_token(),
        )
    )
    session.flush()
    session.add_all(
        Answer(response_id=response_id, question_key=key, value=value) for key, value in answers.items()
    )
    session.flush()
    return response_id


def _check(session: Session, version: SurveyVersion, text: str) -> tuple[str, str | None]:
    """Store a response whose only free text is ``text``, then check it as intake does."""
    response_id = _response(session, version, not_worked=text)
    return response_id, find_and_record(session, version.survey_id, response_id, text)


@pytest.fixture
def version(db_session: Session) -> SurveyVersion:
    return make_survey(db_session, make_forum(db_session))


def test_the_same_text_is_found(db_session: Session, version: SurveyVersion) -> None:
    first, found = _check(db_session, version, TEXT)
    assert found is None
    _, found = _check(db_session, version, TEXT)
    assert found == first


def test_a_few_changed_words_are_found(db_session: Session, version: SurveyVersion) -> None:
    first, _ = _check(db_session, version, TEXT)
    edited = _with_changes(TEXT, {3: "three", 40: "helper"})
    assert 0.8 <= jaccard(shingles(TEXT), shingles(edited)) < 1
    _, found = _check(db_session, version, edited.upper())  # case and punctuation do not matter
    assert found == first


def test_the_most_similar_earlier_response_is_chosen(db_session: Session, version: SurveyVersion) -> None:
    _check(db_session, version, _with_changes(TEXT, {3: "three", 40: "helper"}))
    closest, _ = _check(db_session, version, _with_changes(TEXT, {40: "helper"}))
    _, found = _check(db_session, version, TEXT)
    assert found == closest


def test_reordered_sentences_of_a_different_text_are_not_found(
    db_session: Session, version: SurveyVersion
) -> None:
    _check(db_session, version, TEXT)
    sentences = [sentence.strip() for sentence in OTHER.split(". ") if sentence.strip()]
    _, found = _check(db_session, version, ". ".join(reversed(sentences)))
    assert found is None


def test_short_texts_are_never_checked_or_recorded(db_session: Session, version: SurveyVersion) -> None:
    short = "Nothing has worked well for us at all"  # 8 words counts; 7 does not
    assert bands("Nothing has worked well for us at") == []
    for _ in range(2):
        _, found = _check(db_session, version, "Nothing has worked well for us at")
        assert found is None
    assert db_session.scalar(select(func.count()).select_from(DuplicateBand)) == 0
    first, _ = _check(db_session, version, short)
    assert _check(db_session, version, short)[1] == first


def test_another_survey_is_not_searched(db_session: Session, version: SurveyVersion) -> None:
    _check(db_session, version, TEXT)
    other = make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    _, found = _check(db_session, other, TEXT)
    assert found is None


def test_the_response_itself_is_not_a_duplicate(db_session: Session, version: SurveyVersion) -> None:
    response_id, _ = _check(db_session, version, TEXT)
    assert find_and_record(db_session, version.survey_id, response_id, TEXT) is None


def test_candidates_are_verified_against_their_stored_answers(
    db_session: Session, version: SurveyVersion
) -> None:
    """Sharing bands is not enough: the similarity is measured on the stored (redacted) answers."""
    stored_other = _response(db_session, version, not_worked=OTHER)
    find_and_record(db_session, version.survey_id, stored_other, TEXT)  # bands of TEXT, answers of OTHER
    _, found = _check(db_session, version, TEXT)
    assert found is None


def test_bands_are_deterministic_signed_64_bit_and_agree_across_processes() -> None:
    signature = bands(TEXT)
    assert len(signature) == BANDS == len(set(signature))
    assert signature == bands(TEXT)
    assert all(-(2**63) <= band < 2**63 for band in signature)
    code = "from forum_app.moderation.duplicates import bands; import sys; print(bands(sys.argv[1]))"
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code, TEXT],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        assert out.strip() == str(signature)


def test_the_bands_never_change() -> None:
    """Stored bands must keep matching after an upgrade: changing the hashing orphans them all."""
    assert bands("the quick brown fox jumps over the lazy dog again")[:3] == [
        -4401097610157503806,
        6913937039305446571,
        4446678559630734386,
    ]


def _journey(**texts: str) -> list[tuple[str, dict[str, str | list[str]]]]:
    return [(key, {"answer": texts[key]} if key in texts else data) for key, data in JOURNEY]


def _submit_as_a_family(app: Flask, db_session: Session, journey: list | None = None) -> str:
    before = set(db_session.scalars(select(Response.id)))
    family = app.test_client()
    answer_all(family, journey)
    assert submit(family).status_code == 302
    db_session.expire_all()
    (response_id,) = set(db_session.scalars(select(Response.id))) - before
    return response_id


def _marks(session: Session, response_id: str) -> set[str | None]:
    return set(
        session.scalars(select(ModerationItem.duplicate_of).where(ModerationItem.response_id == response_id))
    )


def test_a_repeated_submission_is_marked_for_the_moderator(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    first = _submit_as_a_family(app, db_session)
    second = _submit_as_a_family(app, db_session)
    different = _submit_as_a_family(
        app,
        db_session,
        _journey(
            worked_well="The new SENCO set up a weekly check-in and it changed everything for him.",
            not_worked="Transport to school is chaotic; the driver changes every week and he panics.",
            one_change="A key worker who stays the same for more than a term.",
        ),
    )
    assert _marks(db_session, first) == {None}
    assert _marks(db_session, second) == {first}
    assert _marks(db_session, different) == {None}
    statuses = set(db_session.scalars(select(Response.status)))
    assert statuses == {SUBMITTED}  # marked only: nothing is rejected automatically
    assert db_session.scalar(select(func.count()).select_from(DuplicateBand)) == 3 * BANDS
