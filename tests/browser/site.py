"""The live site under test, and quick ways to put a browser session into a given state.

States are set up over HTTP with a browser context's ``request`` API, which shares the
context's cookies, so a test can open (say) the check-answers page without clicking
through thirteen questions first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, url_for
from playwright.sync_api import APIRequestContext, APIResponse, Browser, BrowserContext, ViewportSize

from tests.factories import JOURNEY, STAFF_PASSWORD
from tests.surveys.factories import ALL_TYPES, TYPES_FORUM

FORUM, SURVEY = "demo", "send-experience"
# A survey of its own for the question types the default survey does not use (number, month).
TYPES = (TYPES_FORUM[0], str(ALL_TYPES["slug"]))
CLOSED_FORUM = "closed"
# The Easy Read survey, in a forum of its own so the demo forum keeps one survey.
EASY_READ = ("easy", "send-experience-easy-read")
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 320, "height": 640}  # the narrowest phone, as WCAG's reflow asks
STAFF_EMAIL = "lead@example.org"
ADMIN_EMAIL = "admin@example.org"  # a platform administrator, no forum's member
TWO_FACTOR_EMAIL = "two-factor@example.org"  # a lead who signs in with a code from an app too
# Form data as name/value pairs: a checkbox question sends one pair per ticked box.
FormData = list[tuple[str, str]]
StorageState = Any  # what BrowserContext.storage_state() returns

_TOKEN = re.compile(r'name="(csrf_token|idempotency_key)"[^>]*\bvalue="([^"]+)"')


@dataclass(frozen=True)
class Site:
    """The running app: its address, the Flask app itself and the records seeded for the tests."""

    url: str
    app: Flask
    response_id: str  # a submitted response of the demo forum, for the staff pages

    def survey(self, path: str = "", forum: str = FORUM, survey: str = SURVEY) -> str:
        return f"{self.url}/s/{forum}/{survey}/{path}"

    def question(self, key: str, forum: str = FORUM, survey: str = SURVEY) -> str:
        return self.survey(f"q/{key}", forum, survey)

    def easy_read(self, path: str = "") -> str:
        """A page of the Easy Read survey."""
        return self.survey(path, *EASY_READ)

    def types_question(self, key: str) -> str:
        """A question of the survey of number and month questions."""
        return self.question(key, *TYPES)

    @property
    def endpoints(self) -> frozenset[str]:
        return frozenset(rule.endpoint for rule in self.app.url_map.iter_rules())

    def link(self, endpoint: str, **values: str) -> str:
        """The address of ``endpoint``, filling in the demo survey's slugs where its rule takes them."""
        rule = next(rule for rule in self.app.url_map.iter_rules() if rule.endpoint == endpoint)
        known = {"forum_slug": FORUM, "survey_slug": SURVEY, **values}
        with self.app.test_request_context():
            arguments: dict[str, Any] = {k: v for k, v in known.items() if k in rule.arguments}
            return self.url + url_for(endpoint, **arguments)


def as_pairs(data: dict[str, Any]) -> FormData:
    return [
        (name, str(v))
        for name, value in data.items()
        for v in (value if isinstance(value, list) else [value])
    ]


