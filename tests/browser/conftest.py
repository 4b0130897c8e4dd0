"""A live server on a migrated SQLite database, and the system Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, Response, sync_playwright
from sqlalchemy import select, update
from werkzeug.serving import make_server

from forum_app.dbcli import upgrade
from forum_app.extensions import db
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import SPAM, SUBMITTED, SURVEY_CLOSED
from forum_app.surveys.models import Response as SurveyResponse
from forum_app.surveys.services import set_survey_status
from tests import factories
from tests.agreement.factories import seed_browser_samples
from tests.browser.registry import State, pages
from tests.browser.site import (
    ADMIN_EMAIL,
    CLOSED_FORUM,
    DESKTOP,
    EASY_READ,
    STAFF_EMAIL,
    TWO_FACTOR_EMAIL,
    Sessions,
    Site,
)
from tests.conftest import make_test_app
from tests.moderation.factories import FLAGGED, NAMED, journey_with
from tests.packs.stored import seed_browser_packs
from tests.surveys.factories import publish_all_types
from tests.system import find_chromium, unavailable

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@cache
def _endpoints() -> frozenset[str]:
    return frozenset(rule.endpoint for rule in make_test_app("sqlite://").url_map.iter_rules())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``state`` runs on every page of the registry that the app has."""
    if "state" in metafunc.fixturenames:
        states = pages(_endpoints())
        # Session scope: pytest runs the tests state by state, so each page is reached only once.
        metafunc.parametrize("state", states, ids=[state.name for state in states], scope="session")


def _seed(site_app: Flask) -> str:
    """The demo forum's survey, a closed survey in a forum of its own, the survey of number and
    month questions in another, a lead (and one with two-factor sign-in), one submitted response
    (moderated and coded), one waiting for moderation and one in the spam folder; returns the first
    one's id."""
    with site_app.app_context():
        factories.make_survey(db.session, factories.make_forum(db.session))
        publish_all_types(db.session)
        easy_forum = factories.make_forum(db.session, EASY_READ[0], "Easy Read Forum")
        factories.make_survey(db.session, easy_forum, load_packaged(EASY_READ[1]))
        closed = factories.make_survey(
            db.session, factories.make_forum(db.session, CLOSED_FORUM, "Closed Forum")
        )
        set_survey_status(db.session, closed.survey_id, SURVEY_CLOSED)
        factories.make_staff(db.session, STAFF_EMAIL)
        factories.make_admin(db.session, ADMIN_EMAIL)
        factories.make_staff(db.session, TWO_FACTOR_EMAIL)
        factories.enable_two_factor(db.session, TWO_FACTOR_EMAIL)
    client = site_app.test_client()
    factories.answer_all(client)
    assert factories.submit(client).status_code == 302
    with site_app.app_context():
        response_id = str(
            db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.status == SUBMITTED))
        )
        factories.approve_all(db.session)  # moderated, so its answers are coded
        seed_browser_samples(db.session, STAFF_EMAIL)
        seed_browser_packs(db.session, STAFF_EMAIL)  # a built pack and its share links
    # A second response stays in the moderation queue: a safeguarding concern with a redaction, and
    # an answer with a name and a school.
    family = site_app.test_client()
    factories.answer_all(family, journey_with(not_worked=FLAGGED, worked_well=NAMED))
    assert factories.submit(family).status_code == 302
    # A third is in the leads' spam folder, its written answers shown there redacted.
    with site_app.app_context():
        before = set(db.session.scalars(select(SurveyResponse.id)))
    family = site_app.test_client()
    factories.answer_all(family, journey_with(worked_well=NAMED))
    assert factories.submit(family).status_code == 302
    with site_app.app_context():
        (spam,) = set(db.session.scalars(select(SurveyResponse.id))) - before
        db.session.execute(update(SurveyResponse).where(SurveyResponse.id == spam).values(status=SPAM))
        db.session.commit()
    return response_id


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('browser')) / 'browser.db'}"
    upgrade(url)
    # Many checks open the pages where a code is typed: more tries than a parent gets.
    app = make_test_app(
        url, CODE_ATTEMPTS_PER_HOUR=10_000, CODE_ATTEMPTS_PER_SOURCE=10_000, CODE_TRIES_PER_CODE=10_000
    )
    response_id = _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}", app, response_id)
    server.shutdown()
    db.engine(app).dispose()


@pytest.fixture(scope="session")
def live_server(site: Site) -> str:
    return site.url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = find_chromium()
    if chromium is None:
        unavailable("Chromium is not installed (apt package chromium) and could not be installed here")
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def sessions(browser: Browser, site: Site) -> Sessions:
    return Sessions(browser, site)


@dataclass
class Opened:
    """A page in one state, with the network responses of its latest document."""

    page: Page
    responses: list[Response] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._record)

    @property
    def status(self) -> int:
        return self.responses[0].status

    def _record(self, response: Response) -> None:
        request = response.request
        if request.resource_type == "document" and request.frame == self.page.main_frame:
            self.responses.clear()
        self.responses.append(response)


@contextmanager
def _opened(
    browser: Browser, sessions: Sessions, site: Site, state: State, **options: Any
) -> Iterator[Opened]:
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(storage_state=sessions.storage_state(state.session), **options)
    try:
        opened = Opened(context.new_page())
        state.reach(opened.page, site)
        assert opened.status == state.status, f"{state.name}: {opened.page.url} gave {opened.status}"
        yield opened
    finally:
        context.close()


OpenState = Callable[..., AbstractContextManager[Opened]]


@pytest.fixture
def open_state(browser: Browser, sessions: Sessions, site: Site) -> OpenState:
    """``with open_state(state, viewport=...) as opened:`` a new browser context with the state's
    prepared session, on the page the state's ``reach`` leads to."""
    return lambda state, **options: _opened(browser, sessions, site, state, **options)


@pytest.fixture(scope="session")
def state_page(browser: Browser, sessions: Sessions, site: Site, state: State) -> Iterator[Opened]:
    """The page of ``state``, reached once and shared by every check of that state (pytest runs them
    one after another), each setting the window size it needs and none navigating away."""
    with _opened(browser, sessions, site, state) as opened:
        yield opened
