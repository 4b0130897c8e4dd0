"""A coder selects words in an answer, presses p, chooses a theme and presses Enter: the words are coded
as evidence for it, shown under the theme and stored; the page stays free of axe violations.

The answers are a forum of their own on a live server of their own, so the shared site's pages stay
as the other browser tests expect them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import select
from werkzeug.serving import make_server

from forum_app.coding.decisions import state_of
from forum_app.coding.models import CodedAnswer, CodedPhrase
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from forum_app.surveys.models import Answer
from tests import factories
from tests.browser.checks import axe_violations, describe_violations, small_targets, tab_to
from tests.browser.site import signed_in_context
from tests.conftest import make_test_app

pytestmark = pytest.mark.browser

FORUM = "phrases"
CODER = "phrase.coder@example.org"
THEME = "mental_health"
# Select the first three words of the answer's first paragraph, as a mouse or Shift+arrows would.
SELECT_WORDS = """() => {
  const node = document.querySelector('.coding-answer__text p').firstChild;
  const words = node.textContent.split(' ');
  const end = words.slice(0, 3).join(' ').length;
  const range = document.createRange();
  range.setStart(node, 0);
  range.setEnd(node, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.activeElement.blur();
  return selection.toString();
}"""


@dataclass(frozen=True)
class PhraseSite:
    url: str
    app: Flask


@pytest.fixture(scope="module")
def phrase_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhraseSite]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('phrases')) / 'phrases.db'}"
    upgrade(url)
    app = make_test_app(url)
    with app.app_context():
        seed_demo(db.session, responses=6, seed=5, forum_slug=FORUM)
        factories.make_staff(db.session, CODER, forum_slug=FORUM, role="coder")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield PhraseSite(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    db.engine(app).dispose()


def test_a_coder_codes_selected_words_with_the_keyboard(browser: Browser, phrase_site: PhraseSite) -> None:
    context = signed_in_context(browser, phrase_site.url, CODER)
    page = context.new_page()
    page.goto(f"{phrase_site.url}/staff/coding/next")
    public_id = page.url.split("?")[0].split("#")[0].rsplit("/", 1)[1]
    selected = str(page.evaluate(SELECT_WORDS)).strip()
    assert selected

    page.keyboard.press("p")
    assert page.locator("#phrase-words").input_value() == selected
    assert page.evaluate("document.activeElement.id") == "phrase-theme"
    page.locator("#phrase-theme").select_option(THEME)
    assert page.evaluate("document.activeElement.id") == "phrase-theme"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "#phrases" in page.url
    evidence = page.locator(f"#theme-{THEME} ~ [data-phrase-evidence]")
    assert f"Your phrase: “{selected}”" in evidence.inner_text()
    assert page.locator(f"#theme-{THEME}").is_checked()
    assert "as evidence" in page.locator("main").inner_text()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not small_targets(page)

    with phrase_site.app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.public_id == public_id)).one()
        phrase = db.session.scalars(select(CodedPhrase).where(CodedPhrase.answer_id == answer.id)).one()
        assert (phrase.text, phrase.theme_id) == (selected, THEME)
        assert str(answer.value)[phrase.start_offset : phrase.end_offset] == selected
        coded = db.session.get_one(CodedAnswer, answer.id)
        assert THEME in state_of(db.session, coded).themes
    context.close()


def test_without_javascript_copied_words_are_coded_with_tab_and_enter(
    browser: Browser, phrase_site: PhraseSite
) -> None:
    context = signed_in_context(browser, phrase_site.url, CODER, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{phrase_site.url}/staff/coding/next")
    text = page.locator(".coding-answer__text p").first.inner_text()
    words = " ".join(text.split()[-3:])
    tab_to(page, lambda el: el["name"].startswith("Words from the answer"), "the words box")
    page.keyboard.type(words)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "phrase-theme"
    page.locator("#phrase-theme").select_option(THEME)
    tab_to(page, lambda el: el["name"] == "Code these words", "the button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"Your phrase: “{words}”" in page.locator(f"#theme-{THEME} ~ [data-phrase-evidence]").inner_text()

    # Words that are not in the answer: the page says why, and keeps what was typed.
    page.locator("#phrase-words").fill("words nobody wrote")
    with page.expect_navigation():
        page.locator("[data-phrase-save]").click()
    assert page.title().startswith("Error:")
    assert "not in the answer" in page.locator("[data-error-summary]").inner_text()
    assert page.locator("#phrase-words").input_value() == "words nobody wrote"
    context.close()
