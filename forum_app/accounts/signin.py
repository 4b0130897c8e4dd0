"""Signing in and out: each a service call that checks, starts or ends a session and logs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from forum_app.accounts.audit import record_account_event
from forum_app.accounts.models import User
from forum_app.accounts.services import authenticate
from forum_app.accounts.sessions import IDLE, LIFETIME, add_session, end, end_all


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: who, and the token for their browser's cookie."""

    user: User
    token: str


def sign_in(
    db_session: Session,
    email: str,
    password: str,
    old_token: str | None = None,
    now: datetime | None = None,
    idle: timedelta = IDLE,
    lifetime: timedelta = LIFETIME,
) -> SignIn | None:
    """Check the credentials; on success end the browser's old session (if any) and start a new one."""
    user = authenticate(db_session, email, password)
    if user is None:
        return None
    if old_token:
        end(db_session, old_token, now)
    token = add_session(db_session, user.id, now, idle, lifetime)
    record_account_event(db_session, user.id, "accounts.login POST")
    db_session.commit()
    return SignIn(user, token)


def sign_out(db_session: Session, token: str | None) -> None:
    """End this browser's session and log it."""
    ended = end(db_session, token) if token else None
    if ended is not None:
        record_account_event(db_session, ended.user_id, "accounts.logout POST")
    db_session.commit()


def sign_out_everywhere(db_session: Session, user_id: int) -> int:
    """End every session of ``user_id`` (this one too) and log it; how many were ended."""
    ended = end_all(db_session, user_id)
    record_account_event(db_session, user_id, "accounts.sign_out_everywhere POST")
    db_session.commit()
    return ended
