"""A forum's team, managed by its leads: members, invitations, roles, deactivation and reset links.

Every function takes the lead's forum and acts on that forum's memberships only, so a lead of another
forum finds nobody (``NotOnTeam``). A forum always keeps at least one active lead. Each change is one
transaction with its audit entry (ids only, never an email address).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.links import (
    INVITE_LIFETIME,
    LEAD_RESET_LIFETIME,
    Issued,
    Outbox,
    audit,
    email_link,
    invite_email,
    issue,
    reset_email,
    retire_resets,
)
from forum_app.accounts.models import INVITE, RESET, ROLES, Forum, Membership, User
from forum_app.accounts.services import AccountError, normalise_email
from forum_app.accounts.sessions import end_all

ROLE_DESCRIPTIONS = {
    "lead": "Runs the forum's work: moderates answers, manages the team, makes and shares evidence packs.",
    "coder": "Codes approved answers into themes and takes part in double coding.",
    "viewer": "Reads responses, the codebook and evidence packs, and changes nothing.",
}
# An address as people type them: no spaces, brackets, quotes or separators, and a dot after the @.
_ADDRESS = re.compile(r'^[^@\s<>()\[\]\\,;:"]+@[^@\s<>()\[\]\\,;:"]+\.[^@\s<>()\[\]\\,;:"]+$')
CHOOSE_ROLE = "Choose a role"
LAST_LEAD = "Your forum must keep at least one active lead. Make someone else a lead first."


class NotOnTeam(LookupError):
    """Nobody with this id is on the forum's team."""


def _two_factor(user: User) -> bool | None:
    return bool(user.has_two_factor)


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: str
    active: bool  # active in this forum (and their account is open)
    two_factor: bool | None  # None when the app has no two-factor sign-in yet


def list_members(session: Session, forum_id: int) -> list[Member]:
    """The forum's team, active members first, then by email."""
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.forum_id == forum_id)
    ).all()
    members = [
        Member(user.id, user.email, member.role, member.active and user.active, _two_factor(user))
        for member, user in rows
    ]
    return sorted(members, key=lambda m: (not m.active, m.email))


def get_member(session: Session, forum_id: int, user_id: int) -> Member:
    for member in list_members(session, forum_id):
        if member.user_id == user_id:
            return member
    raise NotOnTeam(user_id)


def _membership(session: Session, forum_id: int, user_id: int) -> Membership:
    found = session.scalar(
        select(Membership).where(Membership.forum_id == forum_id, Membership.user_id == user_id)
    )
    if found is None:
        raise NotOnTeam(user_id)
    return found


def _lock_forum(session: Session, forum_id: int) -> Forum:
    """Changes to one forum's leads are made one at a time, so two leads cannot demote each other."""
    forum = session.scalar(select(Forum).where(Forum.id == forum_id).with_for_update())
    if forum is None:
        raise NotOnTeam(forum_id)
    return forum


def _other_active_leads(session: Session, forum_id: int, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.forum_id == forum_id,
                Membership.role == "lead",
                Membership.active.is_(True),
                User.active.is_(True),
                Membership.user_id != user_id,
            )
        )
        or 0
    )


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if len(email) > 254 or not _ADDRESS.match(email) or any(ord(c) < 32 or c == "\x7f" for c in email):
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    return email


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(CHOOSE_ROLE)
    return role


def invite(
    session: Session,
    forum_id: int,
    by_user_id: int,
    email: str,
    role: str,
    outbox: Outbox,
    now: datetime | None = None,
) -> Issued:
    """A link inviting ``email`` to the forum's team as ``role`` (emailed when mail is set up)."""
    email, role = _check_email(email), _check_role(role)
    forum = _lock_forum(session, forum_id)
    existing = session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.forum_id == forum_id, User.email == email)
    )
    if existing is not None and existing.active and existing.user.active:
        raise AccountError("That person is already on your team. Change their role from the team page.")
    link, token = issue(
        session, INVITE, email, INVITE_LIFETIME, now, forum_id=forum_id, role=role, created_by=by_user_id
    )
    audit(session, forum_id, by_user_id, "team.invite", link.id)
    session.commit()
    url = outbox.url_of(INVITE, token)
    subject, lines = invite_email(forum.name, role, url, link.expires_at)
    return Issued(url, link.expires_at, email_link(outbox, email, subject, lines))


def change_role(session: Session, forum_id: int, by_user_id: int, user_id: int, role: str) -> None:
    role = _check_role(role)
    _lock_forum(session, forum_id)
    member = _membership(session, forum_id, user_id)
    if member.role == role:
        session.rollback()
        return
    if member.role == "lead" and member.active and not _other_active_leads(session, forum_id, user_id):
        session.rollback()
        raise AccountError(LAST_LEAD)
    member.role = role
    audit(session, forum_id, by_user_id, "team.role", user_id)
    session.commit()


def deactivate(session: Session, forum_id: int, by_user_id: int, user_id: int) -> None:
    """They leave this forum's team; with no other forum left, their account is closed. Either way,
    every session of theirs ends."""
    _lock_forum(session, forum_id)
    member = _membership(session, forum_id, user_id)
    if member.role == "lead" and member.active and not _other_active_leads(session, forum_id, user_id):
        session.rollback()
        raise AccountError(LAST_LEAD)
    member.active = False
    others = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user_id, Membership.active.is_(True), Membership.forum_id != forum_id)
    )
    if not others:
        member.user.active = False
    end_all(session, user_id)
    audit(session, forum_id, by_user_id, "team.deactivate", user_id)
    session.commit()


def reactivate(session: Session, forum_id: int, by_user_id: int, user_id: int) -> None:
    member = _membership(session, forum_id, user_id)
    member.active = True
    member.user.active = True
    audit(session, forum_id, by_user_id, "team.reactivate", user_id)
    session.commit()


def request_reset(
    session: Session,
    forum_id: int,
    by_user_id: int,
    user_id: int,
    outbox: Outbox,
    now: datetime | None = None,
) -> Issued:
    """A reset link for a member of the team, for the lead to pass on (emailed when mail is set up)."""
    member = _membership(session, forum_id, user_id)
    if not (member.active and member.user.active):
        raise AccountError("Reactivate them first: a deactivated member cannot sign in.")
    email = member.user.email
    retire_resets(session, email, now)
    link, token = issue(
        session, RESET, email, LEAD_RESET_LIFETIME, now, forum_id=forum_id, created_by=by_user_id
    )
    audit(session, forum_id, by_user_id, "team.reset", user_id)
    session.commit()
    url = outbox.url_of(RESET, token)
    subject, lines = reset_email(url, link.expires_at)
    return Issued(url, link.expires_at, email_link(outbox, email, subject, lines))
