"""The audit log: staff actions logged with ids only; every staff form is logged or says why not."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.audit import AUDITED, NOT_AUDITED
from forum_app.accounts.models import AuditEvent
from forum_app.security import PUBLIC_ENDPOINTS
from forum_app.surveys.models import Response
from tests.factories import JOURNEY, answer_all, make_forum, make_staff, make_survey, page, sign_in, submit

LEAD, CODER = "lead@example.org", "coder@example.org"


def test_every_staff_form_is_logged_or_says_why_not(app: Flask) -> None:
    posts = {
        (rule.endpoint, "POST")
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and rule.endpoint not in PUBLIC_ENDPOINTS
    }
    missing = posts - set(AUDITED) - set(NOT_AUDITED)
    assert not missing, f"staff forms neither audited nor exempt: {sorted(missing)}"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {endpoint for endpoint, _ in [*AUDITED, *NOT_AUDITED]} <= endpoints  # no stale entries


def _events(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(e.action, e.object_id) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_views_and_exports_are_logged_with_ids_only(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    submit_client = app.test_client()
    answer_all(submit_client)
    submit(submit_client)
    response_id = db_session.scalars(select(Response.id).where(Response.status == "submitted")).one()

    sign_in(client, LEAD)
    page(client, "/staff/responses")  # a list: not logged
    page(client, f"/staff/responses/{response_id}")
    page(client, f"/staff/responses/{'0' * 32}", 404)  # nothing shown: not logged
    assert client.get("/staff/codebook/export.csv").status_code == 200
    assert _events(db_session) == [
        ("accounts.login POST", ""),
        ("surveys.response_detail GET", response_id),
        ("codebook.export_csv GET", ""),
    ]
    texts = [answer for _, data in JOURNEY for answer in data.values() if isinstance(answer, str)]
    logged = " ".join(f"{action} {object_id}" for action, object_id in _events(db_session))
    assert not any(text in logged for text in texts if len(text) > 3)

    shown = page(client, "/staff/audit").get_text(" ")
    assert "viewed a response" in shown and "exported the codebook (CSV)" in shown and LEAD in shown
    assert "signed in" in shown


def test_only_a_lead_reads_the_log_and_only_their_forums(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    make_survey(db_session, make_forum(db_session))
    make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    make_staff(db_session, CODER, role="coder")
    make_staff(db_session, "lead@other.example", forum_slug="other")
    coder = app.test_client()
    sign_in(coder, CODER)
    page(coder, "/staff/audit", 403)
    sign_in(client, "lead@other.example")
    shown = page(client, "/staff/audit").get_text(" ")
    assert CODER not in shown and "lead@other.example" in shown
