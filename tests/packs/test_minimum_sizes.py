"""Minimum sizes: a pack describes at least 20 families (a forum may ask for more), a filtered or
period pack leaves out none or at least as many of the families a broader pack counts, and periods
are whole months. Refusals say why without giving the small count."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.demo import seed_demo
from forum_app.packs.build import build_pack
from forum_app.packs.data import (
    MIN_FAMILIES,
    PackRequest,
    PackRequestError,
    minimum_families,
    previous_period,
    whole_months_problem,
)
from forum_app.packs.models import FAILED, PackSnapshot
from forum_app.packs.snapshots import SnapshotError, run_snapshot, start_snapshot
from forum_app.surveys.models import Answer, Response, Survey
from tests.factories import csrf_token, make_staff, page, sign_in

UNTIL = date(2026, 6, 30)
BUILT = date(2026, 7, 1)


def _seed(app: Flask, session: Session, responses: int) -> list[str]:
    """``responses`` demo families, all sent in May 2026; their ids, in a fixed order."""
    with app.app_context():
        seed_demo(session, responses=responses, seed=7, until=UNTIL)
    session.execute(update(Response).values(submitted_on=date(2026, 5, 15), started_on=date(2026, 5, 15)))
    session.commit()
    return list(session.scalars(select(Response.id).order_by(Response.id)))


def _answer(session: Session, response_ids: list[str], key: str, value: str) -> None:
    for answer in session.scalars(
        select(Answer).where(Answer.response_id.in_(response_ids), Answer.question_key == key)
    ):
        answer.value = value
    session.commit()


def _refusal(session: Session, request: PackRequest) -> str:
    with pytest.raises(PackRequestError) as caught:
        build_pack(session, request, built_on=BUILT)
    return str(caught.value)


def _only_the_minimum_is_given(message: str, minimum: int = MIN_FAMILIES) -> None:
    """The message may say 'fewer than 20' but no other number (never the small count)."""
    assert {int(n) for n in re.findall(r"\d+", message)} == {minimum}, message


def _request(**changes: object) -> PackRequest:
    asked: dict[str, object] = {"forum_slug": "demo", "survey_slug": "send-experience", **changes}
    return PackRequest(**asked)  # type: ignore[arg-type]


@pytest.mark.parametrize("responses", [1, 19])
def test_a_survey_with_fewer_than_20_families_is_refused(
    app: Flask, db_session: Session, responses: int
) -> None:
    _seed(app, db_session, responses)
    message = _refusal(db_session, _request())
    assert "fewer than 20 families" in message
    _only_the_minimum_is_given(message)


def test_a_survey_nobody_answered_gives_a_pack_that_says_so(app: Flask, db_session: Session) -> None:
    _seed(app, db_session, 0)
    pack = build_pack(db_session, _request(), built_on=BUILT)
    assert pack.meta.responses == 0
    assert build_pack(db_session, _request(filters={"ehcp": "yes"}), built_on=BUILT).meta.responses == 0


def test_a_filter_that_selects_a_handful_of_families_is_refused(app: Flask, db_session: Session) -> None:
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:3], "setting", "ap")  # three families in alternative provision
    message = _refusal(db_session, _request(filters={"setting": "ap"}))
    assert "This selection has fewer than 20 families" in message
    _only_the_minimum_is_given(message)


def test_a_filter_that_leaves_out_a_handful_of_families_is_refused(app: Flask, db_session: Session) -> None:
    """Everyone but three: the whole survey's pack minus this one would describe those three."""
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:3], "setting", "ap")
    message = _refusal(db_session, _request(filters={"setting": "special"}))
    assert "leaves out fewer than 20 families that a pack without the setting filter would include" in message
    _only_the_minimum_is_given(message)
    _answer(db_session, ids[:25], "setting", "ap")  # 25 and 35: both packs may be made
    assert build_pack(db_session, _request(filters={"setting": "ap"}), built_on=BUILT).meta.responses == 25
    assert (
        build_pack(db_session, _request(filters={"setting": "special"}), built_on=BUILT).meta.responses == 35
    )


def test_two_filters_are_checked_against_each_broader_pack(app: Flask, db_session: Session) -> None:
    """Age 5-10 with an EHC plan leaves out only three of the 5-10s: comparing it with the pack of all
    5-10s would describe them, though the whole survey leaves out many more."""
    ids = _seed(app, db_session, 80)
    _answer(db_session, ids, "age_band", "11-15")
    _answer(db_session, ids, "ehcp", "yes")
    _answer(db_session, ids[:30], "age_band", "5-10")
    _answer(db_session, ids[:3], "ehcp", "sen_support")
    message = _refusal(db_session, _request(filters={"age_band": "5-10", "ehcp": "yes"}))
    assert "without the ehcp filter" in message
    _only_the_minimum_is_given(message)


def test_when_every_family_gave_the_same_answer_the_filtered_pack_is_the_whole_pack(
    app: Flask, db_session: Session
) -> None:
    ids = _seed(app, db_session, 25)
    _answer(db_session, ids, "ehcp", "yes")
    whole = build_pack(db_session, _request(), built_on=BUILT)
    same = build_pack(db_session, _request(filters={"ehcp": "yes"}), built_on=BUILT)
    assert same.meta.responses == whole.meta.responses == 25
    assert same.tables == whole.tables  # it leaves nobody out, so it says nothing new


