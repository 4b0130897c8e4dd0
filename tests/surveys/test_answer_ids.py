"""Staff addresses name an answer by a random public id, looked up within the signed-in forum only."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.demo import seed_demo
from forum_app.surveys.answer_ids import answer_number, answer_numbers, parse_public_ids, public_ids
from forum_app.surveys.codes import PUBLIC_ID_PATTERN
from forum_app.surveys.models import Answer, Response
from tests.factories import answer_all, make_forum, make_survey


def _answers(session: Session, forum_id: int) -> list[Answer]:
    session.expire_all()
    return list(
        session.scalars(
            select(Answer).join(Response).where(Response.forum_id == forum_id).order_by(Answer.id)
        )
    )


def test_every_answer_gets_its_own_random_public_id(app: Flask, db_session: Session) -> None:
    demo = make_forum(db_session)
    make_survey(db_session, demo)
    answer_all(app.test_client())  # saved one page at a time
    seed_demo(db_session, 20, seed=3, until=date(2026, 11, 30))  # inserted many at once
    found = [answer.public_id for answer in _answers(db_session, demo.id)]
    assert len(found) > 100
    assert all(PUBLIC_ID_PATTERN.fullmatch(value) for value in found)
    assert len(set(found)) == len(found)


def test_a_public_id_is_found_in_its_own_forum_only(db_session: Session) -> None:
    seed_demo(db_session, 2, seed=1, until=date(2026, 11, 30))
    seed_demo(db_session, 2, seed=2, forum_slug="other", until=date(2026, 11, 30))
    demo, other = make_forum(db_session), make_forum(db_session, "other", "Other Forum")
    mine, theirs = _answers(db_session, demo.id)[0], _answers(db_session, other.id)[0]
    assert answer_number(db_session, demo.id, mine.public_id) == mine.id
    assert answer_number(db_session, demo.id, theirs.public_id) is None
    assert answer_number(db_session, other.id, theirs.public_id) == theirs.id
    for odd in (str(mine.id), mine.public_id.upper(), mine.public_id[:-1], f"{mine.public_id}0", "", "\x00"):
        assert answer_number(db_session, demo.id, odd) is None, odd
    assert answer_numbers(db_session, demo.id, [theirs.public_id, mine.public_id, "x"]) == [mine.id]
    assert public_ids(db_session, [mine.id, theirs.id]) == {
        mine.id: mine.public_id,
        theirs.id: theirs.public_id,
    }


def test_public_ids_from_a_form_are_kept_in_order_once_each_up_to_a_limit() -> None:
    first, second, third = "0123456789abcdef", "fedcba9876543210", "00000000000000ff"
    values = [f" {first} ", "12", second, first, "not one", third]
    assert parse_public_ids(values, 10) == [first, second, third]
    assert parse_public_ids(values, 2) == [first, second]
