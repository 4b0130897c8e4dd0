"""The coding workspace in Chromium: two panes on a wide window (the themes, sentiment and save button
stay in view while a long answer scrolls), one column without sideways scrolling on a phone, coding by
keyboard alone on the coding page and on the blind double-coding page, and the list of keys in a dialog
that ``?`` opens.

A forum of its own (seeded with ``seed_demo``) on a live server of its own, with a coder of the
workspace and a coder of a double-coding sample, so the shared site's pages stay as the other browser
tests expect them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update
from werkzeug.serving import make_server

from forum_app.accounts.services import get_forum
from forum_app.agreement import sampling
from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.coding.decisions import state_of
from forum_app.coding.models import CODED, CodedAnswer
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from forum_app.surveys.models import Answer
from tests import factories
from tests.browser.checks import axe_violations, describe_violations
from tests.browser.site import PHONE, signed_in_context
from tests.conftest import make_test_app
from tests.factories import user_id

pytestmark = pytest.mark.browser

FORUM = "workspace"
LEAD = "workspace.lead@example.org"  # draws the double-coding sample
CODER = "workspace.coder@example.org"  # codes in the workspace
BLIND = "blind.coder@example.org"  # codes the sample blind
SECOND = "second.coder@example.org"  # the sample's other coder
SAMPLE = "Keyboard sample"
# A long answer, many screens tall at 1280 x 800.
LONG_TEXT = "\n".join(
    f"Paragraph {n}: we waited months for the assessment, the school kept saying it was in hand, and every "
    "phone call to the service ended with someone promising to ring back, which nobody ever did."
    for n in range(1, 41)
)
CHECKED = """() => ({
  themes: [...document.querySelectorAll('input[name=theme]:checked, input[name=themes]:checked')]
    .map(input => input.value).sort(),
  sentiment: (document.querySelector('input[name=sentiment]:checked') || {}).value,
})"""
# Where an element is in the window: its box and the window's size.
PLACE = """selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          width: window.innerWidth, height: window.innerHeight};
}"""


@dataclass(frozen=True)
class WorkspaceSite:
    url: str
    app: Flask
    sample: str  # the double-coding sample's public id


@pytest.fixture(scope="module")
def workspace_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSite]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('workspace')) / 'workspace.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        seed_demo(db.session, responses=12, seed=5, forum_slug=FORUM)
        factories.make_staff(db.session, LEAD, forum_slug=FORUM, role="lead")
        for email in (CODER, BLIND, SECOND):
            factories.make_staff(db.session, email, forum_slug=FORUM, role="coder")
        forum = get_forum(db.session, FORUM)
        assert forum is not None
        lead, blind, second = (user_id(db.session, email) for email in (LEAD, BLIND, SECOND))
        sample = sampling.create_sample(db.session, forum.id, lead, 0.3, blind, second, SAMPLE, seed=3)
        first = db.session.scalars(
            select(AgreementItem.answer_id).where(
                AgreementItem.sample_id == sample.id, AgreementItem.position == 1
            )
        ).one()
        _make_long(app, first)
        public_id = sample.public_id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield WorkspaceSite(f"http://127.0.0.1:{server.server_port}", app, public_id)
    server.shutdown()
    db.engine(app).dispose()


def _make_long(app: Flask, answer_id: int) -> None:
    with app.app_context():
        db.session.execute(update(Answer).where(Answer.id == answer_id).values(value=LONG_TEXT))
        db.session.commit()


def _answer_id(page: Page, site: WorkspaceSite) -> int:
    """The row number of the answer whose coding page is open."""
    path = page.url.split("?")[0].split("#")[0]
    assert "/staff/coding/" in path, page.url
    with site.app.app_context():
        return db.session.scalars(select(Answer.id).where(Answer.public_id == path.rsplit("/", 1)[1])).one()


def _coding_page(browser: Browser, site: WorkspaceSite, **options: Any) -> Page:
    """The coder's first answer to code, made long."""
    page = signed_in_context(browser, site.url, CODER, **options).new_page()
    page.goto(f"{site.url}/staff/coding/next")
    _make_long(site.app, _answer_id(page, site))
    page.reload()
    return page


def _blind_page(browser: Browser, site: WorkspaceSite, **options: Any) -> Page:
    page = signed_in_context(browser, site.url, BLIND, **options).new_page()
    page.goto(f"{site.url}/staff/agreement/{site.sample}/code?answer=1")
    return page


