"""Suspending a forum: its surveys close (nothing lost), its staff see why, its share links stop; and
restoring it brings all three back."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum
from forum_app.surveys.models import Response
from tests.factories import (
    SURVEY_URL,
    answer_all,
    audit_actions,
    make_admin,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    sign_in,
    squashed_text,
    submit,
)
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack

ADMIN_EMAIL = "admin@platform.example"
LEAD = "lead@demo.example"


def _setup(db_session: Session) -> int:
    forum = make_forum(db_session)
    survey = make_survey(db_session, forum)
    make_staff(db_session, LEAD)
    make_admin(db_session)
    make_link(db_session, make_stored_pack(db_session, forum.id, survey.survey_id), OPEN_TOKEN)
    return forum.id


def _set(app: Flask, forum_id: int, action: str) -> None:
    admin = app.test_client()
    sign_in(admin, ADMIN_EMAIL)
    confirm = page(admin, f"/admin/forums/{forum_id}/{action}")
    assert one(confirm, "h1").get_text(strip=True) == f"{action.title()} Demo Parent Carer Forum?"
    response = post_form(admin, f"/admin/forums/{forum_id}/{action}", {}, follow=True)
    assert response.status_code == 200
    assert "Demo Parent Carer Forum is " in response.get_data(as_text=True)


def test_a_suspended_forum_stops_and_a_restored_one_starts_again(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    forum_id = _setup(db_session)
    answer_all(client)
    assert submit(client).status_code == 302
    lead = app.test_client()
    sign_in(lead, LEAD)
    _set(app, forum_id, "suspend")
    db_session.expire_all()
    assert db_session.get(Forum, forum_id).suspended_at is not None  # type: ignore[union-attr]

    closed = client.get(SURVEY_URL)
    assert closed.status_code == 410 and "This survey has closed" in closed.get_data(as_text=True)
    assert "send-experience" not in client.get("/").get_data(as_text=True)  # not listed either
    for url in ("/staff/responses", "/staff/packs", "/staff/codebook"):
        response = lead.get(url)
        assert response.status_code == 403, url
        assert "This forum is suspended" in response.get_data(as_text=True)
        assert "contact the platform administrator" in response.get_data(as_text=True).lower()
    shared = client.get(f"/p/{OPEN_TOKEN}")
    assert shared.status_code == 410 and "not working at the moment" in shared.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1  # nothing lost

    _set(app, forum_id, "restore")
    assert client.get(SURVEY_URL).status_code == 200
    assert one(page(lead, "/staff/responses"), "h1").get_text(strip=True) == "Responses"
    assert client.get(f"/p/{OPEN_TOKEN}").status_code in (200, 302)
    admin_actions = [action for action in audit_actions(db_session) if action.startswith("admin.")]
    assert admin_actions == ["admin.suspend POST", "admin.restore POST"]
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("admin.%"))).all()
    assert {event.forum_id for event in events} == {forum_id}


def test_the_staff_of_a_suspended_forum_can_still_sign_out(app: Flask, db_session: Session) -> None:
    forum_id = _setup(db_session)
    lead = app.test_client()
    sign_in(lead, LEAD)
    _set(app, forum_id, "suspend")
    soup = page(lead, "/staff/password")
    header = squashed_text(soup.find("nav"))
    assert "Responses" not in header and "Sign out" in header
    assert post_form(lead, "/staff/password", {}).status_code == 200  # the page works; nothing sent


def test_suspending_an_unknown_forum_is_a_404(app: Flask, db_session: Session) -> None:
    _setup(db_session)
    admin = app.test_client()
    sign_in(admin, ADMIN_EMAIL)
    assert admin.get("/admin/forums/999/suspend").status_code == 404
    assert admin.get("/admin/forums/x/suspend").status_code == 404
