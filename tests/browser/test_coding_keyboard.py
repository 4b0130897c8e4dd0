"""A coder codes 50 answers in Chromium with the keyboard alone, undoes a decision by keyboard, and
can still code with Tab, Space and Enter when JavaScript is off.

The answers are a forum of their own (seeded with ``seed_demo``) on a live server of their own, so the
shared site's pages stay as the other browser tests expect them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select
from werkzeug.serving import make_server

from forum_app.coding.decisions import state_of
from forum_app.coding.models import CODED, PENDING, CodedAnswer, CodingDecision
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from forum_app.surveys.models import Answer
from tests import factories
from tests.browser.checks import check_focus_is_visible, focused, tab_to
from tests.browser.site import signed_in_context
from tests.conftest import make_test_app
from tests.factories import user_id

pytestmark = pytest.mark.browser

FORUM = "keyboard"
CODER = "keyboard.coder@example.org"
TO_CODE = 50
CHECKED = """() => ({
  themes: [...document.querySelectorAll('input[name=theme]:checked')].map(input => input.value).sort(),
  suggested: [...document.querySelectorAll('input[name=theme][data-suggested]')].map(input => input.value)
    .sort(),
  sentiment: (document.querySelector('input[name=sentiment]:checked') || {}).value,
})"""


@dataclass(frozen=True)
class CodingSite:
    url: str
    app: Flask
    answers: int  # how many answers the forum has to code


@pytest.fixture(scope="module")
def coding_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodingSite]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('coding')) / 'coding.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        seed_demo(db.session, responses=30, seed=11, forum_slug=FORUM)
        factories.make_staff(db.session, CODER, forum_slug=FORUM, role="coder")
        answers = db.session.scalar(select(func.count()).select_from(CodedAnswer)) or 0
    assert answers >= TO_CODE + 5, answers
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield CodingSite(f"http://127.0.0.1:{server.server_port}", app, answers)
    server.shutdown()
    db.engine(app).dispose()


def _answer_id(page: Page, site: CodingSite) -> int:
    """The row number of the answer whose page is open (its address names it by its public id)."""
    path = page.url.split("?")[0].split("#")[0]
    assert "/staff/coding/" in path, page.url
    with site.app.app_context():
        return db.session.scalars(select(Answer.id).where(Answer.public_id == path.rsplit("/", 1)[1])).one()


def _press(page: Page, key: str) -> None:
    """Press a key that leaves the page (saves, skips or undoes)."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _state(site: CodingSite, answer_id: int) -> tuple[str, tuple[str, ...], str, int | None]:
    with site.app.app_context():
        coded = db.session.get(CodedAnswer, answer_id)
        assert coded is not None
        state = state_of(db.session, coded)
        return state.status, state.themes, state.sentiment, coded.coded_by_id


