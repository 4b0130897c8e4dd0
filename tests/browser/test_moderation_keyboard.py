"""A moderator works through the moderation queue in Chromium with single keys: "?" opens the list of
shortcuts at the top of the page, "n"/"j" and "k" move between answers, "h" holds, "a" approves and goes
on to the next answer, until none is left. Keys typed into a box stay in the box, the shortcuts can be
switched off, and without JavaScript the page is plain links and buttons.

The answers are a forum of their own on a live server of their own, so the shared site's pages stay
as the other browser tests expect them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from werkzeug.serving import make_server

from forum_app.coding.models import CodedAnswer
from forum_app.dbcli import upgrade
from forum_app.extensions import db
from forum_app.moderation.models import APPROVED, HELD, ModerationItem
from forum_app.surveys.models import Answer
from tests import factories
from tests.browser.site import signed_in_context
from tests.conftest import make_test_app
from tests.moderation.factories import FLAGGED, journey_with

pytestmark = pytest.mark.browser

MODERATOR = "keys.moderator@example.org"
QUEUE = "/staff/moderation"
# Different words in each response, so none is taken for a near-duplicate of another.
TEXTS = [
    {"worked_well": "The new SENCO phoned every week.", "one_change": "Answer emails within a month."},
    {"worked_well": "Speech therapy in school was good.", "one_change": "Fewer forms to fill in."},
    {"worked_well": "Short breaks gave us some rest.", "one_change": "Tell us where we are on the list."},
]
PRESS_KEY = """key => {
  const event = new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true});
  (document.activeElement || document.body).dispatchEvent(event);
  return event.defaultPrevented;
}"""


@dataclass(frozen=True)
class KeySite:
    url: str
    app: Flask


@pytest.fixture(scope="module")
def key_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeySite]:
    """A safeguarding concern and three plain responses waiting in the demo forum's queue, and a coder."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('moderation-keys')) / 'keys.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        factories.make_survey(db.session, factories.make_forum(db.session))
        factories.make_staff(db.session, MODERATOR, role="lead")
    for texts in [{"not_worked": FLAGGED}, *TEXTS]:
        family = app.test_client()
        factories.answer_all(family, journey_with(**texts))
        assert factories.submit(family).status_code == 302
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield KeySite(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    db.engine(app).dispose()


def _answer_id(page: Page) -> str | None:
    """The public id of the answer on the page, if it is an answer's page."""
    found = re.search(r"/staff/moderation/([0-9a-f]{16})$", page.url.split("?")[0].split("#")[0])
    return found.group(1) if found else None


def _press(page: Page, key: str) -> None:
    """Press a key that leaves the page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _statuses(site: KeySite) -> dict[str, str]:
    """Each answer's moderation status, by its public id."""
    with site.app.app_context():
        rows = db.session.execute(
            select(Answer.public_id, ModerationItem.status).join(
                Answer, Answer.id == ModerationItem.answer_id
            )
        )
        return {named: status for named, status in rows}


def _href_id(page: Page, selector: str) -> str:
    href = page.locator(selector).get_attribute("href") or ""
    return href.rsplit("/", 1)[1]


def test_a_moderator_clears_the_queue_with_single_keys(browser: Browser, key_site: KeySite) -> None:
    site = key_site
    context = signed_in_context(browser, site.url, MODERATOR)
    page = context.new_page()
    page.goto(f"{site.url}{QUEUE}")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Answer [0-9a-f]{16}$")).first.click()
    first = _answer_id(page)
    assert first is not None and page.locator(".moderation-warning").is_visible()  # the concern comes first

    # "?" shows the shortcuts at the very top of the page, and hides them again.
    panel = page.locator("[data-moderation-help-panel]")
    assert page.get_by_role("button", name="Keyboard shortcuts").is_visible() and not panel.is_visible()
    page.keyboard.press("?")
    assert panel.is_visible() and "approve this answer" in panel.inner_text()
    panel_box, heading_box = panel.bounding_box(), page.locator("h1").bounding_box()
    assert panel_box is not None and heading_box is not None and panel_box["y"] < heading_box["y"]
    assert page.get_by_role("button", name="Keyboard shortcuts").get_attribute("aria-expanded") == "true"
    page.keyboard.press("?")
    assert not panel.is_visible()
    assert page.locator("kbd.moderation-key").first.is_visible()  # the keys are shown beside the buttons

    # Keys typed into a box stay there.
    page.get_by_label("Words to redact").focus()
    page.keyboard.type("ahnkj")
    assert page.get_by_label("Words to redact").input_value() == "ahnkj"
    assert page.evaluate(PRESS_KEY, "a") is False and _answer_id(page) == first
    page.evaluate("document.activeElement.blur()")

    # "n" and "j" go to the next answer, "k" back.
    following = _href_id(page, "[data-moderation-next]")
    _press(page, "n")
    assert _answer_id(page) == following
    _press(page, "k")
    assert _answer_id(page) == first
    _press(page, "j")
    assert _answer_id(page) == following
    _press(page, "k")

    # "h" holds the concern (to ask the safeguarding lead) and goes on to the next answer.
    _press(page, "h")
    assert _answer_id(page) == following and _statuses(site)[first] == HELD

    # Switched off, "a" does nothing; switched on again, it approves.
    toggle = page.get_by_label("Use single-key shortcuts on this device")
    page.keyboard.press("?")
    toggle.uncheck()
    assert not page.locator("kbd.moderation-key").first.is_visible()
    page.evaluate("document.activeElement.blur()")
    assert page.evaluate(PRESS_KEY, "a") is False
    page.reload()  # remembered on this device
    assert not page.locator("[data-shortcuts-toggle]").is_checked()
    assert page.evaluate(PRESS_KEY, "a") is False and _statuses(site)[following] != APPROVED
    page.keyboard.press("?")
    page.get_by_label("Use single-key shortcuts on this device").check()
    page.evaluate("document.activeElement.blur()")

    # "a" approves and moves on, answer after answer, until none is left.
    approved = []
    while (answer_id := _answer_id(page)) is not None:
        _press(page, "a")
        approved.append(answer_id)
        assert len(approved) < 50, "the queue never emptied"
    assert page.url.endswith(QUEUE) and "There are no more answers waiting." in page.inner_text("main")
    statuses = _statuses(site)
    assert sorted(approved) == sorted(key for key, status in statuses.items() if status == APPROVED)
    assert len(approved) == len(statuses) - 1 and statuses[first] == HELD
    with site.app.app_context():
        coded = set(
            db.session.scalars(select(Answer.public_id).join(CodedAnswer, CodedAnswer.answer_id == Answer.id))
        )
    assert set(approved) <= coded  # approved by key, coded as after a button
    context.close()


def test_without_javascript_the_answer_page_is_links_and_buttons(browser: Browser, key_site: KeySite) -> None:
    site = key_site
    context = signed_in_context(browser, site.url, MODERATOR, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}{QUEUE}?status=held")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Answer [0-9a-f]{16}$")).first.click()
    assert not page.locator("[data-moderation-help]").is_visible()  # no shortcuts promised without scripts
    assert not page.locator("kbd.moderation-key").first.is_visible()
    assert page.get_by_role("button", name="Approve").is_visible()
    assert page.get_by_role("button", name="Put back in the queue").is_visible()
    context.close()
