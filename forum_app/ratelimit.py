"""Rate limits shared by every app process, stored in the database.

A request's source is keyed by an HMAC of its network (an IPv4 address, or an IPv6 address's /64,
which one home or phone is usually given whole) with a random key for the UTC day. The day keys are
kept in the database, so every process and host shares them, and keys older than yesterday are
deleted as a new day's key is made, and by ``flask retention purge`` on days no request came: once a
key is gone, nobody (not even someone holding the app's ``SECRET_KEY`` and the database) can tell which
address a stored source was. The raw address is never stored. Limits count attempts in windows, and a
window also carries the share of the previous window's attempts that it still overlaps (a
sliding-window counter): an attempt made just after a window turns over is counted with those made
just before it, so a limit never doubles at the turn.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Date, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum_app.db import Base, utcnow

KEEP_SECONDS = 2 * 24 * 3600  # windows older than this are deleted
IPV6_PREFIX = 64  # one household or phone is usually given a whole /64
UNKNOWN = "unknown"


class RateLimitHit(Base):
    """How many attempts one source made in one window of one scope."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (UniqueConstraint("scope", "source", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[int] = mapped_column(BigInteger, index=True)  # seconds since the epoch
    count: Mapped[int] = mapped_column(Integer, default=0)


class RateLimitKey(Base):
    """The random key that sources are hashed with on one UTC day (32 bytes, as hex)."""

    __tablename__ = "rate_limit_keys"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int


def _insert(session: Session, model: type[Base]) -> PgInsert | SqliteInsert:
    """An INSERT that can say what to do on a conflict, on PostgreSQL and SQLite alike."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


def source_network(address: str | None) -> str:
    """What a source is counted by: an IPv4 address whole, an IPv6 address's /64 network (an
    IPv4-mapped IPv6 address as its IPv4 address), and anything unreadable as ``unknown``."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


def day_key(session: Session, day: date) -> str:
    """The day's key, made on first use by whichever process comes first (the others get the same
    one). Making it deletes the keys older than the day before, and commits."""
    key = session.scalar(select(RateLimitKey.key).where(RateLimitKey.day == day))
    if key is not None:
        return key
    session.execute(
        _insert(session, RateLimitKey)
        .values(day=day, key=secrets.token_hex(32))
        .on_conflict_do_nothing(index_elements=["day"])
    )
    session.execute(delete(RateLimitKey).where(RateLimitKey.day < day - timedelta(days=1)))
    session.commit()
    return session.scalars(select(RateLimitKey.key).where(RateLimitKey.day == day)).one()


@dataclass(frozen=True)
class Expired:
    keys: int  # day keys older than yesterday
    windows: int  # counting windows older than KEEP_SECONDS


def purge_expired(session: Session, now: datetime | None = None, dry_run: bool = False) -> Expired:
    """Delete the day keys older than yesterday and the windows older than ``KEEP_SECONDS`` (committed),
    or with ``dry_run`` only count them. Requests do this as they go, but only when one comes: the daily
    purge makes sure a key is gone within a day even when no request asks for a new one."""
    moment = now or utcnow()
    old_keys = RateLimitKey.day < moment.date() - timedelta(days=1)
    old_windows = RateLimitHit.window_start < int(moment.timestamp()) - KEEP_SECONDS
    found = Expired(
        keys=session.scalar(select(func.count()).select_from(RateLimitKey).where(old_keys)) or 0,
        windows=session.scalar(select(func.count()).select_from(RateLimitHit).where(old_windows)) or 0,
    )
    if not dry_run:
        session.execute(delete(RateLimitKey).where(old_keys))
        session.execute(delete(RateLimitHit).where(old_windows))
        session.commit()
    return found


def source_key(session: Session, address: str | None, now: datetime | None = None) -> str:
    """A pseudonym for a request's source that changes every UTC day and cannot be traced back once
    the day's key is deleted."""
    key = day_key(session, (now or utcnow()).date())
    return hmac.new(bytes.fromhex(key), source_network(address).encode(), hashlib.sha256).hexdigest()[:40]


def value_key(session: Session, value: str, now: datetime | None = None) -> str:
    """A pseudonym for something typed (a code someone tried), made like ``source_key`` with the day's
    key: the value itself is never stored, and once the key is deleted nobody can tell what it was."""
    key = day_key(session, (now or utcnow()).date())
    return hmac.new(bytes.fromhex(key), f"value|{value}".encode(), hashlib.sha256).hexdigest()[:40]


def allow(session: Session, limit: Limit, source: str, now: datetime | None = None) -> bool:
    """Count one attempt; False when the source has used up this window's attempts."""
    return count_attempt(session, limit, source, now) <= limit.attempts


def _window_start(moment: float, limit: Limit) -> int:
    return int(moment) - int(moment) % limit.window_seconds


def _sliding(counts: dict[int, int], moment: float, limit: Limit) -> int:
    """The attempts of the window holding ``moment`` plus the previous window's, weighted by how much
    of the last ``window_seconds`` it still covers, rounded up."""
    window = _window_start(moment, limit)
    overlap = 1 - (moment - window) / limit.window_seconds
    return counts.get(window, 0) + math.ceil(counts.get(window - limit.window_seconds, 0) * overlap)


def _recent_counts(session: Session, limit: Limit, source: str, moment: float) -> dict[int, int]:
    window = _window_start(moment, limit)
    rows = session.execute(
        select(RateLimitHit.window_start, RateLimitHit.count).where(
            RateLimitHit.scope == limit.scope,
            RateLimitHit.source == source,
            RateLimitHit.window_start.in_([window, window - limit.window_seconds]),
        )
    )
    return {int(start): int(count) for start, count in rows}


def count_attempt(session: Session, limit: Limit, source: str, now: datetime | None = None) -> int:
    """Count one attempt and return how many the source has made in the last window's length, this
    one included: the attempts in this window plus the previous window's, weighted by how much of
    the last ``window_seconds`` it still covers, rounded up."""
    moment = (now or utcnow()).timestamp()
    window = _window_start(moment, limit)
    statement = (
        _insert(session, RateLimitHit)
        .values(scope=limit.scope, source=source, window_start=window, count=1)
        .on_conflict_do_update(
            index_elements=["scope", "source", "window_start"],
            set_={"count": RateLimitHit.count + 1},
        )
        .returning(RateLimitHit.count)
    )
    count = int(session.execute(statement).scalar_one())
    counts = _recent_counts(session, limit, source, moment)
    counts[window] = count
    session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < moment - KEEP_SECONDS))
    session.commit()
    return _sliding(counts, moment, limit)


def attempts_made(session: Session, limit: Limit, source: str, now: datetime | None = None) -> int:
    """How many attempts the source has made in the last window's length, counted as ``count_attempt``
    does, without counting a new one."""
    moment = (now or utcnow()).timestamp()
    return _sliding(_recent_counts(session, limit, source, moment), moment, limit)


def seconds_until_allowed(session: Session, limit: Limit, source: str, now: datetime | None = None) -> int:
    """How long until the source's next attempt would be allowed, if it makes none before, to the
    minute (0 when it would be allowed now)."""
    moment = (now or utcnow()).timestamp()
    counts = _recent_counts(session, limit, source, moment)
    step = 60
    for waited in range(0, 2 * limit.window_seconds + step, step):
        if _sliding(counts, moment + waited, limit) < limit.attempts:
            return waited
    return 2 * limit.window_seconds
