"""The builder's pages: a survey's page, editing its questions, a question, the preview, publishing,
dates and closing. Leads change; every member may look at the list and the survey's page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.accounts.services import get_forum
from forum_app.builder.drafts import draft_of, save_draft
from forum_app.builder.editing import find_question, remove_question
from forum_app.builder.publishing import survey_versions
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import SURVEY_CLOSED, Survey
from forum_app.surveys.services import latest_version
from tests.builder.factories import LEAD, VIEWER, make_builder_forum, make_pulse
from tests.factories import audit_actions, csrf_token, one, page, parsed, post_form, signed_in, squashed_text

BASE = "/staff/surveys/send-experience"


@pytest.fixture
def survey_id(db_session: Session) -> int:
    make_builder_forum(db_session)
    version = latest_version(db_session, 1)
    assert version is not None
    return version.survey_id


@pytest.fixture
def lead(app: Flask, survey_id: int) -> FlaskClient:
    return signed_in(app, LEAD)


def _revision(soup: BeautifulSoup) -> str:
    return str(one(soup, "input[name=revision]")["value"])


def _post(client: FlaskClient, url: str, data: dict[str, Any], from_url: str = f"{BASE}/edit") -> Any:
    soup = page(client, from_url)
    fields = {"csrf_token": csrf_token(soup), "revision": _revision(soup), **data}
    return client.post(url, data=fields)


def _keys(session: Session, survey_id: int) -> list[str]:
    session.expire_all()
    return [q["key"] for q in draft_of(session, survey_id).document["questions"]]


def _summary(response: Any) -> str:
    return squashed_text(one(parsed(response), "[data-error-summary]"))


def test_the_list_links_each_survey_to_its_page_which_every_member_sees(app: Flask, survey_id: int) -> None:
    viewer = signed_in(app, VIEWER)
    link = one(page(viewer, "/staff/surveys"), "td a")
    assert link["href"] == BASE
    text = squashed_text(page(viewer, BASE))
    assert "Open: taking responses" in text and "Version 1" in text
    assert "Edit the questions" not in text  # a viewer changes nothing
    for url in (f"{BASE}/edit", f"{BASE}/preview", f"{BASE}/questions/age_band", f"{BASE}/dates"):
        assert viewer.get(url).status_code == 403
    token = csrf_token(page(viewer, BASE))
    for action in (
        "questions",
        "publish",
        "close",
        "reopen",
        "questions/age_band/move",
        "questions/age_band/remove",
    ):
        assert viewer.post(f"{BASE}/{action}", data={"csrf_token": token, "revision": "1"}).status_code == 403
    assert viewer.get("/staff/surveys/nothing").status_code == 404


def test_a_lead_adds_edits_moves_and_removes_questions(
    lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    response = _post(lead, f"{BASE}/questions", {"title": "Which area do you live in?", "kind": "radio"})
    assert response.status_code == 303
    assert response.location.endswith(f"{BASE}/questions/which_area_do_you_live_in")
    url = f"{BASE}/questions/which_area_do_you_live_in"
    soup = page(lead, url)
    data = {
        "title": "Which area do you live in?",
        "hint": "",
        "required": "yes",
        "options": "North\nSouth\nI would rather not say [on its own]",
        "show_if": ["ehcp=yes", "ehcp=waiting"],
    }
    response = lead.post(url, data={**data, "csrf_token": csrf_token(soup), "revision": _revision(soup)})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    question = find_question(draft_of(db_session, survey_id).document, "which_area_do_you_live_in")
    assert [o["label"] for o in question["options"]] == ["North", "South", "I would rather not say"]
    assert question["show_if"] == {"question": "ehcp", "any_of": ["yes", "waiting"]}
    assert "Shown only if the answer to “Does your child have an EHC plan?” is “Yes” or" in squashed_text(
        page(lead, f"{BASE}/edit")
    )
    assert _post(lead, f"{BASE}/questions/quote_consent/move", {"direction": "down"}).status_code == 303
    assert _keys(db_session, survey_id)[-2:] == ["which_area_do_you_live_in", "quote_consent"]
    assert _post(lead, f"{BASE}/questions/age_band/remove", {}).status_code == 303
    assert "age_band" not in _keys(db_session, survey_id)
    assert audit_actions(db_session)[-4:] == [
        "builder.add_question POST",
        "builder.question POST",
        "builder.move POST",
        "builder.remove POST",
    ]


def test_a_lead_changes_the_title_and_introduction(
    lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    url = f"{BASE}/details"
    data = {"title": "Our SEND survey", "summary": "Tell us.", "minutes": "7"}
    assert _post(lead, url, data, url).status_code == 303
    document = draft_of(db_session, survey_id).document
    assert (document["title"], document["summary"], document["minutes"]) == ("Our SEND survey", "Tell us.", 7)
    assert audit_actions(db_session)[-1] == "builder.details POST"


def test_a_move_or_removal_that_would_break_routing_is_refused_with_the_reason(
    lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    before = _keys(db_session, survey_id)
    response = _post(lead, f"{BASE}/questions/wait_ehcna_plan/move", {"direction": "up"})
    assert response.status_code == 422
    assert "must stay after it" in _summary(response)
    response = _post(lead, f"{BASE}/questions/services_waited/remove", {})
    assert response.status_code == 422
    assert "“Which of these has your family waited for in the last 2 years?” cannot be removed" in _summary(
        response
    )
    assert _keys(db_session, survey_id) == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("questions", {"title": "", "kind": "essay"}),
        ("questions", {"title": "x" * 400, "kind": "radio"}),
        ("questions/age_band/move", {"direction": "sideways"}),
        ("questions/age_band", {"title": "", "options": "One", "required": "maybe", "show_if": "ehcp=yes"}),
        ("questions/age_band", {"title": "Age?", "options": "A\nB", "show_if": ["ehcp=yes", "needs=adhd"]}),
        ("questions/age_band", {"title": "Age?", "options": "A\nB", "show_if": "nonsense"}),
        ("questions/setting", {"title": "Setting?", "options": "A\nB", "show_if": "age_band=nope"}),
        ("details", {"title": "", "summary": "x" * 2000, "minutes": "ten"}),
        ("details", {"title": "T" * 201, "minutes": "0"}),
    ],
)
def test_bad_form_input_is_a_422_with_an_error_summary(
    lead: FlaskClient, url: str, data: dict[str, Any]
) -> None:
    response = _post(lead, f"{BASE}/{url}", data, from_url=f"{BASE}/questions/age_band")
    assert response.status_code == 422
    assert _summary(response)


def test_a_number_question_bounds_and_a_dates_form_refuse_bad_input(lead: FlaskClient) -> None:
    _post(lead, f"{BASE}/questions", {"title": "How many children?", "kind": "number"})
    url = f"{BASE}/questions/how_many_children"
    response = _post(lead, url, {"title": "How many?", "minimum": "lots", "maximum": "1e9"}, from_url=url)
    assert response.status_code == 422 and "Enter a whole number" in _summary(response)
    for opens, closes in (("31 2 2027", ""), ("tomorrow", ""), ("2 3 2027", "1/3/2027")):
        soup = page(lead, f"{BASE}/dates")
        response = lead.post(
            f"{BASE}/dates", data={"csrf_token": csrf_token(soup), "opens_on": opens, "closes_on": closes}
        )
        assert response.status_code == 422 and _summary(response), (opens, closes)


def test_another_leads_change_is_never_overwritten(
    lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    edit = page(lead, f"{BASE}/edit")
    question_page = page(lead, f"{BASE}/questions/age_band")
    draft = draft_of(db_session, survey_id)  # another lead removes a question meanwhile
    save_draft(db_session, survey_id, remove_question(draft.document, "one_change"), draft.revision)
    stale = {"csrf_token": csrf_token(edit), "revision": _revision(edit)}
    for url, data in (
        ("questions/setting/move", {"direction": "up"}),
        ("questions/setting/remove", {}),
        ("questions", {"title": "New", "kind": "text"}),
        ("publish", {}),
        ("details", {"title": "Changed", "minutes": "5"}),
        ("questions/age_band", {"title": "Changed", "options": "A\nB", "revision": _revision(question_page)}),
    ):
        response = lead.post(f"{BASE}/{url}", data={**stale, **data})
        assert response.status_code == 409, url
        assert "Another lead changed this survey" in _summary(response)
    db_session.expire_all()
    document = draft_of(db_session, survey_id).document
    assert find_question(document, "age_band")["title"] == "How old is your child?"
    assert [q["key"] for q in document["questions"]][:2] == ["age_band", "setting"]
    assert latest_version(db_session, survey_id).number == 1  # type: ignore[union-attr]


def test_publishing_from_the_edit_page(lead: FlaskClient, db_session: Session, survey_id: int) -> None:
    soup = page(lead, f"{BASE}/edit")
    assert "Publish version 2" in squashed_text(soup)
    response = _post(lead, f"{BASE}/publish", {})
    assert response.status_code == 303
    assert "Nothing has changed since version 1" in squashed_text(page(lead, BASE))
    _post(lead, f"{BASE}/questions", {"title": "Which area?", "kind": "radio"})
    assert _post(lead, f"{BASE}/publish", {}).status_code == 303
    assert "Published version 2" in squashed_text(page(lead, BASE))
    assert latest_version(db_session, survey_id).number == 2  # type: ignore[union-attr]


def test_a_routing_problem_is_listed_and_blocks_publishing(
    lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    url = f"{BASE}/questions/services_waited"
    soup = page(lead, url)
    options = "An EHC needs assessment\nAn autism assessment\nNone of these [on its own]"
    data = {"title": "Waited for?", "options": options, "required": "yes"}
    response = lead.post(url, data={**data, "csrf_token": csrf_token(soup), "revision": _revision(soup)})
    assert response.status_code == 303
    edit = page(lead, f"{BASE}/edit")
    summary = squashed_text(one(edit, "[data-error-summary]"))
    assert "“How long did you wait for ADHD treatment to start?” is shown only for answers" in summary
    assert "Publish version" not in squashed_text(edit)
    response = _post(lead, f"{BASE}/publish", {})
    assert response.status_code == 422
    assert latest_version(db_session, survey_id).number == 1  # type: ignore[union-attr]


def test_the_preview_shows_each_question_as_a_family_sees_it(lead: FlaskClient) -> None:
    count = len(load_packaged()["questions"])
    soup = page(lead, f"{BASE}/preview")
    assert soup.find("input", attrs={"name": "answer", "type": "radio", "value": "0-4"}) is not None
    assert one(soup, "h1").get_text(strip=True) == "How old is your child?"
    assert not soup.select("main form")  # inert: nothing to send
    assert len(soup.select("details li")) == count
    soup = page(lead, f"{BASE}/preview?question={count}")
    assert soup.find("input", attrs={"name": "answer", "type": "checkbox"}) is not None
    assert "Next question" not in squashed_text(soup)
    soup = page(lead, f"{BASE}/preview?question=6")  # a duration, shown only for some answers
    assert "Shown only if the answer to" in squashed_text(soup)
    assert soup.find("input", attrs={"name": "amount"}) is not None
    page(lead, f"{BASE}/preview?question={count + 1}", 404)
    page(lead, f"{BASE}/preview?question=first", 404)


def test_dates_close_and_reopen_from_the_survey_page(
    app: Flask, lead: FlaskClient, db_session: Session, survey_id: int
) -> None:
    soup = page(lead, f"{BASE}/dates")
    response = lead.post(
        f"{BASE}/dates",
        data={"csrf_token": csrf_token(soup), "opens_on": "1 1 2020", "closes_on": "2030-12-31"},
    )
    assert response.status_code == 303
    assert "31 December 2030" in squashed_text(page(lead, BASE))
    response = lead.post(f"{BASE}/close", data={"csrf_token": csrf_token(page(lead, BASE))})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Survey, survey_id).status == SURVEY_CLOSED  # type: ignore[union-attr]
    assert app.test_client().get("/s/demo/send-experience/").status_code == 410
    assert "Reopen now" in squashed_text(page(lead, BASE))
    assert lead.post(f"{BASE}/reopen", data={"csrf_token": csrf_token(page(lead, BASE))}).status_code == 303
    assert app.test_client().get("/s/demo/send-experience/").status_code == 200
    assert audit_actions(db_session)[-3:] == [
        "builder.dates POST",
        "builder.close POST",
        "builder.reopen POST",
    ]


def test_a_draft_survey_has_pages_but_cannot_be_closed(lead: FlaskClient, db_session: Session) -> None:
    forum = get_forum(db_session, "demo")
    assert forum is not None
    make_pulse(db_session, forum)
    text = squashed_text(page(lead, "/staff/surveys/pulse"))
    assert "Draft, not published" in text and "Close now" not in text
    response = lead.post(
        "/staff/surveys/pulse/close", data={"csrf_token": csrf_token(page(lead, "/staff/surveys/pulse"))}
    )
    assert response.status_code == 422
    page(lead, "/staff/surveys/pulse/preview")
    assert (
        _post(lead, "/staff/surveys/pulse/publish", {}, from_url="/staff/surveys/pulse/edit").status_code
        == 303
    )
    assert "Open: taking responses" in squashed_text(page(lead, "/staff/surveys/pulse"))


ANSWERS: dict[str, dict[str, Any]] = {
    "radio": {"answer": "north"},
    "text": {"answer": "The CAMHS letter never came."},
    "number": {"answer": "2"},
    "duration": {"amount": "6", "unit": "months", "still_waiting": "y"},
    "month": {"month": "3", "year": "2024"},
    "rating": {"answer": "2"},
    "consent": {"answer": "y"},
}


def _answer_pulse(app: Flask, kinds: dict[str, str], services: list[str]) -> list[str]:
    """A family answers the published pulse survey (question key -> type ``kinds``), ticking
    ``services``; the questions they were asked."""
    family = app.test_client()
    survey_url = "/s/demo/pulse/"
    location = post_form(family, survey_url, {}).location
    asked = []
    while "/q/" in location:
        key = location.rsplit("/q/", 1)[1]
        asked.append(key)
        data = {"answer": services} if key == "services" else ANSWERS[kinds[key]]
        response = post_form(family, location, data)
        assert response.status_code == 302, (key, response.get_data(as_text=True)[:2000])
        location = response.location
    assert location.endswith("/check")
    assert (
        post_form(family, location, {"idempotency_key": idempotency_key_of(family, location)}).status_code
        == 302
    )
    return asked


_KINDS: dict[str, str] = {}


def idempotency_key_of(client: FlaskClient, url: str) -> str:
    return str(one(page(client, url), "input[name=idempotency_key]")["value"])


def test_a_survey_built_with_every_type_and_routing_is_answered_then_edited_into_version_2(
    app: Flask, lead: FlaskClient, db_session: Session
) -> None:
    forum = get_forum(db_session, "demo")
    assert forum is not None
    survey = make_pulse(db_session, forum)
    edit_url = "/staff/surveys/pulse/edit"
    for kind, title in (
        ("duration", "How long?"),
        ("month", "When?"),
        ("rating", "How good?"),
        ("consent", "Quote?"),
    ):
        assert (
            _post(
                lead, "/staff/surveys/pulse/questions", {"title": title, "kind": kind}, edit_url
            ).status_code
            == 303
        )
    assert _post(lead, "/staff/surveys/pulse/publish", {}, edit_url).status_code == 303
    document = draft_of(db_session, survey.id).document
    kinds = {q["key"]: q["type"] for q in document["questions"]}
    assert set(kinds.values()) == set(ANSWERS) | {"checkboxes"}
    assert "camhs_story" in _answer_pulse(app, kinds, ["camhs"])
    # Version 2: the area question gets the forum's localities, pasted in.
    url = "/staff/surveys/pulse/questions/area"
    data = {"title": "Which area do you live in?", "required": "yes", "options": "North\nSouth\nEast\nWest"}
    assert _post(lead, url, data, url).status_code == 303
    assert _post(lead, "/staff/surveys/pulse/publish", {}, edit_url).status_code == 303
    assert "camhs_story" not in _answer_pulse(app, kinds, ["none"])
    db_session.expire_all()
    versions = [(row.number, row.responses) for row in survey_versions(db_session, survey.id)]
    assert versions == [(2, 1), (1, 1)]  # one family on each version
