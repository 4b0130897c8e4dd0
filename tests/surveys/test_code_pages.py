"""The start page puts its button first; the pages showing a code offer to copy it, with script only."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    answer_all,
    attribute,
    make_forum,
    make_survey,
    one,
    page,
    post_form,
    question_url,
    start,
    submit,
)


def _position(soup: BeautifulSoup, text: str) -> int:
    found = str(soup).find(text)
    assert found >= 0, text
    return found


def test_the_start_button_comes_before_the_privacy_summary_and_the_code_links(
    client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    soup = page(client, SURVEY_URL)
    button = _position(soup, "Start now")
    assert _position(soup, "It takes about") < button
    assert button < _position(soup, "What we will do with your answers")
    assert button < _position(soup, "data-privacy-summary") < _position(soup, "Been here before?")
    assert soup.find("a", string="Continue with a code") is not None


def _copy_place(soup: BeautifulSoup, code_selector: str) -> None:
    """The place for the button is hidden and empty: without script there is no button."""
    code = one(soup, code_selector)
    place = one(soup, "[data-copy-target]")
    assert attribute(place, "data-copy-target") == attribute(code, "id")
    assert place.has_attr("hidden") and place.find("button") is None
    assert attribute(place, "data-copy-label") == "Copy code"
    assert attribute(place, "data-copy-done") == "Code copied"
    assert one(place, "[data-copy-status]").get("aria-live") == "polite"
    scripts = [attribute(script, "src") for script in soup.find_all("script")]
    assert "/static/copy.js" in scripts


def test_the_saved_page_offers_to_copy_the_code_and_still_says_write_it_down(
    client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    start(client)
    key, data = JOURNEY[0]
    post_form(client, question_url(key), {**data, "action": "save"})
    soup = page(client, f"{SURVEY_URL}saved")
    _copy_place(soup, "strong.resume-code")
    assert "Write these four words down" in soup.get_text()
    again = page(client, f"{SURVEY_URL}saved")  # the code is gone, and so is the place to copy it
    assert again.select_one("[data-copy-target]") is None
    assert all("copy.js" not in str(script) for script in again.find_all("script"))


def test_the_confirmation_page_offers_to_copy_the_receipt_code(
    client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    answer_all(client)
    submit(client)
    soup = page(client, f"{SURVEY_URL}done")
    _copy_place(soup, "strong.receipt-code")
    assert "Write this code down" in soup.get_text()


def test_the_copy_script_is_served_and_uses_the_clipboard(app: Flask, client: FlaskClient) -> None:
    response = client.get("/static/copy.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    response.close()
    assert "navigator.clipboard.writeText" in script and "data-copy-status" in script
