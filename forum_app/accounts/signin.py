"""Signing in and out: each a service call that checks, starts or ends a session and logs it.

Sign-in is throttled per account and per source in the database limiter (``forum_app.ratelimit``),
so every process and host counts together. The account is counted by an HMAC of the normalised
email with the limiter's key of the day, for unknown addresses too, so the limit tells nobody which
addresses have accounts; neither the address typed nor the source is ever stored in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.audit import record_account_event
from forum_app.accounts.models import User
from forum_app.accounts.passwords import one_time_expired
from forum_app.accounts.services import authenticate, normalise_email
from forum_app.accounts.sessions import IDLE, LIFETIME, add_session, end, end_all
from forum_app.db import utcnow
from forum_app.ratelimit import Limit, count_attempt, day_key

ACCOUNT_LIMIT = Limit("sign-in account", 10, 15 * 60)
SOURCE_LIMIT = Limit("sign-in source", 30, 15 * 60)
WRONG = "wrong"
THROTTLED = "throttled"
EXPIRED = "expired"  # the right one-time password, after it stopped working
# No address has a control character, and PostgreSQL refuses a NUL in a query.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SignInRules:
    """How many attempts are allowed, and how long a session lasts."""

    per_account: Limit = ACCOUNT_LIMIT
    per_source: Limit = SOURCE_LIMIT
    idle: timedelta = IDLE
    lifetime: timedelta = LIFETIME

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SignInRules:
        window = int(config["LOGIN_WINDOW_MINUTES"]) * 60
        return cls(
            Limit(ACCOUNT_LIMIT.scope, int(config["LOGIN_ATTEMPTS_PER_ACCOUNT"]), window),
            Limit(SOURCE_LIMIT.scope, int(config["LOGIN_ATTEMPTS_PER_SOURCE"]), window),
            timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
            config["PERMANENT_SESSION_LIFETIME"],
        )


@dataclass(frozen=True)
class SignIn:
    """The outcome: on success who signed in and the token for their cookie, else the problem. With
    ``needs_code`` the password was right but no session has started: a two-factor code must come
    first (``finish_sign_in`` then starts it)."""

    user: User | None = None
    token: str = ""
    problem: str = ""  # WRONG, THROTTLED or EXPIRED
    needs_code: bool = False


def account_key(db_session: Session, email: str, now: datetime) -> str:
    """A pseudonym for the account an attempt names, changing every UTC day like a source's."""
    key = bytes.fromhex(day_key(db_session, now.date()))
    return hmac.new(key, f"account|{email}".encode(), hashlib.sha256).hexdigest()[:40]


def _user_id(db_session: Session, email: str) -> int | None:
    return db_session.scalar(select(User.id).where(User.email == email))


def sign_in(
    db_session: Session,
    email: str,
    password: str,
    source: str,
    rules: SignInRules = SignInRules(),
    old_token: str | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Count the attempt, check the credentials and, if both pass, end the browser's old session (if
    any) and start a new one. Refused attempts are logged to the forums of the account named."""
    now, rules = now or utcnow(), rules or SignInRules()
    email = "" if _CONTROL.search(email) else normalise_email(email)
    by_account = count_attempt(db_session, rules.per_account, account_key(db_session, email, now), now)
    by_source = count_attempt(db_session, rules.per_source, source, now)
    named = _user_id(db_session, email) if email else None
    if by_account > rules.per_account.attempts or by_source > rules.per_source.attempts:
        if by_account == rules.per_account.attempts + 1 or by_source == rules.per_source.attempts + 1:
            record_account_event(db_session, named, "accounts.login throttled")  # once a window
            db_session.commit()
        return SignIn(problem=THROTTLED)
    user = authenticate(db_session, email, password) if email else None
    if user is None:
        record_account_event(db_session, named, "accounts.login failed")
        db_session.commit()
        return SignIn(problem=WRONG)
    if one_time_expired(user.password_expires_at, now):
        record_account_event(db_session, user.id, "accounts.login expired")
        db_session.commit()
        return SignIn(problem=EXPIRED)
    if old_token:
        end(db_session, old_token, now)
    if user.has_two_factor:
        db_session.commit()
        return SignIn(user, needs_code=True)
    return SignIn(user, finish_sign_in(db_session, user.id, rules, now))


def finish_sign_in(
    db_session: Session,
    user_id: int,
    rules: SignInRules | None = None,
    now: datetime | None = None,
    action: str = "accounts.login POST",
) -> str:
    """Start a session for ``user_id`` (whose password, and code if they need one, were right) and log
    it; returns the token for their browser's cookie."""
    rules = rules or SignInRules()
    token = add_session(db_session, user_id, now, rules.idle, rules.lifetime)
    record_account_event(db_session, user_id, action)
    db_session.commit()
    return token


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
