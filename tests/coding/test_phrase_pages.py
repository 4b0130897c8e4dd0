"""The coding page's "Code some words" form: coding a phrase, refused words (422), removing one, audit."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent
from forum_app.coding.models import CodedPhrase
from forum_app.surveys.models import Answer
from tests.factories import (
    answer_all,
    approve_all,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    page,
    public_id,
    signed_in,
    squashed_text,
    submit,
)

CODER, VIEWER = "coder@example.org", "viewer@example.org"
CAMHS = "mental_health"


def _answer(app: Flask, session: Session) -> int:
    """A family's report sent through the survey (quote consent ticked), approved and so coded."""
    make_survey(session, make_forum(session))
    make_staff(session, CODER, role="coder")
    make_staff(session, VIEWER, role="viewer")
    family = app.test_client()
    answer_all(family)
    assert submit(family).status_code == 302
    approve_all(session)
    found = session.scalar(select(Answer.id).where(Answer.question_key == "not_worked"))
    assert found is not None
    return found


def _audited(session: Session) -> list[tuple[str, str]]:
    return [(event.action, event.object_id) for event in session.scalars(select(AuditEvent))]


def test_a_coder_codes_words_of_the_answer_and_removes_them(app: Flask, db_session: Session) -> None:
    answer = _answer(app, db_session)
    named = public_id(db_session, answer)
    text = str(db_session.get_one(Answer, answer).value)
    words = " ".join(text.split()[1:4])
    coder = signed_in(app, CODER)
    soup = page(coder, f"/staff/coding/{named}?status=all")
    form = soup.select_one("form[data-phrase-form]")
    assert form is not None and form["action"] == f"/staff/coding/{named}/phrases?status=all"
    assert soup.select_one("blockquote[data-answer-text]") is not None
    assert {o["value"] for o in soup.select("#phrase-theme option")} >= {CAMHS}

    response = coder.post(
        str(form["action"]), data={"words": words, "phrase_theme": CAMHS, "csrf_token": csrf_token(soup)}
    )
    assert response.status_code == 303
    assert response.location == f"/staff/coding/{named}?status=all#phrases"
    soup = page(coder, response.location)
    assert f"Coded “{words}” as evidence." in squashed_text(soup)
    evidence = soup.select_one(f"#theme-{CAMHS}")
    assert evidence is not None and evidence.has_attr("checked")
    assert f"Your phrase: “{words}”" in squashed_text(soup.select_one("[data-phrase-evidence]"))
    stored = db_session.scalars(select(CodedPhrase)).one()
    assert text[stored.start_offset : stored.end_offset] == words
    assert ("coding.phrase POST", named) in _audited(db_session)

    remove = soup.select_one(".coding-phrases__remove")
    assert remove is not None
    phrase = remove.select_one("input[name=phrase]")
    assert phrase is not None and phrase["value"] == str(stored.id)
    response = coder.post(str(remove["action"]), data={"phrase": stored.id, "csrf_token": csrf_token(soup)})
    assert response.status_code == 303
    assert "Removed the phrase" in squashed_text(page(coder, response.location))
    db_session.expire_all()
    assert db_session.scalars(select(CodedPhrase)).all() == []
    assert ("coding.remove_phrase POST", named) in _audited(db_session)


def test_words_not_in_the_answer_are_explained_not_a_server_error(app: Flask, db_session: Session) -> None:
    answer = _answer(app, db_session)
    named = public_id(db_session, answer)
    coder = signed_in(app, CODER)
    token = csrf_token(page(coder, f"/staff/coding/{named}"))
    for data in [
        {"words": "words nobody wrote", "phrase_theme": CAMHS},
        {"words": "[email]", "phrase_theme": CAMHS},
        {"words": "", "phrase_theme": CAMHS},
        {"words": "the", "phrase_theme": "nonsense"},
    ]:
        response = coder.post(f"/staff/coding/{named}/phrases", data={**data, "csrf_token": token})
        assert response.status_code == 422, data
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.title is not None and soup.title.get_text().startswith("Error:")
        summary = soup.select_one("[data-error-summary] a")
        assert summary is not None and summary["href"] == "#phrase-words"
        assert soup.select_one("#phrase-words-error") is not None
    assert not [action for action, _ in _audited(db_session) if action.startswith("coding.phrase")]
    assert coder.post("/staff/coding/nope/phrases", data={"csrf_token": token}).status_code == 404
    removing = f"/staff/coding/{named}/phrases/remove"
    for phrase in ["12345", "", "x"]:
        assert coder.post(removing, data={"phrase": phrase, "csrf_token": token}).status_code == 404
    words = str(db_session.get_one(Answer, answer).value).split()[0]
    silly = {"words": words, "phrase_theme": CAMHS, "start": "9" * 30, "csrf_token": token}
    assert coder.post(f"/staff/coding/{named}/phrases", data=silly).status_code == 303


def test_viewers_may_not_code_phrases(app: Flask, db_session: Session) -> None:
    answer = _answer(app, db_session)
    named = public_id(db_session, answer)
    viewer = signed_in(app, VIEWER)
    response = viewer.post(f"/staff/coding/{named}/phrases", data={"words": "the", "phrase_theme": CAMHS})
    assert response.status_code in (400, 403)
    assert db_session.scalars(select(CodedPhrase)).all() == []
