"""A lead manages the team on screen: invitations, roles, deactivation and reset links; "forgot password"
by the same single-use links, emailed through a real SMTP conversation when mail is set up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts import recovery, team
from forum_app.accounts.links import Outbox
from forum_app.accounts.models import AccountLink, AuditEvent, Membership, User
from forum_app.extensions import db
from tests.conftest import empty_database, make_test_app
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token,
    make_forum,
    make_staff,
    one,
    page,
    post_form,
    sign_in,
    signed_in,
    squashed_text,
)
from tests.mailbox import Mailbox, mailbox

LEAD, CODER, VIEWER = "lead@demo.example", "coder@demo.example", "viewer@demo.example"
NEW = "new.person@demo.example"
NEW_PASSWORD = "otter maple lantern quiet"
GONE = "This link has expired or has already been used"
BASE = "https://forum.example.org"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _user_id(session: Session, email: str) -> int:
    session.expire_all()
    return session.scalars(select(User.id).where(User.email == email)).one()


def _team(session: Session) -> None:
    make_forum(session)
    make_staff(session, LEAD)
    make_staff(session, CODER, role="coder")
    make_staff(session, VIEWER, role="viewer")


def _link(response: Any) -> str:
    """The path of the link shown to the lead in the read-only field."""
    assert response.status_code == 200, response.status_code
    soup = page_of(response)
    field = soup.find("textarea", attrs={"id": "link"})
    assert field is not None and field.has_attr("readonly")
    return urlsplit(field.get_text().strip()).path


def page_of(response: Any) -> Any:
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _invite(lead: FlaskClient, email: str, role: str = "coder") -> Any:
    return post_form(lead, "/staff/team/invite", {"email": email, "role": role})


def _press(client: FlaskClient, user_id: int, action: str) -> Any:
    """Press a button (deactivate, reactivate, reset) on a member's page."""
    token = csrf_token(page(client, f"/staff/team/{user_id}"))
    return client.post(f"/staff/team/{user_id}/{action}", data={"csrf_token": token})


