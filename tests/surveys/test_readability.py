"""Plain words: the default survey and the pages around it must be easy to read (Flesch reading ease).

Scores: 90-100 very easy, 60-70 plain English (GOV.UK aims here or above), below 50 hard. Many parents
answer on a phone, tired, and some have low literacy or a disability of their own.
"""

from __future__ import annotations

import textstat
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.surveys.definitions import Question, load_packaged, parse_definition
from tests.factories import SURVEY_URL, make_forum, make_survey, page

SURVEY_MINIMUM = 60  # the survey as a whole: plain English
QUESTION_MINIMUM = 50  # any one question's title and hint
PAGE_MINIMUM = 60  # the start page, which everyone reads
NOTICE_MINIMUM = 50  # the help page and the full privacy notice (which must name the law)
MAX_TITLE_WORDS = 15

DEFINITION = parse_definition(load_packaged())


def _sentence(text: str) -> str:
    """Each title, hint and option label is read on its own, so score it as its own sentence."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _title_and_hint(question: Question) -> str:
    return " ".join(_sentence(part) for part in (question.title, question.hint) if part)


def _options(question: Question) -> str:
    return " ".join(_sentence(option.label) for option in question.options)


def _survey_text() -> str:
    parts = [_sentence(DEFINITION.title), _sentence(DEFINITION.summary)]
    for question in DEFINITION.questions:
        parts += [
            _title_and_hint(question),
            _options(question),
            _sentence(question.label) if question.label else "",
        ]
    return " ".join(part for part in parts if part)


def _scores() -> str:
    lines = []
    for question in DEFINITION.questions:
        options = _options(question)
        option_score = f", options {textstat.flesch_reading_ease(options):.1f}" if options else ""
        lines.append(
            f"  {question.key}: title+hint {textstat.flesch_reading_ease(_title_and_hint(question)):.1f}"
            f"{option_score}"
        )
    return "\n".join(lines)


def _page_text(client: FlaskClient, url: str) -> str:
    soup: BeautifulSoup = page(client, url)
    assert soup.main is not None
    return " ".join(soup.main.get_text(" ").split())


def test_default_survey_as_a_whole_is_plain_english() -> None:
    score = textstat.flesch_reading_ease(_survey_text())
    assert score >= SURVEY_MINIMUM, f"the survey scores {score:.1f} (< {SURVEY_MINIMUM}):\n{_scores()}"


def test_every_question_title_and_hint_is_easy_to_read() -> None:
    hard = [
        q.key
        for q in DEFINITION.questions
        if textstat.flesch_reading_ease(_title_and_hint(q)) < QUESTION_MINIMUM
    ]
    assert not hard, f"hard to read (< {QUESTION_MINIMUM}): {hard}\nper-question scores:\n{_scores()}"


def test_question_titles_are_short() -> None:
    long = {
        q.key: len(q.title.split()) for q in DEFINITION.questions if len(q.title.split()) > MAX_TITLE_WORDS
    }
    assert not long, f"titles longer than {MAX_TITLE_WORDS} words: {long}"


def test_the_scorer_can_tell_hard_from_plain_text() -> None:
    # Guards the guard: if textstat changed and scored everything high, the tests above would pass vacuously.
    plain = "How old is your child? Answer about one child."
    hard = (
        "Notwithstanding contemporaneous multidisciplinary considerations, indicate the chronological "
        "categorisation corresponding to the individual's developmental classification."
    )
    assert textstat.flesch_reading_ease(plain) >= QUESTION_MINIMUM > textstat.flesch_reading_ease(hard)


def test_start_help_and_privacy_pages_are_easy_to_read(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    scores = {
        url: textstat.flesch_reading_ease(_page_text(client, url))
        for url in (SURVEY_URL, "/s/demo/help", f"{SURVEY_URL}privacy")
    }
    assert scores[SURVEY_URL] >= PAGE_MINIMUM, scores
    assert min(scores.values()) >= NOTICE_MINIMUM, scores
