"""The check before building a pack: warnings in words, each with where to fix it; never a refusal."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.coding.filters import Filters
from forum_app.coding.queue import progress
from forum_app.demo import add_demo_quotes, confirm_demo_coding, seed_demo
from forum_app.packs import checklist as checklist_module
from forum_app.packs.about import PARTS, save_about
from forum_app.packs.checklist import MIN_DOUBLE_CODED, Checklist, checklist_lines, pre_build_checklist
from forum_app.quotes import candidates as theme_quotes
from forum_app.quotes.candidates import Candidate
from forum_app.quotes.check import check_quote
from tests.factories import make_forum, make_survey


def _forum(session: Session) -> Forum:
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()


def _warnings(found: Checklist) -> dict[str, str]:
    return {item.key: item.message for item in found.warnings}


def _seeded(app: Flask, session: Session, responses: int = 300) -> Forum:
    """A demo forum whose last fortnight's answers wait for moderation and last two months' for coding,
    with the demo's candidate quotes."""
    with app.app_context():
        seed_demo(session, responses=responses, seed=7)
    confirm_demo_coding(session, "demo", date.today() - timedelta(days=60))
    add_demo_quotes(session, "demo")
    return _forum(session)


def test_a_new_forum_is_told_what_its_pack_will_lack(db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    found = pre_build_checklist(db_session, forum.id)
    assert [item.key for item in found.items] == [
        "about",
        "quotes",
        "quote_check",
        "double_coding",
        "moderation",
        "coding",
    ]
    warned = _warnings(found)
    assert set(warned) == {"about", "quotes", "double_coding"}
    assert warned["about"].startswith(f"{len(PARTS)} of {len(PARTS)} parts are not written yet")
    assert "no “What families say” section" in warned["quotes"]
    assert "No answers have been coded by two people" in warned["double_coding"]
    fixes = {item.key: (item.endpoint, item.args) for item in found.items}
    assert fixes["about"] == ("packs.about", {})
    assert fixes["quotes"] == ("coding.queue", {"status": "coded", "quotable": "yes"})
    assert fixes["double_coding"][0] == "agreement.samples"


def test_writing_about_this_survey_clears_its_warning(db_session: Session) -> None:
    forum = make_forum(db_session)
    assert save_about(db_session, forum, {part.key: "Written." for part in PARTS[:4]}) == {}
    assert _warnings(pre_build_checklist(db_session, forum.id))["about"].startswith("2 of 6 parts")
    assert save_about(db_session, forum, {part.key: "Written." for part in PARTS}) == {}
    assert "about" not in _warnings(pre_build_checklist(db_session, forum.id))


def test_answers_waiting_for_moderation_or_coding_and_quotes_left_out_are_counted(
    app: Flask, db_session: Session
) -> None:
    forum = _seeded(app, db_session)
    warned = _warnings(pre_build_checklist(db_session, forum.id))
    assert "answers are waiting for moderation" in warned["moderation"]  # the last fortnight's
    assert "quotes" not in warned  # the demo lead chose some that pass the final check
    assert warned["quote_check"].startswith("2 of ")
    assert "will be left out of the pack, not edited:" in warned["quote_check"]

    pending = progress(db_session, forum.id, Filters()).pending
    assert pending and warned["coding"].startswith(f"{pending:,} approved answers are not coded yet")


def test_quotes_the_final_check_leaves_out_are_counted_by_what_they_give(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum = make_forum(db_session)
    texts = ["In Year 3 it went wrong.", "She turned 12 in March.", "He is 7 now.", "Nobody rings us back."]
    found = [
        Candidate(
            i, f"{i:016x}", "waits", "Waits", text, date(2026, 1, 1), len(text.split()), check_quote(text)
        )
        for i, text in enumerate(texts)
    ]
    monkeypatch.setattr(theme_quotes, "candidates", lambda session, forum_id: found)
    monkeypatch.setattr(theme_quotes, "theme_reports", lambda session, forum_id, themes: {"waits": 10})
    items = {item.key: item for item in pre_build_checklist(db_session, forum.id).items}
    assert items["quotes"].ok and items["quotes"].message.startswith("1 candidate quote in 1 theme")
    checked = items["quote_check"]
    assert not checked.ok
    assert checked.message == (
        "3 of 4 candidate quotes will be left out of the pack, not edited: 1 gives a school year; "
        "1 gives a month or a date; 2 give an exact age. Choose other answers for their themes."
    )
    assert (checked.endpoint, checked.anchor) == ("quotes.overview", "left-out")
    monkeypatch.setattr(theme_quotes, "theme_reports", lambda session, forum_id, themes: {"waits": 9})
    assert "no “What families say” section" in _warnings(pre_build_checklist(db_session, forum.id))["quotes"]


@pytest.mark.parametrize(("double_coded", "warned"), [(18, True), (MIN_DOUBLE_CODED - 1, True), (50, False)])
def test_a_small_double_coding_sample_is_a_warning(
    db_session: Session, monkeypatch: pytest.MonkeyPatch, double_coded: int, warned: bool
) -> None:
    forum = make_forum(db_session)
    summary = SimpleNamespace(n_double_coded=double_coded)
    monkeypatch.setattr(checklist_module, "forum_agreement_summary", lambda session, forum_id: summary)
    found = _warnings(pre_build_checklist(db_session, forum.id))
    assert ("double_coding" in found) is warned
    if warned:
        assert found["double_coding"].startswith(f"Only {double_coded} answers were coded by two people")


def test_the_command_prints_the_warnings_and_builds_the_pack_anyway(
    app: Flask, runner: FlaskCliRunner, db_session: Session, tmp_path: Path
) -> None:
    forum = _seeded(app, db_session, responses=120)
    lines = checklist_lines(pre_build_checklist(db_session, forum.id))
    assert lines and all(line.startswith("Warning: ") for line in lines)
    args = ["packs", "build", "--forum", "demo", "--format", "json", "--out", str(tmp_path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pack.json").exists()
    for line in lines:
        assert line in result.stderr
    assert "Warning: About this survey: 6 of 6 parts are not written yet" in result.stderr
    assert "Warning" not in result.stdout
