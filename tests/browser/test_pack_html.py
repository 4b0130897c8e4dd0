"""The evidence pack's HTML in Chromium: WCAG 2.2 AA by axe at 1280 and 320 px, no sideways page
scrolling on a phone (wide tables scroll inside their own focusable region), and no request at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request

from forum_app.packs.render_html import render_html
from tests.browser.checks import axe_violations, clipped_text, describe_violations, horizontal_overflow
from tests.browser.site import DESKTOP, PHONE
from tests.packs.sample import full_sample_pack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def requests() -> list[str]:
    return []


@pytest.fixture(scope="module")
def pack_page(browser: Browser, requests: list[str]) -> Iterator[Page]:
    """The sample pack's HTML, loaded once; every request the page makes is recorded."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    page.set_content(render_html(full_sample_pack()))
    yield page
    context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_wcag_22_aa_violation(pack_page: Page, width: int) -> None:
    pack_page.set_viewport_size({"width": width, "height": 800})
    violations = axe_violations(pack_page)
    assert not violations, f"pack at {width}px:\n{describe_violations(violations)}"


def test_no_sideways_page_scrolling_or_clipped_text_at_320px(pack_page: Page) -> None:
    pack_page.set_viewport_size(PHONE)
    assert horizontal_overflow(pack_page) == 0
    assert pack_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert clipped_text(pack_page) == []
    # The wide table scrolls inside its region, which a keyboard can reach.
    region = pack_page.locator(".table-wrap", has=pack_page.locator("table#T2"))
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    assert region.evaluate("el => el === document.activeElement")


def test_the_page_makes_no_request(pack_page: Page, requests: list[str]) -> None:
    pack_page.wait_for_load_state("load")
    assert requests == []
    assert pack_page.evaluate("document.scripts.length") == 0
