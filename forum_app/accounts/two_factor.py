"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) after the password.

Leads always need it; coders and viewers may turn it on, and a forum may require it of everyone
(``forum_settings.TwoFactorSettings``, stored as ``Forum.settings["require_two_factor"]``). Setting
up shows a QR code drawn here (no request leaves the site) and the secret written out, and takes a
code to prove the app has it; then ten recovery codes are shown, once. Each code works once: a time
step at or before the last one accepted is a replay, and a recovery code is marked used. Recovery
codes are kept only as hashes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import pyotp
import segno
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.audit import record_account_event
from forum_app.accounts.models import Forum, Membership, User
from forum_app.accounts.passwords import verify_password
from forum_app.accounts.recovery_codes import (
    SPACING,
    delete_recovery_codes,
    replace_recovery_codes,
    use_recovery_code,
)
from forum_app.accounts.services import AccountError, memberships_of, normalise_email
from forum_app.accounts.sessions import add_session, end_all
from forum_app.accounts.signin import SignInRules, finish_sign_in
from forum_app.db import utcnow
from forum_app.forum_settings import TwoFactorSettings, read_section, save_section
from forum_app.ratelimit import Limit, allow

ISSUER = "Forum evidence"
# A pending sign-in (password right, code not yet given) lasts this long.
PENDING_SECONDS = 300
# Wrong codes: per pending sign-in, then per account whatever the browser.
PER_SIGN_IN = Limit("2fa-sign-in", 5, PENDING_SECONDS)
PER_ACCOUNT = Limit("2fa-account", 20, 3600)
_TOTP = re.compile(r"[0-9]{6}")
_SECRET = re.compile(r"[A-Z2-7]{32}")
MAX_CODE_CHARS = 64  # anything longer is no code of ours

WRONG_CODE = "The code is not right. Enter the newest 6-digit code from your app, or a recovery code"
NOT_CONFIRMED = "The code is not right. Check the app shows “Forum evidence”, then enter its newest code"
WRONG_PASSWORD_OR_CODE = "Your password or code is not right"  # noqa: S105  (a message)
TOO_MANY = "Too many tries. Wait 5 minutes (an hour after many tries), then try again"
STILL_REQUIRED = "You cannot turn off two-factor sign-in: your forum requires it of you"
ALREADY_ON = "Two-factor sign-in is already on for your account"
SETUP_EXPIRED = "The set-up has expired. Scan the new QR code, then enter the code the app shows"


class TwoFactorError(ValueError):
    """A two-factor action refused; the message says why, in words for the person."""


class Outcome(Enum):
    SIGNED_IN = "signed in"
    WRONG = "wrong code"
    TOO_MANY = "too many tries"


@dataclass(frozen=True)
class CodeCheck:
    """What the code step came to; when signed in, who, and the token for their browser's cookie."""

    outcome: Outcome
    user: User | None = None
    token: str | None = None


@dataclass(frozen=True)
class TurnedOn:
    """Two-factor sign-in is on: the recovery codes to show once, and this browser's new session."""

    codes: list[str]
    token: str


@dataclass(frozen=True)
class Setup:
    """What the set-up page shows: a new secret, the app's link, its QR code and the secret in groups."""

    secret: str
    uri: str
    qr_svg: str
    secret_groups: str


# ---------------------------------------------------------------------------------------------
# Who needs it


def forum_requires(forum: Forum) -> bool:
    return read_section(forum, TwoFactorSettings).required


def required_for(membership: Membership, leads: bool = True) -> bool:
    """Whether this member must use two-factor sign-in: a lead (unless ``leads`` is False, as in
    tests that are not about signing in), or anyone in a forum that requires it."""
    return (leads and membership.role == "lead") or forum_requires(membership.forum)


def required_for_user(session: Session, user_id: int, leads: bool = True) -> bool:
    """Whether any of the user's forums requires it of them (it is one setting per account)."""
    return any(required_for(found, leads) for found in memberships_of(session, user_id))


