"""Forums, staff users and sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import ROLES, Forum, Membership, User
from forum_app.accounts.passwords import (
    context_words,
    hash_password,
    needs_rehash,
    one_time_expiry,
    one_time_password,
    password_problem,
    verify_password,
)
from forum_app.accounts.sessions import add_session, end_all

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """Bad input for an account operation; the message says what to fix."""


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str | None  # the one-time password, when one was generated


def get_forum(session: Session, slug: str) -> Forum | None:
    return session.scalar(select(Forum).where(Forum.slug == slug))


def ensure_forum(
    session: Session, slug: str, name: str, local_area: str = "", settings: dict[str, Any] | None = None
) -> Forum:
    """The forum with this slug, created if missing."""
    if not SLUG_PATTERN.match(slug):
        raise AccountError("A forum slug uses lower-case letters, digits and hyphens only.")
    forum = get_forum(session, slug)
    if forum is None:
        forum = Forum(slug=slug, name=name, local_area=local_area, settings=settings or {})
        session.add(forum)
        session.commit()
    return forum


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, email: str, forum_slug: str, role: str, password: str | None = None
) -> NewUser:
    """Add a staff member to a forum. Without ``password`` a one-time password is generated.

    An existing user is given the membership (or their role is updated); their
    password is left alone.
    """
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    forum = get_forum(session, forum_slug)
    if forum is None:
        raise AccountError(f"There is no forum with the slug {forum_slug!r}.")
    problem = password_problem(password, context_words(email, forum.name, forum.slug)) if password else None
    if problem:
        raise AccountError(problem)
    user = session.scalar(select(User).where(User.email == email))
    generated = None
    if user is None:
        generated = None if password else one_time_password()
        user = User(
            email=email,
            password_hash=hash_password(password or generated or ""),
            must_change_password=password is None,
            password_expires_at=one_time_expiry() if generated else None,
        )
        session.add(user)
        session.flush()
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.forum_id == forum.id)
    )
    if membership is None:
        session.add(Membership(user_id=user.id, forum_id=forum.id, role=role))
    else:
        membership.role = role
    session.commit()
    return NewUser(user, generated)


def reset_password(session: Session, email: str) -> str:
    """Give an existing user a new one-time password and return it."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"There is no user with the email {email!r}.")
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_expires_at = one_time_expiry()
    end_all(session, user.id)  # whoever had the old password is signed out
    session.commit()
    return password


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Upgrades old hashes."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def change_password(session: Session, user_id: int, current: str, new: str) -> str:
    """Set a new password, end every session of the user and start a fresh one: returns its token."""
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    if new == current:
        raise AccountError("Your new password must be different from the current one.")
    forums = [(m.forum.name, m.forum.slug) for m in memberships_of(session, user.id)]
    problem = password_problem(new, context_words(user.email, *(text for pair in forums for text in pair)))
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_expires_at = None
    end_all(session, user.id)
    token = add_session(session, user.id)
    session.commit()
    return token


def memberships_of(session: Session, user_id: int) -> list[Membership]:
    """The user's active memberships (a lead may have deactivated them in a forum)."""
    return list(
        session.scalars(
            select(Membership)
            .join(Forum)
            .where(Membership.user_id == user_id, Membership.active.is_(True))
            .order_by(Forum.name)
        )
    )


def membership(session: Session, user_id: int, forum_id: int | None) -> Membership | None:
    """The user's active membership of ``forum_id``, or of their first forum when it is None."""
    if forum_id is not None:
        return session.scalar(
            select(Membership).where(
                Membership.user_id == user_id, Membership.forum_id == forum_id, Membership.active.is_(True)
            )
        )
    found = memberships_of(session, user_id)
    return found[0] if found else None
