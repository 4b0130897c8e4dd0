"""Coded phrases: words of an answer as evidence for a theme, a candidate quote when the answer may be
quoted, and what packs quote of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.coding import decisions
from forum_app.coding.answer import AnswerNotFound
from forum_app.coding.models import CODED, CodedAnswer, CodedPhrase
from forum_app.coding.phrases import Coded, PhraseError, code_phrase, locate, phrases_of, remove_phrase
from forum_app.coding.undo import undo_last
from forum_app.moderation.intake import take_in
from forum_app.moderation.models import ModerationItem
from forum_app.packs.quotes import final_check
from forum_app.quotes.candidates import quote_panel
from forum_app.quotes.models import QuoteCandidate
from forum_app.quotes.reads import quotable
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion
from forum_app.surveys.reads import Selection
from tests.factories import approve_all, make_forum, make_staff, make_survey, user_id

LEAD, CODER = "lead@example.org", "coder@example.org"
WAITS, CAMHS = "waiting_times", "mental_health"
TEXT = (
    "We waited 2 years for an autism assessment and nobody told us anything.\n"
    "CAMHS would not see her until she stopped eating in March. Email me at [email] if you want."
)


def add_answers(
    session: Session, version: SurveyVersion, texts: Sequence[str], consent: bool = True
) -> list[int]:
    """One submitted response per text, with the quote consent box ticked or not, approved (by the
    lead, so packs may quote it) and so coded automatically."""
    ids, response_ids = [], []
    for text in texts:
        response = Response(
            id=new_token(),
            forum_id=version.survey.forum_id,
            survey_version_id=version.id,
            status=SUBMITTED,
            started_on=date(2026, 3, 2),
            submitted_on=date(2026, 3, 2),
            idempotency_key=new_token(),
        )
        session.add(response)
        session.flush()
        answer = Answer(response_id=response.id, question_key="not_worked", value=text)
        session.add_all(
            [answer, Answer(response_id=response.id, question_key="quote_consent", value=consent)]
        )
        session.flush()
        ids.append(answer.id)
        response_ids.append(response.id)
    take_in(session, response_ids)
    session.commit()
    approve_all(session, response_ids)
    session.execute(
        update(ModerationItem)
        .where(ModerationItem.answer_id.in_(ids))
        .values(decided_by=user_id(session, LEAD), decided_on=date(2026, 3, 3))
    )
    session.commit()
    return ids


@pytest.fixture
def demo(db_session: Session) -> SurveyVersion:
    version = make_survey(db_session, make_forum(db_session))
    make_staff(db_session, LEAD, role="lead")
    make_staff(db_session, CODER, role="coder")
    return version


def _code(session: Session, answer: int, words: str, theme: str = CAMHS, start: int | None = None) -> Coded:
    session.expire_all()
    forum = session.get_one(CodedAnswer, answer).forum_id
    return code_phrase(
        session, forum, answer, theme_id=theme, words=words, user_id=user_id(session, CODER), start=start
    )


def _candidate(session: Session, answer: int, theme: str) -> QuoteCandidate | None:
    session.expire_all()
    return session.scalar(
        select(QuoteCandidate).where(QuoteCandidate.answer_id == answer, QuoteCandidate.theme_id == theme)
    )


def test_locate_takes_exact_words_only() -> None:
    at = TEXT.index("autism assessment")
    assert locate(TEXT, "autism assessment") == (at, at + 17)
    assert locate(TEXT, "  autism assessment ") == (at, at + 17)
    assert locate("a b a b", "a b", start=4) == (4, 7)
    assert locate("a b a b", "a b", start=1) == (0, 3)  # not there: the first place
    at = TEXT.index("anything.\nCAMHS")
    assert locate(TEXT, "anything. CAMHS") == (at, at + 15)  # across the line break
    for words, why in [
        ("", "Enter the words"),
        ("   ", "Enter the words"),
        ("autism assesment", "not in the answer"),
        ("[email]", "redaction tag"),
        (" [email] ", "redaction tag"),
        ("x" * 501, "at most 500"),
    ]:
        with pytest.raises(PhraseError, match=why):
            locate(TEXT + " [email] ", words)


def test_a_phrase_is_stored_and_its_theme_added_as_a_decision_that_can_be_undone(
    db_session: Session, demo: SurveyVersion
) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT], consent=False)
    coded = _code(db_session, answer, "stopped eating", start=TEXT.index("stopped eating"))
    stored = db_session.scalars(select(CodedPhrase)).one()
    assert (stored.text, stored.theme_id, stored.coder_id) == (
        "stopped eating",
        CAMHS,
        user_id(db_session, CODER),
    )
    assert TEXT[stored.start_offset : stored.end_offset] == "stopped eating"
    state = decisions.state_of(db_session, db_session.get_one(CodedAnswer, answer))
    assert state.status == CODED and CAMHS in state.themes
    assert coded.quote is False  # no consent: never a quote
    assert _candidate(db_session, answer, CAMHS) is None

    lines = phrases_of(db_session, answer, user_id(db_session, CODER), {CAMHS: "Mental health"})
    assert [(line.theme, line.text, line.mine) for line in lines] == [
        ("Mental health", "stopped eating", True)
    ]

    forum = db_session.get_one(CodedAnswer, answer).forum_id
    undo_last(db_session, forum, user_id(db_session, CODER))
    db_session.expire_all()
    assert decisions.state_of(db_session, db_session.get_one(CodedAnswer, answer)).status != CODED


def test_refused_words_store_nothing(db_session: Session, demo: SurveyVersion) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT])
    for words in ["not in it at all", "[email]", "x" * 600]:
        with pytest.raises(PhraseError):
            _code(db_session, answer, words)
    with pytest.raises(PhraseError, match="Choose the theme"):
        _code(db_session, answer, "stopped eating", theme="no_such_theme")
    assert db_session.scalars(select(CodedPhrase)).all() == []
    assert db_session.get_one(CodedAnswer, answer).status != CODED


def test_another_forums_answer_is_never_found(db_session: Session, demo: SurveyVersion) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT])
    other = make_forum(db_session, slug="other", name="Other forum")
    with pytest.raises(AnswerNotFound):
        code_phrase(
            db_session, other.id, answer, theme_id=CAMHS, words="stopped", user_id=user_id(db_session, CODER)
        )


def test_a_quotable_answers_phrase_is_its_quote_and_packs_quote_only_those_words(
    db_session: Session, demo: SurveyVersion
) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT])
    coded = _code(db_session, answer, "CAMHS would not see her until she stopped eating")
    assert coded.quote is True
    candidate = _candidate(db_session, answer, CAMHS)
    assert candidate is not None and candidate.excerpt == "CAMHS would not see her until she stopped eating"

    sources = quotable(db_session, demo.survey.forum_id, Selection(demo.survey_id))
    assert [(source.theme_id, source.text, source.redactions) for source in sources] == [
        (CAMHS, "CAMHS would not see her until she stopped eating", 0)
    ]
    passed, left_out = final_check(sources)
    assert len(passed) == 1 and left_out == []  # the whole answer, with "in March", would be left out

    # The pack's check runs on the excerpt: words with a month in them are left out.
    _code(db_session, answer, "stopped eating in March. Email me at [email]")
    sources = quotable(db_session, demo.survey.forum_id, Selection(demo.survey_id))
    assert [(s.text, s.redactions) for s in sources] == [("stopped eating in March. Email me at [email]", 1)]
    passed, left_out = final_check(sources)
    assert passed == [] and len(left_out) == 1


def test_removing_a_phrase_gives_the_quote_back_to_another_or_takes_it_off(
    db_session: Session, demo: SurveyVersion
) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT])
    _code(db_session, answer, "stopped eating")
    _code(db_session, answer, "would not see her")
    forum, coder = demo.survey.forum_id, user_id(db_session, CODER)
    first, second = db_session.scalars(select(CodedPhrase.id).order_by(CodedPhrase.id)).all()
    assert remove_phrase(db_session, forum, answer, second, coder) == "would not see her"
    candidate = _candidate(db_session, answer, CAMHS)
    assert candidate is not None and candidate.excerpt == "stopped eating"
    remove_phrase(db_session, forum, answer, first, coder)
    assert _candidate(db_session, answer, CAMHS) is None
    assert CAMHS in decisions.state_of(db_session, db_session.get_one(CodedAnswer, answer)).themes
    with pytest.raises(AnswerNotFound):
        remove_phrase(db_session, forum, answer, first, coder)


def test_the_quote_panel_checks_the_words_packs_would_quote(db_session: Session, demo: SurveyVersion) -> None:
    (answer,) = add_answers(db_session, demo, [TEXT])
    forum = demo.survey.forum_id
    panel = quote_panel(db_session, forum, answer)
    assert panel is not None and panel.problems  # the whole answer gives a month
    _code(db_session, answer, "would not see her")
    panel = quote_panel(db_session, forum, answer)
    assert panel is not None and panel.problems == ()
    _code(db_session, answer, "stopped eating in March")
    panel = quote_panel(db_session, forum, answer)
    assert panel is not None and [problem.words for problem in panel.problems] == ["in March"]
