"""WCAG 2.2 AA on every page and state of the registry (``registry.py``), in a real Chromium.

axe covers what a machine can judge; the other tests check what axe does not: reflow at 320 px and
at 200% zoom, clipped text, 24 px targets, titles, language, error summaries and autocomplete.
Each state's page is reached once (``state_page``); each test sets the window size it needs.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import ViewportSize

from tests.browser.checks import (
    axe_violations,
    clipped_text,
    describe_violations,
    horizontal_overflow,
    inputs_without_autocomplete,
    small_targets,
    unlinked_hints_and_errors,
)
from tests.browser.conftest import Opened, OpenState
from tests.browser.registry import State
from tests.browser.site import PHONE, Site

pytestmark = pytest.mark.browser

# 200% browser zoom on a 1280 x 800 screen: the page is laid out in 640 x 400 CSS pixels.
ZOOMED: ViewportSize = {"width": 640, "height": 400}


def test_language_title_errors_hints_and_autocomplete(state_page: Opened, state: State) -> None:
    page = state_page.page
    assert page.locator("html").get_attribute("lang") == "en-GB"
    title = page.title()
    assert title.strip(), state.name
    assert title.startswith("Error: ") == state.error_title, f"{state.name}: {title!r}"
    summary = page.locator("[data-error-summary]")
    assert summary.count() == int(state.error_summary), state.name
    if state.error_summary:
        # JavaScript moved focus to the summary, and each of its links leads to a field.
        assert summary.evaluate("el => el === document.activeElement"), f"{state.name}: summary not focused"
        for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            assert page.locator(href).count() == 1, f"{state.name}: {href} leads nowhere"
    assert inputs_without_autocomplete(page) == [], state.name
    assert unlinked_hints_and_errors(page) == [], state.name


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_wcag_22_aa_violation(state_page: Opened, state: State, width: int) -> None:
    state_page.page.set_viewport_size({"width": width, "height": 800})
    violations = axe_violations(state_page.page)
    assert not violations, f"{state.name} at {width}px:\n{describe_violations(violations)}"


def test_no_sideways_scrolling_or_clipped_text_at_320px(state_page: Opened, state: State) -> None:
    page = state_page.page
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], state.name
    assert clipped_text(page) == [], state.name


def test_text_reflows_at_200_percent_zoom(state_page: Opened, state: State) -> None:
    page = state_page.page
    page.set_viewport_size(ZOOMED)
    assert horizontal_overflow(page) == 0, state.name
    assert clipped_text(page) == [], state.name


def test_targets_are_at_least_24px(state_page: Opened, state: State) -> None:
    state_page.page.set_viewport_size(PHONE)
    assert small_targets(state_page.page) == [], state.name


def test_every_question_has_its_own_title(open_state: OpenState, site: Site) -> None:
    """Each question's title starts with the question itself, so every page's title differs."""
    answering = State("answering", lambda page, site: page.goto(site.question("age_band")), "answering")
    keys = ["age_band", "setting", "needs", "ehcp", "services_waited", "wait_ehcna_plan", "rating_support"]
    with open_state(answering) as opened:
        page = opened.page
        titles = []
        for key in keys:
            page.goto(site.question(key))
            heading = page.locator("h1").inner_text()
            assert page.title().startswith(f"{heading} – "), (key, page.title())
            titles.append(page.title())
        assert len(set(titles)) == len(titles), titles


def test_staff_sign_in_fields_say_what_to_autofill(open_state: OpenState) -> None:
    sign_in = State("staff sign-in", lambda page, site: page.goto(f"{site.url}/staff/login"))
    with open_state(sign_in) as opened:
        page = opened.page
        assert page.get_by_label("Email address").get_attribute("autocomplete") == "username"
        assert page.get_by_label("Password").get_attribute("autocomplete") == "current-password"
