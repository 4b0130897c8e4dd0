"""Single-use, expiring links: invitations to join a forum's team and password resets.

A link's token is 32 random bytes (``secrets.token_urlsafe``), shown once to the lead or emailed; only the
SHA-256 of its purpose and the token is stored, so a database copy opens nothing and an invitation
token can never be used as a reset token. Using a link marks it used; a used, expired or unknown
link is refused alike. Emails go out after the commit, through ``forum_app.mail``, and say nothing
about the forum's data.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import AccountLink, AuditEvent
from forum_app.db import utcnow
from forum_app.mail import MailSettings, send

INVITE_LIFETIME = timedelta(days=7)
FORGOT_LIFETIME = timedelta(hours=1)  # asked for on the sign-in page
LEAD_RESET_LIFETIME = timedelta(hours=24)  # made by a lead, who passes it on
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


@dataclass(frozen=True)
class Outbox:
    """How links reach people: the mail settings (None: mail is off) and the absolute URL of a
    token's page, ``url_of(purpose, token)``."""

    mail: MailSettings | None
    url_of: Callable[[str, str], str]


@dataclass(frozen=True)
class Issued:
    """A link just made: its address (shown once), when it stops working, and whether it was emailed."""

    url: str
    expires_at: datetime
    emailed: bool


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_hash(purpose: str, token: str) -> str:
    return hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()


def issue(
    session: Session,
    purpose: str,
    email: str,
    lifetime: timedelta,
    now: datetime | None = None,
    *,
    forum_id: int | None = None,
    role: str | None = None,
    created_by: int | None = None,
) -> tuple[AccountLink, str]:
    """A new link and its raw token (added to the session, not committed)."""
    moment = now or utcnow()
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        purpose=purpose,
        token_hash=token_hash(purpose, token),
        forum_id=forum_id,
        email=email,
        role=role,
        created_by=created_by,
        created_at=moment,
        expires_at=moment + lifetime,
    )
    session.add(link)
    session.flush()
    return link, token


def usable(session: Session, purpose: str, token: str, now: datetime | None = None) -> AccountLink | None:
    """The unused, unexpired link of ``purpose`` with this token, or None (whatever is wrong with it)."""
    if not _TOKEN.fullmatch(token):  # also keeps NULs and huge strings away from the database
        return None
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == token_hash(purpose, token)))
    if link is None or link.purpose != purpose or link.used_at is not None:
        return None
    return link if aware(link.expires_at) > (now or utcnow()) else None


def use(session: Session, link: AccountLink, now: datetime | None = None) -> bool:
    """Mark the link used. False if another request used it first (nothing to do then)."""
    done = session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0) == 1)


def retire_resets(session: Session, email: str, now: datetime | None = None) -> None:
    """Every unused reset link for this email stops working (after a reset, or a new one)."""
    session.execute(
        update(AccountLink)
        .where(AccountLink.purpose == "reset", AccountLink.email == email, AccountLink.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def audit(session: Session, forum_id: int, user_id: int | None, action: str, object_id: int | str) -> None:
    """An audit entry with ids only (``forum_app.accounts.audit.SERVICE_ACTIONS`` gives its words)."""
    session.add(AuditEvent(forum_id=forum_id, user_id=user_id, action=action, object_id=str(object_id)))


def email_link(outbox: Outbox, to: str, subject: str, lines: list[str]) -> bool:
    """Send a link's email when mail is configured. True if the server took it."""
    if outbox.mail is None:
        return False
    return send(outbox.mail, [to], subject, "\n".join(lines))


def invite_email(forum_name: str, role: str, url: str, expires_at: datetime) -> tuple[str, list[str]]:
    subject = f"You are invited to join {forum_name}’s team"
    return subject, [
        f"You have been invited to join {forum_name} as a {role}.",
        "",
        f"Accept the invitation and choose your password: {url}",
        "",
        f"The link works once, until {_when(expires_at)}. If you were not expecting this email, ignore it.",
    ]


def reset_email(url: str, expires_at: datetime) -> tuple[str, list[str]]:
    return "Reset your password", [
        "Someone asked to reset the password of your forum staff account.",
        "",
        f"Choose a new password: {url}",
        "",
        f"The link works once, until {_when(expires_at)}. If you did not ask, ignore this email:",
        "your password has not changed.",
    ]


def _when(moment: datetime) -> str:
    return aware(moment).strftime("%H:%M UTC on %d %B %Y")
