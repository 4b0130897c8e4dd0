"""A parent completes the whole default survey with the keyboard alone, and always sees where the
focus is. No mouse: only Tab, Shift+Tab, arrow keys, Space, Enter and typing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.checks import check_focus_is_visible, focused, tab_to
from tests.browser.site import STAFF_EMAIL, Site
from tests.factories import RECEIPT_PATTERN, STAFF_PASSWORD

pytestmark = pytest.mark.browser


def named(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda el: el["name"] == name


def choose(page: Page, label: str) -> None:
    """Tab into a group of radios, then move to the option with the arrow keys (which selects it)."""
    tab_to(page, lambda el: el["type"] == "radio", "a radio")
    for _ in range(12):
        if focused(page)["name"] == label:
            page.keyboard.press("Space")
            assert focused(page)["checked"], label
            return
        page.keyboard.press("ArrowDown")
        check_focus_is_visible(page)
    raise AssertionError(f"no option {label!r} on {page.url}")


def tick(page: Page, label: str) -> None:
    tab_to(page, lambda el: el["type"] == "checkbox" and el["name"] == label, label)
    page.keyboard.press("Space")
    assert focused(page)["checked"], label


def write(page: Page, label: str, text: str) -> None:
    tab_to(page, named(label), label)
    page.keyboard.type(text)


def press_button(page: Page, name: str) -> None:
    tab_to(page, lambda el: el["tag"] == "button" and el["name"] == name, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def address(page: Page) -> str:
    """The page's address without the fragment (the skip link adds ``#main``)."""
    return page.url.split("#")[0]


def save_and_continue(page: Page) -> None:
    press_button(page, "Save and continue")


Step = Callable[[Page], None]
# (question, what the parent does on its page)
KEYBOARD_JOURNEY: list[tuple[str, list[Step]]] = [
    ("setting", [lambda p: choose(p, "Mainstream secondary school")]),
    ("needs", [lambda p: tick(p, "Autism"), lambda p: tick(p, "ADHD")]),
    ("ehcp", [lambda p: choose(p, "We asked for one and are waiting")]),
    ("services_waited", [lambda p: tick(p, "An autism assessment")]),
    (
        "wait_autism_first",
        [
            lambda p: write(p, "How long", "18"),
            lambda p: choose(p, "Months"),
            lambda p: tick(p, "We are still waiting"),
        ],
    ),
    ("rating_communication", [lambda p: choose(p, "Badly")]),
    ("rating_support", [lambda p: choose(p, "Poor")]),
    ("worked_well", [lambda p: write(p, "What has worked well?", "Our SENCO is kind and listens.")]),
    ("not_worked", [lambda p: write(p, "What has not worked well?", "Eighteen months and no news.")]),
    ("one_change", []),  # optional: left empty
    ("quote_consent", [lambda p: tick(p, "Yes, you can quote my words without my name")]),
]


def test_whole_survey_with_the_keyboard_alone(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.survey())

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert check_focus_is_visible(page)["name"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    press_button(page, "Start now")

    # An error first: focus moves to the error summary, and from there on to the answers.
    assert address(page) == site.question("age_band")
    save_and_continue(page)
    assert page.title().startswith("Error: ")
    assert focused(page)["summary"], f"focus did not move to the error summary: {focused(page)} {page.url}"
    choose(page, "11 to 15")
    tab_to(page, named("Save and continue"), "the button")
    page.keyboard.press("Shift+Tab")  # back to the chosen radio
    assert focused(page) | {"summary": False} == {
        "tag": "input",
        "type": "radio",
        "name": "11 to 15",
        "checked": True,
        "summary": False,
    }
    save_and_continue(page)

    for key, steps in KEYBOARD_JOURNEY:
        assert address(page) == site.question(key), f"expected {key}, at {page.url}"
        for step in steps:
            step(page)
        save_and_continue(page)

    assert address(page) == site.survey("check")
    assert "18 months so far (still waiting)" in page.locator(".summary-list").inner_text()
    press_button(page, "Send my answers")

    assert address(page) == site.survey("done")
    assert RECEIPT_PATTERN.fullmatch(page.locator(".receipt-code").inner_text())
    context.close()


def test_an_option_that_stands_alone_unticks_the_others(browser: Browser, site: Site) -> None:
    """ "None of these" after its "or": ticking it unticks the services ticked, and ticking a service
    again unticks it, so the parent never meets the server's error for the two together."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.survey())
    press_button(page, "Start now")
    page.goto(site.question("services_waited"))
    assert page.locator(".checkboxes__divider").inner_text() == "or"

    def ticked() -> dict[str, bool]:
        boxes = page.locator("main input[type=checkbox]")
        return {box.get_attribute("value") or "": box.is_checked() for box in boxes.all()}

    tick(page, "An autism assessment")
    tick(page, "Mental health support (CAMHS)")
    tick(page, "None of these")
    assert {value for value, on in ticked().items() if on} == {"none"}
    tab_to(page, lambda el: el["name"] == "An autism assessment", "autism", key="Shift+Tab")
    page.keyboard.press("Space")
    assert {value for value, on in ticked().items() if on} == {"autism"}
    save_and_continue(page)
    assert address(page) == site.question("wait_autism_first")
    context.close()


def test_every_link_and_button_of_the_staff_pages_shows_focus(browser: Browser, site: Site) -> None:
    """Tab through the signed-in staff pages (header links on the brand colour included)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/staff/login")
    write(page, "Email address", STAFF_EMAIL)
    write(page, "Password", STAFF_PASSWORD)
    press_button(page, "Sign in")
    assert page.url == f"{site.url}/staff/"
    stops = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        now = check_focus_is_visible(page)
        if now["tag"] == "body" or (now["name"], now["tag"]) in stops:
            break
        stops.add((now["name"], now["tag"]))
    assert ("Sign out", "button") in stops, stops
    context.close()
