"""In Chromium: the start button is on a phone's first screen; a code can be copied (with script only);
a parent who comes back with their code is welcomed back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.site import PHONE, Site

pytestmark = pytest.mark.browser


def test_the_start_button_is_on_the_first_screen_of_a_phone(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site.survey())
    button = page.get_by_role("button", name="Start now")
    box = button.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], box  # seen whole, without scrolling
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("[data-privacy-summary]")).not_to_be_in_viewport()  # it comes after the button
    context.close()


def _save_one_answer(page: Page, site: Site) -> str:
    page.goto(site.survey())
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("5 to 10").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    return page.locator(".resume-code").inner_text()


def test_a_parent_copies_the_code_and_is_welcomed_back(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    code = _save_one_answer(page, site)
    status = page.locator("[data-copy-status]")
    expect(status).to_have_text("")
    page.get_by_role("button", name="Copy code").click()
    expect(status).to_have_text("Code copied")
    assert page.evaluate("navigator.clipboard.readText()") == code
    expect(page.get_by_text("Write these four words down")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    laptop = browser.new_context()
    page = laptop.new_page()
    page.goto(site.survey("resume"))
    page.get_by_label("Continue with your code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".notice[role=status]")).to_have_text(
        "Welcome back. Your answers are saved. Carry on from where you stopped."
    )
    assert page.url == site.question("setting")
    laptop.close()


def test_without_javascript_there_is_no_copy_button(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    _save_one_answer(page, site)
    expect(page.get_by_role("button", name="Copy code")).to_have_count(0)
    expect(page.locator("[data-copy-target]")).to_be_hidden()
    context.close()
