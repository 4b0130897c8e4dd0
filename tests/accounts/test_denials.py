"""Refused requests are audited: ids only, at most once a minute per person and endpoint."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum, User
from tests.factories import make_forum, make_staff, signed_in

LEAD, CODER = "lead@demo.example", "coder@demo.example"
DENIED_AUDIT = "denied accounts.audit_log GET"


def test_a_coder_refused_a_lead_page_is_logged_once_and_the_lead_reads_it(
    app: Flask, db_session: Session
) -> None:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    coder = signed_in(app, CODER)
    for _ in range(5):  # a loop asking again and again
        assert coder.get("/staff/audit?page=2&secret=words").status_code == 403
    db_session.expire_all()
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("denied "))).all()
    assert [event.action for event in events] == [DENIED_AUDIT]
    forum_id = db_session.scalars(select(Forum.id)).one()
    coder_id = db_session.scalars(select(User.id).where(User.email == CODER)).one()
    assert (events[0].forum_id, events[0].user_id, events[0].object_id) == (forum_id, coder_id, "")
    shown = signed_in(app, LEAD).get("/staff/audit").get_data(as_text=True)
    assert "was refused a page they may not use" in shown and CODER in shown
    assert "secret" not in shown


def test_a_signed_out_visitor_is_not_logged(app: Flask, db_session: Session) -> None:
    make_forum(db_session)
    assert app.test_client().get("/staff/audit").status_code == 302
    db_session.expire_all()
    assert db_session.scalars(select(AuditEvent)).all() == []
