"""Sources are counted by a pseudonym made with a random key per UTC day, stored in the database so
every process shares it, and deleted after a day so old pseudonyms can no longer be traced."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.extensions import db
from forum_app.ratelimit import (
    KEEP_SECONDS,
    Limit,
    RateLimitHit,
    RateLimitKey,
    allow,
    attempts_made,
    count_attempt,
    seconds_until_allowed,
    source_key,
    source_network,
    value_key,
)

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _days(session: Session) -> list[date]:
    session.expire_all()
    return sorted(session.scalars(select(RateLimitKey.day)))


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),  # an IPv4 address written as IPv6 is the same source
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        (None, "unknown"),
        ("", "unknown"),
        ("not an address", "unknown"),
        ("192.0.2.7, 198.51.100.1", "unknown"),
        ("2001:db8::/64", "unknown"),
    ],
)
def test_a_source_is_an_ipv4_address_or_an_ipv6_64(address: str | None, network: str) -> None:
    assert source_network(address) == network


def test_every_address_of_one_ipv6_64_is_one_source(db_session: Session) -> None:
    home = ipaddress.IPv6Network("2001:db8:aa:bb::/64")
    keys = {source_key(db_session, str(home[n]), NOON) for n in (1, 2, 2**40, 2**64 - 1)}
    assert len(keys) == 1
    neighbour = str(ipaddress.IPv6Network("2001:db8:aa:bc::/64")[1])
    assert source_key(db_session, neighbour, NOON) not in keys
    assert source_key(db_session, "::ffff:192.0.2.7", NOON) == source_key(db_session, "192.0.2.7", NOON)
    assert source_key(db_session, "192.0.2.7", NOON) != source_key(db_session, "192.0.2.8", NOON)


def test_the_key_is_random_per_day_and_not_derived_from_the_secret(app: Flask, db_session: Session) -> None:
    key = source_key(db_session, "192.0.2.7", NOON)
    stored = db_session.scalars(select(RateLimitKey.key).where(RateLimitKey.day == NOON.date())).one()
    assert len(bytes.fromhex(stored)) == 32
    expected = hmac.new(bytes.fromhex(stored), b"192.0.2.7", hashlib.sha256).hexdigest()[:40]
    assert key == expected
    secret = app.config["SECRET_KEY"].encode()
    assert key != hmac.new(secret, b"2026-12-07|192.0.2.7", hashlib.sha256).hexdigest()[:40]
    assert source_key(db_session, "192.0.2.7", NOON + timedelta(hours=11)) == key  # same UTC day
    assert source_key(db_session, "192.0.2.7", NOON + timedelta(hours=12)) != key  # the next day


def test_every_process_shares_the_day_key(app: Flask, db_session: Session) -> None:
    other_process = db.sessionmaker(app)()
    try:
        assert source_key(db_session, "192.0.2.7", NOON) == source_key(other_process, "192.0.2.7", NOON)
    finally:
        other_process.close()
    assert _days(db_session) == [NOON.date()]


def test_keys_older_than_yesterday_are_deleted_so_old_sources_cannot_be_traced(db_session: Session) -> None:
    first = source_key(db_session, "192.0.2.7", NOON)
    source_key(db_session, "192.0.2.7", NOON + timedelta(days=1))
    assert _days(db_session) == [NOON.date(), NOON.date() + timedelta(days=1)]
    source_key(db_session, "192.0.2.7", NOON + timedelta(days=2))
    assert _days(db_session) == [NOON.date() + timedelta(days=1), NOON.date() + timedelta(days=2)]
    # The first day's key is gone: the same address on that day can no longer be hashed to `first`.
    assert source_key(db_session, "192.0.2.7", NOON) != first


def test_processes_making_the_day_key_at_once_agree(app: Flask) -> None:
    barrier = threading.Barrier(2, timeout=30)
    results: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def process(index: int) -> None:
        session = db.sessionmaker(app)()
        try:
            for day in range(10):
                barrier.wait()  # both look for the day's key together, find none and make one
                results[index].append(source_key(session, "192.0.2.7", NOON + timedelta(days=day)))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
            barrier.abort()
        finally:
            session.close()

    threads = [threading.Thread(target=process, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results[0] == results[1] and len(set(results[0])) == 10


def test_the_daily_purge_deletes_old_keys_and_windows_when_no_request_came(
    app: Flask, runner: FlaskCliRunner, db_session: Session
) -> None:
    """On a quiet day no request makes a new key, so nothing else would delete the old ones."""
    today = NOON.date()
    midnight = int(datetime(2026, 12, 7, tzinfo=UTC).timestamp())
    db_session.add_all(RateLimitKey(day=today - timedelta(days=n), key=f"{n:064}") for n in range(4))
    db_session.add_all(
        RateLimitHit(scope="resume", source=f"s{n}", window_start=start, count=1)
        for n, start in enumerate((midnight - KEEP_SECONDS - 3600, midnight - KEEP_SECONDS + 60, midnight))
    )
    db_session.commit()
    args = ["retention", "purge", "--today", today.isoformat()]

    counted = runner.invoke(args=[*args, "--dry-run"])
    assert counted.exit_code == 0, counted.output
    assert "Would delete in total: 2 rate-limit day keys older than yesterday and 1 rate-limit windows" in (
        counted.output
    )
    assert len(_days(db_session)) == 4

    purged = runner.invoke(args=args)
    assert purged.exit_code == 0, purged.output
    assert "Deleted in total: 2 rate-limit day keys older than yesterday and 1 rate-limit windows" in (
        purged.output
    )
    assert _days(db_session) == [today - timedelta(days=1), today]  # yesterday's sources stay countable
    assert sorted(db_session.scalars(select(RateLimitHit.source))) == ["s1", "s2"]
    again = runner.invoke(args=args)
    assert "Deleted in total: 0 rate-limit day keys older than yesterday and 0 rate-limit windows" in (
        again.output
    )


def test_a_limit_does_not_double_when_its_window_turns_over(db_session: Session) -> None:
    limit = Limit("test-turnover", 5, 600)
    turn = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    before = [allow(db_session, limit, "s", turn - timedelta(seconds=5 - n)) for n in range(5)]
    assert before == [True] * 5
    # Just after the turn the five tries of a moment ago still count; they fade as the window slides.
    assert not allow(db_session, limit, "s", turn + timedelta(seconds=1))
    assert not allow(db_session, limit, "s", turn + timedelta(seconds=120))
    assert allow(db_session, limit, "s", turn + timedelta(seconds=590))
    # At the next turn the window's three tries all count again, and the first window's no longer.
    assert count_attempt(db_session, limit, "s", turn + timedelta(seconds=600)) == 1 + 3


def test_attempts_made_looks_without_counting(db_session: Session) -> None:
    limit = Limit("test-peek", 3, 600)
    turn = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert attempts_made(db_session, limit, "s", turn) == 0
    for n in range(3):
        count_attempt(db_session, limit, "s", turn + timedelta(seconds=n))
    assert attempts_made(db_session, limit, "s", turn + timedelta(seconds=10)) == 3
    assert attempts_made(db_session, limit, "s", turn + timedelta(seconds=10)) == 3
    assert attempts_made(db_session, limit, "other", turn + timedelta(seconds=10)) == 0
    # In the next window the three fade as it slides, and are gone a window later.
    assert attempts_made(db_session, limit, "s", turn + timedelta(seconds=900)) == 2
    assert attempts_made(db_session, limit, "s", turn + timedelta(seconds=1200)) == 0


def test_seconds_until_allowed_is_when_the_next_attempt_would_pass(db_session: Session) -> None:
    limit = Limit("test-wait", 5, 3600)
    turn = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert seconds_until_allowed(db_session, limit, "s", turn) == 0
    for n in range(5):
        count_attempt(db_session, limit, "s", turn + timedelta(minutes=n))
    now = turn + timedelta(minutes=30)
    wait = seconds_until_allowed(db_session, limit, "s", now)
    # The window turns in 30 minutes; a fifth of the next must pass for the five to weigh four.
    assert wait == 30 * 60 + 12 * 60
    assert attempts_made(db_session, limit, "s", now + timedelta(seconds=wait)) < 5
    assert attempts_made(db_session, limit, "s", now + timedelta(seconds=wait - 60)) == 5


def test_a_typed_value_is_kept_only_as_a_pseudonym_of_the_day(db_session: Session) -> None:
    key = value_key(db_session, "resume|otter maple lantern comet", NOON)
    assert "otter" not in key and len(key) == 40
    assert value_key(db_session, "resume|otter maple lantern comet", NOON + timedelta(hours=1)) == key
    assert value_key(db_session, "resume|otter maple lantern comets", NOON) != key
    assert value_key(db_session, "resume|otter maple lantern comet", NOON + timedelta(days=1)) != key
    assert key != source_key(db_session, "resume|otter maple lantern comet", NOON)
