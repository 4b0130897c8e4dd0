"""A lead's "Sign them out" on a team member's page ends every session of that member."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, User
from tests.factories import csrf_token, make_forum, make_staff, page, signed_in

LEAD, CODER, OTHER = "lead@demo.example", "coder@demo.example", "lead@beta.example"
RESPONSES = "/staff/responses"


def _user_id(db_session: Session, email: str) -> int:
    return int(db_session.scalars(select(User.id).where(User.email == email)).one())


def test_a_lead_signs_a_member_out_everywhere(app: Flask, db_session: Session) -> None:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    coder_id = _user_id(db_session, CODER)
    coder, coder_phone = signed_in(app, CODER), signed_in(app, CODER)
    lead = signed_in(app, LEAD)
    member_page = page(lead, f"/staff/team/{coder_id}")
    form = member_page.find("form", action=f"/staff/team/{coder_id}/sign-out")
    assert form is not None and "Sign them out" in form.get_text()
    assert lead.post(f"/staff/team/{coder_id}/sign-out", data={}).status_code == 400  # no CSRF token
    assert coder.get(RESPONSES).status_code == 200
    response = lead.post(f"/staff/team/{coder_id}/sign-out", data={"csrf_token": csrf_token(member_page)})
    assert response.status_code == 302
    assert "signed out everywhere (2 sessions ended)" in page(lead, response.location).get_text()
    assert coder.get(RESPONSES).status_code == 302 and coder_phone.get(RESPONSES).status_code == 302
    assert lead.get(RESPONSES).status_code == 200
    db_session.expire_all()
    logged = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "team.sign_out")).one()
    assert (logged.user_id, logged.object_id) == (_user_id(db_session, LEAD), str(coder_id))
    assert "signed a member out everywhere" in page(lead, "/staff/audit").get_text()


def test_only_a_lead_of_their_forum_can_sign_them_out(app: Flask, db_session: Session) -> None:
    make_forum(db_session)
    make_forum(db_session, "beta", "Beta Forum")
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    make_staff(db_session, OTHER, "beta")
    lead_id = _user_id(db_session, LEAD)
    lead = signed_in(app, LEAD)
    for who, status in ((CODER, 403), (OTHER, 404)):
        client = signed_in(app, who)
        token = csrf_token(page(client, "/staff/account"))
        assert (
            client.post(f"/staff/team/{lead_id}/sign-out", data={"csrf_token": token}).status_code == status
        )
    assert lead.get(RESPONSES).status_code == 200
