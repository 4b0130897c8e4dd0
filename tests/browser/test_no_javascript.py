"""With JavaScript switched off, a parent can still answer every question and send the survey."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.site import Site
from tests.factories import JOURNEY, RECEIPT_PATTERN

pytestmark = pytest.mark.browser


def fill_in(page: Page, data: dict[str, object]) -> None:
    """Fill in a question's form from JOURNEY-style data: tick/choose by value, type text."""
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            field = page.locator(f"main [name={name}]").first
            if field.get_attribute("type") in ("radio", "checkbox"):
                page.locator(f"main [name={name}][value='{item}']").check()
            else:
                field.fill(str(item))


def save_and_continue(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def test_whole_survey_without_javascript(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.survey())
    assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run; the page's do not
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()

    # Errors work without scripts: the summary is there, its link leads to the first option.
    save_and_continue(page)
    assert page.title().startswith("Error: ")
    assert page.locator("[data-error-summary] a").get_attribute("href") == "#answer-0"

    for key, data in JOURNEY:
        assert page.url == site.question(key), f"expected {key}, at {page.url}"
        fill_in(page, data)
        save_and_continue(page)

    assert page.url == site.survey("check")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    assert page.url == site.survey("done")
    assert RECEIPT_PATTERN.fullmatch(page.locator(".receipt-code").inner_text())
    context.close()


def test_easy_read_survey_without_javascript_takes_the_same_answers(browser: Browser, site: Site) -> None:
    """The Easy Read survey takes the default survey's answers (the same keys and values), at 320 px."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.easy_read())
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    for key, data in JOURNEY:
        assert page.url == site.easy_read(f"q/{key}"), f"expected {key}, at {page.url}"
        assert page.locator("main img.pictogram[alt='']").count() == 1, key
        fill_in(page, data)
        save_and_continue(page)
    assert page.url == site.easy_read("check")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    assert page.url == site.easy_read("done")
    context.close()


def test_without_javascript_the_server_refuses_an_option_that_stands_alone_with_others(
    browser: Browser, site: Site
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.survey())
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.goto(site.question("services_waited"))
    page.get_by_label("An autism assessment").check()
    page.get_by_label("None of these").check()
    assert page.get_by_label("An autism assessment").is_checked()  # nothing unticked it
    save_and_continue(page)
    assert page.title().startswith("Error: ")
    assert (
        "Select ‘None of these’ on its own, or untick it" in page.locator("[data-error-summary]").inner_text()
    )
    page.get_by_label("None of these").uncheck()
    save_and_continue(page)
    assert page.url == site.question("wait_autism_first")
    context.close()
