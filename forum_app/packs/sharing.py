"""Share links: how a lead sends a saved pack to inspectors, and how a link is opened.

A share link is ``secrets.token_urlsafe(32)`` (256 bits); only its SHA-256 is stored, so the link can
be shown once and never again. A link works until the end of its ``expires_on`` day, unless revoked;
an optional passcode (argon2id) is asked for first. Every successful open and download is counted.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.passwords import hash_password, verify_password
from forum_app.accounts.platform import forum_suspended
from forum_app.db import today as utc_today
from forum_app.packs.models import READY, PackSnapshot, ShareLink
from forum_app.packs.snapshots import SnapshotError

# Share links work for this many days (the last day included), 30 unless the lead says otherwise.
DEFAULT_LINK_DAYS, MIN_LINK_DAYS, MAX_LINK_DAYS = 30, 1, 90
MIN_PASSCODE, MAX_PASSCODE = 6, 200
MAX_LABEL = 120
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) gives


# --- errors ------------------------------------------------------------------------------------


class LinkError(Exception):
    """A share link that cannot be opened. ``status`` is the HTTP status that says so."""

    status = 404
    title = "This link does not work"
    body = (
        "Check you copied the whole web address. If it still does not work, ask the forum that shared it "
        "to send you a new link."
    )


class LinkNotFound(LinkError):
    pass


class LinkGone(LinkError):
    """A link that worked once and no longer does (410 Gone)."""

    status = 410


class LinkExpired(LinkGone):
    title = "This link has expired"
    body = "Links to evidence packs work for a limited time. Ask the forum that shared it for a new link."


class LinkRevoked(LinkGone):
    title = "This link has been withdrawn"
    body = "The forum that shared this link has switched it off. Ask them for a new link if you need one."


class LinkSuspended(LinkGone):
    title = "This link is not working at the moment"
    body = "The forum that shared it cannot share packs just now. Ask them about it if you need the pack."


class PasscodeNeeded(LinkError):
    status = 401
    title = "Enter the passcode"
    body = "This pack is protected by a passcode. The forum that shared it will have sent it separately."


class WrongPasscode(PasscodeNeeded):
    title = "That passcode is not right"
    body = "Check the passcode the forum sent you and try again."


# --- share links -------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """SHA-256 of the link's token; the token itself is never stored."""
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def create_link(
    session: Session,
    snapshot: PackSnapshot,
    user_id: int | None,
    days: int = DEFAULT_LINK_DAYS,
    passcode: str | None = None,
    label: str = "",
    today: date | None = None,
) -> str:
    """Share a ready snapshot (committed); returns the link's token, which is never shown again.

    The link works for ``days`` (1 to 90) days after today, the last day included."""
    today = today or utc_today()
    if snapshot.status != READY:
        raise SnapshotError("Only a ready pack can be shared.")
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_LINK_DAYS <= days <= MAX_LINK_DAYS:
        raise SnapshotError(f"Enter a number of days from {MIN_LINK_DAYS} to {MAX_LINK_DAYS}.", "days")
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL:
        raise SnapshotError(f"Use {MAX_LABEL} characters or fewer for the label.", "label")
    if passcode:
        if len(passcode) < MIN_PASSCODE:
            raise SnapshotError(f"Use at least {MIN_PASSCODE} characters for the passcode.", "passcode")
        if len(passcode) > MAX_PASSCODE:
            raise SnapshotError(f"Use {MAX_PASSCODE} characters or fewer for the passcode.", "passcode")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        ShareLink(
            pack_id=snapshot.id,
            token_hash=hash_token(token),
            label=label,
            passcode_hash=hash_password(passcode) if passcode else None,
            expires_on=today + timedelta(days=days),
            created_by=user_id,
            created_on=today,
        )
    )
    session.commit()
    return token


def revoke_link(
    session: Session, forum_id: int, link_id: int, today: date | None = None, snapshot_id: int | None = None
) -> ShareLink:
    """Switch the forum's link off from today (committed); revoking again changes nothing. With
    ``snapshot_id``, only a link to that snapshot."""
    link = session.get(ShareLink, link_id)
    snapshot = session.get(PackSnapshot, link.pack_id) if link is not None else None
    if link is None or snapshot is None or snapshot.forum_id != forum_id:
        raise SnapshotError("That link does not exist.")
    if snapshot_id is not None and snapshot.id != snapshot_id:
        raise SnapshotError("That link does not exist.")
    if link.revoked_on is None:
        link.revoked_on = today or utc_today()
        session.commit()
    return link


def find_link(session: Session, token: str, today: date | None = None) -> ShareLink:
    """The working link of ``token``: raises ``LinkNotFound``, ``LinkExpired`` or ``LinkRevoked``."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise LinkNotFound()
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    snapshot = session.get(PackSnapshot, link.pack_id) if link is not None else None
    if link is None or snapshot is None or snapshot.status != READY:
        raise LinkNotFound()
    if link.revoked_on is not None:
        raise LinkRevoked()
    if forum_suspended(session, snapshot.forum_id):
        raise LinkSuspended()
    if (today or utc_today()) > link.expires_on:
        raise LinkExpired()
    return link


def open_link(
    session: Session,
    token: str,
    passcode: str | None = None,
    *,
    unlocked: bool = False,
    count: bool = True,
    today: date | None = None,
) -> PackSnapshot:
    """The snapshot a link shares, counting the open (committed) unless ``count`` is False.

    A link with a passcode needs it (``PasscodeNeeded``, ``WrongPasscode``) unless ``unlocked``: the
    visitor gave it earlier."""
    link = find_link(session, token, today)
    if link.passcode_hash is not None and not unlocked:
        if not passcode:
            raise PasscodeNeeded()
        if not verify_password(link.passcode_hash, passcode):
            raise WrongPasscode()
    snapshot = session.get(PackSnapshot, link.pack_id)
    assert snapshot is not None
    if count:
        session.execute(
            update(ShareLink).where(ShareLink.id == link.id).values(access_count=ShareLink.access_count + 1)
        )
        session.commit()
    return snapshot


@dataclass(frozen=True)
class LinkRow:
    id: int
    public_id: str  # how addresses name it
    label: str
    passcode: bool
    created_on: date
    expires_on: date
    revoked_on: date | None
    access_count: int
    state: str  # "Working", "Expired", "Revoked"

    @property
    def working(self) -> bool:
        return self.state == "Working"


def list_links(session: Session, snapshot: PackSnapshot, today: date | None = None) -> list[LinkRow]:
    """The snapshot's share links, newest first."""
    today = today or utc_today()
    links = session.scalars(
        select(ShareLink).where(ShareLink.pack_id == snapshot.id).order_by(ShareLink.id.desc())
    )
    return [
        LinkRow(
            id=link.id,
            public_id=link.public_id,
            label=link.label,
            passcode=link.passcode_hash is not None,
            created_on=link.created_on,
            expires_on=link.expires_on,
            revoked_on=link.revoked_on,
            access_count=link.access_count,
            state="Revoked" if link.revoked_on else "Expired" if today > link.expires_on else "Working",
        )
        for link in links
    ]


def link_count(session: Session, snapshot: PackSnapshot) -> int:
    return session.scalar(select(func.count()).where(ShareLink.pack_id == snapshot.id)) or 0
