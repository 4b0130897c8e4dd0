"""The forum's local services and localities: the lead's form, its page, and the options they give."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.builder.drafts import draft_of
from forum_app.builder.local_lists import as_options, check_lists, form_values
from forum_app.forum_settings import MAX_ITEM_CHARS, MAX_LIST_ITEMS, LocalLists, read_section
from forum_app.surveys.definitions import parse_definition
from forum_app.surveys.models import Survey
from tests.builder.factories import LEAD as BUILDER_LEAD
from tests.builder.factories import make_builder_forum
from tests.factories import audit_actions, csrf_token, form_value, make_forum_with_staff, one, page, signed_in

LEAD, CODER = "lead@example.org", "coder@example.org"
LISTS = "/staff/surveys/local-lists"


def test_names_are_one_a_line_tidied_and_kept_once() -> None:
    typed = {
        "local_services": " Northshire  CAMHS \r\n\r\nPortage service\nnorthshire camhs",
        "localities": "",
    }
    lists, errors = check_lists(typed, LocalLists())
    assert errors == {}
    assert lists == LocalLists(("Northshire CAMHS", "Portage service"), ())
    assert form_values(lists) == {"local_services": "Northshire CAMHS\nPortage service", "localities": ""}


def test_too_many_or_too_long_names_are_refused_and_nothing_changes() -> None:
    stored = LocalLists(("Kept",), ())
    many = "\n".join(f"Place {n}" for n in range(MAX_LIST_ITEMS + 1))
    lists, errors = check_lists({"local_services": "", "localities": many}, stored)
    assert lists is stored and errors == {
        "localities": [f"Give at most 200 localities: there are {MAX_LIST_ITEMS + 1}."]
    }
    _, errors = check_lists({"local_services": "x" * (MAX_ITEM_CHARS + 1), "localities": ""}, stored)
    assert "too long" in errors["local_services"][0]


def test_a_lists_names_make_valid_options() -> None:
    options = as_options(("Northshire CAMHS", "Ward 3 (Eastfield)"))
    document = {
        "slug": "s",
        "title": "T",
        "questions": [{"key": "service", "type": "radio", "title": "Which service?", "options": options}],
    }
    (question,) = parse_definition(document).questions
    assert [o.label for o in question.options] == ["Northshire CAMHS", "Ward 3 (Eastfield)"]


def test_a_lead_saves_the_lists_and_others_may_not(app: Flask, db_session: Session) -> None:
    make_forum_with_staff(db_session, {LEAD: "lead", CODER: "coder"})
    assert signed_in(app, CODER).get(LISTS).status_code == 403
    lead = signed_in(app, LEAD)
    soup = page(lead, LISTS)
    sent = lead.post(
        LISTS,
        data={
            "csrf_token": csrf_token(soup),
            "version": form_value(soup, "version"),
            "local_services": "Northshire CAMHS\nPortage service",
            "localities": "Eastfield\nWestbrook",
        },
    )
    assert sent.status_code == 303
    db_session.expire_all()
    forum = db_session.query(Forum).one()
    assert read_section(forum, LocalLists) == LocalLists(
        ("Northshire CAMHS", "Portage service"), ("Eastfield", "Westbrook")
    )
    assert "Eastfield\nWestbrook" in page(lead, LISTS).get_text()
    assert "builder.local_lists POST" in " ".join(audit_actions(db_session))


def test_a_refused_list_is_shown_again_as_typed_with_a_message(app: Flask, db_session: Session) -> None:
    make_forum_with_staff(db_session, {LEAD: "lead"})
    lead = signed_in(app, LEAD)
    soup = page(lead, LISTS)
    typed = "y" * (MAX_ITEM_CHARS + 5)
    sent = lead.post(
        LISTS,
        data={
            "csrf_token": csrf_token(soup),
            "version": form_value(soup, "version"),
            "local_services": typed,
        },
    )
    assert sent.status_code == 200
    text = sent.get_data(as_text=True)
    assert "Error: Local services and localities" in text and typed in text and "too long" in text


def test_a_question_takes_its_options_from_a_list_and_keeps_them_once_saved(
    app: Flask, db_session: Session
) -> None:
    forum = make_builder_forum(db_session)
    forum.settings = {"localities": ["Eastfield", "Westbrook"], "local_services": []}
    db_session.commit()
    lead = signed_in(app, BUILDER_LEAD)
    question = "/staff/surveys/send-experience/questions/age_band"
    soup = page(lead, question)
    offered = [a.get_text(" ", strip=True) for a in soup.select("a[href*='fill=']")]
    assert offered == ["your forum’s localities (2)"]  # an empty list is not offered
    soup = page(lead, question + "?fill=localities")
    assert one(soup, "textarea[name=options]").get_text() == "Eastfield\nWestbrook"
    assert one(page(lead, question + "?fill=local_services"), "textarea[name=options]").get_text() != ""
    form = {field["name"]: field.get("value", "") for field in soup.select("form input[name]")}
    form.update(options="Eastfield\nWestbrook", title="Where do you live?", required="yes")
    assert lead.post(question, data=form).status_code == 303
    draft = draft_of(db_session, db_session.scalars(select(Survey)).one().id)
    (saved,) = [q for q in draft.document["questions"] if q["key"] == "age_band"]
    assert [o["label"] for o in saved["options"]] == ["Eastfield", "Westbrook"]
    rating = "/staff/surveys/send-experience/questions/rating_communication"
    assert page(lead, rating).select("a[href*='fill=']") == []  # a scale is not a list of places
