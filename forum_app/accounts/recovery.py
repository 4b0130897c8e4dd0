"""The public side of account links: accepting an invitation, "forgot password", resetting with a link.

Nobody is signed in here, except someone who already has an account and signs in to accept an
invitation to a further forum. "Forgot password" answers the same whether or not the email has an
account, and sends a link only when mail is configured.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.links import (
    FORGOT_LIFETIME,
    Outbox,
    audit,
    email_link,
    issue,
    reset_email,
    retire_resets,
    usable,
    use,
)
from forum_app.accounts.models import INVITE, RESET, AccountLink, Forum, Membership, User
from forum_app.accounts.passwords import context_words, hash_password, password_problem
from forum_app.accounts.services import AccountError, normalise_email
from forum_app.accounts.sessions import end_all
from forum_app.db import utcnow
from forum_app.ratelimit import Limit, allow, day_key, source_key

FORGOT_PER_SOURCE = Limit("forgot-source", 10, 3600)
FORGOT_PER_EMAIL = Limit("forgot-email", 3, 3600)


class LinkGone(LookupError):
    """The link is unknown, used or expired."""


class SignInFirst(Exception):
    """The invitation is for someone who already has an account: they sign in, then accept."""


@dataclass(frozen=True)
class Invitation:
    forum_id: int
    forum_name: str
    email: str
    role: str
    has_account: bool  # an open account with this email exists: sign in to accept


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _invite_link(session: Session, token: str, now: datetime | None) -> tuple[AccountLink, Forum]:
    link = usable(session, INVITE, token, now)
    forum = session.get(Forum, link.forum_id) if link and link.forum_id is not None else None
    if link is None or forum is None or link.role is None:
        raise LinkGone(token[:8])
    return link, forum


def invitation(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """What an invitation link offers. Raises ``LinkGone``."""
    link, forum = _invite_link(session, token, now)
    user = _user(session, link.email)
    return Invitation(forum.id, forum.name, link.email, link.role or "", bool(user and user.active))


def _password_problem(session: Session, password: str, email: str, *forum_ids: int) -> str | None:
    """What is wrong with a new password (``passwords.password_problem``), given the person's email and
    the names of their forums as words it must not be built from."""
    forums = session.execute(select(Forum.name, Forum.slug).where(Forum.id.in_(forum_ids))).all()
    return password_problem(password, context_words(email, *(text for pair in forums for text in pair)))


def _join(session: Session, link: AccountLink, user: User) -> None:
    assert link.forum_id is not None and link.role is not None
    found = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.forum_id == link.forum_id)
    )
    if found is None:
        session.add(Membership(user_id=user.id, forum_id=link.forum_id, role=link.role))
    else:
        found.role, found.active = link.role, True
    audit(session, link.forum_id, user.id, "team.join", link.id)


def accept_invite(session: Session, token: str, password: str, now: datetime | None = None) -> int:
    """A new account for the invited email, with this password, on the forum's team. Returns its id.

    Raises ``LinkGone``, ``SignInFirst`` (the email has an account) or ``AccountError`` (the password).
    """
    link, forum = _invite_link(session, token, now)
    user = _user(session, link.email)
    if user is not None and user.active:
        raise SignInFirst(forum.name)
    problem = _password_problem(session, password, link.email, forum.id)
    if problem:
        raise AccountError(problem)
    if not use(session, link, now):
        session.rollback()
        raise LinkGone(token[:8])
    if user is None:  # a closed account is opened again with the new password
        user = User(email=link.email, password_hash="")
        session.add(user)
    user.password_hash, user.must_change_password, user.active = hash_password(password), False, True
    user.password_expires_at = None
    session.flush()
    _join(session, link, user)
    session.commit()
    return user.id


def join_team(session: Session, token: str, user_id: int, now: datetime | None = None) -> int:
    """The signed-in user accepts an invitation made for their email. Returns the forum's id."""
    link, _forum = _invite_link(session, token, now)
    user = session.get(User, user_id)
    if user is None or user.email != link.email:
        raise AccountError(f"This invitation is for {link.email}. Sign out, then sign in as {link.email}.")
    if not use(session, link, now):
        session.rollback()
        raise LinkGone(token[:8])
    _join(session, link, user)
    session.commit()
    return link.forum_id or 0


def _email_key(session: Session, email: str, now: datetime | None) -> str:
    """A pseudonym for an email address, keyed like sources by the day's rate-limit key."""
    key = day_key(session, (now or utcnow()).date())
    return hmac.new(bytes.fromhex(key), f"email|{email}".encode(), hashlib.sha256).hexdigest()[:40]


def forgot_password(
    session: Session, email: str, address: str | None, outbox: Outbox, now: datetime | None = None
) -> bool:
    """Email a reset link to ``email`` if it belongs to an open account and mail is set up.

    Returns False only when this source (``address``, counted as a daily pseudonym) has asked too often;
    otherwise the answer is the same whether or not the email has an account.
    """
    if not allow(session, FORGOT_PER_SOURCE, source_key(session, address, now), now):
        return False
    email = normalise_email(email)[:254]
    if outbox.mail is None or any(ord(c) < 32 for c in email):
        return True
    if not allow(session, FORGOT_PER_EMAIL, _email_key(session, email, now), now):
        return True  # the same answer: a mailbox is not flooded, and nothing is given away
    user = _user(session, email)
    if user is None or not user.active:
        return True
    retire_resets(session, email, now)
    link, token = issue(session, RESET, email, FORGOT_LIFETIME, now)
    for forum_id in _forums(session, user.id):
        audit(session, forum_id, user.id, "team.forgot", user.id)
    session.commit()
    subject, lines = reset_email(outbox.url_of(RESET, token), link.expires_at)
    email_link(outbox, email, subject, lines)
    return True


def _forums(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Membership.forum_id).where(Membership.user_id == user_id, Membership.active.is_(True))
        )
    )


def reset_link_email(session: Session, token: str, now: datetime | None = None) -> str:
    """The email a reset link is for. Raises ``LinkGone``."""
    link = usable(session, RESET, token, now)
    user = _user(session, link.email) if link else None
    if link is None or user is None or not user.active:
        raise LinkGone(token[:8])
    return link.email


def reset_with_link(session: Session, token: str, password: str, now: datetime | None = None) -> int:
    """Set a new password with a reset link; every other reset link for the account stops working and
    every session of theirs ends. Returns the user's id. Raises ``LinkGone`` or ``AccountError``."""
    email = reset_link_email(session, token, now)
    user = _user(session, email)
    assert user is not None
    problem = _password_problem(session, password, email, *_forums(session, user.id))
    if problem:
        raise AccountError(problem)
    link = usable(session, RESET, token, now)
    if link is None or not use(session, link, now):
        session.rollback()
        raise LinkGone(token[:8])
    retire_resets(session, email, now)
    user.password_hash, user.must_change_password = hash_password(password), False
    user.password_expires_at = None
    end_all(session, user.id, now)
    for forum_id in _forums(session, user.id):
        audit(session, forum_id, user.id, "team.reset_done", user.id)
    session.commit()
    return user.id
