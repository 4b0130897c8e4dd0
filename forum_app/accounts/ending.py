"""Ending sessions: by the person from "Your account", after giving their password again, and by
an administrator from the command line (``flask users sign-out``).

Each password given here counts against the sign-in throttle's per-account limit
(``forum_app.accounts.signin``), so this form cannot be used to guess a password faster than
the sign-in page. Ending a session, signing out everywhere and each wrong password are audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts import signin
from forum_app.accounts.audit import record_account_event
from forum_app.accounts.links import audit
from forum_app.accounts.models import User
from forum_app.accounts.passwords import verify_password
from forum_app.accounts.services import normalise_email
from forum_app.accounts.sessions import end_all, end_everyone, end_one
from forum_app.accounts.signin import THROTTLED, WRONG, SignInRules, account_key
from forum_app.accounts.team import get_member
from forum_app.db import utcnow
from forum_app.ratelimit import count_attempt

NOT_FOUND = "not found"
SIGNED_OUT_BY_ADMIN = "users sign-out"  # the audit action of ``flask users sign-out``
DEFAULT_RULES = SignInRules()
__all__ = ["NOT_FOUND", "THROTTLED", "WRONG", "end_other_session", "sign_out_everywhere"]


def _confirm(db_session: Session, user_id: int, password: str, rules: SignInRules) -> str:
    """Count the attempt and check the password: "" when right, else WRONG or THROTTLED (logged)."""
    now = utcnow()
    user = db_session.get(User, user_id)
    if user is None or not user.active:
        return WRONG
    attempts = count_attempt(db_session, rules.per_account, account_key(db_session, user.email, now), now)
    if attempts > rules.per_account.attempts:
        if attempts == rules.per_account.attempts + 1:
            record_account_event(db_session, user_id, "accounts.login throttled")  # once a window
            db_session.commit()
        return THROTTLED
    if not verify_password(user.password_hash, password):
        record_account_event(db_session, user_id, "accounts.confirm failed")
        db_session.commit()
        return WRONG
    return ""


def end_other_session(
    db_session: Session, user_id: int, session_id: int, password: str, rules: SignInRules = DEFAULT_RULES
) -> str:
    """End one of ``user_id``'s open sessions once their password is confirmed: "" when ended, else
    NOT_FOUND (not an open session of theirs), WRONG or THROTTLED."""
    problem = _confirm(db_session, user_id, password, rules)
    if problem:
        return problem
    if not end_one(db_session, user_id, session_id):
        return NOT_FOUND
    record_account_event(db_session, user_id, "accounts.end_session POST")
    db_session.commit()
    return ""


def sign_out_everywhere(
    db_session: Session, user_id: int, password: str, rules: SignInRules = DEFAULT_RULES
) -> str:
    """End every session of ``user_id`` (this one too) once their password is confirmed: "" when
    done, else WRONG or THROTTLED."""
    problem = _confirm(db_session, user_id, password, rules)
    if problem:
        return problem
    signin.sign_out_everywhere(db_session, user_id)
    return ""


def sign_out_user(db_session: Session, email: str) -> int | None:
    """End every session of the person with this email, and log it: how many were open, or None when
    nobody has this address."""
    user_id = db_session.scalar(select(User.id).where(User.email == normalise_email(email)))
    if user_id is None:
        return None
    ended = end_all(db_session, user_id)
    record_account_event(db_session, user_id, SIGNED_OUT_BY_ADMIN)
    db_session.commit()
    return ended


def sign_out_all(db_session: Session) -> int:
    """End every staff session, e.g. after a suspected leak, and log it for each person who had one
    open: how many were ended."""
    ended = end_everyone(db_session)
    for user_id in sorted(ended):
        record_account_event(db_session, user_id, SIGNED_OUT_BY_ADMIN)
    db_session.commit()
    return sum(ended.values())


def sign_out_member(db_session: Session, forum_id: int, by_user_id: int, user_id: int) -> int:
    """A lead ends every session of a member of their team (``NotOnTeam`` for anyone else), logged
    in the forum's audit log: how many were open."""
    get_member(db_session, forum_id, user_id)
    ended = end_all(db_session, user_id)
    audit(db_session, forum_id, by_user_id, "team.sign_out", user_id)
    db_session.commit()
    return ended
