"""Get help now, the layered privacy notice and each forum's colour, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.surveys.models import SURVEY_CLOSED
from forum_app.surveys.services import set_survey_status
from forum_app.surveys.support import (
    DEFAULT_ADVICE_CONTACTS,
    DEFAULT_BRAND_COLOUR,
    DEFAULT_RETENTION_MONTHS,
    URGENT_CONTACTS,
    contrast_ratio,
    forum_support,
    relative_luminance,
    safe_brand_colour,
)
from tests.factories import (
    SURVEY_URL,
    answer_all,
    make_forum,
    make_survey,
    one,
    page,
    question_url,
    squashed_text,
    start,
    submit,
)

GENERIC_HELP = "/help"
FORUM_HELP = "/s/demo/help"
THEME = "/s/demo/theme.css"
PRIVACY = f"{SURVEY_URL}privacy"
# What every "Get help now" list must offer a parent in England, whatever the forum configures.
URGENT_TEXTS = ("999", "NHS 111", "Samaritans", "116 123", "Shout", "85258")
DEFAULT_ADVICE_TEXTS = (
    "local SEND Information, Advice and Support Service (SENDIASS)",
    "IPSEA",
    "0808 808 3555",
)
LOCAL_CONTACT = {
    "name": "Demoshire SENDIASS",
    "detail": "Call 01234 567 890",
    "description": "Free advice for families in Demoshire.",
    "href": "tel:01234567890",
}


def _setup(db_session: Session, **settings: Any) -> Forum:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    if settings:
        forum.settings = dict(settings)
        db_session.commit()
    return forum


def _help_link(soup: BeautifulSoup) -> Tag:
    links = [a for a in soup.find_all("a") if a.get_text(strip=True) == "Get help now"]
    assert len(links) == 1, f"expected one 'Get help now' link, found {len(links)}"
    return links[0]


def _assert_help_link(soup: BeautifulSoup, href: str) -> None:
    link = _help_link(soup)
    assert link["href"] == href
    assert link.find_parent("header") is not None, "the help link is not in the page header"
    # Early in the tab order: the first link after "Skip to main content".
    links = soup.find_all("a")
    assert "skip-link" in (links[0].get("class") or []) and links[1] is link


def _contact_lists(soup: BeautifulSoup | Tag) -> str:
    lists = soup.select("[data-help-contacts]")
    assert lists, "no help contacts on the page"
    return " ".join(squashed_text(found) for found in lists)


# --- the "Get help now" link on every kind of page ---------------------------------------------


def test_every_public_page_type_links_to_the_right_help_page(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    _assert_help_link(page(client, "/"), GENERIC_HELP)
    _assert_help_link(page(client, "/staff/login"), GENERIC_HELP)
    _assert_help_link(page(client, "/no/such/page", status=404), GENERIC_HELP)
    _assert_help_link(page(client, "/s/no-such-forum/send-experience/", status=404), GENERIC_HELP)
    _assert_help_link(page(client, GENERIC_HELP), GENERIC_HELP)
    _assert_help_link(page(client, SURVEY_URL), FORUM_HELP)
    _assert_help_link(page(client, PRIVACY), FORUM_HELP)
    _assert_help_link(page(client, FORUM_HELP), FORUM_HELP)
    start(client)
    _assert_help_link(page(client, question_url("age_band")), FORUM_HELP)
    answer_all(client)
    _assert_help_link(page(client, f"{SURVEY_URL}check"), FORUM_HELP)
    assert submit(client).status_code == 302
    _assert_help_link(page(client, f"{SURVEY_URL}done"), FORUM_HELP)


def test_help_link_is_visible_in_the_header_on_closed_survey_pages(
    client: FlaskClient, db_session: Session
) -> None:
    forum = _setup(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    set_survey_status(db_session, survey_id, SURVEY_CLOSED)
    closed = page(client, SURVEY_URL, status=410)
    _assert_help_link(closed, GENERIC_HELP)
    assert "has closed" in squashed_text(closed)


# --- the help pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [GENERIC_HELP, FORUM_HELP])
def test_help_pages_list_the_default_contacts_for_england(
    client: FlaskClient, db_session: Session, url: str
) -> None:
    _setup(db_session)
    soup = page(client, url)
    assert one(soup, "h1").get_text(strip=True) == "Get help now"
    contacts = _contact_lists(soup)
    for expected in (*URGENT_TEXTS, *DEFAULT_ADVICE_TEXTS):
        assert expected in contacts, expected
    # On a phone, a tap calls or texts.
    for href in ("tel:999", "tel:111", "tel:116123", "sms:85258", "tel:08088083555"):
        assert soup.find("a", href=href) is not None, href
    assert "cannot contact you" in squashed_text(soup)


def test_forum_help_page_shows_the_forums_own_contacts(client: FlaskClient, db_session: Session) -> None:
    _setup(
        db_session,
        help_text="Our helpline is open on weekdays.",
        help_contacts=[
            LOCAL_CONTACT,
            {"name": "", "detail": "no name, so left out"},
            "not a contact",
            {"name": "Bad link", "detail": "Click here", "href": "javascript:alert(1)"},
        ],
        contact_email="hello@demo-forum.example",
    )
    soup = page(client, FORUM_HELP)
    text = squashed_text(soup)
    contacts = _contact_lists(soup)
    assert "Our helpline is open on weekdays." in text
    assert "Demoshire SENDIASS" in contacts and "Free advice for families in Demoshire." in contacts
    assert one(soup, 'a[href="tel:01234567890"]').get_text(strip=True) == "Call 01234 567 890"
    assert "no name, so left out" not in contacts
    assert "Bad link" in contacts and soup.find("a", href="javascript:alert(1)") is None
    assert "IPSEA" not in contacts  # the forum's list replaces the default advice ...
    for expected in URGENT_TEXTS:  # ... but never the urgent contacts
        assert expected in contacts, expected
    assert soup.find("a", href="mailto:hello@demo-forum.example") is not None
    # Another forum's visitors (and the generic page) still get the defaults.
    generic = _contact_lists(page(client, GENERIC_HELP))
    assert "Demoshire SENDIASS" not in generic and "IPSEA" in generic


def test_unknown_forum_help_page_is_404(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    assert "Page not found" in squashed_text(page(client, "/s/no-such-forum/help", status=404))


# --- confirmation page -------------------------------------------------------------------------


@pytest.mark.parametrize("configured", [False, True])
def test_confirmation_always_shows_help_contacts(
    client: FlaskClient, db_session: Session, configured: bool
) -> None:
    _setup(db_session, **({"help_contacts": [LOCAL_CONTACT]} if configured else {}))
    answer_all(client)
    assert submit(client).status_code == 302
    soup = page(client, f"{SURVEY_URL}done")
    section = soup.find("section", attrs={"aria-labelledby": "get-help-now"})
    assert section is not None and one(section, "h2").get_text(strip=True) == "Get help now"
    contacts = _contact_lists(section)
    for expected in URGENT_TEXTS:
        assert expected in contacts, expected
    if configured:
        assert "Demoshire SENDIASS" in contacts and "IPSEA" not in contacts
    else:
        assert all(expected in contacts for expected in DEFAULT_ADVICE_TEXTS)
    assert "cannot contact you" in squashed_text(section)


# --- the forum's colour --------------------------------------------------------------------------


def _theme(client: FlaskClient, url: str = THEME) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.cache_control.public and response.cache_control.max_age == 3600
    return response.get_data(as_text=True)


def test_theme_css_defaults_to_the_house_colour(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    assert _theme(client) == ":root { --brand: #1d4f91; }\n"


@pytest.mark.parametrize(
    ("configured", "served"),
    [
        ("#0B0C0C", "#0b0c0c"),  # valid and dark: used, in lower case
        ("#6a1b9a", "#6a1b9a"),
        ("#ffdd00", DEFAULT_BRAND_COLOUR),  # yellow: white text on it is unreadable
        ("#777777", DEFAULT_BRAND_COLOUR),  # 4.48:1, just under AA
        ("red", DEFAULT_BRAND_COLOUR),
        ("#fff", DEFAULT_BRAND_COLOUR),
        ("#1d4f91; } body { display: none", DEFAULT_BRAND_COLOUR),
        (12, DEFAULT_BRAND_COLOUR),
    ],
)
def test_theme_css_serves_a_valid_colour_and_falls_back_otherwise(
    client: FlaskClient, db_session: Session, configured: object, served: str
) -> None:
    _setup(db_session, brand_colour=configured)
    assert _theme(client) == f":root {{ --brand: {served}; }}\n"


def test_theme_css_of_unknown_forum_is_a_plain_404(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session)
    response = client.get("/s/no-such-forum/theme.css")
    assert response.status_code == 404
    assert response.mimetype == "text/html" and "--brand" not in response.get_data(as_text=True)


def test_survey_pages_link_the_theme_after_the_house_stylesheet_and_use_no_inline_styles(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    for url in (SURVEY_URL, PRIVACY, FORUM_HELP):
        soup = page(client, url)
        sheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
        assert sheets == ["/static/app.css", THEME], url
        assert soup.find("style") is None and soup.find(style=True) is None, url
    generic = page(client, GENERIC_HELP)
    assert [link["href"] for link in generic.find_all("link", rel="stylesheet")] == ["/static/app.css"]


# --- contrast and settings, as units --------------------------------------------------------------


def test_relative_luminance_and_contrast_of_known_pairs() -> None:
    assert relative_luminance("#000000") == 0 and relative_luminance("#ffffff") == 1
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#ffffff", "#1d4f91") == contrast_ratio("#1d4f91", "#ffffff")
    assert contrast_ratio("#ffffff", "#1d4f91") >= 4.5  # white on the house blue passes AA
    assert contrast_ratio("#ffffff", "#ffdd00") < 4.5  # white on GOV.UK focus yellow fails
    assert contrast_ratio("#ffffff", "#767676") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert contrast_ratio("#ffffff", "#777777") == pytest.approx(4.48, abs=0.01)
    with pytest.raises(ValueError):
        relative_luminance("#12345")


def test_safe_brand_colour() -> None:
    assert safe_brand_colour("#767676") == "#767676"
    assert safe_brand_colour(" #1D4F91 ") == "#1d4f91"
    for bad in ("#777777", "#ffdd00", "#ffffff", "1d4f91", "#1d4f9g", "", None, ["#000000"]):
        assert safe_brand_colour(bad) == DEFAULT_BRAND_COLOUR, bad


def test_forum_support_defaults_and_checks() -> None:
    defaults = forum_support(None)
    assert defaults.contacts == URGENT_CONTACTS + DEFAULT_ADVICE_CONTACTS
    assert defaults.retention_months == DEFAULT_RETENTION_MONTHS == 24 and defaults.contact_email is None
    broken = Forum(
        slug="x",
        name="X",
        local_area="",
        settings={
            "retention_months": True,
            "contact_email": "not an email",
            "help_contacts": "not a list",
            "help_text": 42,
        },
    )
    checked = forum_support(broken)
    assert checked.retention_months == 24 and checked.contact_email is None
    assert checked.advice_contacts == DEFAULT_ADVICE_CONTACTS and checked.help_text == defaults.help_text
    for months in (0, 121, "12", 12.5):
        assert (
            forum_support(Forum(slug="x", name="X", settings={"retention_months": months})).retention_months
            == 24
        )
    configured = forum_support(
        Forum(slug="x", name="X", settings={"retention_months": 12, "contact_email": " a@b.example "})
    )
    assert configured.retention_months == 12 and configured.contact_email == "a@b.example"


# --- the layered privacy notice -----------------------------------------------------------------


def test_start_page_summarises_privacy_and_links_the_full_notice(
    client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    soup = page(client, SURVEY_URL)
    summary = soup.select_one("[data-privacy-summary]")
    assert summary is not None
    text = squashed_text(summary)
    for point in (
        "Who we are",
        "What we collect",
        "Who sees what",
        "How long we keep them",
        "change your mind",
    ):
        assert point in text, point
    assert "Demo Parent Carer Forum" in text and "IP address" in text and "24 months" in text
    assert "receipt code" in text and "Inspectors" in text
    link = soup.find("a", href=PRIVACY)
    assert link is not None and "privacy notice" in link.get_text()


def test_privacy_page_explains_each_point_in_plain_english(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _setup(db_session)
    soup = page(client, PRIVACY)
    assert one(soup, "h1").get_text(strip=True) == "How we use your answers"
    text = squashed_text(soup)
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert headings == [
        "Who we are",
        "What we collect",
        "Cookies",
        "Who sees your answers",
        "Why the law lets us use your answers",
        "How long we keep your answers",
        "How to take your answers back",
        "Your rights and how to complain",
    ]
    for expected in (
        "Demo Parent Carer Forum",
        "Demoshire",
        "We rely on ‘legitimate interests’ (Article 6(1)(f)). This is because",
        "Article 6(1)(e)",
        "‘special category’",
        "Article 9",
        "We do not record your IP address",
        "We use one cookie. It keeps your place in the survey",
        "We do not use tracking cookies",
        "We keep your answers for 24 months",
        "we take them out. We do this before anyone outside the forum sees your words",
        "receipt code",
        "ico.org.uk",
    ):
        assert expected in text, expected
    assert soup.find("a", href=f"{SURVEY_URL}withdraw") is not None
    assert soup.find("a", href=SURVEY_URL) is not None
    assert soup.find("a", href=lambda href: bool(href and href.startswith("mailto:"))) is None


def test_privacy_page_uses_the_forums_settings(client: FlaskClient, db_session: Session) -> None:
    _setup(db_session, retention_months=12, contact_email="privacy@demo-forum.example")
    text = squashed_text(page(client, PRIVACY))
    assert "We keep your answers for 12 months" in text and "24 months" not in text
    assert "privacy@demo-forum.example" in text
    assert "12 months" in squashed_text(page(client, SURVEY_URL).select_one("[data-privacy-summary]"))


def test_privacy_page_stays_for_a_closed_survey_and_404s_for_an_unknown_one(
    client: FlaskClient, db_session: Session
) -> None:
    forum = _setup(db_session)
    assert "Survey not found" in squashed_text(page(client, "/s/demo/no-such-survey/privacy", status=404))
    set_survey_status(db_session, make_survey(db_session, forum).survey_id, SURVEY_CLOSED)
    assert one(page(client, PRIVACY), "h1").get_text(strip=True) == "How we use your answers"