def _place(page: Page, selector: str) -> dict[str, float]:
    place: dict[str, float] = page.evaluate(PLACE, selector)
    return place


def _in_view(place: dict[str, float]) -> bool:
    """Wholly inside the window."""
    inside_height = place["top"] >= 0 and place["bottom"] <= place["height"]
    return inside_height and 0 <= place["left"] <= place["right"] <= place["width"]


def _check_two_panes(page: Page, themes: str) -> None:
    """Side by side; after scrolling to the end of the long answer and half way back, the themes are
    still on screen and the save button wholly in view."""
    answer, tools = _place(page, "[data-answer-text]"), _place(page, "[data-workspace-tools]")
    assert answer["right"] <= tools["left"], (answer, tools)
    assert not page.locator(".workspace__jump").is_visible()  # no need to jump past the answer
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 2 * 800, "the answer should be several screens long"
    for y in (height, height // 2):
        page.evaluate("y => window.scrollTo(0, y)", y)
        assert page.evaluate("window.scrollY") > 400
        fieldset = _place(page, themes)
        assert fieldset["top"] < fieldset["height"] and fieldset["bottom"] > 0, fieldset
        assert _in_view(_place(page, "[data-coding-save]")), y


def _check_one_column(page: Page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tools_position = "getComputedStyle(document.querySelector('[data-workspace-tools]')).position"
    assert page.evaluate(tools_position) == "static"  # not fixed in view: the page scrolls as one
    answer, tools = _place(page, "[data-answer-text]"), _place(page, "[data-workspace-tools]")
    assert tools["top"] >= answer["bottom"], (answer, tools)
    # A link at the top of the answer leads past it to the themes.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".workspace__jump").click()
    assert abs(_place(page, "[data-workspace-tools]")["top"]) < 5
    assert page.evaluate("document.activeElement.id") == "coding-tools"
    page.locator("[data-coding-save]").scroll_into_view_if_needed()
    assert _in_view(_place(page, "[data-coding-save]"))


def test_the_coding_page_keeps_the_themes_and_save_button_beside_a_long_answer(
    browser: Browser, workspace_site: WorkspaceSite
) -> None:
    page = _coding_page(browser, workspace_site)
    assert page.locator("[data-answer-text]").inner_text().count("Paragraph") == 40
    _check_two_panes(page, "#themes-fieldset")
    _check_one_column(page)
    page.context.close()


def test_the_blind_coding_page_keeps_the_themes_and_save_button_beside_a_long_answer(
    browser: Browser, workspace_site: WorkspaceSite
) -> None:
    page = _blind_page(browser, workspace_site)
    assert page.locator("[data-answer-text]").inner_text().count("Paragraph") == 40
    _check_two_panes(page, "fieldset:has(#themes-0)")
    _check_one_column(page)
    page.context.close()


def _press(page: Page, key: str) -> None:
    """Press a key that leaves the page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_coding_an_answer_by_keyboard_alone(browser: Browser, workspace_site: WorkspaceSite) -> None:
    page = _coding_page(browser, workspace_site)
    answer_id = _answer_id(page, workspace_site)
    before = page.evaluate(CHECKED)
    page.keyboard.press("1")  # the first theme, on or off
    assert "ticked" in page.locator("[data-coding-status]").inner_text()  # said aloud
    page.keyboard.press("x")  # mixed
    wanted = page.evaluate(CHECKED)
    assert wanted["themes"] != before["themes"] and wanted["sentiment"] == "mixed"
    _press(page, "Enter")
    assert _answer_id(page, workspace_site) != answer_id  # the next answer
    with workspace_site.app.app_context():
        coded = db.session.get(CodedAnswer, answer_id)
        assert coded is not None and coded.coded_by_id == user_id(db.session, CODER)
        state = state_of(db.session, coded)
        assert (state.status, list(state.themes), state.sentiment) == (CODED, wanted["themes"], "mixed")
    page.context.close()


def test_coding_blind_by_keyboard_alone(browser: Browser, workspace_site: WorkspaceSite) -> None:
    page = _blind_page(browser, workspace_site)
    assert page.locator("kbd.coding-key").first.is_visible()  # the keys are shown beside the themes
    assert page.locator("[data-coding-skip]").count() == 0  # not coded yet: no going on without it
    page.keyboard.press("n")
    assert "no other answer" in page.locator("[data-coding-status]").inner_text()
    # A box to type in (as phrase coding brings): its keys are words, not shortcuts.
    page.evaluate("""() => {
      const box = document.createElement('input');
      box.type = 'text'; box.id = 'typing'; box.setAttribute('aria-label', 'A note');
      document.querySelector('[data-workspace-tools]').prepend(box);
    }""")
    untouched = page.evaluate(CHECKED)
    page.locator("#typing").press_sequentially("12vn?")
    page.keyboard.press("Enter")
    assert page.locator("#typing").input_value() == "12vn?"
    assert page.evaluate(CHECKED) == untouched and not page.locator("dialog").is_visible()
    assert page.url.endswith("?answer=1")
    page.locator("h1").click()  # out of the box
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("v")  # positive
    wanted = page.evaluate(CHECKED)
    assert len(wanted["themes"]) == 2 and wanted["sentiment"] == "positive"
    _press(page, "Enter")
    assert page.locator("h1").inner_text().startswith("Answer 2 of")
    with workspace_site.app.app_context():
        sample_id = db.session.scalars(
            select(AgreementSample.id).where(AgreementSample.public_id == workspace_site.sample)
        ).one()
        saved = db.session.scalars(
            select(BlindCoding)
            .join(AgreementItem, AgreementItem.id == BlindCoding.item_id)
            .where(AgreementItem.sample_id == sample_id, AgreementItem.position == 1)
            .where(BlindCoding.coder_id == user_id(db.session, BLIND))
        ).one()
        assert (sorted(saved.themes), saved.sentiment) == (wanted["themes"], "positive")
    # Back on the coded answer, "n" goes on to the next without saving.
    page.goto(f"{workspace_site.url}/staff/agreement/{workspace_site.sample}/code?answer=1")
    _press(page, "j")
    assert page.locator("h1").inner_text().startswith("Answer 2 of")
    page.context.close()


def _check_dialog(page: Page, start: str) -> None:
    """``?`` opens the list of keys in view, wherever the page is scrolled; Escape closes it and the
    focus goes back to ``start``; the link opens it too, and its close button closes it."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.focus(start)
    dialog = page.locator("dialog.shortcuts-dialog")
    assert not dialog.is_visible()
    page.keyboard.press("?")
    assert dialog.is_visible() and page.evaluate("document.querySelector('dialog').open")
    assert _in_view(_place(page, "dialog.shortcuts-dialog"))
    assert dialog.get_attribute("aria-labelledby") == "keyboard-shortcuts-heading"
    assert page.evaluate("document.querySelector('dialog').contains(document.activeElement)")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.keyboard.press("1")  # the page's keys rest while the list is open
    before = page.evaluate(CHECKED)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("s => document.activeElement === document.querySelector(s)", start)
    assert page.evaluate(CHECKED) == before
    page.locator("[data-shortcuts-open]").click()
    assert dialog.is_visible() and _in_view(_place(page, "dialog.shortcuts-dialog"))
    page.get_by_role("button", name="Close").click()
    assert not dialog.is_visible()


def test_question_mark_shows_the_keys_in_view_on_both_pages(
    browser: Browser, workspace_site: WorkspaceSite
) -> None:
    page = _coding_page(browser, workspace_site)
    _check_dialog(page, "input[name=theme]")
    page.context.close()
    page = _blind_page(browser, workspace_site)
    _check_dialog(page, "#sentiment-0")
    page.context.close()


@pytest.mark.parametrize("which", ["coding", "blind"])
def test_without_javascript_the_keys_are_a_section_of_the_page(
    browser: Browser, workspace_site: WorkspaceSite, which: str
) -> None:
    opened = _coding_page if which == "coding" else _blind_page
    page = opened(browser, workspace_site, java_script_enabled=False)
    link = page.locator("[data-shortcuts-open]")
    assert link.get_attribute("href") == "#keyboard-shortcuts"
    link.click()
    section = page.locator("#keyboard-shortcuts")
    assert section.is_visible() and "Enter" in section.inner_text()
    assert page.locator("dialog").count() == 0
    assert not page.locator("[data-coding-help]").is_visible()  # no switch for keys that cannot work
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_nothing_on_either_page(
    browser: Browser, workspace_site: WorkspaceSite, width: int
) -> None:
    for opened in (_coding_page, _blind_page):
        page = opened(browser, workspace_site)
        page.set_viewport_size({"width": width, "height": 800})
        violations = axe_violations(page)
        assert not violations, f"{page.url} at {width}px:\n{describe_violations(violations)}"
        page.context.close()