def post_form(request: APIRequestContext, url: str, data: FormData, follow: bool = True) -> APIResponse:
    """GET ``url`` for its hidden tokens, then POST ``data`` with them, following redirects unless
    ``follow`` is false."""
    page = request.get(url)
    assert page.ok, (url, page.status)
    tokens = _TOKEN.findall(page.text())
    assert tokens, f"{url} has no form token"
    response = request.post(
        url,
        data=urlencode([*data, *tokens]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=20 if follow else 0,
    )
    assert response.ok or not follow, (url, response.status, response.text()[:500])
    return response


def start(request: APIRequestContext, site: Site) -> None:
    assert post_form(request, site.survey(), []).url.endswith("/q/age_band")


def answer(request: APIRequestContext, site: Site, key: str, data: dict[str, Any]) -> None:
    response = post_form(request, site.question(key), as_pairs(data))
    assert f"/q/{key}" not in response.url, f"the answer to {key} was refused"


def answer_all(request: APIRequestContext, site: Site) -> None:
    start(request, site)
    for key, data in JOURNEY:
        answer(request, site, key, data)
    assert site.survey("check") == request.get(site.survey("check")).url


def sign_in(request: APIRequestContext, site: Site) -> None:
    response = post_form(
        request, f"{site.url}/staff/login", [("email", STAFF_EMAIL), ("password", STAFF_PASSWORD)]
    )
    assert response.url.endswith("/staff/"), response.url


def signed_in_context(browser: Browser, site_url: str, email: str, **options: Any) -> BrowserContext:
    """A new desktop-sized browser context (with these ``options``), signed in to the site at
    ``site_url`` as this member of staff."""
    context = browser.new_context(viewport=DESKTOP, **options)
    response = post_form(
        context.request, f"{site_url}/staff/login", [("email", email), ("password", STAFF_PASSWORD)]
    )
    assert "/staff/login" not in response.url, response.url
    return context


def _answering(request: APIRequestContext, site: Site) -> None:
    """Started, with only the question that shows a duration question answered, and words in the
    first free-text box (which bring the consent question): every other question page of the survey
    can be opened, blank."""
    start(request, site)
    answer(request, site, "services_waited", {"answer": ["ehcna"]})
    answer(request, site, "worked_well", {"answer": "The SENCO rings back."})


def _answering_types(request: APIRequestContext, site: Site) -> None:
    """Started the survey of number and month questions, with "yes" to the question that shows a
    month question: every question page of that survey can be opened, blank."""
    assert post_form(request, site.survey("", *TYPES), []).url.endswith("/q/has_plan")
    response = post_form(request, site.types_question("has_plan"), [("answer", "yes")])
    assert response.url == site.types_question("plan_month"), response.url


def _answering_easy_read(request: APIRequestContext, site: Site) -> None:
    """Started the Easy Read survey, with the answer that shows its first duration question."""
    assert post_form(request, site.easy_read(), []).url.endswith("/q/age_band")
    response = post_form(request, site.easy_read("q/services_waited"), [("answer", "ehcna")])
    assert "/q/services_waited" not in response.url, response.url


def _answered(request: APIRequestContext, site: Site) -> None:
    answer_all(request, site)


def send_answers(request: APIRequestContext, site: Site) -> None:
    answer_all(request, site)
    # Not followed: the confirmation page shows the receipt code once, to the page that opens it.
    sent = post_form(request, site.survey("check"), [], follow=False)
    assert sent.status == 302 and site.survey("done").endswith(sent.headers["location"]), sent.headers


def _saving(request: APIRequestContext, site: Site) -> None:
    start(request, site)


def _nothing(request: APIRequestContext, site: Site) -> None:
    """A session of its own, for pages that change what the session holds."""


def _staff(request: APIRequestContext, site: Site) -> None:
    sign_in(request, site)


def _administrator(request: APIRequestContext, site: Site) -> None:
    response = post_form(
        request, f"{site.url}/staff/login", [("email", ADMIN_EMAIL), ("password", STAFF_PASSWORD)]
    )
    assert response.url.endswith("/admin/forums"), response.url


SESSION_BUILDERS = {
    "answering": _answering,
    "answering types": _answering_types,
    "answering easy read": _answering_easy_read,
    "answered": _answered,
    "saving": _saving,
    "submitted": send_answers,
    "withdrawing": _nothing,
    "staff": _staff,
    "administrator": _administrator,
}


class Sessions:
    """Browser sessions (cookies) in a named state, each built once over HTTP and then copied
    into as many fresh browser contexts as the tests need."""

    def __init__(self, browser: Browser, site: Site) -> None:
        self._browser = browser
        self._site = site
        self._built: dict[str, StorageState] = {}

    def storage_state(self, name: str | None) -> StorageState | None:
        if name is None:
            return None
        if name not in self._built:
            context = self._browser.new_context()
            SESSION_BUILDERS[name](context.request, self._site)
            self._built[name] = context.storage_state()
            context.close()
        return self._built[name]
