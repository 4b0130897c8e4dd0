"""The coder page with its agreement tables filled and a model deleted after a withdrawal: WCAG 2.2 AA
(axe) on a desktop and a 320 px phone, no sideways scrolling of the page and no clipped text, targets
of at least 24 px.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update
from werkzeug.serving import make_server

from forum_app.coding.learning import REMOVED_MESSAGE
from forum_app.coding.models import CODED, SUGGESTED, CodedAnswer, Coding, ForumModel
from forum_app.coding.retraining import REMOVED
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from tests import factories
from tests.browser.checks import axe_violations, clipped_text, describe_violations, small_targets
from tests.browser.site import PHONE, signed_in_context
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser

FORUM = "learning"
LEAD = "learning.lead@example.org"


@pytest.fixture(scope="module")
def coder_page(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Page]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('learning')) / 'learning.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        session = db.session
        seed_demo(session, responses=30, seed=5, forum_slug=FORUM)
        factories.make_staff(session, LEAD, forum_slug=FORUM, role="lead")
        ids = list(session.scalars(select(CodedAnswer.answer_id).order_by(CodedAnswer.answer_id)))
        session.execute(update(Coding).where(Coding.status == SUGGESTED).values(status="accepted"))
        session.execute(update(CodedAnswer).values(status=CODED))
        half = ids[len(ids) // 2 :]
        session.execute(
            update(CodedAnswer).where(CodedAnswer.answer_id.in_(half)).values(model_label="forum model 1")
        )
        forum_id = session.scalars(select(CodedAnswer.forum_id)).first()
        session.add(ForumModel(forum_id=forum_id, status=REMOVED, message=REMOVED_MESSAGE))
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = f"http://127.0.0.1:{server.server_port}"
    context = signed_in_context(browser, site, LEAD)
    page = context.new_page()
    page.goto(f"{site}/staff/coder")
    yield page
    context.close()
    server.shutdown()
    db.engine(app).dispose()


def test_the_tables_are_there(coder_page: Page) -> None:
    assert coder_page.locator(".coder-agreement").count() == 2
    assert "because a family withdrew" in coder_page.locator(".notice").inner_text()


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_violation(coder_page: Page, width: int) -> None:
    coder_page.set_viewport_size({"width": width, "height": 800})
    violations = axe_violations(coder_page)
    assert not violations, describe_violations(violations)


def test_no_sideways_scrolling_clipped_text_or_small_targets_at_320px(coder_page: Page) -> None:
    coder_page.set_viewport_size(PHONE)
    assert coder_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert clipped_text(coder_page) == []
    assert small_targets(coder_page) == []