def set_forum_requirement(session: Session, forum_id: int, required: bool) -> None:
    """Require two-factor sign-in of everyone in the forum, or only of its leads; keeps other settings."""
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise TwoFactorError("There is no such forum")
    save_section(session, forum, TwoFactorSettings(required))


# ---------------------------------------------------------------------------------------------
# Setting up


def begin_setup(email: str, secret: str | None = None) -> Setup:
    """A new secret (or ``secret`` again, for a page shown twice), its link, QR code and groups."""
    secret = secret if secret and valid_secret(secret) else pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    groups = " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))
    return Setup(secret, uri, qr_svg(uri), groups)


def valid_secret(secret: str) -> bool:
    return bool(_SECRET.fullmatch(secret))


def qr_svg(text: str) -> str:
    """``text`` as a QR code in inline SVG, dark on white whatever the page's colours."""
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#fff", svgclass="qr-code")
    label = "QR code to scan with your authenticator app"
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def confirm_setup(
    session: Session, user_id: int, secret: str, code: str, now: datetime | None = None
) -> TurnedOn:
    """Turn two-factor sign-in on with ``secret`` once ``code`` shows the app has it: the user's other
    sessions end. Returns the new recovery codes (to be shown once) and this browser's new session
    token. Raises ``TwoFactorError`` with a message when refused."""
    user = _user(session, user_id)
    if user.has_two_factor:
        raise TwoFactorError(ALREADY_ON)
    if not valid_secret(secret):
        raise TwoFactorError(SETUP_EXPIRED)
    if not allow(session, PER_ACCOUNT, _account(user_id), now):
        raise TwoFactorError(TOO_MANY)
    step = _matching_step(secret, code, now, after=None)
    if step is None:
        raise TwoFactorError(NOT_CONFIRMED)
    user.totp_secret, user.totp_last_step, user.two_factor_since = secret, step, now or utcnow()
    codes = replace_recovery_codes(session, user_id)
    record_account_event(session, user_id, "two_factor.on")
    token = _new_session(session, user_id, now)
    session.commit()
    return TurnedOn(codes, token)


def regenerate_recovery_codes(
    session: Session, user_id: int, password_or_code: str, now: datetime | None = None
) -> list[str]:
    """New recovery codes in place of the old ones, once the password or a code is given."""
    user = _user(session, user_id)
    if not user.has_two_factor:
        raise TwoFactorError("Two-factor sign-in is not on for your account")
    _confirm_identity(session, user, password_or_code, now)
    codes = replace_recovery_codes(session, user_id)
    record_account_event(session, user_id, "two_factor.new_codes")
    session.commit()
    return codes


def disable(
    session: Session, user_id: int, password_or_code: str, leads: bool = True, now: datetime | None = None
) -> str:
    """Turn two-factor sign-in off, unless a forum requires it of the user; needs the password or a
    code. The user's other sessions end: returns this browser's new session token."""
    user = _user(session, user_id)
    if required_for_user(session, user_id, leads):
        raise TwoFactorError(STILL_REQUIRED)
    if not user.has_two_factor:
        raise TwoFactorError("Two-factor sign-in is not on for your account")
    _confirm_identity(session, user, password_or_code, now)
    _turn_off(session, user)
    token = _new_session(session, user_id, now)
    session.commit()
    return token


def reset_two_factor(session: Session, email: str) -> None:
    """For the command line: turn it off for someone who lost their phone and recovery codes, and end
    their sessions (without a password or code; whoever runs the command can reach the database)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"There is no user with the email {email!r}.")
    _turn_off(session, user)
    end_all(session, user.id)
    session.commit()


# ---------------------------------------------------------------------------------------------
# Signing in


def verify(session: Session, user_id: int, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` is the user's current app code (one step either side allowed) not used
    before, or one of their unused recovery codes; either is then used up. Commits."""
    ok = _use_code(session, user_id, code, now)
    session.commit()
    return ok


