"""A parent completes the default survey on a phone-sized screen in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.site import PHONE
from tests.factories import RECEIPT_PATTERN, SURVEY_URL

pytestmark = pytest.mark.browser


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_parent_completes_survey_at_320px_and_gets_receipt(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server + SURVEY_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your family's experience of SEND services")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Start now").click()

    # An error first: continuing without an answer shows the error summary.
    _continue(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("Select how old your child is")
    expect(page.locator("[data-error-summary]")).to_be_focused()

    page.get_by_label("11 to 15").check()
    _continue(page)
    page.get_by_label("Mainstream secondary school").check()
    _continue(page)
    page.get_by_label("Autism").check()
    page.get_by_label("ADHD").check()
    _continue(page)
    page.get_by_label("We asked for one and are waiting").check()
    _continue(page)
    page.get_by_label("An autism assessment").check()
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How long did you wait for the first appointment of the autism assessment?"
    )
    page.get_by_label("How long").fill("18")
    page.get_by_label("Months").check()
    page.get_by_label("We are still waiting").check()
    _no_horizontal_scroll(page)
    _continue(page)
    page.get_by_label("Badly", exact=True).check()
    _continue(page)
    page.get_by_label("Poor", exact=True).check()
    _continue(page)
    page.get_by_label("What has worked well?").fill("Our SENCO is kind and listens.")
    _continue(page)
    page.get_by_label("What has not worked well?").fill("18 months on the ND pathway and no news 😞")
    _continue(page)
    _continue(page)  # the one change: left empty, it is optional
    page.get_by_label("Yes, you can quote my words without my name").check()
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    expect(page.locator(".summary-list")).to_contain_text("18 months so far (still waiting)")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    code = page.locator(".receipt-code").inner_text()
    assert RECEIPT_PATTERN.fullmatch(code), code
    _no_horizontal_scroll(page)
    # Nothing was fetched from anywhere but our own server.
    assert all(url.startswith(live_server) for url in requests), requests
    context.close()
