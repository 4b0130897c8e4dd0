"""Which language a family's page is in: ``?lang=``, remembered; Accept-Language; only the survey's own
languages on its pages; staff pages in English."""

from __future__ import annotations

from typing import Any

from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import ngettext
from sqlalchemy.orm import Session

from forum_app.config import PROJECT_ROOT
from forum_app.i18n import LANGUAGES, number
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.definitions.translations import with_translation
from tests.factories import SURVEY_URL, make_forum, make_survey, one, page, parsed, question_url, start

OTHER_URL = "/s/demo/other/"
TRANSLATIONS = PROJECT_ROOT / "forum_app" / "translations"


def _english_only() -> dict[str, Any]:
    return {name: value for name, value in load_packaged().items() if name != "translations"}


def _html(client: FlaskClient, url: str, **headers: str) -> tuple[str, str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    html = one(parsed(response), "html")
    return str(html.get("lang")), str(html.get("dir"))


def _surveys(db_session: Session) -> None:
    """The default survey in Polish, Urdu and Arabic (a title each; Polish a question too), and an
    English-only survey at OTHER_URL."""
    forum = make_forum(db_session)
    document = _english_only()
    for code, title in (("ur", "آپ کے خاندان کا تجربہ"), ("ar", "تجربة عائلتك")):
        document = with_translation(document, code, {"title": title}, "draft")
    polish = {"title": "Doświadczenia Twojej rodziny", "age_band.title": "Ile lat ma Twoje dziecko?"}
    make_survey(db_session, forum, with_translation(document, "pl", polish, "draft"))
    make_survey(db_session, forum, {**_english_only(), "slug": "other"})


def test_a_page_is_english_unless_asked_otherwise(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    assert _html(client, SURVEY_URL) == ("en-GB", "ltr")


def test_lang_in_the_address_switches_and_is_remembered(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    assert _html(client, f"{SURVEY_URL}?lang=ur") == ("ur", "rtl")
    assert _html(client, SURVEY_URL) == ("ur", "rtl")
    assert _html(client, f"{SURVEY_URL}?lang=pl") == ("pl", "ltr")
    assert _html(client, f"{SURVEY_URL}?lang=en") == ("en-GB", "ltr")
    assert _html(client, f"{SURVEY_URL}?lang=xx") == ("en-GB", "ltr")  # an unknown code changes nothing


def test_the_browser_language_is_honoured(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    assert _html(client, SURVEY_URL, **{"Accept-Language": "ar;q=0.9, en;q=0.5"}) == ("ar", "rtl")
    assert _html(client, SURVEY_URL, **{"Accept-Language": "de, fr"}) == ("en-GB", "ltr")


def test_a_survey_not_translated_is_wholly_in_english(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    assert _html(client, f"{OTHER_URL}?lang=ur") == ("en-GB", "ltr")
    assert _html(client, OTHER_URL, **{"Accept-Language": "pl"}) == ("en-GB", "ltr")
    assert _html(client, SURVEY_URL) == ("ur", "rtl")  # the family's choice is kept for the next survey


def test_every_language_says_how_it_is_written() -> None:
    assert {code for code, language in LANGUAGES.items() if language.direction == "rtl"} == {"ar", "ur"}
    assert not LANGUAGES["en"].draft and all(LANGUAGES[code].draft for code in ("ar", "bn", "pl", "ro", "ur"))


def test_staff_pages_stay_in_english(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    page(client, f"{SURVEY_URL}?lang=ar")
    assert _html(client, "/staff/login?lang=ar") == ("en-GB", "ltr")


def test_a_translated_survey_shows_its_words_and_offers_its_languages(
    client: FlaskClient, db_session: Session
) -> None:
    _surveys(db_session)
    soup = page(client, f"{SURVEY_URL}?lang=pl")
    assert one(soup, "h1").get_text(strip=True) == "Doświadczenia Twojej rodziny"
    offered = {link.get("hreflang"): link.get_text(strip=True) for link in soup.select("nav.languages a")}
    assert offered == {"en": "English", "ar": "العربية", "ur": "اردو"}
    assert one(soup, "nav.languages [aria-current]").get_text(strip=True) == "Polski"
    english = page(client, f"{SURVEY_URL}?lang=en")
    assert one(english, "h1").get_text(strip=True) == "Your family's experience of SEND services"
    assert not page(client, OTHER_URL).select("nav.languages")  # English only: nothing to choose


def test_an_untranslated_string_is_shown_in_english(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    start(client)
    question = page(client, f"{question_url('age_band')}?lang=pl")
    assert "Ile lat ma Twoje dziecko?" in question.get_text(" ")
    setting = page(client, question_url("setting"))
    assert "Where does your child go to school or nursery?" in setting.get_text(" ")


def test_the_runner_speaks_the_language_of_the_page(client: FlaskClient, db_session: Session) -> None:
    _surveys(db_session)
    urdu = Translations.load(str(TRANSLATIONS), ["ur"])
    soup = page(client, f"{SURVEY_URL}?lang=ur")
    skip = one(soup, ".skip-link").get_text(strip=True)
    assert skip == urdu.gettext("Skip to main content") and skip != "Skip to main content"
    english = page(client, f"{SURVEY_URL}?lang=en")
    assert one(english, ".skip-link").get_text(strip=True) == "Skip to main content"


def test_words_outside_a_request_are_english(app: Flask) -> None:
    """A command or a pack being built has no page: its words are English, never an error."""
    with app.app_context():
        assert ngettext("%(num)d month", "%(num)d months", 3) == "3 months"
        assert number(5000) == "5,000"