def _use_code(session: Session, user_id: int, code: str, now: datetime | None) -> bool:
    user = session.get(User, user_id)
    if user is None or not user.has_two_factor or not isinstance(code, str) or len(code) > MAX_CODE_CHARS:
        return False
    return _use_app_code(session, user, code, now) or use_recovery_code(session, user_id, code, now)


def check_sign_in_code(
    session: Session,
    user_id: int,
    code: str,
    attempt: str,
    now: datetime | None = None,
    rules: SignInRules | None = None,
) -> CodeCheck:
    """The second step of signing in: counted per pending sign-in (``attempt``, a random id) and per
    account. A right code starts the session, as a password alone does for others (``finish_sign_in``);
    a wrong code, or too many tries, is written to the audit log."""
    allowed = allow(session, PER_SIGN_IN, attempt, now)
    if not (allowed and allow(session, PER_ACCOUNT, _account(user_id), now)):
        record_account_event(session, user_id, "two_factor.too_many")
        session.commit()
        return CodeCheck(Outcome.TOO_MANY)
    user = session.get(User, user_id)
    if user is not None and user.is_active and _use_code(session, user_id, code, now):
        token = finish_sign_in(session, user_id, rules, now, action="accounts.login_code POST")
        return CodeCheck(Outcome.SIGNED_IN, user, token)
    record_account_event(session, user_id, "two_factor.wrong_code")
    session.commit()
    return CodeCheck(Outcome.WRONG)


def new_attempt_id() -> str:
    return secrets.token_urlsafe(16)


def pending_is_fresh(started: object, now: datetime | None = None) -> bool:
    """Whether a pending sign-in begun at ``started`` (seconds since the epoch) may still finish."""
    if not isinstance(started, int | float) or isinstance(started, bool):
        return False
    age = (now or utcnow()).timestamp() - started
    return 0 <= age <= PENDING_SECONDS


# ---------------------------------------------------------------------------------------------
# Inside


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise TwoFactorError("There is no such account")
    return user


def _new_session(session: Session, user_id: int, now: datetime | None) -> str:
    """End every session of the user (copies of the cookie made before the change) and start one for
    this browser; not committed."""
    end_all(session, user_id, now)
    return add_session(session, user_id, now)


def _turn_off(session: Session, user: User) -> None:
    user.totp_secret, user.totp_last_step, user.two_factor_since = None, None, None
    delete_recovery_codes(session, user.id)
    record_account_event(session, user.id, "two_factor.off")


def _account(user_id: int) -> str:
    return f"user-{user_id}"


def _confirm_identity(session: Session, user: User, password_or_code: str, now: datetime | None) -> None:
    if not allow(session, PER_ACCOUNT, _account(user.id), now):
        raise TwoFactorError(TOO_MANY)
    typed = password_or_code if isinstance(password_or_code, str) else ""
    if "\x00" not in typed and verify_password(user.password_hash, typed):
        return
    if not _use_code(session, user.id, typed, now):
        raise TwoFactorError(WRONG_PASSWORD_OR_CODE)


def _app_code(code: str) -> str | None:
    digits = SPACING.sub("", code)
    return digits if _TOTP.fullmatch(digits) else None


def _matching_step(secret: str, code: str, now: datetime | None, after: int | None) -> int | None:
    """The time step (now, or one either side) whose code is ``code`` and later than ``after``."""
    typed = _app_code(code) if isinstance(code, str) and len(code) <= MAX_CODE_CHARS else None
    if typed is None:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _use_app_code(session: Session, user: User, code: str, now: datetime | None) -> bool:
    assert user.totp_secret is not None
    step = _matching_step(user.totp_secret, code, now, after=user.totp_last_step)
    if step is None:
        return False
    # Only if no other request used this step (or a later one) meanwhile: a replay loses the race.
    used = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        return False
    session.refresh(user, ["totp_last_step"])
    return True
