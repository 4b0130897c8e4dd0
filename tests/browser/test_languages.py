"""Every page of the default survey in every shipped language, and of the Easy Read survey, at 320 and
1280 pixels, passes axe and never scrolls sideways; a family completes it on a phone, on a phone without
JavaScript (where axe, a script, cannot run), and by keyboard on a desktop. Right-to-left languages
(Arabic, Urdu) included."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from forum_app.i18n import LANGUAGES
from tests.browser.checks import axe_violations, describe_violations, horizontal_overflow
from tests.browser.site import DESKTOP, EASY_READ, FORUM, PHONE, SURVEY, Site
from tests.factories import JOURNEY, RECEIPT_PATTERN

pytestmark = pytest.mark.browser

CONTINUE = "main form button[type=submit]:not([name=action])"
# (language, forum, survey): the default survey in every language, and the Easy Read survey in English.
VERSIONS = [(code, FORUM, SURVEY) for code in sorted(LANGUAGES)] + [("en", *EASY_READ)]


def ids(version: tuple[str, str, str]) -> str:
    return "easy-read" if version[2] == EASY_READ[1] else version[0]


def _check(page: Page, code: str, axe: bool) -> None:
    """The page is in ``code``, written the right way, fits the screen and (``axe``) passes axe."""
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    assert (lang, direction) == ("en-GB" if code == "en" else code, LANGUAGES[code].direction), page.url
    assert horizontal_overflow(page) == 0, page.url
    if axe:
        violations = axe_violations(page)
        assert not violations, f"{page.url}\n{describe_violations(violations)}"


def _press(page: Page, selector: str, keyboard: bool) -> None:
    with page.expect_navigation():
        if keyboard:
            page.locator(selector).first.focus()
            page.keyboard.press("Enter")
        else:
            page.locator(selector).first.click()


def _fill(page: Page, data: dict[str, object], keyboard: bool) -> None:
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            field = page.locator(f"main [name={name}]").first
            if field.get_attribute("type") in ("radio", "checkbox"):
                box = page.locator(f"main [name={name}][value='{item}']")
                if keyboard:
                    box.focus()
                    page.keyboard.press("Space")
                else:
                    box.check()
                assert box.is_checked(), (page.url, name, item)
            elif keyboard:
                field.focus()
                page.keyboard.type(str(item))
            else:
                field.fill(str(item))


def _pages_around(page: Page, site: Site, version: tuple[str, str, str], axe: bool) -> None:
    """The pages beside the questions: help, privacy, continuing with a code, taking answers back."""
    code, forum, survey = version
    pages = [site.survey(path, forum, survey) for path in ("privacy", "resume", "withdraw")]
    for url in [*pages, f"{site.url}/s/{forum}/help"]:
        page.goto(url)
        assert page.url == url
        _check(page, code, axe)


def _complete(page: Page, site: Site, version: tuple[str, str, str], keyboard: bool, axe: bool) -> None:
    code, forum, survey = version
    page.goto(site.survey(f"?lang={code}", forum, survey))
    _check(page, code, axe)
    _press(page, "main form button[type=submit]", keyboard)
    for key, data in JOURNEY:
        if f"/q/{key}" not in page.url:
            continue  # not asked on this route
        _check(page, code, axe)
        _fill(page, data, keyboard)
        _press(page, CONTINUE, keyboard)
    assert page.url.endswith("/check"), page.url
    _check(page, code, axe)
    _press(page, CONTINUE, keyboard)
    assert page.url.endswith("/done"), page.url
    _check(page, code, axe)
    assert RECEIPT_PATTERN.fullmatch(page.locator(".receipt-code").inner_text())


def _journey(browser: Browser, site: Site, version: tuple[str, str, str], **how: Any) -> None:
    """Complete the survey and visit the pages around it in a new browser context."""
    keyboard, axe = how.pop("keyboard"), how.pop("axe")
    context = browser.new_context(**how)
    page = context.new_page()
    _complete(page, site, version, keyboard, axe)
    _pages_around(page, site, version, axe)
    context.close()


@pytest.mark.parametrize("version", VERSIONS, ids=ids)
def test_a_phone_in_every_language(browser: Browser, site: Site, version: tuple[str, str, str]) -> None:
    _journey(browser, site, version, viewport=PHONE, keyboard=False, axe=True)


@pytest.mark.parametrize("version", VERSIONS, ids=ids)
def test_a_phone_without_javascript_in_every_language(
    browser: Browser, site: Site, version: tuple[str, str, str]
) -> None:
    _journey(browser, site, version, viewport=PHONE, java_script_enabled=False, keyboard=False, axe=False)


@pytest.mark.parametrize("version", VERSIONS, ids=ids)
def test_a_desktop_by_keyboard_in_every_language(
    browser: Browser, site: Site, version: tuple[str, str, str]
) -> None:
    _journey(browser, site, version, viewport=DESKTOP, keyboard=True, axe=True)
