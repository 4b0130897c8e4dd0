"""Rate limits shared by every app process, stored in the database.

A request's source is keyed by an HMAC of its address with a key that changes
every day, so the raw address is never stored, and yesterday's keys cannot be
linked to today's. Limits count attempts in fixed windows.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum_app.db import Base, utcnow

KEEP_SECONDS = 2 * 24 * 3600  # windows older than this are deleted


class RateLimitHit(Base):
    """How many attempts one source made in one window of one scope."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (UniqueConstraint("scope", "source", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[int] = mapped_column(BigInteger, index=True)  # seconds since the epoch
    count: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int


def source_key(address: str | None, secret: str, now: datetime | None = None) -> str:
    """A daily-rotating pseudonym for a request's source address."""
    day = (now or utcnow()).date().isoformat()
    message = f"{day}|{address or 'unknown'}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def allow(session: Session, limit: Limit, source: str, now: datetime | None = None) -> bool:
    """Count one attempt; False when the source has used up this window's attempts."""
    moment = int((now or utcnow()).timestamp())
    window = moment - moment % limit.window_seconds
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(RateLimitHit)
        .values(scope=limit.scope, source=source, window_start=window, count=1)
        .on_conflict_do_update(
            index_elements=["scope", "source", "window_start"],
            set_={"count": RateLimitHit.count + 1},
        )
        .returning(RateLimitHit.count)
    )
    count = session.execute(statement).scalar_one()
    session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < moment - KEEP_SECONDS))
    session.commit()
    return count <= limit.attempts