def test_a_coder_codes_50_answers_with_the_keyboard_alone(browser: Browser, coding_site: CodingSite) -> None:
    context = signed_in_context(browser, coding_site.url, CODER)
    page = context.new_page()
    page.goto(f"{coding_site.url}/staff/coding")
    assert "0 of" in page.locator(".coding-progress__label").inner_text()

    # From the queue: Tab to "Code the next answer" and press Enter.
    tab_to(page, lambda el: el["name"] == "Code the next answer", "the start link")
    _press(page, "Enter")

    expected: dict[int, tuple[tuple[str, ...], str]] = {}
    changed = 0
    undone_once = skipped_once = False
    while len(expected) < TO_CODE:
        answer_id = _answer_id(page, coding_site)
        assert page.locator("kbd.coding-key").first.is_visible()  # the shortcut keys are shown
        step = len(expected)
        if step == 7 and not skipped_once:  # "n" skips without saving
            _press(page, "n")
            assert _answer_id(page, coding_site) != answer_id
            assert _state(coding_site, answer_id)[0] == PENDING
            skipped_once = True
            continue
        shown = page.evaluate(CHECKED)
        if step % 4 == 2:
            wanted = (tuple(shown["suggested"]), _suggested_sentiment(page))
            page.keyboard.press("y")  # the 16th theme: outcomes and inclusion, on or off ...
            _press(page, "a")  # ... but "a" puts the suggestions back, and saves
        else:
            if step % 4 == 1:
                page.keyboard.press("c")  # sentiment: neutral
                page.keyboard.press("1")  # waiting times, on or off
                page.keyboard.press("8")  # mental health, on or off
                assert "ticked" in page.locator("[data-coding-status]").inner_text()  # said aloud
                shown = page.evaluate(CHECKED)
            wanted = (tuple(shown["themes"]), shown["sentiment"])
            _press(page, "Enter")
        expected[answer_id] = wanted
        changed += wanted[0] != tuple(shown["suggested"])

        if step == 10 and not undone_once:  # "u" takes the last decision back, on the next page
            _press(page, "u")
            assert _answer_id(page, coding_site) == answer_id
            assert "back as it was" in page.locator("main").inner_text()
            assert _state(coding_site, answer_id)[0] == PENDING
            del expected[answer_id]
            undone_once = True

    coder = CODER
    with coding_site.app.app_context():
        coder_id = user_id(db.session, coder)
        coded = db.session.scalars(
            select(CodedAnswer).where(CodedAnswer.coded_by_id == coder_id, CodedAnswer.status == CODED)
        ).all()
        assert len(coded) == TO_CODE
        for row in coded:
            state = state_of(db.session, row)
            assert (state.themes, state.sentiment) == expected[row.answer_id], row.answer_id
        undos = db.session.scalar(select(func.count()).where(CodingDecision.kind == "undo"))
        decisions = db.session.scalar(select(func.count()).where(CodingDecision.kind == "code"))
    assert changed >= 5, "some answers should have themes other than the suggestions"
    assert undos == 1 and decisions == TO_CODE + 1 and undone_once and skipped_once
    page.goto(f"{coding_site.url}/staff/coding")
    assert f"{TO_CODE} of {coding_site.answers} coded" in page.locator(".coding-progress__label").inner_text()
    context.close()


def _suggested_sentiment(page: Page) -> str:
    value: str = page.evaluate("document.querySelector('input[name=sentiment][data-suggested]').value")
    return value


def test_shortcuts_can_be_switched_off(browser: Browser, coding_site: CodingSite) -> None:
    context = signed_in_context(browser, coding_site.url, CODER)
    page = context.new_page()
    page.goto(f"{coding_site.url}/staff/coding/next")
    first = page.evaluate(CHECKED)["themes"]
    # Tab to the switch, Space turns the shortcuts off: "1" and Enter then do nothing of theirs.
    tab_to(page, lambda el: el["name"] == "Use single-key shortcuts on this device", "the switch")
    page.keyboard.press("Space")
    assert not focused(page)["checked"]
    assert not page.locator("kbd.coding-key").first.is_visible()
    page.keyboard.press("1")
    assert page.evaluate(CHECKED)["themes"] == first
    page.reload()  # remembered on this device
    assert not page.locator("[data-shortcuts-toggle]").is_checked()
    page.keyboard.press("1")
    assert page.evaluate(CHECKED)["themes"] == first
    context.close()


def test_coding_without_javascript_with_tab_space_and_enter(
    browser: Browser, coding_site: CodingSite
) -> None:
    context = signed_in_context(browser, coding_site.url, CODER, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{coding_site.url}/staff/coding/next")
    answer_id = _answer_id(page, coding_site)
    assert not page.locator("[data-coding-help]").is_visible()  # no shortcuts to promise without scripts
    before = page.evaluate(CHECKED)
    # Tick "Impact on families" (or untick it), choose "Mixed" with the arrow keys, press the button.
    tab_to(
        page, lambda el: el["type"] == "checkbox" and el["name"].startswith("Impact on families"), "a theme"
    )
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["type"] == "radio", "the sentiments")
    for _ in range(4):
        if focused(page)["name"].startswith("Mixed"):
            break
        page.keyboard.press("ArrowDown")
        check_focus_is_visible(page)
    page.keyboard.press("Space")
    wanted = page.evaluate(CHECKED)
    assert wanted["themes"] != before["themes"] and wanted["sentiment"] == "mixed"
    tab_to(page, lambda el: el["tag"] == "button" and el["name"] == "Save and next", "the button")
    _press(page, "Enter")
    assert _answer_id(page, coding_site) != answer_id
    status, themes, sentiment, _coder = _state(coding_site, answer_id)
    assert (status, list(themes), sentiment) == (CODED, wanted["themes"], "mixed")
    context.close()
