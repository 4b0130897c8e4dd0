"""The platform administrator invites a new forum's first lead, who then runs the forum themselves;
the administrator still sees none of its answers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum, Membership, User
from tests.factories import make_admin, make_forum, make_staff, page, post_form, sign_in

ADMIN_EMAIL = "admin@platform.example"
NEW_LEAD = "first.lead@northshire.example"
NEW_PASSWORD = "kettle orchard lantern seventeen"


def _forum_id(session: Session, slug: str) -> int:
    return session.scalars(select(Forum.id).where(Forum.slug == slug)).one()


def test_the_administrator_invites_a_forums_first_lead(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum_id = make_forum(db_session, "northshire", "Northshire PCF").id
    make_admin(db_session, ADMIN_EMAIL)
    sign_in(client, ADMIN_EMAIL)
    listing = page(client, "/admin/forums")
    invite_url = f"/admin/forums/{forum_id}/invite"
    assert listing.find("a", href=invite_url + "-lead") is not None

    empty = post_form(client, invite_url + "-lead", {"email": ""})
    assert empty.status_code == 200 and "Enter their email address" in empty.get_data(as_text=True)
    made = post_form(client, invite_url + "-lead", {"email": NEW_LEAD})
    assert made.status_code == 200
    link = page_link(made.get_data(as_text=True))
    assert "/staff/invite/" in link

    newcomer = app.test_client()
    path = link[link.index("/staff/invite/") :]
    done = post_form(newcomer, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    sign_in(newcomer, NEW_LEAD, NEW_PASSWORD)
    assert page(newcomer, "/staff/team").h1 is not None  # a lead: they run the team from here

    db_session.expire_all()
    user = db_session.scalars(select(User).where(User.email == NEW_LEAD)).one()
    role = db_session.scalars(
        select(Membership.role).where(Membership.user_id == user.id, Membership.forum_id == forum_id)
    ).one()
    assert role == "lead"
    admin = db_session.scalars(select(User).where(User.email == ADMIN_EMAIL)).one()
    assert db_session.scalars(select(Membership).where(Membership.user_id == admin.id)).all() == []
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.forum_id == forum_id)).all()
    assert "team.invite" in actions
    page(client, "/staff/responses", 403)  # inviting a lead gives the administrator no way in


def test_only_the_administrator_invites_leads_and_only_to_a_real_forum(
    client: FlaskClient, db_session: Session
) -> None:
    forum_id = make_forum(db_session).id
    make_staff(db_session, "lead@demo.example")
    make_admin(db_session, ADMIN_EMAIL)
    sign_in(client, "lead@demo.example")
    page(client, f"/admin/forums/{forum_id}/invite-lead", 403)
    admin = client.application.test_client()
    sign_in(admin, ADMIN_EMAIL)
    page(admin, "/admin/forums/999999/invite-lead", 404)


def page_link(html: str) -> str:
    start = html.index('id="link"')
    body = html[html.index(">", start) + 1 :]
    return body[: body.index("</textarea>")].strip()
