"""A coder searches the answers' text from the keyboard: only the answers holding the word are listed,
the word marked in each, and the page passes axe; a search and a range that are wrong are explained.

The answers are a forum of their own on a live server of their own, so the shared site's pages stay as
the other browser tests expect them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from werkzeug.serving import make_server

from forum_app.dbcli import upgrade
from forum_app.extensions import db
from tests.browser.checks import axe_violations, describe_violations, focused
from tests.browser.site import signed_in_context
from tests.coding.factories import CODER, TEXTS, seed_workspace
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('search')) / 'search.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        seed_workspace(db.session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine(app).dispose()


def test_a_coder_searches_by_keyboard_and_sees_the_matches_marked(browser: Browser, search_site: str) -> None:
    context = signed_in_context(browser, search_site, CODER)
    page = context.new_page()
    page.goto(f"{search_site}/staff/coding")
    assert len(page.locator(".coding-queue__item").all()) == len(TEXTS)
    page.get_by_label("Search the answers' text").focus()
    assert focused(page)["type"] == "search"
    page.keyboard.type("Year")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expected = [text for text in TEXTS if "year" in text.lower()]
    assert len(expected) >= 3
    items = page.locator(".coding-queue__item").all()
    assert len(items) == len(expected)
    for item in items:
        marks = [mark.lower() for mark in item.locator("mark").all_inner_texts()]
        assert marks and set(marks) == {"year"}, marks
    count = page.locator("[data-match-count]").inner_text()
    assert count == f"{len(expected)} answers match the search “Year”"
    assert page.get_by_label("Search the answers' text").input_value() == "Year"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # The search goes with the coder to an answer and back.
    page.locator(".coding-queue__item a").first.click()
    assert "q=Year" in page.url
    page.goto(f"{search_site}/staff/coding?q=Year&sure_from=90&sure_to=20")
    assert page.locator("[data-error-summary]").is_visible()
    assert "more than the lowest" in page.locator("[data-error-summary]").inner_text()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.locator("[data-clear-filters]").click()
    assert len(page.locator(".coding-queue__item").all()) == len(TEXTS)
    context.close()
