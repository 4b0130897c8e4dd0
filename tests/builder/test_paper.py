"""A survey's paper version: what it prints for each question, the routing in words, the privacy summary
and where to send it back; as a web page to print and as an A4 tagged PDF."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.builder.drafts import draft_of, save_draft
from forum_app.builder.paper import paper_contents
from forum_app.config import PROJECT_ROOT
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Survey
from tests.builder.factories import (
    LEAD,
    OTHER_LEAD,
    VIEWER,
    make_builder_forum,
    make_pulse,
    make_two_forums,
    pulse,
)
from tests.factories import attribute, audit_actions, one, page, pdf_structure, signed_in, squashed_text

BASE = "/staff/surveys/send-experience"
PAPER, PDF = f"{BASE}/paper", f"{BASE}/paper.pdf"
TITLE = "Your family's experience of SEND services"


@pytest.fixture
def forum(db_session: Session) -> int:
    return make_builder_forum(db_session).id


def _survey(session: Session, slug: str = "send-experience") -> Survey:
    session.expire_all()
    return session.scalars(select(Survey).where(Survey.slug == slug)).one()


def _question(soup: BeautifulSoup, number: int) -> Tag:
    heading = one(soup, f"#question-{number}")
    section = heading.find_parent("section")
    assert section is not None
    return section


def _pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join(pdf_page.extract_text() for pdf_page in reader.pages).split())


# --- the PDF ----------------------------------------------------------------------------------------


def test_the_pdf_is_a_tagged_a4_document_with_every_question(
    app: Flask, forum: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = signed_in(app, VIEWER).get(PDF)
    assert [record.getMessage() for record in caplog.records] == []  # nothing ignored, nothing fetched
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=send-experience-paper.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    catalog: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == f"{TITLE}: a paper survey from Demo Parent Carer Forum"
    kinds = Counter(str(element["/S"]) for element in pdf_structure(reader))
    questions = load_packaged()["questions"]
    assert kinds["/H1"] == 1
    assert kinds["/H2"] == len(questions) + 3  # how to fill it in, the privacy summary, sending it back
    assert kinds["/LI"] >= sum(len(q.get("options", [])) for q in questions)
    text = _pdf_text(reader)
    for question in questions:
        assert question["title"] in text, question["title"]
    for words in ("Tick one", "Tick all that apply", "Demo Parent Carer Forum", "24 months"):
        assert words in text, words
    assert "Answer this only if you ticked ‘An EHC needs assessment’ at question 5." in text


def test_the_pdf_download_is_audited_and_the_page_is_not(app: Flask, db_session: Session, forum: int) -> None:
    client = signed_in(app, LEAD)
    page(client, PAPER)
    assert "builder.paper_page GET" not in audit_actions(db_session)
    assert client.get(PDF).status_code == 200
    assert audit_actions(db_session)[-1] == "builder.paper GET"


# --- the page to print --------------------------------------------------------------------------------


def test_the_page_prints_each_kind_of_question_for_pen_and_paper(app: Flask, forum: int) -> None:
    soup = page(signed_in(app, LEAD), PAPER)
    assert attribute(one(soup, "html"), "lang") == "en-GB"
    assert squashed_text(one(soup, "h1")) == TITLE
    age = _question(soup, 1)
    assert squashed_text(one(age, "h2")) == "Question 1 How old is your child?"
    assert "Tick one" in squashed_text(age)
    assert [squashed_text(li) for li in age.select("li")] == [
        "☐ Under 5",
        "☐ 5 to 10",
        "☐ 11 to 15",
        "☐ 16 to 18",
        "☐ 19 to 25",
    ]
    assert "answer about one child" in squashed_text(one(age, ".paper-question__hint"))
    needs = _question(soup, 3)
    assert "Tick all that apply" in squashed_text(needs)
    assert "Select all that apply" not in squashed_text(needs)  # the web form's hint, said for paper
    assert squashed_text(needs.select("li")[-1]) == "☐ We are not sure yet (tick this on its own)"
    wait = _question(soup, 6)
    assert squashed_text(one(wait, ".paper-question__routing")) == (
        "Answer this only if you ticked ‘An EHC needs assessment’ at question 5. If not, go to question 7."
    )
    assert len(wait.select(".paper-digit")) == 3
    assert [squashed_text(li) for li in wait.select("li")] == [
        "☐ Weeks",
        "☐ Months",
        "☐ We are still waiting (write how long so far)",
    ]
    written = _question(soup, 15)
    assert len(written.select(".paper-line")) == 6
    assert "You can leave this question out." in squashed_text(written)
    assert "Please do not write names" in squashed_text(written)
    consent = _question(soup, 18)
    assert "Tick the box if you agree." in squashed_text(consent)
    assert squashed_text(one(consent, "li")) == "☐ Yes, you can quote my words without my name"
    assert "You can leave this question out." not in squashed_text(consent)


def test_the_page_gives_the_privacy_summary_and_where_to_send_it(app: Flask, forum: int) -> None:
    soup = page(signed_in(app, LEAD), PAPER)
    text = squashed_text(one(soup, "main"))
    assert "is a group of parents and carers of children with SEND in Demoshire." in text
    assert "How long we keep them. 24 months. Then we delete them." in text
    assert "You can read the full privacy notice at http://localhost/s/demo/send-experience/privacy" in text
    end = one(soup, ".paper-end")
    assert "Give this form back to Demo Parent Carer Forum, or post it to this address:" in squashed_text(end)
    assert len(end.select(".paper-line")) == 4  # a blank space for the forum to write its address


def test_the_page_uses_the_sites_own_stylesheet_and_links_back(app: Flask, forum: int) -> None:
    client = signed_in(app, LEAD)
    soup = page(client, PAPER)
    assert soup.select("style, [style], script") == []  # the CSP allows the site's own stylesheet only
    assert attribute(one(soup, "link[rel=stylesheet]"), "href") == "/static/paper.css"
    hrefs = [attribute(a, "href") for a in soup.select("nav a")]
    assert hrefs == [BASE, PDF]
    survey_page = [attribute(a, "href") for a in page(client, BASE).select("main a")]
    assert PAPER in survey_page and PDF in survey_page


def test_the_stylesheet_prints_a4_in_large_text() -> None:
    css = (PROJECT_ROOT / "forum_app" / "static" / "paper.css").read_text(encoding="utf-8")
    assert "size: A4" in css
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert sizes and min(sizes) >= 12
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert not re.search(r"\b(left|right)\b", rules)  # logical properties, for right-to-left languages


# --- which version, and who may see it ----------------------------------------------------------------


def test_the_latest_published_version_is_printed_not_the_draft(
    app: Flask, db_session: Session, forum: int
) -> None:
    draft = draft_of(db_session, _survey(db_session).id)
    save_draft(db_session, draft.survey_id, {**draft.document, "title": "A new title"}, draft.revision)
    soup = page(signed_in(app, LEAD), PAPER)
    assert squashed_text(one(soup, "h1")) == TITLE
    assert soup.select(".paper__draft") == []


def test_a_survey_never_published_prints_its_draft(app: Flask, db_session: Session, forum: int) -> None:
    make_pulse(db_session, _survey(db_session).forum)
    soup = page(signed_in(app, LEAD), "/staff/surveys/pulse/paper")
    assert squashed_text(one(soup, "h1")) == "Before the inspection"
    assert squashed_text(one(soup, ".paper__draft")) == "Draft: this survey is not published yet."
    assert "privacy notice at" not in squashed_text(soup)  # families cannot reach a draft's page
    routing = squashed_text(one(_question(soup, 3), ".paper-question__routing"))
    assert routing == "Answer this only if you ticked ‘CAMHS’ at question 2. If not, go to question 4."
    number = _question(soup, 4)
    assert "Write a number from 1 to 12 in the boxes." in squashed_text(number)
    assert len(number.select(".paper-digit")) == 2


def test_routing_on_several_answers_names_them_all(db_session: Session, forum: int) -> None:
    document = pulse()
    document["questions"][2]["show_if"]["any_of"] = ["camhs", "salt"]
    document["questions"][3]["show_if"] = {"question": "services", "any_of": ["camhs", "salt"]}
    survey = make_pulse(db_session, _survey(db_session).forum)
    draft = draft_of(db_session, survey.id)
    save_draft(db_session, survey.id, document, draft.revision)
    printed = paper_contents(db_session, _survey(db_session, "pulse"))
    routing = printed.questions[2].routing
    assert routing is not None
    assert (routing.number, routing.labels) == (2, ("CAMHS", "Speech and language therapy"))
    assert routing.skip_to is None  # the last question has the same condition: nothing comes after
    assert printed.version is None and printed.privacy_link == ""


@pytest.mark.parametrize("path", [PAPER, PDF])
def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, forum: int, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302 and response.location.startswith("/staff/login")


@pytest.mark.parametrize("suffix", ["paper", "paper.pdf"])
def test_another_forums_or_no_survey_is_not_found(app: Flask, db_session: Session, suffix: str) -> None:
    make_two_forums(db_session)
    other = signed_in(app, OTHER_LEAD)
    assert other.get(f"{BASE}/{suffix}").status_code == 404
    assert other.get(f"/staff/surveys/no-such-survey/{suffix}").status_code == 404


def test_if_not_skips_the_questions_that_depend_on_the_one_skipped(db_session: Session, forum: int) -> None:
    document = pulse()
    document["questions"].insert(
        3,
        {
            "key": "camhs_again",
            "type": "radio",
            "title": "Would you go back to CAMHS?",
            "show_if": {"question": "services", "any_of": ["salt"]},
            "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        },
    )
    document["questions"][2]["type"] = "radio"
    document["questions"][2]["options"] = [
        {"value": "good", "label": "Good"},
        {"value": "bad", "label": "Bad"},
    ]
    document["questions"].insert(
        3,
        {
            "key": "why_bad",
            "type": "text",
            "title": "Why was it bad?",
            "show_if": {"question": "camhs_story", "any_of": ["bad"]},
        },
    )
    survey = make_pulse(db_session, _survey(db_session).forum)
    save_draft(db_session, survey.id, document, draft_of(db_session, survey.id).revision)
    routings = [
        question.routing for question in paper_contents(db_session, _survey(db_session, "pulse")).questions
    ]
    assert routings[0] is None and routings[1] is None
    assert routings[2] is not None and routings[2].skip_to == 5  # not question 4, asked after question 3
    assert routings[3] is not None and (routings[3].number, routings[3].labels) == (3, ("Bad",))
    assert routings[4] is not None and routings[4].skip_to == 6


def test_the_paper_prints_in_a_language_the_survey_has(app: Flask, forum: int) -> None:
    polish = load_packaged()["translations"]["pl"]["strings"]
    soup = page(signed_in(app, VIEWER), f"{PAPER}?lang=pl")
    assert attribute(one(soup, "html"), "lang") == "pl"
    assert one(soup, "h1").get_text(strip=True) == polish["title"]
    assert polish["age_band.options.0-4"] in soup.get_text(" ")
    reader = PdfReader(io.BytesIO(signed_in(app, VIEWER).get(f"{PDF}?lang=ur").data))
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ur"
    english = page(signed_in(app, VIEWER), f"{PAPER}?lang=de")  # not a language of the survey
    assert attribute(one(english, "html"), "lang") == "en-GB"
    assert one(english, "h1").get_text(strip=True) == TITLE


def test_the_survey_page_offers_the_paper_in_its_languages(app: Flask, forum: int) -> None:
    soup = page(signed_in(app, LEAD), BASE)
    offered = {str(link.get("hreflang")) for link in soup.select("a[href*='paper.pdf?lang=']")}
    assert offered == {"ar", "bn", "pl", "ro", "ur"}
