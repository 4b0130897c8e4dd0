"""A lead builds a survey with every question type and routing in the builder, publishes it, a family
answers it in Chromium; the lead edits it into version 2, and another family answers that."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from forum_app.extensions import db
from forum_app.surveys.models import SUBMITTED, Answer, Response, Survey, SurveyVersion
from tests.browser.site import DESKTOP, PHONE, Sessions, Site

pytestmark = pytest.mark.browser

SLUG = "short-breaks"
AREA = "Which area do you live in?"
SERVICES = "Which services have you used?"
CAMHS = "What happened with CAMHS?"
CHILDREN = "How many children do you care for?"
WAIT = "How long did you wait for a short break?"
SINCE = "When did your child start school?"
RATING = "How good are short breaks in your area?"
QUOTE = "May we quote your words?"
# Every question type, as the builder names it, with its question and, for a list, its options.
QUESTIONS = [
    ("One answer from a list", AREA, "North\nSouth"),
    (
        "One or more answers from a list",
        SERVICES,
        "CAMHS\nSpeech and language therapy\nNone of these [on its own]",
    ),
    ("Free text", CAMHS, None),
    ("A whole number", CHILDREN, None),
    ("How long (weeks or months)", WAIT, None),
    ("A month and year", SINCE, None),
    ("A rating scale", RATING, None),
    ("A tick box (such as permission to quote)", QUOTE, None),
]


def _lead(browser: Browser, sessions: Sessions) -> tuple[BrowserContext, Page]:
    context = browser.new_context(storage_state=sessions.storage_state("staff"), viewport=DESKTOP)
    return context, context.new_page()


def _add_question(page: Page, site: Site, kind: str, title: str, options: str | None) -> None:
    page.goto(f"{site.url}/staff/surveys/{SLUG}/edit")
    page.get_by_label("Question", exact=True).fill(title)
    page.get_by_label(kind, exact=True).check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")
    if options is not None:
        page.get_by_label("Options").fill(options)
    if title == CAMHS:  # routing: asked only of families who used CAMHS
        page.get_by_text(f"The answer to “{SERVICES}” is one of…").click()
        page.get_by_label("CAMHS", exact=True).check()
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved “{title}”")


def _build_and_publish(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/surveys/new")
    page.get_by_label("Start from a blank survey").check()
    page.get_by_label("Title").fill("Short breaks")
    page.get_by_label("Address").fill(SLUG)
    page.get_by_role("button", name="Make the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the questions")
    page.get_by_role("button", name="Remove question 1").click()  # the blank survey's own question
    for kind, title, options in QUESTIONS:
        _add_question(page, site, kind, title, options)
    page.goto(f"{site.url}/staff/surveys/{SLUG}/edit")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("body")).to_contain_text("version 1")


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def _answer(browser: Browser, site: Site, used_camhs: bool, children: str, extra: str | None = None) -> None:
    """A family on a phone answers every question they are shown, and sends their answers."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{site.url}/s/demo/{SLUG}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("South", exact=True).check()
    _continue(page)
    page.get_by_label("CAMHS" if used_camhs else "Speech and language therapy", exact=True).check()
    _continue(page)
    if used_camhs:
        expect(page.get_by_role("heading", level=1)).to_have_text(CAMHS)
        page.get_by_label(CAMHS).fill("We waited a year for CAMHS to see her.")
        _continue(page)
    page.get_by_label(children).fill("2")
    _continue(page)
    page.get_by_label("How long", exact=True).fill("9")
    page.get_by_label("Months", exact=True).check()
    _continue(page)
    page.get_by_label("Month", exact=True).fill("9")
    page.get_by_label("Year", exact=True).fill("2021")
    _continue(page)
    page.get_by_label("Good", exact=True).check()
    _continue(page)
    if used_camhs:  # permission to quote is asked only of a family who wrote something
        expect(page.get_by_role("heading", level=1)).to_have_text(QUOTE)
        _continue(page)  # the tick box: left unticked
    if extra is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(extra)
        page.get_by_label("Yes", exact=True).check()
        _continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    context.close()


def test_a_built_survey_is_answered_then_edited_into_version_2_and_answered_again(
    browser: Browser, sessions: Sessions, site: Site
) -> None:
    context, page = _lead(browser, sessions)
    _build_and_publish(page, site)
    _answer(browser, site, used_camhs=True, children=CHILDREN)

    # Version 2: one question reworded, one added.
    page.goto(f"{site.url}/staff/surveys/{SLUG}/edit")
    page.locator("li", has_text=CHILDREN).get_by_role("link", name="Edit").click()
    reworded = "How many children do you look after?"
    page.get_by_label("Question", exact=True).fill(reworded)
    page.get_by_role("button", name="Save the question").click()
    added = "Would you use a short break at weekends?"
    _add_question(page, site, "One answer from a list", added, "Yes\nNo")
    page.goto(f"{site.url}/staff/surveys/{SLUG}/edit")
    page.get_by_role("button", name="Publish version 2").click()
    context.close()
    _answer(browser, site, used_camhs=False, children=reworded, extra=added)

    with site.app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.slug == SLUG))
        assert survey is not None
        rows = db.session.execute(
            select(SurveyVersion.number, Response.id)
            .join(Response, Response.survey_version_id == SurveyVersion.id)
            .where(SurveyVersion.survey_id == survey.id, Response.status == SUBMITTED)
            .order_by(SurveyVersion.number)
        ).all()
        assert [number for number, _ in rows] == [1, 2]
        keys = {
            number: set(db.session.scalars(select(Answer.question_key).where(Answer.response_id == response)))
            for number, response in rows
        }
        assert len(keys[1]) == len(QUESTIONS)  # the unticked box is stored as "no"
        # Rewording kept the question's key; the CAMHS question was not shown, so neither was permission
        # to quote (nothing to quote); the new one was answered.
        assert keys[1] - keys[2] == {"what_happened_with_camhs", "may_we_quote_your_words"}
        assert keys[2] - keys[1] == {"would_you_use_a_short_break_at_weekends"}
