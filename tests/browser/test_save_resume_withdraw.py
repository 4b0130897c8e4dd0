"""In Chromium: save and come back later on another device, then send and take the answers back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.site import PHONE
from tests.factories import RECEIPT_PATTERN, SURVEY_URL

pytestmark = pytest.mark.browser


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_save_resume_elsewhere_send_and_withdraw(browser: Browser, live_server: str) -> None:
    first_phone = browser.new_context(viewport=PHONE)
    page = first_phone.new_page()
    page.goto(live_server + SURVEY_URL)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("5 to 10").check()
    _continue(page)
    page.get_by_label("Special school").check()
    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    code = page.locator(".resume-code").inner_text()
    assert len(code.split()) == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_phone.close()

    # Another device, days later: the four words bring every answer back.
    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    page = laptop.new_page()
    page.goto(f"{live_server}{SURVEY_URL}resume")
    page.get_by_label("Continue with your code").fill("  " + code.upper() + " ")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What are your child's main needs?")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_label("Special school")).to_be_checked()
    _continue(page)
    page.get_by_label("Speech, language or communication").check()
    _continue(page)
    page.get_by_label("Yes", exact=True).check()
    _continue(page)
    page.get_by_label("None of these").check()
    _continue(page)
    page.get_by_label("Well", exact=True).check()
    _continue(page)
    page.get_by_label("Good", exact=True).check()
    _continue(page)
    for _ in range(3):  # three optional texts left blank: with no words to quote, no consent is asked
        _continue(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    receipt = page.locator(".receipt-code").inner_text()
    assert RECEIPT_PATTERN.fullmatch(receipt)

    # Then the parent changes their mind.
    page.goto(f"{live_server}{SURVEY_URL}withdraw")
    page.get_by_label("Take your answers back").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("could not find")
    page.get_by_label("Take your answers back").fill(receipt.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to take your answers back?"
    )
    page.get_by_role("button", name="Yes, delete my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been deleted")
    laptop.close()
