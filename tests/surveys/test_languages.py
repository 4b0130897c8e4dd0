"""Which language a family's page is in: ``?lang=``, remembered; Accept-Language; staff pages English."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.i18n import LANGUAGES
from forum_app.surveys.definitions import load_packaged
from tests.factories import SURVEY_URL, make_forum, make_survey, one, page, parsed, question_url, start


def _html(client: FlaskClient, url: str, **headers: str) -> tuple[str, str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    html = one(parsed(response), "html")
    return str(html.get("lang")), str(html.get("dir"))


def test_a_page_is_english_unless_asked_otherwise(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    assert _html(client, SURVEY_URL) == ("en-GB", "ltr")


def test_lang_in_the_address_switches_and_is_remembered(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    assert _html(client, f"{SURVEY_URL}?lang=ur") == ("ur", "rtl")
    assert _html(client, SURVEY_URL) == ("ur", "rtl")
    assert _html(client, f"{SURVEY_URL}?lang=pl") == ("pl", "ltr")
    assert _html(client, f"{SURVEY_URL}?lang=en") == ("en-GB", "ltr")
    assert _html(client, f"{SURVEY_URL}?lang=xx") == ("en-GB", "ltr")  # an unknown code changes nothing


def test_the_browser_language_is_honoured(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    assert _html(client, SURVEY_URL, **{"Accept-Language": "ar;q=0.9, en;q=0.5"}) == ("ar", "rtl")
    assert _html(client, SURVEY_URL, **{"Accept-Language": "de, fr"}) == ("en-GB", "ltr")


def test_every_language_says_how_it_is_written() -> None:
    assert {code for code, language in LANGUAGES.items() if language.direction == "rtl"} == {"ar", "ur"}
    assert not LANGUAGES["en"].draft and all(LANGUAGES[code].draft for code in ("ar", "bn", "pl", "ro", "ur"))


def test_staff_pages_stay_in_english(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    page(client, f"{SURVEY_URL}?lang=ar")
    assert _html(client, "/staff/login?lang=ar") == ("en-GB", "ltr")


def _translated_survey(db_session: Session) -> None:
    document = load_packaged()
    document["translations"] = {
        "pl": {
            "status": "draft",
            "strings": {
                "title": "Doświadczenia Twojej rodziny",
                "age_band.title": "Ile lat ma Twoje dziecko?",
            },
        }
    }
    make_survey(db_session, make_forum(db_session), document)


def test_a_translated_survey_shows_its_words_and_offers_its_languages(
    client: FlaskClient, db_session: Session
) -> None:
    _translated_survey(db_session)
    soup = page(client, f"{SURVEY_URL}?lang=pl")
    assert one(soup, "h1").get_text(strip=True) == "Doświadczenia Twojej rodziny"
    offered = {link.get("hreflang"): link.get_text(strip=True) for link in soup.select("nav.languages a")}
    assert offered == {"en": "English"}
    assert one(soup, "nav.languages [aria-current]").get_text(strip=True) == "Polski"
    english = page(client, f"{SURVEY_URL}?lang=en")
    assert one(english, "h1").get_text(strip=True) == "Your family's experience of SEND services"


def test_an_untranslated_string_is_shown_in_english(client: FlaskClient, db_session: Session) -> None:
    _translated_survey(db_session)
    start(client)
    question = page(client, f"{question_url('age_band')}?lang=pl")
    assert "Ile lat ma Twoje dziecko?" in question.get_text(" ")
    setting = page(client, question_url("setting"))
    assert "Where does your child go to school or nursery?" in setting.get_text(" ")