def test_a_period_that_leaves_out_a_handful_of_families_is_refused(app: Flask, db_session: Session) -> None:
    """Three families answered in June: the pack to the end of May differs from the whole survey's by
    those three."""
    ids = _seed(app, db_session, 60)
    db_session.execute(
        update(Response).where(Response.id.in_(ids[:3])).values(submitted_on=date(2026, 6, 10))
    )
    db_session.commit()
    message = _refusal(db_session, _request(period_to=date(2026, 5, 31)))
    assert "leaves out fewer than 20 families that a pack without the last day would include" in message
    _only_the_minimum_is_given(message)
    june = _refusal(db_session, _request(period_from=date(2026, 6, 1)))
    assert "This selection has fewer than 20 families" in june
    # The whole of May and June, and the survey from any month that leaves out nobody, are fine.
    assert (
        build_pack(db_session, _request(period_from=date(2026, 5, 1), period_to=UNTIL)).meta.responses == 60
    )


@pytest.mark.parametrize(
    ("period_from", "period_to", "message"),
    [
        (date(2026, 5, 15), date(2026, 5, 15), "start on the first day of a month, like 2026-05-01"),
        (date(2026, 5, 1), date(2026, 5, 30), "end on the last day of a month, like 2026-05-31"),
    ],
)
def test_periods_are_whole_months(
    app: Flask, db_session: Session, period_from: date, period_to: date, message: str
) -> None:
    _seed(app, db_session, 40)
    assert message in _refusal(db_session, _request(period_from=period_from, period_to=period_to))


def test_whole_months_and_the_period_before() -> None:
    assert whole_months_problem(date(2024, 2, 1), date(2024, 2, 29)) is None
    assert whole_months_problem(None, date(2024, 2, 28)) is not None  # a leap year's February
    assert previous_period(date(2026, 1, 1), date(2026, 6, 30)) == (date(2025, 7, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_a_forum_may_raise_the_minimum_never_lower_it(app: Flask, db_session: Session) -> None:
    assert minimum_families(None) == minimum_families({"minimum_families": ""}) == 20
    assert minimum_families({"minimum_families": 5}) == 20
    assert minimum_families({"minimum_families": " 30 "}) == 30
    for wrong in ("many", 25.5, True, "-40"):
        with pytest.raises(ValueError, match="whole number"):
            minimum_families({"minimum_families": wrong})
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:25], "setting", "ap")
    forum = db_session.scalars(select(Forum)).one()
    forum.settings = {"minimum_families": 30}
    db_session.commit()
    message = _refusal(db_session, _request(filters={"setting": "ap"}))
    assert "fewer than 30 families" in message
    _only_the_minimum_is_given(message, 30)
    assert any(
        "at least 30 families" in paragraph
        for section in build_pack(db_session, _request(), built_on=BUILT).methodology
        for paragraph in section.paragraphs
    )
    forum.settings = {"minimum_families": "lots"}
    db_session.commit()
    assert "disclosure settings cannot be used" in _refusal(db_session, _request())


def test_the_command_refuses_with_a_clear_message(
    app: Flask, runner: FlaskCliRunner, db_session: Session, tmp_path: Path
) -> None:
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:3], "setting", "ap")
    args = ["packs", "build", "--forum", "demo", "--format", "json", "--out", str(tmp_path)]
    for extra, message in (
        (["--filter", "setting=ap"], "fewer than 20 families"),
        (["--filter", "setting=special"], "leaves out fewer than 20"),
        (["--from", "2026-05-15", "--to", "2026-05-15"], "Packs cover whole months"),
    ):
        result = runner.invoke(args=[*args, *extra])
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())
    assert runner.invoke(args=args).exit_code == 0


def test_making_a_pack_refuses_a_small_selection_on_its_field(app: Flask, db_session: Session) -> None:
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:3], "setting", "ap")
    forum = db_session.scalars(select(Forum)).one()
    survey = db_session.scalars(select(Survey)).one()
    with pytest.raises(SnapshotError) as caught:
        start_snapshot(db_session, forum.id, survey.id, None, None, {"setting": "ap"}, None)
    assert caught.value.field == "setting" and "fewer than 20 families" in str(caught.value)
    with pytest.raises(SnapshotError) as months:
        start_snapshot(db_session, forum.id, survey.id, date(2026, 5, 2), None, {}, None)
    assert months.value.field == "period_from" and "whole months" in str(months.value)
    assert db_session.scalars(select(PackSnapshot)).all() == []


def test_a_pack_refused_while_being_made_says_why(app: Flask, db_session: Session) -> None:
    """The selection was big enough when asked for, then families withdrew: the failed pack says why,
    not only 'PackRequestError'."""
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:25], "setting", "ap")
    forum = db_session.scalars(select(Forum)).one()
    survey = db_session.scalars(select(Survey)).one()
    snapshot = start_snapshot(db_session, forum.id, survey.id, None, None, {"setting": "ap"}, None)
    _answer(db_session, ids[:22], "setting", "special")
    failed = run_snapshot(db_session, snapshot.id, built_on=BUILT)
    assert failed.status == FAILED and "fewer than 20 families" in failed.error
    _only_the_minimum_is_given(failed.error)


def test_the_form_says_why_a_small_selection_is_refused(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    ids = _seed(app, db_session, 60)
    _answer(db_session, ids, "setting", "special")
    _answer(db_session, ids[:3], "setting", "ap")
    make_staff(db_session, "lead@example.org")
    sign_in(client, "lead@example.org")
    survey = db_session.scalars(select(Survey)).one()
    token = csrf_token(page(client, "/staff/packs"))
    response = client.post(
        "/staff/packs/new", data={"survey": str(survey.id), "setting": "ap", "csrf_token": token}
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    error = soup.find(id="setting-error")
    assert error is not None and "fewer than 20 families" in error.get_text()
    assert db_session.scalars(select(PackSnapshot)).all() == []
