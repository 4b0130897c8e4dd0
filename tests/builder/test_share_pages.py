"""The short link a poster prints, the staff share page, and the poster itself."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.builder.drafts import create_survey
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import SURVEY_CLOSED, Survey
from tests.factories import (
    SURVEY_URL,
    attribute,
    audit_actions,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    pdf_structure,
    signed_in,
    squashed_text,
)

LEAD, CODER, VIEWER = "lead@demo.example", "coder@demo.example", "viewer@demo.example"
OTHER_LEAD = "lead@other.example"
SHARE = "/staff/surveys/send-experience/share"
POSTER = "/staff/surveys/send-experience/poster.pdf"
POSTER_PAGE = "/staff/surveys/send-experience/poster"
TITLE = "Your family's experience of SEND services"
LINK = re.compile(r"http://localhost/j/([A-Z2-9]{6})")


@pytest.fixture
def forum(db_session: Session) -> int:
    """The demo forum with its published survey and a member of each role; another forum with the same
    survey and its lead."""
    demo = make_forum(db_session)
    make_survey(db_session, demo)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    other = make_forum(db_session, "other", "Other Parent Carer Forum")
    make_survey(db_session, other, {**load_packaged(), "slug": "others-only"})
    make_staff(db_session, OTHER_LEAD, "other")
    return demo.id


def _survey(session: Session, slug: str = "send-experience") -> Survey:
    session.expire_all()
    return session.scalars(select(Survey).where(Survey.slug == slug)).one()


def _code(session: Session) -> str:
    code = _survey(session).short_code
    assert code is not None
    return code


def _shared_link(client: FlaskClient) -> str:
    """The short link the share page shows."""
    return squashed_text(one(page(client, SHARE), ".share-link a"))


# --- the short link --------------------------------------------------------------------------------


def test_the_short_link_goes_to_the_survey_start_page(
    app: Flask, client: FlaskClient, db_session: Session, forum: int
) -> None:
    link = _shared_link(signed_in(app, VIEWER))
    code = _code(db_session)
    assert link == f"http://localhost/j/{code}"
    for typed in (code, code.lower(), code.capitalize()):
        response = client.get(f"/j/{typed}")
        assert response.status_code == 302, typed
        assert response.location == f"http://localhost{SURVEY_URL}"
    assert client.get(f"/j/{code}", follow_redirects=True).status_code == 200


def test_a_closed_surveys_link_still_leads_to_its_closed_page(
    app: Flask, client: FlaskClient, db_session: Session, forum: int
) -> None:
    _shared_link(signed_in(app, LEAD))
    survey = _survey(db_session)
    survey.status = SURVEY_CLOSED
    db_session.commit()
    response = client.get(f"/j/{_code(db_session)}", follow_redirects=True)
    assert response.status_code == 410


@pytest.mark.parametrize("code", ["ABCDEF", "abc", "O0O0O0", "X" * 300, "%00"])
def test_an_unknown_code_is_the_usual_page_not_found(client: FlaskClient, forum: int, code: str) -> None:
    soup = page(client, f"/j/{code}", 404)
    assert squashed_text(one(soup, "h1")) == "Page not found"


def test_a_drafts_code_is_not_found(client: FlaskClient, db_session: Session, forum: int) -> None:
    draft = create_survey(db_session, forum, {**load_packaged(), "slug": "a-draft", "title": "A draft"})
    draft.short_code = "DRAFT2"
    db_session.commit()
    assert client.get("/j/DRAFT2").status_code == 404


def test_the_short_link_needs_no_sign_in_and_writes_nothing(
    app: Flask, client: FlaskClient, db_session: Session, forum: int
) -> None:
    _shared_link(signed_in(app, LEAD))
    before = audit_actions(db_session)
    assert client.get(f"/j/{_code(db_session)}").status_code == 302
    assert audit_actions(db_session) == before


# --- the share page -------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [LEAD, CODER, VIEWER])
def test_every_member_sees_the_link_qr_code_text_and_poster(
    app: Flask, db_session: Session, forum: int, email: str
) -> None:
    soup = page(signed_in(app, email), SHARE)
    assert squashed_text(one(soup, "h1")) == TITLE
    assert squashed_text(soup.title) == f"Share: {TITLE}"
    link = squashed_text(one(soup, ".share-link a"))
    assert LINK.fullmatch(link) and attribute(one(soup, ".share-link a"), "href") == link
    svg = one(soup, ".share-qr svg")
    assert attribute(svg, "role") == "img" and attribute(svg, "aria-label") == f"QR code for {link}"
    snippet = one(soup, "textarea#snippet")
    assert snippet.has_attr("readonly") and attribute(snippet, "aria-describedby") == "snippet-hint"
    text = snippet.get_text()
    assert text.endswith(link) and "anonymous" in text and len(text) <= 500
    assert squashed_text(one(soup, "#snippet-hint")).startswith(f"{len(text)} characters")
    assert squashed_text(one(soup, "label[for=snippet]")) == "Copy this text"
    hrefs = [attribute(a, "href") for a in soup.select("main a")]
    assert POSTER in hrefs and POSTER_PAGE in hrefs


def test_the_page_shows_segnos_qr_code_of_the_short_link(app: Flask, forum: int) -> None:
    soup = page(signed_in(app, LEAD), SHARE)
    link = squashed_text(one(soup, ".share-link a"))
    shown = attribute(one(soup, ".share-qr svg path[stroke]"), "d")
    expected = re.search(r'stroke="[^"]+" d="([^"]+)"', segno.make(link, error="m").svg_inline(omitsize=True))
    assert expected is not None and shown == expected.group(1)


def test_the_link_is_the_same_every_time(app: Flask, db_session: Session, forum: int) -> None:
    first = _shared_link(signed_in(app, LEAD))
    assert _shared_link(signed_in(app, VIEWER)) == first
    assert first.endswith(_code(db_session))


def test_a_closed_survey_says_families_cannot_answer_it(app: Flask, db_session: Session, forum: int) -> None:
    survey = _survey(db_session)
    survey.closes_on = date(2020, 1, 31)
    db_session.commit()
    soup = page(signed_in(app, LEAD), SHARE)
    assert "Families cannot answer this survey today" in squashed_text(one(soup, ".notice"))
    assert "It closes on 31 January 2020." in one(soup, "textarea#snippet").get_text()


def test_a_draft_must_be_published_first(app: Flask, db_session: Session, forum: int) -> None:
    create_survey(db_session, forum, {**load_packaged(), "slug": "a-draft", "title": "A draft"})
    client = signed_in(app, LEAD)
    soup = page(client, "/staff/surveys/a-draft/share")
    assert "Publish it first" in squashed_text(one(soup, "main"))
    assert soup.select(".share-link, .share-qr, textarea") == []
    assert _survey(db_session, "a-draft").short_code is None
    assert client.get("/staff/surveys/a-draft/poster.pdf").status_code == 404
    assert client.get("/staff/surveys/a-draft/poster").status_code == 404


@pytest.mark.parametrize("path", ["share", "poster.pdf", "poster"])
def test_another_forums_or_no_survey_is_not_found(app: Flask, forum: int, path: str) -> None:
    client = signed_in(app, LEAD)
    assert client.get(f"/staff/surveys/others-only/{path}").status_code == 404
    assert client.get(f"/staff/surveys/no-such-survey/{path}").status_code == 404
    other = signed_in(app, OTHER_LEAD)
    assert other.get(f"/staff/surveys/others-only/{path}").status_code == 200


@pytest.mark.parametrize("path", [SHARE, POSTER, POSTER_PAGE])
def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, forum: int, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response.location.startswith("/staff/login")


# --- the poster -----------------------------------------------------------------------------------


def test_the_poster_is_one_tagged_a4_page_with_the_qr_code_and_link(
    app: Flask, db_session: Session, forum: int, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in(app, VIEWER)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client.get(POSTER)
    assert [record.getMessage() for record in caplog.records] == []  # nothing ignored, nothing fetched
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=send-experience-poster.pdf"
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True and catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert (
        reader.metadata is not None
        and reader.metadata.title == f"{TITLE}: a survey from Demo Parent Carer Forum"
    )
    code = _code(db_session)
    text = " ".join(reader.pages[0].extract_text().split())
    for words in ("Demo Parent Carer Forum", TITLE, "about 10 minutes", "anonymous", f"localhost/j/{code}"):
        assert words in text, words
    elements = pdf_structure(reader)
    kinds = Counter(str(element["/S"]) for element in elements)
    assert kinds["/H1"] == 1
    alts = [str(element["/Alt"]) for element in elements if element["/S"] == "/Figure"]
    assert alts == [f"QR code for http://localhost/j/{code}"]


def test_the_poster_prints_its_dates(app: Flask, db_session: Session, forum: int) -> None:
    survey = _survey(db_session)
    survey.opens_on, survey.closes_on = date(2099, 1, 31), date(2099, 3, 31)
    db_session.commit()
    reader = PdfReader(io.BytesIO(signed_in(app, LEAD).get(POSTER).data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Opens on 31 January 2099." in text and "Open until 31 March 2099." in text


def test_a_long_survey_still_makes_a_one_page_poster(app: Flask, db_session: Session, forum: int) -> None:
    demo = _survey(db_session).forum
    demo.name, demo.local_area = "A Parent Carer Forum With A Long Name " * 5, "Somewhere Far Away " * 8
    db_session.commit()
    long = {
        **load_packaged(),
        "title": "A long title about services " * 7,
        "summary": "Why it matters. " * 40,
    }
    make_survey(db_session, demo, long)
    reader = PdfReader(io.BytesIO(signed_in(app, LEAD).get(POSTER).data))
    assert len(reader.pages) == 1
    assert f"localhost/j/{_code(db_session)}" in "".join(reader.pages[0].extract_text().split())


def test_the_poster_download_is_audited(app: Flask, db_session: Session, forum: int) -> None:
    client = signed_in(app, LEAD)
    page(client, SHARE)
    assert client.get(POSTER).status_code == 200
    assert audit_actions(db_session)[-1] == "builder.poster GET"
    assert "builder.share GET" not in audit_actions(db_session)


def test_the_poster_page_prints_from_a_browser_under_the_sites_rules(app: Flask, forum: int) -> None:
    soup = page(signed_in(app, LEAD), POSTER_PAGE)
    assert attribute(one(soup, "html"), "lang") == "en-GB"
    assert soup.select("style, [style], script") == []  # the CSP allows the site's own stylesheet only
    assert attribute(one(soup, "link[rel=stylesheet]"), "href") == "/static/poster.css"
    assert squashed_text(one(soup, "h1")) == TITLE
    link = squashed_text(one(soup, ".poster__link"))
    assert re.fullmatch(r"localhost/j/[A-Z2-9]{6}", link)
    assert attribute(one(soup, ".poster__qr svg"), "aria-label") == f"QR code for http://{link}"
    with app.test_client().get("/static/poster.css") as stylesheet:  # closed: static files are streamed
        assert stylesheet.status_code == 200 and b"@page { size: A4" in stylesheet.data