def _choose_password(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> Any:
    return post_form(client, path, {"password": password, "confirm": password})


def _can_sign_in(app: Flask, email: str, password: str) -> bool:
    client = app.test_client()
    response = post_form(client, "/staff/login", {"email": email, "password": password})
    return response.status_code == 302


def _outbox() -> Outbox:
    return Outbox(None, lambda purpose, token: token)


# --- inviting -----------------------------------------------------------------------------------


def test_an_invited_coder_chooses_a_password_and_signs_in(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _team(db_session)
    sign_in(client, LEAD)
    listing = page(client, "/staff/team")
    assert [td.get_text(strip=True) for td in listing.select("tbody tr td:first-child")] == sorted(
        [CODER, LEAD, VIEWER]
    )
    form = page(client, "/staff/team/invite")
    assert "Codes approved answers into themes" in form.get_text()
    no_role = page_of(_invite(client, NEW, ""))
    assert no_role.title is not None and no_role.title.get_text().startswith("Error: ")
    assert "Choose a role" in no_role.find(class_="error-summary").get_text()
    assert "Choose a role" in no_role.find(class_="error-message").get_text()
    path = _link(_invite(client, " New.Person@Demo.example ", "coder"))
    assert path.startswith("/staff/invite/")

    newcomer = app.test_client()
    assert f"Choose a password for {NEW}" in squashed_text(page(newcomer, path))
    refused = _choose_password(newcomer, path, "short")
    assert refused.status_code == 200 and "at least 12 characters" in page_of(refused).get_text()
    mismatch = post_form(newcomer, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords are not the same" in page_of(mismatch).get_text()
    done = _choose_password(newcomer, path)
    assert done.status_code == 302 and done.location == "/staff/login"
    assert "Your account is ready" in page(newcomer, "/staff/login").get_text()
    sign_in(newcomer, NEW, NEW_PASSWORD)
    assert page(newcomer, "/staff/coding").h1 is not None
    page(newcomer, "/staff/team", 403)

    again = app.test_client().get(path)
    assert again.status_code == 410 and GONE in page_of(again).get_text()
    db_session.expire_all()
    user = db_session.scalars(select(User).where(User.email == NEW)).one()
    assert not user.must_change_password
    assert db_session.scalars(select(Membership.role).where(Membership.user_id == user.id)).one() == "coder"
    stored = db_session.scalars(select(AccountLink)).one()
    assert stored.used_at is not None and path.rsplit("/", 1)[1] not in stored.token_hash
    events = [(e.action, e.object_id) for e in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert ("team.invite", str(stored.id)) in events and ("team.join", str(stored.id)) in events
    assert not any("@" in object_id for _, object_id in events)
    shown = page(client, "/staff/audit").get_text()
    assert "invited someone to the team" in shown and "joined the team with an invitation" in shown


def test_links_expire_and_work_once(app: Flask, db_session: Session) -> None:
    _team(db_session)
    forum_id = db_session.scalars(select(Membership.forum_id)).first()
    assert forum_id is not None
    lead = _user_id(db_session, LEAD)
    token = team.invite(db_session, forum_id, lead, NEW, "viewer", _outbox(), now=T0).url
    assert recovery.invitation(db_session, token, now=T0 + timedelta(days=7, seconds=-1)).role == "viewer"
    with pytest.raises(recovery.LinkGone):
        recovery.invitation(db_session, token, now=T0 + timedelta(days=7))
    with pytest.raises(recovery.LinkGone):
        recovery.accept_invite(db_session, token, NEW_PASSWORD, now=T0 + timedelta(days=8))

    coder = _user_id(db_session, CODER)
    reset = team.request_reset(db_session, forum_id, lead, coder, _outbox(), now=T0).url
    assert recovery.reset_link_email(db_session, reset, now=T0 + timedelta(hours=23, minutes=59)) == CODER
    with pytest.raises(recovery.LinkGone):
        recovery.reset_with_link(db_session, reset, NEW_PASSWORD, now=T0 + timedelta(hours=24))
    newer = team.request_reset(db_session, forum_id, lead, coder, _outbox(), now=T0).url
    assert recovery.reset_with_link(db_session, newer, NEW_PASSWORD, now=T0) == coder
    with pytest.raises(recovery.LinkGone):
        recovery.reset_with_link(db_session, newer, "another long password", now=T0)
    with pytest.raises(recovery.LinkGone):  # an invitation's token is no reset token, and the reverse
        recovery.reset_link_email(db_session, token, now=T0)


def test_someone_with_an_account_signs_in_and_joins_a_second_forum(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _team(db_session)
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, "lead@other.example", forum_slug="other")
    make_staff(db_session, "both@other.example", forum_slug="other", role="coder")
    path = _link(_invite(signed_in(app, LEAD), "both@other.example", "viewer"))

    anonymous = page(client, path)
    sign_in_link = anonymous.find("a", string="Sign in to accept")
    assert sign_in_link is not None and not anonymous.find("input", attrs={"type": "password"})
    someone_else = signed_in(app, CODER)
    assert "This invitation is for both@other.example" in squashed_text(page(someone_else, path))
    assert post_form(someone_else, path, {}).status_code == 200  # no button for them: nothing happens

    response = post_form(
        client, str(sign_in_link["href"]), {"email": "both@other.example", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302 and response.location == path
    joined = post_form(client, path, {})
    assert joined.status_code == 302 and joined.location == "/staff/responses"
    assert "Demo Parent Carer Forum" in page(client, "/staff/responses").get_text()
    user_id = _user_id(db_session, "both@other.example")
    roles = db_session.execute(
        select(Membership.forum_id, Membership.role).where(Membership.user_id == user_id)
    )
    assert sorted(role for _, role in roles) == ["coder", "viewer"]
    assert one(page(client, path, 410), "h1").get_text(strip=True) == GONE


# --- roles and deactivation -----------------------------------------------------------------------


def test_a_lead_changes_a_role(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _team(db_session)
    coder = _user_id(db_session, CODER)
    sign_in(client, LEAD)
    member_page = page(client, f"/staff/team/{coder}")
    assert member_page.find("input", attrs={"name": "role", "value": "coder", "checked": True}) is not None
    response = post_form(client, f"/staff/team/{coder}", {"role": "lead"})
    assert response.status_code == 302 and response.location == "/staff/team"
    assert "Their role has been changed." in page(client, "/staff/team").get_text()
    db_session.expire_all()
    assert db_session.scalars(select(Membership.role).where(Membership.user_id == coder)).one() == "lead"
    bad = post_form(client, f"/staff/team/{coder}", {"role": "admin"})
    assert bad.status_code == 200 and "Choose a role" in page_of(bad).get_text()
    assert ("team.role", str(coder)) in [
        (e.action, e.object_id) for e in db_session.scalars(select(AuditEvent))
    ]


def test_a_forum_always_keeps_an_active_lead(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _team(db_session)
    lead = _user_id(db_session, LEAD)
    sign_in(client, LEAD)
    for response in (
        post_form(client, f"/staff/team/{lead}", {"role": "coder"}),
        _press(client, lead, "deactivate"),
    ):
        assert response.status_code == 200
        assert (
            "must keep at least one active lead" in page_of(response).find(class_="error-summary").get_text()
        )
    db_session.expire_all()
    member = db_session.scalars(select(Membership).where(Membership.user_id == lead)).one()
    assert member.role == "lead" and member.active
    coder = _user_id(db_session, CODER)
    assert post_form(client, f"/staff/team/{coder}", {"role": "lead"}).status_code == 302
    assert post_form(client, f"/staff/team/{lead}", {"role": "viewer"}).status_code == 302  # now allowed


def test_a_deactivated_member_is_shut_out_and_can_be_reactivated(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _team(db_session)
    coder_id = _user_id(db_session, CODER)
    coder = signed_in(app, CODER)
    assert coder.get("/staff/coding").status_code == 200
    sign_in(client, LEAD)
    response = _press(client, coder_id, "deactivate")
    assert response.status_code == 302
    assert "Deactivated" in squashed_text(page(client, "/staff/team").find("tbody"))
    ended = coder.get("/staff/coding")  # the cookie, and every copy of it, no longer works
    assert ended.status_code == 302 and ended.location.startswith("/staff/login")
    assert not _can_sign_in(app, CODER, STAFF_PASSWORD)
    db_session.expire_all()
    assert not db_session.get(User, coder_id).active  # type: ignore[union-attr]  # no other forum
    assert _press(client, coder_id, "reset").status_code == 200  # page with the refusal
    assert db_session.scalars(select(AccountLink)).all() == []
    assert _press(client, coder_id, "reactivate").status_code == 302
    assert _can_sign_in(app, CODER, STAFF_PASSWORD)


def test_leaving_one_forum_keeps_the_account_for_the_other(app: Flask, db_session: Session) -> None:
    _team(db_session)
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, CODER, forum_slug="other", role="viewer")
    coder = signed_in(app, CODER)
    lead = signed_in(app, LEAD)
    assert _press(lead, _user_id(db_session, CODER), "deactivate").status_code == 302
    assert coder.get("/staff/responses").status_code == 302  # signed out everywhere, in every case
    coder = signed_in(app, CODER)
    assert "Other Forum" in page(coder, "/staff/responses").get_text()
    page(coder, "/staff/coding", 403)  # a viewer there


# --- password resets ------------------------------------------------------------------------------


def test_a_lead_makes_a_reset_link_that_sets_a_new_password(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _team(db_session)
    viewer = _user_id(db_session, VIEWER)
    old_session = signed_in(app, VIEWER)
    sign_in(client, LEAD)
    path = _link(_press(client, viewer, "reset"))
    assert old_session.get("/staff/responses").status_code == 200  # a link changes nothing until used
    assert path.startswith("/staff/reset/")
    stranger = app.test_client()
    assert VIEWER in page(stranger, path).get_text()
    assert _choose_password(stranger, path).location == "/staff/login"
    assert "Your password has been changed" in page(stranger, "/staff/login").get_text()
    ended = old_session.get("/staff/responses")
    assert ended.status_code == 302 and ended.location.startswith("/staff/login")
    assert not _can_sign_in(app, VIEWER, STAFF_PASSWORD)
    assert _can_sign_in(app, VIEWER, NEW_PASSWORD)
    assert stranger.get(path).status_code == 410
    token = csrf_token(page(stranger, "/staff/login"))
    second = {"password": "yet another password", "confirm": "yet another password", "csrf_token": token}
    assert stranger.post(path, data=second).status_code == 410


@pytest.fixture()
def box() -> Iterator[Mailbox]:
    with mailbox() as running:
        yield running


@pytest.fixture()
def mail_app(database_url: str, box: Mailbox) -> Iterator[Flask]:
    app = make_test_app(
        database_url,
        SMTP_HOST=box.host,
        SMTP_PORT=box.port,
        SMTP_STARTTLS=False,
        SMTP_TIMEOUT_SECONDS=2,
        MAIL_FROM="forum@forum.example.org",
        PUBLIC_BASE_URL=BASE,
    )
    yield app
    empty_database(app)
    db.engine(app).dispose()


def test_forgot_password_emails_a_link_and_says_the_same_for_unknown_emails(
    mail_app: Flask, box: Mailbox
) -> None:
    session = db.sessionmaker(mail_app)()
    _team(session)
    session.close()
    client = mail_app.test_client()
    assert page(client, "/staff/login").find("a", string="Forgot your password?") is not None
    known = post_form(client, "/staff/forgot-password", {"email": CODER.upper()})
    unknown = post_form(client, "/staff/forgot-password", {"email": "nobody@demo.example"})
    assert known.status_code == unknown.status_code == 200
    assert squashed_text(page_of(known).main) == squashed_text(page_of(unknown).main)
    assert len(box.messages) == 1 and box.messages[0].recipients == [CODER]
    body = box.messages[0].body
    url = next(word for word in body.split() if word.startswith(BASE))
    path = urlsplit(url).path
    assert path.startswith("/staff/reset/") and STAFF_PASSWORD not in body

    assert _choose_password(client, path).location == "/staff/login"
    assert not _can_sign_in(mail_app, CODER, STAFF_PASSWORD)
    assert _can_sign_in(mail_app, CODER, NEW_PASSWORD)
    assert client.get(path).status_code == 410


def test_invitations_are_emailed_when_mail_is_set_up(mail_app: Flask, box: Mailbox) -> None:
    session = db.sessionmaker(mail_app)()
    _team(session)
    session.close()
    shown = page_of(_invite(signed_in(mail_app, LEAD), NEW, "viewer"))
    assert f"We have also emailed it to {NEW}" in squashed_text(shown)
    (message,) = box.messages
    assert message.recipients == [NEW] and "Demo Parent Carer Forum" in message.message["Subject"]
    link = shown.find("textarea", attrs={"id": "link"}).get_text().strip()
    assert link.startswith(BASE + "/staff/invite/") and link in message.body


def test_forgot_password_is_throttled_per_source_and_per_email(mail_app: Flask, box: Mailbox) -> None:
    session = db.sessionmaker(mail_app)()
    _team(session)
    session.close()
    client = mail_app.test_client()
    answers = [post_form(client, "/staff/forgot-password", {"email": CODER}).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    assert len(box.messages) == 3  # per email: 3 an hour, the same answer after that


def test_without_mail_forgot_password_says_to_ask_the_lead(app: Flask, client: FlaskClient) -> None:
    shown = page(client, "/staff/forgot-password")
    assert "Ask your forum lead" in shown.get_text() and shown.find("form", attrs={"method": "post"}) is None
    token = csrf_token(page(client, "/staff/login"))
    response = client.post("/staff/forgot-password", data={"email": CODER, "csrf_token": token})
    assert response.status_code == 200 and "Ask your forum lead" in page_of(response).get_text()


# --- who may do it ---------------------------------------------------------------------------------


def test_coders_and_viewers_cannot_manage_the_team(app: Flask, db_session: Session) -> None:
    _team(db_session)
    lead = _user_id(db_session, LEAD)
    for email in (CODER, VIEWER):
        client = signed_in(app, email)
        token = csrf_token(page(client, "/staff/responses"))
        page(client, "/staff/team", 403)
        page(client, "/staff/team/invite", 403)
        page(client, f"/staff/team/{lead}", 403)
        for action in ("", "/deactivate", "/reset"):
            response = client.post(
                f"/staff/team/{lead}{action}", data={"csrf_token": token, "role": "viewer"}
            )
            assert response.status_code == 403
        invite = client.post("/staff/team/invite", data={"csrf_token": token, "email": NEW, "role": "lead"})
        assert invite.status_code == 403
    db_session.expire_all()
    assert db_session.scalars(select(AccountLink)).all() == []
    assert db_session.scalars(select(Membership.role).where(Membership.user_id == lead)).one() == "lead"


def test_a_lead_of_another_forum_cannot_touch_this_team(app: Flask, db_session: Session) -> None:
    _team(db_session)
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, "lead@other.example", forum_slug="other")
    coder = _user_id(db_session, CODER)
    other = signed_in(app, "lead@other.example")
    assert CODER not in page(other, "/staff/team").get_text()
    page(other, f"/staff/team/{coder}", 404)
    token = csrf_token(page(other, "/staff/team"))
    for action in ("", "/deactivate", "/reactivate", "/reset"):
        response = other.post(f"/staff/team/{coder}{action}", data={"csrf_token": token, "role": "lead"})
        assert response.status_code == 404, action
    db_session.expire_all()
    member = db_session.scalars(select(Membership).where(Membership.user_id == coder)).one()
    assert member.role == "coder" and member.active and db_session.scalars(select(AccountLink)).all() == []


@pytest.mark.parametrize(
    "email",
    ["x" * 300 + "@demo.example", "nul\x00@demo.example", "zoë@exämple.org", "<script>@x.org", "", "a@b"],
)
def test_hostile_emails_get_a_clear_message(
    app: Flask, client: FlaskClient, db_session: Session, email: str
) -> None:
    _team(db_session)
    sign_in(client, LEAD)
    response = _invite(client, email)
    if response.status_code == 200 and page_of(response).find(id="link") is not None:
        assert email == "zoë@exämple.org"  # a real address, in letters of its own
        return
    assert response.status_code == 200 and page_of(response).find(class_="error-summary") is not None
    anonymous = app.test_client()
    token = csrf_token(page(anonymous, "/staff/login"))
    forgot = anonymous.post("/staff/forgot-password", data={"email": email, "csrf_token": token})
    assert forgot.status_code == 200


@pytest.mark.parametrize("token", ["x", "%00", "a" * 5000, "ünïcode-" + "a" * 30, "..%2F..%2Fetc"])
def test_unknown_links_get_the_same_clear_page(app: Flask, client: FlaskClient, token: str) -> None:
    for path in (f"/staff/invite/{token}", f"/staff/reset/{token}"):
        response = client.get(path)
        assert response.status_code in (404, 410), (path, response.status_code)
        if response.status_code == 410:
            assert GONE in page_of(response).get_text()


def test_hostile_emails_asking_for_a_reset_get_the_usual_answer(mail_app: Flask, box: Mailbox) -> None:
    session = db.sessionmaker(mail_app)()
    _team(session)
    session.close()
    client = mail_app.test_client()
    token = csrf_token(page(client, "/staff/login"))
    for email in (
        "x" * 300 + "@demo.example",
        "nul\x00@demo.example",
        "zoë@exämple.org",
        "coder@demo.example\x00",
    ):
        response = client.post("/staff/forgot-password", data={"email": email, "csrf_token": token})
        assert response.status_code == 200, email
    assert box.messages == []
