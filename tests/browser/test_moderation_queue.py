"""A moderator walks the moderation queue in Chromium: opens a safeguarding concern, reads the forum's
procedure, shows a wrongly redacted name as written, redacts a setting the check missed, approves, and
lands on the next answer; then the database holds only the redacted text. Once with JavaScript, once
without.

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
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.moderation.settings import DEFAULT_PROCEDURE
from forum_app.surveys.models import Answer
from tests import factories
from tests.browser.site import post_form
from tests.conftest import make_test_app
from tests.moderation.factories import FLAGGED, journey_with

pytestmark = pytest.mark.browser

MODERATOR = "moderator@example.org"
QUEUE = "/staff/moderation"
MODERATED = (
    "He says he wants to kill himself. Therapy at Hope House helped. Nobody at the [school] called back."
)


@dataclass(frozen=True)
class ModerationSite:
    url: str
    app: Flask


@pytest.fixture(scope="module")
def moderation_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModerationSite]:
    """Two safeguarding concerns and a plain response waiting in the demo forum's queue, and a coder."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('moderation')) / 'moderation.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        factories.make_survey(db.session, factories.make_forum(db.session))
        factories.make_staff(db.session, MODERATOR, role="lead")
    for journey in (journey_with(not_worked=FLAGGED), journey_with(not_worked=FLAGGED), None):
        family = app.test_client()
        factories.answer_all(family, journey)
        assert factories.submit(family).status_code == 302
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ModerationSite(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    db.engine(app).dispose()


def _public_id(page: Page) -> str:
    found = re.search(r"/staff/moderation/([0-9a-f]{16})$", page.url.split("?")[0])
    assert found, page.url
    return found.group(1)


def _click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_moderator_walks_the_queue(
    browser: Browser, moderation_site: ModerationSite, javascript: bool
) -> None:
    site = moderation_site
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=javascript)
    response = post_form(
        context.request,
        f"{site.url}/staff/login",
        [("email", MODERATOR), ("password", factories.STAFF_PASSWORD)],
    )
    assert "/staff/login" not in response.url, response.url
    page = context.new_page()

    # The queue: the safeguarding concern comes first, redacted.
    page.goto(site.url + "/staff/responses")
    _click(page, "link", re.compile(r"^Moderation"))
    first = page.locator(".moderation-queue__item").first
    assert "Safeguarding concern" in first.inner_text()
    assert "Therapy at [name] helped" in first.inner_text() and "Hope House" not in page.content()
    _click(page, "link", re.compile(r"^Answer [0-9a-f]{16}$"))
    named = _public_id(page)

    # The procedure first, in its warning box, then the answer with its redaction highlighted.
    warning = page.locator(".moderation-warning")
    assert warning.is_visible() and DEFAULT_PROCEDURE[:40] in warning.inner_text()
    assert page.locator(".moderation-answer__text mark").all_inner_texts() == ["Hope House [name]"]

    # "Hope House" is a service, not a person: show it as written.
    _click(page, "button", re.compile(r"^Not personal — show it\W+“Hope House” \[name\]"))
    assert "shown as written" in page.locator("main").inner_text()
    assert page.get_by_role("button", name=re.compile(r"^Redact again\W+“Hope House”")).is_visible()

    # The check missed the Sunflower Hub: redact it as a setting.
    page.get_by_label("Words to redact").fill("Sunflower Hub")
    page.get_by_label("What kind of detail they are").select_option("school")
    _click(page, "button", "Redact these words")
    assert "Redacted 1 place." in page.locator("main").inner_text()
    coders = page.locator("#coders-heading + blockquote").inner_text()
    assert coders.strip() == MODERATED

    # Approve: on to the next waiting answer, with a banner.
    _click(page, "button", "Approve")
    assert _public_id(page) != named
    assert f"Approved answer {named}" in page.get_by_role("status").first.inner_text()
    context.close()

    with site.app.app_context():
        answer_id = db.session.scalars(select(Answer.id).where(Answer.public_id == named)).one()
        item = db.session.get(ModerationItem, answer_id)
        answer = db.session.get(Answer, answer_id)
        assert item is not None and answer is not None
        assert (item.status, item.original, item.decided_on is not None) == (APPROVED, None, True)
        assert answer.value == MODERATED
        assert db.session.get(CodedAnswer, answer_id) is not None
        assert not db.session.scalars(
            select(ModerationItem.answer_id).where(
                ModerationItem.answer_id == answer_id, ModerationItem.original.is_not(None)
            )
        ).all()
